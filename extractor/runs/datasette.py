"""`OUT/datasette.yml`: Datasette metadata with canned queries for the questions people bring to a batch, so

    datasette OUT/reports.sqlite -m OUT/datasette.yml

opens with them listed on the database page (Datasette 0.6x reads canned queries from metadata; a query
with `:name` parameters shows a form for them). Written beside the store by `write_store`; it depends only on
the store's layout (runs/store.py), not on the reports, so it is rewritten whole each time.

    QUERIES          name -> {title, description, sql}
    metadata()       the JSON object
    write_metadata(out_dir) -> file name written
"""

from __future__ import annotations

import json
from pathlib import Path

from extractor.files import atomic_write_text

METADATA = "datasette.yml"  # YAML (JSON inside, which YAML reads); not *.json, which OUT keeps for reports
DATABASE = "reports"  # Datasette names a database by its file's stem: reports.sqlite

# Every query joins a child table to `reports` on the report's key (sha256 + file), as the README's example does.
_JOIN = "JOIN reports r ON r.sha256 = {t}.report_sha256 AND r.file = {t}.file"

QUERIES: dict[str, dict[str, str]] = {
    "indicator_by_region_and_year": {
        "title": "One indicator across reports",
        "description": "The value of an indicator key (e.g. admin_litigation_cases, agency_head_court_appearance_rate) "
        "in every report that states it, by region and year; rates are ratios (0.83), money in 元.",
        "sql": "SELECT r.region, r.admin_level, r.report_year, i.value_base, r.title, r.file\n"
        f"FROM indicators i {_JOIN.format(t='i')}\n"
        "WHERE i.indicator = :indicator\nORDER BY r.region, r.report_year",
    },
    "indicator_year_over_year": {
        "title": "How an indicator moved year to year",
        "description": "For each region with reports for consecutive years: last year's value, this year's and the change.",
        "sql": "WITH v AS (SELECT r.region, r.admin_level, r.report_year AS year, i.value_base AS value\n"
        f"  FROM indicators i {_JOIN.format(t='i')}\n"
        "  WHERE i.indicator = :indicator AND r.region IS NOT NULL AND r.report_year IS NOT NULL)\n"
        "SELECT cur.region, cur.admin_level, cur.year, prev.value AS previous_value, cur.value,\n"
        "  cur.value - prev.value AS change\n"
        "FROM v cur JOIN v prev ON prev.region = cur.region AND prev.admin_level IS cur.admin_level\n"
        "  AND prev.year = cur.year - 1\nORDER BY cur.region, cur.year",
    },
    "court_appearances": {
        "title": "Agency heads appearing in court",
        "description": "Reports stating how often agency heads appeared in administrative court cases (count and rate).",
        "sql": "SELECT r.region, r.admin_level, r.report_year,\n"
        "  MAX(CASE WHEN i.indicator = 'agency_head_court_appearances' THEN i.value_base END) AS appearances,\n"
        "  MAX(CASE WHEN i.indicator = 'agency_head_court_appearance_rate' THEN i.value_base END) AS rate,\n"
        "  r.title, r.file\n"
        f"FROM indicators i {_JOIN.format(t='i')}\n"
        "WHERE i.indicator IN ('agency_head_court_appearances', 'agency_head_court_appearance_rate')\n"
        "GROUP BY r.sha256, r.file ORDER BY r.region, r.report_year",
    },
    "no_shortcomings": {
        "title": "Reports that admit no shortcomings",
        "description": "Reports with no shortcomings part and no problem items.",
        "sql": "SELECT r.region, r.admin_level, r.report_year, r.title, r.file\nFROM reports r\n"
        "WHERE NOT EXISTS (SELECT 1 FROM compliance c WHERE c.report_sha256 = r.sha256 AND c.file = r.file\n"
        "    AND c.part = 'shortcomings' AND c.present = 1)\n"
        "  AND NOT EXISTS (SELECT 1 FROM items it WHERE it.report_sha256 = r.sha256 AND it.file = r.file\n"
        "    AND it.kind = 'problem')\nORDER BY r.region, r.report_year",
    },
    "missing_required_parts": {
        "title": "Required parts missing",
        "description": "Each report and the required parts (measures, shortcomings, leadership, plans, other) it lacks.",
        "sql": "SELECT r.region, r.admin_level, r.report_year, group_concat(c.part, ', ') AS missing_parts,\n"
        "  count(*) AS missing, r.title, r.file\n"
        f"FROM compliance c {_JOIN.format(t='c')}\nWHERE c.present = 0\n"
        "GROUP BY r.sha256, r.file ORDER BY missing DESC, r.region, r.report_year",
    },
    "quality_notes": {
        "title": "Quality notes by kind",
        "description": "How many reports carry each kind of quality note (structure_uncertain, model_failed, "
        "header_truncated, …); pick a kind to list its reports with the query below.",
        "sql": "SELECT q.kind, count(DISTINCT q.report_sha256 || q.file) AS reports, count(*) AS notes\n"
        "FROM quality q GROUP BY q.kind ORDER BY reports DESC",
    },
    "reports_with_note": {
        "title": "Reports with a quality note",
        "description": "The reports carrying a quality note of one kind, with its message.",
        "sql": "SELECT r.region, r.report_year, q.section, q.message, r.title, r.file\n"
        f"FROM quality q {_JOIN.format(t='q')}\nWHERE q.kind = :kind\nORDER BY r.region, r.report_year",
    },
    "measures_by_category": {
        "title": "Measures per category, by region and year",
        "description": "How many measures each report lists in each category of the 纲要 taxonomy.",
        "sql": "SELECT r.region, r.report_year, it.category, count(*) AS measures\n"
        f"FROM items it {_JOIN.format(t='it')}\nWHERE it.kind = 'measure'\n"
        "GROUP BY r.sha256, r.file, it.category ORDER BY r.region, r.report_year, measures DESC",
    },
    "search_items": {
        "title": "Search items",
        "description": "Measures, problems, rectifications, plans and leadership duties whose quote contains a phrase.",
        "sql": "SELECT r.region, r.report_year, it.kind, it.category, it.summary, it.quote, r.file\n"
        f"FROM items it {_JOIN.format(t='it')}\nWHERE it.quote LIKE '%' || :phrase || '%'\n"
        "ORDER BY r.region, r.report_year LIMIT 500",
    },
}


def metadata() -> dict:
    return {
        "title": "fazhi-extractor batch",
        "description": "Reports extracted by fazhi-extractor: one row per report in `reports`; its sections, items, "
        "metrics, indicators, quality notes and required-part compliance keyed by (report_sha256, file).",
        "databases": {DATABASE: {"queries": QUERIES}},
    }


def write_metadata(out_dir: Path) -> str:
    """The metadata as YAML: a comment line, then the object as JSON (a subset of YAML, so no YAML writer)."""
    text = (
        "# Datasette metadata written by fazhi batch: datasette reports.sqlite -m datasette.yml\n"
        + json.dumps(metadata(), ensure_ascii=False, indent=2)
        + "\n"
    )
    atomic_write_text(Path(out_dir) / METADATA, text)
    return METADATA
