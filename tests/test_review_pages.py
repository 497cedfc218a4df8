"""`fazhi review` without a browser: what the pages embed, how sources are found and verified, sizes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.review.page import script_json
from extractor.review.sources import find_source
from reviewfixtures import HOSTILE, embedded_data, hostile_report, seed_batch

runner = CliRunner()


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory) -> Path:
    return seed_batch(tmp_path_factory.mktemp("seedbatch"))


def test_script_json_cannot_end_its_script_element_or_open_a_comment():
    text = script_json({"q": HOSTILE, "t": "a\u2028b</TEXTAREA>&"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"q": HOSTILE, "t": "a\u2028b</TEXTAREA>&"}


def test_a_batch_folder_gives_an_index_and_one_page_per_report(batch_out, tmp_path):
    dest = tmp_path / "pages"
    result = runner.invoke(app, ["review", str(batch_out), "-o", str(dest), "--source", str(batch_out.parent / "in")])
    assert result.exit_code == 0, result.output
    pages = sorted(dest.glob("*.html"))
    assert [p.name for p in pages if p.name != "index.html"] == [p.stem + ".html" for p in sorted(batch_out.glob("*.json"))]
    assert len(pages) == 6
    for page in pages:
        assert page.stat().st_size < 1_000_000, page
        assert "http://" not in page.read_text(encoding="utf-8").replace("http://www.w3.org", "")  # nothing fetched
    index = embedded_data((dest / "index.html").read_text(encoding="utf-8"))
    assert [r["status"] for r in index["reports"]] == ["ok"] * 5
    assert all(r["source"]["status"] == "ok" and r["counts"]["measures"] > 0 for r in index["reports"])


def test_a_report_page_embeds_the_text_every_item_and_its_grounding(batch_out, tmp_path):
    report_json = sorted(batch_out.glob("*.json"))[0]
    target = tmp_path / "one.html"
    result = runner.invoke(app, ["review", str(report_json), "-o", str(target), "--source", str(batch_out.parent / "in")])
    assert result.exit_code == 0, result.output
    data = embedded_data(target.read_text(encoding="utf-8"))
    report = json.loads(report_json.read_text(encoding="utf-8"))
    assert data["report"] == report and data["source"]["status"] == "ok"
    assert len(data["text"]) == report["source"]["chars"]
    assert all(all(flags) for flags in data["grounded"].values())
    assert "law_enforcement" in data["enums"]["categories"] and "gov_service_items" in data["enums"]["indicators"]
    assert data["quantities"]  # what an added metric starts from


def test_sources_are_found_from_the_project_root_by_name_and_sha(batch_out, monkeypatch):
    # `fazhi batch seeds/ -o out/ && fazhi review out/` from the project root: the text is in seeds/
    monkeypatch.chdir(batch_out.parent)
    report = json.loads(sorted(batch_out.glob("*.json"))[0].read_text(encoding="utf-8"))
    check = find_source(report["source"]["file"], report["source"]["sha256"], batch_out)
    assert check.ok and check.path == (batch_out.parent / "in" / report["source"]["file"]).resolve()


def test_a_changed_or_missing_source_is_said_plainly_and_exits_1(batch_out, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not the project root, whose seeds/ holds the real text
    report_json = sorted(batch_out.glob("*.json"))[0]
    name = json.loads(report_json.read_text(encoding="utf-8"))["source"]["file"]
    work = tmp_path / "w"
    work.mkdir()
    shutil.copy(report_json, work / "r.json")
    missing = runner.invoke(app, ["review", str(work / "r.json"), "--source", str(work)])
    assert missing.exit_code == 1 and "not found" in missing.output
    assert embedded_data((work / "r.html").read_text(encoding="utf-8"))["source"]["status"] == "missing"

    (work / name).write_text((batch_out.parent / "in" / name).read_text(encoding="utf-8") + "多一行", encoding="utf-8")
    changed = runner.invoke(app, ["review", str(work / "r.json"), "--source", str(work)])
    assert changed.exit_code == 1 and "differs" in changed.output
    data = embedded_data((work / "r.html").read_text(encoding="utf-8"))
    assert data["source"]["status"] == "mismatch" and data["text"] is not None


def test_hostile_text_is_only_ever_data(tmp_path):
    path = hostile_report(tmp_path)
    result = runner.invoke(app, ["review", str(path)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "hostile.html").read_text(encoding="utf-8")
    assert "window.pwned" in html  # present, as \\u003c-escaped JSON …
    assert html.count("<script") == 2 and html.count("</script>") == 2  # … never as an element
    assert "<!--" not in html and "</textarea>" not in html.lower()
    assert HOSTILE in embedded_data(html)["text"]


def test_review_of_something_that_is_not_a_report_is_one_red_line(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    result = runner.invoke(app, ["review", str(bad)])
    assert result.exit_code == 2 and "not a report JSON" in result.output and "Traceback" not in result.output
