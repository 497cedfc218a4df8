"""The one translation point for model-call failures, and the retry policy that reads them.

openai / instructor / local-backend exceptions become `extractor.errors` here only. Messages are scrubbed
of the API key, and openai's exceptions are not chained (their text echoes the server's reply, which a
careless proxy may fill with the key). Which failures are transient (retried by tenacity) and how long to
wait (the server's `Retry-After`, else exponential backoff with jitter) are pure functions of the exception.

Configuration faults fail fast: a refused connection, a failed DNS lookup, a TLS error and HTTP 401/403/404
fail every call alike, so they are not retried and become `ConfigError` (exit 2) on the first call.
Timeouts, 429 and 5xx are transient and keep their retry budget. `fault_kind` names a failure's kind so the
circuit breaker (`breaker.py`) can tell "the same failure again and again" from bad luck.
"""

from __future__ import annotations

import email.utils
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Callable

import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError
from tenacity import wait_exponential, wait_random

from extractor import registry
from extractor.config import Config
from extractor.errors import ConfigError, FazhiError, InvalidModelOutput, ModelError, TransientModelError

MAX_RETRY_AFTER = 60.0  # a server asking for longer is treated as asking for this; the section fails sooner
# 0.5, 1, 2, 4 … s (at most 30) plus up to 1 s of jitter; openai's own client starts at 0.5 s too
_BACKOFF = wait_exponential(multiplier=0.5, max=30) + wait_random(0, 1)
_RETRY_STATUSES = {408, 409, 429}  # plus every 5xx; the same set the openai client retries by default


@dataclass(frozen=True)
class _Failure:
    """One failed call as the handlers read it: what was raised, what it wraps, and the call's context."""

    exc: BaseException
    root: BaseException  # what the API call raised, under instructor's retry wrapper (`root_of`)
    attempts: int
    response_model: type[BaseModel]


class Translator:
    """Turns a failed call's exception into our error, for one configuration (its backend, URL and key)."""

    def __init__(self, config: Config, backend: str):
        self.config = config
        self.backend = backend

    def translate(self, exc: BaseException, attempts: int, response_model: type[BaseModel]) -> FazhiError | None:
        """The only place foreign exceptions become ours. None = not a model failure (a bug): re-raise."""
        failure = _Failure(exc, root_of(exc), attempts, response_model)
        for handler in _HANDLERS:
            error = handler(self, failure)
            if error is not None:
                return error
        return None

    # -- handlers: each makes our error for the one kind of failure it knows, else None -----------------

    def _ours(self, f: _Failure) -> FazhiError | None:
        """Ours already: the lazily loaded local model's ConfigError."""
        return f.root if isinstance(f.root, FazhiError) else None

    def _unreachable(self, f: _Failure) -> FazhiError | None:
        """A connection that could never work (refused, DNS, TLS): the URL is wrong, exit 2 on the first call."""
        cause = config_fault(f.root)
        if cause is None:
            return None
        return ConfigError(
            f"cannot reach the endpoint {self.config.base_url or 'https://api.openai.com/v1'}: {cause}",
            hint="check --base-url / FAZHI_BASE_URL (host, port, http vs https)",
        )

    def _truncated(self, f: _Failure) -> FazhiError | None:
        """The reply hit the token limit."""
        if not isinstance(f.root, IncompleteOutputException):
            return None
        return InvalidModelOutput(
            "the reply was cut off at the token limit",
            attempts=f.attempts,
            kind="truncated",
            hint="raise max_tokens or split the section",
        )

    def _transient(self, f: _Failure) -> FazhiError | None:
        """Timeouts, 429 and 5xx that outlasted the retry budget."""
        if not is_transient(f.root):
            return None
        return TransientModelError(
            f"{self.describe(f.root)}; gave up after {f.attempts} attempts",
            attempts=f.attempts,
            kind=fault_kind(f.root),
            hint="the endpoint is overloaded or unreachable: try again later or raise --timeout",
        )

    def _refused(self, f: _Failure) -> FazhiError | None:
        """An HTTP refusal. A wrong key, model name or URL (401/403/404) fails every call alike: it stops the run
        (exit 2) rather than marking each of hundreds of items failed one request at a time."""
        if not isinstance(f.root, openai.APIStatusError):
            return None
        message = f"the endpoint refused the request: {self.describe(f.root)}"
        hint = _status_hint(f.root.status_code)
        if f.root.status_code in (401, 403, 404):
            return ConfigError(message, hint=hint)
        return ModelError(message, attempts=f.attempts, kind="rejected", hint=hint)

    def _client_error(self, f: _Failure) -> FazhiError | None:
        """Any other failure the openai client reports."""
        if not isinstance(f.root, openai.OpenAIError):
            return None
        return ModelError(
            self.scrub(f"{type(f.root).__name__}: {f.root}"),
            attempts=f.attempts,
            hint="see the endpoint's documentation",
        )

    def _invalid_output(self, f: _Failure) -> FazhiError | None:
        """The last attempt failed to parse or validate (instructor records those as failed attempts);
        AssertionError is how instructor reports a refusal."""
        exc, root = f.exc, f.root
        if not isinstance(exc, InstructorRetryException):
            return None
        failed = exc.failed_attempts or []
        last_failed = bool(failed) and failed[-1].exception is root
        if not (last_failed or isinstance(root, AssertionError)):
            return None
        return InvalidModelOutput(
            f"the reply never matched {f.response_model.__name__} after {exc.n_attempts} attempts: "
            f"{self.scrub(_validation_summary(root))}",
            attempts=exc.n_attempts,
            kind="invalid output",
            hint="try another --mode (json, md_json) or a stronger model",
        )

    def _call_failed(self, f: _Failure) -> FazhiError | None:
        """Anything else instructor saw the create callable itself raise: in practice llama.cpp (context overflow,
        decode failure). Kept as the cause: it is not server text, so it cannot carry the key."""
        if not isinstance(f.exc, InstructorRetryException):
            return None
        hint = (
            "the section may not fit the local model's context; check --model-path"
            if registry.backend(self.backend).embedded
            else "unexpected failure in the client; rerun with --refresh and report it if it persists"
        )
        error = ModelError(
            self.scrub(f"{self.backend} model call failed: {type(f.root).__name__}: {f.root}"),
            attempts=f.attempts,
            hint=hint,
        )
        error.__cause__ = f.root
        return error

    def describe(self, exc: BaseException) -> str:
        if isinstance(exc, openai.APITimeoutError):
            return f"no reply within {self.config.timeout:g}s"
        if isinstance(exc, openai.APIConnectionError):
            return f"could not connect to {self.config.base_url or 'the OpenAI API'}"
        if isinstance(exc, openai.APIStatusError):
            return self.scrub(f"HTTP {exc.status_code} {_first_lines(_error_text(exc))}".rstrip())
        return self.scrub(f"{type(exc).__name__}: {_first_lines(str(exc))}")

    def batch_reply(self, exc: BaseException, response_model: type[BaseModel]) -> InvalidModelOutput:
        """A Batch API reply that did not parse or validate: the line is a miss (asked again directly)."""
        return InvalidModelOutput(
            self.scrub(f"batch reply did not match {response_model.__name__}: {type(exc).__name__}: {str(exc)[:200]}"),
            attempts=1,
            hint="the call is made again directly, with validation retries",
        )

    def scrub(self, text: str) -> str:
        key = self.config.api_key
        return text.replace(key, "***") if key else text


