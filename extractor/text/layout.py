"""The page furniture of a report, shared by `segment` and `metadata`: lines of the normalized text, the
closing block (特此报告, signatures, dates, the 印发 line) and dates. Numerals are `text/numerals.py`'s.

All positions here are offsets into `Normalized.text` (width-folded, no horizontal whitespace, line
breaks only where a paragraph or a short header line ends); callers map them back with `to_orig`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractor import lexicon
from extractor.text.grammar import CLOSING_WORDS as _CLOSING_WORDS
from extractor.text.grammar import DATE_LINE, RULE_RUN
from extractor.text.normalize import Normalized
from extractor.text.numerals import cn_digits, cn_int
from extractor.text.sentences import lines as line_spans


@dataclass(frozen=True)
class Line:
    start: int  # normalized offset of the first character
    end: int  # normalized offset one past the last character (the "\n" is not part of the line)
    text: str


def split_lines(norm: Normalized) -> list[Line]:
    """The non-empty lines of the normalized text."""
    return [Line(a, b, norm.text[a:b]) for a, b in line_spans(norm.text) if b > a]


# --------------------------------------------------------------------------- dates
# `2023年5月8日` / `二〇二三年五月八日` and the closing date line: the grammar's (text/grammar.py).


def parse_date(match: re.Match) -> date | None:
    y = match.group("y")
    year = cn_digits(y)
    month, day = cn_int(match.group("m")), cn_int(match.group("d"))
    try:
        return date(year or 0, month or 0, day or 0)
    except ValueError:
        return None


# --------------------------------------------------------------------------- organisations and closing
# How the name of an issuing body ends: government, party committee, office, department.
ORG_SUFFIX = re.compile("(?:" + lexicon.alternation(lexicon.words("org_line_ends")) + ")$")
_PUNCT = re.compile(r"[，,。；;：:、]")


def is_org_line(text: str) -> bool:
    """A short line that is only the name of one or more bodies (`中共白河区委`, `青山市人民政府办公室`)."""
    return len(text) <= 30 and not _PUNCT.search(text) and bool(ORG_SUFFIX.search(text)) and not text[0].isdigit()


def is_closing_line(text: str) -> bool:
    if RULE_RUN.fullmatch(text):
        return True  # a `---` rule left in a run-together text's closing (lined text has none: normalize drops them)
    return bool(_CLOSING_WORDS.match(text) or DATE_LINE.match(text) or is_org_line(text))


def closing_index(lines: list[Line]) -> int:
    """Index of the first line of the closing block (特此报告, signatures, dates); len(lines) if none.

    Scanned from the end: the closing block is the run of closing-shaped lines after the last body line.
    """
    i = len(lines)
    while i > 0 and is_closing_line(lines[i - 1].text):
        i -= 1
    return i
