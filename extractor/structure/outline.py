"""A report's outline (its numbered headings, each mapped to a required part) and its enumerated items.

Headings are recognised by their ordinal marker at the start of a normalized line, never by markdown
`#` marks, which OCR sets inconsistently (a `##` may be a level-2 heading and a `###` a level-1):

    level 0   第一部分          path label 第一部分  (a report in 部分 puts its 一、 headings under them;
                               every level then shifts down one in the Sections: 第一部分 is 1, 一、 is 2)
    level 1   一、            path label 一
    level 2   （一） / (一)    path label （一）   (always full-width in paths, whatever the print uses)
    level 3   1. / 1、 / 1．   path label 1
    level 4   （1） / (1)      path label （1）
    level 5   ① ②             path label ①
    —         一是 二是 …      items inside paragraphs, never sections

The markers are the grammar's (text/grammar.py). A report whose line breaks were lost has had virtual line
breaks put before its inline headings by normalization (text/reline.py), so it is read here like any other.

A heading often runs straight into its paragraph (`（三）加强规范性文件…合法合规。全年组织…`): the
heading is the phrase up to and including the first 。, or the whole line when it has none.

Blocks are the report's enumerated items per part — the unit the model labels and the gold counts
(evals/gold/CONVENTIONS.md): one per `一是` piece, per `1.` item, per numbered subsection (`（一）`, `1.`,
`（1）`, `①`) without sub-items (heading and paragraph included); un-numbered paragraphs of a part give one block per paragraph, or per
`；`-clause / sentence where the part is a list written as prose (plans, leadership, shortcomings).

Offsets: the work happens on `Normalized.text`; every Section and Block carries ORIGINAL offsets and the
original slice, so `norm.original[start:end] == text` always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from extractor import lexicon
from extractor.text.grammar import ITEM_MARKER, LEVELS, MARKER_RES, ordinal as marker_ordinal
from extractor.text.layout import Line, closing_index, split_lines
from extractor.text.normalize import Normalized
from extractor.text.numerals import cn_int, int_cn
from extractor.text.sentences import clauses, has_clause_break, paragraphs, sentences
from extractor.structure.parts import (
    OPENING_CHARS,
    AskPart,
    PartDecision,
    TopSection,
    decide_parts,
    later_part,
    names_plans,
    opens_plans,
    report_year_hint,
)
from schemas.report import Evidence, QualityNote, Section

BlockKind = Literal["measures", "problems", "rectifications", "plans", "leadership"]


@dataclass
class Block:
    kind: BlockKind
    path: str  # heading path of the section the item stands in: 一/（三）, 一/（一）/2, 三
    marker: str  # canonical item marker: 一是, （一）, 4.; "" for an un-numbered paragraph or clause
    heading: str | None  # the enclosing subsection's heading (the part's if none), context for the model
    start: int  # original offsets
    end: int
    text: str  # original slice


@dataclass
class Outline:
    sections: list[Section]
    blocks: list[Block]
    named_parts: list[str] = field(default_factory=list)  # top-level paths whose content names their part
    also: dict[str, list[str]] = field(default_factory=dict)  # a second part a mixed section covers: {"plans": ["三"]}


# --------------------------------------------------------------------------- headings
# Markers at the start of a normalized line: the grammar's table (text/grammar.py).
_MARKERS = MARKER_RES
_LEVELS = LEVELS
# `一是`/`二是` opening an item: at a line start or right after a sentence/clause end or a colon. The
# lookbehind keeps words like 统一是/唯一是 out.
_ITEM = re.compile(r"(?<![^\n。；;：:！？!?])" + ITEM_MARKER)
_HEADING_MAX = 60  # a line without 。 longer than this is a paragraph that happens to start with a marker
_RUN_ON_MAX = 6  # `…提升复议应诉工作` + page break + `成效。`: the heading's tail on the next line

_BLOCK_KIND: dict[str, BlockKind] = {
    "measures": "measures",
    "shortcomings": "problems",
    "plans": "plans",
    "leadership": "leadership",
}
# A subsection of the shortcomings part that names the fixes (`（二）整改措施`, `2.改进举措`): a short heading
# about 整改/改进. A long problem statement that merely ends in `…落实措施` is a problem, not a fix.
_RECTIFICATION = re.compile(r"整改|改进(?:措施|举措|方向)")
_RECTIFICATION_HEADING_MAX = 20
_VOCABULARY = re.compile(r"法治|依法行政")
# A lead-in that announces the list after its colon (`…重点做好以下工作：`, `…安排如下：`).
_LEAD_IN = re.compile(
    r"\n*[^。；;：:\n]{0,60}(?:" + lexicon.alternation(lexicon.words("list_lead_ins")) + r")[^。；;：:\n]{0,10}[：:]"
)
_BODY_MIN = 200  # characters of text below which a file has no body worth a note


@dataclass
class _Head:
    level: int
    ordinal: int
    start: int  # normalized: the marker's first character
    end: int  # normalized: one past the heading phrase, where the section's own text begins
    body_end: int = 0
    path: str = ""
    parent: "_Head | None" = None
    children: list["_Head"] = field(default_factory=list)


def segment(norm: Normalized, ask_part: AskPart | None = None) -> Outline:
    """The outline and its items. `ask_part` (model backends) settles the top-level sections whose part
    the rules leave undecided or contradictory (structure.parts); without it the rules' guess stands."""
    lines = split_lines(norm)
    body = lines[: closing_index(lines)]
    heads = _find_headings(body)
    limit = body[-1].end if body else 0
    _link(heads, limit)
    top_level = min((h.level for h in heads), default=1)
    tops = [h for h in heads if h.level == top_level]
    first = tops[0].start if tops else limit
    decisions = decide_parts(
        [
            TopSection(h.path, norm.text[h.start : h.end], norm.text[h.end : min(h.end + OPENING_CHARS, h.body_end)])
            for h in tops
        ],
        report_year_hint([ln.text for ln in lines if ln.end <= first]),
        ask_part,
    )
    decided = {id(h): d for h, d in zip(tops, decisions)}
    sections = [_section(norm, h, decided.get(id(h)), shift=1 if top_level == 0 else 0) for h in heads]
    year = report_year_hint([ln.text for ln in lines if ln.end <= first])
    blocks: list[Block] = []
    also: dict[str, list[str]] = {}
    closing = None if any(s.part == "plans" for s in sections) else _closing_plans(norm, tops, decisions, year)
    for head, section in zip(heads, sections):
        if head.level == top_level and section.part in _BLOCK_KIND:
            later = later_part(norm.text[head.start : head.end]) if section.part == "shortcomings" else None
            if later and _collect_mixed(norm, head, top_level, year, blocks):
                also.setdefault(later, []).append(head.path)
            else:
                _collect(norm, head, _BLOCK_KIND[section.part], top_level, blocks)
    if closing is not None:
        at, end, path, heading = closing
        _add(norm, blocks, "plans", path, "", heading, at, end)
        also.setdefault("plans", []).append(path.split("/")[0])
    named = [h.path for h, d in zip(tops, decisions) if d.part != "none" and not d.reason.startswith("undecided")]
    return Outline(sections=sections, blocks=blocks, named_parts=named, also=also)


