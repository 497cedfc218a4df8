"""The word lists and tables the rules read, as data: one TOML file per list or table in this folder.

Each file opens with four keys — what the list is for (`purpose`), where its entries come from
(`source`), the module that reads it (`used_by`) and the test text it is checked on (`checked_on`, a file of
sentences under tests/lexicon/; tests/test_lexicon.py fails when an entry changes nothing on that text) —
and holds one of:

    words = ["件", "项", …]                  a list (order kept: alternations try entries in this order)
    [pairs]  期 = "期数"                      a table from a word to a value (a string or a number)
    [groups] recon = ["行政复议", "复议"]      named lists
    [[rows]] key = …, subject = "recon"       tables of records (any name: `[[rows]]`, `[[rates]]`) whose
                                              word-list fields hold entries too, or name a group

A `[redundant]` table names entries no sentence can reach because another entry or rule already covers them
(`共计` after `_clean` removed every 共计), each with the reason; they stay for the reader, and the test checks the
list is exact (an entry listed there that a sentence reaches fails it as well).

An entry may be a regular-expression fragment where the file says so in its purpose (`在(?!线)`: 在 but not
在线). Files are read once per process (`load` is cached); a reader adding a word edits the TOML, not Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Mapping

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

_ABOUT_KEYS = ("purpose", "source", "used_by", "checked_on")
_CONTENT_KEYS = ("words", "pairs", "groups", "redundant")


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

    def rows(self, key: str = "rows") -> tuple[Mapping[str, Any], ...]:
        return tuple(self.data.get(key, ()))

    def redundant(self) -> Mapping[str, str]:
        """Entries no text can reach (another entry or rule covers them), each with the reason."""
        return self.data.get("redundant", MappingProxyType({}))

    def entries(self) -> tuple[str, ...]:
        """Every entry: the words, the keys of `pairs`, the members of `groups` (rows only refer to groups,
        or hold their own word lists, which count too)."""
        out: list[str] = [*self.words(), *self.pairs()]
        for members in self.data.get("groups", {}).values():
            out.extend(members)
        for row in (r for key in self.data if key not in _CONTENT_KEYS for r in self.rows(key)):
            for value in row.values():
                if isinstance(value, (list, tuple)):
                    out.extend(value)
        return tuple(dict.fromkeys(out))


def names() -> tuple[str, ...]:
    """The lexicons shipped in this folder."""
    return tuple(sorted(p.name[: -len(".toml")] for p in resources.files(__name__).iterdir() if p.name.endswith(".toml")))


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
    unknown = sorted(k for k in set(raw) - {*_ABOUT_KEYS, *_CONTENT_KEYS} if not _is_rows(raw[k]))
    if unknown or not set(raw) - {*_ABOUT_KEYS, "redundant"}:
        raise ValueError(f"lexicon {name}: content must be words, pairs, groups or tables of rows (found {sorted(raw)})")
    data = {k: _frozen(v) for k, v in raw.items() if k not in _ABOUT_KEYS}
    lex = Lexicon(name, About(**{k: str(about[k]) for k in _ABOUT_KEYS}), MappingProxyType(data))
    stray = sorted(set(lex.redundant()) - set(lex.entries()))
    if stray:
        raise ValueError(f"lexicon {name}: [redundant] names {', '.join(stray)}, which the lexicon does not hold")
    return lex


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


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
