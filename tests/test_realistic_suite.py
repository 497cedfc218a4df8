"""The realistic suite: fresh texts (no 15-character run shared with a seed), hand-labelled gold that validates,
every quote exactly its text, and summary key terms that are verbatim in their items."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from extractor.evaluation.suites import load_suite
from schemas.report import Report

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "evals" / "realistic"
sys.path.insert(0, str(ROOT / "evals" / "tools"))

import check_fresh  # noqa: E402

DOCS = sorted(p.stem for p in (REAL / "texts").glob("*.txt"))
LISTS = ("sections", "leadership_duties", "measures", "metrics", "problems", "rectifications", "plans")
TERM_LISTS = ("leadership_duties", "measures", "problems", "rectifications", "plans")


def test_the_suite_lists_every_text_and_every_text_has_gold():
    suite = load_suite("realistic")
    assert list(suite.documents) == DOCS and len(DOCS) >= 12
    assert sorted(p.stem for p in (REAL / "gold").glob("*.json")) == DOCS


def test_no_realistic_text_shares_a_15_character_run_with_a_seed():
    seeds = check_fresh.load_seeds(ROOT / "seeds")
    assert len(seeds) == 5
    hits = [(doc, seed, run) for doc in DOCS
            for seed, run in check_fresh.shared_runs((REAL / "texts" / f"{doc}.txt").read_text(encoding="utf-8"), seeds)]
    assert hits == []


def test_the_freshness_check_finds_a_copied_run_through_width_script_and_line_breaks():
    seeds = {"s.txt": "一、工作情况\n全年共办理行政复议案件128件，同比增长百分之十。"}
    copied = "前言。全年共辦理行政復議案件128件,\n同比增长百分之十。"  # traditional, half-width, broken line
    hits = check_fresh.shared_runs(copied, seeds, n=15)
    assert hits and hits[0][0] == "s.txt" and "行政复议案件128件" in hits[0][1]
    assert check_fresh.shared_runs("全年共审核规范性文件四十件，均按时报备。", seeds, n=15) == []


def test_template_phrases_alone_do_not_count_as_copying():
    phrase = "党政主要负责人履行推进法治建设第一责任人职责"
    seeds = {"s.txt": f"二、{phrase}情况\n区长带头学法。"}
    assert check_fresh.shared_runs(f"三、{phrase}，加强法治政府建设的有关情况", seeds, n=15) == []


@pytest.mark.parametrize("doc", DOCS)
def test_realistic_gold_is_valid_and_every_quote_is_its_text(doc):
    data = json.loads((REAL / "gold" / f"{doc}.json").read_text(encoding="utf-8"))
    report = Report.model_validate(data)
    raw = (REAL / "texts" / f"{doc}.txt").read_bytes()
    text = raw.decode("utf-8")
    assert report.source.sha256 == hashlib.sha256(raw).hexdigest() and report.source.chars == len(text)
    assert report.labeling and "hand-labelled" in report.labeling
    for key in LISTS:
        for i, item in enumerate(data[key]):
            for field in ("evidence", "cause_evidence"):
                if item.get(field):
                    ev = item[field]
                    assert text[ev["start"]:ev["end"]] == ev["quote"], f"{doc} {key}[{i}].{field}"


@pytest.mark.parametrize("doc", DOCS)
def test_summary_terms_are_one_to_four_verbatim_pieces_of_each_item(doc):
    data = json.loads((REAL / "gold" / f"{doc}.json").read_text(encoding="utf-8"))
    for key in TERM_LISTS:
        for item in data[key]:
            words = item.get("summary_terms")
            assert words and 1 <= len(words) <= 4, f"{doc} {key}: every summarised item carries 1-4 terms"
            assert all(w and w in item["evidence"]["quote"] for w in words), (doc, key, words)