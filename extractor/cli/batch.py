"""`fazhi batch DIR -o OUT`: a folder of reports → one JSON each, manifest.jsonl and flat tables.

Rendering only; the work is `extractor.runs.batch.run_batch`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.markup import escape
from rich.table import Table

from extractor.runs.batch import BatchEvent, BatchSummary, run_batch
from extractor.cli.options import config_options, console, fail, out
from extractor.config import Config
from extractor.errors import ConfigError, FazhiError

STYLE = {"ok": "green", "partial": "yellow", "failed": "red", "skipped": "dim"}


@config_options()
def batch(
    config: Config,
    in_dir: Path = typer.Argument(..., metavar="DIR", help="Folder of report text files."),
    out_dir: Path = typer.Option(..., "--out", "--output", "-o", help="Output folder: one JSON per report, manifest, tables."),
    glob: str = typer.Option("*.txt", "--glob", help="Which files in DIR to read, e.g. '*.txt' or '**/*.txt'."),
    concurrency: int = typer.Option(1, "--concurrency", "-j", min=1, help="Reports in flight at once (local backend: 1)."),
    force: bool = typer.Option(False, "--force", help="Redo every report, even those already done."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    via: str = typer.Option("direct", "--via", help="direct | openai-batch: send the model calls one by one, or all at once through the OpenAI Batch API (cheaper, hours not seconds; resumable)."),
    poll_interval: float = typer.Option(30.0, "--poll-interval", min=0, help="Seconds between Batch API status checks (--via openai-batch)."),
    engine: str = typer.Option("default", "--engine", help="default | ray: extract on this machine's threads, or as Ray tasks (needs the `ray` extra)."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="Ray cluster to join (e.g. ray://head:10001 or auto; env RAY_ADDRESS); default: a local Ray instance."),
) -> None:
    """Extract every report in a folder. Resumes by default: unchanged reports already done are skipped.

    Writes OUT/<name>.json per report, OUT/manifest.jsonl (one line per report per run) and, rebuilt from all
    outputs, OUT/reports.jsonl, metrics.csv, indicators.csv, items.csv (UTF-8 with BOM, opens in Excel).
    Exit code 0 when every report is ok or skipped, 1 when any is partial or failed, 2 for bad options.
    """
    try:
        with _BatchProgress() as progress:
            prepare = _via(via, config, out_dir, poll_interval, progress)
            runner = _engine(engine, ray_address)
            try:
                summary = run_batch(in_dir, out_dir, config, glob=glob, concurrency=concurrency, force=force,
                                    on_event=progress.on_event, prepare=prepare, engine=runner)
            finally:
                if runner is not None:
                    runner.close()
    except FazhiError as err:
        raise fail(err)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]: finished reports are saved; rerun the same command to resume.")
        raise typer.Exit(130)
    if as_json:
        out.print_json(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        _print_summary(summary)
    raise typer.Exit(summary.exit_code)


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
    """A bar over the reports to extract (skipped ones do not count, so the ETA stays honest) and one status
    line per finished report, on stderr so stdout stays clean for --json."""

    def __init__(self):
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=True,
        )
        self.task = None
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
            self.batch_task = self.progress.add_task(description, total=total)
        self.progress.update(self.batch_task, description=escape(description), total=total, completed=done)
        if event.stage == "collect":
            self.progress.console.print(f"[dim]batch {escape(event.batch_id or '')} {event.status}[/]", highlight=False)

    def on_event(self, event: BatchEvent) -> None:
        if event.kind == "start":
            for note in event.notes:
                console.print(f"[yellow]note:[/] {note}", highlight=False)
            self.task = self.progress.add_task("extracting", total=event.todo)
            return
        entry = event.entry
        line = f"[{STYLE[entry.status]}]{entry.status:<7}[/] {escape(entry.file)}  {entry.seconds:.1f}s"
        if entry.error:
            line += f"  [red]{escape(entry.error)}[/]"
        self.progress.console.print(line, highlight=False, soft_wrap=True)
        if entry.status != "skipped":
            self.progress.advance(self.task)


def _print_summary(summary: BatchSummary) -> None:
    table = Table(title=f"fazhi batch → {summary.out_dir}", title_justify="left")
    table.add_column("status")
    table.add_column("reports", justify="right")
    for status, count in summary.counts.items():
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

