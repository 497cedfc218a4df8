"""Two eval logs of one suite, compared with intervals: is run B better than run A, field by field?

    compare_logs(a, b)       per field: the suite means, B − A with a paired bootstrap 95% interval over
                             documents (bootstrap.py; a seed and its layout rewrites resampled together),
                             the same over gold items, the items that flipped, and a verdict
    gate(cmp, a, b, tol)     `fazhi eval --baseline`: a suite-mean drop regresses when its interval lies below
                             0 where the suite has enough documents, by its tolerance where it has not

Items come from the logs' misses (a log lists what was wrong, not what was right): a gold item is wrong
in a run when it is a false negative or a matched item with a wrong decided field. The same item is found
in the other run by span overlap (IoU ≥ 0.5; a `wrong` miss carries the prediction's span, a `fn` the
gold's) or, for metadata fields and compliance parts, by name. Gold items wrong in neither run are counted
from the field's gold count. Spurious predictions (`fp`) that appear or go are listed as flips too, but the
item interval is over gold items only.

Logs of different suites, of another log format, or scored against other gold files are refused.
"""

from __future__ import annotations

import hashlib
import dataclasses
from dataclasses import dataclass, replace
from typing import Optional

from extractor.errors import InputError
from extractor.evaluation import scoring
from extractor.evaluation.bootstrap import MIN_DOCS, MIN_ITEMS, Interval, group_of, paired
from extractor.evaluation.baseline import Change, Comparison, check_log_version
from extractor.evaluation.suites import Tolerances, gold_hash

EXTRA_ROWS = ("grounding", "headline")  # compared beside the scored fields
INVARIANT = 1e-9  # a tolerance at or below this is an invariant (grounding 0.0), never replaced by an interval
_GOLD_SIDE = ("fn", "wrong")  # a gold item not found, or found with a wrong decided field


@dataclass(frozen=True)
class Flip:
    doc: str
    field: str
    kind: str  # "fn"/"wrong" (a gold item) or "fp" (a spurious prediction): how it is wrong in the run it is wrong in
    direction: str  # "right→wrong" (wrong in B only) or "wrong→right" (wrong in A only)
    quote: str
    start: Optional[int]
    end: Optional[int]
    label: str = ""
    section: Optional[str] = None

    def to_dict(self) -> dict:
        return {
            "doc": self.doc,
            "field": self.field,
            "kind": self.kind,
            "direction": self.direction,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "section": self.section,
        }


@dataclass
class FieldComparison:
    field: str
    key: str
    a: Optional[float]  # suite mean over the documents both runs scored
    b: Optional[float]
    docs: Interval
    items: Optional[Interval] = None
    flips: list[Flip] = dataclasses.field(default_factory=list)  # the attribute `field` shadows the function here

    @property
    def verdict(self) -> str:
        v = self.docs.verdict
        return f"too few documents (< {MIN_DOCS})" if v == "too few" else v

    def to_dict(self) -> dict:
        return {
            "field": self.field,
            "key": self.key,
            "a": _r(self.a),
            "b": _r(self.b),
            "verdict": self.verdict,
            "documents": self.docs.to_dict(),
            "items": self.items.to_dict() if self.items else None,
            "right_to_wrong": sum(f.direction == "right→wrong" for f in self.flips),
            "wrong_to_right": sum(f.direction == "wrong→right" for f in self.flips),
        }


@dataclass
class LogComparison:
    suite: str
    documents: list[str]
    groups: int
    fields: list[FieldComparison]
    notes: list[str]

    @property
    def flips(self) -> list[Flip]:
        return [f for fc in self.fields for f in fc.flips]

    def to_dict(self) -> dict:
        return {
            "suite": self.suite,
            "documents": len(self.documents),
            "groups": self.groups,
            "min_documents": MIN_DOCS,
            "min_items": MIN_ITEMS,
            "notes": self.notes,
            "fields": {fc.field: fc.to_dict() for fc in self.fields},
            "flips": [f.to_dict() for f in self.flips],
        }


def _r(v: Optional[float]) -> Optional[float]:
    return None if v is None else round(v, 6)


