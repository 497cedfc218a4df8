"""Reliability: the whole CLI against a loopback fake endpoint that misbehaves, killed mid-run, and fed bad input.

- configuration faults (refused port, DNS, TLS, a rejected key, a wrong model URL, an endpoint that hangs)
  end the run at once with exit 2 and one red line, and nothing is written as `ok`;
- transient faults (429, 500, cut-off replies) at random keep every item: answered by the model or
  degraded to the rules and marked, never dropped, never silent;
- a batch killed with SIGKILL and rerun ends with the same outputs as an uninterrupted run;
- fifteen kinds of bad input: each is a manifest line with its reason, or a correct output.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.config import Config
from extractor.pipeline import extract
from extractor.runs.batch import MANIFEST, run_batch
from fakeserver import Action, FakeOpenAI, delay, error
from responders import report_responder
from schemas.report import Report

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SMALL = [SEEDS[2], SEEDS[4]]  # the two seeds with the fewest model calls
runner = CliRunner()


def _inputs(tmp_path: Path, seeds=SMALL) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for seed in seeds:
        shutil.copy(seed, d / seed.name)
    return d


def _manifest(out: Path) -> list[dict]:
    path = out / MANIFEST
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _batch(url: str, d: Path, out: Path, tmp_path: Path, *extra: str):
    started = time.monotonic()
    result = runner.invoke(app, ["batch", str(d), "-o", str(out), "--backend", "openai", "--base-url", url,
                                 "--api-key", "sk-test", "--cache-dir", str(tmp_path / "cache"), *extra])
    return result, time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


# -- configuration faults: exit 2 at once, one line, nothing written as ok -------------------------------------


def test_a_refused_port_ends_the_batch_at_once_with_exit_2_and_one_line(tmp_path):
    url = f"http://127.0.0.1:{_free_port()}/v1"
    result, seconds = _batch(url, _inputs(tmp_path), tmp_path / "out", tmp_path)
    assert result.exit_code == 2 and seconds < 30
    [line] = _errors(result)
    assert url in line and "connection refused" in line
    assert not [row for row in _manifest(tmp_path / "out") if row["status"] == "ok"]


def test_a_host_that_does_not_resolve_is_a_configuration_fault(tmp_path):
    result, seconds = _batch("http://no-such-host.invalid/v1", _inputs(tmp_path), tmp_path / "out", tmp_path)
    assert result.exit_code == 2 and seconds < 30
    [line] = _errors(result)
    assert "no-such-host.invalid" in line and ("DNS" in line or "connection" in line)


def test_https_to_a_plain_http_endpoint_is_a_tls_fault(fake_openai, tmp_path):
    url = fake_openai.url.replace("http://", "https://")
    result, _ = _batch(url, _inputs(tmp_path), tmp_path / "out", tmp_path)
    assert result.exit_code == 2
    [line] = _errors(result)
    assert "TLS" in line or "connection" in line


def test_a_rejected_key_stops_before_the_first_report(fake_openai, tmp_path):
    fake_openai.models_status = 401
    result, _ = _batch(fake_openai.url, _inputs(tmp_path), tmp_path / "out", tmp_path)
    assert result.exit_code == 2 and fake_openai.count == 0
    [line] = _errors(result)
    assert "refused the key" in line and "OPENAI_API_KEY" in line


def test_a_wrong_model_url_stops_after_the_first_call_and_marks_the_rest_not_started(fake_openai, tmp_path):
    fake_openai.responder = lambda request: error(404, {"error": {"message": "model not found"}})
    out = tmp_path / "out"
    result, _ = _batch(fake_openai.url, _inputs(tmp_path), out, tmp_path)
    assert result.exit_code == 2 and fake_openai.count == 1
    assert len(_errors(result)) == 1 and "404" in _errors(result)[0]
    assert sorted(row["status"] for row in _manifest(out)) == ["not_started", "not_started"]


def test_an_endpoint_that_never_answers_ends_with_exit_2(fake_openai, tmp_path):
    fake_openai.responder = lambda request: delay(30)  # every call hangs (the server wakes on shutdown)
    out = tmp_path / "out"
    result, seconds = _batch(fake_openai.url, _inputs(tmp_path), out, tmp_path, "--timeout", "0.5", "--max-retries", "1")
    assert result.exit_code == 2 and seconds < 30
    [line] = _errors(result)
    assert "no reply within 0.5s" in line and "first call failed" in line
    assert {row["status"] for row in _manifest(out)} == {"not_started"}


def test_no_key_for_the_openai_api_is_exit_2_in_under_5_seconds(tmp_path, monkeypatch):
    for name in ("OPENAI_API_KEY", "FAZHI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "FAZHI_BASE_URL")}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", str(SMALL[0]), "--backend", "openai"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and time.monotonic() - started < 5
    [line] = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "OPENAI_API_KEY" in line and proc.stdout == ""


def test_a_report_time_budget_degrades_the_calls_past_it(fake_openai, tmp_path):
    answered = []

    def responder(request):
        answered.append(1)
        return report_responder(request) if len(answered) == 1 else delay(0.4, report_responder(request))

    fake_openai.responder = responder
    config = Config(backend="openai", base_url=fake_openai.url, api_key="k", cache_dir=tmp_path / "c",
                    max_report_seconds=1.0)
    started = time.monotonic()
    report = extract(SMALL[0], config)
    assert time.monotonic() - started < 10
    rules = extract(SMALL[0], Config(backend="rules"))
    assert len(report.measures) == len(rules.measures) and len(report.metrics) == len(rules.metrics)
    assert any("time budget" in n.message for n in report.quality if n.kind == "model_failed")


# -- transient faults: every item present, marked when degraded -------------------------------------------------


def test_random_429_500_and_cut_off_replies_drop_nothing_and_hide_nothing(fake_openai, tmp_path):
    rng = random.Random(15)

    def flaky(request):
        roll = rng.random()
        if roll < 0.20:
            return error(429, headers={"Retry-After": "0"})
        if roll < 0.30:
            return error(500, headers={"Retry-After": "0"})
        answer = report_responder(request)
        if roll < 0.35:
            return Action(payload=answer, finish_reason="length")
        return answer

    fake_openai.responder = flaky
    d, out = _inputs(tmp_path), tmp_path / "out"
    config = Config(backend="openai", base_url=fake_openai.url, api_key="k", cache_dir=tmp_path / "cache",
                    max_retries=2)  # fewer retries than the default 4, so some calls do fail and degrade
    summary = run_batch(d, out, config)  # one at a time: the seeded faults land on the same calls every run
    assert {e.status for e in summary.entries} <= {"ok", "degraded"}, [e.error for e in summary.entries]
    total_notes = []
    for seed in SMALL:
        report = Report.model_validate_json((out / f"{seed.stem}.json").read_bytes())
        rules = extract(seed, Config(backend="rules"))
        for field in ("measures", "problems", "plans", "leadership_duties", "metrics", "rectifications"):
            got, want = getattr(report, field), getattr(rules, field)
            assert [i.evidence.start for i in got] == [i.evidence.start for i in want], field  # 0 dropped
        failed_calls = sum(1 for r in report.run.call_log if not r.ok)
        notes = [n for n in report.quality if n.kind == "model_failed"]
        assert len(notes) == failed_calls  # 0 silent: every failed call is a note naming its item
        items = [i for f in ("measures", "problems", "plans", "leadership_duties", "rectifications")
                 for i in getattr(report, f) if i.decided_by == "rules"]
        metrics = [m for m in report.metrics if m.decided_by == "rules"]
        metric_notes = [n for n in notes if n.message.startswith("metrics call failed")]
        assert len(items) == len(notes) - len(metric_notes)  # one item per failed item call
        assert len(metrics) >= len(metric_notes)  # a naming call covers the quantities of one sentence
        total_notes.extend(notes)
    assert total_notes, "the seeded faults should have made at least one call fail after its retries"


# -- kill -9 mid-batch, then resume ------------------------------------------------------------------------------

KILLED = """
import sys
from extractor.cli.app import app
app(sys.argv[1:], prog_name="fazhi")
"""


def _comparable(out: Path) -> dict[str, bytes]:
    """Every product of OUT that describes the reports, as bytes; a report JSON without its `run` block
    (timings differ between any two runs)."""
    files = {}
    for name in ("metrics.csv", "items.csv", "indicators.csv"):
        files[name] = (out / name).read_bytes()
    for path in sorted(out.glob("*.json")):
        data = json.loads(path.read_bytes())
        data.pop("run", None)
        files[path.name] = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return files


def test_kill_9_mid_batch_then_resume_ends_identical_to_an_uninterrupted_run(fake_openai, tmp_path):
    fake_openai.responder = lambda request: delay(0.05, report_responder(request))
    d = _inputs(tmp_path, SEEDS[2:5])
    args = ["batch", str(d), "--backend", "openai", "--base-url", fake_openai.url, "--api-key", "sk-test"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    killed = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-c", KILLED, *args, "-o", str(killed), "--cache-dir",
                             str(tmp_path / "cache-killed")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 45
        while not _manifest(killed):
            assert proc.poll() is None and time.monotonic() < deadline, "the batch never finished a report"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert len(_manifest(killed)) < 3  # it really was interrupted
    resumed = runner.invoke(app, [*args, "-o", str(killed), "--cache-dir", str(tmp_path / "cache-killed")])
    assert resumed.exit_code == 0, resumed.output
    whole = runner.invoke(app, [*args, "-o", str(tmp_path / "whole"), "--cache-dir", str(tmp_path / "cache-whole")])
    assert whole.exit_code == 0, whole.output
    assert _comparable(killed) == _comparable(tmp_path / "whole")
    assert not list(killed.glob(".*.tmp"))


# -- fifteen kinds of bad input ----------------------------------------------------------------------------------


def _bad_inputs(d: Path) -> dict[str, tuple[str, str]]:
    """name → (status it must get, word its reason must contain or, for ok, a quality note kind or "")."""
    seed = SEEDS[2].read_text(encoding="utf-8")
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "oversize.txt").write_text(seed * 30, encoding="utf-8")  # over the --max-bytes below
    (d / "folder").mkdir()
    (d / "broken.txt").symlink_to(d / "nowhere.txt")
    (d / "locked.txt").write_text(seed, encoding="utf-8")
    os.chmod(d / "locked.txt", 0)
    (d / "cut.txt").write_bytes(seed.encode("utf-8") + "。".encode("utf-8")[:2])
    (d / "gbk.txt").write_bytes(seed.encode("gb18030"))
    (d / "utf16.txt").write_bytes(seed.encode("utf-16"))
    (d / "report.docx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml word/document.xml")
    (d / "report.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    (d / "report.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    (d / "novel.txt").write_text("第一章 春天来了，山上的花都开了，小明和小红一起去郊游。" * 20, encoding="utf-8")
    (d / "oneline.txt").write_text(seed.replace("\n", " "), encoding="utf-8")
    (d / "nul.txt").write_bytes(seed.encode("utf-8")[:300] + b"\x00\x00" + seed.encode("utf-8")[300:])
    os.mkfifo(d / "pipe.txt")
    readable_anyway = os.geteuid() == 0  # root reads a 000 file: then it must simply be read correctly
    return {
        "empty.txt": ("failed", "empty"),
        "binary.txt": ("failed", "binary"),
        "oversize.txt": ("failed", "too large"),
        "folder": ("ignored", "--recursive"),
        "broken.txt": ("failed", "broken symbolic link"),
        "locked.txt": ("ok", "") if readable_anyway else ("failed", "cannot read"),
        "cut.txt": ("ok", "truncated_encoding"),
        "gbk.txt": ("ok", ""),
        "utf16.txt": ("ok", ""),
        "report.docx": ("failed", "Word .docx"),
        "report.pdf": ("failed", "PDF"),
        "report.doc": ("failed", "Word .doc"),
        "novel.txt": ("failed", "not a 法治政府建设 report"),
        "oneline.txt": ("ok", "outline_inline"),  # line breaks lost: the outline found inline by its numbering, and said
        "nul.txt": ("failed", "NUL"),
        "pipe.txt": ("failed", "not a regular file"),
    }


def test_every_bad_input_is_a_manifest_line_with_its_reason_or_a_correct_output(tmp_path):
    d, out = tmp_path / "bad", tmp_path / "out"
    expected = _bad_inputs(d)
    result = runner.invoke(app, ["batch", str(d), "-o", str(out), "--backend", "rules", "--glob", "*",
                                 "--max-bytes", "200000", "--json"])
    assert result.exit_code == 1, result.output
    rows = {row["file"]: row for row in _manifest(out)}
    assert set(rows) == set(expected)  # none missing
    for name, (status, word) in expected.items():
        row = rows[name]
        assert row["status"] == status, (name, row)
        if status != "ok":
            assert word in row["error"], (name, row["error"])
            continue
        report = Report.model_validate_json((out / row["output"]).read_bytes())
        assert report.metrics and (report.measures or word == "structure_uncertain"), name
        if word:
            assert word in [n.kind for n in report.quality], name
    summary = json.loads(result.stdout)
    assert sum(summary["counts"].values()) == len(expected)


def test_calls_sent_through_the_shared_pool_give_the_same_outputs_as_one_at_a_time(fake_openai, tmp_path):
    fake_openai.responder = report_responder
    d = _inputs(tmp_path)
    config = Config(backend="openai", base_url=fake_openai.url, api_key="k", cache_dir=tmp_path / "cache", refresh=True)
    run_batch(d, tmp_path / "one", config, concurrency=1)
    run_batch(d, tmp_path / "three", config, concurrency=3)
    assert _comparable(tmp_path / "one") == _comparable(tmp_path / "three")
