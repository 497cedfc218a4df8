"""What each backend and each document format can do, in one place: call sites ask a capability
(`config.spec.calls_model`, `config.spec.uses_endpoint`), never compare a backend's name.

    rules   the deterministic floor: no model, no key, no endpoint
    openai  any OpenAI-compatible endpoint (the OpenAI API itself, vLLM, llama.cpp's server, Ollama …); the
            only one that can go through the OpenAI Batch API (`--via openai-batch`, runs/openai_batch.py)
    local   the embedded llama.cpp model (model/local.py), loaded in a worker process on this machine

Adding a backend: register a `Backend` here with its capabilities, give `model/backends.py` its adapter
(`connect`), and add it to `--backend`'s help (cli/options.py). `auto` is no backend: it resolves to `openai`
when an endpoint is configured, else `local` (config.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backend:
    name: str
    calls_model: bool  # asks a model at all (the rules backend does not: no client, no breaker, no prompts)
    uses_endpoint: bool  # over HTTP: base_url and key count, each request has its own timeout, preflight checks it
    needs_key: bool  # an API key is required when no endpoint of one's own (`--base-url`) is set
    embedded: bool  # runs the model in a process on this machine (threads, model file, memory per worker)
    supports_batch_api: bool  # can go through the OpenAI Batch API (`--via openai-batch`)
    scores_labels: bool  # scores a closed set of labels as the answer's first token (model/choosing.py)
    default_mode: str | None  # instructor mode when `--mode` is not given (None: no model calls)
    default_categories: str  # who decides categories under `--categories auto`: rules | hybrid | model
    names_metrics: bool  # under `--metric-names auto` the model names quantities (a call per sentence)
    measured_kinds_only: bool  # `--model-fields auto` asks only the kinds where it beat the rules (config.py)


_BACKENDS: dict[str, Backend] = {}


def register(backend: Backend) -> Backend:
    _BACKENDS[backend.name] = backend
    return backend


RULES = register(
    Backend(
        "rules",
        calls_model=False,
        uses_endpoint=False,
        needs_key=False,
        embedded=False,
        supports_batch_api=False,
        scores_labels=False,
        default_mode=None,
        default_categories="rules",
        names_metrics=False,
        measured_kinds_only=False,
    )
)
OPENAI = register(
    Backend(
        "openai",
        calls_model=True,
        uses_endpoint=True,
        needs_key=True,
        embedded=False,
        supports_batch_api=True,
        scores_labels=False,  # an endpoint's reply carries logprobs, but no `choose` is built for one yet
        default_mode="tools",
        default_categories="model",
        names_metrics=True,
        measured_kinds_only=False,
    )
)
LOCAL = register(
    Backend(
        "local",
        calls_model=True,
        uses_endpoint=False,
        needs_key=False,
        embedded=True,
        supports_batch_api=False,
        scores_labels=True,  # the worker's `choose` op: llama.cpp's logits after one forward pass
        default_mode="json_schema",
        default_categories="hybrid",
        names_metrics=False,
        measured_kinds_only=True,
    )
)


def backend(name: str) -> Backend:
    """The backend registered as `name`; KeyError for any other (config.py checks `--backend` first)."""
    return _BACKENDS[name]


def backend_names() -> tuple[str, ...]:
    return tuple(_BACKENDS)


def model_backends() -> tuple[str, ...]:
    """The backends that call a model (`--backend` values an instructor adapter serves)."""
    return tuple(name for name, b in _BACKENDS.items() if b.calls_model)