def _closing_plans(
    norm: Normalized, tops: list[_Head], decisions: list[PartDecision], year: int | None
) -> tuple[int, int, str, str] | None:
    """A report with no plans part that turns to next year's work in its closing sentences (`下一步，我局将…。`,
    `2024年，我们将…。` in the last paragraph of its last part): (start, end, path, heading) of that one plans
    item, cut off the part's own items (the heads' body ends move before it). None when there is none."""
    if not tops or decisions[-1].part not in ("measures", "shortcomings", "leadership"):
        return None
    last = tops[-1]
    if later_part(norm.text[last.start : last.end]):
        return None  # `三、存在的问题及下一步打算`: a mixed part turns to its plans itself (_collect_mixed)
    spans = paragraphs(norm.text, last.end, last.body_end)
    if not spans:
        return None
    pa, pb = spans[-1]
    at = next(
        (a for a, _ in sentences(norm.text, pa, pb) if a > last.end + 1 and opens_plans(norm.text[a:pb], year)), None
    )
    if at is None:
        return None
    node = last
    while node.children and node.children[-1].start < at:
        node = node.children[-1]
    _cut(last, at)
    return (
        at,
        pb,
        node.path,
        _context_heading(norm, node, last.level) if node is not last else norm.text[last.start : last.end],
    )


