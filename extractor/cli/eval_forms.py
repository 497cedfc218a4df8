"""`fazhi eval --forms`: each delivered form of the suite's documents scored beside the original.

Thin: the forms, their gold and their runs are `extractor.evaluation.forms`; this runs them in a temporary
folder and prints one table (markdown when stdout is not a terminal). It never changes the exit code: it is
a robustness check (CheckList-style invariance), read beside the gate, not a gate of its own.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Optional

from rich.table import Table
from rich.text import Text

from extractor.cli.options import console, out
from extractor.config import Config
from extractor.evaluation import forms as delivered
from extractor.evaluation import scoring
from extractor.evaluation.suites import Suite

TARGET = 0.02  # issue 27: every form's headline within this of the original's
FIELDS = ("headline", "metadata", *scoring.ITEM_FIELDS, "metrics", "causes", "sections", "compliance")


def eval_forms(
    suite: Suite, config: Optional[Config], pred_dir: Optional[Path], asked: bool, log: dict
) -> Optional[dict]:
    """Run and print the forms when `--forms` is given or the suite file enables some; the comparison (for
    the eval log), or None when no form was run."""
    names = delivered.suite_forms(suite) or (list(delivered.FORMS) if asked else [])
    if not names:
        return None
    if pred_dir is not None or config is None:
        console.print("[yellow]note:[/] delivered forms need extraction; not run with --pred-dir", highlight=False)
        return None
    with tempfile.TemporaryDirectory(prefix="fazhi-forms-") as tmp:
        if console.is_terminal:
            with console.status("delivered forms…") as status:
                logs = delivered.run_forms(
                    suite,
                    config,
                    names,
                    Path(tmp),
                    progress=lambda name, n, of: status.update(f"delivered form {name} ({n + 1}/{of})"),
                )
        else:
            logs = delivered.run_forms(suite, config, names, Path(tmp))
    keys = {f: scoring.primary_key(f) for f in FIELDS}
    comparison = delivered.compare_forms(log, logs, keys)
    render(comparison, suite.name)
    return comparison


def _cell(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.3f}"


def _delta(value: Optional[float], field: str) -> str:
    if value is None:
        return "–"
    mark = " ✗" if field == "headline" and abs(value) > TARGET + 1e-9 else ""
    return f"{value:+.3f}{mark}"


def render(comparison: dict, suite_name: str) -> None:
    forms = comparison["forms"]
    head = ["field", "original", *(h for name in forms for h in (name, "Δ"))]
    rows = [
        [
            f,
            _cell(comparison["original"][f]),
            *(c for name in forms for c in (_cell(forms[name]["scores"][f]), _delta(forms[name]["delta"][f], f))),
        ]
        for f in FIELDS
    ]
    title = f"delivered forms · {suite_name} (robustness check; score = the field's gated score, Δ = form − original)"
    if out.is_terminal:
        table = Table(title=title, title_justify="left", box=None, pad_edge=False, padding=(0, 1), header_style="bold")
        for n, name in enumerate(head):
            table.add_column(name, justify="left" if n == 0 else "right", no_wrap=True)
        for row in rows:
            table.add_row(*row)
        out.print(table)
    else:
        lines = [f"## {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        out.file.write("\n".join(["", *lines]) + "\n")
        out.file.flush()
    beyond = [name for name in forms if abs(forms[name]["delta"]["headline"] or 0) > TARGET + 1e-9]
    verdict = (
        f"headline more than {TARGET} from the original's in: {', '.join(beyond)}"
        if beyond
        else f"every form's headline within {TARGET} of the original's"
    )
    console.print(Text(verdict, style="yellow" if beyond else "green"), soft_wrap=True)
    for name in forms:
        for doc_id, message in forms[name]["errors"].items():
            console.print(Text(f"form {name}: error {doc_id} (scored 0): {message}", style="red"), soft_wrap=True)
