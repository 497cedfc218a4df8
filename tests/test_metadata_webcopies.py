"""Metadata of web copies and variant headers (issue 20): a title over two lines, bulleted and table info
blocks, a place named only in the body, `自治区` alone, department levels. Made-up texts, none from a seed."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.structure.metadata import extract_metadata
from extractor.structure.outline import segment
from extractor.text.furniture import find_furniture
from extractor.text.normalize import normalize
from tests.madeup import traditional

BODY = ("一、主要举措和成效\n\n（一）规范执法。评查执法案卷64卷。\n\n二、存在的不足和原因\n\n一是执法力量不足；二是宣传不够深入。\n\n"
        "三、2025年推进法治政府建设的主要安排\n\n一是深化综合执法改革；二是加强执法监督。\n")


def meta(text: str):
    norm = normalize(text)
    return extract_metadata(norm, segment(norm))[0]


@pytest.mark.parametrize("second", ["2024年度法治政府建设情况报告", "关于2024年度法治政府建设情况的报告"])
def test_a_title_over_two_lines_keeps_its_issuer_line(second):
    m = meta(f"中共柳湾县委 柳湾县人民政府\n{second}\n\n市委、市政府：\n\n{BODY}")
    assert m.title == f"中共柳湾县委柳湾县人民政府{second}"
    assert m.issuers == ["中共柳湾县委", "柳湾县人民政府"] and m.region == "柳湾县" and m.admin_level == "county"
    assert m.report_year == 2024


def test_a_letterhead_line_ending_in_wenjian_is_not_part_of_the_title():
    m = meta(f"柳湾县人民政府文件\n2024年度法治政府建设情况报告\n\n{BODY}")
    assert m.title == "2024年度法治政府建设情况报告"


def test_a_bulleted_info_block_fills_doc_number_and_date_and_is_furniture():
    text = ("• 发文机关：青川市水利局\n• 成文日期：2025年02月11日\n• 发文字号：青水发〔2025〕3号\n\n"
            f"青川市水利局2024年度法治政府建设情况报告\n\n{BODY}")
    m = meta(text)
    assert m.doc_number == "青水发〔2025〕3号" and m.issue_date == date(2025, 2, 11)
    assert (m.region, m.admin_level) == ("青川市", "department")
    assert "发文字号" not in normalize(text).text


def test_a_table_info_block_with_pipes_or_tabs_is_read():
    text = "| 发文机关 | 青川市水利局 |\n| 发文字号 | 青水发〔2025〕3号 |\n成文日期\t2025年02月11日\n"
    f = find_furniture(text)
    assert [k for *_, k in f.lines] == ["info_block"] * 3
    assert f.value(text, "发文机关") == "青川市水利局" and f.value(text, "发文字号") == "青水发〔2025〕3号"
    assert f.value(text, "成文日期") == "2025年02月11日"


def test_a_place_named_only_in_a_cited_document_is_the_region_of_a_no_title_copy():
    text = ("2024年，在市委、市政府的坚强领导下，我区全面落实《白沙湾区法治政府建设规划（2021—2025年）》，全区法治政府建设稳步推进。\n\n"
            + BODY)
    m = meta(text)
    assert (m.title, m.region, m.admin_level) == (None, "白沙湾区", "county")


def test_a_place_named_once_as_a_clause_subject_is_the_region_and_its_kind_must_match_the_self_reference():
    text = "今年，我县持续推进依法行政。一年来，青禾县坚持问题导向，全县执法水平稳步提升。\n\n" + BODY
    assert meta(text).region == "青禾县"
    other = "今年，我县持续推进依法行政。青禾市委部署后，全县执法水平稳步提升。\n\n" + BODY
    assert meta(other).region is None  # a 市 named by a 县's report is its superior, not itself


def test_zizhiqu_alone_is_never_a_region():
    text = traditional("根据自治区统一部署，全县推进法治政府建设。\n\n" + BODY)
    m = meta(text)
    assert m.region is None and m.admin_level is None


@pytest.mark.parametrize(
    "issuer, region",
    [("柳湾县交通运输局", "柳湾县"), ("青川省应急管理厅", "青川省"), ("青川市人力资源和社会保障局", "青川市"),
     ("青川省人民政府办公厅", "青川省"), ("司法部", None), ("青川市柳湾区生态环境分局", "青川市柳湾区")],
)
def test_a_department_report_is_department_level_by_its_issuers_last_noun(issuer, region):
    m = meta(f"{issuer}关于2024年度法治政府建设情况的报告\n\n{BODY}")
    assert (m.issuers, m.region, m.admin_level) == ([issuer], region, "department")


def test_a_title_longer_than_forty_characters_is_still_the_title_and_the_recipients_follow_it():
    title = "柳湾县人民政府关于2024年度法治政府建设工作情况和2025年度法治政府建设工作安排的报告"
    assert len(title) > 40
    m = meta(f"{title}\n\n青川市人民政府：\n\n2024年，柳湾县坚持依法行政。\n\n{BODY}")
    assert m.title == title and m.recipients == ["青川市人民政府"] and m.issuers == ["柳湾县人民政府"]
    assert m.report_year == 2024


def test_a_letterhead_short_name_agrees_with_the_full_name_of_the_same_place():
    m = meta(f"湘溪州人民政府文件\n\n湘溪土家族苗族自治州人民政府关于2024年度法治政府建设情况的报告\n\n省人民政府：\n\n{BODY}")
    assert (m.region, m.admin_level) == ("湘溪土家族苗族自治州", "city")
    other = meta(f"青川市人民政府文件\n\n柳湾县人民政府关于2024年度法治政府建设情况的报告\n\n{BODY}")
    assert other.region != "柳湾县"  # two different places are no abbreviation of each other
