"""Every example in README.md and docs/*.md runs, and docs/cli.md matches the commands.

How blocks are run, per document, in order, in one temporary folder holding a small corpus
(``corpus.txt``, ``corpus.txt.xz``, ``corpus/``, ``other.txt``, ``connectors.txt``):

- ```python blocks: executed in one namespace per document; a block with ``>>>`` prompts is run
  as a doctest (ELLIPSIS and NORMALIZE_WHITESPACE on).
- ```sh / ```bash / ```console blocks, and unlabelled blocks whose first line starts with
  ``w2v ``: each command line runs in bash (``w2v`` is this environment's); set-up lines
  (``make``, ``pip``, ``git``, activating the virtual environment) are not run.
- Other blocks (```text, ```json, output) are not run.
- A block right after ``<!-- skip -->`` is not run: use it sparingly.

docs/benchmarks.md is left out: its commands are benchmarks that take minutes, not examples.
"""

from __future__ import annotations

import doctest
import lzma
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from w2v.datasets import sample_path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOT_EXAMPLES = {"benchmarks.md"}
SETUP = re.compile(r"^(make|pip|pip3|git|cd|source|\.)\s")
SHELL_LANGS = {"sh", "bash", "shell", "console"}
PY_LANGS = {"python", "py", "pycon"}
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)")


@dataclass
class Block:
    doc: Path
    line: int  # 1-based line of the first line of code
    lang: str
    code: str
    skip: bool

    @property
    def where(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


def blocks(doc: Path) -> list[Block]:
    lines = doc.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m.groups()
        prev = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        body = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
            j += 1
        out.append(Block(doc, i + 2, lang.lower(), "\n".join(body) + "\n", prev == "<!-- skip -->"))
        i = j + 1
    return out


def kind(b: Block) -> str | None:
    if b.skip:
        return None
    if b.lang in PY_LANGS:
        return "python"
    if b.lang in SHELL_LANGS:
        return "shell"
    if not b.lang:
        first = next((ln.strip() for ln in b.code.splitlines() if ln.strip()), "")
        if first.startswith(("w2v ", "$ w2v ")):
            return "shell"
        if first.startswith(">>> "):
            return "python"
    return None


def shell_commands(code: str) -> list[str]:
    cmds: list[str] = []
    cur = ""
    for raw in code.splitlines():
        line = raw.rstrip()
        if line.startswith("$ "):
            line = line[2:]
        if cur:
            line = cur + " " + line.lstrip()
            cur = ""
        if line.endswith("\\"):
            cur = line[:-1]
            continue
        s = line.strip()
        if not s or s.startswith("#") or SETUP.match(s):
            continue
        cmds.append(s)
    return cmds


def make_workspace(path: Path) -> None:
    with lzma.open(sample_path(), "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines(keepends=True)
    # ~60k words: quick to train, and the words the examples use are all in the vocabulary
    # (the sample's few lines about New York are added so that "new york" forms a phrase)
    keep = sorted(set(range(0, len(lines), 12)) | {i for i, ln in enumerate(lines) if "new york" in ln})
    corpus = "".join(lines[i] for i in keep)
    (path / "corpus.txt").write_text(corpus, encoding="utf-8")
    (path / "corpus.txt.xz").write_bytes(lzma.compress(corpus.encode()))
    (path / "corpus").mkdir()
    (path / "corpus" / "part1.txt").write_text("".join(lines[1::12]), encoding="utf-8")
    (path / "corpus" / "part2.txt").write_text("".join(lines[7::12]), encoding="utf-8")
    (path / "other.txt").write_text("".join(lines[3::24]), encoding="utf-8")
    (path / "connectors.txt").write_text("of the and a to for\n", encoding="utf-8")


def run_doc(doc: Path, workspace: Path) -> int:
    """Run every example of ``doc``; returns how many blocks ran."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.setdefault("COLUMNS", "100")
    ns: dict = {"__name__": "__docs__"}
    ran = 0
    old = os.getcwd()
    os.chdir(workspace)
    try:
        for b in blocks(doc):
            k = kind(b)
            if k == "shell":
                for cmd in shell_commands(b.code):
                    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=workspace, env=env,
                                       capture_output=True, timeout=300)
                    assert r.returncode == 0, (f"{b.where}: `{cmd}` exited with {r.returncode}\n"
                                               f"{r.stderr.decode(errors='replace')[-2000:]}")
                ran += 1
            elif k == "python":
                if ">>> " in b.code:
                    test = doctest.DocTestParser().get_doctest(b.code, ns, b.where, str(b.doc), b.line - 1)
                    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
                    report: list[str] = []
                    result = runner.run(test, out=report.append, clear_globs=False)
                    ns.update(test.globs)  # DocTest works on a copy of the namespace
                    assert result.failed == 0, f"{b.where}: doctest failed\n" + "".join(report)
                else:
                    try:
                        exec(compile(b.code, b.where, "exec"), ns)
                    except Exception as exc:
                        raise AssertionError(f"{b.where}: {type(exc).__name__}: {exc}") from exc
                ran += 1
    finally:
        os.chdir(old)
    return ran


@pytest.mark.parametrize("doc", [d for d in DOCS if d.name not in NOT_EXAMPLES], ids=lambda d: d.name)
def test_examples_run(doc, tmp_path):
    pytest.importorskip("matplotlib")
    make_workspace(tmp_path)
    run_doc(doc, tmp_path)


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = blocks(ROOT / "README.md")[0]
    assert [ln.split("#")[0].strip() for ln in first.code.strip().splitlines()] == ["make run", "make test"]
    assert text.index("```") < text.index("## ")  # before any section
    assert "Five-minute tour" in text


def test_every_document_is_linked_from_the_readme():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in (ROOT / "docs").glob("*.md"):
        assert f"docs/{doc.name}" in text, f"README.md does not link docs/{doc.name}"


def test_the_harness_finds_the_tour():
    kinds = [kind(b) for b in blocks(ROOT / "README.md")]
    assert kinds.count("shell") >= 5 and kinds.count("python") >= 1


def test_cli_reference_is_up_to_date():
    if shutil.which("bash") is None:  # pragma: no cover
        pytest.skip("no bash")
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_cli_docs.py"), "--check"], capture_output=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr.decode() + "\n(run: python tools/gen_cli_docs.py)"
