"""`fazhi review` (HTML pages of reports) and `fazhi gold check|add` (corrections → gold → eval suite).

Registered on `extractor.cli.app` by the import at the end of cli.py. Rendering only; the work is in
`extractor.review`. Exit codes: 0 ok; 1 pages written but a source is missing or differs, or a gold file
has problems; 2 bad input or options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from extractor.cli import app, console, fail, out
from extractor.errors import FazhiError, InputError

SourceOpt = typer.Option(None, "--source", help="The source text file, or a folder holding it (default: found via source.file).")
STYLE = {"ok": "green", "mismatch": "yellow", "missing": "red", "unreadable": "red"}


def _kb(size: int) -> str:
    return f"{size / 1024:.0f} KB"


@app.command("review")
def review(
    path: Path = typer.Argument(..., help="A report JSON, or a `fazhi batch` output folder."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Page to write (FILE.html); for a folder, the folder for the pages (default: the batch folder itself)."),
    source: Optional[Path] = SourceOpt,
) -> None:
    """Write self-contained HTML review pages: the text with every evidence span highlighted, the items,
    and an edit mode whose corrections download as a gold file.

    Examples:

      fazhi review out/000_f1d261e1c8a62baa.json        # → out/000_f1d261e1c8a62baa.html

      fazhi review out/                                  # → out/index.html + one page per report
    """
    from extractor.fsutil import atomic_write_text
    from extractor.review.batch_index import review_folder
    from extractor.review.report_page import render_report_page
    from extractor.review.sources import find_source

    try:
        if path.is_dir():
            result = review_folder(path, output, source)
            for page in result.pages:
                _say(page.page, page.size, page.check)
            for note in result.notes:
                console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
            size = _kb(result.index.stat().st_size)
            out.print(f"wrote {escape(str(result.index))} ({size}; {len(result.pages)} report page(s))", highlight=False)
            checks = [p.check for p in result.pages]
        else:
            report = _load(path)
            check = find_source(report.source.file, report.source.sha256, path.parent, source)
            html = render_report_page(report, check, path.name)
            target = output or path.with_suffix(".html")
            atomic_write_text(target, html)
            _say(target, len(html.encode("utf-8")), check)
            checks = [check]
    except FazhiError as err:
        raise fail(err)
    except OSError as err:
        raise fail(FazhiError(f"could not write the page: {err.strerror or err}"))
    if any(not c.ok for c in checks):
        raise typer.Exit(1)


def _load(path: Path):
    from pydantic import ValidationError

    from schemas.report import Report

    try:
        return Report.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"no such file {path}") from None
    except (ValidationError, ValueError) as exc:
        raise InputError(f"{path.name} is not a report JSON: {' '.join(str(exc).split())[:300]}") from None


def _say(page: Path, size: int, check) -> None:
    colour = STYLE.get(check.status, "red")
    out.print(f"wrote {escape(str(page))} ({_kb(size)})  [{colour}]{check.status}[/]", highlight=False)
    if not check.ok:
        console.print(f"[{colour}]{escape(check.message)}[/]", highlight=False, soft_wrap=True)


gold_app = typer.Typer(help="Check a gold file against its source, or add it to an eval suite.", no_args_is_help=True)
app.add_typer(gold_app, name="gold")


@gold_app.command("check")
def gold_check(
    file: Path = typer.Argument(..., help="A gold JSON (e.g. downloaded from a review page)."),
    source: Optional[Path] = SourceOpt,
) -> None:
    """Validate a gold file: schema, every quote at its offsets in the source, the gold conventions.
    One line per problem; exit 1 if there is any."""
    from extractor.review.gold import check_gold

    try:
        check = check_gold(file, source)
    except FazhiError as err:
        raise fail(err)
    _print_check(check)
    if not check.ok:
        raise typer.Exit(1)


def _print_check(check) -> None:
    for line in check.problems:
        out.print(f"[red]✗[/] {escape(line)}", highlight=False, soft_wrap=True)
    if check.ok:
        where = check.source.path if check.source else "?"
        out.print(f"[green]✓[/] {escape(str(check.path))}: schema ok, {check.items} items, {check.quotes} quotes at "
                  f"their offsets in {escape(str(where))}", highlight=False, soft_wrap=True)
    else:
        out.print(f"[red]{len(check.problems)} problem(s)[/] in {escape(str(check.path))}", highlight=False)


@gold_app.command("add")
def gold_add(
    file: Path = typer.Argument(..., help="A gold JSON that passes `fazhi gold check`."),
    suite: str = typer.Option(..., "--suite", "-s", help="Suite name (evals/suites/NAME.toml, created if missing) or path to a suite .toml."),
    source: Optional[Path] = SourceOpt,
) -> None:
    """Copy a gold file and its source text into an eval suite, so `fazhi eval --suite NAME` scores it.

    Example: fazhi gold add 000_f1d261e1c8a62baa.gold.json --suite mine && fazhi eval --suite mine --backend rules
    """
    from extractor.review.gold import add_gold, check_gold

    try:
        check = check_gold(file, source)
        if not check.ok:
            _print_check(check)
            raise typer.Exit(1)
        added = add_gold(file, suite, source)
    except FazhiError as err:
        raise fail(err)
    except OSError as err:
        raise fail(FazhiError(f"could not write into the suite: {err.strerror or err}"))
    if added.created_suite:
        out.print(f"created suite {escape(str(added.suite))}", highlight=False)
    verb = "replaced" if added.replaced_gold else "added"
    out.print(f"{verb} {added.doc_id}: {escape(str(added.gold))} (text {escape(str(added.text))})", highlight=False)
    out.print(f"score it: fazhi eval --suite {escape(suite)} --backend rules", highlight=False)
