"""Running a plan of calls: send each to the model (or take the rules' answer when there is none), in an
order that keeps the shared prompt prefix warm, and fall back to the rules for a call that failed.

Degrade, don't drop: code already has every item's span and the rules' category and summary, so a call that
fails after its retries keeps its item with the rules' answer (`decided_by: "rules"`) and a `model_failed`
note naming it. A report whose every call failed gets one `all_model_calls_failed` note saying so. Only a
configuration fault (`ConfigError`, the circuit breaker's `EndpointDown`) stops the report: it is about the
run, not this item.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any, Callable, Protocol

from extractor.errors import Interrupted, ModelError
from extractor.labeling.plan import Call, Labeled
from extractor.model import choosing, prompts
from schemas.report import QualityNote
from schemas.responses import RESPONSE_MODELS

# progress(stage, done, total): stage is "<kind> <section>" of the call just finished
Progress = Callable[[str, int, int], None]
_KIND_ORDER = ("measures", "leadership", "problems", "rectifications", "plans", "metrics")
_QUOTE = 40  # how much of a failed item's text its note quotes
_POLL = 0.5  # seconds between looks for calls cancelled under a waiting report


class Asker(Protocol):
    def ask(
        self, *, kind: str, prompt_version: str, messages: list[dict], response_model: type, section: str | None = None
    ): ...


def run_calls(
    calls: list[Call], ask: Asker | None, out: Labeled, progress: Progress | None = None, pool: Executor | None = None
) -> None:
    """Every call answered; its item lands in `out` (through the call's own callbacks), in plan order.

    With a `pool` (a batch against an endpoint: one pool shared by every report, as wide as the batch's
    concurrency) the calls are sent through it, so the endpoint always has that many requests in flight
    and a long report is not the batch's tail; answers are still applied in plan order, so the output is
    the same as a sequential run's. Without one they are sent one at a time.
    """
    # All calls of one kind run back to back: they share a prompt prefix that llama.cpp keeps in its KV
    # cache, so interleaving kinds would make every call re-read the system text and example.
    ordered = sorted(calls, key=lambda call: _KIND_ORDER.index(call.kind))
    failed: list[ModelError] = []
    if pool is None or ask is None:
        for done, call in enumerate(ordered, 1):
            error = _apply(call, *_send(call, ask), out)
            if error is not None:
                failed.append(error)
            if progress:
                progress(_stage(call), done, len(ordered))
    else:
        futures: dict[Future, Call] = {}
        try:
            for call in ordered:
                futures[_submit(pool, call, ask)] = call
            for done, future in enumerate(_completed(futures), 1):
                future.result()  # a ConfigError (the circuit breaker) or Interrupted stops the report here
                if progress:
                    progress(_stage(futures[future]), done, len(ordered))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        for future, call in futures.items():
            answer, failure = future.result()
            error = _apply(call, answer, failure, out)
            if error is not None:
                failed.append(error)
    if ask is not None and ordered and len(failed) == len(ordered):
        kinds = sorted({err.kind for err in failed})
        out.quality.append(
            QualityNote(
                kind="all_model_calls_failed",
                message=f"every model call failed ({len(failed)} of {len(ordered)}; {', '.join(kinds)}; last: "
                f"{failed[-1].message}): the report holds the rules backend's items",
            )
        )


class Pooled:
    """An Asker whose every call goes through `pool` (the batch's shared call pool), for the calls a report
    makes one at a time outside a plan (which part a section is): without it a report thread sends its own
    request beside the pool's, and `-j 4` has more than four in flight."""

    def __init__(self, ask: Asker, pool: Executor):
        self._ask, self._pool = ask, pool
        self.config = getattr(ask, "config", None)  # which prompts to ask with (tuned_file)

    def ask(self, **kwargs):
        try:
            future = self._pool.submit(self._ask.ask, **kwargs)
        except RuntimeError:  # the pool is shut down: the run is ending
            raise Interrupted(
                "the run is stopping: this report's calls were not sent", hint="rerun the same command to resume"
            ) from None
        for finished in _completed({future: None}):
            return finished.result()


def tuned_file(ask: object):
    """The tuned prompt configuration (`--prompts FILE`) of the client's run, or None for prompts/."""
    return getattr(getattr(ask, "config", None), "prompts", None)


def _submit(pool: Executor, call: Call, ask: Asker) -> Future:
    try:
        return pool.submit(_send, call, ask)
    except RuntimeError:  # the pool is shut down: the run is ending (Ctrl-C), so is this report
        raise Interrupted(
            "the run is stopping: this report's calls were not sent", hint="rerun the same command to resume"
        ) from None


def _completed(futures: dict[Future, Any]):
    """Like `as_completed`, but a future cancelled by the pool's `shutdown(cancel_futures=True)` ends the
    wait too: that kind of cancel notifies no waiter, so `as_completed` would wait on it forever."""
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, timeout=_POLL, return_when=FIRST_COMPLETED)
        cancelled = {future for future in pending if future.cancelled()}
        if cancelled:
            raise Interrupted(
                "the run is stopping: this report's queued calls were cancelled",
                hint="rerun the same command to resume",
            )
        yield from finished


def _stage(call: Call) -> str:
    return f"{call.kind} {call.section or ''}".strip()


def _send(call: Call, ask: Asker | None) -> tuple[object, ModelError | None]:
    """(answer, None), or (None, the ModelError) for a call that failed after its retries; no model: (None, None)."""
    if ask is None:
        return None, None
    if call.labels is not None:
        return _send_choice(call, ask)
    prompt = prompts.load(call.kind, tuned=tuned_file(ask))
    try:
        return ask.ask(
            kind=call.kind,
            prompt_version=prompt.version,
            messages=prompt.messages(**call.fields),
            response_model=call.response_model or RESPONSE_MODELS[call.kind],
            section=call.section,
        ), None
    except ModelError as err:
        return None, err


def _send_choice(call: Call, ask: Asker) -> tuple[object, ModelError | None]:
    """A choice call: its labels scored by likelihood (model/choosing.py), with the retrieved examples as
    turns between the prompt's own example and the item."""
    prompt = prompts.load("category")
    messages = prompt.messages(**call.fields)
    shots = []
    for text, label in call.examples:
        shots += [
            {"role": "user", "content": prompt.template.strip().format(heading="", text=text)},
            {"role": "assistant", "content": label},
        ]
    messages = messages[:-1] + shots + messages[-1:]
    try:
        return choosing.choose(
            ask,
            kind=call.kind,
            prompt_version=prompt.version,
            messages=messages,
            labels=list(call.labels or {}),
            section=call.section,
        ), None
    except ModelError as err:
        return None, err


def _apply(call: Call, answer: object, err: ModelError | None, out: Labeled) -> ModelError | None:
    if err is None and answer is None:  # the rules backend
        call.on_rules()
        return None
    if err is not None:
        call.on_rules(decided_by="rules")
        text = " ".join(str(call.fields.get("text", "")).split())
        out.quality.append(
            QualityNote(
                kind="model_failed",
                message=f"{call.kind} call failed ({err.kind}: {err.message}); the rules' answer stands (decided_by: rules)",
                section=call.section,
                quote=text[:_QUOTE] or None,
            )
        )
        return err
    call.on_answer(answer)
    return None
