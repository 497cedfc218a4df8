"""Which lexicon entries no test sentence reaches: run as a script (tests/test_lexicon.py does, in a fresh
process, because it reloads the modules that read the lexicons).

An entry is reached when taking it out of its lexicon changes what its reader outputs on some sentence of the
lexicon's `checked_on` text: the quantities found, their units, values, names and indicator keys (facts), or
an item's category and its leadership sentences (labeling), an item's summary (summaries), a problem's cause
and whether a heading names causes (causes), the sentences flagged as addressing a model (injection), a line's
page furniture and header fields and the issuers it names with their places, kinds and levels (issuers). An entry
whose removal makes its loader refuse the lexicon (the only one of a required list) is reached. Prints
{lexicon: [unreached entries]} as JSON; a lexicon listed in NOT_REACHED prints its reason instead.

    python tests/lexicon/reach.py [LEXICON …]
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extractor import lexicon  # noqa: E402
from extractor.lexicon.issuers import issuer_lexicon  # noqa: E402

FACTS = ("extractor.facts.units", "extractor.facts.quantities", "extractor.facts.names", "extractor.facts.indicators")
LABELING = ("extractor.labeling.rules",)
INJECTION = ("extractor.facts.injection",)
SUMMARIES = ("extractor.labeling.rules",)
CAUSES = ("extractor.labeling.causes",)
PARTS = ("extractor.structure.parts",)
OUTLINE = ("extractor.structure.outline",)
RELINE = ("extractor.text.grammar", "extractor.text.reline")  # reline binds the grammar's patterns
LAYOUT = ("extractor.text.layout",)
TABLES = ("extractor.facts.tables",)
METADATA = ("extractor.structure.metadata",)
WORDS = ("extractor.text.words", "extractor.facts.names")  # names binds words.ADVERBS
# Read at import by modules that bind each other's names: reloaded in this order (a module after the ones whose
# names it binds: furniture after page_header, run_in after structure.issuers, metadata last).
ISSUERS = (
    "extractor.text.page_header",
    "extractor.text.furniture",
    "extractor.structure.issuers",
    "extractor.structure.run_in",
    "extractor.structure.metadata",
)
# Lexicons whose entries this harness cannot yet rerun, with the reason (tests/test_lexicon.py reads it).
NOT_REACHED: dict[str, str] = {}


def _facts(line: str) -> list[tuple]:
    from extractor.text.normalize import normalize

    quantities, names, indicators = (sys.modules[m] for m in FACTS[1:])
    norm = normalize(line)
    found = quantities.find_quantities(norm)
    named = names.name_all(norm.text, [q.found for q in found])
    keys = indicators.indicators(norm.text, named, [q.value_base for q in found])
    return [(q.quote, q.unit, q.base_unit, q.value_base, q.approx, n.name, k) for q, n, k in zip(found, named, keys)]


def _labeling(line: str) -> tuple:
    rules = sys.modules[LABELING[0]]
    return rules.keyword_category(line), rules.leadership_sentences(line)


def _injection(line: str) -> list[tuple]:
    return [(s.start, s.end, s.shape) for s in sys.modules[INJECTION[0]].instruction_sentences(line)]


def _summary(line: str) -> str:
    return sys.modules[SUMMARIES[0]].summary(line)


def _causes(line: str) -> tuple:
    causes = sys.modules[CAUSES[0]]
    found = causes.cause_in(line, 0, len(line))
    return (
        found and (found.span, found.rule, found.stated),
        causes.is_cause_heading(line),
        causes._inner_label(line, 0, len(line)),
        causes._opening_label(line, 0, len(line)),
    )


def _issuers(line: str) -> tuple:
    """The page furniture of a line (its kinds, header fields, inline runs), and each whitespace-free chunk read
    as issuers: the names it joins, each one's place, kind and level, the issuers' level, a title's subject."""
    furniture, issuers = sys.modules[ISSUERS[1]], sys.modules[ISSUERS[2]]
    found = furniture.find_furniture(line)
    names = [name for chunk in line.split() for name in issuers.split_issuers(chunk)]
    bodies = [issuers.body_of(n) for n in names]
    return (
        found.lines,
        dict(found.info),
        found.inline,
        [(b.name, b.place, b.kind, issuers.place_level(b.place), issuers.below_county(b.place)) for b in bodies],
        issuers.issuers_level(names),
        issuers.title_subject(line),
    )


def _parts(line: str) -> tuple:
    """A top-level heading and the first sentence of its section (`heading｜opening`) of a report on 2023: the
    part the heading names, the evidence for each part, and whether it holds plans or opens them."""
    parts = sys.modules[PARTS[0]]
    heading, _, opening = line.partition("｜")
    section = parts.TopSection("1", heading, opening)
    return (
        parts.heading_part(heading),
        parts._content_scores(section, 2023),
        parts.later_part(heading),
        parts.names_plans(heading),
        parts.opens_plans(opening, 2023),
    )


