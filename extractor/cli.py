"""The `fazhi` command: parses options, calls the library, renders. No extraction logic lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from extractor import __version__
from extractor.config import Config
from extractor.errors import FazhiError

app = typer.Typer(
    name="fazhi",
    help="Extract structured, evidence-linked JSON from 法治政府建设年度报告 (annual law-based-government reports).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console(stderr=True)
out = Console()


def fail(err: FazhiError) -> "typer.Exit":
    """Expected failures: one red line and the error's exit code, never a traceback."""
    console.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
    return typer.Exit(err.exit_code)


def _version(value: bool) -> None:
    if value:
        out.print(f"fazhi-extractor {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Extract structured, evidence-linked JSON from 法治政府建设年度报告.

    Examples:

      fazhi extract seeds/000_f1d261e1c8a62baa.txt -o out/000.json

      fazhi outline seeds/000_f1d261e1c8a62baa.txt

      fazhi batch seeds/ -o out/

      fazhi eval --suite seeds --backend rules
    """


# Options shared by every command that runs an extraction.
BackendOpt = typer.Option("auto", "--backend", "-b", help="auto | openai | local | rules. auto = endpoint if configured, else the embedded local model.")
BaseUrlOpt = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint (env FAZHI_BASE_URL).")
ModelOpt = typer.Option(None, "--model", "-m", help="Model name at the endpoint (env FAZHI_MODEL).")
ApiKeyOpt = typer.Option(None, "--api-key", help="API key (env OPENAI_API_KEY). Never logged, cached or written.")
ModeOpt = typer.Option(None, "--mode", help="instructor mode: tools | json_schema | json | md_json.")
TimeoutOpt = typer.Option(None, "--timeout", help="Request timeout in seconds.")
CacheDirOpt = typer.Option(None, "--cache-dir", help="Response cache folder (env FAZHI_CACHE_DIR).")
RefreshOpt = typer.Option(False, "--refresh", help="Bypass the cache and rewrite it.")
ModelPathOpt = typer.Option(None, "--model-path", help="Local GGUF file for the local backend (env FAZHI_MODEL_PATH).")
CategoriesOpt = typer.Option("auto", "--categories", help="Who picks categories: auto (hybrid locally, model on endpoints) | model | hybrid (keywords where clear, else model).")
MetricNamesOpt = typer.Option("auto", "--metric-names", help="Who names quantities: auto (model on endpoints, rules locally) | model | rules.")


def make_config(backend="auto", base_url=None, model=None, api_key=None, mode=None, timeout=None, cache_dir=None,
                refresh=False, model_path=None, **extra) -> Config:
    return Config.from_env(
        backend=backend, base_url=base_url, model=model, api_key=api_key, mode=mode, timeout=timeout,
        cache_dir=cache_dir, refresh=refresh or None, model_path=model_path, **extra,
    )
from extractor import cli_batch  # noqa: E402,F401  (registers `fazhi batch`)


def _progress_bar(label: str):
    """A rich progress bar on stderr and the callback the pipeline calls as it goes."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[stage]}"),
                   TimeElapsedColumn(), console=console, transient=True)
    task = bar.add_task(label, total=None, stage="")

    def update(stage: str, done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, stage=stage)

    return bar, update


