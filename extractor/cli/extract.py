"""`fazhi extract FILE`: one report to JSON, with a per-call progress bar and a run summary on stderr."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from extractor.cli.options import config_options, console, fail
from extractor.config import Config
from extractor.errors import FazhiError


def _progress_bar(label: str):
    """A rich progress bar on stderr and the callback the pipeline calls as it goes."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(label, total=None, stage="")

    def update(stage: str, done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, stage=stage)

    return bar, update


@config_options()
def extract(
    config: Config,
    file: Path = typer.Argument(..., help="A report: .txt (UTF-8, GB18030/GBK or UTF-16), .pdf, .docx, .doc or .html."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Write the report JSON here (atomically) instead of stdout."
    ),
    price_in: Optional[float] = typer.Option(
        None, "--price-in", help="Price per 1k prompt tokens: the run record then shows a cost."
    ),
    price_out: Optional[float] = typer.Option(None, "--price-out", help="Price per 1k output tokens."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Extract one report to JSON.

    Exit codes: 0 ok; 1 a model call failed after retries (the report is still written with every item:
    the rules stand in, `decided_by: rules`, and `quality` names the item), or no outline was found (no
    top-level section, or no item at all: the report is written, a red line says so); 2 bad input or configuration
    (including an endpoint that refuses, cannot be reached, or keeps failing).

    Example: fazhi extract seeds/000_f1d261e1c8a62baa.txt --backend rules -o out/000.json
    """
    from extractor.pipeline import (
        extract as run_extract,
        is_degraded,
        is_partial,
        layer_path,
        structure_missing,
        write_report,
    )

    config = config.with_(price_in_per_1k=price_in, price_out_per_1k=price_out)
    try:
        if quiet:
            report = run_extract(file, config)
        else:
            bar, update = _progress_bar(file.name)
            with bar:
                report = run_extract(file, config, progress=update)
    except FazhiError as err:
        raise fail(err)
    data = report.dump()
    if output:
        try:
            write_report(report, output)  # a PDF/Word/web page's text layer too: texts/<name>.txt beside it
        except OSError as err:
            raise fail(FazhiError(f"could not write the output: {err.strerror or err}", file=str(output)))
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    if not quiet:
        _print_run_summary(report, output)
        if report.source.text_sha256 and output:
            console.print(f"text layer {layer_path(output, report.source.file)} (the offsets point into it)")
        elif report.source.text_sha256:
            console.print(
                "[yellow]the offsets point into the text layer of this "
                f"{report.source.format}; pass -o FILE to keep it beside the JSON[/]"
            )
    if missing := structure_missing(report):
        console.print(f"[red]no_structure[/] {escape(missing)}", highlight=False, soft_wrap=True)
    if is_partial(report) or is_degraded(report) or missing:
        raise typer.Exit(1)


def _print_run_summary(report, output: Optional[Path]) -> None:
    """Counts and costs as short `name value` pairs that wrap between pairs, never inside a number, so the
    summary reads whole in 80 columns and in a log file."""
    run = report.run
    pairs = [
        ("measures", len(report.measures)),
        ("metrics", len(report.metrics)),
        ("problems", len(report.problems)),
        ("plans", len(report.plans)),
        ("duties", len(report.leadership_duties)),
        ("calls", f"{run.calls} ({run.cache_hits} cached)"),
        ("tokens in/out", f"{run.tokens_in}/{run.tokens_out}"),
        ("cost", "–" if run.cost is None else f"{run.cost:.4f}"),
        ("seconds", f"{run.seconds:.1f}"),
    ]
    console.print(f"[bold]{escape(report.source.file)}[/]")
    console.print(
        " · ".join(f"{name}\u00a0[bold]{value}[/]".replace(" ", "\u00a0") for name, value in pairs), highlight=False
    )
    for line, colour in quality_lines(report):
        console.print(f"[{colour}]{escape(line)}[/]", highlight=False, soft_wrap=True)
    if output:
        console.print(f"wrote {output}")


def quality_lines(report) -> list[tuple[str, str]]:
    """The report's quality notes as lines to print: one line per note, except failed model calls, which
    are many alike when an endpoint struggles: one line counts them (the JSON names each)."""
    failed = [n for n in report.quality if n.kind == "model_failed"]
    lines = []
    if any(n.kind == "all_model_calls_failed" for n in report.quality):
        failed = []  # its own line says it
    for note in report.quality:
        if note.kind == "model_failed":
            continue
        colour = "red" if note.kind in ("section_failed", "all_model_calls_failed") else "yellow"
        lines.append((f"{note.kind} {note.section or ''} {note.message}".replace("  ", " "), colour))
    if failed:
        where = ", ".join(n.section or "?" for n in failed[:5]) + (", …" if len(failed) > 5 else "")
        lines.append(
            (
                f"model_failed {len(failed)} call(s) ({where}): the rules' answers stand in "
                f"(decided_by: rules); first: {failed[0].message}",
                "yellow",
            )
        )
    return lines
