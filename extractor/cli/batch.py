"""`fazhi batch DIR -o OUT`: a folder of reports → one JSON each, manifest.jsonl and flat tables.

Rendering only; the work is `extractor.runs.batch.run_batch`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.markup import escape
from rich.table import Table

from extractor.runs.batch import BatchEvent, BatchInterrupted, BatchSummary, run_batch
from extractor.cli.options import config_options, console, fail, out
from extractor.config import Config
from extractor.cli.interrupt import interruptible, leave
from extractor.errors import ConfigError, FazhiError, Interrupted

STYLE = {
    "ok": "green",
    "degraded": "yellow",
    "partial": "yellow",
    "no_structure": "yellow",
    "failed": "red",
    "stale": "red",
    "not_started": "red",
    "skipped": "dim",
    "ignored": "dim",
}


# The command's options, declared once each so its signature reads one line per option. They are defaults,
# as `options.SourceOpt` is, not `Annotated` aliases: `config_options` rebuilds the signature with the
# annotations as strings, which typer does not evaluate, so an alias's option would lose its names and help.
InDirArg = typer.Argument(..., metavar="DIR", help="Folder of report text files.")
OutDirOpt = typer.Option(..., "--out", "--output", "-o", help="Output folder: one JSON per report, manifest, tables.")
GlobOpt = typer.Option(
    "*",
    "--glob",
    help="Which files in DIR to read (default: all; .txt, .pdf, .docx, .doc, .html are read, any other file is a failed line saying why), e.g. '*.pdf' or '**/*'.",
)
RecursiveOpt = typer.Option(
    False, "--recursive", "-r", help="Read sub-folders too; outputs keep the relative path (OUT/2022/x.json)."
)
ConcurrencyOpt = typer.Option(1, "--concurrency", "-j", min=1, help="Reports in flight at once (local backend: 1).")
ForceOpt = typer.Option(False, "--force", help="Redo every report, even those already done.")
RedoOpt = typer.Option(
    [],
    "--redo",
    metavar="STATUS",
    help="Also redo the reports of this status a rerun keeps: no_structure (no outline found; kept by default, since the same bytes give the same outline).",
)
JsonOpt = typer.Option(False, "--json", help="Print the summary as JSON on stdout.")
ViaOpt = typer.Option(
    "direct",
    "--via",
    help="direct | openai-batch: send the model calls one by one, or all at once through the OpenAI Batch API (cheaper, hours not seconds; resumable).",
)
PollIntervalOpt = typer.Option(
    30.0, "--poll-interval", min=0, help="Seconds between Batch API status checks (--via openai-batch)."
)
EngineOpt = typer.Option(
    "default",
    "--engine",
    help="default | ray: extract on this machine's threads, or as Ray tasks (needs the `ray` extra).",
)
RayAddressOpt = typer.Option(
    None,
    "--ray-address",
    help="Ray cluster to join (e.g. ray://head:10001 or auto; env RAY_ADDRESS); default: a local Ray instance.",
)


@dataclass(frozen=True)
class BatchJob:
    """What to extract and how, as the command's options said it."""

    in_dir: Path
    out_dir: Path
    glob: str
    recursive: bool
    concurrency: int
    force: bool
    redo: tuple[str, ...]
    via: str
    poll_interval: float
    engine: str
    ray_address: Optional[str]


