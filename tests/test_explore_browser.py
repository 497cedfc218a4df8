"""The collection page in a real browser (Debian's chromium driven by playwright): charts render with data, a
hover shows the quote, a click opens the right review page at the span, filters change every view, markup stays
text. Skipped outside CI when chromium or playwright is absent; with CI=true they run."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from explorefixtures import HOSTILE_NAME, synthetic_batch
from extractor.review.batch_index import review_folder
from extractor.review.explore import EXPLORE, explore_folder
from reviewfixtures import embedded_data, seed_batch
from schemas.report import Report

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "docs" / "explore.png"
READY = "() => window.fazhiExplore && window.fazhiExplore.settled"  # every view drawn


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, dict]:
    """15 reports cloned from the seeds' rules outputs (5 issuers × 3 years) plus the bad input (a failed input,
    a degraded report, one without indicators, an older output, a name with markup), their review pages and
    explore.html; returns (out, the page's data)."""
    seeds = seed_batch(tmp_path_factory.mktemp("seeds"))
    templates = []
    for path in sorted(seeds.glob("*.json")):
        report = Report.model_validate_json(path.read_bytes())
        templates.append((report, (seeds.parent / "in" / report.source.file).read_text(encoding="utf-8")))
    out = synthetic_batch(tmp_path_factory.mktemp("explore"), templates, 15, hostile=True, failed=True,
                          degraded=True, no_indicators=True, old_version=True)
    review_folder(out, source=out.parent / "in")
    explore_folder(out)
    return out, embedded_data((out / EXPLORE).read_text(encoding="utf-8"))


class Page:
    def __init__(self, browser, path: Path):
        self.context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        self.page.wait_for_function(READY)

    def __enter__(self):
        return self.page

    def __exit__(self, *exc):
        self.context.close()


def _shown_reports(data, keep=lambda r: True) -> list[int]:
    return [i for i, r in enumerate(data["reports"]) if r["output"] and keep(r)]


def _bars(page, key: str) -> int:
    page.locator(f"#ind-{key}").scroll_into_view_if_needed()
    page.wait_for_function(f"() => document.querySelector('#chart-{key}').dataset.rendered != null")
    return page.locator(f"#chart-{key} .mark-rect path").count()


def _expected_bars(data, keep=lambda r: True) -> dict[str, int]:
    shown = set(_shown_reports(data, keep))
    counts: dict[str, int] = {}
    for v in data["values"]:
        if v[0] in shown:
            key = data["indicators"][v[1]]
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_every_indicator_chart_renders_one_bar_per_report_that_states_it(browser, batch):
    out, data = batch
    expected = _expected_bars(data)
    assert len(expected) >= 3
    p = Page(browser, out / EXPLORE)
    with p as page:
        cards = page.locator("#indicator-cards .card").evaluate_all("cs => cs.map(c => c.dataset.key)")
        assert cards == [k for k in data["indicators"] if k in expected]
        for key, n in expected.items():
            assert _bars(page, key) == n, key
        assert page.locator("#matrix tbody tr").count() == 16  # 15 reports + the failed input
        assert page.get_attribute("#index-link", "href") == "index.html"  # the review pages' index
        assert page.locator("#chart-region-lines .mark-symbol path, #chart-region-lines .mark-line path").count() > 0
        assert page.locator("#chart-region-bars .mark-rect path").count() > 0
        versus = page.locator("#chart-region-versus").inner_text()
        assert "plans made the year before" in versus and "measures reported for the year" in versus
    assert p.errors == []


def _hover_first_bar(page, key: str) -> str:
    _bars(page, key)
    page.locator(f"#chart-{key} .mark-rect path").first.hover()
    page.wait_for_selector("#vg-tooltip-element.visible")
    return page.locator("#vg-tooltip-element").inner_text()


def test_hovering_a_bar_shows_its_report_and_quote(browser, batch):
    out, data = batch
    key = "admin_reconsideration_accepted" if "admin_reconsideration_accepted" in _expected_bars(data) else next(iter(_expected_bars(data)))
    p = Page(browser, out / EXPLORE)
    with p as page:
        tip = _hover_first_bar(page, key)
        row = _row_for_tooltip(data, key, tip)
        quote = row[5] or row[4]  # the metric's sentence; the number's own quote when no item holds it
        assert " ".join(quote.split()) in " ".join(tip.split())
    assert p.errors == []


def _row_for_tooltip(data, key: str, tip: str):
    """The value row whose report the tooltip names (each report has one distinct label on the page)."""
    k = data["indicators"].index(key)
    rows = [v for v in data["values"] if v[1] == k]
    named = [v for v in rows if _label(data, v[0]) in tip.splitlines()[0] + tip]
    named.sort(key=lambda v: -len(_label(data, v[0])))  # 'x 2022 (2)' before 'x 2022'
    assert named, tip
    return named[0]


def _label(data, i: int) -> str:
    r = data["reports"][i]
    return (r["region"] or r["title"] or r["file"]) + (f" {r['year']}" if r["year"] is not None else "")


def test_clicking_a_bar_opens_that_reports_review_page_at_the_span(browser, batch):
    out, data = batch
    key = next(iter(_expected_bars(data)))
    p = Page(browser, out / EXPLORE)
    with p as page:
        row = _row_for_tooltip(data, key, _hover_first_bar(page, key))
        report = data["reports"][row[0]]
        page.locator(f"#chart-{key} .mark-rect path").first.click()
        page.wait_for_url(re.compile(r".*\.html#span=\d+-\d+$"))
        assert page.url.endswith(f"/{report['page']}#span={row[6]}-{row[7]}")
        page.wait_for_selector("#source .seg.sel")
        selected = page.evaluate("() => { const S = window.fazhiReview.state; const it = S.byKey[S.selected];"
                                 " return [it.list, it.data.evidence.start, it.data.evidence.end]; }")
        assert selected == ["metrics", row[6], row[7]]
        sel_text = "".join(page.locator("#source .seg.sel").all_inner_texts())
        assert row[4].replace(" ", "") in sel_text.replace(" ", "").replace("\n", "")
    assert p.errors == []


def test_filters_change_every_view(browser, batch):
    out, data = batch
    p = Page(browser, out / EXPLORE)
    with p as page:
        before_groups = page.locator("#region-pick option").count()
        page.select_option("#f-level", "county")
        page.wait_for_function(READY)
        county = lambda r: r["level"] == "county"
        for key, n in _expected_bars(data, county).items():
            assert _bars(page, key) == n, key
        assert page.locator("#indicator-cards .card").count() == len(_expected_bars(data, county))
        levels = page.locator("#matrix tbody tr td:nth-child(3)").all_inner_texts()
        assert levels and set(levels) == {"county"}
        groups = page.locator("#region-pick option").all_inner_texts()
        assert 0 < len(groups) < before_groups and all("· county" in g for g in groups)

        page.select_option("#f-year", "2022")
        page.wait_for_function(READY)
        both = lambda r: r["level"] == "county" and r["year"] == 2022
        for key, n in _expected_bars(data, both).items():
            assert _bars(page, key) == n, key
        assert page.locator("#matrix tbody tr").count() == len(_shown_reports(data, both))
        assert "No issuer has reports for more than one year" in page.locator("#region-charts").inner_text()

        page.select_option("#f-level", "")
        page.select_option("#f-year", "")
        page.fill("#f-region", "白水")
        page.wait_for_function("() => document.querySelector('#shown').textContent.startsWith('3 of')")
        page.wait_for_function(READY)
        assert page.locator("#matrix tbody tr").count() == 3
        assert page.locator("#region-pick option").all_inner_texts() == ["白水市 · city (2021, 2022, 2023)"]
    assert p.errors == []


def test_each_view_downloads_as_csv(browser, batch):
    out, data = batch
    p = Page(browser, out / EXPLORE)
    with p as page:
        page.select_option("#f-level", "county")
        page.wait_for_function(READY)
        with page.expect_download() as info:
            page.click("#csv-matrix")
        text = Path(info.value.path()).read_bytes().decode("utf-8")  # not read_text: it folds \r\n
        lines = text.lstrip("\ufeff").strip("\r\n").split("\r\n")
        assert text.startswith("\ufeff") and lines[0].startswith("file,title,region,admin_level,report_year,status")
        assert len(lines) == 1 + len(_shown_reports(data, lambda r: r["level"] == "county"))
        with page.expect_download() as info:
            page.click("#csv-indicators")
        rows = Path(info.value.path()).read_bytes().decode("utf-8").strip("\r\n").split("\r\n")
        assert len(rows) == 1 + sum(_expected_bars(data, lambda r: r["level"] == "county").values())
    assert p.errors == []


def test_bad_input_is_shown_and_markup_stays_text(browser, batch):
    out, data = batch
    p = Page(browser, out / EXPLORE)
    with p as page:
        assert page.evaluate("() => window.pwned") is None
        assert page.locator("img").count() == 0
        assert HOSTILE_NAME in page.locator("#matrix").inner_text()
        failed = page.locator('#matrix tr[data-file="broken.txt"]')
        assert "failed" in failed.inner_text().lower() and "InputError: not a report" in failed.inner_text()
        assert "model_failed" in page.locator('#matrix tr[data-file="r0001.txt"]').inner_text()
        assert "old.json left out" in page.locator("#notes").inner_text()
        # The hostile report's bars carry its name in the tooltip, as text.
        tip = _hover_first_bar(page, next(iter(_expected_bars(data, lambda r: r["region"] == HOSTILE_NAME))))
        assert page.evaluate("() => window.pwned") is None and "<img" not in page.content().split("fazhi-data")[0]
        assert tip
    assert p.errors == []


def test_screenshot(browser, batch):
    out, _ = batch
    p = Page(browser, out / EXPLORE)
    with p as page:
        page.select_option("#region-pick", index=1)
        page.wait_for_timeout(300)
        shot = page.screenshot(full_page=False)
        page.evaluate("() => { document.querySelector('#view-region').scrollIntoView(); window.scrollBy(0, -60); }")
        page.wait_for_timeout(300)
        lower = page.screenshot(full_page=False)
    assert p.errors == [] and len(shot) > 50_000 and len(lower) > 50_000
    # The README's pictures, rewritten on request (or when missing) only, so a test run leaves the checkout alone.
    for path, data in ((SCREENSHOT, shot), (SCREENSHOT.with_name("explore-issuer.png"), lower)):
        if os.environ.get("FAZHI_SCREENSHOT") == "1" or not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)


