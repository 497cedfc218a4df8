"""The grammar of markers, years and dates lives in extractor/text/grammar.py only (issue 30 item 2).

Like tests/test_registry.py scans for backend names, this scans the source for the pieces of that grammar
typed out again: another room builds its pattern from grammar's fragments or uses one of its named variants.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.text import grammar

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR = ROOT / "extractor" / "text" / "grammar.py"
# The pieces a copy of the grammar is made of, as they appear in source text (a raw regex string or JS literal).
RETYPED = {
    "Chinese numerals of a marker": re.compile(r"一二三四五六七八九十"),
    "a 19xx/20xx year": re.compile(r"\(\?:19\|20\)"),
    "a four-digit year": re.compile(r"\\d\{4\}|\\d\\d\\d\\d"),
    "the circled numerals ① … ⑳": re.compile(r"\\u2460-\\u2473|①-⑳"),
}


def _sources() -> list[Path]:
    files = [*ROOT.glob("extractor/**/*.py"), *ROOT.glob("extractor/**/*.js"), *ROOT.glob("evals/tools/*.py")]
    return sorted(f for f in files if f != GRAMMAR and "vendor" not in f.parts)


def retyped(text: str) -> list[str]:
    """What grammar piece each line of `text` types out again, as `line: piece`."""
    return [
        f"{n}: {what}" for n, line in enumerate(text.splitlines(), 1) for what, rx in RETYPED.items() if rx.search(line)
    ]


def test_no_source_file_types_the_grammar_again():
    found = [
        f"{path.relative_to(ROOT)}:{hit}" for path in _sources() for hit in retyped(path.read_text(encoding="utf-8"))
    ]
    assert not found, "build these from extractor/text/grammar.py:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "copy",
    [
        '_NUM = re.compile(r"[（(][一二三四五六七八九十]+[)）]")',
        '_Y = re.compile(r"(?:19|20)\\d{2}年")',
        "var y = /(\\d{4})年/;",
        '_C = re.compile(r"[\\u2460-\\u2473]")',
    ],
)
def test_the_scan_catches_a_copy(copy):
    assert retyped(copy)


def test_the_scan_reads_the_grammar_itself():
    assert retyped(GRAMMAR.read_text(encoding="utf-8")), "grammar.py holds the pieces the scan looks for"


def test_the_fragments_read_what_they_name():
    assert re.fullmatch(grammar.CN_ORDINAL, "二十三") and not re.fullmatch(grammar.CN_ORDINAL, "百")
    assert re.fullmatch(grammar.CENTURY_YEAR, "2025") and not re.fullmatch(grammar.CENTURY_YEAR, "1200")
    assert grammar.YEAR_CELL.match("2025年度") and not grammar.YEAR_CELL.match("2025年12月")
    assert grammar.OPENING_YEAR.match("2025年度以来，我局").group(1) == "2025"
    assert re.search(grammar.DOC_NUMBER, "东湖政办发〔2025〕17号") and not re.search(grammar.DOC_NUMBER, "〔25〕17号")
    assert grammar.TIME_PHRASE.match("2023-2025年度以来").group() == "2023-2025年度以来"
    assert grammar.LOOSE_MARKER.match("④ 执法不规范").end() == 2


def test_the_review_page_gets_its_lead_marker_from_the_grammar():
    # The page runs the pattern as a JavaScript RegExp; it uses no syntax the two languages read differently.
    pattern = grammar.js_patterns()["lead_marker"]
    assert re.sub(pattern, "", "（十二）推进柔性执法，减少罚款") == "推进柔性执法，减少罚款"
    assert re.sub(pattern, "", "三是 规范涉企检查") == "规范涉企检查"
    assert re.sub(pattern, "", "2025年完成清理") == "2025年完成清理"
    assert not re.search(r"\(\?P|\(\?<[=!]|\\A|\\Z", pattern)
    js = (ROOT / "extractor/review/assets/model.js").read_text(encoding="utf-8")
    assert "D.grammar.lead_marker" in js
