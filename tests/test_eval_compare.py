"""`fazhi eval compare`, `--baseline` by interval, `--repeat`: on logs of real rules-backend runs of the seeds
suite (five documents) and of a run made worse on purpose (every measure's category set to `other`).
Assertions are on the JSON and the log, never on wrapped text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.config import Config
from extractor.evaluation import baseline, bootstrap, compare, suites
from extractor.evaluation.suites import extract_solver, load_suite, run_suite

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
RULES = Config.from_env(backend="rules")


def _flatten_categories(path: Path, config: Config, **kw):
    """The rules' extraction with every measure filed under `other`: a run known to be worse on measures."""
    report = extract_solver(path, config, **kw)
    return report.model_copy(update={"measures": [m.model_copy(update={"category": "other"}) for m in report.measures]})


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> dict[str, Path]:
    suite = load_suite("seeds")
    out = tmp_path_factory.mktemp("logs")
    made = {"rules": run_suite(suite, RULES, floors=False).log(),
            "again": run_suite(suite, RULES, floors=False).log(),
            "worse": run_suite(suite, RULES, solver=_flatten_categories, floors=False).log()}
    paths = {}
    for name, log in made.items():
        paths[name] = out / f"{name}.json"
        paths[name].write_text(json.dumps(log, ensure_ascii=False), encoding="utf-8")
    return paths


def _compare(a: Path, b: Path) -> tuple[int, dict | None, str]:
    result = runner.invoke(app, ["eval", "compare", str(a), str(b), "--json"])
    try:
        data = json.loads(result.stdout)
    except ValueError:
        data = None
    return result.exit_code, data, result.output


def test_a_known_better_run_is_better_with_its_flips_named(logs):
    code, data, out = _compare(logs["worse"], logs["rules"])
    assert code == 0, out
    measures = data["fields"]["measures"]
    assert measures["verdict"] == "better"
    assert measures["documents"]["lo"] > 0 and measures["b"] > measures["a"]
    assert measures["wrong_to_right"] > 0 and measures["right_to_wrong"] == 0
    flips = [f for f in data["flips"] if f["field"] == "measures"]
    assert flips and all(f["direction"] == "wrong→right" and f["quote"] for f in flips)
    assert all(f["section"] for f in flips)  # the gold is here: each flip names its section
    assert data["fields"]["plans"]["verdict"] == "no detectable difference"  # not touched
    # and the other way round: worse
    code, data, _ = _compare(logs["rules"], logs["worse"])
    assert data["fields"]["measures"]["verdict"] == "worse" and data["fields"]["measures"]["documents"]["hi"] < 0


def test_identical_runs_show_no_detectable_difference_and_no_flips(logs):
    code, data, out = _compare(logs["rules"], logs["again"])
    assert code == 0, out
    assert {f["verdict"] for f in data["fields"].values()} == {"no detectable difference"}
    assert data["flips"] == []
    assert data["documents"] == 5 and data["groups"] == 5


def test_the_interval_is_reproducible(logs):
    a, b = (json.loads(logs[n].read_text(encoding="utf-8")) for n in ("worse", "rules"))
    assert compare.compare_logs(a, b).to_dict() == compare.compare_logs(a, b).to_dict()


def test_logs_of_different_suites_or_gold_are_refused(logs, tmp_path):
    other = json.loads(logs["rules"].read_text(encoding="utf-8"))
    other["suite"] = "realistic"
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    code, data, out = _compare(logs["rules"], tmp_path / "other.json")
    assert code == 2 and data is None and "different suites" in out
    regold = json.loads(logs["rules"].read_text(encoding="utf-8"))
    doc = next(iter(regold["gold"]))
    regold["gold"][doc] = "0" * 16
    (tmp_path / "regold.json").write_text(json.dumps(regold), encoding="utf-8")
    code, _, out = _compare(logs["rules"], tmp_path / "regold.json")
    assert code == 2 and "different gold" in out
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert _compare(logs["rules"], tmp_path / "broken.json")[0] == 2


def test_too_few_documents_gives_no_verdict(logs):
    a, b = (json.loads(logs[n].read_text(encoding="utf-8")) for n in ("worse", "rules"))
    keep = list(a["reports"])[: bootstrap.MIN_DOCS - 1]
    for log in (a, b):
        log["reports"] = {d: log["reports"][d] for d in keep}
    cmp = compare.compare_logs(a, b).to_dict()
    assert cmp["fields"]["measures"]["verdict"] == f"too few documents (< {bootstrap.MIN_DOCS})"
    assert cmp["fields"]["measures"]["documents"]["lo"] is None
    assert cmp["fields"]["measures"]["b"] > cmp["fields"]["measures"]["a"]  # the difference is still shown