@config_options()
def batch(
    config: Config,
    in_dir: Path = InDirArg,
    out_dir: Path = OutDirOpt,
    glob: str = GlobOpt,
    recursive: bool = RecursiveOpt,
    concurrency: int = ConcurrencyOpt,
    force: bool = ForceOpt,
    redo: list[str] = RedoOpt,
    as_json: bool = JsonOpt,
    via: str = ViaOpt,
    poll_interval: float = PollIntervalOpt,
    engine: str = EngineOpt,
    ray_address: Optional[str] = RayAddressOpt,
) -> None:
    """Extract every report in a folder. Resumes by default: unchanged reports already done are skipped.

    Writes OUT/<name>.json per report, OUT/manifest.jsonl (one line per report per run) and, rebuilt from all
    outputs, OUT/reports.jsonl, metrics.csv, indicators.csv, items.csv (UTF-8 with BOM, opens in Excel).
    Every entry of DIR is accounted for in the manifest (a sub-folder not read, a broken link: a line with
    its reason). A rerun that fails keeps the older output (`stale`).

    Exit code 0 when every report is ok or skipped; 1 when any is degraded (model calls failed, the rules
    stand in), partial, no_structure (no outline found: no top-level section or no item; kept on a rerun,
    --redo no_structure redoes it), failed, stale or not started; 2 for bad options or an endpoint that cannot work
    (checked before the first report; mid-run the circuit breaker stops the run, the rest `not_started`);
    130 after Ctrl-C, which stops the run within seconds (the rest `not_started`; a second Ctrl-C exits at
    once). Rerun the same command to resume.
    """
    job = BatchJob(
        in_dir, out_dir, glob, recursive, concurrency, force, tuple(redo), via, poll_interval, engine, ray_address
    )
    summary = _run(config, job)
    _show(summary, as_json)
    raise typer.Exit(summary.exit_code)


def _run(config: Config, job: BatchJob) -> BatchSummary:
    """The batch under its progress bar: a fault is one red line and its exit code; Ctrl-C says what was saved."""
    with interruptible():  # a second Ctrl-C exits at once
        try:
            with _BatchProgress() as progress:
                prepare = _via(job.via, config, job.out_dir, job.poll_interval, progress)
                runner = _engine(job.engine, job.ray_address)
                try:
                    return run_batch(
                        job.in_dir,
                        job.out_dir,
                        config,
                        glob=job.glob,
                        concurrency=job.concurrency,
                        force=job.force,
                        recursive=job.recursive,
                        redo=job.redo,
                        on_event=progress.on_event,
                        on_calls=progress.on_calls,
                        prepare=prepare,
                        engine=runner,
                    )
                finally:
                    if runner is not None:
                        runner.close()
        except FazhiError as err:
            raise fail(err)
        except KeyboardInterrupt as stop:
            _interrupted(stop)


def _interrupted(stop: KeyboardInterrupt) -> NoReturn:
    """Ctrl-C: what is saved, how to resume, and exit 130 at once (a call may still wait on its reply)."""
    counts = (
        f"{stop.saved} report(s) saved this run, {stop.not_started} marked not_started; "
        if isinstance(stop, BatchInterrupted)
        else "finished reports are saved; "
    )
    console.print(f"[yellow]interrupted[/]: {counts}rerun the same command to resume.", highlight=False)
    leave(Interrupted.exit_code)  # without waiting for a call still waiting on its reply
    raise typer.Exit(Interrupted.exit_code)


