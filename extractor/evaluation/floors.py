"""Floors: what a prediction that knows nothing scores, so every score is read beside what costs nothing.

    empty_prediction(gold)             no metadata, no sections, no items, no part present
    majority_prediction(gold, golds)   gold's own spans (items, metrics, sections), but every field the model
                                       decides set to the suite's most common gold value: one category, one
                                       summary, no cause, the commonest metric name and indicator, one part
                                       for every top-level section; metadata and compliance the commonest
                                       value per field

    quote_copy_prediction(pred, n)     the run's own items with each summary replaced by the first n
                                       characters of its quote (Lead-N in summarisation research); the
                                       floor is the best of QUOTE_COPY_N, per field

The rules backend is a floor too, an extraction (suites.run_suite runs it). A score at or below its floors
says nothing about the model: `gate_failures` names each field that is (the eval exits 1 on them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from extractor.errors import FazhiError
from extractor.evaluation import scoring
from schemas.report import REQUIRED_PARTS, Compliance, Metadata, PartCoverage, Report

RULES_FLOOR = "rules"  # the rules backend's own run: the floor of a field the model decides
FLOORS = ("empty", "majority", "quote_copy", RULES_FLOOR)
QUOTE_COPY_N = (20, 30, 40, 60)
_EPS = 1e-9


def empty_prediction(gold: Report) -> Report:
    absent = PartCoverage(present=False)
    return Report(
        source=gold.source, metadata=Metadata(), compliance=Compliance(**{part: absent for part in REQUIRED_PARTS})
    )


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
    summary = _commonest(
        it.summary
        for name in ("measures", "plans", "problems", "rectifications", "leadership_duties")
        for it in items(name)
    )
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

    return gold.model_copy(
        update={
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
        }
    )


def quote_copy_prediction(pred: Report, n: int) -> Report:
    """The run's own items, each summary the first `n` characters of its quote (whitespace dropped)."""

    def copy(item):
        return item.model_copy(update={"summary": "".join(item.evidence.quote.split())[:n]})

    return pred.model_copy(update={name: [copy(it) for it in getattr(pred, name)] for name in scoring.ITEM_FIELDS})


def quote_copy_scores(
    golds: dict[str, Report], preds: dict[str, Report], fields: tuple[str, ...], constant: tuple[str, ...]
) -> tuple[dict[str, dict], dict[str, dict]]:
    """(the quote-copy floor: per summarised field and the headline, the best N's numbers with `n`; each N's
    suite means of those). Only the summarised fields change under a copy, so only they (and the headline)
    are this floor's; every other field would be the run itself."""
    by_n: dict[str, dict] = {}
    for n in QUOTE_COPY_N:
        per_doc = {
            d: scoring.score_report(golds[d], quote_copy_prediction(p, n), None, fields, constant).numbers()
            for d, p in preds.items()
            if d in golds
        }
        by_n[str(n)] = {
            f: v
            for f, v in _scores_only(scoring.summarize(per_doc)).items()
            if f in scoring.ITEM_FIELDS or f == "headline"
        }
    best: dict[str, dict] = {}
    for n_name, summary in by_n.items():
        for fname, vals in summary.items():
            key = scoring.primary_key(fname)
            if vals.get(key) is not None and (fname not in best or vals[key] > best[fname][key]):
                best[fname] = {**vals, "n": int(n_name)}
    return best, by_n


def floor_scores(
    golds: dict[str, Report],
    fields: Iterable[str],
    constant: Iterable[str],
    rules: Optional[dict[str, dict]],
    extract_rules: Optional[Callable[[str], Report]],
    errors: Optional[dict[str, str]] = None,
    preds: Optional[dict[str, Report]] = None,
) -> dict[str, dict]:
    """Suite means per field of the empty, majority, quote-copy (from `preds`, the run's own predictions)
    and rules-backend predictions. `rules` are the numbers of a rules-backend run already made, else each
    document is extracted with `extract_rules`; a document the rules backend cannot extract is named in
    `errors` and left out of that floor. The quote copy's per-N means are under `quote_copy_by_n`."""
    fields, constant, all_golds = tuple(fields), tuple(constant), list(golds.values())

    def numbers(gold: Report, pred: Report) -> dict:
        return scoring.score_report(gold, pred, None, fields, constant).numbers()

    made = {
        "empty": {d: numbers(g, empty_prediction(g)) for d, g in golds.items()},
        "majority": {d: numbers(g, majority_prediction(g, all_golds)) for d, g in golds.items()},
    }
    copies: dict[str, dict] = {}
    if preds:
        copies["quote_copy"], copies["quote_copy_by_n"] = quote_copy_scores(golds, preds, fields, constant)
    if rules is None:
        if extract_rules is None:
            raise ValueError("floor_scores needs the rules' numbers or a way to extract with the rules")
        rules = {}
        for doc_id, gold in golds.items():
            try:
                rules[doc_id] = numbers(gold, extract_rules(doc_id))
            except FazhiError as exc:  # the rules backend cannot fail on a text the suite scores: say so if it does
                if errors is not None:
                    errors[doc_id] = f"rules floor: {exc}"
    made[RULES_FLOOR] = rules
    out = {name: _scores_only(scoring.summarize(per_doc)) for name, per_doc in made.items()}
    return {**out, **copies}


