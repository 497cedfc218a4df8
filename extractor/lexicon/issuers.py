"""The issuer and page-header vocabulary (`issuers.toml`), loaded once and typed.

Every list is ordered longest first where it is used as regex alternatives, so `自治州` wins over `州`
and `经济技术开发区` over `开发区`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from extractor import lexicon


@dataclass(frozen=True)
class PlaceKinds:
    province: tuple[str, ...]
    municipalities: tuple[str, ...]
    city: tuple[str, ...]
    county: tuple[str, ...]
    zones: tuple[str, ...]
    areas: tuple[str, ...]
    township: tuple[str, ...]


@dataclass(frozen=True)
class BodyKinds:
    government: tuple[str, ...]
    zone_government: tuple[str, ...]
    party_prefixes: tuple[str, ...]
    party_committee: tuple[str, ...]
    department: tuple[str, ...]


@dataclass(frozen=True)
class HeaderLabels:
    title: tuple[str, ...]
    doc_number: tuple[str, ...]
    issuer: tuple[str, ...]
    source: tuple[str, ...]
    page_date: tuple[str, ...]
    issue_date: tuple[str, ...]
    url: tuple[str, ...]
    other: tuple[str, ...]

    def all(self) -> tuple[str, ...]:
        """Every label, longest first (`发布时间` before `时间`)."""
        labels = {
            *self.title,
            *self.doc_number,
            *self.issuer,
            *self.source,
            *self.page_date,
            *self.issue_date,
            *self.url,
            *self.other,
        }
        return tuple(sorted(labels, key=len, reverse=True))

    def role(self, label: str) -> str:
        """What a label's value gives: title | doc_number | issuer | source | page_date | issue_date | url | other."""
        for role in ("title", "doc_number", "issuer", "source", "page_date", "issue_date", "url"):
            if label in getattr(self, role):
                return role
        return "other"


@dataclass(frozen=True)
class FurnitureWords:
    crumbs: tuple[str, ...]
    share: tuple[str, ...]
    attachment: tuple[str, ...]
    columns: tuple[str, ...]
    widget_words: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class IssuerLexicon:
    place: PlaceKinds
    body: BodyKinds
    header: HeaderLabels
    furniture: FurnitureWords
    title_topics: tuple[str, ...]  # where a title's leading body name ends (`青山市司法局法治…`), as listed


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def issuer_lexicon() -> IssuerLexicon:
    """The lists of issuers.toml, typed (a view over `lexicon.load("issuers")`)."""
    raw = lexicon.load("issuers").data

    def group(cls, table: dict):
        return cls(**{k: _longest_first(v) for k, v in table.items()})

    return IssuerLexicon(
        place=group(PlaceKinds, raw["place"]),
        body=group(BodyKinds, raw["body"]),
        header=group(HeaderLabels, raw["header"]),
        furniture=group(FurnitureWords, raw["furniture"]),
        title_topics=tuple(raw["title"]["topics"]),
    )


def alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of literal words (already longest first)."""
    return "|".join(re.escape(w) for w in words)
