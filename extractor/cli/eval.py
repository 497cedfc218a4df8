"""`fazhi eval`: score extractions against hand-labelled gold, and refuse a change that makes them worse.

Thin like the rest of the CLI: parses options, calls `extractor.evaluation.suites`, renders tables.
Exit codes: 0 = scored (and no regression against `--baseline`); 1 = a document could not be scored (its
gold, source or prediction failed to load, or the prediction is of other bytes), a field is at or below its
best floor (the floors gate: the outputs are still written, but not as a baseline), a score dropped by more
than its tolerance, a document newly failed, or a document of the baseline is missing; 2 = bad options, a
missing suite or baseline, a baseline that fails the floors gate, or no gold to score against.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from extractor.evaluation import suites as evaluate
from extractor.evaluation.baseline import Comparison, check_log_version, compare
from extractor.cli.eval_forms import eval_forms
from extractor.evaluation.choose import CHOICE_SUITES, run_choice
from extractor.evaluation.compare import gate
from extractor.evaluation.repeat import spread
from extractor.cli.eval_compare import render_choices, render_spread
from extractor.cli.eval_render import render_comparison, render_gate, render_misses, render_scores
from extractor.evaluation.floors import log_gate_failures
from extractor.cli.options import config_options, console, fail
from extractor.config import Config
from extractor.errors import FazhiError, InputError
from extractor.files import atomic_write_json

# The command's options, declared once each so its signature reads one line per option. They are defaults,
# as `options.SourceOpt` is, not `Annotated` aliases: `config_options` rebuilds the signature with the
# annotations as strings, which typer does not evaluate, so an alias's option would lose its names and help.
SuiteOpt = typer.Option("seeds", "--suite", "-s", help="Suite name (evals/suites/NAME.toml) or path to a suite file.")
PredDirOpt = typer.Option(None, "--pred-dir", help="Score saved predictions DIR/<seed id>.json instead of extracting.")
JsonOpt = typer.Option(None, "--json", help="Write the eval log (versioned JSON) to FILE.")
MissesOpt = typer.Option(
    False, "--misses", help="List false negatives / false positives / wrong fields with their quotes."
)
BaselineOpt = typer.Option(
    None, "--baseline", help="Compare with a saved log; exit 1 if a score drops beyond its tolerance."
)
SaveBaselineOpt = typer.Option(
    None, "--save-baseline", help="Write this run's log to FILE (atomically) as a new baseline."
)
HtmlOpt = typer.Option(
    None, "--html", help="Write the eval as a page: scores, and each report's misses shown in its text."
)
FormsOpt = typer.Option(
    False,
    "--forms",
    help="Also score the suite's documents in each delivered form (no line breaks, spaces, page furniture, wrapped at 38; a suite's `forms` list, else all four) beside the original: a robustness check that extracts the suite once per form, never a gate.",
)
# ---- issue 28 items 3 and 4 (cli/eval_compare.py renders them)
RepeatOpt = typer.Option(
    1,
    "--repeat",
    min=1,
    help="Run the suite K times (bypassing the response cache) and show each field's mean, min, max and std.",
)
ChooseFieldsOpt = typer.Option(
    False,
    "--choose-fields",
    help="Decide per field whether the model or the rules decide it (paired intervals over the in-sample gold) and write evals/choices/<backend>-<model>.json, which --model-fields auto reads.",
)
ChooseOnOpt = typer.Option(",".join(CHOICE_SUITES), "--choose-on", help="Suites --choose-fields runs (comma list).")


@dataclass(frozen=True)
class EvalOptions:
    """What to score and what to do with the scores, as the command's options said it."""

    suite: str
    pred_dir: Optional[Path]
    json_out: Optional[Path]
    misses: bool
    baseline: Optional[Path]
    save_baseline: Optional[Path]
    html: Optional[Path]
    forms: bool
    repeat: int


