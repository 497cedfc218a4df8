"""Where a piece of evidence stands in the source: the one place quotes become offsets.

Items that code segmented carry their own span (`alignment="span"`, exact by construction). Free quotes
from a model (a cause inside a problem, a leadership duty inside a measure) are located in the normalized
text — exact canonical match first, then fuzzy (rapidfuzz, by characters, never by word tokens: Chinese
has no spaces) above a threshold — and mapped back to original offsets. The evidence quote is always the
original slice, so `canon(original[start:end]) == canon(quote)` holds for every emitted item.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from extractor.text.normalize import Normalized, canon
from schemas.report import Evidence

FUZZY_THRESHOLD = 90.0
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def span_evidence(norm: Normalized, start: int, end: int, alignment: str = "span") -> Evidence:
    return Evidence(quote=norm.original[start:end], start=start, end=end, alignment=alignment)


def ground_quote(
    norm: Normalized, quote: str, within: tuple[int, int] | None = None, threshold: float = FUZZY_THRESHOLD
) -> Evidence | None:
    """Evidence for a model's quote, searched inside the original span `within` if given; None if absent."""
    needle = canon(quote)
    if len(needle) < 2:
        return None
    lo, hi = within or (0, len(norm.original))
    exact = [s for s in norm.find_all(quote) if lo <= s[0] and s[1] <= hi]
    if exact:
        return span_evidence(norm, *exact[0], alignment="exact")
    compact, idx = norm.compact_view()
    # restrict the haystack to the compact characters inside the window
    first = next((i for i, n in enumerate(idx) if norm.orig[n] >= lo), len(idx))
    last = next((i for i in range(len(idx) - 1, -1, -1) if norm.orig[idx[i]] < hi), -1) + 1
    hay = compact[first:last]
    if not hay:
        return None
    found = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=threshold)
    if found is None or found.dest_end - found.dest_start < 0.8 * len(needle):
        return None
    a = idx[first + found.dest_start]
    b = idx[first + found.dest_end - 1] + 1
    start, end = norm.to_orig(a, b)
    return span_evidence(norm, start, end, alignment="fuzzy")


def is_grounded(original: str, evidence: Evidence) -> bool:
    """True when the quote really is the text at the stated offsets (after normalization)."""
    if not 0 <= evidence.start <= evidence.end <= len(original):
        return False
    return canon(original[evidence.start : evidence.end]) == canon(evidence.quote) != ""


def invented_numbers(text: str, source: str) -> list[str]:
    """Numbers in model-written text that do not occur in its source span: a model must not invent them."""
    have = set(_NUMBER.findall(canon(source)))
    return [n for n in _NUMBER.findall(canon(text)) if n not in have]
