"""The hand-labelled gold files: valid against the output model, every quote really at its offsets."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from extractor.grounding import is_grounded
from schemas.report import Evidence, Report

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
LISTS = ("sections", "leadership_duties", "measures", "metrics", "problems", "rectifications", "plans")


def test_there_is_one_gold_file_per_seed():
    assert sorted(p.stem for p in (ROOT / "evals" / "gold").glob("*.json")) == [p.stem for p in SEEDS]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_gold_validates_and_every_quote_is_at_its_offsets(seed):
    data = json.loads((ROOT / "evals" / "gold" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    report = Report.model_validate(data)
    raw = seed.read_bytes()
    text = raw.decode("utf-8")
    assert report.source.sha256 == hashlib.sha256(raw).hexdigest() and report.source.chars == len(text)
    assert report.labeling and len(report.labeling) > 100  # the judgement calls are written down
    checked = 0
    for key in LISTS:
        for i, item in enumerate(data[key]):
            for field in ("evidence", "cause_evidence", "body"):
                if item.get(field):
                    ev = Evidence.model_validate(item[field])
                    assert is_grounded(text, ev), f"{seed.name} {key}[{i}].{field}: {ev.quote!r}"
                    checked += 1
    assert checked > 60


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_gold_metrics_have_consistent_base_values(seed):
    report = Report.model_validate_json((ROOT / "evals" / "gold" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    scale = {"%": 0.01, "‰": 0.001}
    for m in report.metrics:
        unit = m.unit or ""
        factor = scale.get(unit, 1e8 if unit.startswith("亿") else 1e4 if unit.startswith("万") else None)
        if factor is not None:
            assert m.value_base == pytest.approx(m.value * factor), (m.name, m.evidence.quote)
