"""How the process holds memory it does not need: pages of the id stream already read, and
freed buffers that glibc would keep.

:func:`drop_read` unmaps the pages of the memory-mapped id stream a job has read
(``madvise(MADV_DONTNEED)``; they stay in the page cache and come back on use), so an epoch over
a large corpus does not leave the whole file mapped.

:func:`fix_mmap_threshold` is for the ``w2v`` command (it changes how the whole process
allocates): glibc raises its mmap threshold each time a large block is freed, so that the 4 MB
chunks and buffers of the counting pass end up inside malloc's heaps, which keep freed memory
(20 MB more resident after counting devmix). A fixed threshold keeps such blocks mmapped, given
back to the system when freed.

What is left of a training run's resident memory is measured in docs/benchmarks.md: beyond the
private memory (about gensim's), it is mostly LLVM's machine code (``libllvmlite.so``), which
numba maps while it loads a kernel. Those are clean file pages, shared and reclaimable; w2v does
not unmap them, which would lower the figure without freeing memory.
"""

from __future__ import annotations

import ctypes
import os
import sys

import numpy as np

_MADV_DONTNEED = 4
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_madvise = None


def drop_read(arr: np.ndarray, lo: int, hi: int) -> None:
    """Unmap the pages of ``arr[lo:hi]`` if ``arr`` is a read-only memory map of a file (the id
    stream once a job has read it): they stay in the page cache and come back on use, so an epoch
    over a large corpus does not leave the whole file mapped. Anything else is left alone."""
    if not isinstance(arr, np.memmap) or arr.flags.writeable or getattr(arr, "_mmap", None) is None \
            or not sys.platform.startswith("linux") or arr.ndim != 1 or not arr.flags.c_contiguous:
        return
    madvise = _libc_madvise()
    if madvise is None:
        return
    start = arr.ctypes.data + lo * arr.itemsize
    end = arr.ctypes.data + hi * arr.itemsize
    start = -(-start // _PAGE) * _PAGE
    end = end // _PAGE * _PAGE
    if end > start:
        madvise(ctypes.c_void_p(start), ctypes.c_size_t(end - start), _MADV_DONTNEED)


def fix_mmap_threshold(nbytes: int = 1 << 18) -> bool:
    """Blocks of ``nbytes`` or more are mmapped, whatever was freed before (glibc's
    ``M_MMAP_THRESHOLD``, which also stops its dynamic raising). True if set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return mallopt(-3, int(nbytes)) == 1  # M_MMAP_THRESHOLD


def _libc_madvise():
    global _madvise
    if _madvise is None:
        try:
            fn = ctypes.CDLL(None, use_errno=True).madvise
        except (OSError, AttributeError):
            return None
        fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        fn.restype = ctypes.c_int
        _madvise = fn
    return _madvise
