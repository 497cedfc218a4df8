"""The review index shows each report's state apart from what the last run did with it: after a rerun that
skipped every report, the reports are still ok (the index used to say "0 ok" and mark them SKIPPED)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.config import Config
from extractor.review.batch_index import review_folder
from extractor.runs.batch import run_batch
from reviewfixtures import embedded_data, require_browser

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))[:2]


@pytest.fixture
def rerun_folder(tmp_path) -> Path:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, src / seed.name)
    run_batch(src, out, Config(backend="rules"))
    summary = run_batch(src, out, Config(backend="rules"))
    assert {e.status for e in summary.entries} == {"skipped"}
    review_folder(out)
    return out


def test_after_a_rerun_that_skipped_everything_the_reports_are_ok_and_the_action_is_skipped(rerun_folder):
    rows = embedded_data((rerun_folder / "index.html").read_text(encoding="utf-8"))["reports"]
    assert [row["status"] for row in rows] == ["ok", "ok"]
    assert {row["action"] for row in rows} == {"skipped (done before)"}


def test_the_index_header_counts_states_in_chromium(rerun_folder):
    sync_playwright, exe = require_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto((rerun_folder / "index.html").as_uri())
        header = page.locator("header .sub").inner_text()
        cells = page.locator("#reports tbody tr td:nth-child(3)").all_inner_texts()
        browser.close()
    assert "2 reports · 2 ok" in header
    assert all(cell.splitlines()[0].lower() == "ok" and "skipped" in cell for cell in cells)


def test_at_1024x768_the_header_keeps_its_size_the_model_one_line_and_an_absent_optional_part_is_no_failure(tmp_path):
    import json

    from reviewfixtures import seed_batch

    sync_playwright, exe = require_browser()
    out = seed_batch(tmp_path)
    page_json = sorted(out.glob("0*.json"))[0]
    data = json.loads(page_json.read_text(encoding="utf-8"))
    data["run"]["model"] = "some-long-local-model-name-instruct-q4_k_m@0123456789ab"
    page_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert not data["compliance"]["other"]["present"]
    review_folder(out, source=tmp_path / "in")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(page_json.with_suffix(".html").as_uri())
        header = page.evaluate("() => document.querySelector('header.top').getBoundingClientRect().height")
        model = page.evaluate("() => [...document.querySelectorAll('.run dd')][1].getBoundingClientRect().height")
        line = page.evaluate("() => [...document.querySelectorAll('.run dd')][0].getBoundingClientRect().height")
        other = page.locator(".compliance .chip", has_text="其他情况")
        other_class, other_text = other.get_attribute("class"), other.inner_text()
        browser.close()
    assert header <= 0.28 * 768  # was 247–294 px (a third of the screen)
    assert model == line  # the model name on one line (it wrapped over four)
    assert "optional" in other_class and "no" not in other_class.split() and "✗" not in other_text


def test_a_recursive_batch_gets_a_review_page_per_sub_folder_output_linking_back_to_the_index(tmp_path):
    from extractor.review.explore import collect

    src, out = tmp_path / "in", tmp_path / "out"
    for year, seed in zip(("2021", "2022"), SEEDS):  # one file name in two folders: two reports, not one
        (src / year).mkdir(parents=True)
        shutil.copy(seed, src / year / "年度报告.txt")
    assert run_batch(src, out, Config(backend="rules"), recursive=True).exit_code == 0
    result = review_folder(out)
    rows = embedded_data(result.index.read_text(encoding="utf-8"))["reports"]
    assert sorted(r["href"] for r in rows) == [f"./{y}/%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.html" for y in ("2021", "2022")]
    assert all(r["source"]["status"] == "ok" for r in rows)  # found through the recorded input folder
    for year in ("2021", "2022"):
        page = out / year / "年度报告.html"
        assert embedded_data(page.read_text(encoding="utf-8"))["links"] == {"index": "./../index.html"}
    payload, _ = collect(out, out)  # the collection page links the same pages
    assert sorted(r["page"] for r in payload["reports"]) == [f"{y}/年度报告.html" for y in ("2021", "2022")]
