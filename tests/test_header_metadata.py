"""A crawler's or CMS's header above a report (`标题` `发布时间` `文号` `发布机构` `来源`, full- or half-width colons,
one field a line or all on one line, line breaks removed) and the page furniture around it: values fill only
what the report leaves empty, each with a `metadata_from_header` note; labels never end up in a value; a page's
publication time is never the report's issue date; furniture is never body. Texts are made up (the 古城街道
header's shape is a real site's: https://www.zhongcaigou.com/searchDetail/1770109015489-50082.html)."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.structure.metadata import extract_metadata
from extractor.structure.outline import segment
from extractor.text.furniture import find_furniture
from extractor.text.normalize import normalize

BODY = ("2023年，我局坚持依法行政，全年审核规范性文件14件。\n\n一、主要举措和成效\n\n一是加强学习；二是规范执法。\n\n"
        "二、存在的不足\n\n一是执法力量不足；二是普法形式单一。\n\n三、2024年工作安排\n\n一是加强监督；二是深化宣传。\n")
TITLE = "青山市司法局2023年法治政府建设年度报告"


def run(text: str):
    norm = normalize(text)
    meta, notes = extract_metadata(norm, segment(norm))
    return norm, meta, [n for n in notes if n.kind == "metadata_from_header"]


@pytest.mark.parametrize("colon", [":", "："])
def test_title_field_gives_the_title_without_its_label(colon):
    norm, meta, notes = run(f"标题{colon}{TITLE}\n\n{BODY}")
    assert meta.title == TITLE
    assert meta.issuers == ["青山市司法局"] and meta.admin_level == "department" and meta.region == "青山市"
    assert meta.report_year == 2023
    assert any(n.quote == TITLE and "`标题`" in n.message for n in notes)
    assert "标题" not in norm.text


@pytest.mark.parametrize("colon", [":", "："])
def test_doc_number_field(colon):
    _, meta, notes = run(f"标题{colon}{TITLE}\n文号{colon}青司〔2024〕5号\n\n{BODY}")
    assert meta.doc_number == "青司〔2024〕5号"
    assert any(n.quote == "青司〔2024〕5号" for n in notes)


def test_issuer_field_names_the_issuer_when_the_report_does_not():
    _, meta, notes = run(f"发布机构：白河县应急管理局\n发布时间：2024-03-20\n\n{BODY}")
    assert meta.issuers == ["白河县应急管理局"]
    assert (meta.region, meta.admin_level) == ("白河县", "department")
    assert any("`发布机构`" in n.message for n in notes)


def test_source_field_is_who_posted_the_page_not_the_issuer():
    """A 来源 names who posted the page (often the 司法局 posting its government's report): furniture only."""
    norm, meta, notes = run(f"来源：白河县司法局\n\n{BODY}")
    assert meta.issuers is None and not notes
    assert "来源" not in norm.text and "白河县司法局" not in norm.text


@pytest.mark.parametrize("label", ["发布时间", "发布日期", "更新时间"])
def test_publication_time_never_fills_issue_date(label):
    norm, meta, _ = run(f"标题：{TITLE}\n{label}：2024年3月28日\n\n{BODY}")
    assert meta.issue_date is None
    assert "2024年3月28日" not in norm.text


def test_the_reports_own_lines_win_over_the_header_and_leave_no_note():
    text = f"标题：青山市司法局年度报告\n发布机构：青山市人民政府\n\n{TITLE}\n\n{BODY}\n特此报告。\n\n青山市司法局\n2024年3月1日\n"
    _, meta, notes = run(text)
    assert meta.title == TITLE and meta.issuers == ["青山市司法局"] and meta.issue_date == date(2024, 3, 1)
    assert notes == []


def test_empty_fields_give_no_value_and_no_crash():
    text = "标题：\n发布时间：\n文号：\n发布机构：\n来源：\n浏览次数：\n\n" + BODY
    norm, meta, notes = run(text)
    assert (meta.title, meta.doc_number, meta.issuers, meta.issue_date) == (None, None, None, None)
    assert notes == []
    assert norm.text.startswith("2023年")


def test_a_real_sites_header_shape_with_blank_and_masked_fields():
    text = ("古城街道2025年法治政府建设年度报告\n索引号: 331082/2026-00012 公开方式: 主动公开\n成文日期: \n发布单位:\n"
            "  • 日期:2026-01-27 10:00\n  • 来源:党政综合办公室\n  • 浏览次数:\n\n2025年，古城街道坚持依法行政。\n\n" + BODY)
    _, meta, _ = run(text)
    assert meta.title == "古城街道2025年法治政府建设年度报告"
    assert (meta.region, meta.admin_level, meta.issue_date, meta.issuers) == ("古城街道", "other", None, None)


HEADER_ONE_LINE = (f"当前位置：首页 › 政务公开 › 法治政府建设 标题:{TITLE} 发布时间:2024-03-28 文号: 发布机构:青山市司法局 "
                   "原文链接:http://www.qingshan.gov.cn/sfj/2024/t20240328_1.html ")
TAIL = " 附件下载 微信 微博 QQ空间 浏览次数：123"


@pytest.mark.parametrize("sep", ["", " "], ids=["newlines removed", "newlines as spaces"])
def test_header_on_one_line_with_the_body(sep):
    text = HEADER_ONE_LINE + sep.join(BODY.split("\n")) + TAIL
    norm, meta, notes = run(text)
    assert meta.title == TITLE and meta.issuers == ["青山市司法局"] and meta.doc_number is None
    assert meta.issue_date is None and meta.admin_level == "department"
    assert [(n.message.split(" ")[0], n.message.split("`")[1]) for n in notes] == [("title", "标题"), ("issuers", "标题")]
    for furniture in ("当前位置", "标题", "发布时间", "原文链接", "http", "附件下载", "微信", "QQ空间", "浏览次数"):
        assert furniture not in norm.text, furniture
    assert norm.text.startswith("2023年") and norm.text.rstrip().endswith("二是深化宣传。")


def test_inline_furniture_spans_are_original_offsets():
    text = HEADER_ONE_LINE + BODY.replace("\n", "") + TAIL
    found = find_furniture(text)
    (head, tail) = sorted(found.inline)
    assert text[head[0]:head[1]].startswith("当前位置") and text[head[0]:head[1]].rstrip().endswith(".html")
    assert text[tail[0]:tail[1]] == TAIL.strip()
    span = found.info["发布机构"]
    assert text[span[0]:span[1]] == "青山市司法局"
    norm = normalize(text)
    first = norm.text.index("2023年")
    assert norm.original[norm.orig[first]:norm.orig[first] + 5] == "2023年"


def test_breadcrumb_glued_to_the_title_is_cut_after_its_column():
    text = "您当前的位置：首页>政务公开>法治政府建设" + TITLE + BODY.replace("\n", "")
    norm, meta, _ = run(text)
    assert meta.title == TITLE and "首页" not in norm.text


def test_lined_furniture_lines_are_dropped_and_do_not_become_items():
    text = f"当前位置：首页 > 政务公开\n{TITLE}\n微信 微博 QQ空间\n浏览次数：88\n\n{BODY}\n附件下载\n【打印】【关闭】\n"
    norm, meta, _ = run(text)
    assert meta.title == TITLE
    for furniture in ("微信", "浏览次数", "附件下载", "打印"):
        assert furniture not in norm.text


def test_body_sentences_naming_share_words_or_a_source_stay():
    """Not furniture: share words inside a sentence, a `来源` inside a long body line."""
    body = "一、主要举措\n\n通过微信、微博等平台发布普法信息120条。\n\n案件来源：群众举报的违法线索全部登记办理并反馈处理结果，做到件件有回音。\n"
    norm, _, _ = run(f"{TITLE}\n\n{body}")
    assert "微信、微博" in norm.text and "案件来源" in norm.text


def test_a_run_in_sentence_is_not_a_title():
    norm, meta, _ = run("现将2023年法治政府建设情况报告如下：一、主要举措一是加强学习。")
    assert meta.title is None


def test_a_title_field_without_报告_does_not_swallow_the_body():
    text = "标题:白河县2023年法治政府建设工作总结 2023年，我县坚持依法行政，现将有关情况报告如下。一、主要举措一是加强学习。"
    norm, meta, _ = run(text)
    assert meta.title == "白河县2023年法治政府建设工作总结"
    assert norm.text.startswith("2023年,我县坚持依法行政")
