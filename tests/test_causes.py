"""The causes a report states for its shortcomings (labeling/causes.py): found by cue words, exact spans, matched
to their problem; none where the report states none. Every text here is written for the test, not a seed."""

from extractor.facts.quantities import find_quantities
from extractor.labeling import Labeler
from extractor.labeling.causes import cause_in, is_cause_heading
from extractor.lexicon import causes as cause_cues
from extractor.structure.outline import segment
from extractor.text.normalize import normalize
from schemas.report import Problem
from schemas.responses import ProblemAnswer

HEAD = "某县人民政府关于2024年度法治政府建设情况的报告\n\n一、主要举措和成效\n\n{measures}\n\n二、存在的不足和原因\n\n{problems}\n\n三、2025年工作安排\n\n一是深化行政执法规范化建设；二是加强普法宣传。\n"
MEASURES = "一是由于措施得力，全县行政复议案件办结率明显提升。二是受群众欢迎，公共法律服务站点实现全覆盖。"


def report(problems: str, measures: str = MEASURES):
    text = HEAD.format(measures=measures, problems=problems)
    norm = normalize(text)
    out = Labeler(norm, None, model_metrics=False).run(segment(norm), find_quantities(norm))
    return text, out


def causes_of(problems: list[Problem]) -> list[str | None]:
    return [p.cause for p in problems]


def found(sentence: str) -> tuple[str, str] | None:
    norm = normalize(sentence)
    hit = cause_in(norm.text, 0, len(norm.text))
    if hit is None:
        return None
    start, end = norm.to_orig(*hit.span)
    return sentence[start:end], hit.rule


def assert_exact(text: str, problems: list[Problem]) -> None:
    """Never invented: every cause is the original text at its offsets, inside its own problem or after it."""
    for p in problems:
        if p.cause is not None:
            ev = p.cause_evidence
            assert text[ev.start:ev.end] == ev.quote and ev.quote.strip() == p.cause


def test_cause_after_label_inside_item():
    text, out = report("一是乡镇执法力量仍然不足，主要原因是编制核定偏紧、专业人员流失较多。二是规范性文件报备不够及时。")
    assert causes_of(out.problems) == ["编制核定偏紧、专业人员流失较多。", None]
    assert_exact(text, out.problems)


def test_colon_label_takes_rest_of_item():
    assert found("（二）行政复议应诉能力不强。存在原因：复议人员多为兼职；案件审理培训偏少。") == (
        "复议人员多为兼职；案件审理培训偏少。", "label")


def test_jiu_qi_yuan_yin_with_filler():
    assert found("执法案卷质量不高，究其原因，主要是执法人员对程序规定掌握不牢。") == ("执法人员对程序规定掌握不牢。", "label")


def test_you_yu_clause_is_cause():
    assert found("二是数据共享不畅。由于各部门业务系统标准不一，信息难以互通。") == ("各部门业务系统标准不一", "reason")


def test_shou_ying_xiang_clause():
    assert found("受机构改革影响，部分执法事项交接不够顺畅。") == ("机构改革", "influence")
    assert found("部门主动接受社会监督影响较大。") is None  # the 受 of 接受, not a cause opener


def test_effect_word_takes_clause_before():
    assert found("三是合同审查流于形式。基层法律顾问配备不足，导致审查意见质量不高。") == ("基层法律顾问配备不足", "effect")
    # in the item's first sentence what comes before the effect is the shortcoming itself
    assert found("三是部分执法人员程序意识不强，造成个别案件被复议撤销。") is None


def test_you_yu_in_measures_gives_nothing():
    """Only problems get causes: `由于措施得力，…` and `受群众欢迎` in the measures part are not read."""
    text, out = report("一是执法人员业务能力参差不齐。二是普法宣传的针对性有待提高。")
    assert [p.cause for p in out.problems] == [None, None]
    assert not any(hasattr(m, "cause") for m in out.measures)


def test_report_without_stated_cause_has_no_cause():
    text, out = report("一是部分单位对合法性审核重视不够，审核流于形式。二是行政执法信息化水平不高。")
    assert len(out.problems) == 2 and causes_of(out.problems) == [None, None]
    assert not [n for n in out.quality if n.kind.startswith("cause")]


def test_cause_paragraph_after_list_matched_by_order():
    text, out = report("一是重大行政决策公众参与不够充分。二是行政执法监督力度偏弱。\n\n产生问题的原因：一是部分干部依法决策意识不强；二是执法监督人员配备不足。")
    # the lead-in `产生问题的原因：` is cut off the second problem, whose item it had run into
    assert [p.evidence.quote for p in out.problems] == ["一是重大行政决策公众参与不够充分。", "二是行政执法监督力度偏弱。"]
    assert causes_of(out.problems) == ["部分干部依法决策意识不强", "执法监督人员配备不足。"]
    assert_exact(text, out.problems)


def test_cause_subsection_after_problems():
    problems = ("（一）存在的不足\n\n一是政务公开标准化程度不高；二是公共法律服务供给不均衡；三是普法阵地利用率低。\n\n"
                "（二）原因分析\n\n对法治建设的投入保障还不充分，基层力量薄弱。")
    text, out = report(problems)
    assert len(out.problems) == 3  # the cause paragraph is not a fourth shortcoming
    assert causes_of(out.problems) == ["对法治建设的投入保障还不充分，基层力量薄弱。"] * 3
    assert [n.kind for n in out.quality if n.kind.startswith("cause")] == ["cause_shared"]
    assert_exact(text, out.problems)


