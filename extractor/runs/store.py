"""`OUT/reports.sqlite`: the batch's reports as SQL tables, for queries across hundreds of reports and for
browsing with Datasette (`datasette OUT/reports.sqlite -m OUT/datasette.yml`: canned queries, runs/datasette.py).

    write_store(out_dir) -> (file names written, notes)

Tables (every child row keyed by its report's `report_sha256` + `file`, a foreign key with ON DELETE CASCADE):

    reports     one row per report: source, metadata, run totals, which output JSON it came from, `partial`
                and `no_structure` (no outline found, as the batch status says: pipeline.structure_missing)
    sections    the outline: heading path, level, part, heading span
    items       measures, problems, rectifications, plans, leadership duties (rows of items.csv)
    metrics     every quantity (rows of metrics.csv)
    indicators  one row per report and indicator key it states (the values of indicators.csv, long form)
    quality     the report's quality notes
    compliance  one row per report and required part: present (0/1) and the sections covering it

Built from the same row functions as the CSVs (extractor/runs/tables.py), so the counts agree. Synced with the
Report JSONs in OUT, like the tables: an output whose bytes changed since the last sync (a redone report)
replaces all its rows in one transaction, an output gone from OUT (a failed redo) loses its rows, unchanged
outputs are not touched — so a resumed batch does only the new work and a rerun changes nothing.
A store that is not a database of this layout (corrupt, or an older schema) is rebuilt, with a note.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from pydantic import ValidationError

from extractor.pipeline import is_unstructured
from extractor.runs.datasette import METADATA, write_metadata
from extractor.runs.tables import (
    INDICATOR_HEADERS,
    INDICATOR_KEYS,
    METRIC_FIELDS,
    indicator_rows,
    item_rows,
    metric_rows,
)
from schemas.report import REQUIRED_PARTS, Report

STORE = "reports.sqlite"
SCHEMA_VERSION = "3"  # 2: the compliance table, metrics.context; 3: reports.no_structure

_FK = (
    "report_sha256 TEXT NOT NULL, file TEXT NOT NULL, ",
    ", FOREIGN KEY (report_sha256, file) REFERENCES reports (sha256, file) ON DELETE CASCADE",
)
SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE reports (
    sha256 TEXT NOT NULL, file TEXT NOT NULL, output TEXT NOT NULL UNIQUE, output_sha256 TEXT NOT NULL,
    title TEXT, region TEXT, admin_level TEXT, report_year INTEGER, doc_number TEXT,
    issuers TEXT, signers TEXT, recipients TEXT, issue_date TEXT, printed_date TEXT,
    encoding TEXT, chars INTEGER, backend TEXT, model TEXT, calls INTEGER, tokens_in INTEGER, tokens_out INTEGER,
    partial INTEGER NOT NULL, no_structure INTEGER NOT NULL,
    PRIMARY KEY (sha256, file)
);
CREATE TABLE sections ({_FK[0]}path TEXT, heading TEXT, level INTEGER, part TEXT, start INTEGER, "end" INTEGER{_FK[1]});
CREATE TABLE items ({_FK[0]}kind TEXT, category TEXT, summary TEXT, cause TEXT, section TEXT, quote TEXT,
    start INTEGER, "end" INTEGER{_FK[1]});
CREATE TABLE metrics ({_FK[0]}name TEXT, value REAL, unit TEXT, value_base REAL, base_unit TEXT, approx INTEGER,
    indicator TEXT, quote TEXT, context TEXT, start INTEGER, "end" INTEGER{_FK[1]});
CREATE TABLE indicators ({_FK[0]}indicator TEXT NOT NULL, value_base REAL{_FK[1]});
CREATE TABLE quality ({_FK[0]}kind TEXT, message TEXT, section TEXT, quote TEXT{_FK[1]});
CREATE TABLE compliance ({_FK[0]}part TEXT NOT NULL, present INTEGER NOT NULL, sections TEXT{_FK[1]});
CREATE INDEX reports_region ON reports (region);
CREATE INDEX reports_year ON reports (report_year);
CREATE INDEX indicators_indicator ON indicators (indicator);
CREATE INDEX metrics_indicator ON metrics (indicator);
""" + "".join(
    f"CREATE INDEX {t}_report ON {t} (report_sha256, file);\n"
    for t in ("sections", "items", "metrics", "indicators", "quality", "compliance")
)
_CHILD_COLUMNS = {
    "sections": ("path", "heading", "level", "part", "start", "end"),
    "items": ("kind", "category", "summary", "cause", "section", "quote", "start", "end"),
    "metrics": METRIC_FIELDS,
    "indicators": ("indicator", "value_base"),
    "quality": ("kind", "message", "section", "quote"),
    "compliance": ("part", "present", "sections"),
}


