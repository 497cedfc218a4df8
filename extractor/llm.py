"""The one client layer: every model call in the tool goes through `ModelClient.ask()`.

    ask() ─ cache hit? ──────────────────────────────────────────────────────────────┐
            └ miss → tenacity (transient retries) → instructor (validation retries) ─┴→ ledger record
                                                    └ validated object → cache store

Policies that live here and nowhere else:

- **Transient retries** (tenacity): 408/409/429/5xx, timeouts and connection errors, at most
  `config.max_retries` retries, exponential backoff with jitter, or the server's `Retry-After` when it sends
  one. The openai client's own retries are switched off (`max_retries=0`) so there is exactly one policy.
  Tenacity wraps the whole instructor call (instructor hands API errors out wrapped in
  `InstructorRetryException`; we classify its `__cause__`), so a 429 in the middle of a validation retry
  starts that call over; tokens already spent are still counted.
- **Validation retries** (instructor): `max_retries=config.validation_retries`; instructor feeds the
  validation error back to the model on each retry.
- **Error translation**: openai / instructor / local-backend exceptions become `extractor.errors` here only.
  Messages are scrubbed of the API key, and openai's exceptions are not chained (their text echoes the
  server's reply, which a careless proxy may fill with the key).

Backends:

- `openai`: `instructor.from_openai(openai.OpenAI(...), mode=…)`; default mode `tools`.
- `local`: the embedded llama.cpp model. `extractor.local.get_create(config)` must return an OpenAI-style
  `create(**kwargs)` callable (like llama-cpp-python's `Llama.create_chat_completion_openai_v1`): it accepts
  `messages`, `model`, `temperature`, `max_tokens`, `response_format`, `tools`, `tool_choice` and returns an
  `openai.types.chat.ChatCompletion` (with `usage`). It is patched with `instructor.patch(create=…, mode=…)`;
  default mode `json_schema`. Adapting `response_format={"type": "json_schema", …}` to llama.cpp's
  `{"type": "json_object", "schema": …}` is local.py's job. Exceptions it raises become `ModelError`.
"""

from __future__ import annotations

import email.utils
import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from extractor.cache import ResponseCache, cache_key, default_dir
from extractor.config import Config
from extractor.errors import ConfigError, FazhiError, InvalidModelOutput, ModelError, TransientModelError
from extractor.ledger import Ledger
from schemas.report import CallRecord

T = TypeVar("T", bound=BaseModel)

MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
DEFAULT_MODE = {"openai": "tools", "local": "json_schema"}

