"""`batch --via openai-batch`: answer a whole folder's model calls through the OpenAI Batch API, then let the
normal batch run find every answer in the response cache.

    OpenAIBatch(config, out_dir, on_progress=…).prepare(paths) -> notes      # run_batch's `prepare` hook

1. **Plan**: each input runs through the real pipeline with an asker that answers from the cache and
   records every miss instead of sending it: (cache key, chat.completions body). The body is instructor's
   own request for the mode (`ModelClient.request_body`), the key `ModelClient.key_for` — the very request and
   key a direct run would use. Identical requests across reports are sent once.
2. **Submit**: the misses as Batch API JSONL (`custom_id` = cache key), at most `max_lines` per batch (the
   API takes 50,000), uploaded (Files API, purpose `batch`) and created (`/v1/chat/completions`, 24h). Each
   batch id is recorded in `OUT/manifest.jsonl` (a line with `"kind": "openai_batch"`) before polling.
3. **Poll** with a progress callback until the batch ends (completed, expired, failed or cancelled).
4. **Collect**: every output line is parsed the way instructor parses a direct reply for the mode and cached
   under its key (`ModelClient.store_completion`); a line that errored, expired or does not validate is left
   uncached, so the normal run sends that call directly (with retries) — each counted in a note.

Resume: a rerun first collects any batch recorded as submitted but not collected (same configuration
fingerprint) instead of submitting again; it submits a new batch only for calls no earlier batch tried. A
run whose calls are all cached submits nothing. Token usage of the batch replies is recorded in the
manifest's collect line (the later cache hits cost nothing).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel

from extractor.config import Config
from extractor.errors import ConfigError, FazhiError, ModelError
from extractor.model import prompts
from extractor.pipeline import extract
from extractor.runs.manifest import MANIFEST, Manifest

ENDPOINT = "/v1/chat/completions"
MAX_LINES = 50_000  # the Batch API's limit per input file
MAX_FILE_BYTES = 190 * 1024 * 1024  # under the 200 MB limit per input file
TERMINAL = ("completed", "expired", "failed", "cancelled")


class _Planned(ModelError):
    """Raised by the recording asker instead of a reply: the pipeline notes the section and goes on."""


@dataclass(frozen=True)
class Request:
    key: str
    kind: str
    body: dict
    response_model: type[BaseModel]

    def line(self) -> str:
        return json.dumps(
            {"custom_id": self.key, "method": "POST", "url": ENDPOINT, "body": self.body},
            ensure_ascii=False,
            separators=(",", ":"),
        )


class Recorder:
    """An asker for `extract(..., client=…)`: cached answers are returned, misses recorded and not sent."""

    def __init__(self, client: Any):
        self.client = client
        self.requests: dict[str, Request] = {}

    def ask(
        self,
        *,
        kind: str,
        prompt_version: str,
        messages: list[dict],
        response_model: type[BaseModel],
        section: str | None = None,
        max_tokens: int | None = None,
    ) -> BaseModel:
        key = self.client.key_for(
            kind=kind,
            prompt_version=prompt_version,
            messages=messages,
            response_model=response_model,
            max_tokens=max_tokens,
        )
        hit = self.client.cached(key, response_model)
        if hit is not None:
            return hit
        if key not in self.requests:
            body = self.client.request_body(messages=messages, response_model=response_model, max_tokens=max_tokens)
            self.requests[key] = Request(key, kind, body, response_model)
        raise _Planned("planned for the Batch API", section=section)


@dataclass
class BatchLine:
    """A manifest line about one Batch API batch (no `file` field: per-input readers skip it)."""

    batch_id: str
    status: str  # submitted | the batch's final status once collected
    fingerprint: str
    requests: int = 0
    input_file_id: str | None = None
    answered: int = 0
    failed: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # error code -> lines
    tokens_in: int = 0
    tokens_out: int = 0
    collected: bool = False
    time: str = ""
    kind: str = "openai_batch"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass(frozen=True)
class BatchProgress:
    """What `on_progress` receives: `stage` plan (done/total inputs), submit, poll (the batch's request
    counts) or collect."""

    stage: str
    done: int = 0
    total: int = 0
    batch_id: str | None = None
    status: str | None = None
    failed: int = 0


@dataclass
class _Outcome:
    answered: set[str] = field(default_factory=set)
    tried: set[str] = field(default_factory=set)  # keys some batch answered or rejected
    errors: Counter = field(default_factory=Counter)
    whole_failures: list[str] = field(default_factory=list)
    batch_ids: list[str] = field(default_factory=list)
    tokens: list[int] = field(default_factory=lambda: [0, 0])  # in, out: what the batch replies cost


class OpenAIBatch:
    """See the module docstring. `client_factory(config)` builds the ModelClient (tests pass one with a
    fake transport); `sleep` is what polling waits with."""

    def __init__(
        self,
        config: Config,
        out_dir: Path,
        *,
        poll_seconds: float = 30.0,
        max_lines: int = MAX_LINES,
        on_progress: Callable[[BatchProgress], None] | None = None,
        client_factory: Callable[[Config], Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not config.spec.supports_batch_api:
            raise ConfigError(
                "--via openai-batch needs an OpenAI-compatible endpoint",
                hint="pass --backend openai with --base-url/--model (or FAZHI_BASE_URL)",
            )
        if config.refresh:
            # The run after the batch would bypass the answers the batch just cached and pay for every call twice.
            raise ConfigError(
                "--refresh cannot be combined with --via openai-batch",
                hint="use a fresh --cache-dir (or `fazhi cache clear`) to ask everything again",
            )
        self.config = config
        self.manifest = Manifest(Path(out_dir) / MANIFEST)
        self.fingerprint = config.fingerprint(prompts.versions_for(config.resolved_backend, config.prompts))
        self.poll_seconds = poll_seconds
        self.max_lines = max(1, max_lines)
        self.emit = on_progress or (lambda progress: None)
        self.client_factory = client_factory or _default_client
        self.sleep = sleep

    def prepare(self, paths: list[Path]) -> list[str]:
        """Make every model call of `paths` a cache hit where the Batch API can; returns notes for the run."""
        with self.client_factory(self.config) as client:
            requests = self._plan(client, paths)
            outcome = _Outcome()
            pending = self._pending() if requests else []  # nothing left to ask: no reason to wait for one
            for batch_id in pending:  # a batch submitted by a run that did not live to collect it
                self._wait_and_collect(client, batch_id, requests, outcome)
            fresh = [r for key, r in requests.items() if key not in outcome.tried and key not in outcome.answered]
            if fresh and not outcome.whole_failures:
                for chunk in _chunks(fresh, self.max_lines, MAX_FILE_BYTES):
                    batch_id = self._submit(client, chunk)
                    self._wait_and_collect(client, batch_id, requests, outcome)
        return self._notes(requests, outcome, pending)

    # -- steps ---------------------------------------------------------------------------------------------

    def _plan(self, client: Any, paths: list[Path]) -> dict[str, Request]:
        recorder = Recorder(client)
        for done, path in enumerate(paths, 1):
            try:
                extract(path, self.config, client=recorder)
            except ConfigError:
                raise
            except FazhiError:
                pass  # a bad input: the normal run records it as failed, with its reason
            self.emit(BatchProgress("plan", done, len(paths)))
        return recorder.requests

    def _pending(self) -> list[str]:
        """Batches of this configuration submitted but never collected, oldest first."""
        submitted: dict[str, None] = {}
        collected: set[str] = set()
        for row in _batch_lines(self.manifest.path):
            if row.get("fingerprint") != self.fingerprint:
                continue
            if row.get("collected"):
                collected.add(row["batch_id"])
            else:
                submitted[row["batch_id"]] = None
        return [batch_id for batch_id in submitted if batch_id not in collected]

    def _submit(self, client: Any, chunk: list[Request]) -> str:
        data = "".join(r.line() + "\n" for r in chunk).encode("utf-8")
        self.emit(BatchProgress("submit", 0, len(chunk)))
        uploaded = self._api(client, lambda api: api.files.create(file=("fazhi-batch.jsonl", data), purpose="batch"))
        created = self._api(
            client,
            lambda api: api.batches.create(
                input_file_id=uploaded.id,
                endpoint=ENDPOINT,
                completion_window="24h",
                metadata={"tool": "fazhi-extractor", "fingerprint": self.fingerprint},
            ),
        )
        # Recorded before any waiting: a run killed while polling resumes this batch instead of paying twice.
        self.manifest.append(
            BatchLine(
                created.id,
                "submitted",
                self.fingerprint,
                requests=len(chunk),  # type: ignore[arg-type]
                input_file_id=uploaded.id,
                time=_now(),
            )
        )  # the manifest writes any dataclass line
        return created.id

    def _wait_and_collect(self, client: Any, batch_id: str, requests: dict[str, Request], outcome: _Outcome) -> None:
        batch = self._api(client, lambda api: api.batches.retrieve(batch_id))
        while batch.status not in TERMINAL:
            counts = batch.request_counts
            self.emit(
                BatchProgress(
                    "poll",
                    counts.completed if counts else 0,
                    counts.total if counts else 0,
                    batch_id,
                    batch.status,
                    counts.failed if counts else 0,
                )
            )
            self.sleep(self.poll_seconds)
            batch = self._api(client, lambda api: api.batches.retrieve(batch_id))
        self.emit(BatchProgress("collect", 0, 0, batch_id, batch.status))
        line = BatchLine(
            batch_id,
            batch.status,
            self.fingerprint,
            input_file_id=batch.input_file_id,
            requests=batch.request_counts.total if batch.request_counts else 0,
            collected=True,
        )
        outcome.batch_ids.append(batch_id)
        errors: Counter = Counter()
        for row in self._rows(client, batch.output_file_id):
            key = row.get("custom_id")
            if key not in requests:
                continue  # asked for by an input no longer in this run, or already cached
            outcome.tried.add(key)
            response = row.get("response") or {}
            if row.get("error") or response.get("status_code") != 200:
                errors[_code(row)] += 1
                continue
            body = response.get("body") or {}
            try:
                client.store_completion(key, body, requests[key].response_model)
            except ModelError:
                errors["invalid_reply"] += 1
                continue
            usage = body.get("usage") or {}
            line.tokens_in += int(usage.get("prompt_tokens") or 0)
            line.tokens_out += int(usage.get("completion_tokens") or 0)
            outcome.answered.add(key)
            line.answered += 1
        for row in self._rows(client, batch.error_file_id):
            if row.get("custom_id") in requests:
                outcome.tried.add(row["custom_id"])
                errors[_code(row)] += 1
        if batch.status != "completed" and not batch.output_file_id and not batch.error_file_id:
            outcome.whole_failures.append(f"{batch_id} {batch.status}{_batch_errors(batch)}")
        line.failed = sum(errors.values())
        line.errors = dict(errors)
        line.time = _now()
        outcome.errors.update(errors)
        outcome.tokens[0] += line.tokens_in
        outcome.tokens[1] += line.tokens_out
        self.manifest.append(line)  # type: ignore[arg-type]  # the manifest writes any dataclass line

    def _rows(self, client: Any, file_id: str | None) -> list[dict]:
        if not file_id:
            return []
        text = self._api(client, lambda api: api.files.content(file_id)).text
        rows = []
        for raw in text.splitlines():
            try:
                row = json.loads(raw)
            except ValueError:
                continue  # a torn line: its call is simply made directly
            if isinstance(row, dict):
                rows.append(row)
        return rows

    def _api(self, client: Any, call: Callable[[Any], Any]) -> Any:
        """One Files/Batches request with the client's transient-retry policy; errors become ours (a refused
        key, URL or an endpoint without the Batch API stops the run as a configuration error)."""
        from tenacity import Retrying, retry_if_exception, stop_after_attempt

        from extractor.model import failures

        retrying = Retrying(
            stop=stop_after_attempt(self.config.max_retries + 1),
            wait=failures.wait,
            retry=retry_if_exception(failures.is_transient),
            sleep=self.sleep,
            reraise=True,
        )
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    return call(client.openai)
        except Exception as exc:  # noqa: BLE001 — translated in failures.py, or re-raised untouched
            error = client.translator.translate(exc, attempts, BaseModel)
            if error is None:
                raise
        raise error

    def _notes(self, requests: dict[str, Request], outcome: _Outcome, pending: list[str]) -> list[str]:
        notes = []
        if pending:
            notes.append(
                f"OpenAI batch: resumed {len(pending)} batch(es) submitted earlier ({', '.join(pending)})"
                " instead of submitting again"
            )
        if not requests:
            notes.append("OpenAI batch: every model call is already cached; nothing submitted")
            return notes
        notes.append(
            f"OpenAI batch: {len(requests)} model calls planned, {len(outcome.answered)} answered by "
            f"batch {', '.join(outcome.batch_ids) or '(none)'} (tokens in / out "
            f"{outcome.tokens[0]:,} / {outcome.tokens[1]:,}; the run's own table counts them as cache hits)"
        )
        for failure in outcome.whole_failures:
            notes.append(f"OpenAI batch {failure}: its calls are sent directly")
        direct = len(requests) - len(outcome.answered)
        if direct:
            reasons = ", ".join(f"{code} ×{n}" for code, n in outcome.errors.most_common())
            notes.append(
                f"OpenAI batch: {direct} calls not answered by a batch ({reasons or 'not submitted'}) "
                "are sent as normal calls"
            )
        return notes


def _default_client(config: Config):
    from extractor.model.client import ModelClient

    return ModelClient(config)


def _chunks(requests: list[Request], max_lines: int, max_bytes: int) -> list[list[Request]]:
    chunks: list[list[Request]] = [[]]
    size = 0
    for request in requests:
        n = len(request.line().encode("utf-8")) + 1
        if chunks[-1] and (len(chunks[-1]) >= max_lines or size + n > max_bytes):
            chunks.append([])
            size = 0
        chunks[-1].append(request)
        size += n
    return [c for c in chunks if c]


def _batch_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and row.get("kind") == "openai_batch" and isinstance(row.get("batch_id"), str):
                rows.append(row)
    return rows


def _code(row: dict) -> str:
    error = row.get("error") or {}
    if isinstance(error, dict) and error.get("code"):
        return str(error["code"])
    status = (row.get("response") or {}).get("status_code")
    return f"http_{status}" if status else "error"


def _batch_errors(batch: Any) -> str:
    errors = getattr(batch, "errors", None)
    data = getattr(errors, "data", None) or []
    messages = [getattr(e, "message", None) or getattr(e, "code", None) for e in data]
    return f" ({'; '.join(m for m in messages if m)})" if any(messages) else ""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
