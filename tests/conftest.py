"""Helpers shared by the tests: running the `w2v` command, in this process or as its own, and
reading a PNG's size.

Test modules import them by name (``from conftest import run_w2v``); pytest puts this folder on
``sys.path`` when it collects the tests.
"""

from __future__ import annotations

import io
import subprocess
import sys

W2V = [sys.executable, "-m", "w2v.cli"]
"""The command line, as a separate process."""


def run_w2v(*args, stdin: bytes | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`w2v ARGS...` as its own process (what a user runs; imports and exit codes are real).
    ``stdout``/``stderr`` are bytes."""
    return subprocess.run([*W2V, *map(str, args)], input=stdin, capture_output=True, timeout=timeout)


def main_status(*args, stdin: str | None = None) -> int:
    """`w2v ARGS...` in this process (fast; the output goes to pytest's capsys/capfd). Returns the
    exit status."""
    from w2v.cli import main

    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.stdin = saved
    return 0


def main_output(capsys, *args, stdin: str | None = None) -> tuple[int, str, str]:
    """`w2v ARGS...` in this process: (exit status, stdout, stderr)."""
    code = main_status(*args, stdin=stdin)
    out, err = capsys.readouterr()
    return code, out, err


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG image, from its header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
