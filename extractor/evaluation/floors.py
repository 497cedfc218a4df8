"""Floors: what a prediction that knows nothing scores, so every score is read beside what costs nothing.

    empty_prediction(gold)             no metadata, no sections, no items, no part present
    majority_prediction(gold, golds)   gold's own spans (items, metrics, sections), but every field the model
                                       decides set to the suite's most common gold value: one category, one
                                       summary, no cause, the commonest metric name and indicator, one part
                                       for every top-level section; metadata and compliance the commonest
                                       value per field

The third floor, the rules backend, is an extraction (suites.run_suite runs it). A score at or below its
floors says nothing about the model.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Iterable, Optional

from extractor.errors import FazhiError
from extractor.evaluation import scoring
from schemas.report import REQUIRED_PARTS, Compliance, Metadata, PartCoverage, Report

FLOORS = ("empty", "majority", "rules")


def empty_prediction(gold: Report) -> Report:
    absent = PartCoverage(present=False)
    return Report(source=gold.source, metadata=Metadata(),
                  compliance=Compliance(**{part: absent for part in REQUIRED_PARTS}))


def _commonest(values: Iterable[Any]) -> Any:
    """The most common value, ties to the first seen (deterministic); None for no values."""
    counts = Counter(_hashable(v) for v in values)
    if not counts:
        return None
    top = max(counts.values())
    return next(v for v in counts if counts[v] == top)  # a Counter keeps first-seen order


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def majority_prediction(gold: Report, golds: list[Report]) -> Report:
    items = lambda name: [it for g in golds for it in getattr(g, name)]  # noqa: E731
    summary = _commonest(it.summary for name in ("measures", "plans", "problems", "rectifications", "leadership_duties")
                         for it in items(name))
    measure_cat = _commonest(m.category for m in items("measures")) or "other"
    plan_cat = _commonest(p.category for p in items("plans")) or "other"
    name = _commonest(m.name for m in items("metrics")) or ""
    indicator = _commonest(m.indicator for m in items("metrics"))
    part = _commonest(s.part for s in items("sections") if s.level == 1) or "none"
    meta = {}
    for field in Metadata.model_fields:
        value = _commonest(getattr(g.metadata, field) for g in golds)
        meta[field] = list(value) if isinstance(value, tuple) else value
    compliance = {}
    for p in REQUIRED_PARTS:
        present = _commonest(getattr(g.compliance, p).present for g in golds)
        compliance[p] = PartCoverage(present=bool(present))

    def blank(item, **update):
        return item.model_copy(update={"summary": summary or "", "decided_by": None, **update})

    return gold.model_copy(update={
        "labeling": None,
        "metadata": Metadata(**meta),
        "measures": [blank(m, category=measure_cat) for m in gold.measures],
        "plans": [blank(p, category=plan_cat) for p in gold.plans],
        "problems": [blank(p, cause=None, cause_evidence=None) for p in gold.problems],
        "rectifications": [blank(r) for r in gold.rectifications],
        "leadership_duties": [blank(d) for d in gold.leadership_duties],
        "metrics": [m.model_copy(update={"name": name, "indicator": indicator}) for m in gold.metrics],
        "sections": [s.model_copy(update={"part": part if s.level == 1 else s.part}) for s in gold.sections],
        "compliance": Compliance(**compliance),
    })


def floor_scores(golds: dict[str, Report], fields: Iterable[str], constant: Iterable[str],
                 rules: Optional[dict[str, dict]], extract_rules: Optional[Callable[[str], Report]],
                 errors: Optional[dict[str, str]] = None) -> dict[str, dict]:
    """Suite means per field of the empty, majority and rules-backend predictions. `rules` are the numbers
    of a rules-backend run already made, else each document is extracted with `extract_rules`; a document
    the rules backend cannot extract is named in `errors` and left out of that floor."""
    fields, constant, all_golds = tuple(fields), tuple(constant), list(golds.values())

    def numbers(gold: Report, pred: Report) -> dict:
        return scoring.score_report(gold, pred, None, fields, constant).numbers()

    made = {"empty": {d: numbers(g, empty_prediction(g)) for d, g in golds.items()},
            "majority": {d: numbers(g, majority_prediction(g, all_golds)) for d, g in golds.items()}}
    if rules is None:
        rules = {}
        for doc_id, gold in golds.items():
            try:
                rules[doc_id] = numbers(gold, extract_rules(doc_id))
            except FazhiError as exc:  # the rules backend cannot fail on a text the suite scores: say so if it does
                if errors is not None:
                    errors[doc_id] = f"rules floor: {exc}"
    made["rules"] = rules
    return {name: _scores_only(scoring.summarize(per_doc)) for name, per_doc in made.items()}


def _scores_only(summary: dict[str, dict]) -> dict[str, dict]:
    return {f: {k: v for k, v in vals.items() if k not in scoring.COUNT_KEYS} for f, vals in summary.items()}
