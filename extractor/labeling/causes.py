"""The cause a report states for each shortcoming: found by its cue words (lexicon/causes.toml), as an exact
span of the original text, and matched to its problem. Only problems get causes: a `由于…` in a measures
part is never read. No cue, no cause — an implicit reason (`部分单位重视不够`, said without a cue) is left
null, never guessed.

Where a cause stands, and the rule that finds it (first that fires, in this order):

    label       `…，主要原因是X。` / `存在原因：X` / `究其原因，主要是X`   X: after the label and its connecting
                words, to the end of the sentence (after a `：`, to the end of the item)
    reason      `由于X，…` / `因为X，…`                                  X: up to the phrase's end
    influence   `受X影响，…` (the `受` opening a phrase)                    X
    effect      `…。X，导致Y` / `致使` / `造成`                             X: the sentence before the word, not
                                                                         in the item's first sentence
    section     a cause paragraph or sub-heading after the list of problems: `（二）原因分析`, a paragraph
                opening `产生问题的原因：一是…`; its units are matched to the problems before it (below)

Matching a cause section to the problems before it in the same part (those without a cause of their own):

    order       as many cause units as problems: the n-th cause is the n-th problem's
    terms       otherwise, each unit to the one problem it shares the most key terms with (character pairs
                no other problem has), when that gives each unit its own problem
    shared      otherwise the whole cause section is every one of those problems' cause, with a
                `cause_shared` note: the report gives its causes for the shortcomings together
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.text.grammar import LOOSE_MARKER
from extractor.grounding import span_evidence
from extractor.lexicon import CauseCues, causes as cause_cues
from extractor.structure.outline import Block
from extractor.text.normalize import Normalized, fold_char
from extractor.text.sentences import PHRASE_BOUNDS, SENTENCE_BOUNDS, end_of, start_of
from schemas.report import Evidence, QualityNote

_MARKER = LOOSE_MARKER
_TRIM = "\n；;，,、 "
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MIN_CAUSE = 2  # characters: a shorter "cause" is a cue word standing alone
_HEADING_LINE_MAX = 30
_HEADING_MAX = 16  # characters of a heading that names causes (`存在上述问题的主要原因`), marker aside


@dataclass
class CausePlan:
    """The causes of one report's problems: `causes[i]` is the cause of `blocks[i]`, `stated[i]` where the item
    words it (cue and cause, for a summary that leaves it out); `cause_blocks` are the
    blocks that state causes (a cause section), not problems; `ends[i]` a problem block's end moved before a
    cause paragraph's lead-in it had swallowed."""

    causes: dict[int, tuple[Evidence, str]] = field(default_factory=dict)  # block index → (evidence, rule)
    stated: dict[int, tuple[int, int]] = field(default_factory=dict)  # original span of cue + cause inside the item
    cause_blocks: set[int] = field(default_factory=set)
    ends: dict[int, int] = field(default_factory=dict)
    notes: list[QualityNote] = field(default_factory=list)


# --------------------------------------------------------------------------- cues
@dataclass(frozen=True)
class _Patterns:
    label: re.Pattern
    section_label: re.Pattern
    fillers: tuple[str, ...]
    reason: re.Pattern
    influence: re.Pattern
    effect: re.Pattern
    heading_words: tuple[str, ...]
    joiners: tuple[str, ...]


def _fold(word: str) -> str:
    return "".join(fold_char(ch) for ch in word)


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(_fold(w)) for w in words)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    cues: CauseCues = cause_cues()
    bounds = re.escape("".join(sorted(PHRASE_BOUNDS)))
    closers = _alternation(cues.influence_closers)
    return _Patterns(
        label=re.compile(f"(?:{_alternation(cues.labels)})"),
        section_label=re.compile(f"(?:{_alternation(cues.section_labels)})"),
        fillers=tuple(sorted({_fold(w) for w in cues.fillers} | set(cues.fillers), key=lambda w: (-len(w), w))),
        reason=re.compile(f"(?:{_alternation(cues.reason_openers)})"),
        influence=re.compile(
            f"{re.escape(cues.influence_opener)}([^{bounds}]{{1,{cues.influence_max}}}?)(?:{closers})"
        ),
        effect=re.compile(f"(?<=[,，])(?:{_alternation(cues.effect_words)})"),
        heading_words=cues.heading_words,
        joiners=cues.heading_joiners,
    )


def _skip_fillers(text: str, pos: int, b: int) -> tuple[int, bool]:
    """Past the connecting words after a label; whether a colon was among them (the cause is then the rest)."""
    fillers, colon = _patterns().fillers, False
    moved = True
    while moved and pos < b:
        moved = False
        for word in fillers:
            if text.startswith(word, pos):
                colon = colon or word in (":", "：")
                pos += len(word)
                moved = True
                break
    return pos, colon


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM:
        b -= 1
    return a, b


@dataclass(frozen=True)
class Found:
    """A cause inside an item: its span, the rule that found it, and the span of the words that state it (cue
    and cause: `主要原因是X`, `由于X`, `X，导致`), which a summary of the shortcoming leaves out. Normalized offsets."""

    span: tuple[int, int]
    rule: str
    stated: tuple[int, int]


