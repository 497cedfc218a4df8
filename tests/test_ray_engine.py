"""`batch --engine ray` on a local Ray instance (2 CPUs, small object store, no dashboard): the same outputs as
the default engine, and runs that resume each other. Skipped only when Ray is absent outside CI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

if not os.environ.get("CI"):
    pytest.importorskip("ray")

from batchfixtures import EXPECTED, RULES, SEED_NAMES, SEEDS, clean_env, corpus, manifest_lines, seeds_dir, statuses  # noqa: F401,E402
from extractor.config import Config  # noqa: E402
from extractor.runs.batch import run_batch  # noqa: E402
from extractor.runs.ray_engine import RayEngine  # noqa: E402
from fakeserver import FakeOpenAI, delay  # noqa: E402
from responders import report_responder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ray_engine():
    engine = RayEngine(num_cpus=2, object_store_memory=80 * 1024 * 1024)
    yield engine
    engine.close()


def _without_timing(report: dict) -> dict:
    run = report.get("run")
    if run:
        run.pop("seconds", None)
        for call in run.get("call_log", []):
            call.pop("seconds", None)
    return report


def _outputs(out: Path) -> dict[str, dict]:
    return {p.name: _without_timing(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(out.glob("*.json"))}


def _manifest_view(out: Path) -> dict[str, tuple]:
    return {row["file"]: (row["status"], row["sha256"], row["fingerprint"], row["error"], row["output"], row["calls"],
                          row["tokens_in"], row["tokens_out"]) for row in manifest_lines(out) if "file" in row}


def test_ray_engine_writes_what_the_default_engine_writes_on_the_seeds_and_bad_inputs(tmp_path, ray_engine):
    d = corpus(tmp_path)
    default = run_batch(d, tmp_path / "default", RULES)
    on_ray = run_batch(d, tmp_path / "ray", RULES, engine=ray_engine)

    assert statuses(on_ray) == statuses(default) == EXPECTED
    assert _outputs(tmp_path / "ray") == _outputs(tmp_path / "default")
    assert _manifest_view(tmp_path / "ray") == _manifest_view(tmp_path / "default")
    for table in ("metrics.csv", "items.csv", "indicators.csv"):
        assert (tmp_path / "ray" / table).read_bytes() == (tmp_path / "default" / table).read_bytes(), table
    assert any("engine ray" in note for note in on_ray.notes)


def test_ray_and_default_engines_resume_each_other(tmp_path, ray_engine):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    (d / SEED_NAMES[0]).rename(tmp_path / SEED_NAMES[0])  # start with four
    assert set(statuses(run_batch(d, out, RULES)).values()) == {"ok"}
    shutil.move(str(tmp_path / SEED_NAMES[0]), d / SEED_NAMES[0])
    second = statuses(run_batch(d, out, RULES, engine=ray_engine))
    assert second == {n: "ok" if n == SEED_NAMES[0] else "skipped" for n in SEED_NAMES}
    assert set(statuses(run_batch(d, out, RULES)).values()) == {"skipped"}


def test_ray_engine_against_the_fake_openai_server_matches_the_default_engine(tmp_path, ray_engine, fake_openai):
    fake_openai.responder = report_responder
    d = tmp_path / "in"
    d.mkdir()
    for name in SEED_NAMES[2:4]:
        shutil.copy(SEEDS / name, d / name)
    config = Config(backend="openai", base_url=fake_openai.url, model="fake-model", api_key="sk-ray")
    default = run_batch(d, tmp_path / "default", config.with_(cache_dir=tmp_path / "c1"))
    direct_calls = fake_openai.count
    on_ray = run_batch(d, tmp_path / "ray", config.with_(cache_dir=tmp_path / "c2"), engine=ray_engine)

    assert set(statuses(on_ray).values()) == set(statuses(default).values()) == {"ok"}
    assert fake_openai.count == 2 * direct_calls  # the workers made the same calls, each once
    assert _outputs(tmp_path / "ray") == _outputs(tmp_path / "default")
    assert "sk-ray" not in (tmp_path / "ray" / "manifest.jsonl").read_text(encoding="utf-8")


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def test_kill_9_during_a_ray_run_then_the_default_engine_finishes_only_what_is_missing(tmp_path):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    with FakeOpenAI(responder=lambda request: delay(0.1, report_responder(request))) as server:
        cmd = [sys.executable, "-m", "extractor", "batch", str(d), "-o", str(out), "--engine", "ray",
               "--backend", "openai", "--base-url", server.url, "--model", "fake-model", "--api-key", "k",
               "--cache-dir", str(tmp_path / "cache")]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FAZHI_", "RAY_"))}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        family: set[int] = set()
        try:
            deadline = time.monotonic() + 240
            done: list[dict] = []
            while time.monotonic() < deadline and proc.poll() is None:
                family |= _descendants(proc.pid)
                if (out / "manifest.jsonl").exists():
                    done = [row for row in manifest_lines(out) if row.get("status") == "ok"]
                    if done:
                        break
                time.sleep(0.05)
            assert proc.poll() is None and 0 < len(done) < len(SEED_NAMES), "the run ended before it could be killed"
            family |= _descendants(proc.pid)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        # The outputs and manifest are the driver's alone, so Ray processes that outlive it (workers exit on
        # their own within a minute; Ray's agent processes may stay until `ray stop`) cannot touch OUT.
        # They were started by this test: end them by pid.
        for pid in _alive(family):
            os.kill(pid, signal.SIGKILL)

        finished = {row["file"] for row in manifest_lines(out) if row.get("status") == "ok"}
        config = Config(backend="openai", base_url=server.url, model="fake-model", api_key="k",
                        cache_dir=tmp_path / "cache")
        rerun = run_batch(d, out, config)
    assert statuses(rerun) == {n: "skipped" if n in finished else "ok" for n in SEED_NAMES}
    assert len(list(out.glob("*.json"))) == len(SEED_NAMES)
