"""The rules backend's judgements: category from keywords, summary from the item's lead clause.

It is the floor the model backends must beat and the fallback when no model is available. Everything
here is deterministic and cheap; the model replaces `category` and `summary`, never spans or numbers.
"""

from __future__ import annotations

import re

from extractor import lexicon
from extractor.text.normalize import canon, fullwidth_punctuation
from extractor.text.sentences import PHRASE_BOUNDS, sentences

# (category, keywords), from extractor/lexicon/category_keywords.toml. Order breaks ties: earlier wins.
_CATEGORY_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    (cat, tuple(words)) for cat, words in lexicon.load("category_keywords").data["groups"].items()
]

_LEAD_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、]|[一二三四五六七八九十]+、)\s*")
_CLAUSE_END = re.compile("[" + "".join(sorted(PHRASE_BOUNDS)) + "]")
_LEADERSHIP = re.compile(lexicon.alternation(lexicon.words("leadership_words")))


def keyword_category(text: str, heading: str | None = None) -> str | None:
    """The category whose keywords the item mentions most (the heading counts half: it breaks ties and
    fills blanks); None when no keyword of any category occurs."""
    body, head = canon(text), canon(heading or "")
    best, best_score = None, 0.0
    for cat, words in _CATEGORY_KEYWORDS:
        score = sum(body.count(w) for w in words) + 0.5 * sum(head.count(w) for w in words)
        if score > best_score:
            best, best_score = cat, score
    return best


def category(text: str, heading: str | None = None, default: str = "other") -> str:
    return keyword_category(text, heading) or default


def summary(text: str, limit: int = 60) -> str:
    """The item's lead clause, without its list marker."""
    body = _LEAD_MARKER.sub("", canon(text))
    lead = _CLAUSE_END.split(body, maxsplit=1)[0]
    return fullwidth_punctuation((lead or body)[:limit])


def _bare(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


def is_heading_echo(answer: str, heading: str | None, text: str) -> bool:
    """Whether a summary is just the item's section heading (its words, marker and punctuation aside) while
    the item itself does not open with that heading: a summary that cannot tell siblings apart."""
    if not heading:
        return False
    said, head = _bare(answer), _bare(summary(heading, limit=200))
    return bool(head) and said == head and _bare(summary(text, limit=200)) != head


def leadership_sentences(text: str, a: int = 0, b: int | None = None) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of normalized text[a:b] that speak of the top leaders'
    第一责任人 duty."""
    return [(s, e) for s, e in sentences(text, a, b) if _LEADERSHIP.search(text[s:e])]
