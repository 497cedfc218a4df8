"""The outline of a report whose line breaks were lost (issue 27): headings found inline by their numbering
(text/reline.py), with the grammar of text/grammar.py. Every text here is written for these tests."""

from __future__ import annotations

import pytest

from extractor.structure.outline import segment, structure_notes
from extractor.text.grammar import HEADING_START, LEAD_MARKER, heading_at, item_at
from extractor.text.normalize import normalize

# A county bureau's report, one paragraph per line; the tests flatten it the two ways scrapers do.
LINED = """青禾县司法局关于2023年度法治政府建设情况的报告
县人民政府：
2023年，我局围绕法治政府建设目标，扎实推进各项工作。现将有关情况报告如下：
一、主要举措和成效
（一）健全依法决策机制
一是制定重大行政决策程序规定，全年审核决策事项12件；二是落实法律顾问制度，聘请律师5名。
（二）规范行政执法行为。全面推行行政执法三项制度，开展案卷评查2次，评查案卷86卷。
二、党政主要负责人履行推进法治建设第一责任人职责情况
局主要负责人带头学法，全年主持专题会议4次，研究法治建设重点任务。
三、存在的不足和原因
执法人员专业能力有待提升，基层法治宣传力量薄弱。
四、2024年工作安排
一是深化执法规范化建设；二是加强法治宣传队伍建设；三是推进公共法律服务体系建设。
青禾县司法局
2024年1月15日
"""
JOINED = LINED.replace("\n", "")
SPACED = LINED.replace("\n", " ")


def _outline(text: str):
    norm = normalize(text)
    return norm, segment(norm)


@pytest.mark.parametrize("text", [JOINED, SPACED], ids=["joined", "spaced"])
def test_flattened_report_gets_its_outline_back(text: str) -> None:
    norm, outline = _outline(text)
    assert [s.path for s in outline.sections] == ["一", "一/（一）", "一/（二）", "二", "三", "四"]
    top = {s.path: s.part for s in outline.sections if "/" not in s.path}
    assert top == {"一": "measures", "二": "leadership", "三": "shortcomings", "四": "plans"}
    assert [s.heading for s in outline.sections][:2] == ["一、主要举措和成效", "（一）健全依法决策机制"]
    kinds = [(b.kind, b.marker) for b in outline.blocks]
    assert kinds == [("measures", "一是"), ("measures", "二是"), ("measures", "（二）"), ("leadership", ""),
                     ("problems", ""), ("plans", "一是"), ("plans", "二是"), ("plans", "三是")]
    # Offsets stay exact: every quote is the original's slice, and no virtual break is in one.
    for s in outline.sections:
        assert norm.original[s.evidence.start : s.evidence.end] == s.evidence.quote
    for b in outline.blocks:
        assert norm.original[b.start : b.end] == b.text
        assert "\n" not in b.text
    assert outline.blocks[-1].text == "三是推进公共法律服务体系建设。"  # the signature and date are the closing
    assert any(n.kind == "outline_inline" for n in structure_notes(norm, outline))


def test_lined_report_is_not_relined() -> None:
    norm, outline = _outline(LINED)
    assert norm.relined is None
    assert [s.path for s in outline.sections] == ["一", "一/（一）", "一/（二）", "二", "三", "四"]
    assert not any(n.kind == "outline_inline" for n in structure_notes(norm, outline))


def test_a_list_in_a_lined_paragraph_stays_in_its_paragraph() -> None:
    text = LINED.replace("（二）规范行政执法行为。", "（二）规范行政执法行为。主要做法：（一）建立执法台账；（二）开展案卷评查。")
    norm, outline = _outline(text)
    assert norm.relined is None
    assert [s.path for s in outline.sections] == ["一", "一/（一）", "一/（二）", "二", "三", "四"]


def test_virtual_break_is_zero_width() -> None:
    norm = normalize(JOINED)
    assert norm.relined is not None and norm.relined.virtual
    for k in norm.relined.virtual:
        assert norm.text[k] == "\n"
        # A span that ends with the inserted break maps to the characters before it, one starting there to
        # the characters after it.
        assert norm.to_orig(k - 3, k + 1) == norm.to_orig(k - 3, k)
        assert norm.to_orig(k, k + 3) == norm.to_orig(k + 1, k + 3)
        assert norm.text[norm.to_norm(norm.orig[k + 1])] != "\n"


def test_spaced_break_maps_to_the_space() -> None:
    norm = normalize(SPACED)
    i = norm.text.index("二、党政")
    assert norm.text[i - 1] == "\n" and norm.original[norm.orig[i - 1]] == " "


_TWO_PARTS = ("我县全年按照统一部署推进法治建设。一、主要工作（一）推进政务公开。全年主动公开信息320条。"
              "（二）加强复议应诉。办理复议案件41件。二、下一步安排一是完善制度；二是强化监督。")


def test_lone_marker_inside_a_sentence_is_no_heading() -> None:
    text = _TWO_PARTS.replace("推进政务公开。", "推进政务公开，重点做好一、二类信息的主动公开。")
    _, outline = _outline(text)
    assert [s.path for s in outline.sections] == ["一", "一/（一）", "一/（二）", "二"]


