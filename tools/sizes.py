"""The longest files and functions of the package, against the limits of ARCHITECTURE.md (files
~600 lines; functions ~80 lines outside kernels/, unless their docstring says why).

    python tools/sizes.py            # the 10 longest of each, in src/w2v
    python tools/sizes.py --top 25

A function's length runs from its first decorator to its last line (docstring and comments
included); nested functions count within their parent and are not listed apart.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE_LIMIT = 600
FUNCTION_LIMIT = 80


def functions(path: Path) -> list[tuple[int, str, int]]:
    """(lines, qualified name, line of its ``def``) of each top-level function and method."""
    out = []

    def visit(body, prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                out.append((node.end_lineno - start + 1, f"{prefix}{node.name}", node.lineno))
            elif isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")

    visit(ast.parse(path.read_text(encoding="utf-8")).body, "")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("root", nargs="?", type=Path, default=ROOT / "src" / "w2v")
    args = ap.parse_args()
    files = sorted(args.root.rglob("*.py"))
    sizes = sorted(((len(p.read_text(encoding="utf-8").splitlines()), p) for p in files), reverse=True)
    funcs = sorted(((n, p, name, line) for p in files for n, name, line in functions(p)), reverse=True)

    def rel(p: Path) -> Path:
        return p.relative_to(args.root.parent)

    print(f"longest files (limit ~{FILE_LIMIT} lines):")
    for n, p in sizes[: args.top]:
        print(f"  {n:5d}  {rel(p)}{'  PAST' if n > FILE_LIMIT else ''}")
    print(f"longest functions (limit ~{FUNCTION_LIMIT} lines outside kernels/):")
    for n, p, name, line in funcs[: args.top]:
        kernel = "kernels" in p.parts
        flag = "  (kernel)" if kernel else "  PAST" if n > FUNCTION_LIMIT else ""
        print(f"  {n:5d}  {rel(p)}:{line} {name}{flag}")


if __name__ == "__main__":
    main()
