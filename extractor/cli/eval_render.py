"""What `fazhi eval` prints: the per-report and suite score tables (wide, stacked under NARROW columns, or
markdown in a pipe), the floors and attribution tables, the floors gate's lines, the misses, and the
comparison with a baseline (its changes, regressions and verdict). Nothing here runs or scores anything."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from rich import box
from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text

from extractor.cli.eval_compare import judged_by
from extractor.cli.options import console, out
from extractor.evaluation import scoring
from extractor.evaluation.baseline import Change, Comparison

QUOTE_WIDTH = 80  # --misses shows this much of a quote; the JSON log keeps it whole
ROW_ORDER = scoring.ROWS
CAPTION = (
    "F1 = span-only (the item is found); typed = F1 counting a match only when what the model decides is right "
    "too (category, summary, cause; metric name and indicator; a section's part; metadata values and parts "
    "present stated). score = the gated score (typed; metadata fields right; compliance parts right). "
    "headline = mean typed score (fields constant across the suite left out); overall = span-only mean. "
    "acc = category (measures, plans), cause (problems), indicator (metrics), part (sections) accuracy; "
    "fields/parts right (metadata, compliance); grounded/checked. sum = share of summaries carrying the "
    "gold key terms within a length budget, 1.5 × the gold summary's length (metric names acceptable). "
    "A field at or below its best floor fails the eval (the floors gate)."
)
HEAD = ("gold", "pred", "P", "R", "F1", "typed", "acc", "sum", "score")
_ACC = {
    "measures": "category_accuracy",
    "plans": "category_accuracy",
    "problems": "cause_accuracy",
    "metrics": "indicator_accuracy",
    "sections": "part_accuracy",
}


def _num(value, bold: bool = False) -> Text:
    if value is None:
        return Text("–", style="dim")
    style = "green" if value >= 0.9995 else "red" if value < 0.5 else "yellow"
    return Text(f"{value:.3f}", style=f"bold {style}" if bold else style)


def _count(value) -> str:
    return "" if value is None else str(value)


def _cells(fname: str, v: dict) -> list:
    """gold, pred, P, R, F1, typed, acc, sum, score for one field's numbers."""
    score = _num(v.get(scoring.primary_key(fname)), bold=True)
    if fname in ("grounding", "overall", "headline"):
        right = f"{v['grounded']}/{v['checked']}" if v.get("grounded") is not None else ""
        return ["", "", "", "", "", "", right, "", score]
    if fname in ("metadata", "compliance"):
        right = f"{v['right']}/{v['total']}" if v.get("right") is not None else ""
        return [_count(v.get("gold")), _count(v.get("pred")), "", "", "", _num(v.get("typed_f1")), right, "", score]
    acc = _num(v.get(_ACC[fname])) if fname in _ACC else ""
    summ = v.get("name_acceptable") if fname == "metrics" else v.get("summary_acceptable")
    return [
        _count(v.get("gold")),
        _count(v.get("pred")),
        _num(v.get("p")),
        _num(v.get("r")),
        _num(v.get("f1")),
        _num(v.get("typed_f1")),
        acc,
        _num(summ) if fname != "causes" else "",
        score,
    ]


