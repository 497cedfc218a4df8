"""Flat tables over a folder of report JSONs, for spreadsheets and dataframes.

    write_tables(out_dir) -> (file names written, notes)

Rebuilt from every `*.json` Report in the folder (not just this run's), so a resumed batch ends with
complete tables. CSVs are UTF-8 with a BOM: without it Excel guesses a legacy code page and shows mojibake
for Chinese. Every file is written atomically. Parquet copies of metrics and items are written when
pyarrow is importable (the `parquet` extra).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Iterable, get_args

from pydantic import ValidationError

from extractor.files import atomic_write_bytes, atomic_write_text
from schemas.report import Indicator, Report

METRIC_FIELDS = (  # a metric's own columns (metrics.csv and the sqlite `metrics` table)
    "name",
    "value",
    "unit",
    "value_base",
    "base_unit",
    "approx",
    "indicator",
    "quote",
    "context",
    "start",
    "end",
)
METRIC_COLUMNS = ("file", "region", "report_year", *METRIC_FIELDS)
ITEM_COLUMNS = (
    "file",
    "region",
    "report_year",
    "kind",
    "category",
    "summary",
    "cause",
    "section",
    "quote",
    "start",
    "end",
)
INDICATOR_KEYS: tuple[str, ...] = get_args(Indicator)
# A column holding money says its unit: values are in base units (元), and `fines_and_confiscations` alone
# would be read as a count. Rates are ratios (0.833) by their `_rate` names; counts are plain integers.
MONEY_INDICATORS = frozenset({"fines_and_confiscations"})
INDICATOR_HEADERS = {k: (f"{k}_yuan" if k in MONEY_INDICATORS else k) for k in INDICATOR_KEYS}
INDICATOR_COLUMNS = ("file", "region", "report_year", *INDICATOR_HEADERS.values())
CONTEXT_LIMIT = 200  # characters of a metric's sentence in metrics.csv
# Report field -> `kind` value in items.csv.
ITEM_KINDS = {
    "measures": "measure",
    "problems": "problem",
    "rectifications": "rectification",
    "plans": "plan",
    "leadership_duties": "leadership_duty",
}
_TEXT, _INT, _FLOAT, _BOOL = "text", "int", "float", "bool"
_TYPES = {"report_year": _INT, "start": _INT, "end": _INT, "value": _FLOAT, "value_base": _FLOAT, "approx": _BOOL}


def load_reports(out_dir: Path) -> tuple[list[Report], list[str]]:
    """Every Report JSON in `out_dir`, by file name; other JSON files are noted and left out."""
    reports, notes = [], []
    for path in sorted(p for p in Path(out_dir).rglob("*.json") if _is_output(p, Path(out_dir))):
        try:
            reports.append(Report.model_validate_json(path.read_bytes()))
        except (OSError, ValidationError, ValueError) as err:
            notes.append(f"{path.name} left out of the tables: not a valid report ({_first_line(err)})")
    return reports, notes


def _ident(report: Report) -> dict:
    return {"file": report.source.file, "region": report.metadata.region, "report_year": report.metadata.report_year}


def metric_rows(reports: Iterable[Report]) -> list[dict]:
    rows = []
    for report in reports:
        ident = _ident(report)
        for m in report.metrics:
            rows.append(
                {
                    **ident,
                    "name": m.name,
                    "value": m.value,
                    "unit": m.unit,
                    "value_base": m.value_base,
                    "base_unit": m.base_unit,
                    "approx": m.approx,
                    "indicator": m.indicator,
                    "quote": m.evidence.quote,
                    "context": metric_context(report, m.evidence.start, m.evidence.end),
                    "start": m.evidence.start,
                    "end": m.evidence.end,
                }
            )
    return rows


_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


def metric_context(report: Report, start: int, end: int) -> str:
    """The sentence a quantity stands in, from the item whose evidence holds it, so rows of one name in
    one report (three 调解成功率) can be told apart; the quote alone when no item holds it."""
    holders = [
        item.evidence
        for key in ITEM_KINDS
        for item in getattr(report, key)
        if item.evidence.start <= start
        and end <= item.evidence.end
        and len(item.evidence.quote) == item.evidence.end - item.evidence.start
    ]
    if not holders:
        return ""
    ev = min(holders, key=lambda e: e.end - e.start)
    text, a, b = ev.quote, start - ev.start, end - ev.start
    lo = max((m.end() for m in _SENTENCE_END.finditer(text, 0, a)), default=0)
    hit = _SENTENCE_END.search(text, b)
    hi = hit.end() if hit else len(text)
    sentence = " ".join(text[lo:hi].split())
    return sentence if len(sentence) <= CONTEXT_LIMIT else sentence[: CONTEXT_LIMIT - 1] + "…"


def item_rows(reports: Iterable[Report]) -> list[dict]:
    rows = []
    for report in reports:
        ident = _ident(report)
        for field, kind in ITEM_KINDS.items():
            for item in getattr(report, field):
                rows.append(
                    {
                        **ident,
                        "kind": kind,
                        "category": getattr(item, "category", None),
                        "summary": item.summary,
                        "cause": getattr(item, "cause", None),
                        "section": item.section,
                        "quote": item.evidence.quote,
                        "start": item.evidence.start,
                        "end": item.evidence.end,
                    }
                )
    return rows


def indicator_rows(reports: Iterable[Report]) -> list[dict]:
    """One row per report, columns named by `INDICATOR_HEADERS` (money with its unit). A key stated more
    than once takes its first metric's value_base: summing would double-count a total restated in another
    section. A whole number is written as an integer (128, not 128.0)."""
    rows = []
    for report in reports:
        row = {**_ident(report), **dict.fromkeys(INDICATOR_HEADERS.values())}
        for m in report.metrics:
            header = INDICATOR_HEADERS.get(m.indicator) if m.indicator else None
            if header and row[header] is None:
                value = m.value_base
                row[header] = int(value) if float(value).is_integer() and m.base_unit != "ratio" else value
        rows.append(row)
    return rows


def write_tables(out_dir: Path) -> tuple[list[str], list[str]]:
    out_dir = Path(out_dir)
    reports, notes = load_reports(out_dir)
    lines = "".join(json.dumps(r.dump(), ensure_ascii=False) + "\n" for r in reports)
    atomic_write_text(out_dir / "reports.jsonl", lines)
    written = ["reports.jsonl"]
    metrics, items = metric_rows(reports), item_rows(reports)
    for name, columns, rows in (
        ("metrics.csv", METRIC_COLUMNS, metrics),
        ("indicators.csv", INDICATOR_COLUMNS, indicator_rows(reports)),
        ("items.csv", ITEM_COLUMNS, items),
    ):
        atomic_write_bytes(out_dir / name, _csv_bytes(columns, rows))
        written.append(name)
    written += _write_parquet(out_dir, {"metrics": (METRIC_COLUMNS, metrics), "items": (ITEM_COLUMNS, items)}, notes)
    return written, notes


def _csv_bytes(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns)
    writer.writeheader()
    writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def csv_cell(value):
    """How a value reads in a CSV: a whole number as an integer (`4`, not `4.0`), a flag as `true`/`false`
    (as in the JSON), nothing for None, other numbers in their shortest exact form (`0.833`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return "" if value is None else value


def _write_parquet(out_dir: Path, tables: dict, notes: list[str]) -> list[str]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        # Parquet files from an earlier run with pyarrow would now be stale: drop them rather than mislead.
        for name in tables:
            (out_dir / f"{name}.parquet").unlink(missing_ok=True)
        notes.append("Parquet tables not written: install the `parquet` extra (pyarrow)")
        return []
    types = {_TEXT: pa.string(), _INT: pa.int64(), _FLOAT: pa.float64(), _BOOL: pa.bool_()}
    written = []
    for name, (columns, rows) in tables.items():
        # An explicit schema keeps column types stable, even for an empty table or an all-null column.
        schema = pa.schema([(c, types[_TYPES.get(c, _TEXT)]) for c in columns])
        sink = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), sink)
        atomic_write_bytes(out_dir / f"{name}.parquet", sink.getvalue().to_pybytes())
        written.append(f"{name}.parquet")
    return written


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def _is_output(path: Path, out_dir: Path) -> bool:
    """A report JSON of the batch: in OUT or a sub-folder of it (inputs read with --recursive keep their
    relative path), not hidden (temp files)."""
    return path.is_file() and not any(part.startswith(".") for part in path.relative_to(out_dir).parts)
