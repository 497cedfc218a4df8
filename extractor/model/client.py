"""The one client layer: every model call in the tool goes through `ModelClient.ask()`.

    ask() ─ cache hit? ──────────────────────────────────────────────────────────────┐
            └ miss → tenacity (transient retries) → instructor (validation retries) ─┴→ ledger record
                                                    └ validated object → cache store

Policies that live here and nowhere else:

- **Transient retries** (tenacity): 408/409/429/5xx, timeouts and connection errors, at most
  `config.max_retries` retries, with the wait `failures.wait` computes. Tenacity wraps the whole instructor
  call (instructor hands API errors out wrapped in `InstructorRetryException`; `failures` classifies its
  `__cause__`), so a 429 in the middle of a validation retry starts that call over; tokens already spent
  are still counted.
- **Validation retries** (instructor): `max_retries=config.validation_retries`; instructor feeds the
  validation error back to the model on each retry.
- **Caching and accounting**: diskcache entries keyed by `cache.cache_key`; every call, hit or miss,
  recorded in the ledger.

Backend adapters are in `backends.py`; error translation in `failures.py`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from instructor.core import InstructorRetryException
from instructor.processing.response import handle_response_model, process_response
from openai.types.chat import ChatCompletion
from pydantic import BaseModel
from tenacity import Retrying, retry_if_exception, stop_after_attempt

from extractor.config import Config
from extractor.errors import FazhiError
from extractor.model import failures
from extractor.model.backends import MODES, connect, resolve_mode
from extractor.model.cache import ResponseCache, cache_key, default_dir
from extractor.model.ledger import Ledger
from schemas.report import CallRecord

T = TypeVar("T", bound=BaseModel)

# instructor logs every failed attempt at ERROR with the server's reply; without a handler Python's
# last-resort handler prints it to stderr. The CLI reports failures itself, as one line.
logging.getLogger("instructor").addHandler(logging.NullHandler())


@dataclass
class _Tally:
    """What one ask() spent, successful or not."""

    attempts: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0  # prompt tokens the server took from its prefix cache (llama.cpp KV, OpenAI caching)

    def add(self, usage: Any) -> None:
        tokens_in, tokens_out, cached = _usage_tokens(usage)
        self.tokens_in += tokens_in
        self.tokens_out += tokens_out
        self.tokens_cached += cached


class ModelClient:
    """Ask a model for a validated `response_model`, through cache, retries and the ledger.

    `http_client` (openai backend) lets tests pass `httpx2.Client(transport=httpx2.MockTransport(...))`;
    `create` (local backend) replaces `extractor.model.local.get_create(config)`; `sleep` is what tenacity waits
    with, so tests can record the waits instead of spending them. The instance is safe to share between
    threads (openai's client and diskcache are; each ask() builds its own retry state).
    """

    def __init__(
        self,
        config: Config,
        *,
        ledger: Ledger | None = None,
        create: Callable[..., Any] | None = None,
        http_client: Any = None,
        cache: ResponseCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        backend, mode = resolve_mode(config)
        self.config = config
        self.backend = backend
        self.mode = mode
        self.ledger = ledger if ledger is not None else Ledger.for_config(config)
        self._owns_cache = cache is None  # a cache shared by a batch is closed by whoever opened it
        self.cache = cache if cache is not None else ResponseCache(default_dir(config))
        self._sleep = sleep
        self._translator = failures.Translator(config, backend)
        self._client, self._openai = connect(config, backend, mode, create=create, http_client=http_client)

    def ask(
        self,
        *,
        kind: str,
        prompt_version: str,
        messages: list[dict],
        response_model: type[T],
        section: str | None = None,
        max_tokens: int | None = None,
    ) -> T:
        started = time.monotonic()
        key = self.key_for(kind=kind, prompt_version=prompt_version, messages=messages,
                           response_model=response_model, max_tokens=max_tokens)
        if not self.config.refresh:
            hit = self._cached(key, response_model)
            if hit is not None:
                self._record(kind, section, started, _Tally(), cached=True, ok=True)
                return hit

        tally = _Tally()
        try:
            result = self._call(messages, response_model, max_tokens, tally)
        except FazhiError as err:
            err.section = err.section or section
            self._record(kind, section, started, tally, cached=False, ok=False)
            raise
        value = self._store(key, result, tally)
        self._record(kind, section, started, tally, cached=False, ok=True)
        # Rebuilt from what was cached so a miss returns exactly what a later hit will (and no
        # instructor-attached raw completion rides along on the object).
        return response_model.model_validate(value)

    def key_for(self, *, kind: str, prompt_version: str, messages: list[dict], response_model: type[BaseModel],
                max_tokens: int | None = None) -> str:
        """The cache key ask() uses; the endpoint counts only for the openai backend."""
        return cache_key(
            backend=self.backend,
            model=self.config.model_name,
            base_url=self.config.base_url if self.backend == "openai" else None,
            prompt_version=prompt_version,
            kind=kind,
            messages=messages,
            response_model=response_model,
            params={"temperature": self.config.temperature, "max_tokens": max_tokens, "mode": self.mode},
        )

    @property
    def openai(self) -> Any:
        """The openai client under instructor (None for the local backend), for endpoints other than chat
        (the Batch API's Files and Batches); it has no retries of its own, like every call here."""
        return self._openai

    @property
    def translator(self) -> failures.Translator:
        return self._translator

    def cached(self, key: str, response_model: type[T]) -> T | None:
        """The cached answer under `key`, or None (a miss, or `--refresh`)."""
        return None if self.config.refresh else self._cached(key, response_model)

    # -- requests answered elsewhere (the OpenAI Batch API: extractor/runs/openai_batch.py) -----------------

    def request_body(self, *, messages: list[dict], response_model: type[BaseModel],
                     max_tokens: int | None = None) -> dict:
        """The chat.completions body ask() sends on its first attempt: instructor's own request building
        for this mode (tools / response_format / schema-in-prompt), so an answer to it parses like one."""
        kwargs: dict[str, Any] = {"model": self.config.model_name, "messages": [dict(m) for m in messages],
                                  "temperature": self.config.temperature}
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        _, body = handle_response_model(response_model, MODES[self.mode], **kwargs)
        return body

    def store_completion(self, key: str, completion: dict, response_model: type[T]) -> T:
        """Parse a chat.completion body (a Batch API output line's `response.body`) the way instructor
        parses a direct reply for this mode, and cache the validated answer under `key` exactly as ask()
        would. Raises `InvalidModelOutput` when the reply does not validate (nothing is cached then: the
        call is simply made again, directly, with instructor's validation retries)."""
        tally = _Tally(attempts=1)
        try:
            parsed = ChatCompletion.model_validate(completion)
            tally.add(parsed.usage)
            prepared, _ = handle_response_model(response_model, MODES[self.mode])
            result = process_response(parsed, response_model=prepared, stream=False, mode=MODES[self.mode])
        except Exception as exc:  # noqa: BLE001 — any parse or validation failure makes this line a miss
            error = self._translator.batch_reply(exc, response_model)
        else:
            return response_model.model_validate(self._store(key, result, tally))
        raise error  # outside the except block: the foreign exception is not chained

    def close(self) -> None:
        if self._openai is not None:
            self._openai.close()
        if self._owns_cache:
            self.cache.close()

    def __enter__(self) -> "ModelClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------------------

    def _store(self, key: str, result: BaseModel, tally: _Tally) -> dict:
        value = result.model_dump(mode="json")
        self.cache.set(key, {"value": value, "usage": {"tokens_in": tally.tokens_in, "tokens_out": tally.tokens_out}})
        return value

    def _cached(self, key: str, response_model: type[T]) -> T | None:
        entry = self.cache.get(key)
        if entry is None:
            return None
        try:
            return response_model.model_validate(entry["value"])
        except (KeyError, TypeError, ValueError):
            # The schema is in the key, but a validator's code is not: an entry it now rejects is a miss.
            return None

    def _call(self, messages: list[dict], response_model: type[T], max_tokens: int | None, tally: _Tally) -> T:
        kwargs: dict[str, Any] = {
            "model": self.config.model_name,
            # Copies: instructor appends reask turns to the list it is given.
            "messages": [dict(m) for m in messages],
            "response_model": response_model,
            "max_retries": self.config.validation_retries,
            "temperature": self.config.temperature,
        }
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        retrying = Retrying(
            stop=stop_after_attempt(self.config.max_retries + 1),
            wait=failures.wait,
            retry=retry_if_exception(failures.is_transient),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return self._attempt(retrying, kwargs, tally)
        except Exception as exc:  # noqa: BLE001 — translated below, or re-raised untouched if not ours
            error = self._translator.translate(exc, tally.attempts, response_model)
            if error is None:
                raise
        # Raised outside the except block so the foreign exception is not attached as __context__.
        raise error

    def _attempt(self, retrying: Retrying, kwargs: dict[str, Any], tally: _Tally) -> Any:
        for attempt in retrying:
            with attempt:
                tally.attempts += 1
                try:
                    result, completion = self._client.create_with_completion(**kwargs)
                except InstructorRetryException as exc:
                    tally.add(exc.total_usage)  # tokens spent on failed validation attempts still count
                    raise
                # _total_usage sums instructor's validation attempts; the completion holds only the last.
                tally.add(getattr(result, "_total_usage", None) or getattr(completion, "usage", None))
                return result
        raise AssertionError("tenacity stopped without an outcome")  # unreachable with reraise=True

    def _record(self, kind: str, section: str | None, started: float, tally: _Tally, *, cached: bool,
                ok: bool) -> None:
        self.ledger.record(CallRecord(
            kind=kind, section=section, tokens_in=tally.tokens_in, tokens_out=tally.tokens_out,
            tokens_cached=tally.tokens_cached, cached=cached,
            seconds=round(time.monotonic() - started, 3), ok=ok,
        ))


def _usage_tokens(usage: Any) -> tuple[int, int, int]:
    """(prompt, completion, cached prompt) tokens from an openai `CompletionUsage`, a plain dict or None."""
    if usage is None:
        return 0, 0, 0
    if isinstance(usage, dict):
        details = usage.get("prompt_tokens_details") or {}
        return (int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0),
                int(details.get("cached_tokens") or 0))
    details = getattr(usage, "prompt_tokens_details", None)
    return (int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0),
            int(getattr(details, "cached_tokens", 0) or 0))
