"""Running a plan of calls: send each to the model (or take the rules' answer when there is none), in an
order that keeps the shared prompt prefix warm, and note the calls that failed.
"""

from __future__ import annotations

from typing import Callable, Protocol

from extractor.errors import ModelError
from extractor.labeling.plan import Call, Labeled
from extractor.model import prompts
from schemas.report import QualityNote
from schemas.responses import RESPONSE_MODELS

Progress = Callable[[str, int, int], None]
_KIND_ORDER = ("measures", "leadership", "problems", "rectifications", "plans", "metrics")


class Asker(Protocol):
    def ask(self, *, kind: str, prompt_version: str, messages: list[dict], response_model: type, section: str | None = None): ...


def run_calls(calls: list[Call], ask: Asker | None, out: Labeled, progress: Progress | None = None) -> None:
    """Every call answered in turn; its item lands in `out` (through the call's own callbacks)."""
    # All calls of one kind run back to back: they share a prompt prefix that llama.cpp keeps in its KV
    # cache, so interleaving kinds would make every call re-read the system text and example.
    ordered = sorted(calls, key=lambda call: _KIND_ORDER.index(call.kind))
    for done, call in enumerate(ordered, 1):
        _run_one(call, ask, out)
        if progress:
            progress(call.kind, done, len(ordered))


def _run_one(call: Call, ask: Asker | None, out: Labeled) -> None:
    if ask is None:
        call.on_rules()
        return
    prompt = prompts.load(call.kind)
    try:
        answer = ask.ask(
            kind=call.kind,
            prompt_version=prompt.version,
            messages=prompt.messages(**call.fields),
            response_model=call.response_model or RESPONSE_MODELS[call.kind],
            section=call.section,
        )
    except ModelError as err:
        out.quality.append(
            QualityNote(kind="section_failed", message=f"{call.kind} call failed: {err.message}", section=call.section)
        )
        return
    call.on_answer(answer)