def cause_in(text: str, a: int, b: int) -> Found | None:
    """The cause stated inside text[a:b] (normalized offsets), or None."""
    pats = _patterns()
    if m := pats.label.search(text, a, b):
        start, colon = _skip_fillers(text, m.end(), b)
        end = b if colon else min(end_of(text, start, SENTENCE_BOUNDS), b)
        span = _trimmed(text, start, end)
        if span[1] - span[0] >= _MIN_CAUSE:
            return Found(span, "label", (m.start(), span[1]))
    if m := pats.reason.search(text, a, b):
        end = m.end()
        while end < b and text[end] not in PHRASE_BOUNDS:
            end += 1
        span = _trimmed(text, m.end(), end)
        if span[1] - span[0] >= _MIN_CAUSE:
            return Found(span, "reason", (m.start(), span[1]))
    for m in pats.influence.finditer(text, a, b):
        if not _opens_phrase(text, m.start(), a):
            continue  # `接受…影响`, `受理…`: the 受 of another word
        span = _trimmed(text, m.start(1), m.end(1))
        if span[1] - span[0] >= _MIN_CAUSE:
            return Found(span, "influence", (m.start(), m.end()))
    if m := pats.effect.search(text, a, b):
        start = start_of(text, m.start(), SENTENCE_BOUNDS, floor=a)
        if _trimmed(text, a, start)[1] == a:
            # In the item's first sentence (`一是人员流动频繁，导致力量不足。`) the words before the effect are the
            # shortcoming itself, not a reason given for it.
            return None
        span = _trimmed(text, start, m.start())
        if span[1] - span[0] >= _MIN_CAUSE:
            return Found(span, "effect", (span[0], m.end()))
    return None


def _opens_phrase(text: str, pos: int, a: int) -> bool:
    phrase = start_of(text, pos, PHRASE_BOUNDS, floor=a)
    lead = _MARKER.match(text, phrase, pos)
    return pos == (lead.end() if lead else phrase)


def is_cause_heading(heading: str | None) -> bool:
    """A heading that announces causes (`原因分析`, `存在问题的原因`), not one that joins a problem word to 原因
    (`不足及原因`: its items are still problems)."""
    if not heading:
        return False
    pats = _patterns()
    text = _fold(heading).strip()
    text = text[m.end() :] if (m := _MARKER.match(text)) else text
    if len(text) > _HEADING_MAX or re.search("[。，,；;]", text):
        return False  # a run-in problem statement (`（一）力量不足，原因是…`), not a heading that names causes
    first = min((k for k in (text.find(w) for w in pats.heading_words) if k != -1), default=-1)
    return first != -1 and not any(j in text[:first] for j in pats.joiners)


def _opening_label(text: str, a: int, b: int) -> int | None:
    """Where the cause text begins when text[a:b] opens (after its marker) with a cause label: a paragraph
    that states causes; None when it does not."""
    pos = m.end() if (m := _MARKER.match(text, a, b)) else a
    label = _patterns().label.match(text, pos, b)
    return _skip_fillers(text, label.end(), b)[0] if label else None


def _inner_label(text: str, a: int, b: int) -> tuple[int, int] | None:
    """A sentence inside text[a:b] (not its first) that opens, after its marker, with a label naming the
    problems as a group (`以上问题的原因主要有：`): a cause section the item ran into. (where the item ends,
    where the causes begin); None when there is none. A sentence opening `主要原因是…` is the item's own cause
    (cause_in)."""
    for m in _patterns().section_label.finditer(text, a, b):
        start = start_of(text, m.start(), SENTENCE_BOUNDS, floor=a)
        if start > a and (start == m.start() or _MARKER.fullmatch(text, start, m.start())):
            cut = start - 1 if text[start - 1] == "\n" else start
            return cut, _skip_fillers(text, m.end(), b)[0]
    return None


def _unit_body(text: str, a: int, b: int) -> tuple[int, int]:
    """A cause unit without its heading line, marker and label: the cause as the report words it."""
    nl = text.find("\n", a, b)
    if (
        nl != -1
        and nl - a <= _HEADING_LINE_MAX
        and is_cause_heading(text[a:nl])
        and not re.search("[。；;：:]", text[a:nl])
    ):
        a = nl + 1
    if m := _MARKER.match(text, a, b):
        a = m.end()
    if (after := _opening_label(text, a, b)) is not None:
        a = after
    return _trimmed(text, a, b)


# --------------------------------------------------------------------------- a report
def plan_causes(norm: Normalized, blocks: list[Block]) -> CausePlan:
    """The causes of every problem block in `blocks` (the outline's, in document order)."""
    return _Reader(norm, blocks).read()


