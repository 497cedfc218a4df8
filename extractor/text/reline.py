"""Virtual line breaks for text whose line breaks were lost (a scraper joined a page's paragraphs, a CSV cell,
a copy from a viewer): the outline is found from the numbering, not from the lines.

A normalized line is *run together* when it is long (`RUN_TOGETHER` characters, or half the text) and at
least two headings of levels 0–2 (`第一部分`, `一、`, `（一）`) stand inside it, each accepted by the rules
below; only such a line is relined, so a lined report (whose headings open their own lines, whose paragraphs
are short and many) is left exactly as it was, and a `1.`–`2.` list inside one long paragraph never is.

Where an inline marker (text/grammar.py) is a heading:
- **boundary**: it stands at the line start, after the report's title (`…情况报告一、`), after a sentence
  or clause end (`。！？；：`) or, for levels 0–2, after whitespace of the original (`…986.4 （三）`: a line
  break turned into a space) or right after a flattened pipe table's last cell (`…|97.5%二、`) — a deep marker (`1.`, `（1）`, `①`) only after `。！？`: after `：` or `；` it
  numbers a list inside one item — or it is the first sub-marker right after a heading's title phrase
  (`一、总体情况（一）加强…`); `一、` before a numeral (`一、二类`) is a list of numerals;
- **not quoted**: it stands outside `“”` `「」` `『』` `《》`;
- **sequence**: its ordinal is the previous one at its level + 1, or 1 under a new parent when the next
  ordinal (2) follows before the parent's next sibling, or — a numbering that runs on through its parents
  (`（一）1. 2. 3.（二）4. 5.`) — the level's last ordinal + 1 under a new parent, the next one following
  anywhere after it (or none: the last heading of its level); at levels 0–1 one missing marker is bridged when
  the two after it follow (`一、…三、四、`: a flattened table swallowed a boundary). A lone `一、`, `1.5亿元`,
  `2023.2.1` never count; a numbering that starts again at 1 without a new parent is a *restart*: reported,
  never a heading.

Where a heading's title phrase ends (the **title rule**), scanning at most `TITLE_CAP` characters after its
marker: at the first sentence or clause end (a run-in heading, `（三）加强规范性文件管理。全年…`), or before the
first deeper marker numbered 1 (`（一）`, `1.`, `一是`), or at whitespace of the original between two words (a
line break turned into a space; not OCR's `2023 年`), or before a body opening (`2023年，`, `下一步，`, the year
as a sentence's subject: `2024年是…`), or where the title's first six characters come again (a body restating
its heading);
failing these, a top-level title ends after the first part name the text runs on from without a mark
(`三、2023年工作安排深入…`, `三、存在的不足和原因镇综合…`: grammar's `PART_TITLE_TAIL`), and any other heading
runs to its first `。` as on lined text (structure.outline).

Besides the headings, a relined line gets a break before `一是` opening a sentence and before a sentence
that turns to the next year's work (`下一步，我区将…`: grammar's `PLANS_TURN`) — paragraph starts in lined
text —, in its preamble after each sentence and after the title's `报告`, and before the closing
(`特此报告`, the signature, the date); in the preamble and the closing also at whitespace of the original
between two words (their line breaks turned into spaces).

The breaks are *virtual*: inserted characters with no original character. `reline` returns the new text,
its offset map (a virtual break takes the original index of the character after it) and the set of virtual
positions, which `Normalized.to_orig` leaves out of every span, so original slices stay exact. Where the
original has whitespace in that place (newlines turned into spaces), the break maps to it and is a real one.
"""

from __future__ import annotations

import re
from bisect import insort
from dataclasses import dataclass, field

from extractor import lexicon
from extractor.text.grammar import (
    CIRCLED_RANGE,
    CN_DIGITS,
    YEAR_DIGITS,
    DATE,
    DATE_LINE,
    PART_TITLE_TAIL,
    PLANS_TURN,
    RULE_RUN,
    heading_at,
    item_at,
)
from extractor.text.sentences import lines

