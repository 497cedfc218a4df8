"""`fazhi review PATH`: self-contained HTML review pages of a report JSON or a batch output folder.

Rendering only; the work is in `extractor.review`. Exit codes: 0 ok; 1 pages written but a source is
missing or differs from the extracted file; 2 bad input or options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from extractor.cli.options import SourceOpt, console, fail, out
from extractor.errors import FazhiError, InputError

STYLE = {"ok": "green", "mismatch": "yellow", "missing": "red", "unreadable": "red"}


def _kb(size: int) -> str:
    return f"{size / 1024:.0f} KB"


def review(
    path: Path = typer.Argument(..., help="A report JSON, or a `fazhi batch` output folder."),
    output: Optional[Path] = typer.Option(
        None,
        "--output",
        "-o",
        help="Page to write (FILE.html); for a folder, the folder for the pages (default: the batch folder itself).",
    ),
    source: Optional[Path] = SourceOpt,
) -> None:
    """Write self-contained HTML review pages: the text with every evidence span highlighted, the items,
    and an edit mode whose corrections download as a gold file.

    Examples:

      fazhi review out/000_f1d261e1c8a62baa.json        # → out/000_f1d261e1c8a62baa.html

      fazhi review out/                                  # → out/index.html + one page per report
    """
    from extractor.files import atomic_write_text
    from extractor.review.batch_index import recorded_input, review_folder
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
            out.print(
                f"wrote {escape(str(result.index))} ({size}; {len(result.pages)} report page(s))", highlight=False
            )
            checks = [p.check for p in result.pages]
        else:
            report = _load(path)
            rel, in_dir = recorded_input(path)
            check = find_source(
                report.source.file,
                report.source.sha256,
                path.parent,
                source,
                rel=rel,
                in_dir=in_dir,
                text_sha256=report.source.text_sha256,
            )
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
