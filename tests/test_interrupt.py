"""Ctrl-C during `fazhi batch` against a slow endpoint: the first one stops new calls and ends the run within
seconds with exit 130, every input gets a manifest line (finished reports theirs, the rest `not_started`), no
traceback; a second Ctrl-C exits at once; the rerun resumes and redoes only what was not finished.

The batch runs in a child process (a real SIGINT, real worker threads), the fake endpoint in this one.
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

from extractor.runs.batch import MANIFEST
from fakeserver import delay
from responders import report_responder

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
RUN = "import sys\nfrom extractor.cli.app import app\napp(sys.argv[1:], prog_name='fazhi')\n"


def _inputs(tmp_path: Path, copies: int = 2) -> list[str]:
    d = tmp_path / "in"
    d.mkdir()
    for n in range(copies):  # the same text under two names: two reports, one set of cached answers
        for seed in SEEDS:
            shutil.copy(seed, d / f"{n}-{seed.name}")
    return sorted(p.name for p in d.iterdir())


def _lines(out: Path) -> list[dict]:
    path = out / MANIFEST
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _start(fake, tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    args = ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--backend", "openai", "--base-url",
            fake.url, "--api-key", "sk-test", "--cache-dir", str(tmp_path / "cache"), *extra]
    return subprocess.Popen([sys.executable, "-c", RUN, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for(condition, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.05)


def _interrupt(proc: subprocess.Popen, presses: int = 1) -> tuple[int, str, float]:
    started = time.monotonic()
    for _ in range(presses):
        proc.send_signal(signal.SIGINT)
        time.sleep(0.2)
    try:
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    return proc.returncode, stderr, time.monotonic() - started


def test_ctrl_c_with_4_in_flight_ends_in_seconds_with_a_line_per_input_and_the_rerun_resumes(fake_openai, tmp_path):
    names = _inputs(tmp_path)
    fake_openai.responder = lambda request: delay(0.2, report_responder(request))
    proc = _start(fake_openai, tmp_path, "-j", "4")
    try:
        _wait_for(lambda: _lines(tmp_path / "out"), proc)  # at least one report finished
        code, stderr, seconds = _interrupt(proc)
    finally:
        proc.kill()
    assert code == 130 and seconds < 15, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert "interrupted" in stderr and "not_started" in stderr
    lines = _lines(tmp_path / "out")
    assert sorted(row["file"] for row in lines) == names  # every input, once
    statuses = {row["file"]: row["status"] for row in lines}
    assert set(statuses.values()) <= {"ok", "not_started"} and "not_started" in statuses.values()
    done = {name for name, status in statuses.items() if status == "ok"}

    fake_openai.responder = report_responder
    rerun = _start(fake_openai, tmp_path, "-j", "4")
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    latest = {row["file"]: row for row in _lines(tmp_path / "out")}
    assert {name for name, row in latest.items() if row["status"] == "skipped"} == done
    assert {name for name, row in latest.items() if row["status"] == "ok"} == set(names) - done


def test_ctrl_c_one_at_a_time_marks_the_reports_not_begun_not_started(fake_openai, tmp_path):
    names = _inputs(tmp_path, copies=1)
    fake_openai.responder = lambda request: delay(0.2, report_responder(request))
    proc = _start(fake_openai, tmp_path, "-j", "1")
    try:
        _wait_for(lambda: fake_openai.chat_count >= 3, proc)  # the first report is under way
        code, stderr, seconds = _interrupt(proc)
    finally:
        proc.kill()
    assert code == 130 and seconds < 15 and "Traceback" not in stderr, stderr
    statuses = {row["file"]: row["status"] for row in _lines(tmp_path / "out")}
    assert sorted(statuses) == names
    assert list(statuses.values()).count("not_started") >= len(names) - 1


def test_ctrl_c_while_every_call_hangs_ends_in_seconds_and_a_second_exits_at_once(fake_openai, tmp_path):
    names = _inputs(tmp_path, copies=1)
    fake_openai.responder = lambda request: delay(25, report_responder(request))  # replies far past any grace
    proc = _start(fake_openai, tmp_path, "-j", "4", "--timeout", "60")
    try:
        _wait_for(lambda: fake_openai.chat_count >= 4, proc)
        code, stderr, seconds = _interrupt(proc)
    finally:
        proc.kill()
    assert code == 130 and seconds < 10 and "Traceback" not in stderr, stderr
    assert {row["status"] for row in _lines(tmp_path / "out")} == {"not_started"}
    assert sorted(row["file"] for row in _lines(tmp_path / "out")) == names

    shutil.rmtree(tmp_path / "out")
    proc = _start(fake_openai, tmp_path, "-j", "4", "--timeout", "60")
    try:
        _wait_for(lambda: fake_openai.chat_count >= 8, proc)
        code, stderr, seconds = _interrupt(proc, presses=2)
    finally:
        proc.kill()
    assert code == 130 and seconds < 3 and "Traceback" not in stderr, stderr
    assert "interrupted again" in stderr


def test_an_error_in_a_progress_callback_stays_itself_and_every_input_still_gets_a_line(tmp_path):
    import pytest

    from extractor.config import Config
    from extractor.runs.batch import run_batch

    names = _inputs(tmp_path, copies=1)

    def on_event(event):
        if event.kind == "done":
            raise ValueError("a bug in the display")

    with pytest.raises(ValueError, match="a bug in the display"):
        run_batch(tmp_path / "in", tmp_path / "out", Config(backend="rules"), on_event=on_event)
    lines = _lines(tmp_path / "out")
    assert sorted(row["file"] for row in lines) == names
    assert all("Ctrl-C" not in (row["error"] or "") for row in lines)