def check_comparable(a: dict, b: dict) -> list[str]:
    """Refuse (InputError, exit 2) logs that cannot be compared score by score; notes on what else differs."""
    check_log_version(a, "A")
    check_log_version(b, "B")
    if a.get("suite") != b.get("suite"):
        raise InputError(
            f"the logs are of different suites (A {a.get('suite')!r}, B {b.get('suite')!r}): "
            "their scores are of different documents and gold"
        )
    ga, gb = a.get("gold") or {}, b.get("gold") or {}
    if changed := sorted(d for d in ga if d in gb and ga[d] != gb[d]):
        raise InputError(
            f"the logs were scored against different gold (suite gold {gold_hash(ga)} vs "
            f"{gold_hash(gb)}; changed: {', '.join(changed)})",
            hint="re-run both against the same gold (git stash / checkout the gold of one of them)",
        )
    notes = []
    if a.get("config") != b.get("config"):
        notes.append(f"config: A {a.get('config')}, B {b.get('config')}")
    pa, pb = a.get("prompt_versions") or {}, b.get("prompt_versions") or {}
    if diff := sorted(k for k in {*pa, *pb} if pa.get(k) != pb.get(k)):
        notes.append("prompts: " + ", ".join(f"{k} {pa.get(k)}→{pb.get(k)}" for k in diff))
    ra, rb = a.get("reports") or {}, b.get("reports") or {}
    if only := sorted({*ra} ^ {*rb}):
        notes.append(f"scored in one run only (left out): {', '.join(only)}")
    for name, log in (("A", a), ("B", b)):
        if log.get("errors"):
            notes.append(f"{name} failed on {', '.join(sorted(log['errors']))} (scored 0 there)")
    return notes


def compare_logs(a: dict, b: dict, sections: Optional[dict[str, list]] = None) -> LogComparison:
    """Per field of the suite, B − A: suite means, intervals, flips, verdict. `sections` (doc id → gold
    sections) names the section of a flipped item when the gold is at hand."""
    notes = check_comparable(a, b)
    ra, rb = a["reports"], b["reports"]
    docs = [d for d in ra if d in rb]
    fields = [f for f in (*scoring.FIELDS, *EXTRA_ROWS) if f in (a.get("fields") or scoring.FIELDS) or f in EXTRA_ROWS]
    out = []
    for fname in fields:
        key = scoring.primary_key(fname)
        pairs = [(d, ra[d][fname].get(key), rb[d][fname].get(key)) for d in docs if fname in ra[d] and fname in rb[d]]
        pairs = [(d, x, y) for d, x, y in pairs if x is not None and y is not None]
        if not pairs:
            continue
        interval = paired([y - x for _, x, y in pairs], [group_of(d) for d, _, _ in pairs])
        fc = FieldComparison(
            fname, key, sum(x for _, x, _ in pairs) / len(pairs), sum(y for _, _, y in pairs) / len(pairs), interval
        )
        if fname not in EXTRA_ROWS:
            fc.items, fc.flips = _items(fname, docs, a, b, sections or {})
        out.append(fc)
    return LogComparison(a.get("suite", ""), docs, len({group_of(d) for d in docs}), out, notes)


# ---------------------------------------------------------------- items


def _universe(numbers: dict, fname: str) -> int:
    """How many gold items (metadata fields, compliance parts) a report has in this field."""
    return int(numbers.get("total" if fname in ("metadata", "compliance") else "gold") or 0)


def _same(x: dict, y: dict) -> bool:
    if x.get("start") is None or y.get("start") is None:
        return x.get("start") is None and y.get("start") is None and x.get("label") == y.get("label")
    inter = min(x["end"], y["end"]) - max(x["start"], y["start"])
    union = max(x["end"], y["end"]) - min(x["start"], y["start"])
    return (inter / union if union else float(x["start"] == y["start"])) >= scoring.IOU_MIN


def _distinct(misses: list[dict], kinds: tuple[str, ...]) -> list[dict]:
    """One entry per item: a matched item wrong in two ways (category and summary) is listed twice."""
    out: list[dict] = []
    for m in misses:
        if m["kind"] in kinds and not any(_same(m, o) for o in out):
            out.append(m)
    return out


def _pair_up(xs: list[dict], ys: list[dict]) -> tuple[list[dict], list[dict], int]:
    """Entries of xs not in ys, of ys not in xs, and how many are in both."""
    left, both = list(ys), 0
    only_x = []
    for x in xs:
        hit = next((i for i, y in enumerate(left) if _same(x, y)), None)
        if hit is None:
            only_x.append(x)
        else:
            left.pop(hit)
            both += 1
    return only_x, left, both


