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

from extractor import lexicon
from extractor.text.numerals import cn_int

# The fragments every other pattern of markers and years is built from (tests/test_grammar_single.py fails if
# one is typed out anywhere else).
CN_DIGITS = "一二三四五六七八九十"  # the Chinese numerals markers count with
CN_DIGIT = f"[{CN_DIGITS}]"
CN_ORDINAL = CN_DIGIT + "{1,3}"  # 一 … 九十九 as outline ordinals print them
YEAR_DIGITS = r"\d{4}"  # a year in digits; the context (年, 〔〕, a date) says it is a year
# A four-digit number that reads as a year (19xx, 20xx): where a bare number must be told from a year
# (`2022-2024年`, `2023.5` a month), and where a phrase must start with a real year, not a count (`1200年`).
CENTURY_YEAR = r"(?:19|20)\d{2}"
CIRCLED_RANGE = r"\u2460-\u2473"  # ① … ⑳, for a character class
CIRCLED = f"[{CIRCLED_RANGE}]"
# A document number's year and serial after its issuer's short name (`青政发〔2024〕3号`, `[2024]`, `（2024）`).
DOC_NUMBER = r"[〔\[［【(（]" + YEAR_DIGITS + r"[〕\]］】)）]\d{1,4}号"
_OPEN, _CLOSE = "[（(]", "[）)]"

# level → pattern whose group `n` (group 1) is the ordinal. Order matters where two could match at one place: none can.
HEADING_MARKERS: tuple[tuple[int, str], ...] = (
    (0, rf"第(?P<n>{CN_ORDINAL})部分"),
    (1, rf"(?P<n>{CN_ORDINAL})、"),
    (2, rf"{_OPEN}(?P<n>{CN_ORDINAL}){_CLOSE}"),
    (3, r"(?P<n>\d{1,2})[.．、](?!\d)"),  # (?!\d): `1.5万` is a number, `2023.2.1` a date, not item 1 or 2
    (4, rf"{_OPEN}(?P<n>\d{{1,2}}){_CLOSE}"),
    (5, rf"(?P<n>{CIRCLED})"),
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
_RELINE = lexicon.load("reline_words")
PART_TITLE_TAIL = re.compile(
    f"(?:{lexicon.alternation(_RELINE.table('part_title')['tails'])})+"
    f"(?![和及与的并暨以或]|{lexicon.alternation(_RELINE.table('part_title')['not_before'])})"
    r"(?=[\u4e00-\u9fff\d])"
)

# --------------------------------------------------------------------------- years and dates
YEAR = re.compile(rf"({YEAR_DIGITS})\s*年")
# `2023年5月8日` or `二〇二三年五月八日`; the year may use 〇/○/零 for zero.
DATE = re.compile(
    r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
# A whole closing date line: optional printing office before it, optional 印发/印 after it.
DATE_LINE = re.compile(r"^(?P<org>[^\d，,。；;：:]{0,30}?)" + DATE.pattern + r"(?P<printed>印发|印)?$")
# A sentence that turns to the next year's work (`下一步，我区将…`, `2024年，我局将…`): in lined text it opens a
# paragraph, which is where a part of problems and plans turns (structure.parts.opens_plans).
PLANS_TURN = re.compile(
    f"(?:{lexicon.alternation(_RELINE.table('plans_turn')['words'])})" + r"[，,]|\d{4}年[，,][^。]{0,20}将"
)
RULE_RUN = re.compile(r"[-—_=*]{3,}")  # a `---` rule; normalize drops rule lines, a run-together text keeps them
CLOSING_WORDS = re.compile(r"^(?:特此报告[。.!！]?|[(（]?此件[^。]{0,10}[)）]?|附件[:：].*)$")

# --------------------------------------------------------------------------- variants that differ on purpose
# Each is kept as it was when it lived in its room, so folding it here changed no output.
# Any marker a cause span may open with (labeling.causes): every level and 一是, ordinals of any length, with the
# spaces around it: a span is trimmed of it, never parsed.
LOOSE_MARKER = re.compile(
    rf"\s*(?:{CN_DIGIT}+是|[(（][{CN_DIGITS}\d]+[)）]|\d{{1,2}}[.．、]|{CN_DIGIT}+、|{CIRCLED})\s*"
)
# The review page's lead clause (review/assets/model.js, sent in the page's payload by `js_patterns`): a marker
# of levels 1–4 or 一是, any digits; in the syntax JavaScript and Python share.
JS_LEAD_MARKER = rf"^\s*(?:[（(][{CN_DIGITS}\d]+[)）]|{CN_DIGIT}+[是、]|\d+[.．、])\s*"
# The layouts suite's generator (evals/tools/make_layouts.py) rewrites markers of text it has already lined:
# `一是` with one or two numerals, a top-level `一、`/`一.`, and an item's lead marker (a space may precede the point).
LAYOUT_ITEM = re.compile(rf"({CN_DIGIT}{{1,2}})是")
LAYOUT_TOP_ORDINAL = re.compile(rf"^\s*{CN_DIGIT}+[、.．]")
LAYOUT_LEAD_ORDINAL = re.compile(
    rf"^\s*(?:[（(][{CN_DIGITS}\d]+[）)]|{CN_DIGIT}{{1,2}}是|\d{{1,2}}\s*[.．、]|{CN_DIGIT}+、)\s*"
)
# A table's column header that is a year (`2023年`, `2023年度`), not a value (facts.tables).
YEAR_CELL = re.compile(rf"^{YEAR_DIGITS}年(?:度)?$")
# A part's body that opens on its year (`2023年度以来，`): where a run-in heading ends (structure.run_in).
OPENING_YEAR = re.compile(rf"({YEAR_DIGITS})年度?(?:以来)?[，,]")
# A span of time a count names (`2022-2024年度`, `2023年5月以来`, `去年`): not the thing counted (facts.names).
TIME_PHRASE = re.compile(
    rf"{CENTURY_YEAR}(?:[-—–~至到](?:19|20)?\d{{2,4}})?年(?:度)?(?:\d{{1,2}}月(?:\d{{1,2}}日)?)?"
    r"(?:以来|以前|之前|以后|之后|底|末|初)?"
    r"|\d{1,2}月\d{1,2}日(?:以来|以前|之前|以后|之后)?|上年|去年|上一年"
)
ISO_DATE = re.compile(rf"^({YEAR_DIGITS})[-/.](\d{{1,2}})[-/.](\d{{1,2}})")  # `2024-03-05` in a file's metadata


def js_patterns() -> dict[str, str]:
    """The patterns the review page's JavaScript uses, sent in its payload so the page types none of them."""
    return {"lead_marker": JS_LEAD_MARKER}
