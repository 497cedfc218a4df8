"""`fazhi outline FILE`: a report's heading tree and the required part each top-level section maps to."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from extractor.cli.options import fail, out
from extractor.errors import FazhiError


def outline(
    file: Path = typer.Argument(..., help="A report as plain text."),
    as_json: bool = typer.Option(False, "--json", help="Print the sections as JSON."),
) -> None:
    """Print a report's heading tree with the required part each top-level section maps to.

    Example: fazhi outline seeds/001_ce5796019f811c49.txt --json
    """
    from rich.tree import Tree

    from extractor.text.ingest import read_document
    from extractor.text.normalize import normalize
    from extractor.structure.outline import segment

    try:
        doc = read_document(file)
    except FazhiError as err:
        raise fail(err)
    result = segment(normalize(doc.text))
    if as_json:
        sys.stdout.write(
            json.dumps([s.model_dump(mode="json") for s in result.sections], ensure_ascii=False, indent=2) + "\n"
        )
        return
    tree = Tree(f"[bold]{doc.name}")
    stack: list[tuple[int, Tree]] = [(0, tree)]  # open nodes by level; a heading hangs under the last shallower one
    for s in result.sections:
        while stack[-1][0] >= s.level:
            stack.pop()
        label = s.heading + (f"  [cyan]→ {s.part}[/]" if s.level == 1 else "")
        stack.append((s.level, stack[-1][1].add(label)))
    out.print(tree)