def _items(fname: str, docs: list[str], a: dict, b: dict, sections: dict) -> tuple[Optional[Interval], list[Flip]]:
    diffs: list[float] = []
    flips: list[Flip] = []
    for doc in docs:
        ma = (a.get("misses") or {}).get(doc, {}).get(fname, [])
        mb = (b.get("misses") or {}).get(doc, {}).get(fname, [])
        for kinds in (_GOLD_SIDE, ("fp",)):
            only_a, only_b, both = _pair_up(_distinct(ma, kinds), _distinct(mb, kinds))
            for m, direction in [*((m, "wrong→right") for m in only_a), *((m, "right→wrong") for m in only_b)]:
                flips.append(
                    Flip(
                        doc,
                        fname,
                        m["kind"],
                        direction,
                        m["quote"],
                        m.get("start"),
                        m.get("end"),
                        m.get("label") or "",
                        section_of(sections.get(doc), m.get("start")),
                    )
                )
            if kinds == _GOLD_SIDE:
                n = max(
                    _universe(a["reports"][doc].get(fname, {}), fname),
                    _universe(b["reports"][doc].get(fname, {}), fname),
                    len(only_a) + len(only_b) + both,
                )
                diffs += [1.0] * len(only_a) + [-1.0] * len(only_b) + [0.0] * (n - len(only_a) - len(only_b))
    if not diffs:
        return None, flips
    return paired(diffs, minimum=MIN_ITEMS), flips


def section_of(sections: Optional[list], start: Optional[int]) -> Optional[str]:
    """The gold section an offset falls in: the last heading that starts at or before it (`path heading`)."""
    if not sections or start is None:
        return None
    before = [s for s in sections if s.evidence.start <= start]
    if not before:
        return None
    s = max(before, key=lambda s: (s.evidence.start, s.level))
    return f"{s.path} {s.heading}".strip()


# ---------------------------------------------------------------- the --baseline gate


@dataclass(frozen=True)
class IntervalChange(Change):
    """A suite-mean change judged by its paired interval: a regression when the whole interval is below 0."""

    interval: Optional[Interval] = None

    @property
    def regressed(self) -> bool:
        if self.interval is None:
            return super().regressed
        return self.interval.verdict == "worse"


def gate(cmp: Comparison, baseline: dict, current: dict, tolerances: Tolerances) -> Comparison:
    """The baseline comparison with each suite-mean change judged by its interval where at least MIN_DOCS
    documents (groups) have the score in both runs, and by its tolerance elsewhere. A tolerance of 0 is an
    invariant (grounding: every quote where it says), not a statistical claim, and stays a tolerance; so do
    per-report tolerances (one report's drop, which a suite interval may not see)."""
    before, after = baseline.get("reports", {}), current.get("reports", {})
    docs = [d for d in after if d in before]
    changes = []
    for c in cmp.changes:
        if c.scope != "suite" or c.tolerance is None or c.tolerance <= INVARIANT:
            changes.append(c)
            continue
        pairs = [(d, before[d].get(c.field, {}).get(c.key), after[d].get(c.field, {}).get(c.key)) for d in docs]
        pairs = [(d, x, y) for d, x, y in pairs if x is not None and y is not None]
        interval = paired([y - x for _, x, y in pairs], [group_of(d) for d, _, _ in pairs])
        changes.append(
            IntervalChange(
                **{k: getattr(c, k) for k in ("scope", "field", "key", "before", "after", "tolerance")},
                interval=interval if interval.lo is not None else None,
            )
        )
    return replace(cmp, changes=changes)


def gold_sections(log: dict) -> tuple[dict[str, list], Optional[str]]:
    """Each document's gold sections, read from the log's suite when its gold files are the ones the log was
    scored against (same hash); else none, and a note saying why flips show no section."""
    from extractor.errors import FazhiError
    from extractor.evaluation.suites import _load_report, load_suite

    try:
        suite = load_suite(log.get("suite") or "")
    except FazhiError:
        return {}, f"suite {log.get('suite')!r} not found here: flipped items are shown without their section"
    out, stale = {}, []
    for doc, want in (log.get("gold") or {}).items():
        path = suite.gold_path(doc)
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest()[:16] != want:
                stale.append(doc)
                continue
            out[doc] = _load_report(path, "gold").sections
        except (OSError, FazhiError):
            stale.append(doc)
    note = f"gold here differs from the logs' for {', '.join(stale)}: no section shown there" if stale else None
    return out, note