def test_the_terminal_and_pipe_outputs_render(logs):
    result = runner.invoke(app, ["eval", "compare", str(logs["worse"]), str(logs["rules"])])
    assert result.exit_code == 0 and "measures" in result.stdout and "better" in result.stdout


def test_paired_bootstrap_on_known_differences():
    assert bootstrap.paired([0.1] * 6).verdict == "better"
    assert bootstrap.paired([-0.1] * 6).verdict == "worse"
    assert bootstrap.paired([0.0] * 6).verdict == "no detectable difference"
    assert bootstrap.paired([0.3, -0.3, 0.3, -0.3, 0.3, -0.3]).verdict == "no detectable difference"
    assert bootstrap.paired([0.1] * 4).verdict == "too few"
    # a seed with four rewrites is one group: five positive rewrites of one seed are not five documents
    ids = ["s1", "s1.web", "s1.topics", "s1.traditional", "s1.nomarkers", "s2", "s3", "s4", "s5"]
    diffs = [0.2] * 5 + [0.0] * 4
    assert bootstrap.paired(diffs).verdict == "better"  # as if independent
    assert bootstrap.paired(diffs, [bootstrap.group_of(i) for i in ids]).verdict == "no detectable difference"


def _log_pair(n_docs: int, drop: dict[int, float]) -> tuple[dict, dict]:
    """Two minimal logs of one suite: measures typed F1 0.8 per document, B dropped by `drop[i]` on document i."""
    def log(values):
        reports = {f"d{i}": {"measures": {"typed_f1": v, "f1": 0.9}} for i, v in enumerate(values)}
        return {"version": suites.LOG_VERSION, "suite": "s", "gold": {}, "fields": ["measures"], "reports": reports,
                "summary": {}, "errors": {}, "misses": {}}
    return log([0.8] * n_docs), log([0.8 - drop.get(i, 0.0) for i in range(n_docs)])


@pytest.mark.parametrize("n_docs, drop, interval_used, regressed", [
    (6, {i: 0.01 for i in range(6)}, True, True),  # small but on every document: the interval sees it
    (6, {0: 0.3}, True, False),  # one document: its own tolerance gates it, the suite interval does not
    (3, {i: 0.01 for i in range(3)}, False, False),  # too few documents: the tolerance (0.02) decides
    (3, {i: 0.05 for i in range(3)}, False, True),
])
def test_baseline_uses_the_interval_with_enough_documents_else_the_tolerance(n_docs, drop, interval_used, regressed):
    base, now = _log_pair(n_docs, drop)
    tol = suites.Tolerances(suite={"default": 0.02})
    judged = compare.gate(baseline.compare(base, now, tol), base, now, tol)
    change = next(c for c in judged.changes if c.scope == "suite" and c.field == "measures" and c.key == "typed_f1")
    assert (getattr(change, "interval", None) is not None) == interval_used
    assert change.regressed == regressed


def test_a_tolerance_of_zero_stays_an_invariant():
    base, now = _log_pair(6, {0: 0.3})
    tol = suites.Tolerances(suite={"default": 0.0})
    judged = compare.gate(baseline.compare(base, now, tol), base, now, tol)
    assert any(c.regressed for c in judged.changes if c.scope == "suite")


def test_repeat_reports_a_spread_of_zero_for_the_rules(tmp_path):
    log = tmp_path / "log.json"
    result = runner.invoke(app, ["eval", "--suite", "seeds", "--backend", "rules", "--repeat", "2", "--json", str(log)])
    assert result.exit_code == 0, result.output
    spread = json.loads(log.read_text(encoding="utf-8"))["repeat"]
    assert spread["headline"]["runs"] == 2 and spread["headline"]["std"] == 0.0
    assert all(v["min"] == v["max"] for v in spread.values())


def test_the_log_records_its_gold_as_one_hash(logs):
    log = json.loads(logs["rules"].read_text(encoding="utf-8"))
    assert log["gold_hash"] == suites.gold_hash(log["gold"]) and len(log["gold"]) == 5


def test_a_quote_is_cut_to_the_columns_left_counting_wide_characters():
    from rich.cells import cell_len

    from extractor.cli.eval_compare import clip

    quote = "全年办理行政复议案件一百二十八件，纠错率百分之十二点五，较上年提高三个百分点。" * 2
    cut = clip(quote, 40)
    assert cell_len(cut) <= 40 and cut.endswith("…") and quote.startswith(cut[:-1])
    assert clip("短句", 40) == "短句"