def _show(summary: BatchSummary, as_json: bool) -> None:
    """The summary as JSON on stdout or as a table, and why the run stopped early when it did."""
    if as_json:
        out.print_json(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        _print_summary(summary)
    if summary.stopped:
        console.print(f"[bold red]error:[/] {escape(summary.stopped)}", highlight=False, soft_wrap=True)


def _via(via: str, config: Config, out_dir: Path, poll_interval: float, progress: "_BatchProgress"):
    if via == "direct":
        return None
    if via != "openai-batch":
        raise ConfigError(f"unknown --via {via!r}", hint="choose direct or openai-batch")
    from extractor.runs.openai_batch import OpenAIBatch

    return OpenAIBatch(config, out_dir, poll_seconds=poll_interval, on_progress=progress.on_batch).prepare


def _engine(engine: str, ray_address: str | None):
    if engine == "default":
        if ray_address:
            raise ConfigError("--ray-address needs --engine ray")
        return None
    if engine != "ray":
        raise ConfigError(f"unknown --engine {engine!r}", hint="choose default or ray")
    from extractor.runs.ray_engine import RayEngine

    return RayEngine(address=ray_address)


class _BatchProgress:
    """One bar over the model calls of the whole batch, so the ETA moves while a long report runs: a report's
    calls are known once it starts; reports not begun are estimated at the mean of those known. One status
    line per finished report; all on stderr so stdout stays clean for --json."""

    def __init__(self):
        # Sized for 80 columns: reports, a short bar, calls done/planned, ETA, the call just finished.
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TextColumn("calls ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[stage]}"),
            console=console,
            transient=True,
        )
        self.task = None
        self.lock = threading.Lock()
        self.todo = 0
        self.finished = 0
        self.planned: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.batch_task = None

    def __enter__(self) -> "_BatchProgress":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def on_batch(self, event) -> None:
        """Batch API stages (extractor/runs/openai_batch.py): planning, then the batch's own progress."""
        if event.stage == "plan":
            description, total, done = "planning calls", event.total, event.done
        elif event.stage == "submit":
            description, total, done = f"submitting {event.total} calls", event.total, 0
        else:
            description = f"batch {event.batch_id} {event.status}"
            total, done = event.total or None, event.done + event.failed
        if self.batch_task is None:
            self.batch_task = self.progress.add_task(description, total=total, stage="")
        self.progress.update(self.batch_task, description=escape(description), total=total, completed=done)
        if event.stage == "collect":
            self.progress.console.print(f"[dim]batch {escape(event.batch_id or '')} {event.status}[/]", highlight=False)

    def on_event(self, event: BatchEvent) -> None:
        if event.kind == "start":
            for note in event.notes:
                console.print(f"[yellow]note:[/] {note}", highlight=False)
            self.todo = event.todo
            self.task = self.progress.add_task(self._label(), total=None, stage="")
            return
        entry = event.entry
        assert entry is not None  # every event but "start" carries its entry
        line = f"[{STYLE[entry.status]}]{entry.status:<7}[/] {escape(entry.file)}  {entry.seconds:.1f}s"
        if entry.status == "not_started":
            line += "  [dim](the run stopped first; rerun to resume)[/]"  # the reason is said once, at the end
        elif entry.error:
            line += f"  [red]{escape(entry.error)}[/]"
        self.progress.console.print(line, highlight=False, soft_wrap=True)
        if entry.status not in ("skipped", "ignored"):
            with self.lock:
                self.finished += 1
                self.planned.setdefault(entry.file, self.done.get(entry.file, 0))
                self.done[entry.file] = self.planned[entry.file]
            self._refresh("")

    def on_calls(self, file: str, stage: str, done: int, total: int) -> None:
        """From worker threads, after each model call of each report."""
        with self.lock:
            self.planned[file], self.done[file] = total, done
        self._refresh(stage)

    def _label(self) -> str:
        return f"{self.finished}/{self.todo} reports"

    def _refresh(self, stage: str) -> None:
        with self.lock:
            known = [n for n in self.planned.values() if n]
            unseen = max(0, self.todo - len(self.planned))
            total = sum(self.planned.values()) + (round(sum(known) / len(known)) * unseen if known else 0)
            done = sum(self.done.values())
            label = self._label()
        if self.task is not None:
            self.progress.update(
                self.task, completed=done, total=total or None, description=label, stage=escape(stage[:18])
            )


def _print_summary(summary: BatchSummary) -> None:
    table = Table(title=f"fazhi batch → {summary.out_dir}", title_justify="left")
    table.add_column("status")
    table.add_column("reports", justify="right")
    for status, count in summary.counts.items():
        if count or status == "ok":  # eight statuses exist; a row for each that happened
            table.add_row(f"[{STYLE[status]}]{status}[/]", str(count))
    table.add_section()
    for label, value in (
        ("tokens in / out", f"{summary.total('tokens_in'):,} / {summary.total('tokens_out'):,}"),
        ("model calls", f"{summary.total('calls'):,}"),
        ("cache hits", f"{summary.total('cache_hits'):,}"),
        ("structure uncertain", f"{summary.structure_uncertain:,} report(s)"),
        ("time", f"{summary.seconds:.1f}s (concurrency {summary.concurrency})"),
    ):
        table.add_row(label, value)
    out.print(table)
    for note in summary.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
