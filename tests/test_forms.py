"""Delivered forms (extractor/evaluation/forms.py): the offset maps round-trip, every in-sample gold maps into
every form exactly, and `eval --forms` scores each form beside the original on the rules backend."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.config import Config
from extractor.errors import ConfigError
from extractor.evaluation import forms, goldcheck, scoring
from extractor.evaluation import suites as evaluate

ROOT = Path(__file__).resolve().parents[1]
RULES = Config(backend="rules")
NL = re.compile(r"\r\n|\r|\n")

# What each form does to a piece of text that is not cut by a CRLF (wrap38 depends on the column: below).
APPLIED = {"nonl": lambda s: NL.sub("", s), "spaces": lambda s: NL.sub(" ", s), "furniture": lambda s: s}

texts = st.text(alphabet="法治政府一二、。\n\r 1.5（）", max_size=200)


def _spans(draw, text: str) -> tuple[int, int]:
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, len(text)))
    return a, b


def _cuts_crlf(text: str, p: int) -> bool:
    return 0 < p < len(text) and text[p - 1] == "\r" and text[p] == "\n"


@settings(max_examples=300, deadline=None)
@given(st.data(), texts, st.sampled_from(sorted(forms.FORMS)))
def test_every_span_maps_to_its_image(data, text, name):
    form = forms.make_form(name, text, {"title": "某市法治政府建设年度报告"}, "doc")
    a, b = _spans(data.draw, text)
    ns, ne = form.span(a, b)
    assert 0 <= ns <= ne <= len(form.text)
    assert form.text[ns:ne] == form.image(a, b)
    if name in APPLIED and not _cuts_crlf(text, a) and not _cuts_crlf(text, b):
        assert form.text[ns:ne] == APPLIED[name](text[a:b])
    if name == "wrap38":  # the slice is the original's with line breaks inserted, never anything else
        assert form.text[ns:ne].replace("\n", "") == text[a:b].replace("\n", "")


@settings(max_examples=200, deadline=None)
@given(texts)
def test_each_form_does_what_it_says(text):
    assert not NL.search(forms.make_form("nonl", text).text)
    spaced = forms.make_form("spaces", text).text
    assert not NL.search(spaced) and len(spaced) == len(NL.sub(" ", text))
    wrapped = forms.make_form("wrap38", text).text
    assert all(len(line) <= forms.WRAP for line in NL.split(wrapped))
    assert wrapped.replace("\n", "") == text.replace("\n", "")


def test_a_heading_that_starts_a_wrapped_line_keeps_the_break_outside_its_span():
    text = "甲" * 38 + "一、总体情况\n正文"
    form = forms.make_form("wrap38", text)
    ns, ne = form.span(38, 44)
    assert form.text[ns - 1] == "\n" and form.text[ns:ne] == "一、总体情况"


def test_furniture_is_a_crawler_header_from_the_gold_metadata_and_a_trailing_attachment_line():
    meta = {"title": "某县人民政府关于2023年度法治政府建设情况的报告", "issuers": ["某县人民政府"],
            "doc_number": "某政〔2024〕3号", "issue_date": "2024-02-20", "report_year": 2023}
    body = "一、主要举措\n（一）完善制度。"
    form = forms.make_form("furniture", body, meta, "county-2023")
    head, tail = form.text.split(body)
    assert head.startswith("当前位置： 首页 › 政务公开")
    for label in ("标题", "发布时间", "文号", "发布机构", "来源", "原文链接"):
        assert re.search(rf"^{label}[:：]", head, re.M), label
    assert f"标题" in head and meta["title"] in head and meta["doc_number"] in head and "某县人民政府" in head
    assert "微信 微博 QQ空间" in head and re.search(r"浏览次数：\d+", head)
    assert "附件下载" in tail
    published = re.search(r"发布时间[:：](\S+)", head).group(1)
    assert published != meta["issue_date"]  # a page's publication time is not the report's date
    colons = [max(line.find(":"), line.find("：")) for line in head.splitlines()]
    assert {":", "："} <= {line[c] for line, c in zip(head.splitlines(), colons) if c >= 0}  # mixed widths
    assert forms.make_form("furniture", body, meta, "county-2023").text == form.text  # deterministic


def test_a_field_gold_leaves_null_is_shown_empty():
    head, _ = forms.furniture("x", {"title": None, "issuers": None, "doc_number": None})
    assert re.search(r"^文号[:：]$", head, re.M) and re.search(r"^标题[:：]$", head, re.M)
    assert re.search(r"^发布机构[:：]$", head, re.M)


SUITES = ("seeds", "layouts", "realistic")


@pytest.mark.parametrize("suite_name", SUITES)
@pytest.mark.parametrize("name", sorted(forms.FORMS))
def test_every_gold_of_the_in_sample_suites_maps_into_every_form(tmp_path, suite_name, name):
    """The mapped gold passes the checks eval applies to any gold, each quote is the original's with the form
    applied, and metadata, summaries and terms are unchanged."""
    suite = evaluate.load_suite(suite_name)
    form_suite, errors = forms.write_form_suite(suite, name, tmp_path)
    assert errors == {}
    for doc_id in suite.documents:
        old = json.loads(suite.gold_path(doc_id).read_text(encoding="utf-8"))
        new_path = form_suite.gold_path(doc_id)
        new = json.loads(new_path.read_text(encoding="utf-8"))
        text = evaluate.read_source(form_suite.source_path(doc_id))
        goldcheck.check_for_scoring(new_path, text, hashlib.sha256(form_suite.source_path(doc_id).read_bytes()).hexdigest(),
                                    suite.fields)
        pairs = list(zip(forms.evidences(old), forms.evidences(new)))
        assert pairs and len(pairs) == len(list(forms.evidences(new)))
        original = evaluate.read_source(suite.source_path(doc_id))
        for (where, ev_old), (_, ev_new) in pairs:
            assert text[ev_new["start"]:ev_new["end"]] == ev_new["quote"], where
            was = original[ev_old["start"]:ev_old["end"]]  # a gold quote is its text in canonical form only
            if name in APPLIED:
                assert ev_new["quote"] == APPLIED[name](was), where
            else:
                assert ev_new["quote"].replace("\n", "") == was.replace("\n", ""), where
        assert new["metadata"] == old["metadata"]
        for key in goldcheck.SUMMARY_LISTS:
            assert [(i["summary"], i.get("summary_terms")) for i in new[key]] == \
                   [(i["summary"], i.get("summary_terms")) for i in old[key]]


def test_a_suite_file_enables_forms_and_an_unknown_one_is_refused(tmp_path):
    seeds = evaluate.load_suite("realistic")
    toml = (f'seeds_dir = "{seeds.seeds_dir}"\ngold_dir = "{seeds.gold_dir}"\n'
            f'documents = ["{seeds.documents[0]}"]\nforms = ["nonl", "wrap38"]\n')
    (tmp_path / "small.toml").write_text(toml, encoding="utf-8")
    assert forms.suite_forms(evaluate.load_suite(tmp_path / "small.toml")) == ["nonl", "wrap38"]
    (tmp_path / "bad.toml").write_text(toml.replace('"wrap38"', '"wrap80"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="wrap80"):
        forms.suite_forms(evaluate.load_suite(tmp_path / "bad.toml"))


@pytest.fixture
def small_suite(tmp_path) -> Path:
    """Two realistic reports, as a suite file of their own."""
    real = evaluate.load_suite("realistic")
    docs = ", ".join(f'"{d}"' for d in real.documents[:2])
    path = tmp_path / "small.toml"
    path.write_text(f'name = "small"\nseeds_dir = "{real.seeds_dir}"\ngold_dir = "{real.gold_dir}"\n'
                    f'documents = [{docs}]\n', encoding="utf-8")
    return path


def test_run_forms_scores_every_document_of_every_form_on_the_rules_backend(tmp_path, small_suite):
    suite = evaluate.load_suite(small_suite)
    original = evaluate.run_suite(suite, RULES, floors=False).log()
    logs = forms.run_forms(suite, RULES, list(forms.FORMS), tmp_path / "forms")
    assert set(logs) == set(forms.FORMS)
    for name, log in logs.items():
        assert log["errors"] == {} and set(log["reports"]) == set(original["reports"]), name
    keys = {f: scoring.primary_key(f) for f in ("headline", "metrics", "sections")}
    comparison = forms.compare_forms(original, logs, keys)
    for name, row in comparison["forms"].items():
        for f, value in row["scores"].items():
            assert row["delta"][f] == pytest.approx(value - comparison["original"][f], abs=1e-6)
    # Wrapping keeps every heading at a line start: the outline is the original's.
    assert comparison["forms"]["wrap38"]["scores"]["sections"] == comparison["original"]["sections"]


def test_eval_forms_prints_a_table_and_logs_it(tmp_path, small_suite):
    log_path = tmp_path / "eval.json"
    result = CliRunner().invoke(app, ["eval", "--suite", str(small_suite), "--backend", "rules", "--forms",
                                      "--json", str(log_path)])
    assert result.exit_code == 0, result.output
    assert "delivered forms" in result.output
    for name in forms.FORMS:
        assert f"| {name} |" in result.output
    logged = json.loads(log_path.read_text(encoding="utf-8"))["forms"]
    assert set(logged["forms"]) == set(forms.FORMS) and "headline" in logged["original"]


def test_eval_forms_with_saved_predictions_says_it_cannot_run(tmp_path, small_suite):
    preds = tmp_path / "preds"
    preds.mkdir()
    result = CliRunner().invoke(app, ["eval", "--suite", str(small_suite), "--pred-dir", str(preds), "--forms"])
    assert "delivered forms need extraction" in result.output


def test_forms_and_the_layouts_generator_share_one_offset_map():
    """One rewrite class serves both (evaluation/rewrite.py): a form maps a span after CRLF breaks exactly, and
    an edit the map cannot carry is a FormError naming the form."""
    from extractor.evaluation.forms import FormError, FormText, make_form
    from extractor.evaluation.rewrite import Edit, Rewrite

    text = "一、总体情况\r\n全年办理复议案件12件。\r\n二、存在问题"
    form = make_form("nonl", text)
    assert isinstance(form, Rewrite)
    start = text.index("全年")
    s, e = form.span(start, start + 12)
    assert form.text[s:e] == "全年办理复议案件12件。" == form.image(start, start + 12)
    with pytest.raises(FormError, match="form spaces: .*overlapping"):
        FormText("spaces", text, [Edit(0, 3, ""), Edit(1, 2, " ")])
