"""The `fazhi` command: the Typer app, its top-level help, and the commands registered on it.

Imports point one way: this module imports the command modules, which import `options`; no command
imports the app.
"""

from __future__ import annotations

import typer

from extractor import __version__
from extractor.cli import batch, doctor, eval as eval_cmd, extract, outline, review
from extractor.cli.cache import cache_app
from extractor.cli.gold import gold_app
from extractor.cli.options import out

app = typer.Typer(
    name="fazhi",
    help="Extract structured, evidence-linked JSON from 法治政府建设年度报告 (annual law-based-government reports).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


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


app.command("extract")(extract.extract)
app.command("outline")(outline.outline)
app.command("batch")(batch.batch)
app.command("eval")(eval_cmd.eval_command)
app.command("review")(review.review)
app.add_typer(gold_app, name="gold")
app.command("doctor")(doctor.doctor)
app.add_typer(cache_app, name="cache")
