"""Indicator keys for named quantities, from one table: key → subject words, verbs, narrowing words, units.

How a figure gets a key (schema.md: only the jurisdiction's own report-year total of that thing):

1. **Subject**: the nearest subject word of any row, looked for in the number's sentence up to the number
   and in its phrase after it (`对5件规范性文件进行备案`); where two subject words overlap, the one that starts
   first is the compound's head (`负责人出庭应诉案件` is about court appearances, not about 应诉案件). A
   sentence with no subject takes the one of a short sentence just before it (a run-in heading).
2. **Row**: the first row of that subject whose unit family fits and whose verb stands in the number's
   phrase — not negated (`不予受理`, `未办结`, `没有`) — and which no narrowing word of the row rules out
   (`重大行政处罚` is a subset of 行政处罚; `调解成功` is an outcome, not the disputes mediated). A row with
   `key=None` claims the figure and gives it no key (`清理` of documents is neither issued nor repealed).
3. **Part of a total**: a figure in a clause opened by `其中` is a breakdown, no key — except the outcome
   rows (`partition=True`: 纠错, 败诉), which are parts by definition.
4. **One per key**: a report states a total once; other figures with the same key are sub-totals or repeats.
   Among counts the largest keeps the key (a total is never smaller than its parts; the first of equal
   ones); among rates the first.

Ratios are keyed by the rate they name (`纠错率`, `败诉率`) or as the share of the keyed count just before
(`撤销17件(占比11.8%)`). Which verb maps to which key follows evals/gold/CONVENTIONS.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractor import lexicon
from extractor.facts.names import Named, name_all
from extractor.facts.quantities import Quantity
from extractor.text.normalize import Normalized
from extractor.text.sentences import (
    CLAUSE_BOUNDS,
    PHRASE_BOUNDS,
    phrase_after,
    phrase_before,
    previous_sentence,
    same_sentence,
    start_of,
)

# The words are data: extractor/lexicon/indicator_*.toml (the table, the unit families, the negations).
_FAMILIES = lexicon.load("indicator_unit_families")
COUNTS = frozenset(_FAMILIES.group("counts"))
PEOPLE = frozenset(_FAMILIES.group("people"))
SESSIONS = frozenset(_FAMILIES.group("sessions"))
DOCUMENTS = frozenset(_FAMILIES.group("documents"))
MONEY = frozenset(_FAMILIES.group("money"))
_NEGATION = re.compile("(?:" + lexicon.alternation(lexicon.words("indicator_negations")) + ")$")
_HEADLINE = 20  # a sentence this short before the number's sentence is a run-in heading


@dataclass(frozen=True)
class Row:
    key: str | None
    subject: str  # regex: what the figure is about
    verbs: str | None  # regex: the action counted, in the number's phrase (None: any)
    units: frozenset[str]
    narrowing: str | None = None  # regex: words in the phrase that make it a subset or another thing
    partition: bool = False  # an outcome: a part of the total by definition, keyed even after 其中
    modifier_verbs: bool = False  # verbs count also before 的 (`宣布废止、失效的规范性文件`)


_TABLE = lexicon.load("indicator_table")


def _words(value: str | list[str] | tuple[str, ...] | None) -> str | None:
    """A regex alternation from a row's field: a group of the table by name, or the row's own words."""
    if value is None:
        return None
    return lexicon.alternation(_TABLE.group(value) if isinstance(value, str) else value)


def _units(families: str) -> frozenset[str]:
    return frozenset(unit for family in families.split() for unit in _FAMILIES.group(family))


# Order matters within a subject: outcomes before totals, specific verbs before general ones.
TABLE: tuple[Row, ...] = tuple(
    Row(
        row["key"] or None,
        _words(row["subject"]) or "",
        _words(row.get("verbs")),
        _units(row["units"]),
        narrowing=_words(row.get("narrowing")),
        partition=row.get("partition", False),
        modifier_verbs=row.get("modifier_verbs", False),
    )
    for row in _TABLE.rows()
)
_RECON = _words("recon")
_LEGALITY = _words("legality") or ""
_SUBJECTS = sorted(
    dict.fromkeys(row.subject for row in TABLE), key=len
)  # table order among equals (a set was hash-ordered)

# Rates, by the rate the name states, with what the sentence must be about.
RATES: tuple[tuple[str, str, str | None], ...] = tuple(
    (row["key"], _words(row["rate"]) or "", _words(row.get("about"))) for row in _TABLE.rows("rates")
)
_CHANGE = re.compile(lexicon.alternation(lexicon.words("indicator_rate_changes")))  # a change of a rate is no rate
SHARE_OF = {
    "admin_reconsideration_corrected": "admin_reconsideration_correction_rate",
    "admin_litigation_lost": "admin_litigation_loss_rate",
}


def key_indicators(norm: Normalized, quantities: list[Quantity]) -> list[Quantity]:
    """The quantities with `indicator` set where one is the jurisdiction's report-year total for a key."""
    keys = indicators(norm.text, name_all(norm.text, [q.found for q in quantities]), [q.value_base for q in quantities])
    return [replace(q, indicator=key) for q, key in zip(quantities, keys)]