# A line is looked at only when it is this long or holds half the text: the body run together. A lined report's
# paragraphs are shorter (the longest in the suites: 700 characters) and one of many.
RUN_TOGETHER = 1000
TITLE_CAP = 60  # a top-level heading's title is short; the longest template part name is 40 characters
_SHALLOW = (0, 1, 2)  # levels whose inline run makes a line run together
_DEEP = (3, 4, 5)
_ITEM = 6  # the `一是` list, below every heading level
_SENTENCE_END = frozenset("。!?！？")  # normalized text has ！？；： folded to !?;:
_CLAUSE_END = frozenset(";:；：")
_OPENERS = {"“": "”", "「": "」", "『": "』", "《": "》"}
_QUOTE_SPAN = 200  # an opener whose closer is further than this is an OCR loss, not a quote
_CN_DIGITS = frozenset(CN_DIGITS)
_MARKER_FIRST = re.compile(rf"[第{CN_DIGITS}(（\d{CIRCLED_RANGE}]")
# A body's first words, never a title's: `2023年，` `2023年以来` and the year as the subject of its sentence
# (`2021年是"十四五"开局之年`; OCR may space it: `2021 年是`).
_OPENINGS = lexicon.load("reline_words").table("body_opening")
_BODY_OPENING = re.compile(
    YEAR_DIGITS
    + r"\s*年(?:(?:度|以来)?[，,]|是)|"
    + f"(?:{lexicon.alternation(_OPENINGS['turn'])})[，,]|{lexicon.alternation(_OPENINGS['periods'])}"
)
_TABLE_CELL = 20  # a table cell's value after its `|` is short (a number, a rate, a few words)
_RESTATED = 6  # a title's first characters coming again this long: its body restating the heading
_TITLE_END = re.compile(r"(?:的|情况|工作)?报告(?=[\u4e00-\u9fff\d])")
_CLOSING_START = re.compile(r"特此报告")


@dataclass
class Relined:
    text: str
    orig: list[int]
    virtual: frozenset[int]  # normalized positions of inserted line breaks
    headings: int = 0  # inline headings the breaks open
    restarts: list[tuple[int, str]] = field(default_factory=list)  # (normalized position, marker) not taken


@dataclass(order=True)
class _Cand:
    pos: int
    level: int  # 0–5 heading levels, _ITEM for `一是`
    ordinal: int = field(compare=False)
    end: int = field(compare=False)  # marker end
    after: str = field(compare=False)  # "start", "sentence", "clause", "title", "space" or "table"


def reline(text: str, orig: list[int], original: str) -> Relined | None:
    """Virtual breaks for the run-together lines of normalized `text`; None when no line is run together."""
    breaks: set[int] = set()
    restarts: list[tuple[int, str]] = []
    headings = 0
    # Where the original has whitespace before a character (a line break turned into a space, a table cell's
    # tab): a boundary for a shallow marker even without punctuation (`…986.4 （三）推进…`).
    spaced = {p for p in range(1, len(text)) if orig[p] - orig[p - 1] > 1 and original[orig[p] - 1].isspace()}
    for a, b in lines(text):
        if b - a < RUN_TOGETHER and 2 * (b - a) < len(text):
            continue  # a paragraph of a lined report, whatever numbering it holds (`做法：（一）…；（二）…。`)
        found = _line_breaks(text, a, b, spaced)
        if found is not None:
            heads, extra, restarted = found
            breaks |= {p for p in heads | extra if p > a}
            headings += len(heads)
            restarts += [(p, text[p:e]) for p, e in restarted]
    if not breaks:
        return None
    return _insert(text, orig, original, sorted(breaks), headings, restarts)


def _line_breaks(
    text: str, a: int, b: int, spaced: set[int]
) -> tuple[set[int], set[int], list[tuple[int, int]]] | None:
    """(heading starts, other break positions, restarts) for a run-together line text[a:b], else None."""
    quoted = _quoted(text, a, b)
    cands = [c for c in _candidates(text, a, b, spaced) if c.pos not in quoted]
    # A marker right after a heading's title is a candidate whether or not that heading is accepted later.
    titled = {
        sub.pos: sub for c in cands if c.level != _ITEM and (sub := _title_end(text, c, b, spaced)[0]) is not None
    }
    taken = {c.pos for c in cands}
    cands = sorted([*cands, *(s for p, s in titled.items() if p not in quoted and p not in taken)])
    accepted, restarts, body_breaks = _accept(text, cands, b, quoted, spaced)
    heads = [c for c in accepted if c.level != _ITEM]
    if sum(1 for c in heads if c.level in _SHALLOW and c.pos > a) < 2:
        return None
    starts = {c.pos for c in heads}
    extra = {c.pos for c in accepted if c.level == _ITEM and c.after in ("sentence", "title")} | body_breaks
    first = min(starts)
    extra |= _preamble_breaks(text, a, first, spaced) | _closing_breaks(text, max(starts), b, spaced)
    extra |= {
        m.start() for m in PLANS_TURN.finditer(text, first, b) if text[m.start() - 1] in _SENTENCE_END | _CLAUSE_END
    }
    return starts, extra, restarts


