"""Scorers: one small pure function per field, comparing a predicted Report with its gold (no I/O).

    score_report(gold, pred, source) -> ReportScore
        metadata            score_metadata     fraction of the 10 fields right (nulls included)
        measures … duties   score_items        P/R/F1, one-to-one by evidence IoU ≥ 0.5
        metrics             score_metrics      P/R/F1, one-to-one by value_base + unit + overlapping span
        compliance          score_compliance   accuracy over the five parts' `present`
        grounding           score_grounding    share of predicted evidence really at its offsets
        overall             mean of the primary scores above (grounding excluded: it needs no gold)

Each scorer returns a dataclass whose `numbers()` is what the eval log stores and whose `misses` are the
false negatives / false positives (and wrong fields) with their quotes. `summarize()` folds per-report
numbers into suite means. Conventions (gold-and-scoring.md):

- A ratio whose denominator is empty scores 1.0 when the other side is empty too and 0.0 otherwise, so
  "no gold items, none predicted" is perfect and any disagreement about emptiness scores 0.
- Matching is one-to-one: a duplicate prediction is a false positive.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Optional

from extractor.grounding import is_grounded
from extractor.text.normalize import canon
from schemas.report import REQUIRED_PARTS, Evidence, Metadata, Metric, Report

ITEM_FIELDS: tuple[str, ...] = ("measures", "problems", "rectifications", "plans", "leadership_duties")
CATEGORY_FIELDS = frozenset({"measures", "plans"})
FIELDS: tuple[str, ...] = ("metadata", *ITEM_FIELDS, "metrics", "compliance")
METADATA_FIELDS: tuple[str, ...] = tuple(Metadata.model_fields)

# The score of each field that enters `overall`, gates regressions and fills the table's `score` column.
PRIMARY: dict[str, str] = {"metadata": "score", "compliance": "accuracy", "grounding": "share", "overall": "score"}
# Counts are summed (not averaged) over reports, and never gate a regression.
COUNT_KEYS = frozenset({"tp", "gold", "pred", "right", "total", "grounded", "checked"})

IOU_MIN = 0.5
VALUE_REL_TOL = 0.001  # 0.1%: 83.3% written as 0.833 or 0.8330001 is one value
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "﹝": "〔", "﹞": "〕"})
_UNIT_ALIASES = {"%": "ratio", "percent": "ratio", "百分比": "ratio"}


def primary_key(field_name: str) -> str:
    return PRIMARY.get(field_name, "f1")


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


# ---------------------------------------------------------------- shared measures


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


def _misses(field_name: str, gold: list, pred: list, pairs, label) -> list[Miss]:
    matched_g = {g for g, _ in pairs}
    matched_p = {p for _, p in pairs}
    out = []
    for kind, items, matched in (("fn", gold, matched_g), ("fp", pred, matched_p)):
        for i, item in enumerate(items):
            if i not in matched:
                ev = item.evidence
                out.append(Miss(field_name, kind, ev.quote, ev.start, ev.end, label(item)))
    return out


# ---------------------------------------------------------------- metadata


def norm_meta(value: Any) -> Any:
    """The form two metadata values are compared in: canonical text with 〔〕 for any bracket pair, lists
    as sets (empty = null), dates as ISO."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        items = frozenset(v for v in (norm_meta(x) for x in value) if v not in (None, ""))
        return items or None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return canon(value).translate(_BRACKETS) or None
    return value


@dataclass
class Tally:
    """Fields (or parts) right out of a fixed number: metadata `score`, compliance `accuracy`."""

    key: str
    right: int
    total: int
    misses: list[Miss] = field(default_factory=list)

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0

    def numbers(self) -> dict:
        return {self.key: self.value, "right": self.right, "total": self.total}


def score_metadata(gold: Metadata, pred: Metadata) -> Tally:
    right, misses = 0, []
    for name in METADATA_FIELDS:
        g, p = getattr(gold, name), getattr(pred, name)
        if norm_meta(g) == norm_meta(p):
            right += 1
        else:
            misses.append(Miss("metadata", "wrong", f"gold={_show(g)} pred={_show(p)}", label=name))
    return Tally("score", right, len(METADATA_FIELDS), misses)


