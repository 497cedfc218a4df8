"""The collection page: a batch output folder → one self-contained `explore.html` with charts across reports.

    explore_folder(out_dir, dest=None) -> Explored
    collect(out_dir, page_dir) -> (payload, notes)     what the page's script renders (JSON-safe)

Read from the batch's store (`OUT/reports.sqlite`, synced with the JSONs first by `runs.store.write_store`, so an
older folder without a store, or with an older store layout, works) and its `manifest.jsonl` (status per input;
failed inputs have no JSON). The page (`assets/explore.js`) draws its charts with Vega-Lite through vega-embed,
vendored in `assets/vendor/` (versions and licenses in its README) and inlined, so it opens from disk with no
network. Every string reaches the page as JSON data and is rendered as text (FZ.el / Vega's text marks and
escaped tooltips), never as markup.

The payload is compact because a page may hold thousands of reports: one object per report, indicator values as
rows of [report, key, value, …], category counts as [report, category, n].
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, get_args

from pydantic import ValidationError

from extractor import __version__
from extractor.errors import InputError
from extractor.files import atomic_write_text
from extractor.review.batch_index import EXPLORE, INDEX
from extractor.review.page import DOC_BODY, render
from extractor.review.report_page import CATEGORY_LABELS
from extractor.runs.manifest import MANIFEST, Manifest
from extractor.runs.store import STORE, write_store
from extractor.runs.tables import INDICATOR_KEYS, MONEY_INDICATORS
from schemas.report import REQUIRED_PARTS, Category, Report

VENDOR = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js", "vendor/vega-interpreter.min.js")
SCRIPTS = (*VENDOR, "spans.js", "explore.js")
STYLES = ("base.css", "explore.css")
CATEGORIES: tuple[str, ...] = get_args(Category)
# Statuses of manifest lines whose input has no usable output (listed in the matrix from the manifest alone).
NO_OUTPUT = ("failed", "partial", "stale", "not_started")


@dataclass
class Explored:
    page: Path
    reports: int
    size: int
    notes: list[str] = field(default_factory=list)
    without_page: int = 0  # reports with no review page next to them (`fazhi review OUT/` writes them)


def explore_folder(out_dir: Path, dest: Optional[Path] = None) -> Explored:
    """Write DEST (default OUT/explore.html) for the batch folder `out_dir`."""
    out_dir = Path(out_dir)
    if not (out_dir / MANIFEST).is_file() and not any(p.is_file() for p in out_dir.rglob("*.json")):
        raise InputError(f"{out_dir} holds no report JSON and no {MANIFEST}: pass a `fazhi batch` output folder")
    dest = Path(dest) if dest else out_dir / EXPLORE
    payload, notes = collect(out_dir, dest.parent)
    html = render(f"{out_dir.resolve().name} · fazhi explore", payload, SCRIPTS, STYLES, body=DOC_BODY)
    atomic_write_text(dest, html)
    without = sum(1 for r in payload["reports"] if r["output"] and not r["page"])
    return Explored(dest, sum(1 for r in payload["reports"] if r["output"]), len(html.encode("utf-8")), notes, without)


def collect(out_dir: Path, page_dir: Path) -> tuple[dict, list[str]]:
    _, notes = write_store(out_dir)
    notes = [n for n in notes if "datasette" not in n]  # the batch's concern, not this page's
    latest = Manifest(out_dir / MANIFEST).latest()
    by_output = {Path(e["output"]).name: e for e in latest.values() if e.get("output")}
    db = sqlite3.connect(f"file:{out_dir / STORE}?mode=ro", uri=True)
    try:
        reports, index = _reports(db, out_dir, page_dir, by_output)
        values = _values(db, index)
        counts = _category_counts(db, index)
        _compliance_and_quality(db, index, reports)
    finally:
        db.close()
    notes += _left_out(out_dir, {r["output"] for r in reports})
    listed = {r["output"] for r in reports}
    for key, entry in sorted(latest.items()):
        if entry.get("status") in NO_OUTPUT and Path(entry.get("output") or "").name not in listed:
            reports.append(
                {
                    "file": key,
                    "output": None,
                    "page": None,
                    "title": None,
                    "region": None,
                    "level": None,
                    "year": None,
                    "status": entry.get("status"),
                    "error": entry.get("error"),
                    "parts": None,
                    "sections": None,
                    "quality": [],
                    "counts": None,
                }
            )
    payload = {
        "kind": "explore",
        "folder": str(out_dir.resolve()),
        "tool_version": __version__,
        "parts": list(REQUIRED_PARTS),
        "indicators": list(INDICATOR_KEYS),
        "money": sorted(MONEY_INDICATORS),
        "categories": list(CATEGORIES),
        "category_labels": CATEGORY_LABELS,
        "reports": reports,
        "values": values,
        "measures": counts["measure"],
        "plans": counts["plan"],
        "notes": notes,
        "has_manifest": bool(latest),
        # The review pages' index.html (`fazhi review OUT/`), linked from the page's header when there is one.
        "index": Path(os.path.relpath(out_dir / INDEX, page_dir)).as_posix() if (out_dir / INDEX).is_file() else None,
    }
    return payload, notes


def _reports(db: sqlite3.Connection, out_dir: Path, page_dir: Path, by_output: dict) -> tuple[list[dict], dict]:
    rows = db.execute(
        "SELECT sha256, file, output, title, region, admin_level, report_year, partial, no_structure, "
        "issuers FROM reports ORDER BY region, report_year, file"
    ).fetchall()
    reports: list[Any] = []
    index: dict[Any, Any] = {}
    for sha, file, output, title, region, level, year, partial, no_structure, issuers in rows:
        entry = by_output.get(output) or {}
        page = out_dir / Path(output).with_suffix(".html")  # where `fazhi review OUT/` writes the report's page
        index[(sha, file)] = len(reports)
        reports.append(
            {
                "file": file,
                "output": output,
                "page": Path(os.path.relpath(page, page_dir)).as_posix() if page.is_file() else None,
                "title": title,
                "region": region,
                "level": level,
                "year": year,
                "issuers": json.loads(issuers) if issuers else [],
                "status": entry.get("status") or ("partial" if partial else "no_structure" if no_structure else None),
                "error": entry.get("error"),
                "parts": None,
                "sections": None,
                "quality": [],
                "counts": {},
            }
        )
    for sha, file, kind, n in db.execute("SELECT report_sha256, file, kind, count(*) FROM items GROUP BY 1, 2, 3"):
        reports[index[(sha, file)]]["counts"][kind] = n
    for sha, file, n in db.execute("SELECT report_sha256, file, count(*) FROM metrics GROUP BY 1, 2"):
        reports[index[(sha, file)]]["counts"]["metric"] = n
    return reports, index


def _values(db: sqlite3.Connection, index: dict) -> list[list]:
    """[report, indicator, value_base, base_unit, quote, context, start, end, name] per report and key: the
    first metric stating the key, as in indicators.csv (a total restated later is not counted twice)."""
    keys = {k: i for i, k in enumerate(INDICATOR_KEYS)}
    seen, values = set(), []
    for sha, file, key, value, base_unit, quote, context, start, end, name in db.execute(
        'SELECT report_sha256, file, indicator, value_base, base_unit, quote, context, start, "end", name '
        "FROM metrics WHERE indicator IS NOT NULL ORDER BY rowid"
    ):
        report = index[(sha, file)]
        if (report, key) in seen or key not in keys or value is None:
            continue
        seen.add((report, key))
        values.append([report, keys[key], value, base_unit, quote, context or "", start, end, name])
    return values


def _category_counts(db: sqlite3.Connection, index: dict) -> dict[str, list[list[int]]]:
    cats = {c: i for i, c in enumerate(CATEGORIES)}
    counts: dict[str, list[list[int]]] = {"measure": [], "plan": []}
    for sha, file, kind, category, n in db.execute(
        "SELECT report_sha256, file, kind, category, count(*) FROM items WHERE kind IN ('measure', 'plan') "
        "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
    ):
        counts[kind].append([index[(sha, file)], cats.get(category, cats["other"]), n])
    return counts


def _compliance_and_quality(db: sqlite3.Connection, index: dict, reports: list[dict]) -> None:
    parts = {p: i for i, p in enumerate(REQUIRED_PARTS)}
    for sha, file, part, present, sections in db.execute(
        "SELECT report_sha256, file, part, present, sections FROM compliance"
    ):
        r = reports[index[(sha, file)]]
        if r["parts"] is None:
            r["parts"], r["sections"] = [None] * len(parts), [[] for _ in parts]
        if part in parts:
            r["parts"][parts[part]] = bool(present)
            r["sections"][parts[part]] = json.loads(sections) if sections else []
    for sha, file, kind, section, message in db.execute(
        "SELECT report_sha256, file, kind, section, message FROM quality ORDER BY rowid"
    ):
        reports[index[(sha, file)]]["quality"].append([kind, section, message])


def _left_out(out_dir: Path, listed: set[str]) -> list[str]:
    """A note for every JSON in OUT that is not in the store: not a report of this tool version (an older
    output, a foreign file). Each is validated here only to say why."""
    notes = []
    for path in sorted(p for p in out_dir.rglob("*.json") if p.is_file()):
        rel = path.relative_to(out_dir)
        if path.name in listed or any(part.startswith(".") for part in rel.parts):
            continue
        try:
            Report.model_validate_json(path.read_bytes())
            why = "not in the store"
        except (OSError, ValidationError, ValueError) as err:
            lines = str(err).strip().splitlines()
            why = f"not a valid report of this tool version ({' '.join(lines[:2])[:160]})"
        notes.append(f"{rel.as_posix()} left out: {why}")
    return notes
