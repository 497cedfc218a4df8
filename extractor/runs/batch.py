"""Run `extract` over a folder of reports: resumable, one file's failure isolated, bounded concurrency.

    run_batch(in_dir, out_dir, config, glob="*", concurrency=1, force=False, recursive=False,
              redo=(), on_event=None, on_calls=None) -> BatchSummary

What OUT holds:

    <stem>.json       one Report per input (`x.txt` → `x.json`, `x.md` → `x.md.json`), written atomically; an input found in a sub-folder (`--recursive`
                      or a `**` glob) keeps its relative path (`2022/report.txt` → `2022/report.json`), so
                      equal file names in different folders never collide. A rerun that fails keeps the
                      older good output and marks its line `stale`: a failure never destroys a result.
    texts/<file>.txt  for a PDF, Word or web-page input, the text layer its offsets point into (written just
                      before the JSON; `source.text_sha256` is its sha256, `source.sha256` the original's)
    manifest.jsonl    one line per input per run, appended with fsync; an input's latest line is its state;
                      `file` is its path below the input folder, `input_dir` that folder (for `fazhi review`).
                      Every entry of IN is accounted for: a sub-folder not read (no --recursive) is a line
                      `ignored`, a broken link or an unreadable file a line `failed`, each with its reason.
    reports.jsonl, metrics.csv, indicators.csv, items.csv (+ metrics/items .parquet with pyarrow):
                      rebuilt from every output in OUT at the end (extractor/runs/tables.py)
    reports.sqlite    the same rows as SQL tables, synced with the outputs (extractor/runs/store.py)

Statuses: `ok`; `degraded` (every item present, some model calls failed and the rules stand in); `partial`
(something really missing); `no_structure` (written, but no outline found: no top-level section, or no item
at all in its body text — `pipeline.structure_missing`; metrics and metadata are there, items are not);
`failed` (no output); `stale` (failed now, an older output kept); `not_started`
(the run stopped first: the circuit breaker or Ctrl-C); `skipped` (done before); `ignored` (a folder).

Fail fast: the endpoint is checked once before any report starts (`pipeline.preflight`), and one circuit
breaker is shared by every report; when it trips, the reports in flight and those not yet begun are
`not_started`, the summary's `stopped` says why and the CLI exits 2. A rerun resumes.

Resume: an input is skipped when its latest manifest line is `ok` or `skipped` for the same input sha256
and config fingerprint (backend, model, endpoint, mode, … and, for model backends, prompt versions), and
its output still parses as a Report of those bytes. A `no_structure` input is not redone either (the same
bytes and rules give the same outline) but keeps its status on a new line, so a rerun cannot turn it into
`skipped` and pass; `redo=("no_structure",)` (`--redo no_structure`) redoes those. Anything else is redone;
every other status is retried, since a model failure may be transient and cached sections make the retry
cheap. The output is written
before its manifest line, so a kill -9 loses at most the reports in flight. One batch writes to an OUT at
a time (temp files left by a killed write are removed at the start).

Concurrency: reports run in a bounded thread pool, and against an endpoint their model calls go through a
second pool of the same width shared by all reports (labeling/run.py applies answers in plan order, so
outputs do not depend on it): N requests stay in flight to the end instead of the batch waiting on its
longest report (bench/batch_concurrency.py; bench/RESULTS.md). The embedded `local` model serialises its
calls (the client holds a lock), so concurrency > 1 buys nothing there and is clamped to 1, with a note.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal, Optional, Protocol

from pydantic import ValidationError

from extractor.model import prompts
from extractor.config import Config
from extractor.errors import ConfigError, FazhiError, Interrupted
from extractor.files import remove_stale_temp_files
from extractor.pipeline import (
    extract,
    is_degraded,
    is_partial,
    layer_path,
    new_breaker,
    preflight,
    structure_missing,
    write_report,
)
from extractor.runs.inputs import Job, plan_inputs
from extractor.runs.manifest import BAD, DONE, MANIFEST, REDO, STATUSES, Manifest, ManifestEntry, Status
from extractor.runs.store import write_store
from extractor.runs.tables import write_tables
from schemas.report import Report

if TYPE_CHECKING:  # the model layer is imported only by runs that call a model
    from extractor.model.breaker import Breaker


class Engine(Protocol):
    """Where reports are extracted when not on this process's threads (extractor/runs/ray_engine.py): how
    many in flight, and an `extract` that runs one report there and returns its Report here. Outputs and
    the manifest are still written here, by the same code, so engines resume each other's runs."""

    def workers(self, config: Config, concurrency: int) -> tuple[int, list[str]]: ...

    def extract(self, path: Path, config: Config) -> Report: ...


