"""Is a summary faithful? Scored by the key terms gold says it must carry, not against one algorithm's output.

Each gold item that has a summary lists `summary_terms`: 1–4 verbatim pieces of its quote, the content words
any faithful summary of the item must carry (CONVENTIONS.md, "Summary key terms"). A predicted summary
scores the share of those terms it contains (canonical form: width, script and whitespace folded), so a
lead clause and an abstractive sentence in the report's own words score alike. It scores 0 when it is empty,
longer than `SUMMARY_LIMIT` characters (copying the item is not summarising it), or states a number the
item does not. It is *acceptable* at `ACCEPTABLE` recall or more (1 of 1 or 2, 2 of 3 or 4 terms).
"""

from __future__ import annotations

from typing import Optional, Sequence

from extractor.grounding import invented_numbers
from extractor.text.normalize import canon

SUMMARY_LIMIT = 60  # schema.md: one short sentence, ≤ 60 characters
ACCEPTABLE = 0.5


class MissingTerms(ValueError):
    """A gold item with a summary but no `summary_terms`: it cannot be scored (never a silent zero)."""


def term_recall(summary: Optional[str], terms: Optional[Sequence[str]], quote: str) -> float:
    if terms is None:
        raise MissingTerms("gold item has no summary_terms")
    text = canon(summary or "")
    if not text or len(text) > SUMMARY_LIMIT or invented_numbers(summary or "", quote):
        return 0.0
    wanted = [canon(t) for t in terms if canon(t)]
    if not wanted:
        raise MissingTerms("gold item's summary_terms are empty")
    return sum(1 for t in wanted if t in text) / len(wanted)


def acceptable(recall: float) -> bool:
    return recall >= ACCEPTABLE
