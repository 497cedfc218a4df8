"""`fazhi batch`: resumable, error-isolated, concurrent extraction of a folder, plus its tables.

These tests patch `extractor.runs.batch.extract` with `batchfixtures.fake_extract` (via the `fake` fixture or a
`Fake`), so what is tested is the batch itself; tests/test_batch_e2e.py runs the real pipeline.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from batchfixtures import (  # noqa: F401  (clean_env and fake are fixtures)
    EXPECTED, RULES, SEED_NAMES, Fake, assert_no_tmp, clean_env, corpus, fake, fake_extract_text,
    manifest_lines, seeds_dir, snapshot, statuses,
)
from extractor.runs.batch import MANIFEST, run_batch
from extractor.cli.app import app
from extractor.config import Config
from extractor.errors import ConfigError, InputError
from extractor.runs.tables import INDICATOR_HEADERS, ITEM_COLUMNS, METRIC_COLUMNS, indicator_rows, metric_rows
from schemas.report import Report


# --- statuses and error isolation ------------------------------------------------------------------------------

def test_bad_files_are_recorded_with_a_reason_and_the_batch_goes_on(tmp_path, fake):
    out = tmp_path / "out"
    summary = run_batch(corpus(tmp_path), out, RULES)

    assert statuses(summary) == EXPECTED
    assert summary.exit_code == 1
    errors = {e.file: e.error for e in summary.entries}
    assert "empty" in errors["empty.txt"] and "binary" in errors["binary.txt"]
    assert "limit" in errors["huge.txt"] and "not a" in errors["notreport.txt"]
    assert {p.stem for p in out.glob("*.json")} == {Path(n).stem for n, s in EXPECTED.items() if s == "ok"}
    assert Report.model_validate_json((out / "gb18030.json").read_bytes()).source.encoding == "gb18030"
    assert_no_tmp(out)


def test_manifest_has_one_line_per_input_with_hash_fingerprint_and_usage(tmp_path, fake):
    out = tmp_path / "out"
    summary = run_batch(corpus(tmp_path), out, RULES)
    lines = manifest_lines(out)

    assert sorted(line["file"] for line in lines) == sorted(EXPECTED)
    line = next(line for line in lines if line["file"] == SEED_NAMES[0])
    assert line["status"] == "ok" and line["output"] == Path(SEED_NAMES[0]).stem + ".json"
    assert line["fingerprint"] == summary.fingerprint == RULES.fingerprint({})
    assert len(line["sha256"]) == 64 and line["backend"] == "rules"
    for key in ("model", "prompt_versions", "seconds", "tokens_in", "tokens_out", "calls", "cache_hits", "error"):
        assert key in line
    assert next(line for line in lines if line["file"] == "empty.txt")["output"] is None


def test_partial_report_is_status_partial_exit_1_and_retried_next_run(tmp_path, fake):
    d = seeds_dir(tmp_path)
    (d / "partial.txt").write_text("法治政府建设 PARTIAL 12件", encoding="utf-8")
    out = tmp_path / "out"
    first = run_batch(d, out, RULES)
    assert statuses(first)["partial.txt"] == "partial" and first.exit_code == 1
    assert (out / "partial.json").exists()

    fake.calls.clear()
    second = run_batch(d, out, RULES)
    assert fake.calls == ["partial.txt"]
    assert statuses(second)["partial.txt"] == "partial"


def test_an_unexpected_error_on_one_file_is_isolated(tmp_path, monkeypatch):
    monkeypatch.setattr("extractor.runs.batch.extract", Fake(raise_on_call=2, exc=ValueError("boom")))
    summary = run_batch(seeds_dir(tmp_path), tmp_path / "out", RULES)
    failed = [e for e in summary.entries if e.status == "failed"]
    assert len(failed) == 1 and failed[0].error == "internal error: ValueError: boom"
    assert summary.counts["ok"] == 4


def test_an_output_that_cannot_be_written_fails_only_that_file(tmp_path, fake):
    d = seeds_dir(tmp_path)
    out = tmp_path / "out"
    (out / f"{Path(SEED_NAMES[0]).stem}.json").mkdir(parents=True)  # a folder where the output should go
    summary = run_batch(d, out, RULES)
    failed = [e for e in summary.entries if e.status == "failed"]
    assert len(failed) == 1 and failed[0].error.startswith("could not write")
    assert summary.counts["ok"] == len(SEED_NAMES) - 1 and summary.exit_code == 1


def test_a_long_chinese_file_name_is_written(tmp_path, fake):
    d = tmp_path / "long"
    d.mkdir()
    name = "法治政府建设情况报告" * 8 + ".txt"  # 84 characters, 244 bytes: near the 255-byte limit
    shutil.copy(seeds_dir(tmp_path) / SEED_NAMES[0], d / name)
    summary = run_batch(d, tmp_path / "out", RULES)
    assert summary.counts["ok"] == 1


def test_a_configuration_error_stops_the_batch_and_marks_the_rest_not_started(tmp_path, monkeypatch):
    fake = Fake(raise_on_call=1, exc=ConfigError("model file missing"))
    monkeypatch.setattr("extractor.runs.batch.extract", fake)
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    summary = run_batch(d, out, RULES)
    assert summary.exit_code == 2 and "model file missing" in summary.stopped
    assert fake.calls == [SEED_NAMES[0]]  # nothing begun after the fault
    assert set(statuses(summary).values()) == {"not_started"} and len(summary.entries) == len(SEED_NAMES)
    assert [line["status"] for line in manifest_lines(out)] == ["not_started"] * len(SEED_NAMES)
    monkeypatch.setattr("extractor.runs.batch.extract", Fake())  # the fault fixed: a rerun resumes all
    assert set(statuses(run_batch(d, out, RULES)).values()) == {"ok"}


def test_missing_input_folder_is_an_input_error(tmp_path, fake):
    with pytest.raises(InputError, match="not found"):
        run_batch(tmp_path / "nope", tmp_path / "out", RULES)


@pytest.mark.parametrize("how", [{"glob": "**/*.txt"}, {"recursive": True}])
def test_equal_file_names_in_two_folders_keep_their_relative_paths(tmp_path, fake, how):
    d = seeds_dir(tmp_path)
    (d / "sub").mkdir()
    shutil.copy(d / SEED_NAMES[0], d / "sub" / SEED_NAMES[0])
    out = tmp_path / "out"
    summary = run_batch(d, out, RULES, **how)
    assert statuses(summary)[f"sub/{SEED_NAMES[0]}"] == "ok" and statuses(summary)[SEED_NAMES[0]] == "ok"
    stem = Path(SEED_NAMES[0]).stem
    assert (out / f"{stem}.json").is_file() and (out / "sub" / f"{stem}.json").is_file()


def test_a_sub_folder_and_a_broken_link_are_accounted_for(tmp_path, fake):
    d = seeds_dir(tmp_path)
    (d / "2022").mkdir()
    (d / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    summary = run_batch(d, tmp_path / "out", RULES)
    rows = {e.file: e for e in summary.entries}
    assert rows["2022"].status == "ignored" and "--recursive" in rows["2022"].error
    assert rows["gone.txt"].status == "failed" and "broken symbolic link" in rows["gone.txt"].error
    assert {line["file"] for line in manifest_lines(tmp_path / "out")} == {*SEED_NAMES, "2022", "gone.txt"}


def test_a_failed_rerun_keeps_the_good_output_and_marks_it_stale(tmp_path, monkeypatch):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    monkeypatch.setattr("extractor.runs.batch.extract", Fake())
    run_batch(d, out, RULES)
    before = snapshot(out)[Path(SEED_NAMES[0]).stem + ".json"]
    monkeypatch.setattr("extractor.runs.batch.extract", Fake(raise_on_call=1, exc=InputError("the disk hiccupped")))
    summary = run_batch(d, out, RULES, force=True)
    row = {e.file: e for e in summary.entries}[SEED_NAMES[0]]
    assert row.status == "stale" and "kept" in row.error and summary.exit_code == 1
    assert snapshot(out)[Path(SEED_NAMES[0]).stem + ".json"] == before


@pytest.mark.parametrize("out_name", [".", "out"])
def test_outputs_inside_the_input_folder_are_never_read_as_inputs(tmp_path, fake, out_name):
    d = seeds_dir(tmp_path)
    out = d / out_name
    run_batch(d, out, RULES, glob="**/*")
    fake.calls.clear()
    again = run_batch(d, out, RULES, glob="**/*")
    assert fake.calls == [] and sorted(statuses(again)) == SEED_NAMES


# --- resume ----------------------------------------------------------------------------------------------------

def test_resumed_run_skips_everything_done_and_leaves_outputs_untouched(tmp_path, fake):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    assert run_batch(d, out, RULES).exit_code == 0
    before = snapshot(out)
    fake.calls.clear()

    again = run_batch(d, out, RULES)
    assert fake.calls == []
    assert set(statuses(again).values()) == {"skipped"} and again.exit_code == 0
    assert snapshot(out) == before
    assert [line["status"] for line in manifest_lines(out)] == ["ok"] * 5 + ["skipped"] * 5


def test_resume_retries_failed_inputs_only(tmp_path, fake):
    d, out = corpus(tmp_path), tmp_path / "out"
    run_batch(d, out, RULES)
    fake.calls.clear()
    again = run_batch(d, out, RULES)
    assert sorted(fake.calls) == sorted(n for n, s in EXPECTED.items() if s == "failed")
    assert again.exit_code == 1
    assert {n: s for n, s in statuses(again).items() if s != "failed"} == {n: "skipped" for n, s in EXPECTED.items() if s == "ok"}


def test_changed_input_bytes_are_redone(tmp_path, fake):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    run_batch(d, out, RULES)
    with open(d / SEED_NAMES[2], "a", encoding="utf-8") as fh:
        fh.write("\n补充：新增案件3件。\n")
    fake.calls.clear()
    again = run_batch(d, out, RULES)
    assert fake.calls == [SEED_NAMES[2]]
    assert statuses(again)[SEED_NAMES[2]] == "ok"
    assert any(m.quote == "3件" for m in [x.evidence for x in Report.model_validate_json(
        (out / (Path(SEED_NAMES[2]).stem + ".json")).read_bytes()).metrics])


def test_changed_config_or_prompts_are_redone(tmp_path, fake, monkeypatch):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    endpoint = Config(backend="openai", base_url="http://127.0.0.1:9/v1", model="m1")
    monkeypatch.setattr("extractor.model.prompts.versions", lambda: {"measures": "aaa"})
    run_batch(d, out, endpoint)
    fake.calls.clear()
    run_batch(d, out, endpoint.with_(model="m2"))
    assert len(fake.calls) == 5

    fake.calls.clear()
    monkeypatch.setattr("extractor.model.prompts.versions", lambda: {"measures": "bbb"})
    run_batch(d, out, endpoint.with_(model="m2"))
    assert len(fake.calls) == 5

    fake.calls.clear()
    assert set(statuses(run_batch(d, out, endpoint.with_(model="m2"))).values()) == {"skipped"}


def test_force_redoes_everything(tmp_path, fake):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    run_batch(d, out, RULES)
    fake.calls.clear()
    summary = run_batch(d, out, RULES, force=True)
    assert sorted(fake.calls) == SEED_NAMES
    assert set(statuses(summary).values()) == {"ok"}


def test_an_output_edited_or_deleted_after_the_run_is_redone(tmp_path, fake):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    run_batch(d, out, RULES)
    (out / (Path(SEED_NAMES[0]).stem + ".json")).write_text("{not json", encoding="utf-8")
    (out / (Path(SEED_NAMES[1]).stem + ".json")).unlink()
    fake.calls.clear()
    run_batch(d, out, RULES)
    assert sorted(fake.calls) == SEED_NAMES[:2]


def test_interrupted_run_resumes_without_redoing_finished_reports(tmp_path, monkeypatch):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    monkeypatch.setattr("extractor.runs.batch.extract", Fake(raise_on_call=3, exc=KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        run_batch(d, out, RULES)
    assert len(list(out.glob("*.json"))) == 2

    rerun = Fake()
    monkeypatch.setattr("extractor.runs.batch.extract", rerun)
    summary = run_batch(d, out, RULES)
    assert sorted(rerun.calls) == SEED_NAMES[2:]
    assert statuses(summary) == {**{n: "skipped" for n in SEED_NAMES[:2]}, **{n: "ok" for n in SEED_NAMES[2:]}}
    for path in out.glob("*.json"):
        Report.model_validate_json(path.read_bytes())
    assert_no_tmp(out)


KILL_SCRIPT = """
import sys, time
sys.path.insert(0, {tests!r})
import extractor.runs.batch, batchfixtures
calls = []
def slow(path, config, **kw):
    calls.append(path)
    time.sleep(0.05 if len(calls) <= 2 else 60)  # the third report is in flight when the kill comes
    return batchfixtures.fake_extract(path, config)
