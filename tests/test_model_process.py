"""The embedded model runs in a child process: a native crash there is one clear error, never a dead run.

The real worker (`extractor.model.worker`) is replaced by a scripted stand-in that speaks the same JSON-lines
protocol and, on cue, dies on SIGSEGV as llama.cpp's AMX path does on some CPUs.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.config import Config
from extractor.errors import ConfigError
from extractor.model import local, worker

ROOT = Path(__file__).resolve().parents[1]

FAKE = textwrap.dedent('''
    import json, os, signal, sys
    settings = json.loads(sys.stdin.readline())
    mode = os.environ.get("FAKE_WORKER_MODE", "ok")
    log = os.environ.get("FAKE_WORKER_LOG")
    if log:
        with open(log, "a") as fh:
            fh.write(json.dumps(settings) + "\\n")
    safe = settings.get("use_extra_bufts") is False
    if mode == "crash_on_load" or (mode == "crash_on_load_unless_safe" and not safe):
        os.kill(os.getpid(), signal.SIGSEGV)
    print(json.dumps({"ok": True, "system_info": "AVX2 = 1 | AMX_INT8 = 1", "load_seconds": 0.1}), flush=True)
    for line in sys.stdin:
        if mode == "crash_on_call" or (mode == "crash_on_call_unless_safe" and not safe):
            sys.stderr.write("ggml_backend_amx_mul_mat: ldtilecfg\\n"); sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGSEGV)
        if mode == "refuse":
            print(json.dumps({"error": "ValueError: Requested tokens (5000) exceed context window of 4096"}), flush=True)
            continue
        completion = {"id": "c1", "object": "chat.completion", "created": 0, "model": "fake",
                      "choices": [{"index": 0, "finish_reason": "stop",
                                   "message": {"role": "assistant", "content": "{\\"summary\\": \\"加强执法\\"}"}}],
                      "usage": {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16}}
        print(json.dumps({"response": completion, "cached_tokens": 5}), flush=True)
''')

MESSAGES = [{"role": "user", "content": "一是加强执法。"}]


@pytest.fixture
def fake_worker(tmp_path, monkeypatch):
    script = tmp_path / "fake_worker.py"
    script.write_text(FAKE, encoding="utf-8")
    monkeypatch.setattr(local, "WORKER", [sys.executable, str(script)])
    monkeypatch.setenv("FAKE_WORKER_LOG", str(tmp_path / "starts.jsonl"))
    monkeypatch.delenv("FAZHI_LLAMA_EXTRA_BUFTS", raising=False)
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    yield Config(backend="local", model_path=model, cache_dir=tmp_path / "cache")
    local._close_models()


def _starts(tmp_path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "starts.jsonl").read_text().splitlines()]


def test_a_call_is_answered_by_the_model_process_with_its_prefix_reuse(fake_worker, monkeypatch):
    monkeypatch.setenv("FAKE_WORKER_MODE", "ok")
    completion = local.get_create(fake_worker)(messages=MESSAGES, max_tokens=8)
    assert completion.choices[0].message.content == '{"summary": "加强执法"}'
    assert completion.usage.prompt_tokens == 12 and completion.usage.prompt_tokens_details.cached_tokens == 5


def test_a_native_crash_is_one_error_naming_the_signal_and_the_cpu(fake_worker, monkeypatch, tmp_path):
    monkeypatch.setenv("FAKE_WORKER_MODE", "crash_on_call")
    monkeypatch.setenv("FAZHI_LLAMA_EXTRA_BUFTS", "0")  # already the safe setting: nothing left to fall back to
    create = local.get_create(fake_worker)
    with pytest.raises(local.ModelCrashed) as caught:
        create(messages=MESSAGES)
    message = str(caught.value)
    assert "SIGSEGV (signal 11)" in message and "AVX2" in message and "AMX" in message
    assert "ldtilecfg" in message  # what the process said last
    assert caught.value.exit_code == 2


def test_a_crash_with_extra_buffers_on_is_retried_once_without_them(fake_worker, monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("FAKE_WORKER_MODE", "crash_on_call_unless_safe")
    monkeypatch.setenv("FAZHI_LLAMA_EXTRA_BUFTS", "1")
    with caplog.at_level(logging.WARNING, logger="extractor"):
        completion = local.get_create(fake_worker)(messages=MESSAGES)
    assert completion.choices[0].message.content
    assert [s["use_extra_bufts"] for s in _starts(tmp_path)] == [True, False]
    assert any("without llama.cpp's extra buffer types" in r.getMessage() for r in caplog.records)


def test_a_crash_on_load_falls_back_too(fake_worker, monkeypatch, tmp_path):
    monkeypatch.setenv("FAKE_WORKER_MODE", "crash_on_load_unless_safe")
    monkeypatch.setenv("FAZHI_LLAMA_EXTRA_BUFTS", "1")
    proc = local.load(fake_worker)
    assert proc.alive and proc.use_extra_bufts is False
    assert [s["use_extra_bufts"] for s in _starts(tmp_path)] == [True, False]


def test_a_refused_call_fails_that_call_and_the_process_lives(fake_worker, monkeypatch):
    monkeypatch.setenv("FAKE_WORKER_MODE", "refuse")
    create = local.get_create(fake_worker)
    with pytest.raises(local.WorkerError, match="exceed context window"):
        create(messages=MESSAGES)
    assert local.load(fake_worker).alive


def test_the_model_loads_without_extra_buffer_types_unless_asked(monkeypatch):
    monkeypatch.delenv("FAZHI_LLAMA_EXTRA_BUFTS", raising=False)
    assert local.extra_bufts_setting() is False  # on every CPU, AMX or not
    monkeypatch.setenv("FAZHI_LLAMA_EXTRA_BUFTS", "1")
    assert local.extra_bufts_setting() is True
    assert local.cpu_summary({"avx2", "amx_tile", "amx_int8"}) == "AVX2 yes, AVX-512 no, AMX yes (amx_int8 amx_tile)"


def test_a_crash_in_a_batch_stops_it_with_one_line_and_every_input_accounted_for(fake_worker, monkeypatch, tmp_path):
    monkeypatch.setenv("FAKE_WORKER_MODE", "crash_on_call")
    monkeypatch.setenv("FAZHI_LLAMA_EXTRA_BUFTS", "0")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in sorted((ROOT / "seeds").glob("*.txt"))[:3]:
        (inputs / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(inputs), "-o", str(out), "--backend", "local",
                                      "--model-fields", "all",  # asked for something: the crash is in a call
                                      "--model-path", str(fake_worker.model_path),
                                      "--cache-dir", str(fake_worker.cache_dir)])
    assert result.exit_code == 2, result.output
    assert "SIGSEGV" in result.output and "Traceback" not in result.output
    lines = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    by_file = {Path(line["file"]).name: line["status"] for line in lines if "file" in line}
    assert sorted(by_file) == sorted(p.name for p in inputs.iterdir())
    assert set(by_file.values()) == {"not_started"}
    assert not list(out.glob("*.json"))  # nothing half-written


def test_the_worker_keeps_stray_prints_out_of_its_answers(monkeypatch):
    """The real worker's protocol loop, with a stand-in model: one JSON line per request, errors included."""

    class StandIn:
        _input_ids = [1, 2, 3]

        def create_chat_completion(self, **kwargs):
            if kwargs.get("max_tokens") == -1:
                raise ValueError("bad request")
            print("noise from the model")  # goes to stderr in the real process; here to captured stdout
            self._input_ids = [1, 2, 4, 5]
            return {"usage": {"prompt_tokens": 4}, "choices": []}

    monkeypatch.setattr(worker, "load", lambda settings: StandIn())
    monkeypatch.setattr(worker, "system_info", lambda: "AVX2 = 1")
    requests = io.StringIO(json.dumps({"model_path": "m"}) + "\n"
                           + json.dumps({"kwargs": {"max_tokens": 8}}) + "\n"
                           + json.dumps({"kwargs": {"max_tokens": -1}}) + "\n")
    channel = io.StringIO()
    assert worker.serve(requests, channel) == 0
    hello, answer, refused = [json.loads(line) for line in channel.getvalue().splitlines()]
    assert hello["ok"] is True
    assert answer == {"response": {"usage": {"prompt_tokens": 4}, "choices": []}, "cached_tokens": 2}
    assert refused == {"error": "ValueError: bad request"}


