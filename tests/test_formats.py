"""Reports as published — PDF, Word, web pages — give the same items and metrics as the same report as .txt,
with every offset valid in the text layer kept beside the output (`texts/<file>.txt`)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from formatfixtures import PARAGRAPHS, REPORT, docx_bytes, report_pdf, web_page  # noqa: F401 (fixture)
from extractor.cli.app import app
from extractor.config import Config
from extractor.errors import InputError
from extractor.evaluation.suites import read_source
from extractor.pipeline import extract, layer_path
from extractor.review.sources import find_source
from extractor.runs.batch import run_batch
from extractor.text.ingest import read_document
from extractor.text.normalize import canon
from schemas.report import Report

RULES = Config(backend="rules")
ITEM_LISTS = ("leadership_duties", "measures", "problems", "rectifications", "plans")
runner = CliRunner()


def _items(report: Report) -> dict:
    """What must not depend on the format: every item's quote (whitespace aside), summary, category, section;
    every metric's value, unit, name and indicator; the metadata and the outline."""
    return {
        **{key: [(canon(i.evidence.quote), i.summary, getattr(i, "category", None), i.section)
                 for i in getattr(report, key)] for key in ITEM_LISTS},
        "metrics": [(canon(m.evidence.quote), m.value, m.unit, m.value_base, m.name, m.indicator)
                    for m in report.metrics],
        "metadata": report.metadata.model_dump(),
        "outline": [(s.heading, s.level, s.path, s.part) for s in report.sections],
    }


def _all_evidence(report: Report):
    for key in (*ITEM_LISTS, "metrics"):
        for item in getattr(report, key):
            yield item.evidence
    for section in report.sections:
        yield section.evidence


@pytest.fixture(scope="module")
def as_text(tmp_path_factory) -> Report:
    path = tmp_path_factory.mktemp("txt") / "qingsong.txt"
    path.write_text(REPORT, encoding="utf-8")
    report = extract(path, RULES)
    assert len(report.measures) >= 8 and len(report.metrics) >= 20  # the comparison below compares something
    return report


def _same_as_text(path: Path, as_text: Report) -> Report:
    report = extract(path, RULES)
    assert _items(report) == _items(as_text)
    layer = read_document(path).text
    for evidence in _all_evidence(report):
        assert layer[evidence.start:evidence.end] == evidence.quote
    assert report.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report.source.text_sha256 == hashlib.sha256(layer.encode("utf-8")).hexdigest()
    assert report.source.chars == len(layer)
    return report


# --- the same report in each format ------------------------------------------------------------------------------

def test_a_pdf_printed_by_a_browser_gives_the_items_and_metrics_of_its_text(report_pdf, as_text):
    report = _same_as_text(report_pdf, as_text)
    assert report.source.format == "pdf"
    kinds = {note.kind for note in report.quality}
    assert {"glyphs_mapped", "page_furniture_removed"} <= kinds  # chromium's ⼈/⺠ radicals; header, — N —


def test_pdf_evidence_names_the_page_its_quote_is_printed_on(report_pdf):
    import pypdf

    from extractor.text.glyphs import as_shown

    # Each page's printed text, read directly from the PDF (its running header and page number cut off).
    pages = [re.sub(r"青松县人民政府文件—\d+—$", "", canon(as_shown(p.extract_text())))
             for p in pypdf.PdfReader(report_pdf).pages]
    assert len(pages) >= 3
    report = extract(report_pdf, RULES)
    seen = set()
    for evidence in _all_evidence(report):
        head = canon(evidence.quote)[:8]
        page = pages[evidence.page - 1]
        # The quote starts on its page: all of its head is there, or the page ends inside its head.
        starts_here = head in page or any(page.endswith(head[:k]) for k in range(1, len(head)))
        assert starts_here, (evidence.page, evidence.quote[:20])
        seen.add(evidence.page)
    assert seen == set(range(1, len(pages) + 1))


def test_pdf_text_layer_reads_as_printed_line_for_line(report_pdf):
    # Lines hard-wrapped inside a paragraph joined, page numbers and the running header gone, the wrapped
    # title one line again, headings on their own lines, look-alike radicals read as what they show.
    assert read_document(report_pdf).text.split("\n") == PARAGRAPHS


def test_a_docx_gives_the_items_and_metrics_of_its_text(tmp_path, as_text):
    path = tmp_path / "qingsong.docx"
    path.write_bytes(docx_bytes())
    assert _same_as_text(path, as_text).source.format == "docx"