@pytest.mark.parametrize("friend", [
    "全年争取资金。1.5亿元用于基层司法所建设。",  # a number at a sentence start
    "该办法于2023.2.1印发，2.3万人次参加学习。",  # a date and a decimal
    "会议提出“一是强化责任；二是压实任务”的要求。",  # 一是 inside a quotation
    "主要做法：1.建立问题台账；2.定期通报进度；3.限期整改销号。",  # a numbered list inside one item
    "重点排查：一、二类风险隐患。",  # numerals in a list after a colon
])
def test_false_friends_make_no_heading(friend: str) -> None:
    text = _TWO_PARTS.replace("全年主动公开信息320条。", "全年主动公开信息320条。" + friend)
    _, outline = _outline(text)
    assert [s.path for s in outline.sections] == ["一", "一/（一）", "一/（二）", "二"]
    items = [b for b in outline.blocks if b.path == "一/（一）"]
    assert len(items) == 1 and items[0].marker == "（一）" and friend in items[0].text  # one item, the friend inside


def test_restarted_numbering_is_a_note_never_a_heading() -> None:
    text = _TWO_PARTS + "附：一、公开目录。二、复议案件统计表。"
    norm, outline = _outline(text)
    assert [s.path for s in outline.sections] == ["一", "一/（一）", "一/（二）", "二"]
    notes = [n for n in structure_notes(norm, outline) if n.kind == "structure_uncertain" and n.quote == "一、"]
    assert len(notes) == 1 and "starts again" in notes[0].message


def test_numbering_running_on_through_parents() -> None:
    text = ("现将情况报告如下：一、工作成效（一）强化组织领导。1.健全机制。成立领导小组。2.压实责任。签订责任书。"
            "（二）规范执法。3.推行三项制度。全面公示执法信息。4.开展案卷评查。评查案卷50卷。二、工作计划一是加强培训；二是完善考核。")
    _, outline = _outline(text)
    assert [s.path for s in outline.sections] == ["一", "一/（一）", "一/（一）/1", "一/（一）/2", "一/（二）", "一/（二）/3", "一/（二）/4", "二"]


def test_title_rule_ends_a_part_title_run_into_its_body() -> None:
    text = ("现将情况报告如下：一、主要成效全县办理复议案件41件。二、存在的问题和不足基层执法力量薄弱。"
            "三、2024年工作安排2024年，我县将继续深化法治政府建设。")
    _, outline = _outline(text)
    assert [s.heading for s in outline.sections] == ["一、主要成效", "二、存在的问题和不足", "三、2024年工作安排"]
    assert [s.part for s in outline.sections] == ["measures", "shortcomings", "plans"]
    # No part name and no mark: the heading runs to its first 。 as a run-in heading does on lined text.
    _, outline = _outline(text.replace("一、主要成效", "一、强化复议应诉"))
    assert outline.sections[0].heading == "一、强化复议应诉全县办理复议案件41件。"


def test_grammar_table() -> None:
    assert heading_at("（十二）加强", 0) == (2, 12, 4)
    assert heading_at("3．推进", 0) == (3, 3, 2)
    assert heading_at("③推进", 0) == (5, 3, 1)
    assert heading_at("1.5亿元", 0) is None
    assert item_at("三是完善", 0) == (3, 2)
    assert HEADING_START.match("（1）推进") and HEADING_START.match("特此报告") and not HEADING_START.match("全年推进")
    assert LEAD_MARKER.sub("", "二是完善制度") == "完善制度" and LEAD_MARKER.sub("", "（1）完善") == "（1）完善"


# --------------------------------------------------------------------------- parts (issue 27 item 4)
_LEADERSHIP_FIRST = """临川区市场监督管理局2023年法治政府建设情况报告
一、切实履行推进法治建设第一责任人职责
局党组书记、局长带头学法，全年主持召开党组会专题研究法治建设3次。
二、2023年主要工作
（一）严格规范监管执法。全年办理行政处罚案件214件，罚没款320万元。
（二）推进信用监管。归集企业信用信息1.2万条，公示率100%。
三、存在的不足
基层执法人员法律素养有待提升，案件办理质量不够均衡。下一步，我局将加强执法人员培训，开展案卷评查，持续提升执法规范化水平。
"""
_NO_SHORTCOMINGS = """临川区市场监督管理局2023年法治政府建设情况报告
一、2023年主要工作
（一）严格规范监管执法。全年办理行政处罚案件214件，罚没款320万元。
（二）推进信用监管。归集企业信用信息1.2万条，公示率100%。
2024年，我局将继续深化“双随机、一公开”监管，推动法治政府建设再上新台阶。
"""


