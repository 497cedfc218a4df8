"""The regression gate, run as CI runs it: the rules backend on the seeds suite against the saved baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.evaluation import scoring
from extractor.evaluation.suites import load_suite

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "evals" / "baselines" / "rules.json"
runner = CliRunner()


def _eval(tmp_path: Path, baseline: Path):
    env = {"FAZHI_CACHE_DIR": str(tmp_path / "cache"), "FAZHI_BASE_URL": "", "OPENAI_API_KEY": ""}
    return runner.invoke(app, ["eval", "--suite", "seeds", "--backend", "rules", "--baseline", str(baseline)], env=env)


def test_rules_backend_holds_the_saved_seeds_baseline(tmp_path):
    result = _eval(tmp_path, BASELINE)
    assert result.exit_code == 0, result.output


def test_the_gate_fails_when_a_score_drops_beyond_its_tolerance(tmp_path):
    """A doctored baseline claims a better score than the code reaches: the same run must now fail."""
    log = json.loads(BASELINE.read_text(encoding="utf-8"))
    tolerances = load_suite("seeds").tolerances.report
    scored = [(doc, f, numbers[scoring.primary_key(f)]) for doc, report in log["reports"].items()
              for f, numbers in report.items() if f in log["fields"] and numbers.get(scoring.primary_key(f)) is not None]
    doc, field, score = min(scored, key=lambda row: row[2])
    if score >= 1.0 - tolerances.get(field, tolerances["default"]):
        pytest.fail("every gated score is near perfect: no baseline can claim more, so the gate cannot be shown failing")
    log["reports"][doc][field][scoring.primary_key(field)] = 1.0  # one report's score, well past its tolerance
    doctored = tmp_path / "doctored.json"
    doctored.write_text(json.dumps(log, ensure_ascii=False), encoding="utf-8")
    result = _eval(tmp_path, doctored)
    assert result.exit_code == 1, result.output
    assert field in result.output
