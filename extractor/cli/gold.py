"""`fazhi gold check|add`: a gold file (e.g. downloaded from a review page) checked, then added to a suite.

Rendering only; the work is in `extractor.review.gold`. Exit codes: 0 ok; 1 the gold file has problems
(one line each); 2 bad input or options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from extractor.cli.options import SourceOpt, fail, out
from extractor.errors import FazhiError

gold_app = typer.Typer(help="Check a gold file against its source, or add it to an eval suite.", no_args_is_help=True)


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
        out.print(
            f"[green]✓[/] {escape(str(check.path))}: schema ok, {check.items} items, {check.quotes} quotes at "
            f"their offsets in {escape(str(where))}",
            highlight=False,
            soft_wrap=True,
        )
    else:
        out.print(f"[red]{len(check.problems)} problem(s)[/] in {escape(str(check.path))}", highlight=False)


@gold_app.command("add")
def gold_add(
    file: Path = typer.Argument(..., help="A gold JSON that passes `fazhi gold check`."),
    suite: str = typer.Option(
        ..., "--suite", "-s", help="Suite name (evals/suites/NAME.toml, created if missing) or path to a suite .toml."
    ),
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
