"""The word lists and tables the rules read, as data: one TOML file per list or table in this folder.

Each file opens with four keys — what the list is for (`purpose`), where its entries come from
(`source`), the module that reads it (`used_by`) and the test text it is checked on (`checked_on`, a file of
sentences under tests/lexicon/; tests/test_lexicon.py fails when an entry changes nothing on that text) —
and holds one of:

    words = ["件", "项", …]                  a list (order kept: alternations try entries in this order)
    [pairs]  期 = "期数"                      a table from a word to a value (a string or a number)
    [groups] recon = ["行政复议", "复议"]      named lists (any table name: `[labels] words = […]`,
                                              `[place] county = […]`: a table whose values are all lists)
    [settings] max_chars = 30                 numbers a reader needs with the words (not entries)
    [[rows]] key = …, subject = "recon"       tables of records (any name: `[[rows]]`, `[[rates]]`) whose
                                              word-list fields hold entries too, or name a group

A `[redundant]` table names entries no sentence can reach because another entry or rule already covers them
(`共计` after `_clean` removed every 共计), each with the reason; they stay for the reader, and the test checks the
list is exact (an entry listed there that a sentence reaches fails it as well).

An entry may be a regular-expression fragment where the file says so in its purpose (`在(?!线)`: 在 but not
在线). Files are read once per process (`load` is cached); a reader adding a word edits the TOML, not Python.

Three lists have a typed view over `load` for their readers (VIEWS): causes() over causes.toml (the cues that state
a shortcoming's cause, labeling/causes.py), lead_ins() over summaries.toml (the openings a summary drops,
labeling/rules.py), issuers.issuer_lexicon() over issuers.toml (kinds of places and bodies, crawler header
labels, furniture words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Mapping

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

_ABOUT_KEYS = ("purpose", "source", "used_by", "checked_on")
_CONTENT_KEYS = ("words", "pairs", "groups", "redundant", "settings")
# The lists read through a typed view (below, and issuers.py): the view's name, which the reading module calls.
VIEWS = {"causes": "causes", "summaries": "lead_ins", "issuers": "issuer_lexicon"}


@dataclass(frozen=True)
class About:
    purpose: str  # what the list is for
    source: str  # where its entries come from
    used_by: str  # the module that reads it
    checked_on: str  # the test text (repository path) whose sentences reach every entry


@dataclass(frozen=True)
class Lexicon:
    name: str
    about: About
    data: Mapping[str, Any]  # the file's content keys, read-only

    def words(self) -> tuple[str, ...]:
        return tuple(self.data.get("words", ()))

    def pairs(self) -> Mapping[str, Any]:
        return self.data.get("pairs", MappingProxyType({}))

    def group(self, key: str) -> tuple[str, ...]:
        return tuple(self.data["groups"][key])

    def table(self, key: str) -> Mapping[str, tuple[str, ...]]:
        """A table of named lists (`[labels] words = […]`); empty when the file has none of that name."""
        return self.data.get(key, MappingProxyType({}))

    def settings(self) -> Mapping[str, Any]:
        return self.data.get("settings", MappingProxyType({}))

    def rows(self, key: str = "rows") -> tuple[Mapping[str, Any], ...]:
        return tuple(self.data.get(key, ()))

    def redundant(self) -> Mapping[str, str]:
        """Entries no text can reach (another entry or rule covers them), each with the reason."""
        return self.data.get("redundant", MappingProxyType({}))

    def entries(self) -> tuple[str, ...]:
        """Every entry: the words, the keys of `pairs`, the members of `groups` and of every other table of
        named lists (rows only refer to groups, or hold their own word lists, which count too)."""
        out: list[str] = [*self.words(), *self.pairs()]
        for key, value in self.data.items():
            if key not in ("pairs", "redundant", "settings") and isinstance(value, Mapping):
                for members in value.values():
                    out.extend(members)
        tables = (key for key, value in self.data.items() if key not in _CONTENT_KEYS and isinstance(value, tuple))
        for row in (r for key in tables for r in self.rows(key)):
            for value in row.values():
                if isinstance(value, (list, tuple)):
                    out.extend(value)
        return tuple(dict.fromkeys(out))


def names() -> tuple[str, ...]:
    """The lexicons shipped in this folder in the format above."""
    return tuple(
        sorted(
            n
            for p in resources.files(__name__).iterdir()
            if p.name.endswith(".toml") and (n := p.name[: -len(".toml")])
        )
    )


@cache
def load(name: str) -> Lexicon:
    """The lexicon `name` (its file `name.toml`), checked for its header and content keys."""
    raw = tomllib.loads(resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8"))
    return parse(name, raw)


def parse(name: str, raw: Mapping[str, Any]) -> Lexicon:
    about = {k: raw.get(k) for k in _ABOUT_KEYS}
    missing = [k for k in _ABOUT_KEYS if not about.get(k)]
    if missing:
        raise ValueError(f"lexicon {name}: the header lacks {', '.join(missing)}")
    unknown = sorted(
        k for k in set(raw) - {*_ABOUT_KEYS, *_CONTENT_KEYS} if not (_is_rows(raw[k]) or _is_lists(raw[k]))
    )
    if unknown or not set(raw) - {*_ABOUT_KEYS, "redundant"}:
        raise ValueError(
            f"lexicon {name}: content must be words, pairs, groups or tables of rows (found {sorted(raw)})"
        )
    data = {k: _frozen(v) for k, v in raw.items() if k not in _ABOUT_KEYS}
    lex = Lexicon(name, About(**{k: str(about[k]) for k in _ABOUT_KEYS}), MappingProxyType(data))
    stray = sorted(set(lex.redundant()) - set(lex.entries()))
    if stray:
        raise ValueError(f"lexicon {name}: [redundant] names {', '.join(stray)}, which the lexicon does not hold")
    return lex


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _is_lists(value: Any) -> bool:
    """A table of named lists of words."""
    return isinstance(value, dict) and all(
        isinstance(v, list) and all(isinstance(w, str) for w in v) for v in value.values()
    )


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def words(name: str) -> tuple[str, ...]:
    return load(name).words()


def pairs(name: str) -> Mapping[str, Any]:
    return load(name).pairs()


def alternation(entries: tuple[str, ...] | list[str], *, escape: bool = False) -> str:
    """`a|b|c` for a regex, in the list's order (a longer word listed first wins); a never-matching
    pattern for an empty list. `escape`: the entries are plain words, not regex fragments."""
    if not entries:
        return "(?!)"
    return "|".join(re.escape(e) if escape else e for e in entries)


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


def _words(data: Mapping[str, Any], table: str, key: str, name: str) -> tuple[str, ...]:
    value = data.get(table, {}).get(key)
    if not isinstance(value, tuple) or not value or not all(isinstance(w, str) and w for w in value):
        raise LexiconError(f"{name}: [{table}] {key} must be a non-empty list of non-empty strings")
    return tuple(sorted(set(value), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def causes() -> CauseCues:
    """The cue words of causes.toml, typed (a view over `load("causes")`)."""
    name = "causes.toml"
    data = load("causes").data
    opener, limit = data.get("influence", {}).get("opener", ()), data.get("settings", {}).get("influence_max_chars")
    if len(opener) != 1 or not opener[0] or not isinstance(limit, int) or limit <= 0:
        raise LexiconError(f"{name}: [influence] needs one opener and [settings] a positive influence_max_chars")
    return CauseCues(
        labels=_words(data, "labels", "words", name),
        section_labels=_words(data, "labels", "section", name),
        fillers=_words(data, "labels", "fillers", name),
        reason_openers=_words(data, "reason_clause", "openers", name),
        influence_opener=opener[0],
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
    """The lead-ins of summaries.toml, typed (a view over `load("summaries")`)."""
    name = "summaries.toml"
    data = load("summaries").data
    suffixes = data.get("time", {}).get("year_suffixes")
    if not isinstance(suffixes, tuple) or not all(isinstance(w, str) for w in suffixes):
        raise LexiconError(f"{name}: [time] year_suffixes must be a list of strings")
    return LeadIns(
        time_phrases=_words(data, "time", "phrases", name),
        year_suffixes=tuple(sorted(set(suffixes), key=lambda w: (-len(w), w))),
        context_endings=_words(data, "time", "context_endings", name),
        subjects=_words(data, "subject", "words", name),
        stance_openers=_words(data, "stance", "openers", name),
    )