def _cut(h: _Head, at: int) -> None:
    """End a head's body (and its descendants') at `at`."""
    h.body_end = min(h.body_end, at)
    for child in h.children:
        _cut(child, at)


def _collect_mixed(norm: Normalized, h: _Head, top_level: int, year: int | None, out: list[Block]) -> bool:
    """A part headed `存在的问题及下一步工作打算` gives problems, then plans from the sub-heading that names
    them (`（二）下一步打算`) or the paragraph that turns to the next year (`下一步，我区将…`). False, with
    nothing collected, when no such turn is found: the caller keeps the whole part as problems."""
    if h.children:
        turn = next((i for i, c in enumerate(h.children) if names_plans(norm.text[c.start : c.end])), None)
        if turn is None or turn == 0:
            return False
        for i, child in enumerate(h.children):
            _collect(norm, child, "plans" if i >= turn else "problems", top_level, out)
        return True
    at = next(
        (a for a, b in paragraphs(norm.text, h.end, h.body_end) if a > h.end + 1 and opens_plans(norm.text[a:b], year)),
        None,
    )
    if at is None:
        return False
    _collect(norm, _Head(h.level, h.ordinal, h.start, h.end, at - 1, h.path, h.parent), "problems", top_level, out)
    _collect(norm, _Head(h.level, h.ordinal, h.start, at, h.body_end, h.path, h.parent), "plans", top_level, out)
    return True


def is_report(norm: Normalized, outline: Outline) -> bool:
    """False for text that is clearly no 法治政府建设 report: neither a required part nor the vocabulary.

    A required part alone is not enough (`一、存在问题` heads many kinds of document), nor is one passing
    mention of 法治; either both, or the vocabulary several times. The part must be named by the section's
    own heading or opening: position alone makes any first section `measures`.
    """
    hits = len(_VOCABULARY.findall(norm.text))
    has_part = bool(outline.named_parts)
    return (has_part and hits >= 1) or hits >= 3


def structure_notes(norm: Normalized, outline: Outline) -> list[QualityNote]:
    """`structure_uncertain` notes, so a report never loses a part silently: body text but no measures part,
    or a part the outline found with no item in it."""
    notes = []
    top = [s for s in outline.sections if s.level == min(x.level for x in outline.sections)] if outline.sections else []
    if not any(s.part == "measures" for s in top) and len(norm.text) > _BODY_MIN:
        where = "、".join(f"{s.path} `{s.heading[:20]}` → {s.part}" for s in top) or "no numbered headings"
        notes.append(
            QualityNote(
                kind="structure_uncertain",
                message=f"body text but no measures part found ({where}): no measure was extracted",
            )
        )
    notes.extend(_inline_notes(norm))
    with_items = {b.path.split("/")[0] for b in outline.blocks}
    for s in top:
        if s.part == "none":
            notes.append(
                QualityNote(
                    kind="structure_uncertain",
                    section=s.path,
                    quote=s.heading[:40],
                    message=f"the part of `{s.heading[:30]}` could not be placed: its items were not extracted",
                )
            )
        if s.part in _BLOCK_KIND and s.path not in with_items:
            notes.append(
                QualityNote(
                    kind="structure_uncertain",
                    section=s.path,
                    quote=s.heading[:40],
                    message=f"the {s.part} part `{s.heading[:30]}` gave no item",
                )
            )
    return notes


def _inline_notes(norm: Normalized) -> list[QualityNote]:
    """What text/reline.py did to a report whose line breaks were lost: the headings it found inline (so a
    reader knows the outline came from the numbering) and each numbering restart it refused to read."""
    relined = norm.relined
    if relined is None:
        return []
    notes = [
        QualityNote(
            kind="outline_inline",
            message=f"the text runs together without line breaks: {relined.headings} "
            "headings were found inline by their numbering (text/reline.py)",
        )
    ]
    for pos, marker in relined.restarts:
        start, end = norm.to_orig(pos, pos + len(marker))
        notes.append(
            QualityNote(
                kind="structure_uncertain",
                quote=norm.original[start:end],
                message=f"the numbering starts again at `{marker}` with no new parent heading: not read as a heading, "
                "its text stays in the section before it",
            )
        )
    return notes


