"""A PDF's pages → the text as printed (extractor/text/printed.py), on made-up pages: page numbers and running
headers out, hard-wrapped lines joined, headings kept as lines, look-alike radicals read as what they show."""

from __future__ import annotations

import pytest

from extractor.text.glyphs import as_shown
from extractor.text.normalize import normalize
from extractor.text.printed import page_of, printed_layer

# A measure of about 20 characters: full lines are 20 wide (a paragraph's first, indented line 18).
PAGE_1 = """白沙镇人民政府文件
关于2024年度依法行政工作的报告
一、主要工作
全镇共办理各类行政许可事项三百余件，
较上年增长12.5%，群众满意度明显提升，办
事效率进一步提高。
（一）推进依法决策
对重大事项实行集体讨论决定，全年共提交镇
党委会研究议题26项。
- 1 -"""
PAGE_2 = """白沙镇人民政府文件
二、存在问题
基层执法人员数量不足，业务培训还不够系统。
— 2 —"""


def test_page_numbers_and_running_headers_are_left_out_and_wrapped_lines_joined():
    text, starts, notes = printed_layer([PAGE_1, PAGE_2])
    assert text.split("\n") == [
        "关于2024年度依法行政工作的报告",
        "一、主要工作",
        "全镇共办理各类行政许可事项三百余件，较上年增长12.5%，群众满意度明显提升，办事效率进一步提高。",
        "（一）推进依法决策",
        "对重大事项实行集体讨论决定，全年共提交镇党委会研究议题26项。",
        "二、存在问题",
        "基层执法人员数量不足，业务培训还不够系统。",
    ]
    assert text[starts[1]:].startswith("二、存在问题")
    assert page_of(starts, text.index("三百余件")) == 1 and page_of(starts, text.index("基层")) == 2
    assert dict(notes)["page_furniture_removed"].startswith("4 ")  # two headers, `- 1 -`, `— 2 —`


@pytest.mark.parametrize("number", ["- 3 -", "— 3 —", "-3-", "第3页", "第 3 页 共 9 页", "3/9", "（3）"])
def test_page_number_shapes_at_a_page_edge_are_left_out(number):
    page = f"矛盾纠纷排查化解工作扎实推进，全年调解纠纷一百余件。\n{number}"
    text, _, _ = printed_layer([page])
    assert text == "矛盾纠纷排查化解工作扎实推进，全年调解纠纷一百余件。"


def test_a_full_line_ending_a_sentence_before_a_heading_is_not_joined_to_it():
    page = ("某某街道持续深化行政执法体制改革，规范执法行为，强化\n"
            "执法监督，执法质量和水平得到进一步的提升和巩固。\n"
            "二是加强执法人员培训考核。\n")
    text, _, _ = printed_layer([page])
    assert text.split("\n")[-1] == "二是加强执法人员培训考核。"


def test_a_number_at_a_line_start_is_not_taken_for_a_heading():
    page = ("全区政务服务事项网上可办率持续提高，年底达到\n"
            "98.6%，群众办事更加方便快捷，营商环境不断优化。\n")
    text, _, _ = printed_layer([page])
    assert "达到98.6%" in text and "\n" not in text


def test_latin_words_split_by_a_wrap_keep_their_space():
    page = "全市推行政务服务平台建设工作，上线名为Smart\nCity的政务服务应用程序，方便群众办事。\n"
    text, _, _ = printed_layer([page])
    assert "Smart City" in text


def test_a_wrapped_title_set_larger_than_the_body_is_one_line():
    page = "青山区人民政府关于2024年度法治政府\n建设情况的报告\n区人民政府：\n全区法治政府建设取得新成效。"
    sizes = [[22.0, 22.0, 16.0, 16.0]]
    text, _, _ = printed_layer([page], sizes)
    assert text.split("\n")[0] == "青山区人民政府关于2024年度法治政府建设情况的报告"


def test_look_alike_radicals_and_dashes_read_as_the_characters_they_show_one_for_one():
    layer = "⻘⼭区⼈⺠政府⻔户⽹站\u2015\u2015⼯作报告"
    assert as_shown(layer) == "青山区人民政府门户网站——工作报告"
    assert len(as_shown(layer)) == len(layer)
    text, _, notes = printed_layer([layer])
    assert text == "青山区人民政府门户网站——工作报告" and "glyphs_mapped" in dict(notes)
    # A text file copied out of such a PDF reads the same in the normalized view, offsets unchanged.
    norm = normalize(layer)
    assert norm.text == "青山区人民政府门户网站——工作报告" and norm.to_orig(0, 2) == (0, 2)
