"""Backend adapters: an instructor client for an OpenAI-compatible endpoint or for the embedded llama.cpp model.

- `openai`: `instructor.from_openai(openai.OpenAI(...), mode=…)`; default mode `tools`. The openai client's
  own retries are off (`max_retries=0`): tenacity in `client.py` is the only retry policy.
- `local`: the embedded llama.cpp model. `extractor.model.local.get_create(config)` must return an OpenAI-style
  `create(**kwargs)` callable (like llama-cpp-python's `Llama.create_chat_completion_openai_v1`): it accepts
  `messages`, `model`, `temperature`, `max_tokens`, `response_format`, `tools`, `tool_choice` and returns an
  `openai.types.chat.ChatCompletion` (with `usage`). It is patched with `instructor.patch(create=…, mode=…)`;
  default mode `json_schema`. Adapting `response_format={"type": "json_schema", …}` to llama.cpp's
  `{"type": "json_object", "schema": …}` is local.py's job.
"""

from __future__ import annotations

from typing import Any, Callable

import instructor
import openai

from extractor import registry
from extractor.config import Config
from extractor.errors import ConfigError

MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
DEFAULT_MODE = {b.name: b.default_mode for b in map(registry.backend, registry.model_backends()) if b.default_mode}


def resolve_mode(config: Config) -> tuple[str, str]:
    """(backend, mode) for a configuration that makes model calls; ConfigError otherwise."""
    backend = config.resolved_backend
    if backend not in DEFAULT_MODE:
        raise ConfigError(
            f"backend {backend!r} makes no model calls", hint=f"use --backend {' or '.join(registry.model_backends())}"
        )
    mode = config.mode or DEFAULT_MODE[backend]
    if mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r}", hint=f"choose one of {', '.join(MODES)}")
    return backend, mode


def timeouts(config: Config, read: float | None = None) -> openai.Timeout:
    """The request timeouts: `--timeout` (or `read`) for the reply, and a connect timeout of its own, so a host
    that never accepts the connection fails in seconds instead of a whole reply's wait."""
    read = config.timeout if read is None else read
    return openai.Timeout(read, connect=min(config.connect_timeout, read))


def connect(
    config: Config, backend: str, mode: str, *, create: Callable[..., Any] | None = None, http_client: Any = None
) -> tuple[instructor.Instructor, openai.OpenAI | None]:
    """The instructor client for `backend`, and the openai client under it (None locally) for closing."""
    instructor_mode = MODES[mode]
    if registry.backend(backend).uses_endpoint:
        raw = openai.OpenAI(
            base_url=config.base_url,
            api_key=config.api_key or "not-needed",  # local servers accept anything; openai needs a value
            timeout=timeouts(config),
            max_retries=0,  # tenacity in client.py is the only retry policy
            http_client=http_client,
        )
        return instructor.from_openai(raw, mode=instructor_mode), raw
    if create is None:
        create = _lazy_local(config)
    # `Instructor` around a patched bare callable gives the local backend the same create_with_completion.
    patched = instructor.patch(create=create, mode=instructor_mode)
    return instructor.Instructor(client=None, create=patched, mode=instructor_mode), None


def _lazy_local(config: Config) -> Callable[..., Any]:
    """The local model's create(), loaded on the first request: a run whose every call is a cache hit never
    loads the 1–2 GB model (nor imports llama.cpp)."""
    loaded: list[Callable[..., Any]] = []

    def create(**kwargs: Any) -> Any:
        if not loaded:
            from extractor.model import local  # lazy: llama-cpp-python is an optional extra

            loaded.append(local.get_create(config))
        return loaded[0](**kwargs)

    return create