def _table(title: str, first: Optional[str], narrow: bool = False, head=HEAD) -> Table:
    if narrow:  # no borders: 80 columns hold the field name and nine numbers whole
        table = Table(title=title, title_justify="left", box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    else:
        table = Table(title=title, title_justify="left", pad_edge=False, show_edge=False)
    if first:
        table.add_column(first, no_wrap=True)
    table.add_column("field", no_wrap=True)
    for name in head:
        table.add_column(name, justify="right", no_wrap=True)
    return table


FLOOR_HEAD = ("this run", "empty", "majority", "quote copy", "rules")
FLOOR_NAMES = ("empty", "majority", "quote_copy", "rules")
ATTR_HEAD = ("model n", "model acc", "rules n", "rules acc")


def floor_rows(log: dict) -> list[tuple[str, list]]:
    """Per field: this run's gated score beside the empty, constant-majority, quote-copy (summarised fields
    and the headline: the best N) and rules-backend floors."""
    floors, summary = log.get("floors") or {}, log["summary"]
    rows = []
    for fname in ROW_ORDER:
        if fname not in summary or fname in ("grounding", "overall"):
            continue
        key = scoring.primary_key(fname)
        rows.append(
            (
                fname,
                [
                    _num(summary[fname].get(key), bold=True),
                    *(_num((floors.get(f) or {}).get(fname, {}).get(key)) for f in FLOOR_NAMES),
                ],
            )
        )
    return rows


def attribution_rows(log: dict) -> list[tuple[str, list]]:
    """Per field: how many items the model and the rules decided, and how many of the matched were right."""
    rows = []
    for fname, sources in (log.get("attribution") or {}).items():
        cells = []
        for src in scoring.SOURCES:
            row = sources.get(src) or {}
            cells += [_count(row.get("items", 0)), _num(row.get("accuracy"))]
        rows.append((fname, cells))
    return rows


def short_ids(ids) -> dict[str, str]:
    """Seed ids are `NNN_hash`; the number alone is enough on screen when it is unique."""
    ids = list(dict.fromkeys(ids))
    heads = [i.split("_")[0] for i in ids]
    return {i: (h if heads.count(h) == 1 else i) for i, h in zip(ids, heads)}


NARROW = 110  # below this many columns the per-report table is stacked: one small table per report
SHORT_FIELDS = {"rectifications": "rectif.", "leadership_duties": "leadership"}


def render_scores(log: dict) -> None:
    """Per-report and suite-mean tables: rich tables on a terminal (stacked per report below `NARROW`
    columns, so 80 columns hold every score whole), GitHub markdown when stdout is a pipe or a file."""
    reports = log["reports"]
    names = short_ids(reports)
    summary = log["summary"]
    title = f"eval {log['suite']} · {_who(log)}"
    if not out.is_terminal:
        _markdown(title, names, reports, summary, log)
    elif out.width < NARROW:
        out.print(Text(title, style="bold"))
        for doc_id, numbers in reports.items():
            table = _table(f"report {names[doc_id]}", None, narrow=True)
            for fname in (f for f in ROW_ORDER if f in numbers):
                table.add_row(SHORT_FIELDS.get(fname, fname), *_cells(fname, numbers[fname]))
            out.print(table)
    else:
        table = _table(title, "report")
        for doc_id, numbers in reports.items():
            rows = [f for f in ROW_ORDER if f in numbers]
            for n, fname in enumerate(rows):
                label = names[doc_id] if n == 0 else ""
                table.add_row(label, fname, *_cells(fname, numbers[fname]), end_section=n == len(rows) - 1)
        out.print(table)
    if out.is_terminal:
        narrow = out.width < NARROW
        table = _table(f"suite mean over {len(reports)} report(s) (counts summed)", None, narrow=narrow)
        for fname in ROW_ORDER:
            if fname in summary:
                table.add_row(SHORT_FIELDS.get(fname, fname) if narrow else fname, *_cells(fname, summary[fname]))
        out.print(table)
        for title, head, extra_rows in (
            (
                "floors: empty prediction, constant majority, quote copy (best N), rules backend",
                FLOOR_HEAD,
                floor_rows(log),
            ),
            ("attribution (decided_by): items and accuracy", ATTR_HEAD, attribution_rows(log)),
        ):
            if extra_rows:
                extra = _table(title, None, narrow=narrow, head=head)
                for fname, cells in extra_rows:
                    extra.add_row(SHORT_FIELDS.get(fname, fname) if narrow else fname, *cells)
                out.print(extra)
        out.print(Text(CAPTION, style="dim"), soft_wrap=True)
    for doc_id, message in log["errors"].items():
        console.print(Text(f"error {doc_id} (scored 0): {message}", style="red"), soft_wrap=True)
    for doc_id, message in (log.get("floor_errors") or {}).items():
        console.print(Text(f"floor {doc_id}: {message}", style="yellow"), soft_wrap=True)
    for doc_id, reason in log["skipped"].items():
        console.print(Text(f"skipped {doc_id}: {reason}", style="yellow"))
    for doc_id in log["partial"]:
        console.print(Text(f"partial {doc_id}: a section failed; scored as extracted", style="yellow"))


def gate_lines(log: dict) -> list[tuple[str, str]]:
    """(text, style) lines under the scores: whether the suite is in-sample, the quote copy per N, the
    fields known at their floor, and each field the floors gate fails."""
    lines = []
    if log.get("in_sample") is not None:
        said = "in-sample" if log["in_sample"] else "held out"
        reason = f": {log['in_sample_reason']}" if log.get("in_sample_reason") else ""
        lines.append((f"suite {log['suite']} is {said}{reason}", "yellow" if log["in_sample"] else "green"))
    else:
        lines.append(
            (f"suite {log['suite']}: its file does not say whether it is in-sample (in_sample = true|false)", "yellow")
        )
    by_n = log.get("quote_copy_by_n") or {}
    if by_n:
        each = ", ".join(f"N={n} {_fmt((v.get('headline') or {}).get('score'))}" for n, v in by_n.items())
        lines.append((f"quote copy (each summary = the first N characters of its quote), headline: {each}", "dim"))
    stale = set(log.get("known_at_floor_stale") or ())
    for fname, reason in (log.get("known_at_floor") or {}).items():
        if fname in stale:
            lines.append(
                (
                    f"known_at_floor lists {fname}, but this run is above its floors: remove the entry from "
                    f"the suite file so the field is gated",
                    "yellow",
                )
            )
        else:
            lines.append((f"known at its floor, not gated: {fname} ({reason})", "yellow"))
    for f in log.get("floor_gate") or []:
        lines.append(
            (
                f"floor gate: {f['field']} {f['score']:.3f} is at or below its {f['floor'].replace('_', ' ')} "
                f"floor {f['floor_score']:.3f}",
                "bold red",
            )
        )
    return lines


def render_gate(log: dict) -> bool:
    """The gate lines as plain text (a narrow terminal or a CI log never cuts them); True when it failed."""
    for text, style in gate_lines(log):
        out.print(Text(text, style=style), soft_wrap=not out.is_terminal)  # a terminal wraps it, a log keeps it whole
    failed = log.get("floor_gate") or []
    if failed:
        out.print(
            Text(
                f"✗ {len(failed)} field(s) at or below their floors: {', '.join(f['field'] for f in failed)}",
                style="bold red",
            ),
            soft_wrap=not out.is_terminal,
        )
    return bool(failed)


def _markdown(title: str, names: dict, reports: dict, summary: dict, log: dict) -> None:
    """The same numbers as plain markdown tables: nothing cut, nothing styled, greppable and pasteable."""
    head = ["field", *HEAD]
    lines = [f"## {title}", "", "| report | " + " | ".join(head) + " |", "|" + "---|" * (len(head) + 1)]
    for doc_id, numbers in reports.items():
        for fname in (f for f in ROW_ORDER if f in numbers):
            lines.append(
                f"| {names[doc_id]} | {fname} | " + " | ".join(_plain(c) for c in _cells(fname, numbers[fname])) + " |"
            )
    lines += [
        "",
        f"## suite mean over {len(reports)} report(s) (counts summed)",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for fname in (f for f in ROW_ORDER if f in summary):
        lines.append(f"| {fname} | " + " | ".join(_plain(c) for c in _cells(fname, summary[fname])) + " |")
    for title, cols, rows in (
        ("floors", FLOOR_HEAD, floor_rows(log)),
        ("attribution (decided_by)", ATTR_HEAD, attribution_rows(log)),
    ):
        if rows:
            lines += ["", f"## {title}", "", "| field | " + " | ".join(cols) + " |", "|" + "---|" * (len(cols) + 1)]
            lines += [f"| {fname} | " + " | ".join(_plain(c) for c in cells) + " |" for fname, cells in rows]
    lines += ["", CAPTION]
    out.file.write("\n".join(lines) + "\n")
    out.file.flush()


def _plain(cell) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


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
                quote = quote if len(quote) <= QUOTE_WIDTH else quote[: QUOTE_WIDTH - 1] + "…"
                where = f"[{m['start']},{m['end']})" if m.get("start") is not None else ""
                line = Text(f"  {names[doc_id]} {fname:<17} {m['kind'].upper():<10} {where:<13} ")
                line.append(quote, style="cyan")
                if m.get("label"):
                    line.append(f"  ({m['label']})", style="dim")
                out.print(line, soft_wrap=True)


def render_comparison(cmp: Comparison, baseline: Path) -> None:
    """The gate against a baseline: its notes, the scores that changed, each regression, the verdict."""
    for note in cmp.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    if not cmp.changes:
        out.print(Text(f"no score changed against {baseline}", style="green"))
    elif not out.is_terminal:  # a pipe or a CI log: markdown, nothing cut
        out.file.write("\n".join(_changes_markdown(cmp.changes, baseline)) + "\n")
        out.file.flush()
    else:
        out.print(_changes_table(cmp.changes, baseline))
    for line in _regression_lines(cmp):  # plain lines too, so a narrow terminal or a CI log never truncates them
        out.print(Text(line, style="bold red"), soft_wrap=True)
    _render_verdict(cmp, baseline)


def _change_names(changes: list[Change]) -> dict[str, str]:
    """Short report ids for the scopes of the changes, and `suite` for the suite means."""
    return {**short_ids(c.scope for c in changes if c.scope != "suite"), "suite": "suite"}


def _changes_markdown(changes: list[Change], baseline: Path) -> list[str]:
    """The changed scores as a markdown table (for a pipe or a CI log: nothing cut, nothing styled)."""
    names = _change_names(changes)
    lines = [
        f"## changes against {baseline}",
        "",
        "| scope | field | score | before | after | Δ | tol | |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in changes:
        delta = "" if c.delta is None else f"{c.delta:+.3f}"
        tol = judged_by(c)
        lines.append(
            f"| {names[c.scope]} | {c.field} | {c.key} | {_fmt(c.before)} | {_fmt(c.after)} | {delta} | "
            f"{tol} | {'REGRESSION' if c.regressed else ''} |"
        )
    return lines


def _changes_table(changes: list[Change], baseline: Path) -> Table:
    """The changed scores as a rich table for the terminal (borderless below `NARROW` columns)."""
    table = Table(
        title=f"changes against {baseline}",
        title_justify="left",
        pad_edge=False,
        show_edge=False,
        box=None if out.width < NARROW else box.HEAVY_HEAD,
    )
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("scope", "left"),
        ("field", "left"),
        ("score", "left"),
        ("before", "right"),
        ("after", "right"),
        ("Δ", "right"),
        ("tol", "right"),
        ("", "left"),
    )
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True)
    names = _change_names(changes)
    for c in changes:
        delta = "" if c.delta is None else Text(f"{c.delta:+.3f}", style="green" if c.delta > 0 else "red")
        tol = judged_by(c)
        status = Text("REGRESSION", style="bold red") if c.regressed else ""
        table.add_row(names[c.scope], c.field, c.key, _fmt(c.before), _fmt(c.after), delta, tol, status)
    return table


def _regression_lines(cmp: Comparison) -> list[str]:
    """One line per regression: a document that now fails, one that is missing, a score that dropped."""
    lines = [f"regression: {doc_id} now fails: {message}" for doc_id, message in cmp.new_errors.items()]
    lines += [f"regression: {doc_id} was scored in the baseline and is missing now" for doc_id in cmp.missing]
    for c in cmp.regressions:
        interval = getattr(c, "interval", None)  # a suite mean judged by its interval (evaluation.compare.gate)
        why = (
            f"95% interval of the change [{interval.lo:+.3f}, {interval.hi:+.3f}] over {interval.n} documents is below 0"
            if interval
            else f"dropped {(c.before or 0) - (c.after or 0):.3f} > tolerance {c.tolerance or 0:.3f}"
        )
        lines.append(f"regression: {c.scope} {c.field}.{c.key} {_fmt(c.before)} → {_fmt(c.after)} ({why})")
    return lines


def _render_verdict(cmp: Comparison, baseline: Path) -> None:
    """The last line: how many regressions failed the gate, or that none did."""
    if cmp.failed:
        out.print(
            Text(
                f"✗ {len(cmp.regressions) + len(cmp.new_errors) + len(cmp.missing)} regression(s) against {baseline}",
                style="bold red",
            )
        )
    else:
        out.print(
            Text(
                f"✓ no score dropped beyond its tolerance (or, with enough documents, its 95% interval) "
                f"against {baseline}",
                style="bold green",
            ),
            soft_wrap=True,
        )


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"
