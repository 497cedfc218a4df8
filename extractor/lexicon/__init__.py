"""Language data as data: each word list is a TOML file in this folder with a header saying what it is for and
where its entries come from; code loads it once, typed, through a function here (never reads the file itself).

    causes()      causes.toml: the cues that state a shortcoming's cause (labeling/causes.py)
    lead_ins()    summaries.toml: the openings a summary drops (labeling/rules.py)
    issuers.py    issuers.toml: kinds of places and bodies (admin level, region), crawler header labels,
                  page furniture words (its own typed loader)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent


class LexiconError(ValueError):
    """A word list that is missing a key or holds the wrong type: a packaging bug, named with its file."""


@dataclass(frozen=True)
class CauseCues:
    labels: tuple[str, ...]  # longest first, so `主要原因是` wins over `原因是`
    section_labels: tuple[str, ...]  # labels naming the problems as a group (`以上问题的原因`)
    fillers: tuple[str, ...]  # longest first
    reason_openers: tuple[str, ...]
    influence_opener: str
    influence_closers: tuple[str, ...]
    influence_max: int
    effect_words: tuple[str, ...]
    heading_words: tuple[str, ...]
    heading_joiners: tuple[str, ...]


def _load(name: str) -> dict:
    path = _HERE / name
    with open(path, "rb") as f:
        return tomllib.load(f)


def _words(data: dict, table: str, key: str, name: str) -> tuple[str, ...]:
    value = data.get(table, {}).get(key)
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w for w in value):
        raise LexiconError(f"{name}: [{table}] {key} must be a non-empty list of non-empty strings")
    return tuple(sorted(set(value), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def causes() -> CauseCues:
    name = "causes.toml"
    data = _load(name)
    influence = data.get("influence", {})
    opener, limit = influence.get("opener"), influence.get("max_chars")
    if not isinstance(opener, str) or not opener or not isinstance(limit, int) or limit <= 0:
        raise LexiconError(f"{name}: [influence] needs a non-empty opener and a positive max_chars")
    return CauseCues(
        labels=_words(data, "labels", "words", name),
        section_labels=_words(data, "labels", "section", name),
        fillers=_words(data, "labels", "fillers", name),
        reason_openers=_words(data, "reason_clause", "openers", name),
        influence_opener=opener,
        influence_closers=_words(data, "influence", "closers", name),
        influence_max=limit,
        effect_words=_words(data, "effect", "words", name),
        heading_words=_words(data, "heading", "words", name),
        heading_joiners=_words(data, "heading", "joiners", name),
    )


@dataclass(frozen=True)
class LeadIns:
    time_phrases: tuple[str, ...]
    year_suffixes: tuple[str, ...]  # may hold "": a bare `2023年`
    context_endings: tuple[str, ...]
    subjects: tuple[str, ...]  # longest first
    stance_openers: tuple[str, ...]  # longest first


@lru_cache(maxsize=1)
def lead_ins() -> LeadIns:
    name = "summaries.toml"
    data = _load(name)
    suffixes = data.get("time", {}).get("year_suffixes")
    if not isinstance(suffixes, list) or not all(isinstance(w, str) for w in suffixes):
        raise LexiconError(f"{name}: [time] year_suffixes must be a list of strings")
    return LeadIns(
        time_phrases=_words(data, "time", "phrases", name),
        year_suffixes=tuple(sorted(set(suffixes), key=lambda w: (-len(w), w))),
        context_endings=_words(data, "time", "context_endings", name),
        subjects=_words(data, "subject", "words", name),
        stance_openers=_words(data, "stance", "openers", name),
    )