def indicators(text: str, named: list[Named], values: list[float]) -> list[str | None]:
    """One key or None per quantity (`values`: their base values), in document order; each key kept once
    (the module's rule 4)."""
    out: list[str | None] = []
    for i, n in enumerate(named):
        prev = named[i - 1] if i and same_sentence(text, named[i - 1].found.end, n.found.start) else None
        out.append(_indicator(text, n, prev, out[-1] if prev else None))
    return _once_per_key(out, values)


def _indicator(text: str, named: Named, prev: Named | None, prev_key: str | None) -> str | None:
    f = named.found
    unit = f.base_unit or ""
    left = phrase_before(text, f.start, 0, PHRASE_BOUNDS)
    right = phrase_after(text, f.end, PHRASE_BOUNDS)
    sent_left = text[start_of(text, f.start) : f.start]
    if unit == "ratio":
        return _rate(named, prev, prev_key, sent_left + right)
    phrase = left + right
    found = (
        _frame(phrase)
        or _subject(sent_left, right)
        or _anaphor(previous_sentence(text, f.start), phrase)
        or _subject(_headline(text, f.start), "")
    )
    if found is None:
        return None
    subject, where = found
    clause_left = text[start_of(text, f.start, CLAUSE_BOUNDS) : f.start]
    breakdown = "其中" in clause_left or "其中" in right
    for row in TABLE:
        if row.subject != subject or unit not in row.units:
            continue
        if row.narrowing and re.search(row.narrowing, phrase + where):
            continue
        if row.verbs and not _acts(row, left, right):
            continue
        if breakdown and not row.partition:
            return None
        return row.key
    return None


def _frame(phrase: str) -> tuple[str, str] | None:
    """An act that frames a list of objects: `对N件A、B进行合法性审查` counts reviews, whatever A and B are."""
    m = re.search(_LEGALITY, phrase)
    return (_LEGALITY, phrase[max(0, m.start() - 6) : m.end()]) if m else None


def _anaphor(previous: str, phrase: str) -> tuple[str, str] | None:
    """A sentence without a subject that counts the head noun of the previous sentence's subject refers
    back to it (`…规范性文件…。审查各单位备案文件27件`: 文件 is those documents)."""
    found = _subject(previous, "")
    if found and found[1][-2:] in phrase:
        return found
    return None


def _subject(before: str, after: str) -> tuple[str, str] | None:
    """The nearest subject word, in `before` (ending at the number) or `after` (starting after it), with
    the words around it (where a narrowing word would stand: `重大行政处罚案件`)."""
    hits: list[tuple[int, int, str]] = []  # (start, end, subject) in before + after coordinates
    joined = before + after
    for subject in _SUBJECTS:
        hits.extend((m.start(), m.end(), subject) for m in re.finditer(subject, joined))
    # a hit inside or overlapping one that starts earlier is part of that compound (出庭应诉案件 → 出庭应诉)
    heads = [h for h in hits if not any(o[0] < h[0] < o[1] for o in hits)]
    if not heads:
        return None
    cut = len(before)

    def distance(h: tuple[int, int, str]) -> int:
        return cut - h[1] if h[1] <= cut else max(0, h[0] - cut)

    start, end, subject = min(heads, key=lambda h: (distance(h), -(h[1] - h[0])))
    return subject, joined[max(0, start - 6) : end]


def _acts(row: Row, left: str, right: str) -> bool:
    """The row's verb stands in the phrase, not negated; a verb before 的 only modifies (`印发的文件`)."""
    for part in (left, right):
        for m in re.finditer(row.verbs, part):  # type: ignore[arg-type]
            if _NEGATION.search(part[: m.start()]):
                continue
            if not row.modifier_verbs and part.startswith("的", m.end()):
                continue
            return True
    return False


def _rate(named: Named, prev: Named | None, prev_key: str | None, context: str) -> str | None:
    if prev and prev_key and re.match(r"^(?:占比?|比例)", named.stem.replace(prev.stem, "")):
        return SHARE_OF.get(prev_key)  # `撤销17件(占比11.8%)`: the share of a keyed count
    for key, rate, about in RATES:
        if rate in named.name and (about is None or re.search(about, context)):
            if key == "agency_head_court_appearance_rate" and _CHANGE.search(context):
                return None
            return key
    return None


def _headline(text: str, pos: int) -> str:
    previous = previous_sentence(text, pos)
    return previous if len(previous) <= _HEADLINE else ""


def _once_per_key(keys: list[str | None], values: list[float]) -> list[str | None]:
    best: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key is None:
            continue
        if key not in best or (not key.endswith("rate") and values[i] > values[best[key]]):
            best[key] = i
    return [key if key is not None and best[key] == i else None for i, key in enumerate(keys)]
