"""`fazhi explore OUT/`: the collection page's data comes from the batch's store, survives bad input, escapes
markup; the batch's Datasette metadata runs its canned queries on a real store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalfixtures import SOURCE, gold_report
from explorefixtures import HOSTILE_NAME, synthetic_batch
from extractor.cli.app import app
from extractor.review.explore import EXPLORE, explore_folder
from extractor.runs.datasette import METADATA, QUERIES
from extractor.runs.store import STORE, write_store
from reviewfixtures import embedded_data, seed_batch
from schemas.report import REQUIRED_PARTS, Report

runner = CliRunner()
TEMPLATES = [(gold_report(), SOURCE)]


@pytest.fixture
def messy(tmp_path) -> Path:
    """9 reports (3 issuers × 3 years), one degraded, one without indicators, one named with markup; a failed
    input; a JSON of an older tool version."""
    return synthetic_batch(tmp_path, TEMPLATES, 9, hostile=True, failed=True, degraded=True, no_indicators=True,
                           old_version=True)


def _data(out: Path) -> dict:
    return embedded_data((out / EXPLORE).read_text(encoding="utf-8"))


def test_the_page_holds_every_report_its_indicator_values_and_parts(messy):
    result = explore_folder(messy)
    data = _data(messy)
    assert result.page == messy / EXPLORE and result.reports == 9
    reports = [r for r in data["reports"] if r["output"]]
    assert len(reports) == 9
    expected = {}
    for path in sorted(messy.glob("r*.json")):
        report = Report.model_validate_json(path.read_bytes())
        firsts = {}
        for m in report.metrics:
            if m.indicator and m.indicator not in firsts:
                firsts[m.indicator] = (m.value_base, m.evidence.start, m.evidence.end)
        expected[report.source.file] = (firsts, [getattr(report.compliance, p).present for p in REQUIRED_PARTS])
    got = {r["file"]: ({}, r["parts"]) for r in reports}
    for v in data["values"]:
        got[reports[v[0]]["file"]][0][data["indicators"][v[1]]] = (v[2], v[6], v[7])
    assert got == expected
    assert not got["r0002.txt"][0]  # the report without indicators is listed, with no values
    # Distinct values per clone, so the bars differ.
    assert len({v[2] for v in data["values"] if data["indicators"][v[1]] == "admin_reconsideration_accepted"}) > 3


def test_failed_degraded_and_old_outputs_are_shown_for_what_they_are(messy):
    result = explore_folder(messy)
    data = _data(messy)
    by_file = {r["file"]: r for r in data["reports"]}
    assert by_file["broken.txt"]["status"] == "failed" and by_file["broken.txt"]["output"] is None
    assert by_file["broken.txt"]["error"] == "InputError: not a report"
    assert by_file["r0001.txt"]["status"] == "degraded"
    assert ["model_failed", "一", "a model call failed; the rules' guess stands"] in by_file["r0001.txt"]["quality"]
    assert any(n.startswith("old.json left out: not a valid report of this tool version") for n in result.notes)
    assert data["notes"] == result.notes


def test_a_name_with_markup_is_data_never_markup(messy):
    explore_folder(messy)
    html = (messy / EXPLORE).read_text(encoding="utf-8")
    assert HOSTILE_NAME not in html and "\\u003cimg src=x" in html  # only as \u-escaped JSON data
    assert any(r["region"] == HOSTILE_NAME for r in _data(messy)["reports"])


def test_links_go_to_review_pages_that_exist_relative_to_the_page(messy, tmp_path):
    (messy / "r0003.html").write_text("<!doctype html>", encoding="utf-8")
    elsewhere = tmp_path / "pages" / "x.html"
    elsewhere.parent.mkdir()
    result = explore_folder(messy, elsewhere)
    pages = {r["file"]: r["page"] for r in embedded_data(elsewhere.read_text(encoding="utf-8"))["reports"]}
    assert pages["r0003.txt"] == "../out/r0003.html" and pages["r0004.txt"] is None
    assert result.without_page == 8


def test_a_folder_without_a_store_gets_one_and_an_old_store_is_rebuilt(messy):
    assert not (messy / STORE).exists()
    explore_folder(messy)
    db = sqlite3.connect(messy / STORE)
    db.execute("DROP TABLE compliance")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    explore_folder(messy)
    assert all(r["parts"] for r in _data(messy)["reports"] if r["output"])


def test_cli_writes_the_page_and_says_so(messy):
    result = runner.invoke(app, ["explore", str(messy)])
    assert result.exit_code == 0, result.output
    said = "".join(result.output.split())  # whitespace out: a long path may stand alone on its line
    assert f"wrote{messy / EXPLORE}" in said and "9report(s)havenoreviewpageyet" in said


@pytest.mark.parametrize("make", ["missing", "empty", "file"])
def test_cli_refuses_what_is_not_a_batch_folder_and_writes_nothing(tmp_path, make):
    target = tmp_path / "x"
    if make == "empty":
        target.mkdir()
    elif make == "file":
        target.write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["explore", str(target)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error:") and "Traceback" not in result.output
    assert not (tmp_path / "x" / EXPLORE).exists() if target.is_dir() else True
    assert not (target / STORE).exists() if target.is_dir() else True


# ------------------------------------------------------------------ Datasette metadata


def _run(db: sqlite3.Connection, sql: str, **params) -> list[sqlite3.Row]:
    return db.execute(sql, params).fetchall()


def test_the_store_writes_datasette_metadata_whose_queries_run(messy):
    written, _ = write_store(messy)
    assert written == [STORE, METADATA]
    text = (messy / METADATA).read_text(encoding="utf-8")
    assert text.startswith("# ")
    meta = json.loads(text.split("\n", 1)[1])  # YAML: a comment line, then JSON
    assert meta["databases"]["reports"]["queries"] == QUERIES
    db = sqlite3.connect(messy / STORE)
    db.row_factory = sqlite3.Row
    params = {"indicator": "admin_reconsideration_accepted", "kind": "model_failed", "phrase": "行政复议"}
    for name, query in QUERIES.items():
        needed = {p: v for p, v in params.items() if f":{p}" in query["sql"]}
        _run(db, query["sql"], **needed)  # every query is valid SQL on this layout
    rows = _run(db, QUERIES["indicator_by_region_and_year"]["sql"], indicator="admin_reconsideration_accepted")
    assert len(rows) == 8  # nine reports, one without indicators
    moves = _run(db, QUERIES["indicator_year_over_year"]["sql"], indicator="admin_reconsideration_accepted")
    assert moves and all(r["change"] == r["value"] - r["previous_value"] for r in moves)
    assert {(r["region"], r["year"]) for r in moves} >= {("白水市", 2022), ("白水市", 2023)}
    assert [r["file"] for r in _run(db, QUERIES["reports_with_note"]["sql"], kind="model_failed")] == ["r0001.txt"]
    assert len(_run(db, QUERIES["search_items"]["sql"], phrase="行政复议")) >= 9


def test_no_shortcomings_and_missing_parts_follow_the_compliance_table(tmp_path):
    report = gold_report()
    report.compliance.shortcomings.present = False
    report.compliance.shortcomings.sections = []
    report.problems = []
    out = synthetic_batch(tmp_path, [(report, SOURCE), (gold_report(), SOURCE)], 4)
    write_store(out)
    db = sqlite3.connect(out / STORE)
    db.row_factory = sqlite3.Row
    assert [r["file"] for r in _run(db, QUERIES["no_shortcomings"]["sql"])] == ["r0000.txt", "r0002.txt"]
    missing = {r["file"]: r["missing_parts"] for r in _run(db, QUERIES["missing_required_parts"]["sql"])}
    assert "shortcomings" in missing["r0000.txt"] and "shortcomings" not in missing.get("r0001.txt", "")


def test_datasette_opens_the_store_with_every_canned_query(messy):
    import asyncio

    from datasette.app import Datasette
    from datasette.utils import parse_metadata

    write_store(messy)
    meta = parse_metadata((messy / METADATA).read_text(encoding="utf-8"))  # what `datasette -m` reads
    ds = Datasette([str(messy / STORE)], metadata=meta)

    async def go():
        await ds.invoke_startup()
        listed = (await ds.client.get("/reports.json")).json()["queries"]
        rows = (await ds.client.get("/reports/indicator_by_region_and_year.json",
                                    params={"indicator": "admin_reconsideration_accepted", "_shape": "array"})).json()
        return {q["name"] for q in listed}, rows

    names, rows = asyncio.run(go())
    assert names == set(QUERIES)
    assert len(rows) == 8 and {r["region"] for r in rows} >= {"白水市", HOSTILE_NAME}


def test_a_rules_batch_of_the_seeds_writes_the_metadata_and_explores(tmp_path):
    out = seed_batch(tmp_path)
    assert (out / METADATA).is_file() and (out / STORE).is_file()
    result = explore_folder(out)
    data = _data(out)
    assert result.reports == 5 and result.notes == []
    for r in data["reports"]:
        report = Report.model_validate_json((out / r["output"]).read_bytes())
        assert r["parts"] == [getattr(report.compliance, p).present for p in REQUIRED_PARTS]
        assert r["quality"] == [[q.kind, q.section, q.message] for q in report.quality]
        assert r["counts"].get("measure", 0) == len(report.measures)
    assert sum(n for _, _, n in data["measures"]) == sum(r["counts"].get("measure", 0) for r in data["reports"])


def test_a_batch_where_every_input_failed_still_gets_a_page(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.jsonl").write_text(json.dumps({"file": "a.txt", "status": "failed", "error": "InputError: empty"})
                                        + "\n", encoding="utf-8")
    result = explore_folder(out)
    data = _data(out)
    assert result.reports == 0 and data["values"] == []
    assert [(r["file"], r["status"], r["error"]) for r in data["reports"]] == [("a.txt", "failed", "InputError: empty")]


def test_the_review_index_links_the_collection_page_when_it_is_there(tmp_path):
    from extractor.review.batch_index import review_folder
    from reviewfixtures import embedded_data, seed_batch

    out = seed_batch(tmp_path)
    review_folder(out)
    assert embedded_data((out / "index.html").read_text(encoding="utf-8"))["explore"] is None  # no dead link
    explore_folder(out)
    review_folder(out)
    assert embedded_data((out / "index.html").read_text(encoding="utf-8"))["explore"] == "./explore.html"
