"""Paired bootstrap intervals: is run B better than run A, beyond what the choice of documents explains?

Both runs scored the same documents, so each document gives one paired difference (B − A). Resampling the
documents with replacement and recomputing the mean difference each time gives the spread the mean would
have over other samples of documents like these; the 2.5th and 97.5th percentiles are the 95% interval
(Efron & Tibshirani's percentile interval). Pairing removes what the documents share (a hard report is hard
for both runs), so it is narrower than comparing two unpaired means.

Resampling is by *group* when groups are given (a seed and its layout rewrites are one group: they are not
independent samples, and counting them as five would make the interval too narrow).

Plain Python `random` with a fixed seed: the same two logs always give the same interval.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional, Sequence

SEED = 20261206  # fixed: a compare of the same logs prints the same interval every time
RESAMPLES = 2000  # percentile intervals at 95% need ~2000 resamples for stable 2.5/97.5 percentiles
LEVEL = 0.95
# Below this many documents (groups) no verdict is given. With n units there are only C(2n−1, n) distinct
# resamples (35 for n = 4, 126 for n = 5) and the bootstrap's variance is (n−1)/n of the true one, so its
# interval is too narrow exactly when it is most tempting to read it; five is the smallest suite we have
# (seeds) and the least at which a one-document fluke cannot make every resample agree.
MIN_DOCS = 5
# Below this many paired items no item-level interval is given (each item is one right/wrong outcome: a
# handful of them say little about a rate).
MIN_ITEMS = 20


@dataclass(frozen=True)
class Interval:
    n: int  # units (documents, groups or items) resampled
    mean: float  # the observed mean difference B − A
    lo: Optional[float]  # None when there are too few units for an interval
    hi: Optional[float]

    @property
    def verdict(self) -> str:
        if self.lo is None or self.hi is None:
            return "too few"
        if self.lo > 0:
            return "better"
        if self.hi < 0:
            return "worse"
        return "no detectable difference"

    def to_dict(self) -> dict:
        r = lambda v: None if v is None else round(v, 6)  # noqa: E731
        return {"n": self.n, "diff": r(self.mean), "lo": r(self.lo), "hi": r(self.hi), "verdict": self.verdict}


def _percentile(sorted_vals: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    pos = q * (len(sorted_vals) - 1)
    low = int(pos)
    high = min(low + 1, len(sorted_vals) - 1)
    return sorted_vals[low] + (sorted_vals[high] - sorted_vals[low]) * (pos - low)


def paired(
    diffs: Sequence[float],
    groups: Optional[Sequence[str]] = None,
    minimum: int = MIN_DOCS,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Interval:
    """The mean of `diffs` (one per unit, B − A) and its paired bootstrap 95% interval. With `groups`, the
    units of one group are resampled together (cluster bootstrap) and `minimum` counts groups."""
    diffs = list(diffs)
    if not diffs:
        return Interval(0, 0.0, None, None)
    observed = sum(diffs) / len(diffs)
    clusters = _clusters(diffs, groups)
    if len(clusters) < minimum:
        return Interval(len(clusters), observed, None, None)
    rng = random.Random(seed)
    k = len(clusters)
    means = []
    for _ in range(resamples):
        total, count = 0.0, 0
        for s, c in rng.choices(clusters, k=k):
            total += s
            count += c
        means.append(total / count)
    means.sort()
    alpha = (1 - LEVEL) / 2
    return Interval(k, observed, _percentile(means, alpha), _percentile(means, 1 - alpha))


def _clusters(diffs: list[float], groups: Optional[Sequence[str]]) -> list[tuple[float, int]]:
    """(sum of diffs, number of units) per group; one group per unit when no groups are given."""
    if groups is None:
        return [(d, 1) for d in diffs]
    sums: dict[str, list] = {}
    for d, g in zip(diffs, groups):
        acc = sums.setdefault(g, [0.0, 0])
        acc[0] += d
        acc[1] += 1
    return [(s, c) for s, c in sums.values()]


def group_of(doc_id: str) -> str:
    """A document's group: a layout rewrite `<seed id>.<family>` (evals/tools/make_layouts.py names them so)
    belongs with its seed `<seed id>`; any other id is its own group."""
    return doc_id.split(".", 1)[0]
