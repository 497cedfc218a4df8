"""The gate sees the model: scripted models behind the fake server, scored on the seeds suite against the
saved rules baseline (evals/baselines/rules.json), as CI runs it. A schema-valid garbage model must fail
naming each field it spoiled; the oracle (gold's own answers) must pass; an adversary must fail."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from scripted_models import Gold, adversary, garbage, oracle

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "evals" / "baselines" / "rules.json"
runner = CliRunner()


@pytest.fixture(scope="module")
def gold() -> Gold:
    return Gold()


def _eval(server, tmp_path: Path, responder):
    server.responder = responder
    log = tmp_path / "log.json"
    env = {"FAZHI_CACHE_DIR": str(tmp_path / "cache"), "FAZHI_BASE_URL": "", "OPENAI_API_KEY": "",
           "FAZHI_MODEL_FIELDS": ""}
    result = runner.invoke(app, ["eval", "--suite", "seeds", "--backend", "openai", "--base-url", server.url,
                                 "--model", "scripted", "--api-key", "sk-test", "--baseline", str(BASELINE),
                                 "--json", str(log)], env=env)
    return result, json.loads(log.read_text(encoding="utf-8")) if log.exists() else None


def _regressed_fields(output: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"regression: suite (\w+)\.", output)}


def test_a_schema_valid_garbage_model_fails_the_gate_naming_each_field(fake_openai, tmp_path):
    result, log = _eval(fake_openai, tmp_path, garbage)
    assert result.exit_code == 1, result.output
    spoiled = _regressed_fields(result.output)
    for field in ("measures", "plans", "problems", "rectifications", "leadership_duties", "metrics", "headline"):
        assert field in spoiled, (field, spoiled)
    assert log["summary"]["headline"]["score"] < log["floors"]["rules"]["headline"]["score"] - 0.3
    assert log["attribution"]["measures"]["model"]["items"] == log["summary"]["measures"]["pred"]


def test_the_oracle_passes_the_gate(fake_openai, tmp_path, gold):
    result, log = _eval(fake_openai, tmp_path, oracle(gold))
    assert result.exit_code == 0, result.output
    summary = log["summary"]
    assert summary["measures"]["typed_f1"] == summary["measures"]["f1"] == 1.0
    assert summary["causes"]["typed_f1"] == 1.0 and summary["problems"]["cause_accuracy"] == 1.0
    assert summary["headline"]["score"] > log["floors"]["rules"]["headline"]["score"]


def test_an_adversary_fails_the_gate(fake_openai, tmp_path, gold):
    result, log = _eval(fake_openai, tmp_path, adversary(gold))
    assert result.exit_code == 1, result.output
    spoiled = _regressed_fields(result.output)
    assert {"measures", "plans", "metrics", "headline"} <= spoiled, spoiled
    assert log["summary"]["measures"]["category_accuracy"] == 0.0
    assert log["summary"]["metrics"]["indicator_accuracy"] < 0.2