def _candidates(text: str, a: int, b: int, spaced: set[int]) -> list[_Cand]:
    out = []
    for m in _MARKER_FIRST.finditer(text, a, b):
        p = m.start()
        after = (
            "start"
            if p == a
            else "sentence"
            if text[p - 1] in _SENTENCE_END
            else "clause"
            if text[p - 1] in _CLAUSE_END
            else ""
        )
        if not after and text.endswith("报告", a, p) and p - a <= 200:
            after = "title"  # `…情况报告一、…`: the report's title, then its first part
        tabled = not after and _after_table(text, a, p)
        if not after and p not in spaced and not tabled:
            continue
        if (h := heading_at(text, p)) is not None:
            level, n, end = h
            if (not after and level not in _SHALLOW) or (level == 1 and text[end : end + 1] in _CN_DIGITS):
                continue  # `重点：一、二类隐患`: a list of numerals, not a heading
            after = after or ("table" if tabled else "space")
            if level in _DEEP and after == "clause":
                continue  # `…如下：1.…；2.…`: a list inside one item
            out.append(_Cand(p, level, n, end, after))
        elif after and (it := item_at(text, p)) is not None:
            out.append(_Cand(p, _ITEM, it[0], it[1], after))
    return out


def _after_table(text: str, a: int, p: int) -> bool:
    """A flattened pipe table's last cell just before p (`…|出庭应诉率|97.5%二、…`): its row's line break is
    gone and no sentence end took its place, so a shallow marker right after it stands at a boundary."""
    cell = text.rfind("|", max(a, p - _TABLE_CELL), p)
    return cell != -1 and not any(ch in _SENTENCE_END for ch in text[cell:p])


def _accept(
    text: str, cands: list[_Cand], b: int, quoted: set[int], spaced: set[int]
) -> tuple[list[_Cand], list[tuple[int, int]], set[int]]:
    """Walk the candidates in order, keeping those that continue a sequence (module doc)."""
    last = {level: 0 for level in (*_SHALLOW, *_DEEP, _ITEM)}
    carry = dict(last)  # the last ordinal each level reached under any parent: numbering that runs on
    accepted: list[_Cand] = []
    restarts: list[tuple[int, int]] = []
    body: set[int] = set()
    i = 0
    while i < len(cands):
        c = cands[i]
        follows = c.ordinal == last[c.level] + 1 or (
            c.level == _ITEM and c.ordinal == 1
        )  # each paragraph's own 一是 list
        runs_on = last[c.level] == 0 and c.ordinal == carry[c.level] + 1 > 1  # (二) 4. after (一) 1.–3.
        # A part whose marker a flattened table swallowed (`…率|97.5%二、`): one gap at the top levels when the
        # numbering goes on after it.
        bridges = (
            c.level in (0, 1) and last[c.level] > 0 and c.ordinal == last[c.level] + 2 and _continues(cands, i, last)
        )
        if (
            (follows and (c.ordinal > 1 or _continues(cands, i, last)))
            or (runs_on and _continues(cands, i, last, True))
            or bridges
        ):
            accepted.append(c)
            last[c.level] = carry[c.level] = c.ordinal
            for deeper in last:
                if deeper > c.level:
                    last[deeper] = 0
            if c.level != _ITEM:
                sub, cut = _title_end(text, c, b, spaced)
                if sub is not None and sub.pos not in quoted and sub.pos not in {x.pos for x in cands[i:]}:
                    insort(cands, sub)
                if cut is not None:
                    body.add(cut)
        elif (
            c.level != _ITEM
            and c.ordinal == 1
            and last[c.level] >= 2
            and c.after != "title"
            and _continues(cands, i, last)
        ):
            restarts.append((c.pos, c.end))  # 1 again without a new parent: not a heading, but said
        i += 1
    return accepted, restarts, body


def _continues(cands: list[_Cand], i: int, last: dict[int, int], across: bool = False) -> bool:
    """True when the next ordinal of cands[i]'s level follows before a shallower heading that would be
    accepted (the parent's next sibling ends the list) — or anywhere after, `across` parents, for a
    numbering that runs on through the parents."""
    c = cands[i]
    same = [n for n in cands[i + 1 :] if n.level == c.level]
    for nxt in cands[i + 1 :]:
        if not across and nxt.level < c.level and nxt.ordinal == last[nxt.level] + 1:
            return False
        if nxt.level == c.level:
            if nxt.ordinal == c.ordinal + 1:
                return True
            # one missing marker at the top levels: the one after it and the next after that both follow
            return (
                c.level in (0, 1)
                and nxt.ordinal == c.ordinal + 2
                and len(same) > 1
                and same[1].ordinal == c.ordinal + 3
            )
    return across and c.level != _ITEM


