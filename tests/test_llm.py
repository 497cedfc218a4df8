"""ModelClient: the real openai client + instructor against a fake server (loopback or httpx2.MockTransport),
so caching, retries, validation retries and error translation all run for real, offline."""

from __future__ import annotations

import json
import threading

import httpx2
import openai
import pytest
from pydantic import BaseModel, Field

from extractor.model.cache import ResponseCache
from extractor.config import Config
from extractor.errors import ConfigError, InvalidModelOutput, ModelError, TransientModelError
from extractor.model.ledger import Ledger
from extractor.model.client import ModelClient
from fakeserver import chat_completion, error, ok
from schemas.report import CallRecord

KEY = "sk-test-SECRET-0123456789abcdef"
MESSAGES = [
    {"role": "system", "content": "从法治政府建设年度报告中提取。"},
    {"role": "user", "content": "2023年，全市共办理行政复议案件312件。"},
]
GOOD = {"name": "行政复议案件", "count": 312}


class Answer(BaseModel):
    name: str = Field(description="What is counted.")
    count: int


class AnswerReworded(BaseModel):  # same fields, edited description: must not reuse Answer's cache entries
    name: str = Field(description="What is counted, in Chinese.")
    count: int


@pytest.fixture
def make_client(fake_openai, tmp_path):
    """Build a ModelClient on the fake server; `client.waits` holds every backoff tenacity asked for."""
    made: list[ModelClient] = []

    def make(**overrides) -> ModelClient:
        values = dict(backend="openai", base_url=fake_openai.url, model="fake-model", api_key=KEY,
                      cache_dir=tmp_path / "cache", timeout=5.0, max_retries=2, validation_retries=1)
        values.update(overrides)
        waits: list[float] = []
        client = ModelClient(Config(**values), sleep=waits.append)
        client.waits = waits  # type: ignore[attr-defined]
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def ask(client: ModelClient, *, model=Answer, version="v1", **kw):
    return client.ask(kind="metrics", prompt_version=version, messages=MESSAGES, response_model=model,
                      section="一/（二）", **kw)


def mock_client(tmp_path, handler, **overrides) -> ModelClient:
    values = dict(backend="openai", base_url="http://fake.invalid/v1", model="fake-model", api_key=KEY,
                  cache_dir=tmp_path / "cache", max_retries=2, validation_retries=1)
    values.update(overrides)
    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    return ModelClient(Config(**values), http_client=http, sleep=lambda seconds: None)


# -- the happy path -------------------------------------------------------------------------------------------


def test_valid_reply_is_parsed_and_its_tokens_recorded(fake_openai, make_client):
    fake_openai.ok(GOOD, usage=(120, 30))
    client = make_client()

    assert ask(client) == Answer(**GOOD)

    request = fake_openai.requests[0]
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.json["model"] == "fake-model" and request.json["temperature"] == 0.0
    assert request.json["tools"][0]["function"]["name"] == "Answer"  # tools is the default openai mode
    assert client.ledger.records == [
        CallRecord(kind="metrics", section="一/（二）", tokens_in=120, tokens_out=30, cached=False,
                   seconds=client.ledger.records[0].seconds, ok=True)
    ]


@pytest.mark.parametrize("mode", ["tools", "json_schema", "json", "md_json"])
def test_every_mode_round_trips(fake_openai, make_client, mode):
    fake_openai.ok(GOOD)
    client = make_client(mode=mode)

    assert ask(client) == Answer(**GOOD)

    body = fake_openai.requests[0].json
    expected_format = {"tools": None, "json_schema": "json_schema", "json": "json_object", "md_json": None}[mode]
    assert (body.get("response_format") or {}).get("type") == expected_format
    assert ("tools" in body) == (mode == "tools")


def test_max_tokens_is_sent_when_given(fake_openai, make_client):
    fake_openai.ok(GOOD)
    ask(make_client(), max_tokens=256)
    assert fake_openai.requests[0].json["max_tokens"] == 256


