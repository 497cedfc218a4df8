"""The `fazhi` command: the Typer app, its top-level help, and the commands registered on it.

Imports point one way: this module imports the command modules, which import `options`; no command
imports the app.
"""

from __future__ import annotations

import typer

from extractor import __version__
from extractor.cli import batch, doctor, eval as eval_cmd, eval_compare, explore, extract, outline, review, tune
from extractor.cli.cache import cache_app
from extractor.cli.gold import gold_app
from extractor.cli.options import out, prose

app = typer.Typer(
    name="fazhi",
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
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Extract structured, evidence-linked JSON from 法治政府建设年度报告 (annual law-based-government reports).

    Examples (from the checkout; `--backend rules` needs no model):

      fazhi batch seeds/ -o out/                   # the embedded local model: ~1 min cold on 2 cores

      fazhi extract seeds/000_f1d261e1c8a62baa.txt --backend rules -o out/000.json

      fazhi outline seeds/000_f1d261e1c8a62baa.txt

      fazhi eval --suite seeds --backend rules --baseline evals/baselines/rules.json

      fazhi doctor
    """


# Help text is each docstring with its paragraphs unwrapped (options.prose): the terminal wraps them.
for name, command in (
    ("extract", extract.extract),
    ("outline", outline.outline),
    ("batch", batch.batch),
    ("review", review.review),
    ("explore", explore.explore),
    ("doctor", doctor.doctor),
    ("tune", tune.tune),
):
    app.command(name, help=prose(command.__doc__))(command)
# `fazhi eval` scores a suite; `fazhi eval compare A B` compares two of its logs (a group that runs itself).
eval_app = typer.Typer(invoke_without_command=True, add_completion=False, rich_markup_mode="rich")
eval_app.callback(help=prose(eval_cmd.eval_command.__doc__))(eval_cmd.eval_command)
eval_app.command("compare", help=prose(eval_compare.compare_command.__doc__))(eval_compare.compare_command)
app.add_typer(eval_app, name="eval")
for info in (*gold_app.registered_commands, *cache_app.registered_commands):
    info.help = info.help or prose(info.callback.__doc__)
app.add_typer(gold_app, name="gold")
app.add_typer(cache_app, name="cache")
