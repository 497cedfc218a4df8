"""No function in extractor/ runs over MAX_LINES lines (issue 30 item 4: short paths), except the ones
listed in ALLOWED, each with the length it had when listed. The list may only shrink: a listed function
may not grow past its length, and an entry whose function is now short enough (or gone) must be removed."""

import ast
from pathlib import Path

MAX_LINES = 60  # end_lineno - lineno of the def (decorators not counted)
ROOT = Path(__file__).resolve().parent.parent / "extractor"

# The functions still over MAX_LINES (path below extractor/, qualified name): their length when listed.
# Split one and delete its line; never add one or raise a number.
ALLOWED: dict[tuple[str, str], int] = {}  # empty since 2026-12-06: every function is at most MAX_LINES


def _functions(tree: ast.AST, prefix: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{prefix}{node.name}"
            yield name, node.end_lineno - node.lineno
            yield from _functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def _lengths() -> dict[tuple[str, str], int]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for name, length in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            out[(rel, name)] = max(length, out.get((rel, name), 0))
    return out


def test_no_function_over_the_limit_outside_the_allow_list():
    lengths = _lengths()
    long = {key: n for key, n in lengths.items() if n > MAX_LINES and key not in ALLOWED}
    assert not long, f"functions over {MAX_LINES} lines (split them): {long}"


def test_the_allow_list_only_shrinks():
    lengths = _lengths()
    grown = {key: (lengths[key], n) for key, n in ALLOWED.items() if key in lengths and lengths[key] > n}
    assert not grown, f"listed functions grew (now, listed): {grown}"
    stale = [key for key in ALLOWED if lengths.get(key, 0) <= MAX_LINES]
    assert not stale, f"now short enough or gone: remove from ALLOWED: {stale}"


def test_the_measure_sees_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES + 1))
    lengths = dict(_functions(ast.parse(f"class C:\n  def f():\n{body}\n")))
    assert lengths["C.f"] > MAX_LINES
