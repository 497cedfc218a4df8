"""`fazhi eval --choose-fields`: a scripted model behind the fake server that is right on plans (gold's own
answers) and wrong everywhere else is handed plans only; `--model-fields auto` then reads the record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.config import MODEL_KINDS, Config
from extractor.evaluation.bootstrap import MIN_DOCS
from extractor.evaluation.choose import choose_field, record
from responders import _schema_name
from scripted_models import Gold, adversary, oracle

runner = CliRunner()


@pytest.fixture(scope="module")
def gold() -> Gold:
    return Gold()


def _plans_only_oracle(gold: Gold):
    """Better than the rules on plans (the gold's categories and summaries), worse on every other kind."""
    right, wrong = oracle(gold), adversary(gold)

    def respond(request: dict) -> dict:
        return (right if _schema_name(request) == "PlanAnswer" else wrong)(request)

    return respond


def test_a_model_better_on_one_field_and_worse_on_others_is_chosen_for_the_first_only(fake_openai, tmp_path, gold):
    fake_openai.responder = _plans_only_oracle(gold)
    env = {"FAZHI_CACHE_DIR": str(tmp_path / "cache"), "FAZHI_CHOICES_DIR": str(tmp_path / "choices"),
           "FAZHI_BASE_URL": "", "OPENAI_API_KEY": "", "FAZHI_MODEL_FIELDS": ""}
    args = ["--backend", "openai", "--base-url", fake_openai.url, "--model", "scripted", "--api-key", "sk-test"]
    result = runner.invoke(app, ["eval", "--choose-fields", "--choose-on", "seeds", *args], env=env)
    assert result.exit_code == 0, result.output
    path = tmp_path / "choices" / "openai-scripted.json"
    rec = json.loads(path.read_text(encoding="utf-8"))
    assert rec["backend"] == "openai" and rec["model"] == "scripted" and rec["date"] and rec["in_sample"] is True
    assert rec["model_fields"] == ["plans"]
    plans, measures = rec["fields"]["plans"], rec["fields"]["measures"]
    assert plans["decision"] == "model" and plans["difference"]["lo"] > 0 and plans["model"] > plans["rules"]
    assert measures["decision"] == "rules" and measures["difference"]["hi"] < 0  # the adversary's categories
    # five seeds are five groups: each fold chooses on four, too few for an interval, and keeps the rules
    assert plans["folds"] == 5 and plans["folds_too_few"] == 5 and plans["fold_agrees"] == 0
    assert plans["held_out"]["chosen_per_fold"] is not None
    # `--model-fields auto` reads the record for this backend and model
    cfg = Config.from_env(backend="openai", base_url=fake_openai.url, model="scripted")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_CHOICES_DIR", str(tmp_path / "choices"))
        assert cfg.model_kinds == {"plans"}
        other = Config.from_env(backend="openai", base_url=fake_openai.url, model="another")
        assert other.model_kinds == set(MODEL_KINDS)  # an endpoint with no record: every kind, as before


def _numbers(values: dict[str, tuple[float, float]]) -> tuple[dict, dict]:
    rules = {d: {"plans": {"typed_f1": r}} for d, (r, _) in values.items()}
    model = {d: {"plans": {"typed_f1": m}} for d, (_, m) in values.items()}
    return rules, model


def test_folds_leave_a_seed_out_with_its_rewrites():
    # The model wins only on seed s1, and on each of its four rewrites: one group, not five documents.
    values = {"s1": (0.5, 0.9), **{f"s1.{f}": (0.5, 0.9) for f in ("web", "topics", "nohash", "traditional")},
              **{f"s{i}": (0.7, 0.7) for i in range(2, 7)}}
    choice = choose_field("plans", *_numbers(values))
    assert choice.interval.n == 6 and choice.folds == 6 and choice.folds_too_few == 0
    assert choice.decision == "rules"  # counted as ten independent documents it would have looked like a win
    # every fold keeps the rules; held out, only s1's group (all five of its documents) says otherwise
    assert choice.fold_agrees == 6 and choice.held_confirms == 5


def test_a_consistent_gain_goes_to_the_model_and_the_folds_agree():
    values = {f"s{i}": (0.5, 0.6 + 0.01 * i) for i in range(1, 7)}
    choice = choose_field("plans", *_numbers(values))
    assert choice.decision == "model" and choice.fold_agrees == 6 and choice.held_confirms == 6
    assert choice.held_out["chosen_per_fold"] == pytest.approx(choice.model)


def test_too_few_documents_leave_the_field_to_the_rules():
    values = {f"s{i}": (0.5, 0.9) for i in range(MIN_DOCS - 1)}
    choice = choose_field("plans", *_numbers(values))
    assert choice.decision == "rules" and "too few" in choice.reason


def test_record_pools_suites_and_groups_layouts_with_their_seed():
    def log(suite, docs):
        return {"suite": suite, "gold": {}, "reports": {d: {k: {"typed_f1": 0.5} for k in
                                                              ("sections", "measures", "plans", "problems",
                                                               "rectifications", "leadership_duties", "metrics")}
                                                          for d in docs}}
    seeds = [f"s{i}" for i in range(5)]
    rules = [log("seeds", seeds), log("layouts", [f"{s}.web" for s in seeds]), log("realistic", ["r1", "r2"])]
    rec = record("openai", "m", rules, rules)
    assert rec["documents"] == 12 and rec["groups"] == 7 and rec["model_fields"] == []
    assert rec["fields"]["plans"]["difference"]["verdict"] == "no detectable difference"


def test_choosing_needs_a_model_backend(tmp_path):
    result = runner.invoke(app, ["eval", "--choose-fields", "--backend", "rules"],
                           env={"FAZHI_CHOICES_DIR": str(tmp_path)})
    assert result.exit_code == 2 and not list(tmp_path.iterdir())