# -- transient failures: tenacity -----------------------------------------------------------------------------


@pytest.mark.parametrize("headers, wait", [({"Retry-After": "2"}, 2.0), ({"retry-after-ms": "250"}, 0.25)])
def test_rate_limit_is_retried_after_the_wait_the_server_asks_for(fake_openai, make_client, headers, wait):
    fake_openai.error(429, headers=headers).ok(GOOD)
    client = make_client()

    assert ask(client) == Answer(**GOOD)
    assert fake_openai.count == 2
    assert client.waits == [wait]


def test_retry_after_longer_than_the_cap_waits_the_cap(fake_openai, make_client):
    fake_openai.error(429, headers={"Retry-After": "86400"}).ok(GOOD)
    client = make_client()
    ask(client)
    assert client.waits == [60.0]


def test_server_errors_beyond_the_retry_budget_raise_transient_error_with_attempts(fake_openai, make_client):
    fake_openai.error(500).error(502).error(503).ok(GOOD)  # the ok is never reached
    client = make_client(max_retries=2)

    with pytest.raises(TransientModelError) as caught:
        ask(client)

    assert caught.value.attempts == 3 and fake_openai.count == 3
    assert caught.value.section == "一/（二）"
    assert "HTTP 503" in str(caught.value)
    assert len(client.waits) == 2 and all(0 < w <= 30 for w in client.waits)  # backoff with jitter
    assert client.ledger.records[0].ok is False


def test_timeout_is_retried_then_raises_transient_error(fake_openai, make_client):
    fake_openai.delay(2.0, GOOD).delay(2.0, GOOD)
    client = make_client(timeout=0.2, max_retries=1)

    with pytest.raises(TransientModelError) as caught:
        ask(client)

    assert caught.value.attempts == 2 and fake_openai.count == 2
    assert "no reply within 0.2s" in str(caught.value)


def test_a_dropped_connection_is_transient(tmp_path):
    def drop(request):
        raise httpx2.ReadError("connection reset by peer", request=request)

    with pytest.raises(TransientModelError) as caught:
        ask(mock_client(tmp_path, drop, max_retries=1))
    assert caught.value.attempts == 2


def test_a_refused_connection_is_a_configuration_fault_after_one_attempt(tmp_path):
    attempts = []

    def refuse(request):
        attempts.append(request)
        raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(ConfigError) as caught:
        ask(mock_client(tmp_path, refuse, max_retries=3))
    assert len(attempts) == 1
    assert "http://fake.invalid/v1" in str(caught.value) and "refused" in str(caught.value)


# -- invalid output: instructor's validation retries ----------------------------------------------------------


def test_malformed_json_then_valid_succeeds_through_a_validation_retry(fake_openai, make_client):
    fake_openai.malformed('{"name": "行政复议案件", "count": ').ok(GOOD)
    client = make_client(validation_retries=1)

    assert ask(client) == Answer(**GOOD)
    assert fake_openai.count == 2
    # The error was fed back: the retry carries the failed reply and the correction request.
    first, second = (r.json["messages"] for r in fake_openai.requests)
    assert len(second) > len(first) and "Validation Error" in json.dumps(second, ensure_ascii=False)
    assert client.ledger.totals()["tokens_in"] == 20  # both attempts are paid for


def test_valid_json_of_the_wrong_schema_every_time_raises_invalid_model_output(fake_openai, make_client):
    fake_openai.responder = lambda request: {"title": "not an Answer"}
    client = make_client(validation_retries=2)

    with pytest.raises(InvalidModelOutput) as caught:
        ask(client)

    assert caught.value.attempts == 3 and fake_openai.count == 3
    assert "Answer" in str(caught.value) and caught.value.hint
    assert client.cache.stats()["entries"] == 0  # only validated answers are stored
    assert client.ledger.records[0].tokens_in == 30  # failed attempts still cost tokens


