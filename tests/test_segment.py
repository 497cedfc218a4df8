"""The outline (headings → sections → required parts) and the enumerated items (blocks) of a report."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.text.normalize import normalize
from extractor.structure.outline import Outline, is_report, segment


def outline_of(text: str) -> Outline:
    return segment(normalize(text))


@pytest.fixture
def seed_outline(seed_text):
    return lambda name: outline_of(seed_text(name))


def top_parts(outline: Outline) -> dict[str, str]:
    return {s.path: s.part for s in outline.sections if s.level == 1}


def kinds(outline: Outline) -> dict[str, int]:
    return dict(Counter(b.kind for b in outline.blocks))


def texts(outline: Outline, kind: str) -> list[str]:
    return [b.text for b in outline.blocks if b.kind == kind]


# --------------------------------------------------------------------------- parts of every seed
@pytest.mark.parametrize(
    "seed, parts",
    [
        ("000", {"一": "measures", "二": "shortcomings", "三": "plans"}),
        # 001's header is cut off; its 一 is an explicit 第一责任人 part.
        ("001", {"一": "leadership", "二": "measures", "三": "shortcomings", "四": "plans"}),
        ("002", {"一": "measures", "二": "shortcomings", "三": "plans"}),
        # 003's 二 combines shortcomings with their causes （一） and fixes （二）; 三 is a 谋划.
        ("003", {"一": "measures", "二": "shortcomings", "三": "plans"}),
        ("004", {"一": "measures", "二": "shortcomings", "三": "plans"}),
    ],
)
def test_every_top_level_part_of_every_seed_maps_to_its_required_part(seed_outline, seed, parts):
    assert top_parts(seed_outline(seed)) == parts


def test_subsections_keep_part_none_because_part_belongs_to_top_level_sections(seed_outline):
    for seed in ("000", "001", "002", "003", "004"):
        assert {s.part for s in seed_outline(seed).sections if s.level > 1} == {"none"}


def test_section_paths_use_full_width_brackets_and_arabic_numbers_whatever_the_print(seed_outline):
    # 000 prints （六） half-width as (六); 001 prints all of them half-width.
    assert [s.path for s in seed_outline("000").sections] == [
        "一", "一/（一）", "一/（二）", "一/（三）", "一/（四）", "一/（五）", "一/（六）", "一/（七）", "二", "三",
    ]
    assert [s.path for s in seed_outline("001").sections if s.level == 2][:2] == ["二/（一）", "二/（二）"]


def test_numbered_items_are_level_three_sections_numbered_as_printed_across_subsections(seed_outline):
    level3 = [s for s in seed_outline("004").sections if s.level == 3]
    assert [s.ordinal for s in level3] == list(range(1, 17))
    assert level3[3].path == "一/（二）/4"  # 4 continues the numbering of （一）'s 1–3
    assert level3[3].heading == "4.着力提高行政立法质量。"


def test_markdown_marks_do_not_decide_the_level(seed_outline):
    # 000: `### 一、`, `#### （一）`, `## （二）`, `### （三）`, `## 二、` — the marker decides.
    levels = {s.path: s.level for s in seed_outline("000").sections}
    assert levels["一"] == levels["二"] == levels["三"] == 1
    assert levels["一/（二）"] == levels["一/（三）"] == 2
    assert "##" not in "".join(s.heading for s in seed_outline("000").sections)


def test_item_markers_inside_paragraphs_are_not_sections(seed_outline):
    assert all(s.level <= 3 for s in seed_outline("000").sections)
    assert not any("是" == s.heading[1:2] for s in seed_outline("001").sections)


def test_heading_that_runs_into_its_paragraph_ends_at_the_first_full_stop(seed_outline):
    sec = next(s for s in seed_outline("002").sections if s.path == "一/（三）")
    assert sec.heading == "（三）加强规范性文件和政府合同审查力度，保证政策决策合法合规。"


def test_heading_split_by_a_page_break_takes_its_last_word_from_the_next_line(seed_outline):
    sec = next(s for s in seed_outline("002").sections if s.path == "一/（四）")
    assert sec.evidence.quote == "（四）坚持常态化的案件受理制度，提升复议应诉工作\n\n成效。"
    assert sec.heading == "（四）坚持常态化的案件受理制度，提升复议应诉工作成效。"


def test_a_full_sentence_after_a_standalone_heading_is_not_taken_for_its_tail():
    outline = outline_of("一、主要举措和成效\n\n法治建设。\n\n二、存在问题\n\n人员不足。\n")
    assert [s.heading for s in outline.sections] == ["一、主要举措和成效", "二、存在问题"]
    assert texts(outline, "problems") == ["人员不足。"]


def test_section_body_runs_from_its_heading_to_the_next_heading_at_the_same_or_higher_level(seed_text):
    text = seed_text("000")
    sections = {s.path: s for s in outline_of(text).sections}
    one = sections["一"].body
    assert one.quote.startswith("一、2022年法治政府建设工作情况")
    assert one.quote.endswith("办结率 99.7%。")
    assert sections["一/（七）"].body.end == one.end
    assert text[one.end : sections["二"].evidence.start].strip() == "##"


def test_last_section_body_stops_before_the_closing_lines(seed_outline):
    plans = next(s for s in seed_outline("002").sections if s.path == "三")
    assert plans.body.quote.endswith("为全区经济社会发展提供坚强的法治保障。")
    assert "特此报告" not in plans.body.quote


def test_every_section_and_block_quote_is_the_original_slice_at_its_offsets(seed_paths):
    for path in seed_paths:
        text = path.read_bytes().decode("utf-8")
        outline = outline_of(text)
        for s in outline.sections:
            assert text[s.evidence.start : s.evidence.end] == s.evidence.quote
            assert text[s.body.start : s.body.end] == s.body.quote
            assert s.body.start == s.evidence.start and s.body.end >= s.evidence.end
        for b in outline.blocks:
            assert text[b.start : b.end] == b.text, (path.name, b.path)
            assert b.text == b.text.strip() and not b.text.endswith(("；", ";"))


# --------------------------------------------------------------------------- blocks per seed
@pytest.mark.parametrize(
    "seed, counts",
    [
        ("000", {"measures": 32, "problems": 5, "plans": 5}),
        ("001", {"leadership": 3, "measures": 21, "problems": 3, "plans": 4}),
        # 002's plans lead-in `…争创法治政府建设示范区。` precedes 一是: context, not an item.
        ("002", {"measures": 7, "problems": 3, "plans": 6}),
        ("003", {"measures": 16, "problems": 3, "rectifications": 3, "plans": 5}),
        ("004", {"measures": 16, "problems": 3, "plans": 3}),
    ],
)
def test_block_counts_per_seed(seed_outline, seed, counts):
    assert kinds(seed_outline(seed)) == counts


def test_000_measures_are_the_yishi_pieces_of_each_subsection(seed_outline):
    blocks = [b for b in seed_outline("000").blocks if b.kind == "measures"]
    assert Counter(b.path for b in blocks) == {
        "一/（一）": 3, "一/（二）": 7, "一/（三）": 5, "一/（四）": 5, "一/（五）": 3, "一/（六）": 4, "一/（七）": 5,
    }
    assert blocks[0].marker == "一是" and blocks[0].heading == "（一）强化法治政府建设统筹协调"
    # A piece runs across a page break and over an un-marked paragraph up to the next marker.
    six_two = next(b for b in blocks if b.path == "一/（六）" and b.marker == "二是")
    assert six_two.text.startswith("二是健全多元化纠纷解决机制。") and six_two.text.endswith("出具体检报告 62 份。")
    assert "\n\n村居法律顾问" in six_two.text


def test_000_inline_problems_end_before_their_semicolon_and_the_last_keeps_its_full_stop(seed_outline):
    problems = texts(seed_outline("000"), "problems")
    assert problems[0].startswith("一是镇人民政府（街道办事处）") and problems[0].endswith("争先创优意识不强")
    assert problems[4] == "五是营商环境亟需进一步优化，企业群众的获得感和满意度有待提升。"


def test_000_plans_paragraph_gives_one_block_per_semicolon_clause(seed_outline):
    plans = texts(seed_outline("000"), "plans")
    assert plans[1] == "严格履行重大行政决策程序，提高行政决策水平"
    assert plans[3] == "进一步加强府院联动工作，促进行政争议实质性化解"
    assert plans[4].endswith("全面建设社会主义现代化济源提供坚强法治保障。")


def test_001_leadership_part_without_markers_gives_one_block_per_sentence(seed_outline):
    leadership = texts(seed_outline("001"), "leadership")
    assert [t[:9] for t in leadership] == ["市委市政府高度重视", "2023年组织市委", "市委常委会每半年听"]
    assert all(t.endswith("。") for t in leadership)


def test_001_subsection_without_items_is_one_block_with_its_heading_and_its_cause(seed_outline):
    blocks = [b for b in seed_outline("001").blocks if b.kind == "problems"]
    assert blocks[0].marker == "（一）" and blocks[0].path == "三/（一）"
    assert blocks[0].text == (
        "(一)法治工作队伍建设亟需加强\n法治工作任务重,专业人员少,与实际工作需要还有差距。\n"
        "存在原因:编制招录人数跟不上工作任务需求和当前形势变化;部分乡镇(街道)法治审核人员不足,执法力量薄弱。"
    )


def test_001_plans_lead_paragraph_is_not_an_item(seed_outline):
    plans = texts(seed_outline("001"), "plans")
    assert [t[:2] for t in plans] == ["一是", "二是", "三是", "四是"]


def test_002_subsections_with_and_without_items(seed_outline):
    measures = [b for b in seed_outline("002").blocks if b.kind == "measures"]
    assert [(b.path, b.marker) for b in measures] == [
        ("一/（一）", "（一）"), ("一/（二）", "一是"), ("一/（二）", "二是"), ("一/（二）", "三是"),
        ("一/（三）", "（三）"), ("一/（四）", "（四）"), ("一/（五）", "（五）"),
    ]
    assert measures[0].text.startswith("（一）强化党对法治政府建设工作的领导，努力开创法治政府建设新局面。制定了")


def test_003_fixes_under_a_zhenggai_subsection_are_rectifications(seed_outline):
    blocks = seed_outline("003").blocks
    assert {b.path for b in blocks if b.kind == "problems"} == {"二/（一）"}
    rect = [b for b in blocks if b.kind == "rectifications"]
    assert [b.path for b in rect] == ["二/（二）"] * 3
    assert rect[1].text == "二是充实行政执法队伍，注入新鲜年轻力量，确保执法人员数量与执法实际要求相匹配，高质高量高效地完成执法任务。"


def test_003_intro_sentence_before_the_first_yishi_is_not_an_item(seed_outline):
    five = [b for b in seed_outline("003").blocks if b.path == "一/（五）"]
    assert [b.marker for b in five] == ["一是", "二是", "三是", "四是"]


def test_004_numbered_items_include_their_heading_sentence(seed_outline):
    measures = [b for b in seed_outline("004").blocks if b.kind == "measures"]
    assert [b.marker for b in measures] == [f"{n}." for n in range(1, 17)]
    assert measures[10].text == "11. 扎实开展“理旧账”大起底。确定32个老大难事项,责任到人,台账管理,销号解决,人民日报给予了报道。"
    assert measures[10].path == "一/（四）/11" and measures[10].heading == "(四)不断优化法治化营商环境。"


def test_004_plans_paragraph_without_semicolons_gives_one_block_per_sentence(seed_outline):
    plans = texts(seed_outline("004"), "plans")
    assert plans[0].startswith("2021 年是“十四五”规划开局之年") and "\n\n的十九届五中全会" in plans[0]
    assert plans[1].startswith("进一步加强党对法治政府建设的领导")
    assert plans[2].endswith("为运城高质量转型发展提供坚强的法治保障。")


# --------------------------------------------------------------------------- small excerpts
def test_line_start_numbers_in_all_three_styles_are_level_three():
    outline = outline_of("一、工作安排\n1. 加强学习。\n2、强化考核。\n3．推进执法。\n")
    assert [(s.path, s.level) for s in outline.sections] == [("一", 1), ("一/1", 3), ("一/2", 3), ("一/3", 3)]


def test_a_number_at_a_line_start_is_not_an_item_heading():
    outline = outline_of("一、主要举措和成效\n全年办理案件共计\n1.5万件，同比增长。\n")
    assert [s.path for s in outline.sections] == ["一"]


def test_an_ordinal_smaller_than_the_last_is_not_a_heading():
    outline = outline_of("一、主要举措和成效\n（一）加强领导\n法治。\n（二）强化考核\n法治。\n（一）重复的编号\n法治。\n")
    assert [s.path for s in outline.sections] == ["一", "一/（一）", "一/（二）"]


def test_words_ending_in_yi_shi_are_not_item_markers():
    outline = outline_of("二、存在的问题\n统一是重点。一是人员不足；二是经费紧张。\n")
    assert texts(outline, "problems") == ["一是人员不足", "二是经费紧张。"]


def test_plans_in_brackets_are_not_split_at_their_inner_semicolons():
    outline = outline_of("三、下一步工作安排\n加强学习（含培训；考试）；推进执法。\n")
    assert texts(outline, "plans") == ["加强学习（含培训；考试）", "推进执法。"]


# --------------------------------------------------------------------------- is_report
def test_every_seed_is_a_report(seed_paths):
    for path in seed_paths:
        text = path.read_bytes().decode("utf-8")
        norm = normalize(text)
        assert is_report(norm, segment(norm)), path.name


@pytest.mark.parametrize(
    "text",
    [
        "# README\n\nInstall with pip.\n\n## Usage\n\nRun the tool.\n",
        "今天天气很好，我们去公园散步。\n一、存在问题\n公园里人太多。\n",
        "会议纪要\n一、参会人员\n张三、李四。\n二、会议内容\n讨论了预算。\n",
    ],
)
def test_text_that_is_clearly_not_such_a_report_is_recognised(text):
    norm = normalize(text)
    assert not is_report(norm, segment(norm))


# --------------------------------------------------------------------------- properties
# seed_text is a stateless loader, so sharing it across generated inputs is safe.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(["000", "001", "002", "003", "004"]), cut=st.floats(0.0, 1.0))
def test_any_prefix_of_a_seed_segments_with_exact_slices(seed_text, seed, cut):
    # A report cut anywhere (a missing last page) still yields spans that are the original slices,
    # blocks inside the body of the section they name.
    full = seed_text(seed)
    text = full[: int(len(full) * cut)]
    outline = outline_of(text)
    bodies = {s.path: s.body for s in outline.sections}
    for s in outline.sections:
        assert text[s.evidence.start : s.evidence.end] == s.evidence.quote
    for b in outline.blocks:
        assert text[b.start : b.end] == b.text and b.text
        assert bodies[b.path].start <= b.start and b.end <= bodies[b.path].end


def test_a_quote_mark_lost_by_ocr_does_not_stop_clause_splitting():
    outline = outline_of("三、下一步工作安排\n开展“法治宣传；推进执法；加强学习。\n")
    assert texts(outline, "plans") == ["开展“法治宣传", "推进执法", "加强学习。"]


def test_ocr_doubled_ten_in_a_heading_does_not_crash_segmentation():
    from extractor.text.numerals import cn_int
    from extractor.text.normalize import normalize
    from extractor.structure.outline import segment

    assert cn_int("十十") is None and cn_int("二十十") is None and cn_int("十二") == 12
    outline = segment(normalize("一、主要举措和成效\n\n一是加强领导。\n\n十十、其他需要报告的情况\n\n无。\n"))
    assert outline.sections[0].part == "measures"
