"""A report with no outline found is `no_structure`, not `ok` (issue 27, item 5): in extract's exit code, the
batch table and manifest, the store and the review index; a rerun keeps it unless asked to redo it."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batchfixtures import Fake, clean_env, fake, manifest_lines, statuses  # noqa: F401  (fixtures)
from extractor.cli.app import app
from extractor.config import Config
from extractor.errors import ConfigError
from extractor.pipeline import structure_missing
from extractor.review.batch_index import report_state, review_folder
from extractor.review.explore import collect
from extractor.runs.batch import run_batch
from schemas.report import Compliance, Evidence, Measure, Metadata, PartCoverage, Report, Section, Source

RULES = Config(backend="rules")
# Written for these tests (not from a seed): a short county report with its outline on lines of their own.
LINED = """某县人民政府关于2023年度法治政府建设情况的报告

一、主要举措和成效
（一）健全依法决策机制。全年审查县政府规范性文件12件，合法性审查率达到100%。
（二）推进严格规范公正文明执法。开展行政执法案卷评查2次，评查案卷86卷。
二、存在的不足
一是基层执法人员力量不足；二是部分单位法治宣传形式单一。
三、下一步工作安排
（一）加强执法队伍建设，组织执法人员培训不少于3次。
（二）深化普法宣传，推动法治文化阵地建设。
"""


# The same report as a scraper may deliver it with its numbering stripped too (an HTML list's markers are
# CSS, not text) and its line breaks removed: no heading can be found by line or by numbering.
FLAT = re.sub(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|[一二三四五六七八九十]是", "", LINED).replace(
    "\n", ""
)


def _report(sections=(), measures=(), chars=600) -> Report:
    covered = PartCoverage(present=False)
    return Report(
        source=Source(file="x.txt", sha256="0" * 64, encoding="utf-8", chars=chars),
        metadata=Metadata(),
        sections=list(sections),
        measures=list(measures),
        compliance=Compliance(measures=covered, shortcomings=covered, leadership=covered, plans=covered, other=covered),
    )


def _section(start: int, end: int, body_end: int) -> Section:
    return Section(
        heading="一、主要举措",
        level=1,
        path="一",
        evidence=Evidence(quote="一、主要举措", start=start, end=end),
        body=Evidence(quote="一、主要举措", start=start, end=body_end),
    )


def test_no_top_level_section_is_no_structure():
    assert "no top-level section" in structure_missing(_report())


def test_sections_with_body_text_but_not_one_item_is_no_structure():
    why = structure_missing(_report([_section(0, 6, 400)]))
    assert why and "not one item" in why


def test_sections_with_items_or_almost_no_body_are_structured():
    item = Measure(category="other", summary="健全制度", evidence=Evidence(quote="健全制度", start=10, end=14))
    assert structure_missing(_report([_section(0, 6, 400)], [item])) is None
    assert structure_missing(_report([_section(0, 6, 40)])) is None  # a heading and a line: nothing was missed


def test_extract_exits_1_and_says_so_when_neither_lines_nor_numbering_are_left(tmp_path, clean_env):
    lined, flat = tmp_path / "lined.txt", tmp_path / "flat.txt"
    lined.write_text(LINED, encoding="utf-8")
    flat.write_text(FLAT, encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(app, ["extract", str(lined), "--backend", "rules", "-o", str(tmp_path / "lined.json")])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["extract", str(flat), "--backend", "rules", "-o", str(tmp_path / "flat.json")])
    assert bad.exit_code == 1 and "no_structure" in bad.output
    report = Report.model_validate_json((tmp_path / "flat.json").read_bytes())
    assert report.metrics  # still written, with what was found


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "lined.txt").write_text(LINED, encoding="utf-8")
    (src / "flat.txt").write_text(FLAT, encoding="utf-8")
    return src


def test_batch_lists_a_flattened_report_as_no_structure_with_its_metrics_written(tmp_path, clean_env):
    out = tmp_path / "out"
    summary = run_batch(_folder(tmp_path), out, RULES)
    assert statuses(summary) == {"lined.txt": "ok", "flat.txt": "no_structure"}
    assert summary.exit_code == 1 and summary.counts["no_structure"] == 1
    line = next(line for line in manifest_lines(out) if line["file"] == "flat.txt")
    assert line["status"] == "no_structure" and "no top-level section" in line["error"]
    assert line["output"] == "flat.json" and Report.model_validate_json((out / "flat.json").read_bytes()).metrics
    assert "flat.txt" in (out / "metrics.csv").read_text(encoding="utf-8-sig")
    with sqlite3.connect(out / "reports.sqlite") as db:
        rows = dict(db.execute("SELECT file, no_structure FROM reports").fetchall())
    assert rows == {"lined.txt": 0, "flat.txt": 1}


def test_the_review_index_shows_the_state(tmp_path, clean_env):
    out = tmp_path / "out"
    run_batch(_folder(tmp_path), out, RULES)
    review_folder(out)
    html = (out / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script[^>]*id="fazhi-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert {r["input"]: r["status"] for r in data["reports"]} == {"lined.txt": "ok", "flat.txt": "no_structure"}
    flat = Report.model_validate_json((out / "flat.json").read_bytes())
    assert report_state(flat, "skipped") == report_state(flat, "ok") == "no_structure"
    payload, _ = collect(out, out)  # the collection page (fazhi explore)
    assert {r["file"]: r["status"] for r in payload["reports"]} == {"lined.txt": "ok", "flat.txt": "no_structure"}


def test_a_rerun_keeps_no_structure_without_redoing_it_unless_asked(tmp_path, fake):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("法治政府建设报告，受理12件。", encoding="utf-8")
    (src / "b.txt").write_text("法治政府建设报告NOSTRUCTURE，受理7件。", encoding="utf-8")
    out = tmp_path / "out"
    assert statuses(run_batch(src, out, RULES)) == {"a.txt": "ok", "b.txt": "no_structure"}
    fake.calls.clear()

    again = run_batch(src, out, RULES)
    assert fake.calls == []  # neither redone
    assert statuses(again) == {"a.txt": "skipped", "b.txt": "no_structure"} and again.exit_code == 1
    kept = [e for e in again.entries if e.file == "b.txt"][0]
    assert "kept from an earlier run" in kept.error and "--redo no_structure" in kept.error

    redone = run_batch(src, out, RULES, redo=("no_structure",))
    assert fake.calls == ["b.txt"] and statuses(redone)["b.txt"] == "no_structure"
    with pytest.raises(ConfigError, match="cannot redo ok"):
        run_batch(src, out, RULES, redo=("ok",))


def test_an_output_an_older_tool_called_ok_is_no_structure_on_the_rerun(tmp_path, fake):
    src = tmp_path / "in"
    src.mkdir()
    (src / "b.txt").write_text("法治政府建设报告NOSTRUCTURE，受理7件。", encoding="utf-8")
    out = tmp_path / "out"
    run_batch(src, out, RULES)
    manifest = out / "manifest.jsonl"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"no_structure"', '"ok"'), encoding="utf-8")
    assert statuses(run_batch(src, out, RULES)) == {"b.txt": "no_structure"}


def test_batch_cli_redo_option(tmp_path, fake):
    src = tmp_path / "in"
    src.mkdir()
    (src / "b.txt").write_text("法治政府建设报告NOSTRUCTURE，受理7件。", encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(app, ["batch", str(src), "-o", str(out), "--backend", "rules"])
    assert first.exit_code == 1 and "no_structure" in first.output
    fake.calls.clear()
    redo = runner.invoke(app, ["batch", str(src), "-o", str(out), "--backend", "rules", "--redo", "no_structure"])
    assert redo.exit_code == 1 and fake.calls == ["b.txt"]
    wrong = runner.invoke(app, ["batch", str(src), "-o", str(out), "--backend", "rules", "--redo", "failed"])
    assert wrong.exit_code == 2 and "cannot redo failed" in wrong.output


def test_a_local_batch_without_a_choice_record_says_why_it_asks_the_model_nothing(tmp_path, monkeypatch):
    """`--model-fields auto` with no record asks the embedded model nothing: the batch says so once, not only
    in each report's quality (never silent about `model calls 0`)."""
    monkeypatch.setenv("FAZHI_CHOICES_DIR", str(tmp_path / "no-records"))
    config = Config(backend="local")
    assert config.model_kinds == frozenset() and config.model_fields_note
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "lined.txt").write_text(LINED, encoding="utf-8")
    summary = run_batch(src, out, config)
    assert any("no choice record" in note for note in summary.notes)
    assert summary.total("calls") == 0