@pytest.mark.parametrize("charset, codec, declared", [
    ("utf-8", "utf-8", True), ("gb2312", "gbk", True), (None, "gbk", False),
])
def test_a_web_page_gives_the_items_and_metrics_of_its_text(tmp_path, as_text, charset, codec, declared):
    path = tmp_path / "qingsong.html"
    path.write_bytes(web_page(charset=charset).encode(codec))
    report = _same_as_text(path, as_text)
    assert report.source.format == "html"
    assert report.source.encoding == ("utf-8" if codec == "utf-8" else "gb18030")
    layer = read_document(path).text
    for furniture in ("当前位置", "主办单位", "打印本页", "_hmt", "浏览次数"):
        assert furniture not in layer


# --- kept, checked and used ---------------------------------------------------------------------------------------

def test_extract_writes_the_text_layer_beside_the_json_and_review_finds_it(report_pdf, tmp_path):
    out = tmp_path / "out" / "report.json"
    result = runner.invoke(app, ["extract", str(report_pdf), "--backend", "rules", "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = Report.model_validate_json(out.read_bytes())
    layer = layer_path(out, report_pdf.name)
    assert layer == out.parent / "texts" / f"{report_pdf.name}.txt"
    assert hashlib.sha256(layer.read_bytes()).hexdigest() == report.source.text_sha256
    check = find_source(report.source.file, report.source.sha256, out.parent, text_sha256=report.source.text_sha256)
    assert check.ok and check.path == layer and check.text == layer.read_text(encoding="utf-8")
    # Without the kept layer, the original is found and its layer read again, to the same sha256.
    layer.unlink()
    again = find_source(report.source.file, report.source.sha256, out.parent, hint=report_pdf.parent,
                        text_sha256=report.source.text_sha256)
    assert again.ok and again.path == report_pdf and again.text == check.text
    # The review page shows the layer, and a PDF quote's page beside its offsets.
    page = tmp_path / "review.html"
    result = runner.invoke(app, ["review", str(out), "-o", str(page), "--source", str(report_pdf)])
    assert result.exit_code == 0, result.output
    from reviewfixtures import embedded_data

    data = embedded_data(page.read_text(encoding="utf-8"))
    assert data["text"] == check.text and all(all(g) for g in data["grounded"].values())
    assert data["report"]["measures"][0]["evidence"]["page"] == 1


def test_eval_and_gold_read_a_document_through_its_text_layer(report_pdf):
    assert read_source(report_pdf) == read_document(report_pdf).text


def test_a_text_file_report_has_no_layer_fields_and_no_page(tmp_path, as_text):
    data = as_text.dump()
    assert data["source"]["format"] is None and data["source"]["text_sha256"] is None
    assert "page" not in data["measures"][0]["evidence"]
    assert Report.model_validate(data).source.text_sha256 is None  # old outputs and gold still load


# --- bad inputs in a batch: one failed line each, nothing half-written, the rest goes on -------------------------

def _pdf_with(pages: int = 1, password: str | None = None) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _not_a_document_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "这是一个压缩包，不是文档。")
    return buf.getvalue()


def test_bad_documents_are_one_failed_line_each_and_the_batch_goes_on(tmp_path, report_pdf):
    d, out = tmp_path / "in", tmp_path / "out"
    d.mkdir()
    (d / "good.pdf").write_bytes(report_pdf.read_bytes())
    (d / "good.docx").write_bytes(docx_bytes())
    (d / "good.html").write_bytes(web_page(charset="gb2312").encode("gbk"))
    (d / "locked.pdf").write_bytes(_pdf_with(2, password="secret"))
    (d / "scanned.pdf").write_bytes(_pdf_with(3))
    (d / "yearbook.pdf").write_bytes(_pdf_with(500))
    (d / "corrupt.docx").write_bytes(_not_a_document_zip())
    (d / "nav.html").write_text("<html><head><meta charset='utf-8'><title>青松县人民政府网</title></head><body>"
                                "<a href='/'>首页</a> <a href='/zwgk'>政务公开</a><p>页面不存在</p></body></html>",
                                encoding="utf-8")
    (d / "notes.wps").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    summary = run_batch(d, out, RULES)
    rows = {e.file: e for e in summary.entries}
    expected = {"locked.pdf": "needs a password", "scanned.pdf": "no text layer", "yearbook.pdf": "500 pages",
                "corrupt.docx": "not a readable Word .docx", "nav.html": "no article text",
                "notes.wps": "WPS Office"}
    for name, reason in expected.items():
        assert rows[name].status == "failed" and reason in rows[name].error and "\n" not in rows[name].error, name
        assert not (out / f"{name}.json").exists() and not (out / "texts" / f"{name}.txt").exists()
    for name in ("good.pdf", "good.docx", "good.html"):
        assert rows[name].status == "ok", (name, rows[name].error)
        report = Report.model_validate_json((out / f"{name}.json").read_bytes())
        layer = (out / "texts" / f"{name}.txt").read_text(encoding="utf-8")
        assert hashlib.sha256(layer.encode("utf-8")).hexdigest() == report.source.text_sha256
        assert all(layer[e.start:e.end] == e.quote for e in _all_evidence(report))
    lines = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(line["file"] for line in lines) == sorted(rows)
    # A rerun skips what is done and never reads the kept layers as inputs.
    again = run_batch(d, out, RULES)
    assert {e.file: e.status for e in again.entries if e.status != "failed"} == dict.fromkeys(
        ("good.docx", "good.html", "good.pdf"), "skipped")


def test_an_encrypted_pdf_that_opens_without_a_password_is_read(tmp_path, report_pdf):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(report_pdf))
    writer.encrypt(user_password="", owner_password="no-editing", algorithm="AES-128")
    path = tmp_path / "protected.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    assert read_document(path).text.split("\n") == PARAGRAPHS


