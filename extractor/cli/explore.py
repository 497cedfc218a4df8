"""`fazhi explore OUT/`: one self-contained page with charts across a batch's reports (extractor.review.explore).

Rendering only. Exit codes: 0 ok; 2 bad input (not a folder, no report in it) or a page that cannot be written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from extractor.cli.options import console, fail, out
from extractor.errors import FazhiError, InputError


def explore(
    folder: Path = typer.Argument(..., help="A `fazhi batch` output folder."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Page to write (default: FOLDER/explore.html)."),
) -> None:
    """Write one page that shows the whole batch: indicator values across reports, one issuer over the years,
    the five required parts per report; filters every view follows and CSV downloads. Opens from disk, offline.

    Examples:

      fazhi batch reports/ -o out/ && fazhi review out/ && fazhi explore out/     # → out/explore.html
    """
    from extractor.review.explore import explore_folder

    if not folder.is_dir():
        raise fail(InputError(f"{folder} is not a folder: pass a `fazhi batch` output folder"))
    try:
        result = explore_folder(folder, output)
    except FazhiError as err:
        raise fail(err)
    except OSError as err:
        raise fail(FazhiError(f"could not write the page: {err.strerror or err}"))
    for note in result.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    if result.without_page:
        console.print(
            f"[yellow]note:[/] {result.without_page} report(s) have no review page yet, so their charts "
            f"cannot open one: run `fazhi review {escape(str(folder))}`",
            highlight=False,
        )
    out.print(
        f"wrote {escape(str(result.page))} ({result.size / 1024:.0f} KB; {result.reports} report(s))", highlight=False
    )
