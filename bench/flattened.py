"""How much of a suite's structure survives when its documents lose their line breaks (issue 27).

    python bench/flattened.py [--suite seeds] [--suite realistic] [--suite layouts]

Each document of each suite is extracted with the rules backend three ways: as it is (`lined`), with every
newline removed (`joined`) and with every newline turned into a space (`spaced`). Printed per document and
form: sections / measures / problems / plans / leadership counts, and per form the share of the gold's
measures, problems and plans items recovered (a predicted item of the same field with IoU ≥ 0.5 against the
gold span, the gold offsets mapped into the form). Numbers, not assertions; every suite here is in-sample.
The full delivered-forms scoring is `fazhi eval --forms` (evaluation/forms.py), not this script.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from bisect import bisect_left
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.config import Config
from extractor.evaluation.suites import load_suite, read_source
from extractor.pipeline import extract

FORMS = ("lined", "joined", "spaced")
COUNTED = ("sections", "measures", "problems", "plans", "leadership_duties")
GOLD_FIELDS = ("measures", "problems", "plans")


def form_of(text: str, form: str) -> tuple[str, callable]:
    """The form's text and the map from an original offset to the form's offset."""
    if form == "lined":
        return text, lambda pos: pos
    if form == "spaced":
        return text.replace("\n", " "), lambda pos: pos
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    return text.replace("\n", ""), lambda pos: pos - bisect_left(newlines, pos)


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter / (max(a[1], b[1]) - min(a[0], b[0])) if inter > 0 else 0.0


def recovered(gold: list[dict], pred: list, to_form) -> int:
    spans = [(p.evidence.start, p.evidence.end) for p in pred]
    hits = 0
    for g in gold:
        ev = g["evidence"]
        span = (to_form(ev["start"]), to_form(ev["end"]))
        if any(iou(span, s) >= 0.5 for s in spans):
            hits += 1
    return hits


def run(suite_name: str, config: Config) -> dict[str, dict[str, int]]:
    suite = load_suite(suite_name)
    totals = {form: {"gold": 0, "hit": 0} for form in FORMS}
    print(f"\n== {suite_name} (in-sample) — sections/measures/problems/plans/leadership per form")
    for doc_id in suite.documents:
        text = read_source(suite.source_path(doc_id))
        gold = json.loads(suite.gold_path(doc_id).read_text(encoding="utf-8"))
        row = []
        for form in FORMS:
            body, to_form = form_of(text, form)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"{doc_id}.txt"
                path.write_text(body, encoding="utf-8")
                report = extract(path, config)
            counts = "/".join(str(len(getattr(report, f))) for f in COUNTED)
            n_gold = sum(len(gold.get(f) or []) for f in GOLD_FIELDS)
            n_hit = sum(recovered(gold.get(f) or [], getattr(report, f), to_form) for f in GOLD_FIELDS)
            totals[form]["gold"] += n_gold
            totals[form]["hit"] += n_hit
            row.append(f"{form} {counts} ({n_hit}/{n_gold})")
        print(f"{doc_id[:34]:34}  " + "  ".join(row))
    for form in FORMS:
        t = totals[form]
        share = t["hit"] / t["gold"] if t["gold"] else 0.0
        print(f"  {form:7} gold measures+problems+plans recovered: {t['hit']}/{t['gold']} = {share:.1%}")
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suite", action="append", help="suite name (repeatable); default: seeds")
    args = parser.parse_args()
    config = Config(backend="rules")
    for name in args.suite or ["seeds"]:
        run(name, config)


if __name__ == "__main__":
    main()