def test_reply_cut_off_twice_at_the_token_limit_is_invalid_output(fake_openai, make_client):
    fake_openai.ok(GOOD, finish_reason="length").ok(GOOD, finish_reason="length")
    with pytest.raises(InvalidModelOutput, match="token limit"):
        ask(make_client())
    assert fake_openai.count == 2


def test_reply_cut_off_once_is_asked_again_with_a_larger_token_budget(fake_openai, make_client):
    fake_openai.ok(GOOD, finish_reason="length").ok(GOOD)
    client = make_client()

    assert ask(client, max_tokens=100) == Answer(**GOOD)
    first, second = (r.json for r in fake_openai.requests)
    assert first["max_tokens"] == 100 and second["max_tokens"] == 200
    # cached under the request as asked: the next identical ask is a hit, not a third request
    assert ask(client, max_tokens=100) == Answer(**GOOD) and fake_openai.count == 2


# -- other API errors -----------------------------------------------------------------------------------------


def test_bad_request_is_not_retried_and_suggests_another_mode(tmp_path):
    calls = []

    def reject(request):
        calls.append(request)
        return httpx2.Response(400, json={"error": {"message": "tools are not supported"}})

    with pytest.raises(ModelError) as caught:
        ask(mock_client(tmp_path, reject))
    assert type(caught.value) is ModelError and len(calls) == 1
    assert "tools are not supported" in str(caught.value) and "--mode" in caught.value.hint


def test_unknown_mode_and_rules_backend_are_config_errors(tmp_path):
    with pytest.raises(ConfigError):
        ModelClient(Config(backend="openai", mode="yaml", cache_dir=tmp_path))
    with pytest.raises(ConfigError):
        ModelClient(Config(backend="rules", cache_dir=tmp_path))


# -- the API key stays secret ---------------------------------------------------------------------------------


def _chain(exc: BaseException | None):
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def test_rejected_key_says_what_to_do_without_repeating_the_key(fake_openai, make_client):
    fake_openai.error(401, {"error": {"message": f"Incorrect API key provided: {KEY}", "type": "invalid_request_error"}})

    with pytest.raises(ConfigError) as caught:  # configuration, not one item's failure: the run stops
        ask(make_client())

    assert fake_openai.count == 1  # not retried
    assert "--api-key" in str(caught.value)
    for exc in _chain(caught.value):
        assert KEY not in str(exc) and KEY not in repr(exc)


def test_transient_errors_echoing_the_key_do_not_leak_it(fake_openai, make_client):
    fake_openai.enqueue(*[error(503, {"error": {"message": f"upstream rejected {KEY}"}})] * 3)
    with pytest.raises(TransientModelError) as caught:
        ask(make_client(max_retries=2))
    for exc in _chain(caught.value):
        assert KEY not in str(exc)


def test_api_key_is_nowhere_under_the_cache_directory(fake_openai, make_client, tmp_path):
    fake_openai.responder = lambda request: GOOD
    client = make_client()
    ask(client)
    ask(client, version="v2")
    client.close()

    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path


# -- the cache ------------------------------------------------------------------------------------------------


def test_second_identical_ask_makes_no_request_and_is_recorded_as_a_cache_hit(fake_openai, make_client):
    fake_openai.ok(GOOD)
    client = make_client()

    assert ask(client) == ask(client) == Answer(**GOOD)

    assert fake_openai.count == 1
    totals = client.ledger.totals()
    assert totals["calls"] == 2 and totals["cache_hits"] == 1 and totals["tokens_in"] == 10
    assert [r.cached for r in client.ledger.records] == [False, True]


def test_cache_survives_a_restart(fake_openai, make_client):
    fake_openai.ok(GOOD)
    ask(make_client())
    assert ask(make_client()) == Answer(**GOOD)
    assert fake_openai.count == 1


