"""Hostile names and hostile report JSONs against `fazhi review`: every link is a link to its own file,
nothing but the page's own code runs (Content-Security-Policy), and a report cannot make review read a
file outside the folders the user gave. The browser part runs in Chromium via playwright.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from extractor.config import Config
from extractor.review.batch_index import review_folder
from extractor.review.page import href, render
from extractor.review.sources import find_source
from extractor.runs.batch import run_batch
from reviewfixtures import embedded_data

ROOT = Path(__file__).resolve().parents[1]
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]
HOSTILE_NAMES = ("javascript:alert(1).txt", "a#b.txt", "c?d=1.txt", "e%41f.txt", "空 格.txt")


def test_a_link_to_a_hostile_name_is_that_file_not_a_scheme_fragment_or_query():
    assert href("javascript:alert(1).html") == "./javascript%3Aalert%281%29.html"
    assert href("a#b.html") == "./a%23b.html"
    assert href("c?d=1.html") == "./c%3Fd%3D1.html"
    assert href("e%41f.html") == "./e%2541f.html"
    assert href("2022/年报.html") == "./2022/%E5%B9%B4%E6%8A%A5.html"


def test_the_page_policy_allows_its_own_inline_code_by_hash_and_nothing_else():
    html = render("t", {"x": 1}, ("spans.js",))
    policy = html.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    assert "'unsafe-inline'" not in policy and "default-src 'none'" in policy
    script = html.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = __import__("base64").b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


@pytest.fixture
def hostile_batch(tmp_path) -> Path:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in HOSTILE_NAMES:
        shutil.copy(SEED, src / name)
    assert run_batch(src, out, Config(backend="rules")).exit_code == 0
    review_folder(out)
    return out


def test_the_index_links_every_hostile_name_to_its_own_page(hostile_batch):
    rows = embedded_data((hostile_batch / "index.html").read_text(encoding="utf-8"))["reports"]
    assert len(rows) == len(HOSTILE_NAMES)
    for row in rows:
        assert row["href"].startswith("./") and ":" not in row["href"] and "#" not in row["href"]
        assert (hostile_batch / row["page"]).is_file()


# -- the source boundary -------------------------------------------------------------------------------------


def _report_naming(tmp_path: Path, name: str) -> tuple[str, str]:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容 not for the page", encoding="utf-8")
    return name.replace("SECRET", str(secret)), hashlib.sha256(secret.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ["SECRET", "../secret.txt", "sub/../../secret.txt", "..", "C:secret.txt"])
def test_a_source_named_by_a_path_is_never_read(tmp_path, name):
    near = tmp_path / "out"
    near.mkdir()
    name, sha = _report_naming(tmp_path, name)
    check = find_source(name, sha, near, cwd=near)
    assert check.text is None and check.status == "missing" and "bare file name" in check.message


def test_a_recorded_relative_path_that_climbs_out_is_not_followed(tmp_path):
    (tmp_path / "in").mkdir()
    near = tmp_path / "out"
    near.mkdir()
    _, sha = _report_naming(tmp_path, "SECRET")
    check = find_source("secret.txt", sha, near, rel="../secret.txt", cwd=near, in_dir=tmp_path / "in")
    assert check.text is None and check.status == "missing"


def test_review_of_a_batch_run_elsewhere_finds_sources_in_the_recorded_input_folder(tmp_path, monkeypatch):
    src, out = tmp_path / "reports", tmp_path / "results"
    src.mkdir()
    shutil.copy(SEED, src / "年报.txt")
    assert run_batch(src, out, Config(backend="rules")).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # not the folder the batch ran from: no guess can find it
    result = review_folder(out)
    assert [page.check.status for page in result.pages] == ["ok"]
    assert str(src.resolve()) in result.pages[0].check.message
    line = json.loads((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert line["input_dir"] == str(src.resolve()) and line["file"] == "年报.txt"


# -- in a real browser ------------------------------------------------------------------------------------------


def test_in_chromium_every_hostile_link_opens_its_page_and_no_script_runs(browser, hostile_batch):
    context = browser.new_context()
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        index = (hostile_batch / "index.html").as_uri()
        for n in range(len(HOSTILE_NAMES)):
            page.goto(index)
            link = page.locator("#reports a").nth(n)
            expected = embedded_data((hostile_batch / "index.html").read_text(encoding="utf-8"))["reports"][n]
            link.click()
            page.wait_for_load_state()
            assert page.evaluate("() => JSON.parse(document.getElementById('fazhi-data').textContent).file") == \
                expected["json"]
        # Should a javascript: link ever reach a page, the policy stops it: nothing but the page's own code runs.
        page.goto(index)
        page.evaluate("""() => { const a = document.createElement('a'); a.id = 'x';
            a.href = 'javascript:window.pwned=1;alert(1)'; a.textContent = 'x'; document.body.appendChild(a);
            const s = document.createElement('script'); s.textContent = 'window.pwned = 2'; document.body.appendChild(s); }""")
        page.click("#x")
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.pwned") is None
    finally:
        context.close()
    assert dialogs == [] and errors == []


def test_review_of_one_report_json_uses_the_manifest_beside_it(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from extractor.cli.app import app

    src, out = tmp_path / "reports", tmp_path / "results"
    src.mkdir()
    shutil.copy(SEED, src / "年报.txt")
    assert run_batch(src, out, Config(backend="rules")).exit_code == 0
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # no guess (the current folder, its sub-folders) finds the source
    result = CliRunner().invoke(app, ["review", str(out / "年报.json")])
    assert result.exit_code == 0, result.output
    assert embedded_data((out / "年报.html").read_text(encoding="utf-8"))["source"]["status"] == "ok"