def test_a_pdf_with_some_pages_scanned_names_them(tmp_path, report_pdf):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(report_pdf))
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "mixed.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    doc = read_document(path)
    notes = dict(doc.notes)
    assert "page(s) 4 of 4" in notes["page_without_text"]


def test_an_empty_folder_or_one_without_matches_says_so(tmp_path):
    (tmp_path / "in").mkdir()
    with pytest.raises(InputError, match="no input"):
        run_batch(tmp_path / "in", tmp_path / "out", RULES)
    assert not (tmp_path / "out").exists()


def test_a_missing_reader_library_is_a_one_line_error_naming_the_extra(monkeypatch, report_pdf):
    monkeypatch.setitem(__import__("sys").modules, "pypdf", None)  # what `import pypdf` meets when not installed
    with pytest.raises(InputError) as err:
        read_document(report_pdf)
    assert "pypdf" in err.value.message and "[formats]" in err.value.hint


def test_a_gold_made_on_a_pdf_is_checked_against_its_layer_added_and_scored(report_pdf, tmp_path):
    from extractor.labeling.rules import lead_clause

    out = tmp_path / "out" / "qingsong.json"
    assert runner.invoke(app, ["extract", str(report_pdf), "--backend", "rules", "-q", "-o", str(out)]).exit_code == 0
    gold = json.loads(out.read_text(encoding="utf-8"))
    gold.update(_labeling="made-up report for the format tests; rules output taken as is", run=None, quality=[])
    for key in ("measures", "problems", "rectifications", "plans", "leadership_duties"):
        for item in gold[key]:  # the key terms eval scores summaries by: here the opening words after the marker
            item["summary_terms"] = [lead_clause(item["evidence"]["quote"])[:4]]
    out.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    checked = runner.invoke(app, ["gold", "check", str(out), "--source", str(report_pdf)])
    assert checked.exit_code == 0, checked.output  # every quote at its offsets in the PDF's text layer
    suite = tmp_path / "suites" / "published.toml"
    added = runner.invoke(app, ["gold", "add", str(out), "--suite", str(suite), "--source", str(report_pdf)])
    assert added.exit_code == 0, added.output
    text = (tmp_path / "suites" / "published" / "texts" / "qingsong.txt").read_text(encoding="utf-8")
    assert text == read_document(report_pdf).text  # the suite keeps the layer the offsets point into
    scored = runner.invoke(app, ["eval", "--suite", str(suite), "--backend", "rules", "--json", str(tmp_path / "log.json")])
    assert scored.exit_code == 0, scored.output
    log = json.loads((tmp_path / "log.json").read_text(encoding="utf-8"))
    assert log["reports"]["qingsong"]["measures"]["f1"] == 1.0 and log["reports"]["qingsong"]["metrics"]["f1"] == 1.0


def _tool(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)


def test_a_doc_is_read_through_antiword_and_its_failure_is_one_line(tmp_path, monkeypatch, as_text):
    # Nothing here writes Word 97 files, so stand-ins for antiword take its place on PATH: one prints the
    # report as antiword prints a .doc (UTF-8, a paragraph per line), one fails as antiword does on a non-Word
    # file. What is tested is the plumbing around it: the file handed over, the text taken, the error worded.
    text_file = tmp_path / "printed.txt"
    text_file.write_text(REPORT, encoding="utf-8")
    doc = tmp_path / "qingsong.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    bin_dir = tmp_path / "bin"
    _tool(bin_dir, "antiword", f'case "$*" in *"-m UTF-8.txt -w 0 "*) test -f "$5" && cat "{text_file}";; *) exit 2;; esac\n')
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    report = _same_as_text(doc, as_text)
    assert report.source.format == "doc" and report.source.encoding == "doc (antiword)"

    _tool(bin_dir, "antiword", 'echo "$5 is not a Word Document." >&2; exit 1\n')
    with pytest.raises(InputError) as err:
        read_document(doc)
    assert err.value.message == "not a readable Word .doc file (antiword: the file is not a Word Document.)"
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(InputError) as err:
        read_document(doc)
    assert "needs antiword or catdoc" in err.value.message and "apt-get install antiword" in err.value.hint