NEEDS_LOCAL = pytest.mark.skipif(__import__("importlib").util.find_spec("llama_cpp") is None,
                                 reason="needs the local extra (llama-cpp-python): doctor reports it missing")


def _doctor(fake_worker) -> tuple[int, dict]:
    """The doctor's checks as data (--json), never its table: a table wraps with the terminal's width and the
    length of this CPU's flag string."""
    result = CliRunner().invoke(app, ["doctor", "--backend", "local", "--model-path", str(fake_worker.model_path),
                                      "--json"])
    return result.exit_code, json.loads(result.stdout)


@NEEDS_LOCAL
def test_doctor_shows_the_cpu_the_build_and_a_probe_that_catches_a_crash(fake_worker, monkeypatch):
    monkeypatch.setattr(local, "cpu_flags", lambda: {"avx2", "amx_int8", "amx_tile"})  # not this machine's CPU
    monkeypatch.setenv("FAKE_WORKER_MODE", "ok")
    code, doc = _doctor(fake_worker)
    assert code == 0 and doc["ok"] is True, doc
    assert doc["checks"]["CPU"] == "AVX2 yes, AVX-512 no, AMX yes (amx_int8 amx_tile)"
    assert doc["checks"]["llama.cpp build"] == "AVX2 = 1 | AMX_INT8 = 1"
    assert doc["checks"]["probe"].startswith("ok: loaded in")
    monkeypatch.setenv("FAKE_WORKER_MODE", "crash_on_load")
    code, doc = _doctor(fake_worker)
    assert code == 1 and doc["exit_code"] == 1 and "SIGSEGV" in doc["checks"]["probe"], doc


