"""No word list lives in extractor/'s Python (issue 30 item 1: lexicons as data), except the ones listed in
ALLOWED, each with the reason it is grammar rather than vocabulary. A word list is a literal list, tuple or set
of five or more Chinese strings, or a string (not a docstring) of five or more Chinese words joined by `|`, `、`
or whitespace. The list may only shrink: an entry whose list is gone must be removed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "extractor"
MIN_WORDS = 5
_CJK = re.compile(r"[\u4e00-\u9fff]")
_JOINERS = re.compile(r"[|、\s]+")

# (path below extractor/, the stripped source line the list starts on, cut to KEY_CHARS) → why it stays in code.
# Move a list to extractor/lexicon/ and delete its line; never add one for vocabulary.
KEY_CHARS = 60
ALLOWED: dict[tuple[str, str], str] = {
    ("evaluation/forms.py", 'lines = ["当前位置： 首页 › 政务公开 › 法治政府建设 › 正文", ""]'): (
        "not a list any reader matches: the breadcrumb line the delivered-forms check prints into a synthetic web "
        "copy (test input made by code, read back by text/furniture.py through page_labels and issuers.toml)"
    ),
    ("text/grammar.py", 'rf"{CENTURY_YEAR}(?:[-—–~至到](?:19|20)?\\d{{2,4}})?年(?:度)?(?:\\'): (
        "date grammar, which lives in text/grammar.py (issue 30 item 2): TIME_PHRASE is a date or a year range "
        "with its relation to it (以来, 之前, 底, 初 …) and the deictic last year (上年, 去年, 上一年), a closed set "
        "that composes with the date pattern, not a word list a reader extends"
    ),
}


def word_lists(source: str) -> list[tuple[int, str, int]]:
    """(line, `list` | `str`, number of Chinese words) of every word list in a module's source."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    out, in_list = [], set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            words = [
                e
                for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str) and _CJK.search(e.value)
            ]
            if len(words) >= MIN_WORDS:
                out.append((node.lineno, "list", len(words)))
                in_list.update(id(e) for e in node.elts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs | in_list:
            words = [p for p in _JOINERS.split(node.value) if _CJK.search(p)]
            if len(words) >= MIN_WORDS:
                out.append((node.lineno, "str", len(words)))
    return out


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                ids.add(id(first.value))
    return ids


def places() -> dict[tuple[str, str], int]:
    """Every word list in extractor/: (path, its line's key) → number of words."""
    out: dict[tuple[str, str], int] = {}
    for path in sorted(ROOT.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for line, _, count in word_lists(source):
            key = (path.relative_to(ROOT).as_posix(), lines[line - 1].strip()[:KEY_CHARS])
            out[key] = out.get(key, 0) + count
    return out


def test_no_word_list_in_code_outside_the_allow_list():
    found = places()
    stray = {key: n for key, n in found.items() if key not in ALLOWED}
    assert not stray, f"word lists in code (move them to extractor/lexicon/): {stray}"


def test_the_allow_list_only_shrinks_and_says_why():
    found = places()
    stale = [key for key in ALLOWED if key not in found]
    assert not stale, f"no longer in code: remove from ALLOWED: {stale}"
    assert all(len(reason) > 20 for reason in ALLOWED.values())


def test_the_counter_sees_a_planted_list():
    planted = '''
"""A docstring of 省 市 县 区 乡 镇 is not a list."""
KINDS = ("省", "市", "县", "区", "乡")
SHORT = ["省", "市", "县", "区"]
PATTERN = re.compile(r"(?:人民政府|政府|委员会|办公室|局)$")
SPACED = "办理 印发 清理 备案 报备 落实"
LISTED = "一、二、三、四、五"
def f():
    """法治 政府 建设 年度 报告 (a function's docstring)."""
    return "a|b|c|d|e"
'''
    assert sorted(word_lists(planted)) == [(3, "list", 5), (5, "str", 5), (6, "str", 6), (7, "str", 5)]
