"""Scoring a closed set of labels instead of generating them: `choose` asks the backend for each label's
log-probability as the first token of the answer (one forward pass, nothing generated), through the same
cache and ledger as every `ask`.

Only the embedded model gives log-probabilities today (llama.cpp's logits, read in the worker process:
`extractor.model.worker.choose`); `supports_choose(client)` tells the labeling whether to take this path.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from pydantic import BaseModel

from extractor import registry

from extractor.errors import FazhiError, ModelError
from schemas.report import CallRecord


class ChoiceScores(BaseModel):
    """What a `choose` call returns: each label's log-probability (natural log)."""

    logprobs: dict[str, float]


def supports_choose(client: Any) -> bool:
    """Whether the client's backend scores labels (`scores_labels` in extractor/registry.py): today the embedded
    worker's `choose` op (model/worker.py); an endpoint's client has none built, so it generates instead."""
    name = getattr(client, "backend", None)
    return name in registry.backend_names() and registry.backend(name).scores_labels


def choose(
    client: Any,
    *,
    kind: str,
    prompt_version: str,
    messages: list[dict],
    labels: list[str],
    section: str | None = None,
    scorer: Callable[[list[dict], list[str]], dict] | None = None,
) -> ChoiceScores:
    """Each label's log-probability for `messages`, cached under the request's identity (labels included).
    `scorer(messages, labels)` answers like the worker's `choose` op (default: the local model's process)."""
    started = time.monotonic()
    key = client.key_for(
        kind=kind,
        prompt_version=prompt_version,
        messages=messages + [{"role": "labels", "content": "\x1f".join(labels)}],
        response_model=ChoiceScores,
    )
    hit = client.cached(key, ChoiceScores)
    if hit is not None:
        _record(client, kind, section, started, 0, 0, cached=True, ok=True)
        return hit
    if scorer is None:
        from extractor.model import local  # lazy: llama-cpp-python is an optional extra

        scorer = local.get_choose(client.config)
    try:
        answer = scorer(messages, labels)
    except FazhiError:
        _record(client, kind, section, started, 0, 0, cached=False, ok=False)
        raise
    except Exception as exc:  # the worker refused the request (a context overflow): this item fails alone
        _record(client, kind, section, started, 0, 0, cached=False, ok=False)
        raise ModelError(f"choose failed: {exc}", kind="choose", section=section) from None
    scores = ChoiceScores(logprobs=answer.get("logprobs") or {})
    client.cache.set(
        key,
        {
            "value": scores.model_dump(mode="json"),
            "usage": {"tokens_in": answer.get("prompt_tokens", 0), "tokens_out": 0},
        },
    )
    _record(
        client,
        kind,
        section,
        started,
        answer.get("prompt_tokens", 0),
        answer.get("cached_tokens", 0),
        cached=False,
        ok=True,
    )
    return scores


def _record(
    client: Any,
    kind: str,
    section: str | None,
    started: float,
    tokens_in: int,
    tokens_cached: int,
    *,
    cached: bool,
    ok: bool,
) -> None:
    client.ledger.record(
        CallRecord(
            kind=kind,
            section=section,
            tokens_in=tokens_in,
            tokens_out=0,
            tokens_cached=tokens_cached,
            cached=cached,
            seconds=round(time.monotonic() - started, 3),
            ok=ok,
        )
    )
