"""The outline grammar of a report, one table: heading markers by level, the `一是` item marker, their ordinals,
and the year and date patterns the structure reads. Everything that finds a heading — at a line start
(`text.normalize`, `structure.outline`), inline in running text (`text.reline`), or strips a marker from an
item (`labeling.rules`) — builds its pattern from here, so the levels cannot drift apart.

    level 0   第一部分          (a report in 部分 puts its 一、 headings under them)
    level 1   一、
    level 2   （一） / (一)
    level 3   1. / 1、 / 1．    (not `1.5万`: a digit after the point is a number)
    level 4   （1） / (1)
    level 5   ① ②
    item      一是 二是 …       items inside paragraphs, never sections

Both widths are accepted (`（一）` and `(一)`, `1．` and `1.`): the patterns run on normalized (folded) text
and on original text alike.
"""

from __future__ import annotations

import re

from extractor.text.numerals import cn_int

CN_ORDINAL = "[一二三四五六七八九十]{1,3}"  # 一 … 九十九 as outline ordinals print them
_OPEN, _CLOSE = "[（(]", "[）)]"

# level → pattern whose group `n` (group 1) is the ordinal. Order matters where two could match at one place: none can.
HEADING_MARKERS: tuple[tuple[int, str], ...] = (
    (0, rf"第(?P<n>{CN_ORDINAL})部分"),
    (1, rf"(?P<n>{CN_ORDINAL})、"),
    (2, rf"{_OPEN}(?P<n>{CN_ORDINAL}){_CLOSE}"),
    (3, r"(?P<n>\d{1,2})[.．、](?!\d)"),  # (?!\d): `1.5万` is a number, `2023.2.1` a date, not item 1 or 2
    (4, rf"{_OPEN}(?P<n>\d{{1,2}}){_CLOSE}"),
    (5, r"(?P<n>[\u2460-\u2473])"),
)
LEVELS: tuple[int, ...] = tuple(level for level, _ in HEADING_MARKERS)
ITEM_MARKER = rf"(?P<n>{CN_ORDINAL})是"  # `一是…二是…`
MARKER_RES: tuple[tuple[int, re.Pattern], ...] = tuple((level, re.compile(p)) for level, p in HEADING_MARKERS)
ITEM_RE = re.compile(ITEM_MARKER)


def _ungrouped(pattern: str) -> str:
    return pattern.replace("(?P<n>", "(?:")  # the same pattern without its capture group


def _any_of(levels: tuple[int, ...]) -> str:
    return "|".join(_ungrouped(p) for lvl, p in HEADING_MARKERS if lvl in levels)


_UNGROUPED = _any_of(LEVELS)
_ITEM_UNGROUPED = _ungrouped(ITEM_MARKER)

# A normalized line that opens a heading, an item or the closing (`特此报告`, `附件`): where a line break is a
# real paragraph end.
HEADING_START = re.compile(rf"^\s*(?:#+\s*)?(?:{_UNGROUPED}|{_ITEM_UNGROUPED}|特此报告|附件)")
ITEM_START = re.compile(rf"^\s*{_ITEM_UNGROUPED}")  # `一是…` opens a paragraph, never a heading
# An item's own marker at its start, with the space after it: what a summary leaves out.
LEAD_MARKER = re.compile(rf"^\s*(?:{_ITEM_UNGROUPED}|{_any_of((1, 2, 3))})\s*")
# A sub-heading at a line start (levels 1–3): what a part's opening skips to reach its first sentence.
SUB_HEADING = re.compile(f"^(?:{_any_of((1, 2, 3))})")


def ordinal(level: int, numeral: str) -> int | None:
    """The ordinal a marker's group 1 stands for: `十二` → 12, `7` → 7, `③` → 3; None for no ordinal."""
    if level == 5:
        return ord(numeral) - 0x245F
    return cn_int(numeral)


def heading_at(text: str, pos: int, levels: tuple[int, ...] = LEVELS) -> tuple[int, int, int] | None:
    """(level, ordinal, marker end) of the heading marker at text[pos], or None."""
    for level, pattern in MARKER_RES:
        if level not in levels:
            continue
        m = pattern.match(text, pos)
        if m:
            n = ordinal(level, m.group(1))
            return (level, n, m.end()) if n else None
    return None


def item_at(text: str, pos: int) -> tuple[int, int] | None:
    """(ordinal, marker end) of an `一是` item marker at text[pos], or None."""
    m = ITEM_RE.match(text, pos)
    n = cn_int(m.group(1)) if m else None
    return (n, m.end()) if m and n else None


# The words a part's title ends with (`三、2023年工作安排`, `二、存在的主要不足`): where a top-level title run
# into its body without punctuation ends (text/reline.py): where the text runs on with no mark and no joining
# word (`问题和不足`, `职责，加强…`). 措施 as 举措 (`二、存在的问题及整改措施`, `三、改进措施`).
PART_TITLE_TAIL = re.compile(
    r"(?:安排|打算|计划|思路|要点|情况|不足|问题|差距|短板|原因|举措|措施|成效|职责)+(?![和及与的并暨以或]|导向|整改|清单)(?=[\u4e00-\u9fff\d])"
)

# --------------------------------------------------------------------------- years and dates
YEAR = re.compile(r"(\d{4})\s*年")
# `2023年5月8日` or `二〇二三年五月八日`; the year may use 〇/○/零 for zero.
DATE = re.compile(
    r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
# A whole closing date line: optional printing office before it, optional 印发/印 after it.
DATE_LINE = re.compile(r"^(?P<org>[^\d，,。；;：:]{0,30}?)" + DATE.pattern + r"(?P<printed>印发|印)?$")
# A sentence that turns to the next year's work (`下一步，我区将…`, `2024年，我局将…`): in lined text it opens a
# paragraph, which is where a part of problems and plans turns (structure.parts.opens_plans).
PLANS_TURN = re.compile(r"(?:下一步|下步|今后|明年|新的一年)[，,]|\d{4}年[，,][^。]{0,20}将")
RULE_RUN = re.compile(r"[-—_=*]{3,}")  # a `---` rule; normalize drops rule lines, a run-together text keeps them
CLOSING_WORDS = re.compile(r"^(?:特此报告[。.!！]?|[(（]?此件[^。]{0,10}[)）]?|附件[:：].*)$")