extractor.runs.batch.extract = slow
from extractor.cli.app import app
app(["batch", {inp!r}, "-o", {out!r}, "--backend", "rules"], prog_name="fazhi")
"""


def test_kill_9_mid_run_loses_only_the_report_in_flight(tmp_path, fake):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    script = KILL_SCRIPT.format(tests=str(Path(__file__).parent), inp=str(d), out=str(out))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parent.parent, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not ((out / MANIFEST).exists() and len(manifest_lines(out)) >= 2):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the batch never finished two reports"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()

    summary = run_batch(d, out, Config(backend="rules"))
    assert sorted(fake.calls) == SEED_NAMES[2:]
    assert [statuses(summary)[n] for n in SEED_NAMES] == ["skipped"] * 2 + ["ok"] * 3
    for path in out.glob("*.json"):
        Report.model_validate_json(path.read_bytes())
    assert_no_tmp(out)


def test_a_torn_last_manifest_line_is_ignored(tmp_path, fake):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    run_batch(d, out, RULES)
    with open(out / MANIFEST, "ab") as fh:
        fh.write(b'{"file": "' + SEED_NAMES[0].encode() + b'", "status": "o')  # a kill mid-append
    fake.calls.clear()
    summary = run_batch(d, out, RULES)
    assert fake.calls == [] and set(statuses(summary).values()) == {"skipped"}
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert lines[-6].endswith('"status": "o')  # the torn line stays alone on its line...
    assert [json.loads(line)["status"] for line in lines[-5:]] == ["skipped"] * 5  # ...and spoils nothing after it


def test_temp_files_left_by_a_killed_write_are_cleaned_up(tmp_path, fake):
    out = tmp_path / "out"
    out.mkdir()
    (out / f".{Path(SEED_NAMES[0]).stem}.json.k3j2h1.tmp").write_bytes(b'{"source": {"fi')
    run_batch(seeds_dir(tmp_path), out, RULES)
    assert_no_tmp(out)


# --- concurrency -----------------------------------------------------------------------------------------------

def test_reports_run_concurrently_up_to_the_limit(tmp_path, monkeypatch):
    f = Fake(delay=0.2)
    monkeypatch.setattr("extractor.runs.batch.extract", f)
    summary = run_batch(seeds_dir(tmp_path), tmp_path / "out", RULES, concurrency=3)
    assert 1 < f.max_in_flight <= 3
    assert summary.concurrency == 3 and set(statuses(summary).values()) == {"ok"}


def test_local_backend_is_clamped_to_one_report_at_a_time(tmp_path, monkeypatch):
    f = Fake(delay=0.05)
    monkeypatch.setattr("extractor.runs.batch.extract", f)
    monkeypatch.setattr("extractor.model.prompts.versions", lambda: {})
    summary = run_batch(seeds_dir(tmp_path), tmp_path / "out", Config(backend="local"), concurrency=4)
    assert f.max_in_flight == 1 and summary.concurrency == 1
    assert any("clamped to 1" in note for note in summary.notes)


# --- tables ----------------------------------------------------------------------------------------------------

def test_tables_open_in_pandas_with_one_row_per_metric(tmp_path, fake):
    out = tmp_path / "out"
    run_batch(corpus(tmp_path), out, RULES)
    reports = [Report.model_validate_json(p.read_bytes()) for p in sorted(out.glob("*.json"))]

    assert (out / "metrics.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    metrics = pd.read_csv(out / "metrics.csv", encoding="utf-8-sig")
    assert list(metrics.columns) == list(METRIC_COLUMNS)
    assert len(metrics) == sum(len(r.metrics) for r in reports) > 0
    assert set(metrics["region"]) == {"济源市"}

    indicators = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")
    assert list(indicators.columns) == ["file", "region", "report_year", *INDICATOR_HEADERS.values()]
    assert len(indicators) == len(reports) == 7

    items = pd.read_csv(out / "items.csv", encoding="utf-8-sig")
    assert list(items.columns) == list(ITEM_COLUMNS)
    assert sorted(set(items["kind"])) == ["measure", "problem"]

    lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source"]["file"] for line in lines] == [r.source.file for r in reports]
    assert_no_tmp(out)


def test_parquet_tables_match_the_csvs(tmp_path, fake):
    pytest.importorskip("pyarrow")
    out = tmp_path / "out"
    run_batch(seeds_dir(tmp_path), out, RULES)
    for name in ("metrics", "items"):
        assert len(pd.read_parquet(out / f"{name}.parquet")) == len(pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig"))


def test_tables_of_a_resumed_run_cover_every_report(tmp_path, monkeypatch):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    monkeypatch.setattr("extractor.runs.batch.extract", Fake(raise_on_call=3, exc=KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        run_batch(d, out, RULES)
    monkeypatch.setattr("extractor.runs.batch.extract", Fake())
    run_batch(d, out, RULES)
    assert len(pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")) == 5


def test_an_indicator_stated_twice_takes_the_first_value_not_the_sum(tmp_path):
    report = fake_extract_text(tmp_path, "法治政府建设：行政复议12件，另复议7件。")
    (row,) = indicator_rows([report])
    assert row["admin_reconsideration_received"] == 12.0
    report.metrics[1].indicator = "admin_reconsideration_received"
    assert indicator_rows([report])[0]["admin_reconsideration_received"] == 12.0


# --- the command -----------------------------------------------------------------------------------------------

def test_cli_exit_code_is_1_when_any_report_fails(tmp_path, fake):
    result = CliRunner().invoke(app, ["batch", str(corpus(tmp_path)), "-o", str(tmp_path / "out"), "-b", "rules"])
    assert result.exit_code == 1, result.output
    assert "failed" in result.stdout and "empty.txt" in result.stderr


def test_cli_exit_code_is_0_when_all_ok_then_all_skipped(tmp_path, fake):
    args = ["batch", str(seeds_dir(tmp_path)), "-o", str(tmp_path / "out"), "-b", "rules"]
    assert CliRunner().invoke(app, args).exit_code == 0
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0 and result.stderr.count("skipped") == 5


def test_cli_json_prints_the_summary_on_stdout(tmp_path, fake):
    result = CliRunner().invoke(app, ["batch", str(corpus(tmp_path)), "-o", str(tmp_path / "out"), "-b", "rules",
                                      "--json", "-j", "2"])
    summary = json.loads(result.stdout)
    expected = {**EXPECTED, "huge.txt": "ok"}  # the command keeps the default size limit (5 MB)
    assert summary["counts"] == {"ok": 8, "degraded": 0, "partial": 0, "no_structure": 0, "failed": 3, "stale": 0, "not_started": 0,
                                 "skipped": 0, "ignored": 0}
    assert summary["exit_code"] == result.exit_code == 1
    assert {f["file"]: f["status"] for f in summary["files"]} == expected


def test_cli_missing_input_folder_is_one_red_line_and_exit_2(tmp_path, fake):
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "nope"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error:") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_indicator_counts_are_integers_and_money_says_its_unit(tmp_path):
    report = fake_extract_text(tmp_path, "法治政府建设：行政复议128件。")
    report.metrics.append(report.metrics[0].model_copy(update={
        "indicator": "fines_and_confiscations", "value": 2.5, "unit": "万元", "value_base": 25000.0, "base_unit": "元"}))
    (row,) = indicator_rows([report])
    assert row["admin_reconsideration_received"] == 128 and isinstance(row["admin_reconsideration_received"], int)
    assert row["fines_and_confiscations_yuan"] == 25000 and "fines_and_confiscations" not in row


def test_metrics_of_one_name_are_told_apart_by_their_sentence(tmp_path):
    from schemas.report import Evidence, Measure

    text = "法治政府建设：一是人民调解成功率94.4%。二是行政调解成功率92.5%，诉前调解成功率27.1%。"
    report = fake_extract_text(tmp_path, text)
    report.measures = [Measure(category="dispute_resolution", summary="调解", section="一",
                               evidence=Evidence(quote=text, start=0, end=len(text)))]
    contexts = [row["context"] for row in metric_rows([report])]
    assert contexts == ["法治政府建设：一是人民调解成功率94.4%。", "二是行政调解成功率92.5%，诉前调解成功率27.1%。",
                        "二是行政调解成功率92.5%，诉前调解成功率27.1%。"]


def test_batch_progress_counts_calls_across_the_batch_and_estimates_reports_not_begun():
    from extractor.cli.batch import _BatchProgress
    from extractor.runs.batch import BatchEvent

    bar = _BatchProgress()
    bar.on_event(BatchEvent("start", total=4, todo=4))
    task = bar.progress.tasks[0]
    assert task.total is None  # nothing known yet: no made-up ETA
    bar.on_calls("a.txt", "measures 一", 3, 10)
    bar.on_calls("b.txt", "measures 一", 1, 30)
    # two reports planned 10 + 30 calls; the two not begun are estimated at their mean (20 each)
    assert (task.completed, task.total) == (4, 80)
    assert bar._label() == "0/4 reports"