def test_cause_units_matched_by_shared_terms_when_counts_differ():
    problems = ("（一）存在的不足\n\n一是行政复议案件审理周期偏长；二是普法宣传形式单一；三是执法文书制作不规范。\n\n"
                "（二）原因分析\n\n一是普法宣传经费投入有限；二是行政复议人员编制不足。")
    _, out = report(problems)
    assert causes_of(out.problems) == ["行政复议人员编制不足。", "普法宣传经费投入有限", None]


def test_mixed_heading_is_not_a_cause_section():
    assert not is_cause_heading("（一）不足及原因")
    assert not is_cause_heading("二、存在的不足和原因")
    assert not is_cause_heading("（一）执法力量薄弱，主要原因是编制不足")
    assert is_cause_heading("（二）原因分析") and is_cause_heading("2.存在问题的原因")


def test_no_cue_no_cause_even_when_heading_says_causes():
    """A `不足及原因` heading with items that state no cue: no cause is guessed."""
    text, out = report("（一）不足及原因\n\n一是法制机构力量薄弱。部分单位重视程度不高，人员配备不合理。")
    assert causes_of(out.problems) == [None]


def test_every_cue_kind_is_loaded_from_the_lexicon():
    cues = cause_cues()
    assert "主要原因是" in cues.labels and cues.labels.index("主要原因是") < cues.labels.index("原因是")
    assert "由于" in cues.reason_openers and "导致" in cues.effect_words and "原因" in cues.heading_words


class CauseModel:
    """A model whose problem answers quote a cause that is not in the report, and summarise with nothing."""

    def ask(self, *, kind, prompt_version, messages, response_model, section=None):
        if response_model is ProblemAnswer:
            return ProblemAnswer(summary="  ", cause_quote="上级财政拨款迟迟没有到位")
        fields = response_model.model_fields
        return response_model(**{k: v for k, v in {"summary": "模型摘要", "category": "other"}.items() if k in fields})


def test_a_model_cause_not_in_the_text_is_refused_and_the_rules_cause_stands():
    text = HEAD.format(measures=MEASURES, problems="一是乡镇执法力量仍然不足，主要原因是编制核定偏紧。二是规范性文件报备不够及时。")
    norm = normalize(text)
    out = Labeler(norm, CauseModel(), model_metrics=False).run(segment(norm), find_quantities(norm))
    assert causes_of(out.problems) == ["编制核定偏紧。", None]
    refused = [n for n in out.quality if n.kind == "model_refused"]
    assert [n.quote for n in refused if "cause" in n.message] == ["上级财政拨款迟迟没有到位"] * 2
    # an empty summary is refused too: the rules' lead clause stands, and a note says so
    assert [p.summary for p in out.problems] == ["乡镇执法力量仍然不足", "规范性文件报备不够及时"]
    assert len([n for n in refused if "summary" in n.message]) == 2


def test_a_problem_summary_leaves_out_the_words_that_state_its_cause():
    _, out = report("一是执法文书制作不够规范，原因在于新招录执法人员培训不足。二是由于经费有限，执法装备更新缓慢。")
    assert [p.summary for p in out.problems] == ["执法文书制作不够规范", "执法装备更新缓慢"]
    assert causes_of(out.problems) == ["新招录执法人员培训不足。", "经费有限"]


def test_cause_paragraph_run_into_the_last_item():
    """`以上问题的原因主要有：…` after the last `二是` item: the item ends before it; one cause for two problems is
    given to both, with a note (the report states them together)."""
    text, out = report("一是普法宣传形式单一。二是执法信息化程度不高。\n\n以上问题的原因主要有：一方面经费投入不足，另一方面专业人才缺乏。")
    assert [p.evidence.quote for p in out.problems] == ["一是普法宣传形式单一。", "二是执法信息化程度不高。"]
    assert causes_of(out.problems) == ["一方面经费投入不足，另一方面专业人才缺乏。"] * 2
    assert [n.kind for n in out.quality if n.kind.startswith("cause")] == ["cause_shared"]
    assert_exact(text, out.problems)


def test_an_items_own_cause_on_its_next_line_stays_in_the_item():
    _, out = report("一是执法力量薄弱。\n主要原因是编制不足。\n二是普法形式单一。")
    assert [(p.evidence.quote, p.cause) for p in out.problems] == [
        ("一是执法力量薄弱。\n主要原因是编制不足。", "编制不足。"), ("二是普法形式单一。", None)]


def test_numbered_cause_subsections_match_numbered_problems_by_order():
    problems = ("（一）存在问题\n\n1.行政复议案件办理周期偏长。\n\n2.执法人员培训不足。\n\n"
                "（二）产生问题的原因\n\n1.复议机构人员编制不足。\n\n2.培训经费保障不到位。")
    _, out = report(problems)
    assert causes_of(out.problems) == ["复议机构人员编制不足。", "培训经费保障不到位。"]


def test_a_cause_clause_in_a_prose_list_belongs_to_the_clause_before_and_the_list_goes_on():
    _, out = report("基层执法力量不足；原因是乡镇编制紧张；普法宣传针对性不强。")
    assert [(p.evidence.quote, p.cause) for p in out.problems] == [
        ("基层执法力量不足", "乡镇编制紧张"), ("普法宣传针对性不强。", None)]


def test_cause_lead_in_on_the_same_line_as_the_last_item():
    text, out = report("一是普法宣传形式单一。二是执法信息化程度不高。以上问题的原因：一是普法经费投入不足；二是信息化专业人才缺乏。")
    assert [(p.evidence.quote, p.cause) for p in out.problems] == [
        ("一是普法宣传形式单一。", "普法经费投入不足"), ("二是执法信息化程度不高。", "信息化专业人才缺乏。")]
    assert_exact(text, out.problems)
