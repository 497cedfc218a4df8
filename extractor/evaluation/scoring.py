"""Scorers: one small pure function per field, comparing a predicted Report with its gold (no I/O).

    score_report(gold, pred, source) -> ReportScore
        metadata            score_metadata     fraction of the 10 fields right (nulls included); typed: F1 of
                                               the stated values (a null on both sides counts for nothing)
        measures … duties   score_items        span P/R/F1, one-to-one by evidence IoU ≥ 0.5; typed P/R/F1:
                                               a match counts only when the category (measures, plans), the
                                               summary (key-term recall, summaries.py) and the cause
                                               (problems) are right too
        metrics             score_metrics      P/R/F1, one-to-one by value_base + unit + overlapping span;
                                               typed: the name acceptable and the indicator right
        causes              score_causes       problems' causes: span P/R/F1 by cause_evidence IoU ≥ 0.5;
                                               typed: the cause text right too
        sections            score_sections     top-level sections matched by heading span; typed: same part
        compliance          score_compliance   accuracy over the five parts' `present`; typed: F1 of the parts
                                               present
        grounding           score_grounding    share of predicted evidence really at its offsets
        overall             span-only: the mean of metadata score, item and metric span F1s and compliance
                            accuracy (what the eval reported before typed scores)
        headline            the mean of the typed scores of HEADLINE_FIELDS, leaving out a field with nothing
                            on either side in this report (no gold items, none predicted) and the fields whose
                            gold never varies across the suite (`constant`): it moves with every answer the
                            model gives, and an empty prediction scores 0

Each scorer is registered by field name (`@scorer`, scorers.py) with what it reads of a Report and its
primary score key; `score_field` looks the field up. Each returns a dataclass whose `numbers()` is what
the eval log stores and whose `misses` are the false negatives / false positives (and wrong fields) with
their quotes. `summarize()` folds per-report
numbers into suite means. Conventions (gold-and-scoring.md):

- A ratio whose denominator is empty scores 1.0 when the other side is empty too and 0.0 otherwise, so
  "no gold items, none predicted" is perfect and any disagreement about emptiness scores 0.
- Matching is one-to-one: a duplicate prediction is a false positive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Optional

from functools import partial

from extractor.evaluation.items import CATEGORY_FIELDS, score_causes, score_items, score_sections  # noqa: F401
from extractor.evaluation.matching import (  # noqa: F401 — re-exported: scoring is the scorers' one front door
    ATTRIBUTION_KEYS,
    IOU_MIN,
    SOURCES,
    MatchScore,
    Miss,
    attribute,
    char_f1,
    f1_of,
    greedy_match,
    iou,
    mean,
    misses_of,
    overlaps,
    ratio,
)
from extractor.evaluation.scorers import lookup, registered, scorer
from extractor.grounding import is_grounded
from extractor.text.normalize import canon
from schemas.report import REQUIRED_PARTS, Metadata, Metric, Report

ITEM_FIELDS: tuple[str, ...] = ("measures", "problems", "rectifications", "plans", "leadership_duties")
FIELDS: tuple[str, ...] = ("metadata", *ITEM_FIELDS, "metrics", "causes", "sections", "compliance")
# What `overall` (span-only, as before typed scores) averages, and what the headline averages (typed).
SPAN_FIELDS: tuple[str, ...] = ("metadata", *ITEM_FIELDS, "metrics", "compliance")
HEADLINE_FIELDS: tuple[str, ...] = ("metadata", *ITEM_FIELDS, "metrics", "sections", "compliance")
METADATA_FIELDS: tuple[str, ...] = tuple(Metadata.model_fields)

# Every row of the eval log and its tables, in their order: the fields, then the report-wide scores.
ROWS: tuple[str, ...] = (*FIELDS, "grounding", "overall", "headline")
# The primary score of the rows that are not a field's scorer (each scorer declares its own, scorers.py).
ROW_PRIMARY: dict[str, str] = {"grounding": "share", "overall": "score", "headline": "score"}
# Counts are summed (not averaged) over reports, and never gate a regression.
COUNT_KEYS = frozenset({"tp", "typed_tp", "gold", "pred", "right", "total", "grounded", "checked", *ATTRIBUTION_KEYS})
NAME_ACCEPTABLE = 0.5  # char-F1 of a metric name with gold's: what is counted, not the exact wording

VALUE_REL_TOL = 0.001  # 0.1%: 83.3% written as 0.833 or 0.8330001 is one value
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "﹝": "〔", "﹞": "〕"})
_UNIT_ALIASES = {"%": "ratio", "percent": "ratio", "百分比": "ratio"}


def primary_key(field_name: str) -> str:
    """The score that gates a row by its bare name and fills the table's `score` column; typed F1 unless the
    field's scorer (or ROW_PRIMARY) says otherwise."""
    if field_name in registered():
        return lookup(field_name).primary
    return ROW_PRIMARY.get(field_name, "typed_f1")


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
    """Fields (or parts) right out of a fixed number: metadata `score`, compliance `accuracy`; beside it the
    typed F1 of what is stated (metadata values, parts present), where agreeing on a blank earns nothing."""

    key: str
    right: int
    total: int
    misses: list[Miss] = field(default_factory=list)
    stated: tuple[int, int, int] = (0, 0, 0)  # (right and stated, stated in gold, stated in prediction)

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0

    @property
    def typed_f1(self) -> float:
        tp, g, p = self.stated
        if not g and not p:
            return 1.0
        return f1_of(ratio(tp, p, not g), ratio(tp, g, not p))

    def numbers(self) -> dict:
        return {
            self.key: self.value,
            "typed_f1": self.typed_f1,
            "right": self.right,
            "total": self.total,
            "gold": self.stated[1],
            "pred": self.stated[2],
        }


