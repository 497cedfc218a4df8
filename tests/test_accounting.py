"""What a batch promises about the endpoint: `-j N` never has more than N requests in flight (the calls a
report makes outside its plan go through the shared pool too), and every reply's usage is counted, a reply
cut off at the token limit included."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from extractor.config import Config
from extractor.model.client import ModelClient
from extractor.runs.batch import run_batch
from fakeserver import ok
from responders import report_responder
from schemas.responses import SummaryAnswer

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


class InFlight:
    """A responder that holds each request a moment and records how many were held at once."""

    def __init__(self, seconds: float = 0.03):
        self.seconds, self.now, self.most, self.lock = seconds, 0, 0, threading.Lock()

    def __call__(self, request: dict):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(self.seconds)
        with self.lock:
            self.now -= 1
        return report_responder(request)


def test_concurrency_4_never_has_more_than_4_requests_in_flight(fake_openai, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for n in range(3):  # reports that start while the others' calls fill the pool
        for seed in SEEDS:
            shutil.copy(seed, src / f"{n}-{seed.name}")
    counter = InFlight()
    fake_openai.responder = counter
    config = Config(backend="openai", base_url=fake_openai.url, api_key="sk-test", cache_dir=tmp_path / "cache",
                    refresh=True)  # every copy asks every call: reports start while the pool is full
    summary = run_batch(src, tmp_path / "out", config, concurrency=4)
    assert summary.exit_code == 0
    assert any(r.json and "PartAnswer" in str(r.json) for r in fake_openai.requests)  # parts calls were made
    assert 1 < counter.most <= 4


def test_a_reply_cut_off_at_the_token_limit_is_counted(fake_openai, tmp_path):
    fake_openai.enqueue(ok({"summary": "a"}, finish_reason="length", usage=(300, 40)), ok({"summary": "b"}, usage=(300, 80)))
    config = Config(backend="openai", base_url=fake_openai.url, api_key="sk-test", cache_dir=tmp_path)
    with ModelClient(config, sleep=lambda s: None) as client:
        client.ask(kind="rectifications", prompt_version="v", messages=[{"role": "user", "content": "x"}],
                   response_model=SummaryAnswer)
        totals = client.ledger.totals()
    assert fake_openai.count == 2 and (totals["tokens_in"], totals["tokens_out"]) == (600, 120)


def test_under_random_429_500_and_cut_off_replies_every_served_token_is_counted(fake_openai, tmp_path):
    import random

    from fakeserver import Action, error

    rng = random.Random(21)
    served = []

    def flaky(request):
        roll = rng.random()
        if roll < 0.2:
            return error(429, headers={"Retry-After": "0"})
        if roll < 0.3:
            return error(500, headers={"Retry-After": "0"})
        served.append(1)  # a 200 reply: it carries usage (10 in, 5 out)
        answer = report_responder(request)
        return Action(payload=answer, finish_reason="length") if roll < 0.4 else answer

    fake_openai.responder = flaky
    src = tmp_path / "in"
    src.mkdir()
    for seed in SEEDS[2:5]:
        shutil.copy(seed, src / seed.name)
    config = Config(backend="openai", base_url=fake_openai.url, api_key="k", cache_dir=tmp_path / "cache", max_retries=2)
    summary = run_batch(src, tmp_path / "out", config)
    assert {e.status for e in summary.entries} <= {"ok", "degraded"}
    assert (summary.total("tokens_in"), summary.total("tokens_out")) == (10 * len(served), 5 * len(served))
