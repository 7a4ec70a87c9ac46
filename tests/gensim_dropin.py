"""Run gensim's documentation snippets (tests/data/gensim_snippets.txt) under gensim and w2v.

Used by tests/test_gensim_dropin.py, and as a script that prints a table:

    .venv/bin/python tests/gensim_dropin.py [name ...]
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parent / "data" / "gensim_snippets.txt"
GENSIM_IMPORT = "from gensim.models import Word2Vec, KeyedVectors"
W2V_IMPORT = "from w2v import Word2Vec, KeyedVectors"


@dataclass
class Snippet:
    name: str
    source: str
    code: str

    @property
    def needs(self) -> list[str]:
        """Modules gensim needs for this snippet (a line "# needs: ot"); w2v needs none."""
        return [m.strip() for line in self.code.splitlines() if line.startswith("# needs:")
                for m in line.split(":", 1)[1].split(",")]

    def gensim_can_run(self) -> bool:
        import importlib.util

        return all(importlib.util.find_spec(m) is not None for m in self.needs)


@dataclass
class Outcome:
    ok: bool
    error: str
    output: str
    seconds: float


def load_snippets(path: Path = SNIPPETS) -> list[Snippet]:
    out: list[Snippet] = []
    name = source = None
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            if name is not None:
                out.append(Snippet(name, source, "\n".join(body).strip() + "\n"))
            name, _, source = line[4:].partition(" | ")
            name, source, body = name.strip(), source.strip(), []
        elif name is not None:
            body.append(line)
    if name is not None:
        out.append(Snippet(name, source, "\n".join(body).strip() + "\n"))
    return out


def as_w2v(code: str) -> str:
    """The snippet with its one import line changed (and nothing else)."""
    if code.count(GENSIM_IMPORT) != 1:
        raise ValueError(f"a snippet must hold the line {GENSIM_IMPORT!r} exactly once")
    return code.replace(GENSIM_IMPORT, W2V_IMPORT)


def run(code: str, folder: str | os.PathLike) -> Outcome:
    """Execute ``code`` in a fresh namespace, with ``folder`` as the working directory."""
    old = os.getcwd()
    out = io.StringIO()
    start = time.perf_counter()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(code, "<snippet>", "exec"), {"__name__": "__snippet__"})
        return Outcome(True, "", out.getvalue(), time.perf_counter() - start)
    except BaseException as exc:  # noqa: B036 - a snippet's failure of any kind is the result
        if isinstance(exc, KeyboardInterrupt):
            raise
        tb = traceback.extract_tb(exc.__traceback__)
        line = next((f.lineno for f in reversed(tb) if f.filename == "<snippet>"), None)
        error = f"{type(exc).__name__}: {exc} (snippet line {line})"
        return Outcome(False, error, out.getvalue(), time.perf_counter() - start)
    finally:
        os.chdir(old)


def main(names: list[str]) -> int:
    snippets = [s for s in load_snippets() if not names or s.name in names]
    passed = 0
    for s in snippets:
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            g = run(s.code, a) if s.gensim_can_run() else Outcome(False, f"needs {', '.join(s.needs)}", "", 0.0)
            w = run(as_w2v(s.code), b)
        passed += w.ok
        mark = "ok  " if w.ok else "FAIL"
        print(f"{mark} {s.name:36s} gensim {'ok' if g.ok else 'FAIL'} {g.seconds:5.2f}s  w2v {w.seconds:5.2f}s")
        if not g.ok:
            print(f"     gensim: {g.error}")
        if not w.ok:
            print(f"     w2v: {w.error}")
    print(f"{passed} of {len(snippets)} snippets run under w2v")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