@scorer("metadata", needs="metadata", primary="score", span_key="score")
def score_metadata(gold: Metadata, pred: Metadata) -> Tally:
    right, misses, tp, n_gold, n_pred = 0, [], 0, 0, 0
    for name in METADATA_FIELDS:
        g, p = norm_meta(getattr(gold, name)), norm_meta(getattr(pred, name))
        n_gold += g is not None
        n_pred += p is not None
        if g == p:
            right += 1
            tp += g is not None
        else:
            misses.append(
                Miss(
                    "metadata",
                    "wrong",
                    f"gold={_show(getattr(gold, name))} pred={_show(getattr(pred, name))}",
                    label=name,
                )
            )
    return Tally("score", right, len(METADATA_FIELDS), misses, (tp, n_gold, n_pred))


def _show(value: Any) -> str:
    return "null" if value is None else value.isoformat() if isinstance(value, date) else str(value)


# ---------------------------------------------------------------- item lists (items.py)

for _name in ITEM_FIELDS:
    scorer(_name, needs=_name)(partial(score_items, _name))


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


@scorer("metrics", needs="metrics")
def score_metrics(gold: list[Metric], pred: list[Metric]) -> MatchScore:
    pairs = greedy_match(gold, pred, _metric_affinity)
    names = {p: char_f1(gold[g].name, pred[p].name) for g, p in pairs}
    extra = {
        "name_similarity": mean(names.values()),
        "name_acceptable": mean(float(v >= NAME_ACCEPTABLE) for v in names.values()),
        "approx_accuracy": mean(float(gold[g].approx == pred[p].approx) for g, p in pairs),
        "indicator_accuracy": mean(float(gold[g].indicator == pred[p].indicator) for g, p in pairs),
    }
    misses = misses_of("metrics", gold, pred, pairs, label=_metric_label)
    right = {}
    for g, p in pairs:
        ev = pred[p].evidence
        right[p] = names[p] >= NAME_ACCEPTABLE and gold[g].indicator == pred[p].indicator
        if gold[g].indicator != pred[p].indicator:
            misses.append(
                Miss(
                    "metrics",
                    "wrong",
                    ev.quote,
                    ev.start,
                    ev.end,
                    f"indicator gold={gold[g].indicator} pred={pred[p].indicator}",
                )
            )
        if names[p] < NAME_ACCEPTABLE:
            misses.append(
                Miss("metrics", "wrong", ev.quote, ev.start, ev.end, f"name gold={gold[g].name} pred={pred[p].name}")
            )
    return MatchScore.of_pairs(pairs, gold, pred, right, misses, extra)


# ---------------------------------------------------------------- compliance and grounding


@scorer("compliance", needs=None, primary="accuracy", span_key="accuracy")
def score_compliance(gold: Report, pred: Report) -> Tally:
    right, misses, tp, n_gold, n_pred = 0, [], 0, 0, 0
    for part in REQUIRED_PARTS:
        g, p = getattr(gold.compliance, part).present, getattr(pred.compliance, part).present
        n_gold += g
        n_pred += p
        if g == p:
            right += 1
            tp += g
        else:
            misses.append(Miss("compliance", "wrong", f"gold present={g} pred present={p}", label=part))
    return Tally("accuracy", right, len(REQUIRED_PARTS), misses, (tp, n_gold, n_pred))


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
                found = source[ev.start : ev.end] if 0 <= ev.start <= ev.end <= len(source) else "<out of range>"
                misses.append(Miss(name, "ungrounded", ev.quote, ev.start, ev.end, f"text there: {found[:60]}"))
    return GroundingScore(grounded, checked, misses)


