"""Items without `一是` markers (numbered sub-headings, or plain paragraphs) and the structure_uncertain note.
Made-up texts, none from a seed."""

from __future__ import annotations

import pytest

from extractor.structure.outline import segment, structure_notes
from extractor.text.normalize import normalize

TITLE = "白河县人民政府关于2023年度法治政府建设情况的报告\n\n市人民政府：\n\n"
REST = "\n\n二、存在的不足\n\n一是执法力量不足；二是法治宣传针对性不强。\n\n三、2024年工作安排\n\n一是深化综合执法改革；二是加强执法监督。\n"


def measures(text: str):
    outline = segment(normalize(text))
    return [(b.path, b.marker, b.text) for b in outline.blocks if b.kind == "measures"]


@pytest.mark.parametrize(
    "first, second, paths",
    [
        ("1.深化政务服务改革。", "2.规范行政执法。", ["一/（一）/1", "一/（一）/2"]),
        ("（1）深化政务服务改革。", "（2）规范行政执法。", ["一/（一）/1/（1）", "一/（一）/1/（2）"]),
        ("①深化政务服务改革。", "②规范行政执法。", ["一/（一）/1/（1）/①", "一/（一）/1/（1）/②"]),
    ],
)
def test_numbered_sub_headings_without_yishi_give_one_item_each_with_its_paragraph(first, second, paths):
    nest = {"1.": "", "（1": "1.推进依法行政\n\n", "①": "1.推进依法行政\n\n（1）重点领域\n\n"}
    lead = next(v for k, v in nest.items() if first.startswith(k))
    text = (TITLE + "一、2023年主要举措\n\n（一）优化营商环境\n\n" + lead
            + f"{first}\n\n全县取消审批事项12项，办理承诺事项350件。\n\n{second}\n\n开展执法案卷评查，评查案卷86卷。" + REST)
    items = measures(text)
    assert [path for path, _, _ in items] == paths
    assert "取消审批事项12项" in items[0][2] and items[0][2].startswith(first[:2])
    assert "评查案卷86卷" in items[1][2]


def test_a_section_with_neither_markers_nor_sub_headings_gives_one_item_per_paragraph():
    text = (TITLE + "一、2023年主要举措\n\n全县取消审批事项12项，办理承诺事项350件。\n\n开展执法案卷评查，评查案卷86卷。\n\n"
            "组织领导干部集中学法4次。" + REST)
    items = measures(text)
    assert len(items) == 3 and all(marker == "" for _, marker, _ in items)
    assert items[1][2] == "开展执法案卷评查，评查案卷86卷。"


def test_a_long_numbered_paragraph_ending_in_a_semicolon_is_an_item_not_prose():
    long_item = "2.乡镇（街道）综合行政执法改革推进不均衡，执法力量和执法能力还不能适应新形势下的执法需要，部分执法人员专业素养有待提升；"
    text = (TITLE + "一、2023年主要举措\n\n全县取消审批事项12项。\n\n二、存在的不足\n\n1.执法力量不足；\n\n" + long_item
            + "\n\n3.法治宣传针对性不强。\n\n三、2024年工作安排\n\n一是深化综合执法改革；二是加强执法监督。\n")
    problems = [b for b in segment(normalize(text)).blocks if b.kind == "problems"]
    assert [b.path for b in problems] == ["二/1", "二/2", "二/3"]


def test_a_long_problem_heading_ending_in_measures_is_a_problem_not_a_rectification():
    text = (TITLE + "一、2023年主要举措\n\n全县取消审批事项12项。\n\n二、存在的不足\n\n（一）考核结果运用不够，缺少落实运用的具体措施\n\n"
            "考核结果与评先评优挂钩不紧。\n\n（二）整改措施\n\n建立考核结果通报制度。" + "\n\n三、2024年工作安排\n\n一是深化综合执法改革。\n")
    kinds = [(b.path, b.kind) for b in segment(normalize(text)).blocks if b.path.startswith("二")]
    assert kinds == [("二/（一）", "problems"), ("二/（二）", "rectifications")]


def test_body_text_without_a_measures_part_gets_a_structure_uncertain_note():
    text = TITLE + "二〇二三年，全县扎实推进法治政府建设。" * 12 + "\n\n一、存在的不足\n\n一是执法力量不足；二是法治宣传针对性不强。\n"
    norm = normalize(text)
    notes = structure_notes(norm, segment(norm))
    assert [n.kind for n in notes] == ["structure_uncertain"]
    assert "no measures part" in notes[0].message and "一 `一、存在的不足`" in notes[0].message


def test_a_part_without_any_item_gets_a_structure_uncertain_note_naming_it():
    text = TITLE + "一、2023年主要举措\n\n全县取消审批事项12项。\n\n二、存在的不足\n\n三、2024年工作安排\n\n一是深化综合执法改革。\n"
    norm = normalize(text)
    notes = structure_notes(norm, segment(norm))
    assert [(n.kind, n.section) for n in notes] == [("structure_uncertain", "二")]


def test_a_well_formed_report_gets_no_structure_note():
    text = TITLE + "一、2023年主要举措\n\n全县取消审批事项12项。" + REST
    norm = normalize(text)
    assert structure_notes(norm, segment(norm)) == []
