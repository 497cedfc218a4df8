"""Matching predicted items to gold ones, and the counts every item scorer shares (no I/O).

- `greedy_match`: one-to-one pairs, best affinity first (evidence IoU ≥ IOU_MIN for items), so a duplicate
  prediction is a false positive.
- `MatchScore`: span P/R/F1 of the pairs, the typed P/R/F1 of the pairs whose decided fields are right too,
  the matched pairs' side scores (`extra`) and the attribution counts.
- `attribute`: per source of an item's decision (`decided_by`: model or rules), how many items, how many
  matched, how many matched and right.
- A ratio whose denominator is empty scores 1.0 when the other side is empty too and 0.0 otherwise, so
  "no gold items, none predicted" is perfect and any disagreement about emptiness scores 0.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from extractor.text.normalize import canon
from schemas.report import Evidence

IOU_MIN = 0.5
SOURCES = ("model", "rules")  # who decided an item (`decided_by`); attribution counts per source
ATTRIBUTION_KEYS = tuple(f"{src}_{what}" for src in SOURCES for what in ("items", "matched", "right"))


@dataclass
class Miss:
    """One thing the prediction got wrong: `fn` (gold item not found), `fp` (predicted item not in gold),
    `wrong` (a metadata field or compliance part; a matched item's category or indicator), or
    `ungrounded` (evidence not at its offsets)."""

    field: str
    kind: str
    quote: str
    start: Optional[int] = None
    end: Optional[int] = None
    label: str = ""

    def to_dict(self) -> dict:
        return {"kind": self.kind, "quote": self.quote, "start": self.start, "end": self.end, "label": self.label}


def ratio(num: int, den: int, other_side_empty: bool) -> float:
    if den:
        return num / den
    return 1.0 if other_side_empty else 0.0


def f1_of(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def char_f1(a: str, b: str) -> float:
    """Character-level F1 of two texts in canonical form (bag of characters, as in SQuAD's token F1)."""
    ca, cb = Counter(canon(a)), Counter(canon(b))
    na, nb = sum(ca.values()), sum(cb.values())
    if not na or not nb:
        return 1.0 if na == nb else 0.0
    common = sum((ca & cb).values())
    return f1_of(common / na, common / nb)


def iou(a: Evidence, b: Evidence) -> float:
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def overlaps(a: Evidence, b: Evidence) -> bool:
    return min(a.end, b.end) > max(a.start, b.start)


def mean(values: Iterable[Optional[float]]) -> Optional[float]:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def greedy_match(gold: list, pred: list, affinity) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index), best affinity first; `affinity` returns None for no match.
    Ties go to document order so the result is deterministic."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            a = affinity(g, p)
            if a is not None:
                candidates.append((-a, gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def misses_of(field_name: str, gold: list, pred: list, pairs, label) -> list[Miss]:
    matched_g = {g for g, _ in pairs}
    matched_p = {p for _, p in pairs}
    out = []
    for kind, items, matched in (("fn", gold, matched_g), ("fp", pred, matched_p)):
        for i, item in enumerate(items):
            if i not in matched:
                ev = item.evidence
                out.append(Miss(field_name, kind, ev.quote, ev.start, ev.end, label(item)))
    return out


@dataclass
class MatchScore:
    """P/R/F1 of a one-to-one matching plus the quality of the matched pairs."""

    tp: int
    gold: int
    pred: int
    extra: dict[str, Optional[float]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    typed_tp: Optional[int] = None  # matches whose decided fields are right too (None: same as tp)
    attribution: dict[str, int] = field(default_factory=dict)  # ATTRIBUTION_KEYS -> count

    @property
    def p(self) -> float:
        return ratio(self.tp, self.pred, other_side_empty=not self.gold)

    @property
    def r(self) -> float:
        return ratio(self.tp, self.gold, other_side_empty=not self.pred)

    @property
    def f1(self) -> float:
        if not self.gold and not self.pred:
            return 1.0
        return f1_of(self.p, self.r)

    @property
    def typed(self) -> tuple[float, float, float]:
        tp = self.tp if self.typed_tp is None else self.typed_tp
        if not self.gold and not self.pred:
            return 1.0, 1.0, 1.0
        p, r = ratio(tp, self.pred, not self.gold), ratio(tp, self.gold, not self.pred)
        return p, r, f1_of(p, r)

    @classmethod
    def of_pairs(
        cls,
        pairs: list[tuple[int, int]],
        gold: list,
        pred: list,
        right: dict[int, bool],
        misses: list[Miss],
        extra: Optional[dict[str, Optional[float]]] = None,
    ) -> "MatchScore":
        """The score of a one-to-one matching of gold with pred, `right` telling which matched
        predictions are typed-right (their decided fields too)."""
        return cls(
            len(pairs),
            len(gold),
            len(pred),
            extra or {},
            misses,
            typed_tp=sum(right.values()),
            attribution=attribute(pred, pairs, right),
        )

    def numbers(self) -> dict:
        tp, tr, tf = self.typed
        return {
            "p": self.p,
            "r": self.r,
            "f1": self.f1,
            "typed_p": tp,
            "typed_r": tr,
            "typed_f1": tf,
            "tp": self.tp,
            "typed_tp": self.tp if self.typed_tp is None else self.typed_tp,
            "gold": self.gold,
            "pred": self.pred,
            **self.extra,
            **self.attribution,
        }


def decided_by(item) -> str:
    """Who decided an item's model-decidable fields; an item that does not say was decided by the rules
    (the rules backend, and quantities no model named)."""
    return getattr(item, "decided_by", None) or "rules"


def attribute(pred: list, pairs: list[tuple[int, int]], right: dict[int, bool]) -> dict[str, int]:
    """Per source: predicted items, matched ones, and matched ones whose decided fields are right."""
    out = {k: 0 for k in ATTRIBUTION_KEYS}
    matched = {p for _, p in pairs}
    for pi, item in enumerate(pred):
        src = decided_by(item)
        out[f"{src}_items"] += 1
        if pi in matched:
            out[f"{src}_matched"] += 1
            out[f"{src}_right"] += bool(right.get(pi))
    return out


def _span_affinity(g, p) -> Optional[float]:
    v = iou(g.evidence, p.evidence)
    return v if v >= IOU_MIN else None
