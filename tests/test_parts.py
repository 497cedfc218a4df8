"""Which required part a top-level section is: heading words, heading year, first sentence, position; the
model only where the rules are undecided or contradictory. All texts are made up, none from a seed."""

from __future__ import annotations

import pytest

from extractor.structure.outline import segment
from extractor.structure.parts import PartQuestion, TopSection, decide_parts, report_year_hint
from extractor.text.normalize import normalize


def report(*sections: tuple[str, str], title: str = "青山市人民政府关于2023年度法治政府建设情况的报告") -> str:
    body = "\n\n".join(f"{heading}\n\n{text}" for heading, text in sections)
    return f"{title}\n\n省人民政府：\n\n{body}\n\n青山市人民政府\n\n2024年3月1日\n"


def parts_of(text: str, ask=None) -> dict[str, str]:
    return {s.path: s.part for s in segment(normalize(text), ask_part=ask).sections if s.level == 1}


WORK = "全年完成行政执法案卷评查120卷，组织全市执法人员培训3次。"
PROBLEMS = "虽然取得了一定成效，但仍存在一些不足：一是执法力量不足；二是基层法治意识有待增强。"
PLANS = "2024年，全市将继续深化法治政府建设。一是优化营商环境；二是加强执法监督。"


@pytest.mark.parametrize(
    "heading",
    [
        "一、深入践行习近平法治思想,系统谋划推进法治政府建设",  # 谋划 in a topic is not a plan
        "一、加强党的领导,坚持以习近平法治思想引领法治政府建设",
        "一、不断完善推进机制,推动整体水平提升",
        "一、2023年推进法治政府建设情况",  # the report year
        "一、全力推进依法行政工作要点落实",  # 要点 inside a topic
    ],
)
def test_a_topic_titled_first_section_before_the_shortcomings_is_measures(heading):
    text = report((heading, WORK), ("二、存在的不足", PROBLEMS), ("三、下一步工作安排", PLANS))
    assert parts_of(text) == {"一": "measures", "二": "shortcomings", "三": "plans"}


def test_seven_topic_sections_and_a_plan_give_seven_measures_parts():
    topics = [("一、积极统筹部署，高效推进法治政府建设", WORK), ("二、依法全面履行政府职能", WORK),
              ("三、完善依法行政制度体系", WORK), ("四、推进重大行政决策科学化", WORK),
              ("五、坚持严格规范公正文明执法", WORK), ("六、强化行政权力制约监督", WORK),
              ("七、积极开展行政复议和行政应诉工作", WORK), ("八、2024年法治政府建设工作计划", PLANS)]
    parts = parts_of(report(*topics))
    assert [parts[p] for p in "一二三四五六七"] == ["measures"] * 7
    assert parts["八"] == "plans"
    blocks = segment(normalize(report(*topics))).blocks
    assert {b.path for b in blocks if b.kind == "measures"} == set("一二三四五六七")


def test_a_heading_year_after_the_report_year_is_plans_whatever_the_word():
    text = report(("一、2023年工作开展情况", WORK), ("二、存在的问题", PROBLEMS), ("三、2024年法治政府建设工作谋划", PLANS))
    assert parts_of(text)["三"] == "plans"


def test_first_sentences_decide_topic_titled_shortcomings_and_plans():
    text = report(("一、坚持依法全面履行政府职能", WORK),
                  ("二、基层执法力量配备", "对照上级要求，我市法治政府建设还存在一些短板，主要表现在：一是执法力量不足。"),
                  ("三、持续优化法治化营商环境", "下一步，我市将围绕中心工作，持续推进法治政府建设。"))
    assert parts_of(text) == {"一": "measures", "二": "shortcomings", "三": "plans"}


def test_a_problem_stated_as_the_heading_is_shortcomings():
    text = report(("一、推进综合行政执法改革", WORK), ("二、乡镇法治力量薄弱，执法人员专业化水平不高", "一是执法人员少。"),
                  ("三、2024年工作打算", PLANS))
    assert parts_of(text)["二"] == "shortcomings"