def _words(line: str) -> tuple:
    """The verb phrase a clause opens with, and whether its first two characters are a noun."""
    words = sys.modules[WORDS[0]]
    return words.leading_verb(line), words.is_noun(line[:2])


def _metadata(line: str) -> tuple:
    """The metadata of a short text (a line of the reach text, `\\n` standing for a line break) and its notes."""
    from extractor.structure.outline import segment
    from extractor.text.normalize import normalize

    norm = normalize(line.replace("\\n", "\n"))
    found, notes = sys.modules[METADATA[0]].extract_metadata(norm, segment(norm))
    return found.model_dump(mode="json"), [n.model_dump(mode="json") for n in notes]


def _tables(line: str) -> list[tuple]:
    """The quantities read from the value cells of a plain-text table (`\\n` standing for a line break)."""
    from extractor.text.normalize import normalize

    found = sys.modules[TABLES[0]].table_quantities(normalize(line.replace("\\n", "\n")), [])
    return [(q.quote, q.value, q.unit, q.approx, q.value_base, q.name, q.indicator) for q in found]


def _org_lines(line: str) -> list[bool]:
    """Whether each whitespace-free chunk of a line, standing on a line of its own, is a body's name."""
    return [sys.modules[LAYOUT[0]].is_org_line(chunk) for chunk in line.split()]


def _reline(line: str) -> str:
    """A report whose line breaks were lost, with the breaks reline puts back (normalize runs it)."""
    from extractor.text.normalize import normalize

    return normalize(line).text


def _outline(line: str) -> list[tuple[int, int]]:
    """The items of a paragraph of a plans part (the list's lead-in is not one)."""
    return sys.modules[OUTLINE[0]]._prose_units(line, 0, len(line), "plans")


# Lexicons whose reader is not the one the facts or labeling probe runs (summaries.toml and category_keywords.toml
# are both read by labeling.rules, by different functions).
BY_NAME: dict[str, tuple[tuple[str, ...], Callable[[str], Any]]] = {
    "summaries": (SUMMARIES, _summary),
    "causes": (CAUSES, _causes),
    "issuers": (ISSUERS, _issuers),
    "page_labels": (ISSUERS, _issuers),
    "part_words": (PARTS, _parts),
    "verb_phrase": (WORDS, _words),
    "metadata_words": (METADATA, _metadata),
    "table_values": (TABLES, _tables),
    "org_line_ends": (LAYOUT, _org_lines),
    "reline_words": (RELINE, _reline),
    "list_lead_ins": (OUTLINE, _outline),
}


def _probe(used_by: str) -> tuple[tuple[str, ...], Callable[[str], Any]]:
    if used_by in FACTS:
        return FACTS, _facts
    if used_by in LABELING:
        return LABELING, _labeling
    if used_by in INJECTION:
        return INJECTION, _injection
    raise ValueError(f"no probe for {used_by}: add one to tests/lexicon/reach.py")


def without(lex: lexicon.Lexicon, entry: str) -> lexicon.Lexicon:
    """The lexicon with `entry` taken out of every list, table and group it is in."""
    def drop(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(drop(v) for v in value if v != entry)
        if isinstance(value, MappingProxyType) or isinstance(value, dict):
            return MappingProxyType({k: drop(v) for k, v in value.items() if not (k == entry and isinstance(v, (str, int, float)))})
        return value
    return replace(lex, data=drop(lex.data))


def _mentions(entry: str, line: str) -> bool:
    try:
        return entry in line or re.search(entry, line) is not None
    except re.error:
        return False


def _reload(modules: tuple[str, ...]) -> None:
    for view in (lexicon.causes, lexicon.lead_ins, issuer_lexicon):  # typed views over `load`, cached
        view.cache_clear()
    for name in modules:
        importlib.reload(importlib.import_module(name))


def unreached(name: str) -> list[str]:
    lex = lexicon.load(name)
    modules, probe = BY_NAME.get(name) or _probe(lex.about.used_by)
    lines = [ln for ln in (ROOT / lex.about.checked_on).read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    _reload(modules)
    before = {ln: probe(ln) for ln in lines}
    original = lexicon.load
    out = []
    try:
        for entry in lex.entries():
            cut = without(lex, entry)
            lexicon.load = lambda n, _cut=cut: _cut if n == name else original(n)  # type: ignore[assignment]
            _reload(modules)
            if not _changes(probe, [ln for ln in lines if _mentions(entry, ln)], before):
                out.append(entry)
    finally:
        lexicon.load = original  # type: ignore[assignment]
        _reload(modules)
    return out


def _changes(probe: Callable[[str], Any], lines: list[str], before: dict[str, Any]) -> bool:
    try:
        return any(probe(ln) != before[ln] for ln in lines)
    except lexicon.LexiconError:
        return True  # the loader refuses the lexicon without the entry: the entry is needed


if __name__ == "__main__":
    names = sys.argv[1:] or lexicon.names()
    print(json.dumps({n: NOT_REACHED.get(n) or unreached(n) for n in names}, ensure_ascii=False))
