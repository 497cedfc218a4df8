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
- **A cut-off reply** (the token limit) is asked once more with twice the budget (`TRUNCATED_MAX_TOKENS`
  when none was set); cached under the original request's key.
- **Failing fast**: a shared `Breaker` (breaker.py) hears of every finished call and stops the run when the
  endpoint keeps failing the same way; a `deadline` (monotonic seconds, from `--max-report-seconds`) ends
  retries when the report's time is spent and fails later calls at once (they degrade to the rules).

Backend adapters are in `backends.py`; error translation in `failures.py`.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from instructor.core import IncompleteOutputException, InstructorRetryException
from instructor.processing.response import handle_response_model, process_response
from openai.types.chat import ChatCompletion
from pydantic import BaseModel
from tenacity import Retrying, retry_if_exception, stop_after_attempt

from extractor import registry
from extractor.config import Config
from extractor.errors import ConfigError, FazhiError, InvalidModelOutput, ModelError
from extractor.model import failures
from extractor.model.breaker import Breaker
from extractor.model.backends import MODES, connect, resolve_mode, timeouts
from extractor.model.cache import ResponseCache, cache_key, default_dir
from extractor.model.ledger import Ledger
from schemas.report import CallRecord

T = TypeVar("T", bound=BaseModel)
TRUNCATED_MAX_TOKENS = 2048  # the retry budget for a cut-off reply when the first request set none

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
        breaker: Breaker | None = None,
        deadline: float | None = None,
    ):
        backend, mode = resolve_mode(config)
        self.config = config
        self.backend = backend
        self.mode = mode
        self.ledger = ledger if ledger is not None else Ledger.for_config(config)
        self._owns_cache = cache is None  # a cache shared by a batch is closed by whoever opened it
        self.cache = cache if cache is not None else ResponseCache(default_dir(config))
        self._sleep = sleep
        self.breaker = breaker
        self.deadline = deadline
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
        key = self.key_for(
            kind=kind,
            prompt_version=prompt_version,
            messages=messages,
            response_model=response_model,
            max_tokens=max_tokens,
        )
        if not self.config.refresh:
            hit = self._cached(key, response_model)
            if hit is not None:
                self._record(kind, section, started, _Tally(), cached=True, ok=True)
                return hit

        tally = _Tally()
        try:
            if self.breaker is not None:
                self.breaker.check()
            self._check_deadline()
            result = self._call(messages, response_model, max_tokens, tally)
        except FazhiError as err:
            err.section = err.section or section
            self._record(kind, section, started, tally, cached=False, ok=False)
            if self.breaker is not None and isinstance(err, ModelError):
                self.breaker.failure(err)  # raises EndpointDown when the run should stop
            raise
        if self.breaker is not None:
            self.breaker.success()
        value = self._store(key, result, tally)
        self._record(kind, section, started, tally, cached=False, ok=True)
        # Rebuilt from what was cached so a miss returns exactly what a later hit will (and no
        # instructor-attached raw completion rides along on the object).
        return response_model.model_validate(value)

    def key_for(
        self,
        *,
        kind: str,
        prompt_version: str,
        messages: list[dict],
        response_model: type[BaseModel],
        max_tokens: int | None = None,
    ) -> str:
        """The cache key ask() uses; the endpoint counts only for the openai backend."""
        return cache_key(
            backend=self.backend,
            model=self.config.model_name,
            base_url=self.config.base_url if registry.backend(self.backend).uses_endpoint else None,
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

    def request_body(
        self, *, messages: list[dict], response_model: type[BaseModel], max_tokens: int | None = None
    ) -> dict:
        """The chat.completions body ask() sends on its first attempt: instructor's own request building
        for this mode (tools / response_format / schema-in-prompt), so an answer to it parses like one."""
        kwargs: dict[str, Any] = {
            "model": self.config.model_name,
            "messages": [dict(m) for m in messages],
            "temperature": self.config.temperature,
        }
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

    def _remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def _check_deadline(self) -> None:
        remaining = self._remaining()
        if remaining is not None and remaining <= 0:
            raise ModelError(
                "not sent: the report's time budget (--max-report-seconds) is spent",
                kind="deadline",
                hint="raise --max-report-seconds, or rerun: answered calls are cached",
            )

    def _call(self, messages: list[dict], response_model: type[T], max_tokens: int | None, tally: _Tally) -> T:
        try:
            return self._call_once(messages, response_model, max_tokens, tally)
        except InvalidModelOutput as err:
            if err.kind != "truncated":
                raise
        # Cut off at the token limit: once more with a larger budget (a summary that runs long, a metrics
        # answer for a sentence full of numbers); a second cut-off is the call's failure.
        bigger = max_tokens * 2 if max_tokens else TRUNCATED_MAX_TOKENS
        self._check_deadline()
        return self._call_once(messages, response_model, bigger, tally)

    def _call_once(self, messages: list[dict], response_model: type[T], max_tokens: int | None, tally: _Tally) -> T:
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
        stop: Any = stop_after_attempt(self.config.max_retries + 1)  # tenacity types `|` for its own stops only
        if self.deadline is not None:
            stop = stop | (lambda state: (self._remaining() or 0) <= 0)
            if registry.backend(self.backend).uses_endpoint:  # no single request may outlive the report's budget
                kwargs["timeout"] = timeouts(self.config, max(0.5, min(self.config.timeout, self._remaining() or 0.5)))
        retrying = Retrying(
            stop=stop,
            wait=self._wait,
            retry=retry_if_exception(self._retries),
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

    def _retries(self, exc: BaseException) -> bool:
        """Transient failures are retried — except a timeout or dropped connection while nothing in the run
        has ever answered: the endpoint hangs or is down, and the breaker stops the run on this call's
        failure instead of after every retry's full wait (a hanging endpoint at the defaults: one timeout)."""
        if not failures.is_transient(exc):
            return False
        return self.breaker is None or not self.breaker.unanswered(failures.fault_kind(exc))

    def _wait(self, retry_state) -> float:
        """failures.wait, but never past the report's deadline; after a timeout the backoff counts the
        seconds already spent waiting for the reply (a hanging endpoint is given up on sooner, with the same
        number of attempts)."""
        seconds = failures.wait(retry_state)
        outcome = retry_state.outcome
        if outcome is not None and failures.fault_kind(outcome.exception()) == "timeout":
            seconds = max(0.0, seconds - self.config.timeout)
        remaining = self._remaining()
        return seconds if remaining is None else max(0.0, min(seconds, remaining))

    def _attempt(self, retrying: Retrying, kwargs: dict[str, Any], tally: _Tally) -> Any:
        for attempt in retrying:
            with attempt:
                tally.attempts += 1
                try:
                    result, completion = self._client.create_with_completion(**kwargs)
                except InstructorRetryException as exc:
                    tally.add(exc.total_usage)  # tokens spent on failed validation attempts still count
                    raise
                except IncompleteOutputException as exc:  # a reply cut off at the token limit was still paid for
                    tally.add(getattr(exc.last_completion, "usage", None))
                    raise
                # _total_usage sums instructor's validation attempts; the completion holds only the last.
                tally.add(getattr(result, "_total_usage", None) or getattr(completion, "usage", None))
                return result
        raise AssertionError("tenacity stopped without an outcome")  # unreachable with reraise=True

    def _record(self, kind: str, section: str | None, started: float, tally: _Tally, *, cached: bool, ok: bool) -> None:
        self.ledger.record(
            CallRecord(
                kind=kind,
                section=section,
                tokens_in=tally.tokens_in,
                tokens_out=tally.tokens_out,
                tokens_cached=tally.tokens_cached,
                cached=cached,
                seconds=round(time.monotonic() - started, 3),
                ok=ok,
            )
        )


def _usage_tokens(usage: Any) -> tuple[int, int, int]:
    """(prompt, completion, cached prompt) tokens from an openai `CompletionUsage`, a plain dict or None."""
    if usage is None:
        return 0, 0, 0
    if isinstance(usage, dict):
        details = usage.get("prompt_tokens_details") or {}
        return (
            int(usage.get("prompt_tokens") or 0),
            int(usage.get("completion_tokens") or 0),
            int(details.get("cached_tokens") or 0),
        )
    details = getattr(usage, "prompt_tokens_details", None)
    return (
        int(getattr(usage, "prompt_tokens", 0) or 0),
        int(getattr(usage, "completion_tokens", 0) or 0),
        int(getattr(details, "cached_tokens", 0) or 0),
    )


# -- pre-flight -------------------------------------------------------------------------------------------------

_checked: set[tuple] = set()
_checked_lock = threading.Lock()
PREFLIGHT_TIMEOUT = 10.0


def preflight(config: Config, *, http_client: Any = None) -> None:
    """Before any report starts: is there a key where one is needed, and does the endpoint answer at all?

    `ConfigError` (exit 2, one line) for no key on the OpenAI API, a refused connection, a failed DNS lookup,
    a TLS error, a rejected key (401/403) or an endpoint that does not answer `GET /models` within
    `PREFLIGHT_TIMEOUT` seconds. An endpoint without `/models` (404, 405, 5xx) is not judged here: the first
    call will be. Costs one request per endpoint and key per process; the local and rules backends need none.
    """
    import hashlib

    import openai

    if not config.spec.uses_endpoint:
        return
    config.require_key()
    ident = (config.base_url, hashlib.sha256((config.api_key or "").encode()).hexdigest())
    with _checked_lock:
        if ident in _checked:
            return
    where = config.base_url or "https://api.openai.com/v1"
    raw = openai.OpenAI(
        base_url=config.base_url,
        api_key=config.api_key or "not-needed",
        max_retries=0,
        timeout=min(config.timeout, PREFLIGHT_TIMEOUT),
        http_client=http_client,
    )
    translator = failures.Translator(config, config.resolved_backend)
    try:
        raw.models.list()
    except openai.APITimeoutError:
        raise ConfigError(
            f"the endpoint {where} did not answer GET /models within {min(config.timeout, PREFLIGHT_TIMEOUT):g}s",
            hint="is it up? check --base-url / FAZHI_BASE_URL",
        ) from None
    except openai.APIStatusError as exc:
        if exc.status_code in (401, 403):
            raise ConfigError(
                f"the endpoint {where} refused the key: {translator.describe(exc)}",
                hint="check OPENAI_API_KEY / --api-key-file",
            ) from None
    except openai.APIConnectionError as exc:
        cause = failures.config_fault(exc)
        if cause is not None:
            raise ConfigError(
                f"cannot reach the endpoint {where}: {cause}",
                hint="check --base-url / FAZHI_BASE_URL (host, port, http vs https)",
            ) from None
    finally:
        raw.close()
    with _checked_lock:
        _checked.add(ident)