class _Reader:
    def __init__(self, norm: Normalized, blocks: list[Block]):
        self.norm, self.text, self.blocks = norm, norm.text, blocks
        self.spans = {i: norm.norm_span(bl.start, bl.end) for i, bl in enumerate(blocks) if bl.kind == "problems"}
        self.plan = CausePlan()
        self.waiting: list[int] = []  # problem blocks of the current part since its last cause section
        self.part: str | None = None

    def read(self) -> CausePlan:
        group: list[tuple[int, int]] = []  # the cause section being read: unit body spans
        key: tuple[str, str | None] | None = None  # what keeps it open: its path, or its cause heading
        for i, bl in enumerate(self.blocks):
            if bl.kind != "problems":
                continue
            a, b = self.spans[i]
            continuing = key is not None and (bl.path == key[0] or (key[1] is not None and bl.heading == key[1]))
            heading = is_cause_heading(bl.heading)
            opening = None if continuing or heading else _opening_label(self.text, a, b)
            if continuing or heading or opening is not None:
                if not continuing:
                    self._close(group)
                    # Open for what follows: everything under a cause heading, or the items a lead-in with
                    # nothing after it announces (`原因如下：`); a label with its cause after it is one unit.
                    lead_in = opening is not None and not self.text[opening:b].strip(_TRIM)
                    group, key = [], ((bl.path, bl.heading) if heading else (bl.path, None) if lead_in else None)
                self.plan.cause_blocks.add(i)
                group.append(_unit_body(self.text, a, b))
                if key is None:
                    self._close(group)
                    group = []
                continue
            self._close(group)
            group, key = [], None
            part = bl.path.split("/")[0]
            if part != self.part:
                self.part, self.waiting = part, []
            if (inner := _inner_label(self.text, a, b)) is not None:
                # `…。\n以上问题的原因主要有：…` run into the last problem: it ends there, and the cause section
                # (the rest of the block, and the items after it in the same section) begins.
                cut, body = inner
                b = _trimmed(self.text, a, cut)[1]
                self.plan.ends[i] = self.norm.to_orig(a, b)[1]
                self.spans[i] = (a, b)
                rest = _trimmed(self.text, body, self.spans_end(i))
                # A lead-in with nothing after it announces the items that follow in its section.
                group, key = ([rest], None) if rest[1] > rest[0] else ([], (bl.path, None))
            self.waiting.append(i)
            if (found := cause_in(self.text, a, b)) is not None:
                self._attach(i, found.span, found.rule)
                self.plan.stated[i] = self.norm.to_orig(*found.stated)
        self._close(group)
        return self.plan

    def spans_end(self, i: int) -> int:
        """The block's end as the outline made it (before a cause section was cut off it)."""
        return self.norm.norm_span(self.blocks[i].start, self.blocks[i].end)[1]

    def _attach(self, i: int, span: tuple[int, int], rule: str) -> None:
        self.plan.causes[i] = (span_evidence(self.norm, *self.norm.to_orig(*span)), rule)

    def _close(self, group: list[tuple[int, int]]) -> None:
        """Match a finished cause section to the problems before it in its part that have no cause yet."""
        units = [span for span in group if span[1] > span[0]]
        if not units:
            return
        waiting = [i for i in self.waiting if i not in self.plan.causes]
        self.waiting = []
        quote = self.text[units[0][0] : units[-1][1]][:40]
        if not waiting:
            self.plan.notes.append(
                QualityNote(
                    kind="cause_unmatched",
                    quote=quote,
                    message="a cause section follows no shortcoming without a cause; it is attached to none",
                )
            )
            return
        pairs: list[tuple[int, tuple[int, int]]] | None
        if len(units) == len(waiting):
            pairs, rule = list(zip(waiting, units)), "section:order"
        else:
            pairs, rule = self._by_terms(waiting, units), "section:terms"
        if pairs is None:
            whole = (units[0][0], units[-1][1])
            pairs, rule = [(i, whole) for i in waiting], "section:shared"
            self.plan.notes.append(
                QualityNote(
                    kind="cause_shared",
                    quote=quote,
                    message=f"{len(units)} cause(s) stated after {len(waiting)} shortcomings, not one each and not matched "
                    "by their words: the whole cause section is given as each one's cause",
                )
            )
        for i, span in pairs:
            self._attach(i, span, rule)

    def _by_terms(self, waiting: list[int], units: list[tuple[int, int]]) -> list[tuple[int, tuple[int, int]]] | None:
        """Each unit to the problem it shares the most distinctive character pairs with (pairs no other waiting
        problem has); None unless every unit finds its own problem by a clear margin."""
        grams = {i: _bigrams(self.text[slice(*self.spans[i])]) for i in waiting}
        count: dict[str, int] = {}
        for g in grams.values():
            for gram in g:
                count[gram] = count.get(gram, 0) + 1
        distinctive = {i: {gram for gram in g if count[gram] == 1} for i, g in grams.items()}
        pairs, taken = [], set()
        for unit in units:
            u = _bigrams(self.text[slice(*unit)])
            ranked = sorted(((len(u & distinctive[i]), i) for i in waiting), reverse=True) + [(0, -1)]
            (best, i), (second, _) = ranked[0], ranked[1]
            if best == 0 or best == second or i in taken:
                return None
            taken.add(i)
            pairs.append((i, unit))
        return pairs


def _bigrams(s: str) -> set[str]:
    return {s[k : k + 2] for k in range(len(s) - 1) if _CJK.match(s[k]) and _CJK.match(s[k + 1])}
