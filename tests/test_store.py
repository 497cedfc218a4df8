"""OUT/reports.sqlite: the batch's reports as SQL tables, with the same rows as the CSVs, synced on resume."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pandas as pd
import pytest

from batchfixtures import RULES, SEED_NAMES, SEEDS, clean_env, corpus, fake, seeds_dir  # noqa: F401
from extractor.runs.batch import run_batch
from extractor.runs.datasette import METADATA
from extractor.runs.store import STORE, write_store


def _count(out, table: str, where: str = "") -> int:
    with sqlite3.connect(out / STORE) as db:
        return db.execute(f"SELECT count(*) FROM {table} {where}").fetchone()[0]


def _rowids(out) -> list[tuple]:
    with sqlite3.connect(out / STORE) as db:
        return db.execute("SELECT rowid, file FROM metrics ORDER BY rowid").fetchall()


def _csv_rows(out, name: str) -> int:
    return len(pd.read_csv(out / name, encoding="utf-8-sig"))


def test_store_counts_equal_the_csv_rows_on_the_seeds(tmp_path):
    out = tmp_path / "out"
    summary = run_batch(seeds_dir(tmp_path), out, RULES)
    assert STORE in summary.tables
    assert _count(out, "metrics") == _csv_rows(out, "metrics.csv") > 0
    assert _count(out, "items") == _csv_rows(out, "items.csv") > 0
    assert _count(out, "reports") == _csv_rows(out, "indicators.csv") == len(SEED_NAMES)
    indicators = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")
    stated = int(indicators.drop(columns=["file", "region", "report_year"]).notna().sum().sum())
    assert _count(out, "indicators") == stated > 0


def test_the_sqlite3_command_counts_the_metrics_csv_rows(tmp_path):
    if shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 command-line shell is not installed")
    out = tmp_path / "out"
    run_batch(seeds_dir(tmp_path), out, RULES)
    shell = subprocess.run(["sqlite3", str(out / STORE), "select count(*) from metrics"], capture_output=True,
                           text=True, check=True)
    assert int(shell.stdout) == _csv_rows(out, "metrics.csv")


def test_foreign_keys_and_indexes_are_declared(tmp_path):
    out = tmp_path / "out"
    run_batch(seeds_dir(tmp_path), out, RULES)
    with sqlite3.connect(out / STORE) as db:
        for table in ("sections", "items", "metrics", "indicators", "quality"):
            fks = db.execute(f"PRAGMA foreign_key_list({table})").fetchall()
            assert {(row[2], row[3], row[4]) for row in fks} == {("reports", "report_sha256", "sha256"),
                                                                 ("reports", "file", "file")}, table
        indexes = {row[0]: row[1] for row in db.execute("SELECT name, sql FROM sqlite_master WHERE type='index'")}
        assert any("reports (region)" in (sql or "") for sql in indexes.values())
        assert any("reports (report_year)" in (sql or "") for sql in indexes.values())
        assert any("indicators (indicator)" in (sql or "") for sql in indexes.values())
        db.execute("PRAGMA foreign_keys = ON")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_readme_query_gives_a_rate_per_region_and_year(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "r.txt").write_text(
        "某县人民政府关于2023年度法治政府建设情况的报告\n"
        "一、2023年度法治政府建设主要举措和成效\n"
        "（一）推进行政应诉。全年行政诉讼案件应诉42件，行政机关负责人出庭应诉率达到100%。\n"
        "二、存在的不足\n法治宣传还不够深入。\n三、2024年工作安排\n继续深化法治政府建设。\n",
        encoding="utf-8")
    out = tmp_path / "out"
    run_batch(d, out, RULES)
    with sqlite3.connect(out / STORE) as db:
        rows = db.execute(
            "SELECT r.region, r.report_year, i.value_base FROM indicators i "
            "JOIN reports r ON r.sha256 = i.report_sha256 AND r.file = i.file "
            "WHERE i.indicator = 'agency_head_court_appearance_rate' ORDER BY r.region, r.report_year").fetchall()
    assert rows == [("某县", 2023, 1.0)]


def test_a_rerun_changes_nothing_and_a_redone_report_replaces_its_rows(tmp_path, fake):
    d, out = corpus(tmp_path), tmp_path / "out"
    run_batch(d, out, RULES)
    before = _count(out, "metrics")
    rowids = _rowids(out)
    run_batch(d, out, RULES)  # everything skipped: no row is deleted and inserted again
    assert _count(out, "metrics") == before and _rowids(out) == rowids

    # A redone report with different bytes: its old rows go, its new ones come, others untouched.
    name = SEED_NAMES[0]
    text = (SEEDS / name).read_text(encoding="utf-8")
    (d / name).write_text(text.replace("件", "件。另有7件", 1), encoding="utf-8")
    run_batch(d, out, RULES)
    assert _count(out, "reports") == 7
    assert _count(out, "metrics") == _csv_rows(out, "metrics.csv") == before + 1
    with sqlite3.connect(out / STORE) as db:
        assert db.execute("SELECT count(DISTINCT sha256) FROM reports WHERE file = ?", (name,)).fetchone()[0] == 1


def test_a_report_whose_redo_failed_keeps_its_rows_beside_a_stale_manifest_line(tmp_path, fake):
    d, out = corpus(tmp_path), tmp_path / "out"
    run_batch(d, out, RULES)
    before = _count(out, "metrics", f"WHERE file = '{SEED_NAMES[1]}'")
    (d / SEED_NAMES[1]).write_bytes(b"")  # now an empty file: the redo fails; the good output is kept (issue 15)
    summary = run_batch(d, out, RULES)
    assert {e.file: e.status for e in summary.entries}[SEED_NAMES[1]] == "stale"
    assert _count(out, "reports", f"WHERE file = '{SEED_NAMES[1]}'") == 1
    assert _count(out, "metrics") == _csv_rows(out, "metrics.csv")
    assert _count(out, "metrics", f"WHERE file = '{SEED_NAMES[1]}'") == before > 0


def test_a_corrupt_store_is_rebuilt_with_a_note(tmp_path, fake):
    out = tmp_path / "out"
    run_batch(seeds_dir(tmp_path), out, RULES)
    (out / STORE).write_bytes(b"this is not a database" * 100)
    written, notes = write_store(out)
    assert written == [STORE, METADATA] and any("not a readable database: rebuilt" in n for n in notes)
    assert _count(out, "metrics") == _csv_rows(out, "metrics.csv")
