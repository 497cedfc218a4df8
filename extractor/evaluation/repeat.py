"""`fazhi eval --repeat K`: the same suite run K times, and how far each field's suite mean moves between runs.

A model at temperature 0 is not deterministic across processes and servers (batching, kernels); the spread
of K runs is the noise a single difference must exceed before it means anything. The runs bypass the
response cache (`refresh`), or every run after the first would replay the first. The rules backend is
deterministic: its spread is 0, and the table shows it.
"""

from __future__ import annotations

from math import sqrt
from typing import Optional

from extractor.evaluation import scoring

ROWS = scoring.ROWS


def spread(logs: list[dict]) -> dict[str, dict]:
    """Per field, over the runs' suite means of its primary score: runs, mean, min, max and the sample
    standard deviation (0 for one run)."""
    out: dict[str, dict] = {}
    for fname in ROWS:
        key = scoring.primary_key(fname)
        vals = [v for log in logs if (v := (log["summary"].get(fname) or {}).get(key)) is not None]
        if not vals:
            continue
        m = sum(vals) / len(vals)
        std = sqrt(sum((v - m) ** 2 for v in vals) / (len(vals) - 1)) if len(vals) > 1 else 0.0
        out[fname] = {
            "key": key,
            "runs": len(vals),
            "mean": _r(m),
            "min": _r(min(vals)),
            "max": _r(max(vals)),
            "std": _r(std),
        }
    return out


def _r(v: Optional[float]) -> Optional[float]:
    return None if v is None else round(v, 6)