MAX_RETRY_AFTER = 60.0  # a server asking for longer is treated as asking for this; the section fails sooner
_BACKOFF = wait_exponential_jitter(initial=1, max=30, jitter=1)
_RETRY_STATUSES = {408, 409, 429}  # plus every 5xx; the same set the openai client retries by default

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
    `create` (local backend) replaces `extractor.local.get_create(config)`; `sleep` is what tenacity waits
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
        backend = config.resolved_backend
        if backend not in DEFAULT_MODE:
            raise ConfigError(f"backend {backend!r} makes no model calls", hint="use --backend openai or local")
        mode = config.mode or DEFAULT_MODE[backend]
        if mode not in MODES:
            raise ConfigError(f"unknown mode {mode!r}", hint=f"choose one of {', '.join(MODES)}")
        self.config = config
        self.backend = backend
        self.mode = mode
        self.ledger = ledger if ledger is not None else Ledger.for_config(config)
        self._owns_cache = cache is None  # a cache shared by a batch is closed by whoever opened it
        self.cache = cache if cache is not None else ResponseCache(default_dir(config))
        self._sleep = sleep
        self._openai: openai.OpenAI | None = None
        self._client = self._connect(create, http_client)

    def _connect(self, create: Callable[..., Any] | None, http_client: Any) -> instructor.Instructor:
        mode = MODES[self.mode]
        if self.backend == "openai":
            self._openai = openai.OpenAI(
                base_url=self.config.base_url,
                api_key=self.config.api_key or "not-needed",  # local servers accept anything; openai needs a value
                timeout=self.config.timeout,
                max_retries=0,  # tenacity below is the only retry policy
                http_client=http_client,
            )
            return instructor.from_openai(self._openai, mode=mode)
        if create is None:
            from extractor import local  # lazy: llama-cpp-python is an optional extra

            create = local.get_create(self.config)
        # `Instructor` around a patched bare callable gives the local backend the same create_with_completion.
        return instructor.Instructor(client=None, create=instructor.patch(create=create, mode=mode), mode=mode)

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
        value = result.model_dump(mode="json")
        self.cache.set(key, {"value": value, "usage": {"tokens_in": tally.tokens_in, "tokens_out": tally.tokens_out}})
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
            wait=_wait,
            retry=retry_if_exception(_is_transient),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return self._attempt(retrying, kwargs, tally)
        except Exception as exc:  # noqa: BLE001 — translated below, or re-raised untouched if not ours
            error = self._translate(exc, tally.attempts, response_model)
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

    def _translate(self, exc: BaseException, attempts: int, response_model: type[BaseModel]) -> FazhiError | None:
        """The only place foreign exceptions become ours. None = not a model failure (a bug): re-raise."""
        root = _root(exc)
        if isinstance(root, IncompleteOutputException):
            return InvalidModelOutput("the reply was cut off at the token limit", attempts=attempts,
                                      hint="raise max_tokens or split the section")
        if _is_transient(root):
            return TransientModelError(f"{self._describe(root)}; gave up after {attempts} attempts",
                                       attempts=attempts,
                                       hint="the endpoint is overloaded or unreachable: try again later or raise --timeout")
        if isinstance(root, openai.APIStatusError) and root.status_code in (401, 403, 404):
            # A wrong key, model name or URL fails every call alike: stop the run (exit 2), do not mark
            # each of hundreds of items failed one request at a time.
            return ConfigError(f"the endpoint refused the request: {self._describe(root)}",
                               hint=_status_hint(root.status_code))
        if isinstance(root, openai.APIStatusError):
            return ModelError(f"the endpoint refused the request: {self._describe(root)}", attempts=attempts,
                              hint=_status_hint(root.status_code))
        if isinstance(root, openai.OpenAIError):
            return ModelError(self._scrub(f"{type(root).__name__}: {root}"), attempts=attempts,
                              hint="see the endpoint's documentation")
        if not isinstance(exc, InstructorRetryException):
            return None
        if (exc.failed_attempts and exc.failed_attempts[-1].exception is root) or isinstance(root, AssertionError):
            # The last attempt failed to parse or validate (instructor records those as failed attempts);
            # AssertionError is how instructor reports a refusal.
            return InvalidModelOutput(
                f"the reply never matched {response_model.__name__} after {exc.n_attempts} attempts: "
                f"{self._scrub(_validation_summary(root))}",
                attempts=exc.n_attempts,
                hint="try another --mode (json, md_json) or a stronger model",
            )
        # Anything else was raised by the create callable itself: in practice llama.cpp (context overflow,
        # decode failure). Kept as the cause: it is not server text, so it cannot carry the key.
        hint = ("the section may not fit the local model's context; check --model-path" if self.backend == "local"
                else "unexpected failure in the client; rerun with --refresh and report it if it persists")
        error = ModelError(self._scrub(f"{self.backend} model call failed: {type(root).__name__}: {root}"),
                           attempts=attempts, hint=hint)
        error.__cause__ = root
        return error

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, openai.APITimeoutError):
            return f"no reply within {self.config.timeout:g}s"
        if isinstance(exc, openai.APIConnectionError):
            return f"could not connect to {self.config.base_url or 'the OpenAI API'}"
        if isinstance(exc, openai.APIStatusError):
            return self._scrub(f"HTTP {exc.status_code} {_first_lines(_error_text(exc))}".rstrip())
        return self._scrub(f"{type(exc).__name__}: {_first_lines(str(exc))}")

    def _scrub(self, text: str) -> str:
        key = self.config.api_key
        return text.replace(key, "***") if key else text

    def _record(self, kind: str, section: str | None, started: float, tally: _Tally, *, cached: bool,
                ok: bool) -> None:
        self.ledger.record(CallRecord(
            kind=kind, section=section, tokens_in=tally.tokens_in, tokens_out=tally.tokens_out,
            tokens_cached=tally.tokens_cached, cached=cached,
            seconds=round(time.monotonic() - started, 3), ok=ok,
        ))


# -- retry policy helpers (pure functions of the exception) ---------------------------------------------------


def _root(exc: BaseException) -> BaseException:
    """instructor wraps whatever the API call raised in InstructorRetryException; classify the original."""
    if isinstance(exc, InstructorRetryException) and exc.__cause__ is not None:
        return exc.__cause__
    return exc


def _is_transient(exc: BaseException) -> bool:
    root = _root(exc)
    if isinstance(root, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(root, openai.APIStatusError):
        return root.status_code in _RETRY_STATUSES or root.status_code >= 500
    return False


def _wait(retry_state) -> float:
    outcome = retry_state.outcome
    exc = outcome.exception() if outcome is not None else None
    hinted = retry_after(_root(exc)) if exc is not None else None
    return hinted if hinted is not None else _BACKOFF(retry_state)


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, `retry-after` seconds or HTTP date), capped."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    seconds: float | None = None
    try:
        if headers.get("retry-after-ms"):
            seconds = float(headers["retry-after-ms"]) / 1000
        elif headers.get("retry-after"):
            value = headers["retry-after"].strip()
            try:
                seconds = float(value)
            except ValueError:
                when = email.utils.parsedate_to_datetime(value)
                seconds = when.timestamp() - time.time()
    except (TypeError, ValueError, OverflowError):
        return None
    if seconds is None or seconds != seconds:  # absent or NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


# -- small formatting helpers ---------------------------------------------------------------------------------


def _status_hint(status: int) -> str:
    if status in (401, 403):
        return "check --api-key or OPENAI_API_KEY"
    if status == 404:
        return "check --model and --base-url"
    if status in (400, 422):
        return "the endpoint rejected the request; if it lacks tool calls or json_schema, try --mode json or md_json"
    return "see the endpoint's logs"


def _error_text(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
        if isinstance(inner, str):
            return inner
    return exc.message


def _validation_summary(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        parts = [f"{'.'.join(map(str, e['loc'])) or 'reply'}: {e['msg']}" for e in exc.errors()[:3]]
        more = exc.error_count() - len(parts)
        return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
    return _first_lines(str(exc))


def _first_lines(text: str, limit: int = 300) -> str:
    flat = "; ".join(line.strip() for line in text.splitlines() if line.strip())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


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
