"""The rules backend's judgements: category from keywords, summary from the item's own opening phrases.

It is the floor the model backends must beat and the fallback when no model is available. Everything
here is deterministic and cheap; the model replaces `category` and `summary`, never spans or numbers.
"""

from __future__ import annotations

import re

from extractor.text.grammar import CENTURY_YEAR
from extractor import lexicon
from extractor.lexicon import LeadIns, lead_ins
from extractor.text.grammar import LEAD_MARKER as _LEAD_MARKER
from extractor.text.normalize import canon, fullwidth_punctuation
from extractor.text.sentences import PHRASE_BOUNDS, sentences

# (category, keywords), from extractor/lexicon/category_keywords.toml. Order breaks ties: earlier wins.
_CATEGORY_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    (cat, tuple(words)) for cat, words in lexicon.load("category_keywords").data["groups"].items()
]

_CLAUSE_END = re.compile("[" + "".join(sorted(PHRASE_BOUNDS)) + "]")
_YEAR = re.compile(CENTURY_YEAR + "年")
_PAIRS = (("“", "”"), ("(", ")"), ("《", "》"), ("（", "）"))
# Gold summaries run 6–54 characters, median 22 (evals/gold/CONVENTIONS.md): a summary aims at about that, and
# a first phrase of two thirds of that already is the whole statement.
SUMMARY_TARGET = 24
_SLOGAN = 6  # a first phrase shorter than this (`高度重视`, `规范流程`) always takes the next one with it
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


def summary(text: str, limit: int = 60, target: int | None = None, heading: str | None = None) -> str:
    """The item's opening phrases in its own words, without its list marker and the lead-ins that say when, who
    or in what spirit (`2023年以来，`, `我局`, `深入学习贯彻…，`: lexicon/summaries.toml): phrase after phrase
    (cut at ，；。) while the summary stays within `target` characters (default `SUMMARY_TARGET`), the first
    always, never past `limit`. `heading`: the item's own heading as the outline read it, whose end is a phrase
    end even where the print runs it into its paragraph without punctuation. Every word, number included, is the
    item's own."""
    target = SUMMARY_TARGET if target is None else target
    phrases = _without_lead_ins(_phrases(_heading_ended(_LEAD_MARKER.sub("", canon(text)), heading)))
    if not phrases:
        return ""
    kept = [phrases[0]]
    for phrase in phrases[1:]:
        slogan = len(kept) == 1 and len(kept[0]) < _SLOGAN  # `高度重视，…`: says nothing alone
        if not slogan and (len(kept[0]) >= target * 2 // 3 or sum(map(len, kept)) + len(kept) + len(phrase) > target):
            break
        kept.append(phrase)
    return fullwidth_punctuation("，".join(kept)[:limit])


def lead_clause(text: str, limit: int = 60) -> str:
    """The item's first phrase, without its list marker: what a heading says, for telling one from an item."""
    body = _LEAD_MARKER.sub("", canon(text))
    lead = _CLAUSE_END.split(body, maxsplit=1)[0]
    return fullwidth_punctuation((lead or body)[:limit])


def _heading_ended(body: str, heading: str | None) -> str:
    """`body` with a phrase end after the item's own heading (`（三）持续完善，健全…制度体系` then its paragraph on
    the next line), when the item opens with it."""
    head = _LEAD_MARKER.sub("", canon(heading or "")).rstrip("。.")
    if len(head) >= 2 and body.startswith(head) and len(body) > len(head) and not _CLAUSE_END.match(body[len(head)]):
        return head + "。" + body[len(head) :]
    return body


def _phrases(body: str) -> list[str]:
    """`body` cut at phrase ends; a cut inside “…”, （…） or 《…》 is undone (the pieces are one phrase)."""
    out: list[str] = []
    for piece in _CLAUSE_END.split(body):
        if out and any(out[-1].count(o) > out[-1].count(c) for o, c in _PAIRS):
            out[-1] += "，" + piece
        elif piece:
            out.append(piece)
    return [p for p in out if p]


def _without_lead_ins(phrases: list[str]) -> list[str]:
    """Leading phrases that only set the time or a stance dropped (never the last one), then the reporting body's
    name at the start of the first."""
    words = lead_ins()
    while len(phrases) > 1 and _is_lead_in(phrases[0], words):
        phrases = phrases[1:]
    if phrases:
        first = phrases[0]
        for subject in words.subjects:
            if first.startswith(subject) and len(first) - len(subject) >= 2:
                phrases = [first[len(subject) :], *phrases[1:]]
                break
    return phrases


def _is_lead_in(phrase: str, words: LeadIns) -> bool:
    if phrase in words.time_phrases or phrase.endswith(words.context_endings):
        return True
    year = _YEAR.match(phrase)
    if year and phrase[year.end() :] in words.year_suffixes:
        return True
    return phrase.startswith(words.stance_openers)


def _bare(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


def is_heading_echo(answer: str, heading: str | None, text: str) -> bool:
    """Whether a summary is just the item's section heading (its words, marker and punctuation aside) while
    the item itself does not open with that heading: a summary that cannot tell siblings apart."""
    if not heading:
        return False
    said, head = _bare(answer), _bare(lead_clause(heading, limit=200))
    return bool(head) and said == head and _bare(lead_clause(text, limit=200)) != head


def leadership_sentences(text: str, a: int = 0, b: int | None = None) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of normalized text[a:b] that speak of the top leaders'
    第一责任人 duty."""
    return [(s, e) for s, e in sentences(text, a, b) if _LEADERSHIP.search(text[s:e])]
