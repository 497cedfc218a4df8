"""Reports written to the official template and its common variants (issue 20): heading shape at any sensible
length, the template's part names in any clause, `第一部分` headings, a mixed problems-and-plans part. Every
text here is made up for the test, none from a seed or from the realistic suite."""

from __future__ import annotations

import pytest

from extractor.pipeline import compliance
from extractor.structure.outline import segment
from extractor.structure.parts import later_part, opens_plans
from extractor.text.normalize import normalize

LEADERSHIP_LONG = "二、镇党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设和依法行政工作的有关情况"


def report(*sections: tuple[str, str], title: str = "白鹭县人民政府关于2023年度法治政府建设情况的报告") -> str:
    body = "\n\n".join(f"{heading}\n\n{text}" for heading, text in sections)
    return f"{title}\n\n市人民政府：\n\n{body}\n\n白鹭县人民政府\n\n2024年2月1日\n"


def outline_of(text: str):
    return segment(normalize(text))


def top(outline) -> dict[str, str]:
    return {s.path: s.part for s in outline.sections if "/" not in s.path}


WORK = "（一）规范涉企执法。全年检查企业210家次，立案查处违法行为16起。"
DUTY = "县长主持召开县政府常务会议专题研究法治建设3次，带头旁听行政诉讼案件庭审。"
PROBLEMS = "一是乡镇执法辅助人员流动较大。二是个别部门合法性审核流于形式。"
PLANS = "一是推进行政执法协调监督；二是开展规范性文件清理。"


def test_a_heading_shaped_line_longer_than_forty_characters_keeps_its_line_break():
    assert len(LEADERSHIP_LONG) > 40
    norm = normalize(f"{LEADERSHIP_LONG}\n{DUTY}")
    assert norm.text.split("\n")[0] == LEADERSHIP_LONG.replace("，", ",")


def test_a_long_marked_line_with_a_full_stop_or_a_yishi_item_is_still_a_paragraph_cut_by_a_page_break():
    cut = "（二）深化行政复议体制改革，完成县级行政复议职责整合，统一受理渠道和审理标准，全年共办理各类案件"
    assert "\n" not in normalize(f"{cut}\n\n48件，办结率百分之百。").text
    item = "一是持续推进减证便民，全面清理各类证明材料，凡无法律法规依据的一律取消，能通过数据共享获取"
    assert "\n" not in normalize(f"{item}\n\n的一律不再要求群众提供。").text


def test_the_template_leadership_heading_is_leadership_although_its_last_clause_names_no_part():
    text = report(("一、主要举措和成效", WORK), (LEADERSHIP_LONG, DUTY), ("三、存在的不足和原因", PROBLEMS),
                  ("四、2024年推进法治政府建设的主要安排", PLANS), ("五、其他需要报告的情况", "无。"))
    assert top(outline_of(text)) == {"一": "measures", "二": "leadership", "三": "shortcomings", "四": "plans", "五": "other"}


def test_a_topic_heading_that_only_mentions_the_duty_is_not_the_leadership_part():
    text = report(("一、压实第一责任人职责，推动执法规范化", WORK), ("二、存在的不足和原因", PROBLEMS), ("三、下一步安排", PLANS))
    assert top(outline_of(text))["一"] == "measures"


def test_di_yi_bu_fen_headings_are_the_top_level_and_hold_their_numbered_items():
    text = report(
        ("第一部分 2023年依法行政工作", "一、健全依法决策机制。县政府出台重大行政决策目录，纳入目录事项7项。\n\n二、推进公正文明执法。开展执法案卷评查2次。"),
        ("第二部分 县长履行推进法治建设第一责任人职责情况", DUTY),
        ("第三部分 存在的问题", PROBLEMS),
        ("第四部分 2024年工作思路", PLANS),
    )
    outline = outline_of(text)
    assert top(outline) == {"第一部分": "measures", "第二部分": "leadership", "第三部分": "shortcomings", "第四部分": "plans"}
    levels = {s.path: s.level for s in outline.sections}
    assert levels["第一部分"] == 1 and levels["第一部分/一"] == 2
    assert [b.path for b in outline.blocks if b.kind == "measures"] == ["第一部分/一", "第一部分/二"]
    assert [b.kind for b in outline.blocks].count("plans") == 2
    parts = compliance(outline, has_leadership=False)
    assert parts.shortcomings.present and parts.plans.present and parts.leadership.present


def test_a_mixed_problems_and_plans_part_yields_both_kinds_and_covers_both_parts():
    text = report(
        ("一、2023年主要工作", WORK),
        ("二、存在的困难和下一步工作计划", "目前仍有一些差距：一是执法人员法律素养不高；二是普法针对性不强。\n\n"
                                   "今后，我县将着力做好以下工作：一是加强执法人员培训；二是推动精准普法。"),
    )
    outline = outline_of(text)
    assert top(outline) == {"一": "measures", "二": "shortcomings"}
    problems = [b.text for b in outline.blocks if b.kind == "problems"]
    plans = [b.text for b in outline.blocks if b.kind == "plans"]
    assert problems == ["一是执法人员法律素养不高", "二是普法针对性不强。"]
    assert plans == ["一是加强执法人员培训", "二是推动精准普法。"]
    parts = compliance(outline, has_leadership=False)
    assert parts.shortcomings.sections == ["二"] and parts.plans.sections == ["二"]


