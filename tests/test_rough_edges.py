"""Rough edges a first run meets: inputs that used to pass silently (a hidden file, an empty folder, a file
given as the folder), a symbolic link loop named for what it is, temp files a kill -9 leaves, CSV cells as a
spreadsheet should read them, and the request timeouts a hanging endpoint meets at the defaults."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.config import Config
from extractor.errors import InputError
from extractor.files import remove_stale_temp_files
from extractor.model.cache import ResponseCache
from extractor.runs.batch import MANIFEST, run_batch
from extractor.runs.tables import csv_cell

ROOT = Path(__file__).resolve().parents[1]
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]
RULES = Config(backend="rules")
runner = CliRunner()


def _lines(out: Path) -> dict[str, dict]:
    return {row["file"]: row for row in map(json.loads, (out / MANIFEST).read_text(encoding="utf-8").splitlines())}


def test_a_hidden_file_gets_a_line_saying_it_was_not_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "report.txt")
    shutil.copy(SEED, src / ".draft.txt")
    summary = run_batch(src, tmp_path / "out", RULES)
    lines = _lines(tmp_path / "out")
    assert lines[".draft.txt"]["status"] == "ignored" and "hidden file" in lines[".draft.txt"]["error"]
    assert lines["report.txt"]["status"] == "ok" and summary.exit_code == 0


def test_files_inside_a_hidden_folder_get_one_line_for_the_folder(tmp_path):
    src = tmp_path / "in"
    (src / ".git" / "x").mkdir(parents=True)
    shutil.copy(SEED, src / "report.txt")
    shutil.copy(SEED, src / ".git" / "x" / "a.txt")
    shutil.copy(SEED, src / ".git" / "b.txt")
    run_batch(src, tmp_path / "out", RULES, recursive=True)
    lines = _lines(tmp_path / "out")
    assert set(lines) == {"report.txt", ".git"} and "hidden folder" in lines[".git"]["error"]


def test_a_symbolic_link_loop_is_called_a_loop(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "report.txt")
    os.symlink(src / "loop.txt", src / "loop.txt")
    os.symlink(src / "gone.txt", src / "dangling.txt")
    run_batch(src, tmp_path / "out", RULES)
    lines = _lines(tmp_path / "out")
    assert lines["loop.txt"]["status"] == "failed" and "loop" in lines["loop.txt"]["error"]
    assert "does not exist" not in lines["loop.txt"]["error"]
    assert "does not exist" in lines["dangling.txt"]["error"]


def test_an_empty_folder_is_one_line_and_exit_2_with_nothing_written(tmp_path):
    (tmp_path / "in").mkdir()
    result = runner.invoke(app, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--backend", "rules"])
    assert result.exit_code == 2
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert "no input" in line and "'*'" in line and "empty" in line
    assert not (tmp_path / "out").exists()


def test_a_folder_of_only_sub_folders_says_what_it_holds(tmp_path):
    (tmp_path / "in" / "2022").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "in" / "2022" / "a.txt")
    with pytest.raises(InputError, match="2022"):
        run_batch(tmp_path / "in", tmp_path / "out", RULES)


def test_a_file_given_as_the_folder_is_called_a_file(tmp_path):
    result = runner.invoke(app, ["batch", str(SEED), "-o", str(tmp_path / "out"), "--backend", "rules"])
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.stderr and "not found" not in result.stderr


def test_old_temp_files_in_the_response_cache_are_removed_and_fresh_ones_kept(tmp_path):
    folder = tmp_path / "responses"
    folder.mkdir()
    old, fresh = folder / ".fazhi-old.tmp", folder / ".fazhi-fresh.tmp"
    old.write_text("{", encoding="utf-8")
    fresh.write_text("{", encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    ResponseCache(folder).close()
    assert not old.exists() and fresh.exists()  # another process may be writing the fresh one
    assert remove_stale_temp_files(folder) == 1 and not fresh.exists()


def test_csv_cells_read_as_a_spreadsheet_expects():
    assert [csv_cell(v) for v in (4.0, 1085.0, 0.833, 12.5, True, False, None, "x", 3)] == \
        ["4", "1085", 0.833, 12.5, "true", "false", "", "x", 3]


def test_metrics_csv_has_no_float_counts_and_lower_case_flags(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "report.txt")
    run_batch(src, tmp_path / "out", RULES)
    import csv

    rows = list(csv.DictReader((tmp_path / "out" / "metrics.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows
    assert not [r["value"] for r in rows if r["value"].endswith(".0")]
    assert {r["approx"] for r in rows} <= {"true", "false"}


def test_the_endpoint_client_has_a_connect_timeout_apart_from_the_read_timeout(tmp_path):
    from extractor.model.client import ModelClient

    with ModelClient(Config(backend="openai", base_url="http://127.0.0.1:9/v1", cache_dir=tmp_path)) as client:
        timeout = client.openai.timeout
    assert timeout.connect == 10.0 and timeout.read == Config().timeout
    assert Config().timeout < 120  # one read timeout at the defaults ends a hanging run in under 2 minutes