# The handlers in the order they are tried: the first that knows a failure's kind makes our error; none
# = not a model failure. Order matters: a refused connection is an APIConnectionError (transient otherwise),
# an HTTP 429 or 5xx is transient before it is a refusal, and a wrapped openai error is read before
# instructor's own record of the attempts.
_HANDLERS: tuple[Callable[[Translator, _Failure], FazhiError | None], ...] = (
    Translator._ours,
    Translator._unreachable,
    Translator._truncated,
    Translator._transient,
    Translator._refused,
    Translator._client_error,
    Translator._invalid_output,
    Translator._call_failed,
)


# -- retry policy (pure functions of the exception) ---------------------------------------------------------


def root_of(exc: BaseException) -> BaseException:
    """instructor wraps whatever the API call raised in InstructorRetryException; classify the original."""
    if isinstance(exc, InstructorRetryException) and exc.__cause__ is not None:
        return exc.__cause__
    return exc


def _chain(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def config_fault(exc: BaseException) -> str | None:
    """Why a connection could never work ("connection refused", "DNS lookup failed", "TLS error …"), or None
    for anything a retry might cure. Read from the socket error under openai's and the HTTP library's wrappers."""
    root = root_of(exc)
    if not isinstance(root, openai.APIConnectionError) or isinstance(root, openai.APITimeoutError):
        return None
    for link in _chain(root):
        if isinstance(link, ConnectionRefusedError):
            return "connection refused (nothing listens on that host and port)"
        if isinstance(link, socket.gaierror):
            return f"DNS lookup failed ({link.strerror or link})"
        if isinstance(link, ssl.SSLError):
            return f"TLS error ({getattr(link, 'reason', None) or link})"
    text = " ".join(str(link) for link in _chain(root)).lower()
    for needle, cause in (
        ("connection refused", "connection refused (nothing listens on that host and port)"),
        ("name or service not known", "DNS lookup failed"),
        ("nodename nor servname", "DNS lookup failed"),
        ("certificate verify failed", "TLS error (certificate verify failed)"),
        ("wrong version number", "TLS error (is the URL http rather than https?)"),
    ):
        if needle in text:
            return cause
    return None


def fault_kind(exc: BaseException) -> str:
    """A short name for a failure's kind: `timeout`, `connection`, `http 503`, `http 429`, `invalid output`,
    `truncated`, … Consecutive failures of one kind trip the circuit breaker."""
    root = root_of(exc)
    if isinstance(root, openai.APITimeoutError):
        return "timeout"
    if isinstance(root, openai.APIConnectionError):
        return "connection"
    if isinstance(root, openai.APIStatusError):
        return f"http {root.status_code}"
    if isinstance(root, IncompleteOutputException):
        return "truncated"
    if isinstance(exc, InstructorRetryException):
        return "invalid output"
    return type(root).__name__


def is_transient(exc: BaseException) -> bool:
    root = root_of(exc)
    if config_fault(root) is not None:
        return False  # retrying a refused connection or a bad certificate only burns the retry budget
    if isinstance(root, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(root, openai.APIStatusError):
        return root.status_code in _RETRY_STATUSES or root.status_code >= 500
    return False


def wait(retry_state) -> float:
    outcome = retry_state.outcome
    exc = outcome.exception() if outcome is not None else None
    hinted = retry_after(root_of(exc)) if exc is not None else None
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