def _find_headings(lines: list[Line]) -> list[_Head]:
    found: list[tuple[int, int, int, int]] = []  # (level, ordinal, line index, marker end)
    last = {lvl: 0 for lvl in _LEVELS}  # last accepted ordinal per level, reset under each new parent
    for i, line in enumerate(lines):
        for level, pattern in _MARKERS:
            m = pattern.match(line.text)
            if not m:
                continue
            ordinal = marker_ordinal(level, m.group(1))
            # Ordinals only grow under one parent; a smaller one is a numbered phrase, not a heading.
            # A long line without 。 is a paragraph that happens to start with a marker, unless its number is
            # the next in sequence: then it is a numbered paragraph item (`2.…；`).
            if (
                ordinal is None
                or ordinal <= last[level]
                or ("。" not in line.text and len(line.text) > _HEADING_MAX and ordinal != last[level] + 1)
            ):
                break
            last[level] = ordinal
            for deeper in range(level + 1, _LEVELS[-1] + 1):
                last[deeper] = 0
            found.append((level, ordinal, i, m.end()))
            break
    run_in = {lvl: _mostly_run_in(lines, [f for f in found if f[0] == lvl]) for lvl in _LEVELS}
    heads = []
    for level, ordinal, i, marker_end in found:
        end = _heading_end(lines, i, marker_end, run_in[level])
        heads.append(_Head(level, ordinal, lines[i].start, end))
    return heads


def _mostly_run_in(lines: list[Line], found: list[tuple[int, int, int, int]]) -> bool:
    """True when most headings of a level run straight into their paragraph (`（一）…。正文…`)."""
    run_in = sum(1 for _, _, i, marker_end in found if "。" in lines[i].text[marker_end:-1])
    return run_in * 2 > len(found)


def _heading_end(lines: list[Line], i: int, marker_end: int, run_in_style: bool) -> int:
    """Normalized end of the heading phrase (also where the section's own text begins)."""
    line = lines[i]
    stop = line.text.find("。", marker_end)
    if stop != -1:
        return line.start + stop + 1
    # In a report whose headings run into their paragraphs, a heading without 。 was split by a page
    # break: its last word opens the next line (`…提升复议应诉工作` / `成效。全年共收到…`).
    if run_in_style and i + 1 < len(lines):
        nxt = lines[i + 1].text
        stop = nxt.find("。")
        if (
            0 < stop <= _RUN_ON_MAX
            and stop + 1 < len(nxt)
            and not re.search(r"[，,、；;：:]", nxt[:stop])
            and not _starts_marked(nxt)
        ):
            return lines[i + 1].start + stop + 1
    return line.end


def _starts_marked(text: str) -> bool:
    return bool(_ITEM.match(text) or any(p.match(text) for _, p in _MARKERS))


def _link(heads: list[_Head], limit: int) -> None:
    """Parents, paths and body ends: a body runs to the next heading at the same or a higher level."""
    stack: list[_Head] = []
    for i, h in enumerate(heads):
        while stack and stack[-1].level >= h.level:
            stack.pop()
        h.parent = stack[-1] if stack else None
        if h.parent:
            h.parent.children.append(h)
        label = _label(h)
        h.path = f"{h.parent.path}/{label}" if h.parent else label
        stack.append(h)
        nxt = next((n for n in heads[i + 1 :] if n.level <= h.level), None)
        h.body_end = nxt.start - 1 if nxt else limit  # -1: the line break before the next heading


def _section(norm: Normalized, h: _Head, decision: PartDecision | None, shift: int = 0) -> Section:
    head = _evidence(norm, h.start, h.end)
    return Section(
        heading=_display(head.quote),
        level=h.level + shift,
        ordinal=h.ordinal,
        path=h.path,
        part=decision.part if decision else "none",
        decided_by=decision.decided_by if decision else "rules",
        evidence=head,
        body=_evidence(norm, h.start, max(h.end, h.body_end)),
    )


def _display(quote: str) -> str:
    """Heading text as printed, minus the line breaks a page break left inside it."""
    return re.sub(r"\s*\n\s*", "", quote).strip()


def _evidence(norm: Normalized, a: int, b: int) -> Evidence:
    start, end = norm.to_orig(a, b)
    return Evidence(quote=norm.original[start:end], start=start, end=end)


