"""Writes that never leave a half-written file at the destination.

Everything goes to a temporary name in the destination's own folder (so the final rename is
atomic on the same file system) and is renamed into place only once complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import W2VError


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early (before hours of training) if ``path`` cannot be created."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.exists() and p.is_dir() and not (p / "config.json").exists() and any(p.iterdir()):
        raise W2VError(f"{p}: output path is a non-empty folder that is not a w2v model")
    probe_dir = parent
    while not probe_dir.exists():
        probe_dir = probe_dir.parent
    if not probe_dir.is_dir():
        raise W2VError(f"{p}: cannot create output, {probe_dir} is not a folder")
    if not os.access(probe_dir, os.W_OK | os.X_OK):
        raise W2VError(f"{p}: cannot write output, permission denied in {probe_dir}")
    if p.exists() and not p.is_dir() and not os.access(p, os.W_OK):
        raise W2VError(f"{p}: cannot overwrite output, permission denied")
    return p


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _wrap_os_error(path: Path, exc: OSError) -> W2VError:
    reason = exc.strerror or str(exc)
    return W2VError(f"{path}: cannot write ({reason})")


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it to ``path`` when the block succeeds."""
    dest = Path(path)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
        os.chmod(tmp, 0o666 & ~_umask())  # a normal file's mode, not mkstemp's 0600
    except OSError as exc:
        raise _wrap_os_error(dest, exc) from exc
    ok = False
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        ok = True
    except OSError as exc:
        raise _wrap_os_error(dest, exc) from exc
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Build a folder under a temporary name beside ``path``; swap it into place at the end.

    An existing folder at ``path`` is replaced only after the new one is complete.
    """
    dest = Path(path)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
        os.chmod(tmp, 0o777 & ~_umask())
    except OSError as exc:
        raise _wrap_os_error(dest, exc) from exc
    ok = False
    try:
        yield tmp
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old.{os.getpid()}")
            os.replace(dest, old)
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dest)
        ok = True
    except OSError as exc:
        raise _wrap_os_error(dest, exc) from exc
    finally:
        if not ok:
            shutil.rmtree(tmp, ignore_errors=True)