def _show(value: Any) -> str:
    return "null" if value is None else value.isoformat() if isinstance(value, date) else str(value)


# ---------------------------------------------------------------- item lists


@dataclass
class MatchScore:
    """P/R/F1 of a one-to-one matching plus the quality of the matched pairs."""

    tp: int
    gold: int
    pred: int
    extra: dict[str, Optional[float]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

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

    def numbers(self) -> dict:
        return {"p": self.p, "r": self.r, "f1": self.f1, "tp": self.tp, "gold": self.gold, "pred": self.pred,
                **self.extra}


def _span_affinity(g, p) -> Optional[float]:
    v = iou(g.evidence, p.evidence)
    return v if v >= IOU_MIN else None


def score_items(field_name: str, gold: list, pred: list) -> MatchScore:
    pairs = greedy_match(gold, pred, _span_affinity)
    misses = _misses(field_name, gold, pred, pairs, label=lambda it: it.summary)
    extra: dict[str, Optional[float]] = {}
    if field_name in CATEGORY_FIELDS:
        extra["category_accuracy"] = mean(float(gold[g].category == pred[p].category) for g, p in pairs)
        for g, p in pairs:
            if gold[g].category != pred[p].category:
                ev = pred[p].evidence
                misses.append(Miss(field_name, "wrong", ev.quote, ev.start, ev.end,
                                   f"category gold={gold[g].category} pred={pred[p].category}"))
    extra["summary_similarity"] = mean(char_f1(gold[g].summary, pred[p].summary) for g, p in pairs)
    return MatchScore(len(pairs), len(gold), len(pred), extra, misses)


# ---------------------------------------------------------------- metrics


def norm_unit(unit: Optional[str]) -> Optional[str]:
    if not unit:
        return None
    u = canon(unit).lower()
    return _UNIT_ALIASES.get(u, u) or None


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= VALUE_REL_TOL * max(abs(a), abs(b))


def metrics_match(g: Metric, p: Metric) -> bool:
    gu, pu = norm_unit(g.base_unit), norm_unit(p.base_unit)
    unit_ok = gu is None or pu is None or gu == pu
    return unit_ok and same_value(g.value_base, p.value_base) and overlaps(g.evidence, p.evidence)


def _metric_affinity(g: Metric, p: Metric) -> Optional[float]:
    # The same figure is often stated twice (`受理128件…其中…128件`): overlap decides which mention is which.
    return iou(g.evidence, p.evidence) if metrics_match(g, p) else None


def _metric_label(m: Metric) -> str:
    value = f"{m.value:g}{m.unit or ''}"
    return f"{m.name} = {value}" + (f" [{m.indicator}]" if m.indicator else "")


def score_metrics(gold: list[Metric], pred: list[Metric]) -> MatchScore:
    pairs = greedy_match(gold, pred, _metric_affinity)
    extra = {
        "name_similarity": mean(char_f1(gold[g].name, pred[p].name) for g, p in pairs),
        "approx_accuracy": mean(float(gold[g].approx == pred[p].approx) for g, p in pairs),
        "indicator_accuracy": mean(float(gold[g].indicator == pred[p].indicator) for g, p in pairs),
    }
    misses = _misses("metrics", gold, pred, pairs, label=_metric_label)
    for g, p in pairs:
        if gold[g].indicator != pred[p].indicator:
            ev = pred[p].evidence
            misses.append(Miss("metrics", "wrong", ev.quote, ev.start, ev.end,
                               f"indicator gold={gold[g].indicator} pred={pred[p].indicator}"))
    return MatchScore(len(pairs), len(gold), len(pred), extra, misses)


# ---------------------------------------------------------------- compliance and grounding


def score_compliance(gold: Report, pred: Report) -> Tally:
    right, misses = 0, []
    for part in REQUIRED_PARTS:
        g, p = getattr(gold.compliance, part).present, getattr(pred.compliance, part).present
        if g == p:
            right += 1
        else:
            misses.append(Miss("compliance", "wrong", f"gold present={g} pred present={p}", label=part))
    return Tally("accuracy", right, len(REQUIRED_PARTS), misses)


@dataclass
class GroundingScore:
    grounded: int
    checked: int
    misses: list[Miss] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.grounded / self.checked if self.checked else 1.0

    def numbers(self) -> dict:
        return {"share": self.share, "grounded": self.grounded, "checked": self.checked}


def score_grounding(pred: Report, source: str) -> GroundingScore:
    grounded, checked, misses = 0, 0, []
    for name in (*ITEM_FIELDS, "metrics"):
        for item in getattr(pred, name):
            checked += 1
            if is_grounded(source, item.evidence):  # the same check extraction applies before writing
                grounded += 1
            else:
                ev = item.evidence
                found = source[ev.start:ev.end] if 0 <= ev.start <= ev.end <= len(source) else "<out of range>"
                misses.append(Miss(name, "ungrounded", ev.quote, ev.start, ev.end, f"text there: {found[:60]}"))
    return GroundingScore(grounded, checked, misses)


# ---------------------------------------------------------------- one report, many reports


@dataclass
class ReportScore:
    fields: dict[str, Any]  # field name -> Tally | MatchScore
    grounding: Optional[GroundingScore] = None

    @property
    def overall(self) -> float:
        return mean(f.numbers()[primary_key(name)] for name, f in self.fields.items()) or 0.0

    def numbers(self) -> dict[str, dict]:
        out = {name: f.numbers() for name, f in self.fields.items()}
        if self.grounding is not None:
            out["grounding"] = self.grounding.numbers()
        out["overall"] = {"score": self.overall}
        return out

    def misses(self) -> dict[str, list[dict]]:
        parts = dict(self.fields)
        if self.grounding is not None:
            parts["grounding"] = self.grounding
        return {name: [m.to_dict() for m in s.misses] for name, s in parts.items() if s.misses}


def score_field(name: str, gold: Report, pred: Report):
    if name == "metadata":
        return score_metadata(gold.metadata, pred.metadata)
    if name == "metrics":
        return score_metrics(gold.metrics, pred.metrics)
    if name == "compliance":
        return score_compliance(gold, pred)
    if name in ITEM_FIELDS:
        return score_items(name, getattr(gold, name), getattr(pred, name))
    raise ValueError(f"unknown field {name!r}; known: {', '.join(FIELDS)}")


def score_report(gold: Report, pred: Report, source: Optional[str] = None,
                 fields: Iterable[str] = FIELDS) -> ReportScore:
    """Every field of one prediction against its gold; grounding only when the source text is given."""
    scores = {name: score_field(name, gold, pred) for name in fields}
    return ReportScore(scores, score_grounding(pred, source) if source is not None else None)


def failed_numbers(fields: Iterable[str]) -> dict[str, dict]:
    """The numbers of a report whose extraction failed: every score 0, so the suite mean pays for it."""
    out = {name: {PRIMARY[name]: 0.0} if name in PRIMARY else {"p": 0.0, "r": 0.0, "f1": 0.0} for name in fields}
    return {**out, "grounding": {"share": 0.0}, "overall": {"score": 0.0}}


def summarize(reports: dict[str, dict[str, dict]]) -> dict[str, dict]:
    """Suite numbers: each score averaged over the reports that have it, each count summed."""
    summary: dict[str, dict] = {}
    for numbers in reports.values():
        for fname, vals in numbers.items():
            for key in vals:
                summary.setdefault(fname, {}).setdefault(key, [])
    for fname, keys in summary.items():
        for key in keys:
            vals = [r[fname].get(key) for r in reports.values() if fname in r]
            keys[key] = sum(v or 0 for v in vals) if key in COUNT_KEYS else mean(vals)
    return summary