def test_the_leaders_duty_named_in_the_opening_is_the_leadership_part():
    text = report(("一、市委市政府高度重视", "市政府主要负责同志认真履行推进法治建设第一责任人职责，全年专题研究法治工作4次。"),
                  ("二、坚持依法行政", WORK), ("三、存在的不足", PROBLEMS), ("四、2024年工作安排", PLANS))
    assert parts_of(text) == {"一": "leadership", "二": "measures", "三": "shortcomings", "四": "plans"}


def test_leaders_named_as_first_responsible_in_a_topic_heading_are_still_measures():
    # `落实…为第一责任人` is something done in the year; the leadership part reports how the duty was performed.
    text = report(("一、高度重视，全面落实主要负责人为第一责任人", WORK), ("二、存在的不足", PROBLEMS), ("三、2024年工作安排", PLANS))
    assert parts_of(text)["一"] == "measures"


def test_the_last_section_after_the_shortcomings_is_plans_by_position():
    text = report(("一、推进严格规范公正文明执法", WORK), ("二、存在的问题", PROBLEMS),
                  ("三、深化放管服改革，持续优化营商环境", "坚持以习近平法治思想为指导，深化“放管服”改革。"))
    assert parts_of(text)["三"] == "plans"


def test_report_year_comes_from_the_title_or_else_the_opening_sentence():
    assert report_year_hint(["四川省人民政府2022年度法治政府建设工作情况"]) == 2022
    assert report_year_hint(["市人民政府：", "2021年，全县坚持以习近平法治思想为指导，扎实推进依法行政。"]) == 2021
    assert report_year_hint(["市人民政府："]) is None


def test_undecided_and_contradictory_sections_go_to_the_model_and_the_outline_says_so():
    asked: list[PartQuestion] = []

    def ask(question: PartQuestion) -> str:
        asked.append(question)
        return "measures"

    text = report(("一、推进严格规范公正文明执法", WORK), ("二、存在的问题", PROBLEMS), ("三、2024年工作安排", PLANS))
    sections = [s for s in segment(normalize(text), ask_part=ask).sections if s.level == 1]
    assert [q.path for q in asked] == ["一"]
    assert asked[0].why.startswith("undecided") and asked[0].guess == "measures"
    assert "全年完成行政执法案卷评查120卷" in asked[0].opening
    assert [(s.part, s.decided_by) for s in sections] == [("measures", "model"), ("shortcomings", "rules"), ("plans", "rules")]


def test_a_failed_model_call_keeps_the_rules_guess():
    text = report(("一、推进严格规范公正文明执法", WORK), ("二、存在的问题", PROBLEMS), ("三、2024年工作安排", PLANS))
    sections = [s for s in segment(normalize(text), ask_part=lambda q: None).sections if s.level == 1]
    assert (sections[0].part, sections[0].decided_by) == ("measures", "rules")


def test_two_parts_with_content_evidence_are_contradictory():
    sections = [TopSection("一", "一、存在的问题", "2024年，全县将着力解决以下问题。")]
    asked = []
    decide_parts(sections, 2023, ask=lambda q: asked.append(q) or "plans")
    assert asked and asked[0].why.startswith("contradictory")


@pytest.mark.parametrize(
    "heading",
    ["一、高位统筹安排部署，压实法治建设第一责任", "一、聚焦群众反映强烈的问题，推进严格规范公正文明执法"],
)
def test_a_part_word_in_an_earlier_clause_of_a_topic_heading_does_not_decide(heading):
    asked = []
    text = report((heading, WORK), ("二、存在的不足", PROBLEMS), ("三、2024年工作安排", PLANS))
    parts = parts_of(text, ask=lambda q: asked.append(q) or None)
    assert parts["一"] == "measures"
    assert [q.path for q in asked] == ["一"] and asked[0].why.startswith("undecided")


def test_a_part_given_by_position_alone_does_not_make_a_document_a_report():
    from extractor.structure.outline import is_report

    notice = "关于举办春季运动会的通知\n\n一、比赛项目\n\n田径、篮球、拔河。\n\n二、报名方式\n\n各单位于3月10日前报名，详见法治宣传栏。\n"
    norm = normalize(notice)
    assert not is_report(norm, segment(norm))
