"""`fazhi gold check` and `fazhi gold add`: a gold file is checked against its source, then scored in a suite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.evaluation import suites as evaluate
from extractor.cli.app import app
from extractor.review.gold import check_gold

ROOT = Path(__file__).resolve().parents[1]
GOLD = sorted((ROOT / "evals" / "gold").glob("*.json"))
runner = CliRunner()


@pytest.fixture
def gold_copy(tmp_path) -> tuple[Path, Path]:
    """(gold json, its seed text) copied into tmp_path/src: a user's own reviewed report."""
    src = tmp_path / "src"
    src.mkdir()
    gold = GOLD[0]
    shutil.copy(ROOT / "seeds" / f"{gold.stem}.txt", src)
    target = src / f"{gold.stem}.gold.json"
    shutil.copy(gold, target)
    return target, src / f"{gold.stem}.txt"


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("gold", GOLD, ids=lambda p: p.name[:3])
def test_every_hand_labelled_gold_file_passes_the_check(gold):
    check = check_gold(gold, ROOT / "seeds")
    assert check.ok, check.problems
    assert check.quotes > 60 and check.source.ok


def test_check_names_each_problem_on_one_line_and_exits_1(gold_copy):
    path, source = gold_copy

    def break_it(data):
        data["measures"][0]["evidence"]["start"] += 3  # quote no longer at its offsets
        data["measures"][1]["category"] = "not_a_category"
        data["_labeling"] = ""
        data["quality"].append({"kind": "ungrounded_item", "message": "dropped", "section": None, "quote": None})
        m = next(m for m in data["metrics"] if m["unit"] == "%")
        m["value_base"] = m["value"]  # 99.7% with value_base 99.7

    edit(path, break_it)
    result = runner.invoke(app, ["gold", "check", str(path), "--source", str(source)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("✗")]
    assert len(lines) == 5, result.output
    text = "\n".join(lines)
    for expected in ("measures[0].evidence", "measures[1].category", "_labeling", "quality[", "value_base"):
        assert expected in text
    assert "Traceback" not in result.output


def test_check_passes_and_says_what_it_checked(gold_copy):
    path, source = gold_copy
    result = runner.invoke(app, ["gold", "check", str(path)])  # the source is found next to the file
    assert result.exit_code == 0, result.output
    assert "quotes at their offsets" in result.output


def test_check_refuses_a_source_that_is_not_the_labelled_text(gold_copy, tmp_path):
    path, source = gold_copy
    other = tmp_path / "other.txt"
    other.write_text(source.read_text(encoding="utf-8").replace("。", "，", 1), encoding="utf-8")
    result = runner.invoke(app, ["gold", "check", str(path), "--source", str(other)])
    assert result.exit_code == 1 and "source.sha256" in result.output


def test_add_creates_a_suite_that_eval_scores(gold_copy, tmp_path):
    path, source = gold_copy
    suite = tmp_path / "suites" / "mine.toml"
    result = runner.invoke(app, ["gold", "add", str(path), "--suite", str(suite)])
    assert result.exit_code == 0, result.output
    doc_id = source.stem
    assert (tmp_path / "suites" / "mine" / "texts" / f"{doc_id}.txt").read_bytes() == source.read_bytes()
    added = json.loads((tmp_path / "suites" / "mine" / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))
    assert added["source"]["file"] == f"{doc_id}.txt" and added["_labeling"]
    loaded = evaluate.load_suite(suite)
    assert loaded.documents == (doc_id,)
    # a new suite says whether it is in-sample (held out until someone tunes on it), and the log carries it
    assert loaded.in_sample is False and "corrected extractions" in loaded.in_sample_reason

    scored = runner.invoke(app, ["eval", "--suite", str(suite), "--backend", "rules", "--json", str(tmp_path / "log.json")])
    assert scored.exit_code == 0, scored.output
    log = json.loads((tmp_path / "log.json").read_text(encoding="utf-8"))
    assert list(log["reports"]) == [doc_id] and log["reports"][doc_id]["measures"]["f1"] > 0.9
    assert log["in_sample"] is False and "is held out" in scored.output

    again = runner.invoke(app, ["gold", "add", str(path), "--suite", str(suite)])  # a corrected gold replaces the old
    assert again.exit_code == 0 and "replaced" in again.output


def test_add_appends_to_an_explicit_documents_list(gold_copy, tmp_path):
    path, source = gold_copy
    suite = tmp_path / "listed.toml"
    suite.write_text('name = "listed"\nseeds_dir = "texts"\ngold_dir = "gold"\n# keep me\ndocuments = [\n  "other",\n]\n'
                     "[tolerances]\ndefault = 0.02\n", encoding="utf-8")
    assert runner.invoke(app, ["gold", "add", str(path), "--suite", str(suite)]).exit_code == 0
    text = suite.read_text(encoding="utf-8")
    assert evaluate.load_suite(suite).documents == ("other", source.stem) and "# keep me" in text


def test_add_writes_nothing_when_the_check_fails(gold_copy, tmp_path):
    path, _ = gold_copy
    edit(path, lambda d: d["measures"][0]["evidence"].update(start=0, end=4))
    suite = tmp_path / "suites" / "mine.toml"
    result = runner.invoke(app, ["gold", "add", str(path), "--suite", str(suite)])
    assert result.exit_code == 1 and "measures[0].evidence" in result.output
    assert not (tmp_path / "suites").exists()


def test_add_refuses_a_different_text_under_the_same_name(gold_copy, tmp_path):
    path, source = gold_copy
    suite = tmp_path / "s.toml"
    texts = tmp_path / "s" / "texts"
    texts.mkdir(parents=True)
    (texts / source.name).write_text("另一份报告", encoding="utf-8")
    result = runner.invoke(app, ["gold", "add", str(path), "--suite", str(suite)])
    assert result.exit_code == 2 and "different text" in result.output
    assert not (tmp_path / "s" / "gold").exists()


def test_add_leaves_no_partial_file_when_a_write_fails(gold_copy, tmp_path):
    path, source = gold_copy
    suite = tmp_path / "s.toml"
    blocker = tmp_path / "s" / "gold" / f"{source.stem}.json"
    blocker.mkdir(parents=True)  # a folder where the gold file should go: the write fails
    result = runner.invoke(app, ["gold", "add", str(path), "--suite", str(suite)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert not list((tmp_path / "s").rglob(".fazhi-*.tmp"))
    assert blocker.is_dir() and not list(blocker.iterdir())