def write_store(out_dir: Path) -> tuple[list[str], list[str]]:
    """Bring OUT/reports.sqlite in line with the Report JSONs in OUT; see the module docstring."""
    out_dir = Path(out_dir)
    path = out_dir / STORE
    notes: list[str] = []
    try:
        db = _open(path, notes)
    except sqlite3.Error as err:
        return [], [f"{STORE} not written: {err}"]
    try:
        stored = dict(db.execute("SELECT output, output_sha256 FROM reports").fetchall())
        present: set[str] = set()
        for output in sorted(p for p in Path(out_dir).rglob("*.json") if _is_output(p, Path(out_dir))):
            # named by its path below OUT, as the manifest names it: `2022/report.json` and `2021/report.json`
            # of a --recursive batch are two reports (a bare name made them one row)
            name = output.relative_to(out_dir).as_posix()
            try:
                data = output.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                if stored.get(name) == digest:
                    present.add(name)
                    continue
                report = Report.model_validate_json(data)
            except (OSError, ValidationError, ValueError):
                continue  # not a report (tables.py notes it); any rows it had are removed below
            present.add(name)
            with db:  # one transaction: the report's old rows go and its new rows come together
                db.execute(
                    "DELETE FROM reports WHERE output = ? OR (sha256 = ? AND file = ?)",
                    (name, report.source.sha256, report.source.file),
                )
                _insert(db, report, name, digest)
        with db:
            for gone in set(stored) - present:
                db.execute("DELETE FROM reports WHERE output = ?", (gone,))
    except sqlite3.Error as err:
        notes.append(f"{STORE} not fully written: {err}")
        return [], notes
    finally:
        db.close()
    try:
        return [STORE, write_metadata(out_dir)], notes  # datasette.yml: canned queries over this layout
    except OSError as err:
        return [STORE], [*notes, f"{METADATA} not written: {err}"]


def _open(path: Path, notes: list[str]) -> sqlite3.Connection:
    """The store, created or rebuilt when it is not a database of this layout."""
    if path.exists():
        try:
            db = _connect(path)
            version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if version and version[0] == SCHEMA_VERSION:
                return db
            db.close()
            notes.append(f"{STORE} had an older layout: rebuilt")
        except sqlite3.DatabaseError:
            notes.append(f"{STORE} was not a readable database: rebuilt")
        path.unlink()
    db = _connect(path)
    with db:
        db.executescript(SCHEMA)
        db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    return db


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def _insert(db: sqlite3.Connection, report: Report, output: str, digest: str) -> None:
    key = (report.source.sha256, report.source.file)
    db.execute("INSERT INTO reports VALUES (" + ",".join("?" * 23) + ")", _report_row(report, output, digest))
    rows = _child_rows(report)
    for table, columns in _CHILD_COLUMNS.items():
        if not rows[table]:
            continue
        names = ", ".join(f'"{c}"' for c in ("report_sha256", "file", *columns))
        db.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * (len(columns) + 2))})",
            [(*key, *(row[c] for c in columns)) for row in rows[table]],
        )


def _report_row(report: Report, output: str, digest: str) -> tuple:
    """The `reports` row of one report, in the table's column order."""
    m, run = report.metadata, report.run
    return (
        report.source.sha256,
        report.source.file,
        output,
        digest,
        m.title,
        m.region,
        m.admin_level,
        m.report_year,
        m.doc_number,
        _json(m.issuers),
        _json(m.signers),
        _json(m.recipients),
        m.issue_date.isoformat() if m.issue_date else None,
        m.printed_date.isoformat() if m.printed_date else None,
        report.source.encoding,
        report.source.chars,
        run.backend if run else None,
        run.model if run else None,
        run.calls if run else None,
        run.tokens_in if run else None,
        run.tokens_out if run else None,
        int(any(n.kind == "section_failed" for n in report.quality)),
        int(is_unstructured(report)),
    )


def _child_rows(report: Report) -> dict[str, list[dict]]:
    """The rows of each child table (_CHILD_COLUMNS) of one report, as dicts by column."""
    return {
        "sections": [
            {
                "path": s.path,
                "heading": s.heading,
                "level": s.level,
                "part": s.part,
                "start": s.evidence.start,
                "end": s.evidence.end,
            }
            for s in report.sections
        ],
        "items": item_rows([report]),
        "metrics": metric_rows([report]),
        "indicators": [
            {"indicator": key, "value_base": row[header]}
            for row in indicator_rows([report])
            for key, header in INDICATOR_HEADERS.items()
            if row[header] is not None
        ],
        "quality": [
            {"kind": q.kind, "message": q.message, "section": q.section, "quote": q.quote} for q in report.quality
        ],
        "compliance": [
            {
                "part": part,
                "present": int(getattr(report.compliance, part).present),
                "sections": _json(getattr(report.compliance, part).sections),
            }
            for part in REQUIRED_PARTS
        ],
    }


def _json(value) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value is not None else None


def _is_output(path: Path, out_dir: Path) -> bool:
    """A report JSON of the batch: in OUT or a sub-folder of it (inputs read with --recursive keep their
    relative path), not hidden (temp files)."""
    return path.is_file() and not any(part.startswith(".") for part in path.relative_to(out_dir).parts)