@app.command()
def extract(
    file: Path = typer.Argument(..., help="A report as plain text (UTF-8, GB18030/GBK or UTF-16)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report JSON here (atomically) instead of stdout."),
    backend: str = BackendOpt, base_url: Optional[str] = BaseUrlOpt, model: Optional[str] = ModelOpt,
    api_key: Optional[str] = ApiKeyOpt, mode: Optional[str] = ModeOpt, timeout: Optional[float] = TimeoutOpt,
    cache_dir: Optional[Path] = CacheDirOpt, refresh: bool = RefreshOpt, model_path: Optional[Path] = ModelPathOpt,
    metric_names: str = MetricNamesOpt,
    categories: str = CategoriesOpt,
    max_bytes: int = typer.Option(5_000_000, "--max-bytes", help="Refuse input files larger than this."),
    price_in: Optional[float] = typer.Option(None, "--price-in", help="Price per 1k prompt tokens: the run record then shows a cost."),
    price_out: Optional[float] = typer.Option(None, "--price-out", help="Price per 1k output tokens."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Extract one report to JSON.

    Exit codes: 0 ok; 1 partial (a model call failed after retries: the report is still written and the
    failed section is listed under `quality`); 2 bad input or configuration.

    Example: fazhi extract seeds/000_f1d261e1c8a62baa.txt --backend rules -o out/000.json
    """
    from extractor.fsutil import atomic_write_json
    from extractor.pipeline import extract as run_extract, is_partial

    try:
        config = make_config(backend, base_url, model, api_key, mode, timeout, cache_dir, refresh, model_path,
                             metric_names=metric_names, categories=categories, max_bytes=max_bytes,
                             price_in_per_1k=price_in, price_out_per_1k=price_out)
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
            atomic_write_json(output, data)
        except OSError as err:
            raise fail(FazhiError(f"could not write the output: {err.strerror or err}", file=str(output)))
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    if not quiet:
        _print_run_summary(report, output)
    if is_partial(report):
        raise typer.Exit(1)


def _print_run_summary(report, output: Optional[Path]) -> None:
    from rich.table import Table

    run = report.run
    table = Table(title=f"{report.source.file}", show_header=True, header_style="bold")
    for col in ("measures", "metrics", "problems", "plans", "duties", "calls", "cache hits", "tokens in/out", "cost", "seconds"):
        table.add_column(col, justify="right")
    table.add_row(str(len(report.measures)), str(len(report.metrics)), str(len(report.problems)), str(len(report.plans)),
                  str(len(report.leadership_duties)), str(run.calls), str(run.cache_hits),
                  f"{run.tokens_in}/{run.tokens_out}", "–" if run.cost is None else f"{run.cost:.4f}", f"{run.seconds:.1f}")
    console.print(table)
    for note in report.quality:
        colour = "red" if note.kind == "section_failed" else "yellow"
        console.print(f"[{colour}]{note.kind}[/] {note.section or ''} {note.message}", highlight=False)
    if output:
        console.print(f"wrote {output}")


@app.command()
def outline(
    file: Path = typer.Argument(..., help="A report as plain text."),
    as_json: bool = typer.Option(False, "--json", help="Print the sections as JSON."),
) -> None:
    """Print a report's heading tree with the required part each top-level section maps to.

    Example: fazhi outline seeds/001_ce5796019f811c49.txt --json
    """
    from rich.tree import Tree

    from extractor.ingest import read_document
    from extractor.normalize import normalize
    from extractor.segment import segment

    try:
        doc = read_document(file)
    except FazhiError as err:
        raise fail(err)
    result = segment(normalize(doc.text))
    if as_json:
        sys.stdout.write(json.dumps([s.model_dump(mode="json") for s in result.sections], ensure_ascii=False, indent=2) + "\n")
        return
    tree = Tree(f"[bold]{doc.name}")
    stack: list[tuple[int, Tree]] = [(0, tree)]  # open nodes by level; a heading hangs under the last shallower one
    for s in result.sections:
        while stack[-1][0] >= s.level:
            stack.pop()
        label = s.heading + (f"  [cyan]→ {s.part}[/]" if s.level == 1 else "")
        stack.append((s.level, stack[-1][1].add(label)))
    out.print(tree)


@app.command()
def doctor(
    backend: str = BackendOpt, base_url: Optional[str] = BaseUrlOpt, model: Optional[str] = ModelOpt,
    model_path: Optional[Path] = ModelPathOpt, cache_dir: Optional[Path] = CacheDirOpt,
) -> None:
    """Say which backend and model a run would use, whether the model file is present and valid, threads."""
    from rich.table import Table

    try:
        config = make_config(backend, base_url, model, None, None, None, cache_dir, False, model_path)
    except FazhiError as err:
        raise fail(err)
    table = Table(show_header=False)
    table.add_row("backend", config.resolved_backend)
    table.add_row("model", str(config.model_name))
    table.add_row("cache dir", str(config.cache_path))
    table.add_row("api key", "set" if config.api_key else "not set")
    ok = True
    if config.resolved_backend == "openai":
        table.add_row("endpoint", str(config.base_url))
    elif config.resolved_backend == "local":
        from extractor import local

        try:
            import llama_cpp

            table.add_row("llama-cpp-python", llama_cpp.__version__)
        except ImportError:
            table.add_row("llama-cpp-python", "[red]not installed[/] (pip install -e \".[local]\")")
            ok = False
        table.add_row("threads", str(local.threads(config)))
        if config.model_path:
            present = Path(config.model_path).is_file()
            table.add_row("model file", f"{config.model_path} ({'present' if present else '[red]missing[/]'})")
            ok &= present
        else:
            target = config.model_dir / local.DEFAULT_FILE
            if local.verified(target):
                table.add_row("model file", f"{target} ([green]sha256 ok[/])")
            else:
                try:
                    parts = local.part_paths()
                    table.add_row("model file", f"{target} (not assembled yet; {len(parts)} parts installed, built on first use)")
                except FazhiError as err:
                    table.add_row("model file", f"[red]{err}[/]")
                    ok = False
    out.print(table)
    raise typer.Exit(0 if ok else 1)


cache_app = typer.Typer(help="Inspect or clear the response cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("stats")
def cache_stats(cache_dir: Optional[Path] = CacheDirOpt, as_json: bool = typer.Option(False, "--json")) -> None:
    """Entries and size of the response cache. (Hits and misses of a run are in its output's `run` block.)"""
    from extractor.cache import ResponseCache, default_dir

    config = make_config(cache_dir=cache_dir)
    stats = ResponseCache(default_dir(config)).stats()
    last = stats.pop("last_run") or {}
    stats.pop("hits"), stats.pop("misses")  # this `cache stats` process's own: always zero
    stats.update({"last_run_hits": last.get("hits"), "last_run_misses": last.get("misses"), "last_run_time": last.get("time")})
    if as_json:
        sys.stdout.write(json.dumps(stats) + "\n")
    else:
        for key, value in stats.items():
            out.print(f"{key}: {value}")


@cache_app.command("clear")
def cache_clear(cache_dir: Optional[Path] = CacheDirOpt) -> None:
    """Delete every cached response (the assembled local model file is kept)."""
    from extractor.cache import ResponseCache, default_dir

    config = make_config(cache_dir=cache_dir)
    ResponseCache(default_dir(config)).clear()
    out.print("cache cleared")

from extractor import cli_eval  # noqa: E402,F401  (registers `fazhi eval`)