def test_refresh_asks_again_and_rewrites(fake_openai, make_client):
    fake_openai.ok(GOOD).ok({"name": "行政应诉案件", "count": 7})
    ask(make_client())
    assert ask(make_client(refresh=True)).count == 7
    assert ask(make_client()).count == 7  # the refreshed answer replaced the old one
    assert fake_openai.count == 2


def test_changed_prompt_version_or_response_model_misses_the_cache(fake_openai, make_client):
    fake_openai.responder = lambda request: GOOD
    client = make_client()

    ask(client, version="v1")
    ask(client, version="v2")
    ask(client, version="v2", model=AnswerReworded)
    ask(client, version="v2", model=AnswerReworded)

    assert fake_openai.count == 3
    assert client.cache.stats()["hits"] == 1


def test_cache_key_ignores_the_api_key_but_not_the_mode(tmp_path):
    def key(**overrides):
        config = Config(backend="openai", base_url="http://x/v1", model="m", cache_dir=tmp_path, **overrides)
        with ModelClient(config) as client:
            return client.key_for(kind="k", prompt_version="v", messages=MESSAGES, response_model=Answer)

    assert key(api_key="a") == key(api_key="b") != key(api_key="a", mode="json")


def test_response_cache_stats_and_clear(tmp_path):
    cache = ResponseCache(tmp_path / "c")
    cache.set("k", {"value": {"a": 1}})
    assert cache.get("k") == {"value": {"a": 1}} and cache.get("missing") is None
    stats = cache.stats()
    assert (stats["entries"], stats["hits"], stats["misses"]) == (1, 1, 1) and stats["size_bytes"] >= 0
    cache.clear()
    assert cache.stats()["entries"] == 0
    cache.close()


# -- the local backend contract -------------------------------------------------------------------------------


def test_local_backend_patches_the_injected_create_in_json_schema_mode(tmp_path):
    seen = []

    def create(**kwargs):  # stands in for llama-cpp-python's create_chat_completion_openai_v1
        seen.append(kwargs)
        return openai.types.chat.ChatCompletion.model_validate(chat_completion(kwargs, ok(GOOD), usage=(40, 8)))

    with ModelClient(Config(backend="local", cache_dir=tmp_path), create=create) as client:
        assert ask(client) == Answer(**GOOD)
        assert seen[0]["response_format"]["type"] == "json_schema"
        assert client.ledger.totals()["tokens_in"] == 40


def test_local_backend_failure_is_a_model_error_with_the_cause_kept(tmp_path):
    def create(**kwargs):
        raise RuntimeError("llama_decode returned -1")

    with ModelClient(Config(backend="local", cache_dir=tmp_path), create=create) as client:
        with pytest.raises(ModelError, match="llama_decode") as caught:
            ask(client)
    assert isinstance(caught.value.__cause__, RuntimeError) and caught.value.attempts == 1


# -- the ledger -----------------------------------------------------------------------------------------------


def test_ledger_totals_cost_and_is_thread_safe():
    ledger = Ledger(price_in_per_1k=0.5, price_out_per_1k=2.0)
    record = CallRecord(kind="k", tokens_in=1000, tokens_out=100, seconds=0.01)
    threads = [threading.Thread(target=lambda: [ledger.record(record) for _ in range(100)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    totals = ledger.totals()
    assert totals["calls"] == 800 and totals["tokens_in"] == 800_000
    assert totals["cost"] == pytest.approx(800 * (0.5 + 0.2))
    assert Ledger().totals()["cost"] is None


def test_one_client_serves_concurrent_asks(fake_openai, make_client):
    fake_openai.responder = lambda request: GOOD
    client = make_client()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            assert ask(client, version=f"v{n}") == Answer(**GOOD)
        except BaseException as exc:  # surfaced below; a thread's assertion would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not errors and fake_openai.count == 8 and client.ledger.totals()["calls"] == 8


def test_fake_server_lists_models(fake_openai):
    with openai.OpenAI(base_url=fake_openai.url, api_key="x", max_retries=0) as client:
        assert [m.id for m in client.models.list()] == ["fake-model"]
