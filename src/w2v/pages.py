"""Resident memory taken by LLVM's machine code, given back once numba has loaded the kernels.

numba keeps LLVM loaded (``libllvmlite.so``: 180 MB, 80 MB of it machine code). Where the page
cache holds files in large folios and a fault maps the whole folio (Linux 6.x on ext4 or xfs),
the scattered LLVM functions that run while numba starts, or loads a cached kernel, leave
nearly all of that code mapped: some 90 MB counted in the process's RSS, none of which runs again
while the corpus is counted or the model trained (the kernels are machine code of their own).

:func:`release` unmaps those pages (``madvise(MADV_DONTNEED)``). They are clean, read-only file
pages (mappings holding a private copy of any page are left alone), so this loses nothing: the
page cache keeps them and LLVM maps them back on use, e.g. to compile a new kernel. It is called
after the counting kernels and after the training kernel are first loaded; :func:`trimming`
keeps doing it while numba loads them (loading a first kernel runs LLVM for half a second and
would map the whole 90 MB back), and :func:`load_llvm` does it as soon as LLVM is loaded, before
numba's own modules grow the process.

``W2V_KEEP_LLVM_PAGES=1`` turns all of this off (to measure what it does).

:func:`fix_mmap_threshold` is for the ``w2v`` command (it changes how the whole process
allocates): glibc raises its mmap threshold each time a large block is freed, so that the 4 MB
chunks and buffers of the counting pass end up inside malloc's heaps, which keep freed memory
(20 MB more resident after counting devmix). A fixed threshold keeps such blocks mmapped, given
back to the system when freed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import sys
import threading
from typing import Iterator

import numpy as np

_MADV_DONTNEED = 4
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_LIBRARY = "libllvmlite"
_HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) ")
_madvise = None


def release(library: str = _LIBRARY) -> int:
    """Unmap the clean read-only pages of ``library``'s mappings; returns the bytes released
    (0 where this cannot be done: not Linux, no such mapping, no madvise)."""
    if not _enabled():
        return 0
    madvise = _libc_madvise()
    if madvise is None:
        return 0
    freed = 0
    for lo, hi, rss in _clean_mappings(library):
        if madvise(ctypes.c_void_p(lo), ctypes.c_size_t(hi - lo), _MADV_DONTNEED) == 0:
            freed += rss
    return freed


@contextlib.contextmanager
def trimming(every: float = 0.03) -> Iterator[None]:
    """Release LLVM's pages every ``every`` seconds while the body runs (numba loading a kernel:
    the pages come back on use, so this only bounds how many are mapped at once), and once at
    the end."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            release()

    thread = threading.Thread(target=loop, name="w2v-pages", daemon=True)
    if _enabled():
        release()
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread.is_alive():
            thread.join()
        release()


def load_llvm() -> None:
    """Import LLVM (llvmlite) and release its pages at once: loading the library maps 90 MB of
    it, before numba, imported next, adds its own modules."""
    import llvmlite.binding  # noqa: F401

    release()


def _clean_mappings(library: str) -> list[tuple[int, int, int]]:
    """(start, end, resident bytes) of the mappings of ``library`` that are not writable and
    hold no private (copied-on-write) page: file pages only, the same as on disk."""
    out = []
    try:
        with open("/proc/self/smaps") as fh:
            current = None
            for line in fh:
                m = _HEADER.match(line)
                if m:
                    current = None
                    if library in line and "w" not in m.group(3):
                        current = [int(m.group(1), 16), int(m.group(2), 16), 0, True]
                        out.append(current)
                elif current is not None:
                    key, _, value = line.partition(":")
                    if key == "Rss":
                        current[2] = int(value.split()[0]) * 1024
                    elif key in ("Anonymous", "Private_Dirty", "Shared_Dirty") and int(value.split()[0]):
                        current[3] = False
    except (OSError, ValueError, IndexError):
        return []
    return [(lo, hi, rss) for lo, hi, rss, clean in out if clean and rss]


def drop_read(arr: np.ndarray, lo: int, hi: int) -> None:
    """Unmap the pages of ``arr[lo:hi]`` if ``arr`` is a read-only memory map of a file (the id
    stream once a job has read it): they stay in the page cache and come back on use, so an epoch
    over a large corpus does not leave the whole file mapped. Anything else is left alone."""
    if not isinstance(arr, np.memmap) or arr.flags.writeable or getattr(arr, "_mmap", None) is None \
            or not _enabled() or arr.ndim != 1 or not arr.flags.c_contiguous:
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


def _enabled() -> bool:
    return sys.platform.startswith("linux") and not os.environ.get("W2V_KEEP_LLVM_PAGES")


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