def _scores_only(summary: dict[str, dict]) -> dict[str, dict]:
    return {f: {k: v for k, v in vals.items() if k not in scoring.COUNT_KEYS} for f, vals in summary.items()}


# ---------------------------------------------------------------- the floors gate

TRIVIAL = ("empty", "majority", "quote_copy")  # every field; the rules floor only where the model decided
# Where the quote copy gates. Per summarised field a copy ties the rules backend wherever both summaries are
# acceptable on the same items (in-sample, rules vs best copy: plans 0.707 = 0.707 on seeds, 0.769 = 0.769 on
# realistic; leadership 0.667 < 0.717 on seeds: a leadership sentence's lead phrase is its actor, the terms
# are its actions). It is shown per field and gates the headline, where the rule holds: every copy
# is below the rules (seeds 0.809 vs 0.740). Add the item fields here to gate them too.
QUOTE_COPY_GATES = frozenset({"headline"})


@dataclass(frozen=True)
class FloorFailure:
    field: str
    score: float
    floor: str
    floor_score: float

    def message(self) -> str:
        return (
            f"{self.field} {self.score:.3f} is at or below its {self.floor.replace('_', ' ')} floor "
            f"{self.floor_score:.3f}"
        )

    def to_dict(self) -> dict:
        return {"field": self.field, "score": self.score, "floor": self.floor, "floor_score": self.floor_score}


def model_decided(attribution: dict[str, dict]) -> set[str]:
    """Fields where the model decided at least one item this run (`decided_by`), and so the headline."""
    fields = {f for f, sources in attribution.items() if (sources.get("model") or {}).get("items")}
    return fields | {"headline"} if fields else fields


def gate_failures(
    summary: dict[str, dict],
    floors: dict[str, dict],
    constant: Iterable[str] = (),
    known_at_floor: Iterable[str] = (),
    model_fields: Iterable[str] = (),
) -> list[FloorFailure]:
    """Each scored field (and the headline) whose gated score is at or below its best floor: empty,
    majority, quote copy (QUOTE_COPY_GATES), and the rules backend for a field the model decided. A floor
    of 1.0, a field whose gold is constant across the suite and one the suite lists as known at its floor
    never gate."""
    skip, model_fields = {*constant, *known_at_floor, "grounding", "overall"}, set(model_fields)
    failures = []
    for fname, vals in summary.items():
        key = scoring.primary_key(fname)
        score = vals.get(key)
        if fname in skip or score is None:
            continue
        names = [
            n
            for n in (*TRIVIAL, RULES_FLOOR)
            if (n != RULES_FLOOR or fname in model_fields) and (n != "quote_copy" or fname in QUOTE_COPY_GATES)
        ]
        standing = [
            (name, v)
            for name in names
            if (v := ((floors.get(name) or {}).get(fname) or {}).get(key)) is not None and v < 1.0 - _EPS
        ]
        if not standing:
            continue
        name, best = max(standing, key=lambda row: row[1])
        if score <= best + _EPS:
            failures.append(FloorFailure(fname, score, name, best))
    return failures


def log_gate_failures(log: dict, known_at_floor: Iterable[str]) -> list[FloorFailure]:
    """The gate of a saved eval log, recomputed from its own numbers (a stored verdict could be edited)."""
    return gate_failures(
        log.get("summary") or {},
        log.get("floors") or {},
        log.get("constant_fields") or (),
        known_at_floor,
        model_decided(log.get("attribution") or {}),
    )
