"""Is a summary a faithful *summary*? Scored by the key terms gold says it must carry, at a summary's length.

Each gold item that has a summary lists `summary_terms`: 1–4 verbatim pieces of its quote, the content words
any faithful summary of the item must carry (CONVENTIONS.md, "Summary key terms"). A predicted summary's
*term recall* is the share of those terms it contains (canonical form: width, script and whitespace folded),
so a lead clause and an abstractive sentence in the report's own words score alike. Recall alone rewards
copying: the first 60 characters of the quote collect every term a 12-character summary has (a copy of 60
scored headline 0.857 on seeds, the rules' lead clauses 0.796). So the score is term recall under a *length
budget* tied to the gold summary's length:

    budget = max(BUDGET_FACTOR × len(gold summary), BUDGET_MIN), at most SUMMARY_LIMIT
    score  = recall when len(summary) ≤ budget, else 0: longer than that it is a copy, not a summary

Measured on the in-sample suites (bench/RESULTS.md): a scaled penalty (recall × budget / length) still let
60-character copies beat the rules on realistic (0.850 vs 0.839); the cut puts every copy below them.

It scores 0 when it is empty, longer than `SUMMARY_LIMIT` characters, or states a number the item does not.
It is *acceptable* at `ACCEPTABLE` or more. Lengths are counted on the canonical text without whitespace.
"""

from __future__ import annotations

from typing import Optional, Sequence

from extractor.grounding import invented_numbers
from extractor.text.normalize import canon

SUMMARY_LIMIT = 60  # schema.md: one short sentence, ≤ 60 characters
ACCEPTABLE = 0.5
BUDGET_FACTOR = 1.5  # a faithful summary may say half as much again as gold's own
BUDGET_MIN = 12  # gold summaries of 6 characters leave room for a summary of 12: a short statement, not a copy


class MissingTerms(ValueError):
    """A gold item with a summary but no `summary_terms`: it cannot be scored (never a silent zero)."""


def _length(text: str) -> int:
    return len("".join(canon(text).split()))


def term_recall(summary: Optional[str], terms: Optional[Sequence[str]], quote: str) -> float:
    """The share of gold's key terms the summary carries; 0 for an empty, over-long or number-inventing one."""
    if terms is None:
        raise MissingTerms("gold item has no summary_terms")
    text = canon(summary or "")
    if not text or len(text) > SUMMARY_LIMIT or invented_numbers(summary or "", quote):
        return 0.0
    wanted = [canon(t) for t in terms if canon(t)]
    if not wanted:
        raise MissingTerms("gold item's summary_terms are empty")
    return sum(1 for t in wanted if t in text) / len(wanted)


def length_budget(gold_summary: Optional[str]) -> int:
    """How long a summary of this item may be before it pays for its length (see the module's docstring)."""
    return min(SUMMARY_LIMIT, max(round(BUDGET_FACTOR * _length(gold_summary or "")), BUDGET_MIN))


def summary_score(
    summary: Optional[str], terms: Optional[Sequence[str]], quote: str, gold_summary: Optional[str]
) -> float:
    """Term recall when the summary fits the item's length budget, else 0."""
    recall = term_recall(summary, terms, quote)
    if not recall:
        return 0.0
    length, budget = _length(summary or ""), length_budget(gold_summary)
    return recall if length <= budget else 0.0


def acceptable(score: float) -> bool:
    return score >= ACCEPTABLE