# --------------------------------------------------------------------------- blocks
def _collect(norm: Normalized, h: _Head, kind: BlockKind, top_level: int, out: list[Block]) -> None:
    heading = norm.text[h.start : h.end]
    if (
        h.level > top_level
        and kind == "problems"
        and _RECTIFICATION.search(heading)
        and len(heading) <= _RECTIFICATION_HEADING_MAX
    ):
        kind = "rectifications"  # 二、存在的不足及整改措施 / （二）整改措施
    if h.children:
        # A heading's own lead-in before its first sub-heading is context, not an item.
        for child in h.children:
            _collect(norm, child, kind, top_level, out)
        return
    heading = _context_heading(norm, h, top_level)
    items = _items(norm.text, h.end, h.body_end)
    if items:
        for marker, a, b in items:
            _add(norm, out, kind, h.path, marker, heading, a, b)
    elif h.level > top_level:
        _add(norm, out, kind, h.path, _marker(h), heading, h.start, h.body_end)
    else:
        for a, b in _prose_units(norm.text, h.end, h.body_end, kind):
            _add(norm, out, kind, h.path, "", heading, a, b)


def _items(text: str, a: int, b: int) -> list[tuple[str, int, int]]:
    """The `一是…二是…` pieces in text[a:b]: each from its marker to the next marker (or b)."""
    starts: list[tuple[str, int]] = []
    last = 0
    for m in _ITEM.finditer(text, a, b):
        n = cn_int(m.group(1))
        if n is not None and (n == last + 1 or n == 1):  # a new list may restart at 一是
            starts.append((m.group(0), m.start()))
            last = n
    return [(marker, s, starts[k + 1][1] if k + 1 < len(starts) else b) for k, (marker, s) in enumerate(starts)]


def _prose_units(text: str, a: int, b: int, kind: str) -> list[tuple[int, int]]:
    """Un-numbered text of a part: measures per paragraph; plans and leadership per `；`-clause or
    sentence (CONVENTIONS: one item per clause, per sentence where there is no `；`); shortcomings per
    clause when the paragraph is a `；` list, else per paragraph."""
    units: list[tuple[int, int]] = []
    for pa, pb in paragraphs(text, a, b):
        if kind != "measures" and (m := _LEAD_IN.match(text, pa, pb)) and m.end() < pb:
            pa = m.end()  # `2024年，我镇将重点做好以下工作：` announces the list; it is not an item
        if kind in ("plans", "leadership") or (
            kind in ("problems", "rectifications") and has_clause_break(text, pa, pb)
        ):
            units.extend(clauses(text, pa, pb, top_level=True))
        else:
            units.append((pa, pb))
    return units


def _add(
    norm: Normalized, out: list[Block], kind: BlockKind, path: str, marker: str, heading: str | None, a: int, b: int
) -> None:
    # A block excludes the separator that ends it (`；`, `，`) and surrounding line breaks; a final 。 stays.
    while b > a and norm.text[b - 1] in "\n；;，,、":
        b -= 1
    while a < b and norm.text[a] == "\n":
        a += 1
    if a >= b:
        return
    start, end = norm.to_orig(a, b)
    out.append(
        Block(kind=kind, path=path, marker=marker, heading=heading, start=start, end=end, text=norm.original[start:end])
    )


def _label(h: _Head) -> str:
    """The heading's step in a path: 一, （一）, 1, （1）, ①."""
    return {
        0: f"第{int_cn(h.ordinal)}部分",
        1: int_cn(h.ordinal),
        2: f"（{int_cn(h.ordinal)}）",
        3: str(h.ordinal),
        4: f"（{h.ordinal}）",
    }.get(h.level) or chr(0x2460 + h.ordinal - 1)


def _marker(h: _Head) -> str:
    return {0: f"第{int_cn(h.ordinal)}部分", 1: f"{int_cn(h.ordinal)}、", 3: f"{h.ordinal}."}.get(h.level) or _label(h)


def _context_heading(norm: Normalized, h: _Head, top_level: int) -> str:
    """The nearest enclosing subsection heading just below the part (the part's own if none)."""
    node = h
    while node.parent is not None and node.level > top_level + 1:
        node = node.parent
    start, end = norm.to_orig(node.start, node.end)
    return _display(norm.original[start:end])