@dataclass(frozen=True)
class BatchEvent:
    """What `on_event` receives, always on the calling thread.

    `start`: `total` inputs found, `todo` to extract (the rest are skipped), `concurrency` in use, `notes`.
    `done`: one input finished (`entry`), skipped ones included.
    """

    kind: Literal["start", "done"]
    total: int = 0
    todo: int = 0
    concurrency: int = 1
    notes: tuple[str, ...] = ()
    entry: ManifestEntry | None = None


@dataclass
class BatchSummary:
    in_dir: Path
    out_dir: Path
    fingerprint: str
    concurrency: int
    entries: list[ManifestEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None  # why the run stopped before doing every input (a ConfigError's text)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for entry in self.entries:
            counts[entry.status] += 1
        return counts

    def total(self, attr: str) -> int:
        return sum(getattr(entry, attr) for entry in self.entries)

    @property
    def structure_uncertain(self) -> int:
        """Reports written this run whose outline left a part missing or empty (see their `quality`)."""
        return sum(1 for entry in self.entries if entry.structure_uncertain)

    @property
    def exit_code(self) -> int:
        """2 when the run stopped on a configuration fault, 1 when any input is not done (degraded, partial,
        no_structure, failed, stale, not_started), else 0 (ok, skipped, ignored folders)."""
        if self.stopped:
            return 2
        return 1 if any(e.status in BAD for e in self.entries) else 0

    def to_dict(self) -> dict:
        return {
            "in_dir": str(self.in_dir),
            "out_dir": str(self.out_dir),
            "fingerprint": self.fingerprint,
            "concurrency": self.concurrency,
            "counts": self.counts,
            "tokens_in": self.total("tokens_in"),
            "tokens_out": self.total("tokens_out"),
            "calls": self.total("calls"),
            "cache_hits": self.total("cache_hits"),
            "structure_uncertain": self.structure_uncertain,
            "seconds": round(self.seconds, 3),
            "exit_code": self.exit_code,
            "stopped": self.stopped,
            "notes": self.notes,
            "tables": self.tables,
            "files": [
                {"file": e.file, "status": e.status, "error": e.error, "output": e.output, "seconds": e.seconds}
                for e in self.entries
            ],
        }


@dataclass(frozen=True)
class _Run:
    out_dir: Path
    config: Config
    manifest: Manifest
    fingerprint: str
    prompt_versions: dict[str, str]
    run_id: str
    in_dir: str = ""  # absolute, for the manifest lines
    stop: threading.Event = field(default_factory=threading.Event)  # set on interrupt: start nothing new
    breaker: Optional[Breaker] = None  # one circuit breaker for every report of the run (None for rules)
    calls: ThreadPoolExecutor | None = None  # one pool for every model call of the run (endpoint, concurrency > 1)
    on_calls: Callable[[str, str, int, int], None] | None = None  # (file, stage, done, total), worker threads
    stopped: list[str] = field(default_factory=list)  # the ConfigError that stopped the run
    _recorded: dict[str, str] = field(default_factory=dict)  # input -> the status of its line from this run
    _record_lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, entry: ManifestEntry) -> bool:
        """Append `entry` unless this run already gave its input a line (after Ctrl-C the main thread writes
        `not_started` for a report still in flight; the worker, finishing later, must not add a second)."""
        with self._record_lock:
            if entry.file in self._recorded:
                return False
            self._recorded[entry.file] = entry.status
        self.manifest.append(entry)
        return True

    def entry(self, job: Job, status: Status, **values) -> ManifestEntry:
        fields = {
            "backend": self.config.resolved_backend,
            "model": self.config.model_name,
            "input_dir": self.in_dir or None,
            **values,
        }
        return ManifestEntry(
            file=job.key,
            status=status,
            sha256=job.sha256,
            fingerprint=self.fingerprint,
            prompt_versions=self.prompt_versions,
            run_id=self.run_id,
            time=_now(),
            **fields,
        )


