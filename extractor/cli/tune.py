"""`fazhi tune`: choose a prompt configuration for an endpoint on the in-sample gold (logic in
extractor/evaluation/tune.py). Exit codes: 0 = tuned and written; 2 = bad options, an unreadable variant,
a suite that does not load, or an endpoint that cannot work."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from extractor.cli.options import config_options, console, fail, out
from extractor.config import Config
from extractor.errors import ConfigError, FazhiError
from extractor.evaluation.choose import CHOICE_SUITES
from extractor.evaluation.tune import Tuner, TuneResult
from extractor.files import atomic_write_text
from extractor.model.prompts import PROMPT_DIR


@config_options()
def tune(
    config: Config,
    kinds: str = typer.Option(
        "measures,plans",
        "--kinds",
        help="Section kinds to tune (comma list of measures, plans, problems, rectifications, leadership, metrics).",
    ),
    variants: Optional[Path] = typer.Option(
        None,
        "--variants",
        help="Folder of prompt variants named <kind>.<label>.toml (same shape as prompts/<kind>.toml); the current prompt is always a candidate.",
    ),
    examples: str = typer.Option(
        "0,2,4",
        "--examples",
        help="Few-shot example counts to try (retrieved from the training folds' gold by character-bigram similarity).",
    ),
    suites: str = typer.Option(
        ",".join(CHOICE_SUITES), "--suites", help="Suites to tune on (comma list); all of them are in-sample gold."
    ),
    out_file: Optional[Path] = typer.Option(
        None, "--out", help="Where to write the winner (default prompts/tuned/<model>.toml)."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the record (every candidate's scores, folds, intervals) as JSON on stdout."
    ),
) -> None:
    """Try prompt variants × few-shot example counts per kind on the in-sample suites, choose on leave-one-group-out folds, and write the winner as a versioned prompt configuration for `--prompts FILE`.

    Examples:

      fazhi tune --backend openai --base-url http://localhost:8080/v1 --model qwen --variants my-variants/

      fazhi eval --backend openai --base-url http://localhost:8080/v1 --model qwen --prompts prompts/tuned/qwen.toml
    """
    try:
        counts = _counts(examples)
        result = _run(Tuner(config, _list(kinds), _list(suites), variants, counts))
        text, version = result.text()
        path = out_file or PROMPT_DIR / "tuned" / f"{_slug(config.model_name)}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
    except FazhiError as err:
        raise fail(err)
    _show(result.record(), path, version, as_json)


def _run(tuner: Tuner) -> TuneResult:
    """The tuner's notes, then its run under a progress bar on stderr (stdout stays clean for --json)."""
    for note in tuner.notes:
        console.print(Text(f"note: {note}", style="yellow"), soft_wrap=True)
    with Progress(
        TextColumn("[bold]tune"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=tuner.total)
        return tuner.run(tick=lambda what: bar.update(task, advance=1, description=what))


def _show(record: dict, path: Path, version: str, as_json: bool) -> None:
    """The record as JSON on stdout or as tables, then where the winner was written and how to use it."""
    if as_json:
        sys.stdout.write(
            json.dumps({"file": str(path), "version": version, **record}, ensure_ascii=False, indent=2) + "\n"
        )
    else:
        _render(record)
    console.print(f"wrote {path} (version {version}); use it with --prompts {path}", highlight=False, soft_wrap=True)


def _list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _counts(value: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in _list(value))
    except ValueError:
        raise ConfigError(f"--examples takes a comma list of counts, got {value!r}", hint="--examples 0,2,4") from None


def _slug(name: Optional[str]) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name or "model").strip("-") or "model"


def _fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def _render(record: dict) -> None:
    """Per kind: each candidate's in-sample score, folds chosen and cost; the winner and its intervals."""
    for kind, rec in record["kinds"].items():
        table = Table(title=f"{kind} ({rec['field']} typed F1, in-sample)", title_justify="left")
        for name in ("candidate", "score", "folds", "calls", "cached", "tokens in", "tokens out"):
            table.add_column(name, justify="left" if name == "candidate" else "right", no_wrap=True)
        for c in rec["candidates"]:
            label = c["name"] + (f"+{c['examples']}ex" if c["examples"] else "")
            table.add_row(
                label,
                _fmt(c["score"]),
                str(c["folds_chosen"]),
                str(c["calls"]),
                str(c["cache_hits"]),
                str(c["tokens_in"]),
                str(c["tokens_out"]),
            )
        out.print(table)
        held = rec["held_out"]
        lines = [
            f"winner {rec['winner']} ({_fmt(rec['winner_score'])} on all data)",
            f"held-out (each fold's choice on its left-out group): {_fmt(held['tuned_per_fold'])}; current prompt "
            f"{_fmt(held['current'])}; rules {_fmt(held['rules'])}",
        ]
        for name in ("vs_current", "vs_rules"):
            iv = rec[name]
            span = "no interval" if iv["lo"] is None else f"[{iv['lo']:+.3f}, {iv['hi']:+.3f}]"
            lines.append(f"{name.replace('_', ' ')}: {iv['diff']:+.3f} {span} over {iv['n']} groups ({iv['verdict']})")
        for line in lines:
            out.print(line, highlight=False, soft_wrap=True)
        for note in rec["notes"]:
            console.print(Text(f"note: {note}", style="yellow"), soft_wrap=True)
    out.print(
        Text(
            "in-sample: the suites were read while the tool was built; fold scores estimate, they are not "
            "held-out evidence",
            style="dim",
        ),
        soft_wrap=True,
    )