@config_options()
def eval_command(
    config: Config,
    suite: str = SuiteOpt,
    pred_dir: Optional[Path] = PredDirOpt,
    json_out: Optional[Path] = JsonOpt,
    misses: bool = MissesOpt,
    baseline: Optional[Path] = BaselineOpt,
    save_baseline: Optional[Path] = SaveBaselineOpt,
    html: Optional[Path] = HtmlOpt,
    forms: bool = FormsOpt,
    repeat: int = RepeatOpt,
    choose_fields: bool = ChooseFieldsOpt,
    choose_on: str = ChooseOnOpt,
    ctx: typer.Context = typer.Option(None, hidden=True),
) -> None:
    """Score extractions of a suite's documents against gold, per report and per field.

    Examples:

      fazhi eval --backend rules --baseline evals/baselines/rules.json

      fazhi eval --backend rules --save-baseline /tmp/rules-now.json --misses

      fazhi eval --pred-dir out/ --json out/eval.json

      fazhi eval compare before.json after.json
    """
    if ctx is not None and ctx.invoked_subcommand:  # `fazhi eval compare …`
        return
    try:
        if choose_fields:
            return _choose(config, choose_on)
        opts = EvalOptions(suite, pred_dir, json_out, misses, baseline, save_baseline, html, forms, repeat)
        failed = _evaluate(config, opts)
    except FazhiError as err:
        raise fail(err)
    if failed:
        raise typer.Exit(1)


def _evaluate(config: Config, opts: EvalOptions) -> bool:
    """Score the suite, show the scores, hold them to the baseline and the floors, write the logs asked for;
    True when the eval fails (exit 1)."""
    the_suite = evaluate.load_suite(opts.suite)
    # Before the run: a bad path should not cost one.
    base = (opts.baseline, _read_log(opts.baseline, the_suite)) if opts.baseline else None
    run_config = _run_config(config, opts)
    log, result = _score(the_suite, run_config, opts)
    render_scores(log)
    if opts.repeat > 1:
        render_spread(log["repeat"], opts.repeat)
    if opts.misses:
        render_misses(log)
    if (forms_log := eval_forms(the_suite, run_config, opts.pred_dir, opts.forms, log)) is not None:
        log["forms"] = forms_log
    comparison = _against_baseline(base, log, the_suite)
    gate_failed = render_gate(log)
    _write(log, opts, the_suite, gate_failed)
    return (comparison is not None and comparison.failed) or bool(result.errors) or gate_failed


def _run_config(config: Config, opts: EvalOptions) -> Optional[Config]:
    """The config the suite is extracted with: none when scoring saved predictions (a note names the
    extraction options that are then ignored), fresh samples (no cache) when a model run is repeated."""
    if opts.pred_dir is not None:
        if ignored := _options_given(config):
            console.print(
                f"[yellow]note:[/] --pred-dir scores saved predictions; ignored: {', '.join(ignored)}",
                highlight=False,
            )
        if not opts.pred_dir.is_dir():
            raise InputError(f"--pred-dir {opts.pred_dir} is not a folder")
        return None
    if opts.repeat > 1 and config.spec.calls_model:
        return config.with_(refresh=True)  # K fresh samples: a cached answer would be the first run's again
    return config


def _score(suite: evaluate.Suite, config: Optional[Config], opts: EvalOptions) -> tuple[dict, evaluate.EvalResult]:
    """The first run's log (and result), with the spread over all `--repeat` runs; an error when no
    document of the suite has gold yet."""
    result = _run(suite, config, opts.pred_dir)
    if not result.scores and not result.errors:
        raise InputError(
            f"suite {suite.name!r}: no document has gold to score against yet",
            hint=f"gold files go in {suite.gold_dir}",
        )
    log = result.log()
    if opts.repeat > 1:
        runs = [log, *(_run(suite, config, opts.pred_dir, floors=False).log() for _ in range(opts.repeat - 1))]
        log["repeat"] = spread(runs)
    return log, result


