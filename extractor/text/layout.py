"""The page furniture of a report, shared by `segment` and `metadata`: lines of the normalized text, the
closing block (特此报告, signatures, dates, the 印发 line), dates, and Chinese numerals.

All positions here are offsets into `Normalized.text` (width-folded, no horizontal whitespace, line
breaks only where a paragraph or a short header line ends); callers map them back with `to_orig`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractor.text.normalize import Normalized


@dataclass(frozen=True)
class Line:
    start: int  # normalized offset of the first character
    end: int  # normalized offset one past the last character (the "\n" is not part of the line)
    text: str


def split_lines(norm: Normalized) -> list[Line]:
    lines, pos = [], 0
    for text in norm.text.split("\n"):
        if text:
            lines.append(Line(pos, pos + len(text), text))
        pos += len(text) + 1
    return lines


# --------------------------------------------------------------------------- numerals
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_int(s: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23; digit strings too. None for anything else (up to 99)."""
    if s.isdigit():
        return int(s)
    if not s or any(ch not in _CN_DIGIT and ch != "十" for ch in s):
        return None
    if "十" not in s:
        return _CN_DIGIT[s] if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in tens + ones:  # OCR doubles characters: `十十`
        return None
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


_CN_ORDINALS = "一二三四五六七八九"


def int_cn(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (the inverse of cn_int for 1..99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_ORDINALS[tens - 1] + "十")
    return head + (_CN_ORDINALS[ones - 1] if ones else "")


# --------------------------------------------------------------------------- dates
# `2023年5月8日` or `二〇二三年五月八日`; the year may use 〇/○/零 for zero.
_DATE = re.compile(
    r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
# A whole closing date line: optional printing office before it, optional 印发/印 after it.
DATE_LINE = re.compile(r"^(?P<org>[^\d，,。；;：:]{0,30}?)" + _DATE.pattern + r"(?P<printed>印发|印)?$")


def parse_date(match: re.Match) -> date | None:
    y = match.group("y")
    year = int(y) if y.isdigit() else int("".join(str(_CN_DIGIT[ch]) for ch in y))
    month, day = cn_int(match.group("m")), cn_int(match.group("d"))
    try:
        return date(year, month or 0, day or 0)
    except ValueError:
        return None


# --------------------------------------------------------------------------- organisations and closing
# How the name of an issuing body ends: government, party committee, office, department.
ORG_SUFFIX = re.compile(r"(?:人民政府|政府|委员会|委|办公室|办公厅|局|厅|院|署|管委会|办)$")
_CLOSING_WORDS = re.compile(r"^(?:特此报告[。.!！]?|[(（]?此件[^。]{0,10}[)）]?|附件[:：].*)$")
_PUNCT = re.compile(r"[，,。；;：:、]")


def is_org_line(text: str) -> bool:
    """A short line that is only the name of one or more bodies (`中共白河区委`, `青山市人民政府办公室`)."""
    return len(text) <= 30 and not _PUNCT.search(text) and bool(ORG_SUFFIX.search(text)) and not text[0].isdigit()


def is_closing_line(text: str) -> bool:
    return bool(_CLOSING_WORDS.match(text) or DATE_LINE.match(text) or is_org_line(text))


def closing_index(lines: list[Line]) -> int:
    """Index of the first line of the closing block (特此报告, signatures, dates); len(lines) if none.

    Scanned from the end: the closing block is the run of closing-shaped lines after the last body line.
    """
    i = len(lines)
    while i > 0 and is_closing_line(lines[i - 1].text):
        i -= 1
    return i
