"""`fazhi eval` end to end on saved predictions (no model): baselines, regressions, logs, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalfixtures import SOURCE, gold_report
from extractor.evaluation import baseline as against
from extractor.evaluation import suites as evaluate
from extractor.cli.app import app
from extractor.config import Config
from extractor.errors import ConfigError, InputError
from schemas.report import Report

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _real_gold_ids() -> list[str]:
    """Finished gold files with enough in them to degrade (≥ 2 measures, ≥ 1 metric)."""
    ids = []
    for path in sorted((ROOT / "evals" / "gold").glob("*.json")):
        try:
            report = Report.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # being labelled
        if len(report.measures) >= 2 and report.metrics and (ROOT / "seeds" / f"{path.stem}.txt").exists():
            ids.append(path.stem)
    return ids[:2]


@pytest.fixture(params=["fixture", "gold"])
def workspace(tmp_path: Path, request) -> Path:
    """tmp_path with seeds/, gold/, preds/ (= gold, undegraded) and suite.toml covering them."""
    seeds, gold, preds = (tmp_path / d for d in ("seeds", "gold", "preds"))
    for d in (seeds, gold, preds):
        d.mkdir()
    if request.param == "fixture":
        ids = ["900_fixture_a", "901_fixture_b"]
        for doc_id in ids:
            (seeds / f"{doc_id}.txt").write_text(SOURCE, encoding="utf-8")
            (gold / f"{doc_id}.json").write_text(json.dumps(gold_report().dump(), ensure_ascii=False), encoding="utf-8")
    else:
        ids = _real_gold_ids()
        if not ids:
            pytest.skip("no finished gold file yet")
        for doc_id in ids:
            shutil.copy(ROOT / "seeds" / f"{doc_id}.txt", seeds)
            shutil.copy(ROOT / "evals" / "gold" / f"{doc_id}.json", gold)
    for doc_id in ids:
        shutil.copy(gold / f"{doc_id}.json", preds)
    (tmp_path / "suite.toml").write_text(
        'name = "tmp"\nseeds_dir = "seeds"\ngold_dir = "gold"\n'
        f"documents = {json.dumps(ids)}\n"
        "[tolerances]\ndefault = 0.02\n[report_tolerances]\ndefault = 0.10\n",
        encoding="utf-8",
    )
    return tmp_path


def degrade(pred_dir: Path) -> None:
    """Every prediction loses half its measures and gets one metric value wrong."""
    for path in pred_dir.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["measures"] = data["measures"][::2]
        metric = data["metrics"][0]
        metric["value"] *= 2
        metric["value_base"] *= 2
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def run_eval(ws: Path, *args: str):
    return runner.invoke(app, ["eval", "--suite", str(ws / "suite.toml"), "--pred-dir", str(ws / "preds"), *args])


def test_degraded_predictions_fail_against_the_undegraded_baseline(workspace, request):
    baseline, current = workspace / "baseline.json", workspace / "current.json"
    first = run_eval(workspace, "--save-baseline", str(baseline))
    assert first.exit_code == 0, first.output
    degrade(workspace / "preds")
    result = run_eval(workspace, "--baseline", str(baseline), "--json", str(current))
    assert result.exit_code == 1, result.output
    assert "regression: suite measures.typed_f1" in result.output
    assert "regression: suite overall.score" in result.output and "regression: suite headline.score" in result.output
    # one wrong value among the fixture's 6 metrics is a regression; among a real report's ~100 it is a
    # change within tolerance, shown but not failing
    cmp = against.compare(*(json.loads(p.read_text(encoding="utf-8")) for p in (baseline, current)),
                           evaluate.load_suite(workspace / "suite.toml").tolerances)
    [metrics_f1] = [c for c in cmp.changes if (c.scope, c.field, c.key) == ("suite", "metrics", "typed_f1")]
    assert metrics_f1.delta < 0
    if request.node.callspec.params["workspace"] == "fixture":
        assert "regression: suite metrics.typed_f1" in result.output


def test_undegraded_predictions_pass_against_their_own_baseline(workspace):
    baseline = workspace / "baseline.json"
    assert run_eval(workspace, "--save-baseline", str(baseline)).exit_code == 0
    result = run_eval(workspace, "--baseline", str(baseline))
    assert result.exit_code == 0, result.output
    assert "no score changed" in result.output and "regression" not in result.output


def test_misses_lists_false_negatives_with_their_quotes(workspace):
    degrade(workspace / "preds")
    result = run_eval(workspace, "--misses")
    assert result.exit_code == 0, result.output
    gold = json.loads(next((workspace / "gold").glob("*.json")).read_text(encoding="utf-8"))
    dropped = " ".join(gold["measures"][1]["evidence"]["quote"].split())
    assert "FN" in result.output and dropped[:20] in result.output
    assert "FP" in result.output  # the wrong metric value is predicted where gold has another


def test_json_log_is_versioned_per_report_and_field(workspace):
    log_path = workspace / "out" / "eval.json"
    result = run_eval(workspace, "--json", str(log_path))
    assert result.exit_code == 0, result.output
    log = json.loads(log_path.read_text(encoding="utf-8"))
    assert log["version"] == evaluate.LOG_VERSION and log["suite"] == "tmp" and log["errors"] == {}
    for numbers in log["reports"].values():
        assert numbers["measures"]["f1"] == 1.0 and numbers["measures"]["typed_f1"] == 1.0
        assert numbers["metadata"]["score"] == 1.0 and numbers["headline"]["score"] == 1.0
        assert numbers["grounding"]["share"] == 1.0 and numbers["overall"]["score"] == 1.0
    assert log["summary"]["overall"]["score"] == 1.0 and log["summary"]["headline"]["score"] == 1.0
    assert set(log["floors"]) == {"empty", "majority", "quote_copy", "rules"}
    assert log["floors"]["empty"]["headline"]["score"] <= 0.05


def test_table_shows_every_field_and_the_suite_mean(workspace):
    result = run_eval(workspace)
    assert result.exit_code == 0, result.output
    for name in ("metadata", "measures", "metrics", "compliance", "grounding", "overall", "suite mean"):
        assert name in result.output


def test_a_missing_prediction_is_an_error_scored_zero_and_the_run_goes_on(workspace):
    missing = sorted((workspace / "preds").glob("*.json"))[0]
    missing.unlink()
    log_path = workspace / "eval.json"
    result = run_eval(workspace, "--json", str(log_path))
    assert result.exit_code == 1, result.output
    log = json.loads(log_path.read_text(encoding="utf-8"))
    assert list(log["errors"]) == [missing.stem]
    assert log["reports"][missing.stem]["overall"]["score"] == 0.0
    assert log["summary"]["overall"]["score"] == pytest.approx(0.5)


def test_a_document_that_newly_fails_is_a_regression(workspace):
    baseline = workspace / "baseline.json"
    assert run_eval(workspace, "--save-baseline", str(baseline)).exit_code == 0
    sorted((workspace / "preds").glob("*.json"))[0].unlink()
    result = run_eval(workspace, "--baseline", str(baseline))
    assert result.exit_code == 1 and "now fails" in result.output


def test_a_missing_baseline_is_one_red_line_not_a_traceback(workspace):
    result = run_eval(workspace, "--baseline", str(workspace / "nope.json"))
    assert result.exit_code == 2 and "baseline" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("content, what", [
    (b"", "empty file"),
    (b'{"source": {"file": "x", "sha2', "not valid JSON"),
    (bytes(range(256)), "not UTF-8"),
    (b'{"source": 1}', "not a valid Report"),
])
def test_a_corrupt_gold_file_fails_eval_with_one_readable_line(workspace, content, what):
    gold = sorted((workspace / "gold").glob("*.json"))[0]
    gold.write_bytes(content)
    result = run_eval(workspace)
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert what in line and gold.name in line and "pydantic" not in line


def test_a_baseline_document_missing_now_fails_the_gate(workspace):
    baseline = workspace / "baseline.json"
    assert run_eval(workspace, "--save-baseline", str(baseline)).exit_code == 0
    suite = workspace / "suite.toml"
    ids = json.loads(suite.read_text(encoding="utf-8").split("documents = ")[1].split("\n")[0])
    suite.write_text(suite.read_text(encoding="utf-8").replace(json.dumps(ids), json.dumps(ids[1:])), encoding="utf-8")
    result = run_eval(workspace, "--baseline", str(baseline))
    assert result.exit_code == 1 and f"{ids[0]} was scored in the baseline and is missing now" in result.output


def test_an_empty_prediction_folder_fails(workspace):
    for path in (workspace / "preds").glob("*.json"):
        path.unlink()
    result = run_eval(workspace)
    assert result.exit_code == 1 and result.stderr.count("no such file") == 2


def test_a_prediction_of_other_bytes_is_an_error(workspace):
    pred = sorted((workspace / "preds").glob("*.json"))[0]
    data = json.loads(pred.read_text(encoding="utf-8"))
    data["source"]["sha256"] = "0" * 64
    pred.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run_eval(workspace)
    assert result.exit_code == 1 and "made from other bytes" in result.stderr


def test_extraction_options_with_pred_dir_are_named_as_ignored(workspace):
    result = run_eval(workspace, "--backend", "rules")
    assert result.exit_code == 0 and "ignored: --backend" in result.stderr


# ---------------------------------------------------------------- the library under the command


def test_extraction_failure_is_recorded_and_the_run_goes_on(workspace):
    suite = evaluate.load_suite(workspace / "suite.toml")
    first = suite.documents[0]

    def solver(path: Path, config) -> Report:
        if path.stem == first:
            raise RuntimeError("model fell over")
        return Report.model_validate_json((workspace / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))

    result = evaluate.run_suite(suite, Config(backend="rules"), solver=solver)
    assert result.errors == {first: "RuntimeError: model fell over"}
    assert set(result.scores) == set(suite.documents[1:])


def test_a_document_without_gold_is_an_error_not_a_silent_skip(workspace):
    suite = evaluate.load_suite(workspace / "suite.toml")
    (workspace / "gold" / f"{suite.documents[0]}.json").unlink()
    result = evaluate.run_suite(suite, None, pred_dir=workspace / "preds")
    assert list(result.errors) == [suite.documents[0]] and "no such file" in result.errors[suite.documents[0]]
    assert result.log()["reports"][suite.documents[0]]["overall"]["score"] == 0.0


def _log(reports: dict, gold: dict | None = None) -> dict:
    return {"version": evaluate.LOG_VERSION, "reports": reports, "gold": gold or {}, "errors": {}}


def test_compare_recomputes_suite_means_over_reports_both_runs_scored():
    before = _log({"a": {"measures": {"f1": 0.8}}})
    after = _log({"a": {"measures": {"f1": 0.8}}, "b": {"measures": {"f1": 0.2}}})  # b: new gold, not a drop
    cmp = against.compare(before, after, evaluate.Tolerances(suite={"default": 0.02}))
    assert cmp.changes == [] and not cmp.failed and "new since the baseline" in cmp.notes[0]


def test_a_drop_equal_to_the_tolerance_passes_and_a_larger_one_fails():
    tol = evaluate.Tolerances(suite={"measures": 0.1})
    at = against.compare(_log({"a": {"measures": {"typed_f1": 0.8}}}), _log({"a": {"measures": {"typed_f1": 0.7}}}), tol)
    past = against.compare(_log({"a": {"measures": {"typed_f1": 0.8}}}), _log({"a": {"measures": {"typed_f1": 0.69}}}), tol)
    assert not at.failed and at.changes[0].delta == pytest.approx(-0.1)
    assert [c.key for c in past.regressions] == ["typed_f1"]


def test_scores_without_a_tolerance_are_reported_but_never_gate():
    tol = evaluate.Tolerances(suite={"measures": 0.0})
    cmp = against.compare(_log({"a": {"measures": {"typed_f1": 1.0, "r": 1.0}}}),
                           _log({"a": {"measures": {"typed_f1": 1.0, "r": 0.5}}}), tol)
    assert [(c.scope, c.key) for c in cmp.changes] == [("suite", "r"), ("a", "r")] and not cmp.failed


def test_compare_notes_changed_gold():
    cmp = against.compare(_log({"a": {}}, {"a": "x"}), _log({"a": {}}, {"a": "y"}), evaluate.Tolerances())
    assert any("gold changed" in n for n in cmp.notes)


def test_compare_refuses_a_log_of_another_version():
    with pytest.raises(InputError):
        against.compare({"version": 0, "reports": {}}, _log({}), evaluate.Tolerances())


def test_seeds_suite_covers_the_five_seeds():
    suite = evaluate.load_suite("seeds")
    assert len(suite.documents) == 5 and all(suite.source_path(d).exists() for d in suite.documents)
    assert suite.gold_dir == ROOT / "evals" / "gold"
    assert evaluate.Tolerances.lookup(suite.tolerances.suite, "measures", "typed_f1") == 0.02
    assert evaluate.Tolerances.lookup(suite.tolerances.suite, "measures", "f1") == 0.02


def test_unknown_suite_is_a_config_error():
    with pytest.raises(ConfigError):
        evaluate.load_suite("no-such-suite")


def test_compare_names_what_else_changed_between_the_runs():
    before = {**_log({}), "suite": "seeds", "prompt_versions": {"measures": "aaa", "plans": "bbb"}}
    after = {**_log({}), "suite": "seeds", "prompt_versions": {"measures": "ccc", "plans": "bbb"}}
    cmp = against.compare(before, after, evaluate.Tolerances())
    assert cmp.notes == ["prompts changed: measures aaa→ccc"]


def test_piped_eval_output_is_markdown_with_every_number_whole(workspace):
    result = run_eval(workspace)
    assert result.exit_code == 0
    assert "| overall |" in result.stdout and "…" not in result.stdout
    assert "| report | field | gold | pred | P | R | F1 | typed | acc | sum | score |" in result.stdout
    assert "## floors" in result.stdout and "## attribution (decided_by)" in result.stdout


def test_eval_tables_fit_80_columns_on_a_terminal(workspace, monkeypatch):
    import io

    from rich.console import Console

    screen = io.StringIO()
    screen_console = Console(file=screen, force_terminal=True, width=80, color_system=None)
    monkeypatch.setattr("extractor.cli.eval_render.out", screen_console)  # where the tables are printed
    assert run_eval(workspace).exit_code == 0
    lines = screen.getvalue().splitlines()
    assert any(line.startswith("overall") and line.rstrip().endswith("1.000") for line in lines)
    assert all(len(line) <= 80 for line in lines if not line.startswith("F1 ="))
    assert not any("…" in line for line in lines if not line.startswith("score ="))  # the caption wraps itself


def _break_gold(ws: Path, change) -> Path:
    gold = sorted((ws / "gold").glob("*.json"))[0]
    data = json.loads(gold.read_text(encoding="utf-8"))
    change(data)
    gold.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return gold


def _shift_quote(data):
    data["measures"][0]["evidence"]["start"] += 2
    data["measures"][0]["evidence"]["end"] += 2


def _past_the_end(data):
    data["measures"][0]["evidence"]["end"] = data["source"]["chars"] + 50


def _duplicate(data):
    data["plans"].append(data["plans"][0])


def _other_file(data):
    data["source"]["sha256"] = "0" * 64


def _no_terms(data):
    del data["problems"][0]["summary_terms"]


def _no_sections(data):
    data["sections"] = []


@pytest.mark.parametrize("change, what", [
    (_shift_quote, "is not at"),
    (_past_the_end, "out of range"),
    (_duplicate, "duplicate of plans[0]"),
    (_other_file, "source.sha256"),
    (_no_terms, "problems[0].summary_terms"),
    (_no_sections, "sections: missing"),
], ids=["quote-moved", "past-the-end", "duplicate", "other-file", "no-summary-terms", "no-sections"])
def test_eval_runs_the_gold_checks_and_fails_with_one_line_naming_file_and_problem(workspace, change, what):
    baseline = workspace / "baseline.json"
    assert run_eval(workspace, "--save-baseline", str(baseline)).exit_code == 0
    gold = _break_gold(workspace, change)
    for args in ((), ("--baseline", str(baseline))):
        result = run_eval(workspace, *args)
        assert result.exit_code == 1, result.output
        [line] = [line for line in result.stderr.splitlines() if line.startswith("error")]
        assert what in line and gold.name in line, line


def test_gold_check_runs_the_same_checks_duplicates_and_terms_included(workspace):
    gold = _break_gold(workspace, _duplicate)
    _break_gold(workspace, lambda d: d["measures"][0].update(summary_terms=["不在引文里的词"]))
    result = runner.invoke(app, ["gold", "check", str(gold), "--source", str(workspace / "seeds")])
    assert result.exit_code == 1
    assert "duplicate of plans[0]" in result.output and "is not in the item's quote" in result.output


def test_a_baseline_of_the_old_format_is_named_as_such_before_anything_runs(workspace):
    old = workspace / "old.json"
    old.write_text(json.dumps({"version": 1, "reports": {}}), encoding="utf-8")
    result = run_eval(workspace, "--baseline", str(old))
    assert result.exit_code == 2 and "old format" in result.output and "Traceback" not in result.output
    assert "eval tmp" not in result.output  # nothing was scored