# ---------------------------------------------------------------- one report, many reports


@dataclass
class ReportScore:
    fields: dict[str, Any]  # field name -> Tally | MatchScore
    grounding: Optional[GroundingScore] = None
    constant: frozenset = frozenset()  # fields whose gold never varies across the suite: not in the headline

    @property
    def overall(self) -> float:
        return mean(f.numbers()[lookup(name).span_key] for name, f in self.fields.items() if name in SPAN_FIELDS) or 0.0

    @property
    def headline(self) -> Optional[float]:
        return headline_of({name: f.numbers() for name, f in self.fields.items()}, self.constant)

    def numbers(self) -> dict[str, dict]:
        out = {name: f.numbers() for name, f in self.fields.items()}
        if self.grounding is not None:
            out["grounding"] = self.grounding.numbers()
        out["overall"] = {"score": self.overall}
        out["headline"] = {"score": self.headline}
        return out

    def misses(self) -> dict[str, list[dict]]:
        parts = dict(self.fields)
        if self.grounding is not None:
            parts["grounding"] = self.grounding
        return {name: [m.to_dict() for m in s.misses] for name, s in parts.items() if s.misses}


def headline_of(numbers: dict[str, dict], constant: Iterable[str] = ()) -> Optional[float]:
    """The mean typed score over HEADLINE_FIELDS present, leaving out the suite's constant fields and any
    field with nothing on either side here (no gold, nothing predicted: nothing was decided)."""
    constant = set(constant)
    vals = []
    for name in HEADLINE_FIELDS:
        v = numbers.get(name)
        if v is None or name in constant or v.get("typed_f1") is None:
            continue
        if not v.get("gold") and not v.get("pred") and name != "metadata":
            continue
        vals.append(v["typed_f1"])
    return mean(vals)


def constant_fields(golds: Iterable[Report]) -> frozenset:
    """Fields whose gold is the same in every document of a suite (compliance in five reports that all cover
    the same parts; top-level parts in the same order): a constant guess would score them perfectly."""
    golds = list(golds)
    if len(golds) < 2:
        return frozenset()
    signatures = {
        "compliance": lambda r: tuple(getattr(r.compliance, p).present for p in REQUIRED_PARTS),
        "sections": lambda r: tuple(s.part for s in r.sections if s.level == 1),
    }
    return frozenset(name for name, sig in signatures.items() if len({sig(g) for g in golds}) == 1)


def score_field(name: str, gold: Report, pred: Report):
    """The registered scorer of field `name` on one report (an unknown name is an error naming the registered)."""
    return lookup(name)(gold, pred)


def score_report(
    gold: Report,
    pred: Report,
    source: Optional[str] = None,
    fields: Iterable[str] = FIELDS,
    constant: Iterable[str] = (),
) -> ReportScore:
    """Every field of one prediction against its gold; grounding only when the source text is given."""
    scores = {name: score_field(name, gold, pred) for name in fields}
    return ReportScore(scores, score_grounding(pred, source) if source is not None else None, frozenset(constant))


def failed_numbers(fields: Iterable[str]) -> dict[str, dict]:
    """The numbers of a report whose extraction failed: every score 0, so the suite mean pays for it."""
    out = {
        name: {primary_key(name): 0.0, "typed_f1": 0.0}
        if primary_key(name) != "typed_f1"
        else {"p": 0.0, "r": 0.0, "f1": 0.0, "typed_f1": 0.0}
        for name in fields
    }
    return {**out, "grounding": {"share": 0.0}, "overall": {"score": 0.0}, "headline": {"score": 0.0}}


def summarize(reports: dict[str, dict[str, dict]]) -> dict[str, dict]:
    """Suite numbers: each score averaged over the reports that have it, each count summed."""
    summary: dict[str, dict] = {}
    for numbers in reports.values():
        for fname, scores in numbers.items():
            for key in scores:
                summary.setdefault(fname, {}).setdefault(key, [])
    for fname, keys in summary.items():
        for key in keys:
            vals = [r[fname].get(key) for r in reports.values() if fname in r]
            keys[key] = sum(v or 0 for v in vals) if key in COUNT_KEYS else mean(vals)
    return summary