def test_charts_sort_by_value_region_or_year(browser, batch):
    out, data = batch
    key = max(_expected_bars(data).items(), key=lambda kv: kv[1])[0]
    k = data["indicators"].index(key)
    rows = [(v[2], data["reports"][v[0]]) for v in data["values"] if v[1] == k]
    domain = f"() => window.fazhiExplore.views['ind-{key}'].scale('x').domain()"
    p = Page(browser, out / EXPLORE)
    with p as page:
        _bars(page, key)
        first = page.evaluate(domain)
        assert first[0] == _label(data, data["reports"].index(max(rows, key=lambda x: x[0])[1]))
        values = {_label(data, data["reports"].index(r)): v for v, r in rows}
        assert [values[x] for x in first] == sorted(values.values(), reverse=True)
        page.select_option("#f-sort", "value-asc")
        page.wait_for_function(READY)
        _bars(page, key)
        assert [values[x] for x in page.evaluate(domain)] == sorted(values.values())
        page.select_option("#f-sort", "year")
        page.wait_for_function(READY)
        _bars(page, key)
        years = {_label(data, data["reports"].index(r)): r["year"] for _, r in rows}
        assert [years[x] for x in page.evaluate(domain)] == sorted(years.values())
    assert p.errors == []


def test_a_point_of_the_issuer_view_opens_its_report_at_the_span(browser, batch):
    out, data = batch
    p = Page(browser, out / EXPLORE)
    with p as page:
        point = page.locator("#chart-region-lines .mark-symbol path").first
        point.scroll_into_view_if_needed()
        point.hover()
        page.wait_for_selector("#vg-tooltip-element.visible")
        tip = page.locator("#vg-tooltip-element").inner_text()
        point.click()
        page.wait_for_url(re.compile(r".*\.html#span=\d+-\d+$"))
        page_name, span = page.url.rsplit("/", 1)[1].split("#span=")
        start, end = map(int, span.split("-"))
        hits = [v for v in data["values"] if data["reports"][v[0]]["page"] == page_name and (v[6], v[7]) == (start, end)]
        assert len(hits) == 1 and _label(data, hits[0][0]) in tip and data["indicators"][hits[0][1]] in tip
        page.wait_for_selector("#source .seg.sel")
    assert p.errors == []


def test_a_batch_with_only_failed_inputs_loads_and_says_so(browser, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.jsonl").write_text(json.dumps({"file": "a.txt", "status": "failed", "error": "InputError: empty"})
                                        + "\n", encoding="utf-8")
    explore_folder(out)
    p = Page(browser, out / EXPLORE)
    with p as page:
        assert "No report in this view states an indicator" in page.locator("#view-indicators").inner_text()
        assert "No issuer has reports for more than one year" in page.locator("#view-region").inner_text()
        assert "InputError: empty" in page.locator("#matrix").inner_text()
    assert p.errors == []