def _against_baseline(base: Optional[tuple[Path, dict]], log: dict, suite: evaluate.Suite) -> Optional[Comparison]:
    """This run against the baseline's log (intervals where the suite has enough documents), rendered."""
    if base is None:
        return None
    path, base_log = base
    comparison = gate(compare(base_log, log, suite.tolerances), base_log, log, suite.tolerances)
    render_comparison(comparison, path)
    return comparison


def _write(log: dict, opts: EvalOptions, suite: evaluate.Suite, gate_failed: bool) -> None:
    """The log to --json and --save-baseline (a run that fails the floors gate is no baseline), the page
    to --html."""
    for path in (opts.json_out, opts.save_baseline):
        if path is None:
            continue
        if path == opts.save_baseline and gate_failed:
            console.print(
                Text(
                    f"not saved as a baseline: {path} (a run that fails the floors gate is no baseline; "
                    f"--json FILE writes its log)",
                    style="bold red",
                ),
                soft_wrap=True,
            )
            continue
        atomic_write_json(path, log)
        console.print(f"wrote {path}", highlight=False)
    if opts.html is not None:
        from extractor.review.eval_page import write_eval_page

        write_eval_page(opts.html, log, suite)
        console.print(f"wrote {opts.html}", highlight=False)


def _options_given(config: Config) -> list[str]:
    """Extraction options set on the command line (they differ from what the environment alone gives)."""
    plain = Config.from_env()
    return [
        f"--{name.replace('_', '-')}"
        for name in (
            "backend",
            "base_url",
            "model",
            "mode",
            "timeout",
            "refresh",
            "model_path",
            "categories",
            "metric_names",
            "max_report_seconds",
            "model_fields",
            "prompts",
        )
        if getattr(config, name) != getattr(plain, name)
    ]


def _read_log(path: Path, suite: evaluate.Suite) -> dict:
    try:
        log = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"baseline {path} not found", hint="save one with --save-baseline") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"baseline {path} is not an eval log: {exc}") from exc
    if not isinstance(log, dict):
        raise InputError(f"baseline {path} is not an eval log (not a JSON object)")
    # Before the run: a model run of minutes for nothing. A log of the old format has no quote-copy floor,
    # but the floors it has still decide whether it was ever a baseline worth holding a run to.
    failures = log_gate_failures(log, suite.known_at_floor)
    refused = (
        (f"; and it fails the floors gate, so it is refused as a baseline: {'; '.join(f.message() for f in failures)}")
        if failures
        else ""
    )
    try:
        check_log_version(log, f"baseline {path}")
    except InputError as err:
        raise InputError(f"{err.message}{refused}", hint=err.hint) from None
    if failures:
        raise InputError(
            f"baseline {path} fails the floors gate, so it is refused as a baseline: "
            f"{'; '.join(f.message() for f in failures)}",
            hint="a baseline must be above its floors: fix the run, then --save-baseline FILE",
        )
    return log


def _choose(config: Config, choose_on: str) -> None:
    suites = tuple(s.strip() for s in choose_on.split(",") if s.strip())
    record = run_choice(config, suites)
    path = config.choices_path()
    atomic_write_json(path, record)
    render_choices(record, path)


def _run(suite: evaluate.Suite, config, pred_dir: Optional[Path], floors: bool = True) -> evaluate.EvalResult:
    if pred_dir is not None or not console.is_terminal:
        return evaluate.run_suite(suite, config, pred_dir=pred_dir, floors=floors)
    with console.status("extracting…") as status:
        where = {"doc": "", "n": 0, "total": 0}

        def progress(doc_id: str, done: int, total: int) -> None:
            if doc_id != "done":
                where.update(doc=doc_id, n=done + 1, total=total)
                status.update(f"extracting {doc_id} ({done + 1}/{total})")

        def on_calls(doc_id: str, stage: str, done: int, total: int) -> None:
            status.update(f"extracting {doc_id} ({where['n']}/{where['total']}) · call {done}/{total} {stage}")

        return evaluate.run_suite(suite, config, progress=progress, on_calls=on_calls, floors=floors)


# ---------------------------------------------------------------- rendering
