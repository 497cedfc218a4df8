"""A run against a saved baseline log (`fazhi eval --baseline`): per field and per document, what changed and
whether a drop goes beyond its tolerance (suite files' `[tolerances]`); `evaluation/compare.py` judges
suite means by their intervals on top of this. A log of another version is refused.

    compare(baseline_log, current_log, tolerances) -> Comparison   (regressions, new errors, missing)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from extractor.errors import InputError
from extractor.evaluation import scoring
from extractor.evaluation.suites import LOG_VERSION, Tolerances

_EPS = 1e-9  # a drop exactly at the tolerance passes, whatever float rounding did to it


@dataclass(frozen=True)
class Change:
    scope: str  # "suite" or a document id
    field: str
    key: str
    before: Optional[float]
    after: Optional[float]
    tolerance: Optional[float] = None

    @property
    def delta(self) -> Optional[float]:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def regressed(self) -> bool:
        if self.tolerance is None or self.before is None or self.after is None:
            return False
        return self.before - self.after > self.tolerance + _EPS


@dataclass
class Comparison:
    changes: list[Change]
    notes: list[str]
    new_errors: dict[str, str]
    missing: list[str] = field(default_factory=list)  # scored in the baseline, not now: a hole in the gate

    @property
    def regressions(self) -> list[Change]:
        return [c for c in self.changes if c.regressed]

    @property
    def failed(self) -> bool:
        return bool(self.regressions or self.new_errors or self.missing)


def _diff(scope: str, before: dict, after: dict, table: dict[str, float]) -> list[Change]:
    changes = []
    for fname in dict.fromkeys([*before, *after]):
        b_vals, a_vals = before.get(fname, {}), after.get(fname, {})
        for key in dict.fromkeys([*b_vals, *a_vals]):
            if key in scoring.COUNT_KEYS:
                continue
            b, a = b_vals.get(key), a_vals.get(key)
            if b == a or (b is not None and a is not None and abs(a - b) <= _EPS):
                continue
            changes.append(Change(scope, fname, key, b, a, Tolerances.lookup(table, fname, key)))
    return changes


def check_log_version(log: dict, name: str = "baseline") -> None:
    """An eval log of another format cannot be compared score by score: say so before anything runs."""
    if log.get("version") != LOG_VERSION:
        raise InputError(
            f"{name} eval log is of an old format (version {log.get('version')!r}, this fazhi writes "
            f"{LOG_VERSION}: typed scores, headline, floors)",
            hint="re-save the baseline with this version: fazhi eval … --save-baseline FILE",
        )


def compare(baseline_log: dict, current_log: dict, tolerances: Tolerances) -> Comparison:
    """Every score that changed, suite means first. Suite means are recomputed over the documents both runs
    scored, so a gold file added since the baseline is not mistaken for a change in the extractor."""
    for name, log in (("baseline", baseline_log), ("current", current_log)):
        check_log_version(log, name)
    before, after = baseline_log.get("reports", {}), current_log.get("reports", {})
    common = [d for d in after if d in before]
    notes = []
    # A document the baseline scored and this run did not is a failure, not a note: a deleted or corrupt
    # gold file, or a suite edited to drop a document, must not make the gate pass.
    missing = [d for d in before if d not in after]
    if only := [d for d in after if d not in before]:
        notes.append(f"new since the baseline (not compared): {', '.join(only)}")
    g_before, g_after = baseline_log.get("gold", {}), current_log.get("gold", {})
    if changed := [d for d in common if d in g_before and d in g_after and g_before[d] != g_after[d]]:
        notes.append(f"gold changed since the baseline: {', '.join(changed)} (score changes may be the gold's)")
    notes += _context_notes(baseline_log, current_log)
    changes = _diff(
        "suite",
        scoring.summarize({d: before[d] for d in common}),
        scoring.summarize({d: after[d] for d in common}),
        tolerances.suite,
    )
    for doc_id in common:
        changes += _diff(doc_id, before[doc_id], after[doc_id], tolerances.report)
    old_errors = baseline_log.get("errors", {})
    new_errors = {d: m for d, m in current_log.get("errors", {}).items() if d not in old_errors}
    return Comparison(changes, notes, new_errors, missing)


def _context_notes(before: dict, after: dict) -> list[str]:
    """What else differs between the runs, so a reader knows what the score changes are changes of."""
    notes = []
    if before.get("suite") != after.get("suite"):
        notes.append(f"suites differ: baseline {before.get('suite')!r}, this run {after.get('suite')!r}")
    if before.get("config") != after.get("config"):
        notes.append(f"config: baseline {before.get('config')}, this run {after.get('config')}")
    p_before, p_after = before.get("prompt_versions") or {}, after.get("prompt_versions") or {}
    if changed := sorted(k for k in {*p_before, *p_after} if p_before.get(k) != p_after.get(k)):
        notes.append("prompts changed: " + ", ".join(f"{k} {p_before.get(k)}→{p_after.get(k)}" for k in changed))
    return notes
