"""Issue 27's target for delivered forms: on the seeds suite, rules backend, every form's headline is within
0.02 of the original's (in-sample: the seeds were read while the rules were written).

Expected to fail until the inline outline (branch wt-outline: headings found in running text) and the
crawler-header metadata (branch wt-meta) are merged: with no line breaks no heading is found at all, and a
crawler header's `标题:` line is read into the title. Kept a normal test on purpose: the gap is the work.
"""

from __future__ import annotations

from pathlib import Path

from extractor.config import Config
from extractor.evaluation import forms
from extractor.evaluation import suites as evaluate

TARGET = 0.02


def test_every_delivered_form_of_the_seeds_scores_within_target_of_the_original(tmp_path: Path):
    suite = evaluate.load_suite("seeds")
    rules = Config(backend="rules")
    original = evaluate.run_suite(suite, rules, floors=False).log()
    logs = forms.run_forms(suite, rules, list(forms.FORMS), tmp_path)
    comparison = forms.compare_forms(original, logs, {"headline": "score"})
    gaps = {name: row["delta"]["headline"] for name, row in comparison["forms"].items()
            if abs(row["delta"]["headline"]) > TARGET + 1e-9}
    assert not gaps, (f"headline {comparison['original']['headline']:.3f} on the original; forms beyond "
                      f"{TARGET}: " + ", ".join(f"{n} {d:+.3f}" for n, d in gaps.items()))