@NEEDS_LOCAL
def test_doctor_says_when_only_the_safe_setting_works(fake_worker, monkeypatch):
    monkeypatch.setattr(local, "cpu_flags", lambda: {"avx2", "avx512f", "amx_bf16", "amx_int8", "amx_tile"})
    monkeypatch.setenv("FAKE_WORKER_MODE", "crash_on_load_unless_safe")
    monkeypatch.setenv("FAZHI_LLAMA_EXTRA_BUFTS", "1")
    code, doc = _doctor(fake_worker)
    assert code == 0, doc
    probe = doc["checks"]["probe"]
    assert probe.startswith("crashed with extra buffer types") and "; ok without them: loaded in" in probe


def test_doctor_without_the_local_extra_says_so_and_exits_1(fake_worker, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # `import llama_cpp` fails, installed or not
    code, doc = _doctor(fake_worker)
    assert code == 1 and doc["ok"] is False
    assert doc["checks"]["llama-cpp-python"].startswith("not installed") and "probe" not in doc["checks"]


@pytest.mark.skipif(__import__("importlib").util.find_spec("llama_cpp") is None, reason="needs the local extra")
def test_a_corrupt_model_file_is_one_error_from_the_real_model_process(tmp_path, monkeypatch):
    monkeypatch.delenv("FAZHI_LLAMA_EXTRA_BUFTS", raising=False)
    model = tmp_path / "broken.gguf"
    model.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 64)  # a GGUF header, then garbage
    config = Config(backend="local", model_path=model, cache_dir=tmp_path / "cache")
    try:
        with pytest.raises(ConfigError) as caught:  # a load error or a crash: either way one line, exit 2
            local.get_create(config)
        assert caught.value.exit_code == 2 and "embedded model" in str(caught.value)
    finally:
        local._close_models()
