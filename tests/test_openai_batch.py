"""`batch --via openai-batch`: a folder's model calls answered through the OpenAI Batch API (Files + Batches
endpoints of the fake server), then the normal run served entirely from the response cache."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from batchfixtures import SEED_NAMES, SEEDS, clean_env, manifest_lines, seeds_dir, statuses  # noqa: F401
from extractor.cli.app import app
from extractor.config import Config
from extractor.errors import ConfigError
from extractor.model.client import ModelClient
from extractor.runs.batch import run_batch
from extractor.runs.openai_batch import OpenAIBatch
from responders import report_responder
from schemas.report import Report


def _one_report(tmp_path):
    """An input folder holding one small seed as a.txt."""
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEEDS / SEED_NAMES[2], d / "a.txt")
    return d


def _config(fake, tmp_path, **kw) -> Config:
    return Config(**{"backend": "openai", "base_url": fake.url, "model": "fake-model", "api_key": "sk-batch",
                     "cache_dir": tmp_path / "cache", **kw})


def _run(d, out, config, **kw):
    via = OpenAIBatch(config, out, poll_seconds=0, **kw)
    return run_batch(d, out, config, prepare=via.prepare)


def _batch_lines(out):
    return [row for row in manifest_lines(out) if row.get("kind") == "openai_batch"]


def _input_lines(fake, batch_id) -> list[dict]:
    data = fake.files[fake.batches[batch_id]["input_file_id"]]["data"].decode("utf-8")
    return [json.loads(line) for line in data.splitlines()]


def test_seeds_through_the_batch_api_are_all_ok_with_no_direct_call_and_a_rerun_submits_nothing(tmp_path, fake_openai):
    fake_openai.responder = report_responder
    fake_openai.batch_polls = 2
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    config = _config(fake_openai, tmp_path)

    summary = _run(d, out, config)
    assert statuses(summary) == {name: "ok" for name in SEED_NAMES}, [e.error for e in summary.entries]
    assert fake_openai.chat_count == 0
    assert len(fake_openai.batches) == 1
    (batch_id,) = fake_openai.batches
    lines = _batch_lines(out)
    assert [(row["batch_id"], row["status"], row["collected"]) for row in lines] == [
        (batch_id, "submitted", False), (batch_id, "completed", True)]
    planned = len(_input_lines(fake_openai, batch_id))
    assert lines[1]["answered"] == planned and lines[1]["failed"] == 0 and lines[1]["tokens_in"] > 0
    # The normal run asked every call and found each in the cache.
    per_report = [e for e in summary.entries]
    assert all(e.calls > 0 and e.cache_hits == e.calls for e in per_report)
    assert any(f"tokens in / out {lines[1]['tokens_in']:,} / {lines[1]['tokens_out']:,}" in n for n in summary.notes)
    assert "sk-batch" not in (out / "manifest.jsonl").read_text(encoding="utf-8")

    files_before = len(fake_openai.files)
    again = _run(d, out, config)
    assert set(statuses(again).values()) == {"skipped"}
    assert len(fake_openai.batches) == 1 and len(fake_openai.files) == files_before and fake_openai.chat_count == 0

    forced = run_batch(d, out, config, force=True, prepare=OpenAIBatch(config, out, poll_seconds=0).prepare)
    assert set(statuses(forced).values()) == {"ok"} and len(fake_openai.batches) == 1
    assert any("nothing submitted" in note for note in forced.notes)


def test_the_batch_request_is_the_request_a_direct_run_sends(tmp_path, fake_openai):
    fake_openai.responder = report_responder
    d = _one_report(tmp_path)
    run_batch(d, tmp_path / "direct", _config(fake_openai, tmp_path, cache_dir=tmp_path / "c1"))
    direct = [r.json for r in fake_openai.requests if r.path.endswith("/chat/completions")]

    _run(d, tmp_path / "batched", _config(fake_openai, tmp_path, cache_dir=tmp_path / "c2"))
    (batch_id,) = fake_openai.batches
    sent = _input_lines(fake_openai, batch_id)
    assert {line["url"] for line in sent} == {"/v1/chat/completions"}
    canon = lambda body: json.dumps(body, sort_keys=True, ensure_ascii=False)  # noqa: E731
    assert sorted(canon(line["body"]) for line in sent) == sorted(canon(body) for body in direct)
    # custom_id is the cache key a direct run stored the answer under.
    with ModelClient(_config(fake_openai, tmp_path, cache_dir=tmp_path / "c1")) as client:
        assert all(client.cache.get(line["custom_id"]) is not None for line in sent)
    outputs = [json.loads((tmp_path / n / "a.json").read_text(encoding="utf-8")) for n in ("direct", "batched")]
    for o in outputs:
        o.pop("run")
    assert outputs[0] == outputs[1]


def test_error_and_expired_lines_are_sent_as_normal_calls_and_reported(tmp_path, fake_openai):
    fake_openai.responder = report_responder
    failing: list[str] = []

    def fail(custom_id: str):
        if len(failing) < 3:
            failing.append(custom_id)
            return "batch_expired" if len(failing) < 3 else "server_error"
        return None

    fake_openai.batch_fail = fail
    d = _one_report(tmp_path)
    out = tmp_path / "out"
    summary = _run(d, out, _config(fake_openai, tmp_path))

    assert statuses(summary) == {"a.txt": "ok"}
    assert fake_openai.chat_count == 3  # exactly the three lines the batch did not answer
    collected = _batch_lines(out)[-1]
    assert collected["failed"] == 3 and collected["errors"] == {"batch_expired": 2, "server_error": 1}
    assert any("3 calls not answered by a batch (batch_expired ×2, server_error ×1)" in n for n in summary.notes)


def test_a_reply_that_does_not_validate_is_asked_again_directly(tmp_path, fake_openai):
    bad = {"n": 0}

    def responder(request):
        if "tools" in request and bad["n"] == 0:  # the batch's first line: a reply missing its fields
            bad["n"] += 1
            return {"nonsense": True}
        return report_responder(request)

    fake_openai.responder = responder
    d = _one_report(tmp_path)
    out = tmp_path / "out"
    summary = _run(d, out, _config(fake_openai, tmp_path))
    assert statuses(summary) == {"a.txt": "ok"} and fake_openai.chat_count == 1
    assert _batch_lines(out)[-1]["errors"] == {"invalid_reply": 1}


def test_a_run_killed_while_polling_resumes_the_recorded_batch_instead_of_submitting_again(tmp_path, fake_openai):
    fake_openai.responder = report_responder
    fake_openai.batch_polls = 3
    d = _one_report(tmp_path)
    out = tmp_path / "out"
    config = _config(fake_openai, tmp_path)

    def interrupted(seconds):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(d, out, config, prepare=OpenAIBatch(config, out, sleep=interrupted).prepare)
    assert [row["status"] for row in _batch_lines(out)] == ["submitted"]
    assert not list(out.glob("a.json"))
    assert [(row["file"], row["status"]) for row in manifest_lines(out) if "file" in row] == [("a.txt", "not_started")]

    summary = _run(d, out, config)
    assert statuses(summary) == {"a.txt": "ok"}
    assert len(fake_openai.batches) == 1 and fake_openai.chat_count == 0
    assert any("resumed 1 batch" in note for note in summary.notes)


def test_a_batch_that_fails_as_a_whole_falls_back_to_direct_calls(tmp_path, fake_openai):
    fake_openai.responder = report_responder
    fake_openai.batch_status = "failed"
    d = _one_report(tmp_path)
    out = tmp_path / "out"
    summary = _run(d, out, _config(fake_openai, tmp_path))
    assert statuses(summary) == {"a.txt": "ok"}
    (batch_id,) = fake_openai.batches
    planned = len(_input_lines(fake_openai, batch_id))
    assert fake_openai.chat_count == planned
    assert any(f"{batch_id} failed (fake failure)" in note for note in summary.notes)


def test_calls_are_split_into_batches_of_at_most_max_lines(tmp_path, fake_openai):
    fake_openai.responder = report_responder
    d = _one_report(tmp_path)
    summary = _run(d, tmp_path / "out", _config(fake_openai, tmp_path), max_lines=5)
    sizes = [len(_input_lines(fake_openai, b)) for b in fake_openai.batches]
    assert len(sizes) > 1 and max(sizes) <= 5
    assert statuses(summary) == {"a.txt": "ok"} and fake_openai.chat_count == 0


def test_via_openai_batch_needs_an_endpoint():
    with pytest.raises(ConfigError, match="needs an OpenAI-compatible endpoint"):
        OpenAIBatch(Config(backend="rules"), SEEDS)


def test_via_openai_batch_refuses_refresh_which_would_pay_for_every_call_twice(tmp_path):
    config = Config(backend="openai", base_url="http://127.0.0.1:9/v1", refresh=True, cache_dir=tmp_path)
    with pytest.raises(ConfigError, match="--refresh cannot be combined"):
        OpenAIBatch(config, tmp_path)


def test_cli_via_openai_batch_runs_the_batch_and_reports_it(tmp_path, fake_openai):
    fake_openai.responder = report_responder
    d = _one_report(tmp_path)
    args = ["batch", str(d), "-o", str(tmp_path / "out"), "--via", "openai-batch", "--poll-interval", "0",
            "--backend", "openai", "--base-url", fake_openai.url, "--api-key", "k", "--cache-dir", str(tmp_path / "c"),
            "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counts"]["ok"] == 1 and any("answered by batch" in n for n in summary["notes"])
    assert fake_openai.chat_count == 0
    Report.model_validate_json((tmp_path / "out" / "a.json").read_bytes())


@pytest.mark.parametrize("options, message", [
    (["--via", "carrier-pigeon"], "unknown --via"),
    (["--engine", "spark"], "unknown --engine"),
    (["--ray-address", "auto"], "--ray-address needs --engine ray"),
    (["--via", "openai-batch", "--backend", "rules"], "needs an OpenAI-compatible endpoint"),
])
def test_cli_rejects_bad_scale_options_with_one_line_and_exit_2(tmp_path, options, message):
    result = CliRunner().invoke(app, ["batch", str(SEEDS), "-o", str(tmp_path / "o"), *options])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("mode", ["tools", "json_schema", "json", "md_json"])
def test_request_body_is_what_instructor_sends_and_its_reply_parses_into_the_cache(tmp_path, fake_openai, mode):
    from extractor.model import prompts
    from fakeserver import chat_completion, ok
    from schemas.responses import MeasureAnswer

    fake_openai.responder = report_responder
    prompt = prompts.load("measures")
    messages = prompt.messages(heading="（二）执法监督", text="一是开展执法案卷评查。抽查案卷120卷，发现问题并督促整改。")
    config = _config(fake_openai, tmp_path, mode=mode, refresh=True)
    with ModelClient(config) as client:
        direct = client.ask(kind="measures", prompt_version=prompt.version, messages=messages, response_model=MeasureAnswer)
        body = client.request_body(messages=messages, response_model=MeasureAnswer)
        assert body == fake_openai.requests[-1].json
        key = client.key_for(kind="measures", prompt_version=prompt.version, messages=messages, response_model=MeasureAnswer)
        client.cache.clear()
        reply = chat_completion(body, ok(report_responder(body)))
        assert client.store_completion(key, reply, MeasureAnswer) == direct
    with ModelClient(config.with_(refresh=False)) as client:
        assert client.cached(key, MeasureAnswer) == direct
