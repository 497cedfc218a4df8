"""`fazhi eval`: score extractions against hand-labelled gold, and refuse a change that makes them worse.

Thin like the rest of the CLI: parses options, calls `extractor.evaluation.suites`, renders tables.
Exit codes: 0 = scored (and no regression against `--baseline`), 1 = a score dropped by more than its
tolerance or a document newly failed, 2 = bad options, suite, baseline or no gold to score against.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from extractor.evaluation import scoring
from extractor.evaluation import suites as evaluate
from extractor.cli.options import config_options, console, fail, out
from extractor.config import Config
from extractor.errors import FazhiError, InputError
from extractor.files import atomic_write_json

QUOTE_WIDTH = 80  # --misses shows this much of a quote; the JSON log keeps it whole
ROW_ORDER = ("metadata", *scoring.ITEM_FIELDS, "metrics", "compliance", "grounding", "overall")
CAPTION = ("score = the field's primary score (F1; fields right for metadata; parts right for compliance), "
           "averaged into overall. acc = category accuracy (measures, plans), approx/indicator accuracy "
           "(metrics), share right (metadata, compliance), grounded/checked (grounding). "
           "sim = char-F1 of matched summaries (metric names).")


@config_options()
def eval_command(
    config: Config,
    suite: str = typer.Option("seeds", "--suite", "-s", help="Suite name (evals/suites/NAME.toml) or path to a suite file."),
    pred_dir: Optional[Path] = typer.Option(None, "--pred-dir", help="Score saved predictions DIR/<seed id>.json instead of extracting."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the eval log (versioned JSON) to FILE."),
    misses: bool = typer.Option(False, "--misses", help="List false negatives / false positives / wrong fields with their quotes."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Compare with a saved log; exit 1 if a score drops beyond its tolerance."),
    save_baseline: Optional[Path] = typer.Option(None, "--save-baseline", help="Write this run's log to FILE (atomically) as a new baseline."),
    html: Optional[Path] = typer.Option(None, "--html", help="Write the eval as a page: scores, and each report's misses shown in its text."),
) -> None:
    """Score extractions of a suite's documents against gold, per report and per field.

    Examples:

      fazhi eval --backend rules --save-baseline evals/baselines/seeds-rules.json

      fazhi eval --backend openai --baseline evals/baselines/seeds-rules.json --misses

      fazhi eval --pred-dir out/ --json out/eval.json
    """
    try:
        the_suite = evaluate.load_suite(suite)
        base_log = _read_log(baseline) if baseline else None  # before the run: a bad path should not cost one
        config = None if pred_dir else config
        if pred_dir is not None and not pred_dir.is_dir():
            raise InputError(f"--pred-dir {pred_dir} is not a folder")
        result = _run(the_suite, config, pred_dir)
        if not result.scores and not result.errors:
            raise InputError(f"suite {the_suite.name!r}: no document has gold to score against yet",
                             hint=f"gold files go in {the_suite.gold_dir}")
        log = result.log()
        render_scores(log)
        if misses:
            render_misses(log)
        comparison = None
        if base_log is not None:
            comparison = evaluate.compare(base_log, log, the_suite.tolerances)
            render_comparison(comparison, baseline)
        for path in (json_out, save_baseline):
            if path is not None:
                atomic_write_json(path, log)
                console.print(f"wrote {path}", highlight=False)
        if html is not None:
            from extractor.review.eval_page import write_eval_page

            write_eval_page(html, log, the_suite)
            console.print(f"wrote {html}", highlight=False)
    except FazhiError as err:
        raise fail(err)
    if comparison is not None and comparison.failed:
        raise typer.Exit(1)


def _read_log(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"baseline {path} not found", hint="save one with --save-baseline") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"baseline {path} is not an eval log: {exc}") from exc


def _run(suite: evaluate.Suite, config, pred_dir: Optional[Path]) -> evaluate.EvalResult:
    if pred_dir is not None or not console.is_terminal:
        return evaluate.run_suite(suite, config, pred_dir=pred_dir)
    with console.status("extracting…") as status:
        def progress(doc_id: str, done: int, total: int) -> None:
            status.update(f"extracting {doc_id} ({done + 1}/{total})")

        return evaluate.run_suite(suite, config, progress=progress)


# ---------------------------------------------------------------- rendering


def _num(value, bold: bool = False) -> Text:
    if value is None:
        return Text("–", style="dim")
    style = "green" if value >= 0.9995 else "red" if value < 0.5 else "yellow"
    return Text(f"{value:.3f}", style=f"bold {style}" if bold else style)


def _count(value) -> str:
    return "" if value is None else str(value)


def _cells(fname: str, v: dict) -> list:
    """gold, pred, P, R, F1, acc, sim, score for one field's numbers."""
    score = _num(v.get(scoring.primary_key(fname)), bold=True)
    if fname in ("metadata", "compliance", "grounding", "overall"):
        right, total = (v.get("grounded"), v.get("checked")) if fname == "grounding" else (v.get("right"), v.get("total"))
        return ["", "", "", "", "", f"{right}/{total}" if right is not None else "", "", score]
    if fname == "metrics":
        a, i = v.get("approx_accuracy"), v.get("indicator_accuracy")
        acc = Text("–", style="dim") if a is None else f"{a:.2f}/{i:.2f}"
        sim = v.get("name_similarity")
    else:
        acc = _num(v.get("category_accuracy")) if fname in scoring.CATEGORY_FIELDS else ""
        sim = v.get("summary_similarity")
    return [_count(v.get("gold")), _count(v.get("pred")), _num(v.get("p")), _num(v.get("r")), _num(v.get("f1")),
            acc, _num(sim), score]