def test_a_mixed_part_with_sub_headings_turns_to_plans_at_the_sub_heading_that_names_them():
    text = report(
        ("一、2023年主要工作", WORK),
        ("二、问题与下步打算", "（一）存在问题。基层法治审核力量薄弱。\n\n（二）下步打算。充实乡镇法治审核人员。"),
    )
    kinds = {b.path: b.kind for b in outline_of(text).blocks}
    assert kinds["二/（一）"] == "problems" and kinds["二/（二）"] == "plans"


def test_a_mixed_heading_without_a_turn_to_plans_stays_problems_only():
    text = report(("一、2023年主要工作", WORK), ("二、存在的问题和下一步打算", "基层执法力量仍显不足，装备保障有待加强。"))
    outline = outline_of(text)
    assert [b.kind for b in outline.blocks if b.path == "二"] == ["problems"]
    assert not compliance(outline, has_leadership=False).plans.present


def test_mixed_heading_and_plan_openings():
    assert later_part("三、存在的问题及下一步工作打算") == "plans"
    assert later_part("三、存在的不足和原因") is None
    assert later_part("二、存在的不足及整改措施") is None  # fixes are rectifications, not next year's plans
    assert opens_plans("下一步，我市将重点做好三方面工作：")
    assert opens_plans("2025年，全区将继续深化改革。", report_year=2024)
    assert not opens_plans("2024年，全区继续深化改革。", report_year=2024)


def test_a_plans_lead_in_that_announces_the_list_is_not_an_item():
    text = report(("一、2023年主要工作", WORK), ("二、存在的不足", PROBLEMS),
                  ("三、2024年工作安排", "2024年，我县将着重抓好以下几项工作：推进执法协调监督；开展规范性文件清理。"))
    plans = [b.text for b in outline_of(text).blocks if b.kind == "plans"]
    assert plans == ["推进执法协调监督", "开展规范性文件清理。"]


def test_a_part_that_cannot_be_placed_is_a_quality_note_not_a_silent_loss():
    from extractor.structure.outline import structure_notes

    text = report(("一、2023年主要工作", WORK), ("二、存在的不足", PROBLEMS), ("三、队伍情况", "全县共有专职人员12名。"),
                  ("四、2024年工作安排", PLANS))
    norm = normalize(text)
    outline = segment(norm)
    assert top(outline)["三"] == "none"
    notes = [n for n in structure_notes(norm, outline) if n.section == "三"]
    assert len(notes) == 1 and "could not be placed" in notes[0].message


def test_a_report_with_no_part_that_can_be_placed_still_yields_metadata_and_quantities_and_one_note(tmp_path):
    from extractor.config import Config
    from extractor.pipeline import extract

    path = tmp_path / "flat.txt"
    path.write_text("白鹭县人民政府关于2023年度法治政府建设情况的报告\n\n市人民政府：\n\n"
                    "2023年，白鹭县持续推进依法行政，全年受理行政复议案件46件，组织执法人员培训4次，"
                    "全县法治政府建设取得新进展，各项工作有序开展，群众满意度不断提升，法治环境持续优化。\n\n"
                    "全县还开展了法治宣传活动，覆盖群众2万余人次，进一步营造了尊法学法守法用法的良好氛围，"
                    "为经济社会发展提供了有力法治保障，推动全县依法行政水平迈上新台阶。\n\n白鹭县人民政府\n\n2024年3月1日\n",
                    encoding="utf-8")
    report = extract(path, Config(backend="rules"))
    assert report.metadata.region == "白鹭县" and report.metadata.report_year == 2023
    assert {m.evidence.quote for m in report.metrics} >= {"46件", "4次", "2万余人次"}
    notes = [n for n in report.quality if n.kind == "structure_uncertain"]
    assert len(notes) == 1 and "no measures part" in notes[0].message


def test_a_topic_heading_that_works_on_the_problems_found_is_not_the_shortcomings_part():
    text = report(("一、2023年主要工作", WORK), ("二、聚焦存在的问题开展整改，推动执法规范化", "全年整改执法问题37个。"),
                  ("三、存在的不足和原因", PROBLEMS), ("四、2024年工作安排", PLANS))
    assert top(outline_of(text))["二"] == "measures"


@pytest.mark.parametrize("heading", [
    "一、2023年党政主要负责人履行推进法治建设第一责任人工作情况",
    "一、区委区政府主要负责同志履行推进法治建设第一责任人职责，统筹推进法治政府建设情况",
])
def test_the_leadership_part_placed_first_is_leadership_not_measures(heading):
    text = report((heading, DUTY), ("二、2023年推进法治政府建设的主要举措和成效", WORK), ("三、存在的不足和原因", PROBLEMS),
                  ("四、2024年工作安排", PLANS))
    assert top(outline_of(text)) == {"一": "leadership", "二": "measures", "三": "shortcomings", "四": "plans"}
