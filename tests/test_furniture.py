"""Web-page furniture: recognised per line, kept out of the outline, items and metadata; offsets unchanged."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.structure.metadata import extract_metadata
from extractor.structure.outline import segment
from extractor.text.furniture import find_furniture, line_kind
from extractor.text.normalize import normalize
from tests.madeup import PLAIN, web


@pytest.mark.parametrize(
    "line, kind",
    [
        ("当前位置 : 首页 > 政务公开 > 法治政府建设", "breadcrumb"),
        ("您的位置：首页 > 部门文件", "breadcrumb"),
        ("首页 > 通知公告", "breadcrumb"),
        ("• 来源: 省司法厅", "page_label"),
        ("发布时间：2024-03-01 10:00", "page_label"),
        ("● 浏览次数：1024", "page_label"),
        ("信息来源：市政府办公室", "page_label"),
        ("【字体: 大 中 小】", "widget"),
        ("【打印】【关闭】", "widget"),
        ("打印", "action"),
        ("关闭窗口", "action"),
        ("分享到: 微信 微博 QQ空间", "action"),
        ("上一篇：关于印发年度普法工作要点的通知", "action"),
        ("发文机关: 威海市生态环境局", "info_block"),
        ("成文日期：", "info_block"),
        ("發文字號：威環發〔2023〕3號", "info_block"),
    ],
)
def test_each_kind_of_web_furniture_is_recognised(line, kind):
    assert line_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "一、2023年法治政府建设主要举措",
        "来源于群众的意见建议全部办结，办结率100%，满意率98.6%，全年共收到各类意见建议1200余条，均在规定时限内答复，做到件件有回应。",
        "【典型案例】",
        "特此报告。",
        "2024年3月20日",
        "市人民政府：",
    ],
)
def test_report_lines_are_not_furniture(line):
    assert line_kind(line) is None


def test_furniture_stays_out_of_headings_items_and_metadata_and_offsets_still_point_into_the_file():
    text = web(PLAIN)
    norm = normalize(text)
    for marker in ("当前位置", "来源", "发布时间", "字体", "打印", "关闭", "分享", "发文机关"):
        assert marker not in norm.text
    outline = segment(norm)
    assert [s.heading for s in outline.sections if s.level == 1] == [
        "一、2023年法治政府建设主要举措", "二、存在的不足", "三、2024年工作安排"]
    for block in outline.blocks:
        assert text[block.start : block.end] == block.text
        assert "打印" not in block.text and "来源" not in block.text
    meta, _ = extract_metadata(norm, outline)
    assert meta.title == "清河县人民政府关于2023年度法治政府建设情况的报告"
    assert meta.issue_date == date(2024, 3, 20)  # the signature date, not the page's 发布时间


def test_info_block_fills_what_the_report_lines_do_not_state():
    text = web(PLAIN.replace("清河县人民政府\n\n2024年3月20日\n", ""))
    norm = normalize(text)
    meta, _ = extract_metadata(norm, segment(norm))
    assert meta.doc_number == "清政〔2024〕7号"
    assert meta.issue_date == date(2024, 3, 20)
    assert meta.issuers == ["清河县人民政府"]


def test_a_blank_info_field_gives_nothing():
    found = find_furniture("发文机关:\n成文日期: \n正文")
    assert found.value("发文机关:\n成文日期: \n正文", "发文机关") is None
    assert [kind for *_, kind in found.lines] == ["info_block", "info_block"]