def _table(title: str, first: Optional[str]) -> Table:
    table = Table(title=title, title_justify="left", pad_edge=False, show_edge=False)
    if first:
        table.add_column(first, no_wrap=True)
    table.add_column("field", no_wrap=True)
    for name in ("gold", "pred", "P", "R", "F1", "acc", "sim", "score"):
        table.add_column(name, justify="right", no_wrap=True)
    return table


def short_ids(ids) -> dict[str, str]:
    """Seed ids are `NNN_hash`; the number alone is enough on screen when it is unique."""
    ids = list(dict.fromkeys(ids))
    heads = [i.split("_")[0] for i in ids]
    return {i: (h if heads.count(h) == 1 else i) for i, h in zip(ids, heads)}


def render_scores(log: dict) -> None:
    reports = log["reports"]
    names = short_ids(reports)
    table = _table(f"eval {log['suite']} · {_who(log)}", "report")
    for doc_id, numbers in reports.items():
        rows = [f for f in ROW_ORDER if f in numbers]
        for n, fname in enumerate(rows):
            label = names[doc_id] if n == 0 else ""
            table.add_row(label, fname, *_cells(fname, numbers[fname]), end_section=n == len(rows) - 1)
    out.print(table)
    summary = log["summary"]
    table = _table(f"suite mean over {len(reports)} report(s) (counts summed)", None)
    for fname in ROW_ORDER:
        if fname in summary:
            table.add_row(fname, *_cells(fname, summary[fname]))
    out.print(table)
    out.print(Text(CAPTION, style="dim"), soft_wrap=True)
    for doc_id, message in log["errors"].items():
        console.print(Text(f"error {doc_id} (scored 0): {message}", style="red"))
    for doc_id, reason in log["skipped"].items():
        console.print(Text(f"skipped {doc_id}: {reason}", style="yellow"))
    for doc_id in log["partial"]:
        console.print(Text(f"partial {doc_id}: a section failed; scored as extracted", style="yellow"))


def _who(log: dict) -> str:
    if log.get("pred_dir"):
        return f"predictions in {log['pred_dir']}"
    cfg = log.get("config") or {}
    return " ".join(str(x) for x in (cfg.get("backend"), cfg.get("model")) if x)


def render_misses(log: dict) -> None:
    names = short_ids(log["misses"])
    for doc_id, fields in log["misses"].items():
        out.print(Text(f"\nmisses in {doc_id}", style="bold"))
        for fname, items in fields.items():
            for m in items:
                quote = " ".join(m["quote"].split())
                quote = quote if len(quote) <= QUOTE_WIDTH else quote[:QUOTE_WIDTH - 1] + "…"
                where = f"[{m['start']},{m['end']})" if m.get("start") is not None else ""
                line = Text(f"  {names[doc_id]} {fname:<17} {m['kind'].upper():<10} {where:<13} ")
                line.append(quote, style="cyan")
                if m.get("label"):
                    line.append(f"  ({m['label']})", style="dim")
                out.print(line, soft_wrap=True)


def render_comparison(cmp: evaluate.Comparison, baseline: Path) -> None:
    for note in cmp.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    if not cmp.changes:
        out.print(Text(f"no score changed against {baseline}", style="green"))
    else:
        table = Table(title=f"changes against {baseline}", title_justify="left", pad_edge=False, show_edge=False)
        for name, justify in (("scope", "left"), ("field", "left"), ("score", "left"), ("before", "right"),
                              ("after", "right"), ("Δ", "right"), ("tol", "right"), ("", "left")):
            table.add_column(name, justify=justify, no_wrap=True)
        names = {**short_ids(c.scope for c in cmp.changes if c.scope != "suite"), "suite": "suite"}
        for c in cmp.changes:
            delta = "" if c.delta is None else Text(f"{c.delta:+.3f}", style="green" if c.delta > 0 else "red")
            tol = "" if c.tolerance is None else f"{c.tolerance:.3f}"
            status = Text("REGRESSION", style="bold red") if c.regressed else ""
            table.add_row(names[c.scope], c.field, c.key, _fmt(c.before), _fmt(c.after), delta, tol, status)
        out.print(table)
    for doc_id, message in cmp.new_errors.items():
        out.print(Text(f"regression: {doc_id} now fails: {message}", style="bold red"), soft_wrap=True)
    for c in cmp.regressions:  # plain lines too, so a narrow terminal or a CI log never truncates them
        out.print(Text(f"regression: {c.scope} {c.field}.{c.key} {_fmt(c.before)} → {_fmt(c.after)} "
                       f"(dropped {c.before - c.after:.3f} > tolerance {c.tolerance:.3f})", style="bold red"),
                  soft_wrap=True)
    if cmp.failed:
        out.print(Text(f"✗ {len(cmp.regressions) + len(cmp.new_errors)} regression(s) against {baseline}",
                       style="bold red"))
    else:
        out.print(Text(f"✓ no score dropped beyond its tolerance against {baseline}", style="bold green"))


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"
