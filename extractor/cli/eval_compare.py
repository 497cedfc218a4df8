"""`fazhi eval compare A.json B.json`, and what `fazhi eval --repeat K` and `--choose-fields` print.

Rendering only; the numbers are computed in `extractor.evaluation` (compare, bootstrap, repeat, choose).
Rich tables sized for 80 columns on a terminal; GitHub markdown when stdout is a pipe or a file; `--json`
for a program. Exit codes of compare: 0 = compared; 2 = a log cannot be read, or the two logs are of
different suites, formats or gold (refused, with the reason).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from extractor.cli.options import console, fail, json_option, out
from extractor.errors import FazhiError, InputError
from extractor.evaluation.bootstrap import MIN_DOCS, RESAMPLES
from extractor.evaluation.compare import LogComparison, compare_logs, gold_sections

WIDTH = 80
SHORT = {"rectifications": "rectif.", "leadership_duties": "leadership", "no detectable difference": "no difference"}
_STYLE = {"better": "bold green", "worse": "bold red"}


def compare_command(
    a: Path = typer.Argument(..., help="Eval log of the run compared against (`fazhi eval --json A.json`)."),
    b: Path = typer.Argument(..., help="Eval log of the run to judge."),
    as_json: bool = json_option("Print the comparison as JSON on stdout."),
) -> None:
    """Is run B better than run A? Per field: B − A with a paired bootstrap 95% interval over documents
    (and over gold items), the items that flipped right→wrong and wrong→right, and a verdict: better, worse,
    or no detectable difference (too few documents: no verdict).

    Examples:

      fazhi eval compare before.json after.json

      fazhi eval compare before.json after.json --json > diff.json
    """
    try:
        log_a, log_b = _read(a), _read(b)
        sections, note = gold_sections(log_b)  # names the section of each flipped item
        cmp = compare_logs(log_a, log_b, sections)
        if note:
            cmp.notes.append(note)
    except FazhiError as err:
        raise fail(err)
    if as_json:
        out.file.write(json.dumps(cmp.to_dict(), ensure_ascii=False, indent=2) + "\n")
        out.file.flush()
        return
    render_compare(cmp, a, b)


def _read(path: Path) -> dict:
    try:
        log = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"eval log {path} not found", hint="write one with fazhi eval --json FILE") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not an eval log: {exc}") from None
    if not isinstance(log, dict) or "reports" not in log:
        raise InputError(f"{path} is not an eval log (no `reports`)")
    return log


def _fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def _signed(v) -> str:
    return "–" if v is None else f"{v:+.3f}"


def rows(cmp: LogComparison) -> list[list[str]]:
    """field, A, B, B−A, 95% interval (documents), verdict; then the item-level interval and flips."""
    table = []
    for fc in cmp.fields:
        iv, it = fc.docs, fc.items
        ci = f"[{_signed(iv.lo)}, {_signed(iv.hi)}]" if iv.lo is not None else "–"
        items = (
            f"{_signed(it.mean)} [{_signed(it.lo)}, {_signed(it.hi)}]"
            if it and it.lo is not None
            else (f"{it.n} items: too few" if it else "")
        )
        down = sum(f.direction == "right→wrong" for f in fc.flips)
        up = len(fc.flips) - down
        table.append(
            [
                fc.field,
                _fmt(fc.a),
                _fmt(fc.b),
                _signed(iv.mean),
                ci,
                fc.verdict,
                items,
                f"-{down}/+{up}" if fc.flips else "",
            ]
        )
    return table


HEAD = ("field", "A", "B", "B−A", "95% CI docs", "verdict")
ITEM_HEAD = ("field", "B−A items [95% CI]", "flips -/+")


def render_compare(cmp: LogComparison, a: Path, b: Path) -> None:
    title = (
        f"compare {cmp.suite}: B {b.name} − A {a.name}\n{len(cmp.documents)} document(s) in {cmp.groups} "
        f"group(s); paired bootstrap 95% intervals, {RESAMPLES} resamples"
    )
    data = rows(cmp)
    for note in cmp.notes:
        console.print(Text(f"note: {note}", style="yellow"), soft_wrap=True)
    if not out.is_terminal:
        _markdown(title, data, cmp)
        return
    out.print(Text(title, style="bold"), soft_wrap=True)
    main = _table(HEAD)
    for r in data:
        verdict = Text(SHORT.get(r[5], r[5]), style=_STYLE.get(r[5], "dim" if r[5].startswith("too few") else ""))
        main.add_row(SHORT.get(r[0], r[0]), *r[1:5], verdict)
    out.print(main)
    items = _table(ITEM_HEAD)
    for r in data:
        if r[6] or r[7]:
            items.add_row(SHORT.get(r[0], r[0]), r[6], r[7])
    out.print(items)
    if any(r[5].startswith("too few") for r in data):
        out.print(Text(f"too few documents: fewer than {MIN_DOCS} (groups) give no verdict", style="dim"))
    for f in cmp.flips:
        head = (
            f"  {'−' if f.direction == 'right→wrong' else '+'} {short_id(f.doc)} {SHORT.get(f.field, f.field)} "
            f"{f.kind} {f.section.split(' ')[0] if f.section else '?'} "
        )
        out.print(Text(head) + Text(clip(f.quote, WIDTH - cell_len(head)), style="cyan"), soft_wrap=True)


def short_id(doc: str) -> str:
    """`000_f1d2….web` → `000.web`: the seed number and the layout family, enough to tell flips apart."""
    head, _, family = doc.partition(".")
    return head.split("_")[0] + (f".{family}" if family else "")


def _table(head: tuple[str, ...]) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    for i, name in enumerate(head):
        table.add_column(
            name, justify="left" if i in (0, len(head) - 1) and name != "flips -/+" else "right", no_wrap=True
        )
    return table


def clip(text: str, cells: int) -> str:
    """One line of at most `cells` terminal cells (a CJK character takes two), with … when cut."""
    text = " ".join(text.split())
    if cell_len(text) <= cells:
        return text
    kept, used = [], 0
    for ch in text:
        if used + cell_len(ch) > cells - 1:
            break
        kept.append(ch)
        used += cell_len(ch)
    return "".join(kept) + "…"


def _markdown(title: str, data: list[list[str]], cmp: LogComparison) -> None:
    head = ("field", "A", "B", "B−A", "95% CI docs", "verdict", "B−A items [95% CI]", "flips -/+")
    lines = [f"## {title.replace(chr(10), ' · ')}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in data]
    if cmp.flips:
        lines += ["", "## flipped items", "", "| | doc | field | kind | section | quote |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {f.direction} | {f.doc} | {f.field} | {f.kind} | {f.section or ''} | "
            f"{clip(f.quote, 60).replace('|', '¦')} |"
            for f in cmp.flips
        ]
    out.file.write("\n".join(lines) + "\n")
    out.file.flush()


def judged_by(change) -> str:
    """The `tol` cell of a baseline change: its tolerance, or the 95% interval that judged it instead."""
    interval = getattr(change, "interval", None)
    if interval is not None:
        return f"[{interval.lo:+.2f},{interval.hi:+.2f}]"
    return "" if change.tolerance is None else f"{change.tolerance:.3f}"


# ---------------------------------------------------------------- --repeat K


def render_spread(spread: dict[str, dict], k: int) -> None:
    """Per field over K runs: mean, min, max, std of the suite mean (markdown on a pipe)."""
    head = ("field", "mean", "min", "max", "std")
    body = [[fname, *(_fmt(v[x]) for x in head[1:])] for fname, v in spread.items()]
    title = f"spread over {k} runs (suite means; a model's runs bypass the response cache)"
    if not out.is_terminal:
        lines = ["", f"## {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out.file.write("\n".join([*lines, *("| " + " | ".join(r) + " |" for r in body)]) + "\n")
        out.file.flush()
        return
    out.print(Text(title, style="bold"), soft_wrap=True)
    table = _table(head)
    for r in body:
        table.add_row(SHORT.get(r[0], r[0]), *r[1:])
    out.print(table)


# ---------------------------------------------------------------- --choose-fields


def render_choices(record: dict, path: Path) -> None:
    table = Table(
        title=f"choose fields: {record['backend']} {record['model'] or ''} over {record['documents']} "
        f"documents in {record['groups']} groups (in-sample)",
        title_justify="left",
        box=None,
        pad_edge=False,
        padding=(0, 1),
        header_style="bold",
    )
    for name in ("kind", "rules", "model", "m−r", "95% CI", "folds agree", "who"):
        table.add_column(name, justify="left" if name in ("kind", "who") else "right", no_wrap=True)
    for kind, c in record["fields"].items():
        d = c["difference"]
        ci = f"[{_signed(d['lo'])}, {_signed(d['hi'])}]" if d["lo"] is not None else "too few"
        table.add_row(
            kind,
            _fmt(c["rules"]),
            _fmt(c["model"]),
            _signed(d["diff"]),
            ci,
            f"{c['fold_agrees']}/{c['folds']}",
            Text(c["decision"], style="bold" if c["decision"] == "model" else ""),
        )
    out.print(table)
    for kind, c in record["fields"].items():
        out.print(Text(f"{kind}: {c['reason']}", style="dim"), soft_wrap=True)
    if too_few := max((c.get("folds_too_few", 0) for c in record["fields"].values()), default=0):
        out.print(
            Text(
                f"note: {too_few} of the leave-one-group-out folds had fewer than {MIN_DOCS} groups to "
                "choose on (they keep the rules); more suites (--choose-on) give every fold a choice",
                style="yellow",
            ),
            soft_wrap=True,
        )
    out.print(
        Text(
            f"wrote {path}: --model-fields auto now asks the model for "
            f"{', '.join(record['model_fields']) or 'nothing (the rules decide every field)'}"
        ),
        soft_wrap=True,
    )
