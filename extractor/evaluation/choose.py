"""`fazhi eval --choose-fields`: per model-decidable field, does the model or do the rules decide it?

Decided from evidence, not a constant: two runs over the in-sample gold (seeds, their layout rewrites,
realistic), one by the rules backend and one with the model asked for every kind (`--model-fields all`),
give each document a typed score per field from each system. A field goes to the model only where the
paired bootstrap 95% interval of (model − rules) over documents lies above 0 (bootstrap.py); otherwise the
rules decide it, without a call.

How the leave-one-document-out folds are used. A choice between two fixed systems has nothing to fit but
the choice itself, so leaving a document out reduces to a per-document paired comparison: in each fold the
choice is made on the training documents (interval above 0 → model) and checked on the held-out one
(did the chosen system score at least as well there?). Documents are grouped — a seed and its layout
rewrites are one group (`bootstrap.group_of`) and leave together — so no fold is chosen on a rewrite of
its test document. The record reports how often the fold's choice agrees with the choice on all the data,
how often the held-out group confirms it, and the held-out score of choosing per fold (an honest estimate
of what the choice is worth, beside always-rules and always-model). The decision written is the one on
all the data; the folds say how stable it is. A fold left with fewer than MIN_DOCS groups cannot choose the
model at all (the seeds alone are five groups, so each of their folds has four): `folds_too_few` counts them,
and the record is then only as good as its one full-data interval. Every suite here is in-sample: a held-out suite must confirm
the choice before a release (issue 28, item 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from extractor.evaluation.bootstrap import MIN_DOCS, Interval, group_of, paired
from extractor.evaluation.suites import gold_hash

RECORD_VERSION = 1
# The call kind (`--model-fields`) and the scored field whose typed F1 measures it.
KIND_FIELDS: dict[str, str] = {
    "parts": "sections",
    "measures": "measures",
    "plans": "plans",
    "problems": "problems",
    "rectifications": "rectifications",
    "leadership": "leadership_duties",
    "metrics": "metrics",
}
KEY = "typed_f1"  # what the model decides (category, summary, cause, name, part) counts only when right


@dataclass
class FieldChoice:
    kind: str
    field: str
    model: Optional[float]
    rules: Optional[float]
    interval: Interval
    folds: int
    fold_agrees: int  # folds whose training choice equals the choice on all data
    held_confirms: int  # folds whose held-out group scored at least as well with the fold's choice
    held_out: dict[str, Optional[float]]  # mean held-out score: chosen per fold, always rules, always model
    folds_too_few: int = 0  # folds whose training groups are fewer than MIN_DOCS: they cannot choose the model

    @property
    def decision(self) -> str:
        return "model" if self.interval.verdict == "better" else "rules"

    @property
    def reason(self) -> str:
        iv = self.interval
        if iv.lo is None:
            return f"too few document groups ({iv.n} < {MIN_DOCS}) for an interval: the rules decide"
        span = f"model − rules {iv.mean:+.3f} [{iv.lo:+.3f}, {iv.hi:+.3f}] over {iv.n} groups"
        return {
            "better": f"{span}: above 0, the model decides",
            "worse": f"{span}: below 0, the rules decide",
        }.get(iv.verdict, f"{span}: includes 0, no detectable gain, the rules decide (no call)")

    def to_dict(self) -> dict:
        r = lambda v: None if v is None else round(v, 6)  # noqa: E731
        return {
            "field": self.field,
            "model": r(self.model),
            "rules": r(self.rules),
            "difference": self.interval.to_dict(),
            "decision": self.decision,
            "reason": self.reason,
            "folds": self.folds,
            "fold_agrees": self.fold_agrees,
            "held_out_confirms": self.held_confirms,
            "folds_too_few": self.folds_too_few,
            "held_out": {k: r(v) for k, v in self.held_out.items()},
        }


def _mean(vals: list[float]) -> Optional[float]:
    return sum(vals) / len(vals) if vals else None


def choose_field(kind: str, rules: dict[str, dict], model: dict[str, dict]) -> FieldChoice:
    """The choice for one kind from per-document numbers of the rules run and the model run."""
    fname = KIND_FIELDS[kind]
    rows = [
        (d, rules[d][fname].get(KEY), model[d][fname].get(KEY))
        for d in rules
        if d in model and fname in rules[d] and fname in model[d]
    ]
    rows = [(d, r, m) for d, r, m in rows if r is not None and m is not None]
    diffs, groups = [m - r for _, r, m in rows], [group_of(d) for d, _, _ in rows]
    full = paired(diffs, groups)
    full_choice = full.verdict == "better"
    agrees = confirms = too_few = 0
    chosen_scores: list[float] = []
    folds = sorted(set(groups))
    for held in folds:
        train = [(x, g) for x, g in zip(diffs, groups) if g != held]
        fold = paired([x for x, _ in train], [g for _, g in train])
        too_few += fold.lo is None
        fold_choice = fold.verdict == "better"
        agrees += fold_choice == full_choice
        test = [(r, m) for (_, r, m), g in zip(rows, groups) if g == held]
        gain = sum(m - r for r, m in test)
        confirms += (gain > 0) if fold_choice else (gain <= 0)
        chosen_scores += [m if fold_choice else r for r, m in test]
    return FieldChoice(
        kind,
        fname,
        _mean([m for _, _, m in rows]),
        _mean([r for _, r, _ in rows]),
        full,
        len(folds),
        agrees,
        confirms,
        {
            "chosen_per_fold": _mean(chosen_scores),
            "rules": _mean([r for _, r, _ in rows]),
            "model": _mean([m for _, _, m in rows]),
        },
        too_few,
    )


def record(
    backend: str,
    model_name: Optional[str],
    rules_logs: list[dict],
    model_logs: list[dict],
    kinds: tuple[str, ...] = tuple(KIND_FIELDS),
) -> dict:
    """The dated record `--model-fields auto` reads: per kind the scores, the interval, the decision and why.
    Documents of every suite are pooled (ids are suite-qualified so two suites' ids never collide)."""
    rules = {f"{log['suite']}/{d}": n for log in rules_logs for d, n in log["reports"].items()}
    model = {f"{log['suite']}/{d}": n for log in model_logs for d, n in log["reports"].items()}
    choices = {k: choose_field(k, _grouped(rules), _grouped(model)) for k in kinds}
    return {
        "version": RECORD_VERSION,
        "backend": backend,
        "model": model_name,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "suites": [log["suite"] for log in rules_logs],
        "gold": {log["suite"]: log.get("gold_hash") or gold_hash(log.get("gold") or {}) for log in rules_logs},
        "documents": len([d for d in rules if d in model]),
        "groups": len({group_of(_doc(d)) for d in rules if d in model}),
        "in_sample": True,
        "method": "paired bootstrap 95% interval of (model − rules) typed F1 over document groups (a seed with its "
        "layout rewrites); the model decides a field only where the interval is above 0; leave-one-group-"
        "out folds report the choice's stability and held-out score",
        "fields": {k: c.to_dict() for k, c in choices.items()},
        "model_fields": sorted(k for k, c in choices.items() if c.decision == "model"),
        "errors": {log["suite"]: log.get("errors") or {} for log in (*rules_logs, *model_logs) if log.get("errors")},
    }


def _doc(qualified: str) -> str:
    return qualified.split("/", 1)[1]


def pooled_id(suite: str, doc: str) -> str:
    """A document's id in the pooled suites, such that `group_of` groups a layout rewrite with its seed across
    the seeds and layouts suites: `seeds/000_x` and `layouts/000_x.web` both become `000_x…`; a document of
    any other suite keeps its suite."""
    return doc if suite in ("seeds", "layouts") else f"{suite}:{doc}"


def group_key(suite: str, doc: str) -> str:
    """The document group (a seed and its rewrites) a suite's document belongs to."""
    return group_of(pooled_id(suite, doc))


def _grouped(numbers: dict[str, dict]) -> dict[str, dict]:
    """Ids rewritten by `pooled_id`, so a layout rewrite groups with its seed."""
    out = {}
    for qualified, n in numbers.items():
        suite, doc = qualified.split("/", 1)
        out[pooled_id(suite, doc)] = n
    return out


CHOICE_SUITES = ("seeds", "layouts", "realistic")  # the in-sample gold: every suite labelled during development


def run_choice(config, suite_names: tuple[str, ...] = CHOICE_SUITES, progress=None) -> dict:
    """Run each suite with the rules backend and with the model asked for every kind, then `record()`.
    `config` is the run's (backend, model, endpoint); the model run bypasses nothing: cached answers are
    the same answers, and a choice is about the model, not about one sampling of it."""
    from extractor.errors import ConfigError
    from extractor.evaluation.suites import load_suite, run_suite

    if not config.spec.calls_model:
        raise ConfigError(
            "--choose-fields compares a model with the rules: choose a model backend",
            hint="--backend local, or --backend openai with --base-url/--model",
        )
    rules_logs: list[dict] = []
    model_logs: list[dict] = []
    model_config = config.with_(model_fields="all")
    for name in suite_names:
        suite = load_suite(name)
        for logs, cfg in ((rules_logs, config.with_(backend="rules")), (model_logs, model_config)):
            logs.append(run_suite(suite, cfg, progress=progress, floors=False).log())
    return record(config.resolved_backend, config.model_name, rules_logs, model_logs)