def run_batch(
    in_dir: Path,
    out_dir: Path,
    config: Config,
    *,
    glob: str = "*",
    concurrency: int = 1,
    force: bool = False,
    recursive: bool = False,
    redo: tuple[str, ...] = (),
    on_event: Callable[[BatchEvent], None] | None = None,
    on_calls: Callable[[str, str, int, int], None] | None = None,
    prepare: Callable[[list[Path]], list[str]] | None = None,
    engine: "Engine | None" = None,
) -> BatchSummary:
    """Extract every file matching `glob` in `in_dir` into `out_dir`; see the module docstring.

    Raises `InputError` for a missing input folder and `ConfigError` when the pre-flight check finds the
    configuration cannot work; a problem with one file is recorded in the manifest and the batch goes on; a
    configuration fault met mid-run (the circuit breaker) ends it with `summary.stopped` set. KeyboardInterrupt
    stops every new report and call, gives the reports in flight a few seconds, writes `not_started` for
    every input without a line and raises `BatchInterrupted` (a KeyboardInterrupt); the next run resumes. `on_calls(file,
    stage, done, total)` hears of every model call of every report, on worker threads.
    """
    started = time.monotonic()
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    jobs, folders = plan_inputs(in_dir, out_dir, glob, recursive)
    preflight(config)  # no key, a refused or silent endpoint: exit 2 before any report starts
    _clear_out(out_dir)
    emit = on_event or (lambda event: None)
    run = _new_run(in_dir, out_dir, config, on_calls)
    workers, notes = engine.workers(config, concurrency) if engine else _workers(config, concurrency)
    if asked_nothing := config.model_fields_note:  # the run-wide reason behind `model calls 0`, said once
        notes = [*notes, asked_nothing]
    summary = BatchSummary(in_dir, out_dir, run.fingerprint, workers, notes=notes)
    done, kept, todo = _resume(jobs, run, force, redo)
    emit(BatchEvent("start", total=len(jobs), todo=len(todo), concurrency=workers, notes=tuple(notes)))

    for job in folders:
        _finish(summary, run, run.entry(job, "ignored", error=job.error), emit)
    for job in done:
        _finish(summary, run, _kept_entry(run, job, kept[job.key]), emit)
    if prepare is not None and todo:  # e.g. the OpenAI Batch API filling the response cache (openai_batch.py)
        try:
            summary.notes.extend(prepare([job.path for job in todo if not job.error]))
        except KeyboardInterrupt as exc:  # nothing extracted yet: every input is not_started
            raise _interrupted(run, None, {}, todo, summary) from exc
    if engine is None and workers > 1 and config.spec.uses_endpoint:
        # Reports in flight *and* their calls through one pool as wide as --concurrency: the endpoint has
        # that many requests in flight until the last call, instead of idling while one long report ends.
        run = replace(run, calls=ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fazhi-call"))
    _run_todo(run, todo, workers, summary, emit, engine)
    summary.stopped = run.stopped[0] if run.stopped else None
    _write_tables(summary, out_dir)
    summary.seconds = time.monotonic() - started
    return summary


def _clear_out(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    # A kill -9 during an atomic write leaves its temp file; one batch writes to an OUT at a time, so any
    # found at the start (sub-folders included: --recursive outputs) is a leftover.
    remove_stale_temp_files(out_dir, recursive=True, pattern=".*.tmp")  # older tools named them `.<name>.*.tmp`


def _new_run(
    in_dir: Path, out_dir: Path, config: Config, on_calls: Callable[[str, str, int, int], None] | None
) -> _Run:
    versions = prompts.versions_for(config.resolved_backend, config.prompts)
    return _Run(
        out_dir,
        config,
        Manifest(out_dir / MANIFEST),
        config.fingerprint(versions),
        versions,
        run_id=datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ"),
        in_dir=str(in_dir.resolve()),
        breaker=new_breaker(config),
        on_calls=on_calls,
    )


def _resume(
    jobs: list[Job], run: _Run, force: bool, redo: tuple[str, ...]
) -> tuple[list[Job], dict[str, Report], list[Job]]:
    """(done before and kept, their reports by input, to do now): see Resume in the module docstring."""
    if unknown := [r for r in redo if r not in REDO]:
        raise ConfigError(
            f"cannot redo {', '.join(unknown)}",
            hint=f"redo one of: {', '.join(REDO)} (every other status but ok is retried anyway; --force redoes all)",
        )
    previous = {} if force else run.manifest.latest()
    kept = {
        job.key: report
        for job in jobs
        if not job.error and (report := _done_report(previous.get(job.key), job, run)) is not None
    }
    done = [
        job for job in jobs if job.key in kept and not ("no_structure" in redo and structure_missing(kept[job.key]))
    ]
    done_keys = {job.key for job in done}
    return done, kept, [job for job in jobs if job.key not in done_keys]


def _run_todo(
    run: _Run,
    todo: list[Job],
    workers: int,
    summary: BatchSummary,
    emit: Callable[[BatchEvent], None],
    engine: "Engine | None",
) -> None:
    """Extract `todo` in a pool of `workers`, recording each line as it ends; an exception in the main thread
    (Ctrl-C) stops the run and writes `not_started` for every input without a line (`_interrupted`)."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fazhi-batch")
    futures: dict = {}
    try:
        for job in todo:
            futures[pool.submit(_process, job, run, engine.extract if engine else None)] = job
        for future in as_completed(futures):
            entry = future.result()
            if entry is None:  # not started: the run stopped (circuit breaker) before this job began
                if not run.stopped:
                    continue
                entry = run.entry(futures[future], "not_started", error=run.stopped[0])
                run.record(entry)
            _finish(summary, None, entry, emit)
    except BaseException as exc:
        why = "interrupted (Ctrl-C)" if isinstance(exc, KeyboardInterrupt) else f"stopped by {type(exc).__name__}"
        stopped = _interrupted(run, pool, futures, todo, summary, why)
        if isinstance(exc, KeyboardInterrupt):
            raise stopped from exc
        raise  # anything else (a bug in a callback) is itself, not an interrupt; the lines are written
    pool.shutdown()
    if run.calls is not None:
        run.calls.shutdown()


def _write_tables(summary: BatchSummary, out_dir: Path) -> None:
    summary.tables, table_notes = write_tables(out_dir)
    summary.notes.extend(table_notes)
    stored, store_notes = write_store(out_dir)  # OUT/reports.sqlite, from the same rows (runs/store.py)
    summary.tables += stored
    summary.notes.extend(store_notes)


INTERRUPT_GRACE = 3.0  # seconds the reports in flight get to finish after Ctrl-C


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C (or another exception in the main thread) stopped the batch. Every input of the run has its
    manifest line: finished reports theirs, the rest `not_started`. `saved` and `not_started` count them."""

    def __init__(self, saved: int, not_started: int):
        super().__init__(f"interrupted: {saved} report(s) saved, {not_started} not_started")
        self.saved = saved
        self.not_started = not_started


def _interrupted(
    run: _Run,
    pool: ThreadPoolExecutor | None,
    futures: dict,
    todo: list[Job],
    summary: BatchSummary,
    why: str = "interrupted (Ctrl-C)",
) -> BatchInterrupted:
    """Stop the batch at once: nothing new is started or sent, the reports in flight get INTERRUPT_GRACE
    seconds to end (their unsent calls fail at once with `Interrupted`), and every input still without a
    line gets `not_started`, so the next run redoes exactly those. A call waiting on its HTTP reply is not
    waited for past the grace: its thread is left behind (the CLI exits without joining it)."""
    run.stop.set()
    if run.breaker is not None:
        run.breaker.halt(Interrupted(f"not sent: the run was {why}", hint="rerun to resume"))
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
    running = [f for f in futures if not f.cancelled()]
    wait(running, timeout=INTERRUPT_GRACE)  # a second Ctrl-C here ends the wait (the CLI exits at once)
    if run.calls is not None:
        run.calls.shutdown(wait=False, cancel_futures=True)
    for job in todo:
        entry = run.entry(job, "not_started", error=f"the run was {why} first; rerun to resume")
        if run.record(entry):
            summary.entries.append(entry)
    # counted from what was recorded: a report in flight may have written its own not_started line in the grace
    not_started = sum(1 for job in todo if run._recorded.get(job.key) == "not_started")
    saved = sum(1 for job in todo if run._recorded.get(job.key) in ("ok", "degraded", "partial", "no_structure"))
    return BatchInterrupted(saved, not_started)


def _workers(config: Config, concurrency: int) -> tuple[int, list[str]]:
    workers = max(1, int(concurrency))
    if workers > 1 and config.spec.embedded:
        return 1, [f"concurrency {workers} clamped to 1: the local model runs one call at a time"]
    return workers, []


def _done_report(prev: dict | None, job: Job, run: _Run) -> Report | None:
    """The output an earlier run left for this input, when it need not be redone; else None."""
    if not prev or prev.get("status") not in DONE:
        return None
    if prev.get("sha256") != job.sha256 or prev.get("fingerprint") != run.fingerprint:
        return None
    try:
        report = Report.model_validate_json((run.out_dir / job.output).read_bytes())
    except (OSError, ValidationError, ValueError):
        return None
    if report.source.text_sha256 and not layer_path(run.out_dir / job.output, report.source.file).is_file():
        return None  # its text layer was removed: redo it, so the offsets point into something kept
    return report if report.source.sha256 == job.sha256 else None


def _kept_entry(run: _Run, job: Job, report: Report) -> ManifestEntry:
    """The line of an input not redone: `skipped`, or `no_structure` again for an output without an outline
    (also one an older tool called ok), so a rerun never passes it as done."""
    why = structure_missing(report)
    if why is None:
        return run.entry(job, "skipped", output=job.output)
    return run.entry(
        job,
        "no_structure",
        output=job.output,
        error=f"{why} (kept from an earlier run; --redo no_structure extracts it again)",
        structure_uncertain=sum(1 for n in report.quality if n.kind == "structure_uncertain"),
    )


def _process(job: Job, run: _Run, extract_fn: Callable[[Path, Config], Report] | None = None) -> ManifestEntry | None:
    """One input, start to finish, on a worker thread: extract (here, or where `extract_fn` sends it), write
    the output, then the manifest line."""
    if run.stop.is_set():
        return None  # the batch was stopped after this job was queued; the next run does it
    started = time.monotonic()
    out_path = run.out_dir / job.output
    if job.error:
        entry = run.entry(job, "failed", error=job.error)
    else:
        entry = _extract_one(job, run, out_path, extract_fn)
    if entry.status == "failed" and not job.error and _is_report(out_path):
        # A good output from an earlier run stays: a failed rerun (an endpoint down, a file being rewritten)
        # must not destroy a result. The line says it is stale; the next run retries.
        entry.status, entry.output = "stale", job.output
        entry.error = f"{entry.error} (the output from an earlier run is kept)"
    entry.seconds = round(time.monotonic() - started, 3)
    if not run.record(entry):
        return None  # the run was interrupted and already gave this input its line
    return entry


_STOP_LOCK = threading.Lock()


def _extract_one(
    job: Job, run: _Run, out_path: Path, extract_fn: Callable[[Path, Config], Report] | None
) -> ManifestEntry:
    """Extract one readable input and write it; a failure is this file's line, a configuration fault or an
    interrupt is `not_started` (and a configuration fault stops the run)."""
    progress = None
    if run.on_calls is not None:
        progress = lambda stage, done, total: run.on_calls(job.key, stage, done, total)  # noqa: E731
    try:
        if extract_fn is not None:  # another engine (Ray): its own processes, no shared breaker or call pool
            report = extract_fn(job.path, run.config)
        else:
            report = extract(
                job.path,
                run.config,
                progress=progress,
                breaker=run.breaker,
                **({"pool": run.calls} if run.calls is not None else {}),
            )
    except ConfigError as err:
        # Not about this file (the circuit breaker, a key the endpoint rejects): stop the run. This
        # report and every one not begun are `not_started`; the next run resumes them.
        with _STOP_LOCK:
            if not run.stopped:
                run.stopped.append(str(err))
        run.stop.set()
        entry = run.entry(job, "not_started", error=str(err))
    except Interrupted as err:  # the run is stopping (Ctrl-C): not about this file; the next run redoes it
        entry = run.entry(job, "not_started", error=f"{err.message} (rerun to resume)")
    except (KeyboardInterrupt, SystemExit):
        run.stop.set()  # not about this file: stop before the other workers start anything new
        raise
    except FazhiError as err:  # InputError, ModelError: about this file only
        entry = run.entry(job, "failed", error=str(err))
    except Exception as err:  # a bug on one odd file must not cost the other hundreds
        entry = run.entry(job, "failed", error=f"internal error: {type(err).__name__}: {err}")
    else:
        return _written(job, run, report, out_path)
    return entry


def _written(job: Job, run: _Run, report: Report, out_path: Path) -> ManifestEntry:
    """Write one extracted report; its line says what it holds (ok, degraded, partial, no_structure)."""
    try:
        write_report(report, out_path)  # a document's text layer first, then the JSON
    except OSError as err:  # disk full, a name too long, a folder in the way: this file's failure
        return run.entry(job, "failed", error=f"could not write {job.output}: {err.strerror or err}")
    missing = structure_missing(report)
    status: Status = (
        "partial" if is_partial(report) else "no_structure" if missing else "degraded" if is_degraded(report) else "ok"
    )
    return run.entry(job, status, output=job.output, error=_degraded_reason(report) or missing, **_usage(report))


def _degraded_reason(report: Report) -> str | None:
    """For a degraded report's manifest line: how many calls failed, and the first failure."""
    failed = [n for n in report.quality if n.kind == "model_failed"]
    if not failed:
        return None
    return (
        f"{len(failed)} model call(s) failed after retries; the rules' answers stand in (decided_by: rules); "
        f"first: {failed[0].message}"
    )


def _is_report(path: Path) -> bool:
    try:
        Report.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return False
    return True


def _usage(report: Report) -> dict:
    info = report.run
    if info is None:
        return {}
    return {
        "backend": info.backend,
        "model": info.model,
        "tokens_in": info.tokens_in,
        "tokens_out": info.tokens_out,
        "calls": info.calls,
        "cache_hits": info.cache_hits,
        "structure_uncertain": sum(1 for note in report.quality if note.kind == "structure_uncertain"),
    }


def _finish(summary: BatchSummary, run: _Run | None, entry: ManifestEntry, emit) -> None:
    if run is not None:  # skipped entries are recorded here; processed ones by their worker
        run.record(entry)
    summary.entries.append(entry)
    emit(BatchEvent("done", entry=entry))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