def _title_end(text: str, c: _Cand, b: int, spaced: set[int]) -> tuple[_Cand | None, int | None]:
    """The title rule (module doc): a deeper marker numbered 1 right after the title, or a body break."""
    stop = min(b, c.end + TITLE_CAP)
    for q in range(c.end, stop):
        if text[q] in _SENTENCE_END or text[q] in _CLAUSE_END:
            stop = q
            break
        if q == c.end:
            continue
        h = heading_at(text, q)
        if h is not None and h[0] > c.level and h[1] == 1:
            return _Cand(q, h[0], 1, h[2], "title"), None
        it = item_at(text, q)
        if it is not None and it[0] == 1:
            return _Cand(q, _ITEM, 1, it[1], "title"), None
        if q in spaced and not (text[q - 1].isdigit() or text[q].isdigit()):
            return None, q  # whitespace between words (a line break turned into a space), not OCR's `2023 年`
        if _BODY_OPENING.match(text, q):
            return None, q
        if q - c.end >= _RESTATED and text.startswith(text[c.end : c.end + _RESTATED], q):
            return None, q  # `一、严格规范执法严格规范执法是…`: the body restates its heading's first words
    if c.level in (0, 1) and (m := PART_TITLE_TAIL.search(text, c.end, stop)):
        return None, m.end()  # `三、2023年工作安排深入学习…`: no mark at all, the part's name ends the title
    return None, None


def _quoted(text: str, a: int, b: int) -> set[int]:
    """Positions of text[a:b] inside quotation marks or a book title."""
    inside: set[int] = set()
    i = a
    while i < b:
        closer = _OPENERS.get(text[i])
        if closer is not None:
            j = text.find(closer, i + 1, min(b, i + 1 + _QUOTE_SPAN))
            if j != -1:
                inside.update(range(i + 1, j))
                i = j
        i += 1
    return inside


def _preamble_breaks(text: str, a: int, first: int, spaced: set[int]) -> set[int]:
    """Before the first heading: a break after each sentence, after the title's `报告` and at whitespace of the
    original between two words (the header's line breaks turned into spaces)."""
    out = {i + 1 for i in range(a, first - 1) if text[i] in _SENTENCE_END}
    out |= {p for p in spaced if a < p < first and not (text[p - 1].isdigit() or text[p].isdigit())}
    head = text[a : min(first, a + 200)]
    if (m := _TITLE_END.search(head)) and "。" not in head[: m.start()]:
        out.add(a + m.end())
    if (m := _BODY_OPENING.search(text, a, first)) and m.start() > a and text[m.start() - 1] in _CLAUSE_END:
        out.add(m.start())  # `省人民政府：2022年，…`: the addressee, then the opening sentence
    return out


def _closing_breaks(text: str, last_head: int, b: int, spaced: set[int]) -> set[int]:
    """Before `特此报告` and before a signature-and-date tail after the last sentence (around its `---` rules),
    and inside the tail between the signature and the date and at whitespace of the original."""
    out = {m.start() for m in _CLOSING_START.finditer(text, last_head, b) if text[m.start() - 1] in _SENTENCE_END}
    ends = [i for i in range(last_head, b) if text[i] in _SENTENCE_END]
    tail = ends[-1] + 1 if ends else b
    if tail < b and DATE_LINE.match(RULE_RUN.sub("", text[tail:b])):
        out.add(tail)
        for m in RULE_RUN.finditer(text, tail, b):
            out |= {m.start(), m.end()} - {b}
        out |= {
            m.start()
            for m in DATE.finditer(text, tail, b)
            if m.start() > tail and not RULE_RUN.fullmatch(text, tail, m.start())
        }
        out |= {p for p in spaced if tail < p < b and not (text[p - 1].isdigit() or text[p].isdigit())}
    return out


def _insert(
    text: str, orig: list[int], original: str, at: list[int], headings: int, restarts: list[tuple[int, str]]
) -> Relined:
    """The text with a break before each position of `at`; a break maps to original whitespace there if any
    (a real break), else to the next character's index (a virtual one)."""
    out: list[str] = []
    out_orig: list[int] = []
    virtual: set[int] = set()
    prev = 0
    for p in at:
        out.append(text[prev:p])
        out_orig.extend(orig[prev:p])
        gap = range(orig[p - 1] + 1, orig[p])
        space = next((g for g in gap if original[g].isspace()), None)
        if space is None:
            virtual.add(len(out_orig))
        out.append("\n")
        out_orig.append(orig[p] if space is None else space)
        prev = p
    out.append(text[prev:])
    out_orig.extend(orig[prev:])
    moved = [(p + sum(1 for q in at if q <= p), m) for p, m in restarts]
    return Relined("".join(out), out_orig, frozenset(virtual), headings, moved)