@pytest.mark.parametrize("flatten", [False, True], ids=["lined", "joined"])
def test_leadership_first_and_plans_in_a_closing_sentence(flatten: bool) -> None:
    text = _LEADERSHIP_FIRST.replace("\n", "") if flatten else _LEADERSHIP_FIRST
    _, outline = _outline(text)
    assert [(s.path, s.part) for s in outline.sections if "/" not in s.path] == [
        ("一", "leadership"), ("二", "measures"), ("三", "shortcomings")]
    kinds = [b.kind for b in outline.blocks]
    assert kinds == ["leadership", "measures", "measures", "problems", "plans"]
    assert outline.blocks[-1].text.startswith("下一步，我局将") and outline.blocks[-2].text.endswith("不够均衡。")
    assert outline.also == {"plans": ["三"]}


@pytest.mark.parametrize("flatten", [False, True], ids=["lined", "joined"])
def test_no_shortcomings_part_and_a_closing_plans_sentence(flatten: bool) -> None:
    text = _NO_SHORTCOMINGS.replace("\n", "") if flatten else _NO_SHORTCOMINGS
    norm, outline = _outline(text)
    assert [b.kind for b in outline.blocks] == ["measures", "measures", "plans"]
    plan = outline.blocks[-1]
    assert plan.text == "2024年，我局将继续深化“双随机、一公开”监管，推动法治政府建设再上新台阶。"
    assert norm.original[plan.start : plan.end] == plan.text
    assert outline.blocks[-2].text.endswith("公示率100%。")


def test_a_closing_sentence_of_work_done_is_no_plan() -> None:
    text = _NO_SHORTCOMINGS.replace("2024年，我局将继续深化", "全年，我局持续深化")
    _, outline = _outline(text)
    assert [b.kind for b in outline.blocks] == ["measures", "measures"]


def test_numeral_list_before_the_first_heading_is_no_heading() -> None:
    text = _TWO_PARTS.replace("推进法治建设。", "推进法治建设，重点排查：一、二类风险隐患。", 1)
    _, outline = _outline(text)
    assert outline.sections[0].heading == "一、主要工作"
    assert [s.path for s in outline.sections] == ["一", "一/（一）", "一/（二）", "二"]


def test_whitespace_of_the_original_ends_a_title_but_ocr_spacing_does_not() -> None:
    lined = ("现将情况报告如下：\n一、2023 年主要工作\n（一）强化统筹，压实工作责任\n局党组研究法治工作3次。\n"
             "（二）规范执法，提升执法质效\n开展案卷评查2次。\n二、下一步打算\n一是完善制度；二是强化监督。")
    _, outline = _outline(lined.replace("\n", " "))
    assert [s.heading for s in outline.sections] == [
        "一、2023 年主要工作", "（一）强化统筹，压实工作责任", "（二）规范执法，提升执法质效", "二、下一步打算"]
    _, joined = _outline(lined.replace("\n", ""))  # no space left: the run-in heading runs to its 。
    assert joined.sections[1].heading == "（一）强化统筹，压实工作责任局党组研究法治工作3次。"


def test_title_rule_part_name_measures_year_subject_and_restated_heading() -> None:
    """Three more ends of a title run into its body with no mark: a part named by its 措施 (as 举措), a body whose
    sentence has the year as its subject (`2024年是…`), and a body that restates its heading's first words."""
    text = ("现将情况报告如下：一、依法行政工作推进有力依法行政工作推进有力，全县审查规范性文件17件。"
            "二、存在的问题及整改措施对照年度目标，我县基层执法力量仍显薄弱。"
            "三、持续深化法治政府建设2024年是全面落实法治政府建设实施纲要的关键之年，我县将加强执法监督。")
    _, outline = _outline(text)
    assert [s.heading for s in outline.sections] == ["一、依法行政工作推进有力", "二、存在的问题及整改措施",
                                                     "三、持续深化法治政府建设"]
    # OCR's space inside the year (`2024 年是`) is still the year phrase opening the body.
    _, outline = _outline(text.replace("2024年是", "2024 年是"))
    assert outline.sections[2].heading == "三、持续深化法治政府建设"
    # A title that opens with the year keeps it (the body opening is looked for after the title's first character).
    _, outline = _outline(text.replace("三、持续深化法治政府建设2024年是", "三、2024年工作安排2024年是"))
    assert outline.sections[2].heading == "三、2024年工作安排"


def test_a_part_marker_right_after_a_flattened_pipe_table() -> None:
    """A pipe table's rows lost their line breaks: the next part's marker follows the last cell's value with no
    sentence end (`…|98.2%二、…`) and still opens the part; a `|` cell further back, or a sentence end between
    the cell and the marker, leaves the usual boundary rules in charge."""
    text = ("现将情况报告如下：一、主要成效全年办理复议案件41件。主要数据如下：项目|数量收案数|52结案数|49"
            "调解和解率|98.2%二、存在的问题和不足基层执法力量薄弱。三、2024年工作安排2024年，我县将深化法治政府建设。")
    _, outline = _outline(text)
    assert [s.heading for s in outline.sections] == ["一、主要成效", "二、存在的问题和不足", "三、2024年工作安排"]
    # The last cell is further back than a cell's value (a clause runs on after it): no boundary there.
    _, outline = _outline(text.replace("98.2%二、", "98.2%，其余案件均在法定期限内依法审结完毕二、"))
    assert "二、存在的问题和不足" not in [s.heading for s in outline.sections]
