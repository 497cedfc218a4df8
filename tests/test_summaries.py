"""Summaries a reader notices: one that only repeats the section heading (two sibling items with the same
summary) gives way to the item's lead clause, with a note; ASCII commas in Chinese prose become `，`."""

from __future__ import annotations

from extractor.facts.quantities import find_quantities
from extractor.labeling import Labeler, rules
from extractor.structure.outline import segment
from extractor.text.normalize import fullwidth_punctuation, normalize
from madeup import PLAIN
from schemas.responses import MeasureAnswer, PlanAnswer, ProblemAnswer, SummaryAnswer


class EchoModel:
    """Answers every measure with its section's heading as the summary, and other kinds with ASCII commas."""

    def ask(self, *, kind, prompt_version, messages, response_model, section=None):
        if response_model in (MeasureAnswer, PlanAnswer):
            said = "深化政务服务改革" if response_model is MeasureAnswer else "优化营商环境,加强监督"
            return response_model(category="government_functions", summary=said)
        if response_model is ProblemAnswer:
            return ProblemAnswer(summary="执法队伍专业化水平不高,基层力量薄弱", cause_quote=None)
        return response_model.model_validate({"summary": "摘要"}) if response_model is SummaryAnswer else None


def _label(model):
    norm = normalize(PLAIN)
    return Labeler(norm, model, False).run(segment(norm), find_quantities(norm))


def test_a_summary_that_only_repeats_the_section_heading_gives_way_to_the_lead_clause():
    out = _label(EchoModel())
    under = [m for m in out.measures if m.section.endswith("（一）")]
    # the rules' summary: the item's opening phrases within their target (labeling/rules.py)
    assert [m.summary for m in under] == ["精简审批事项，全年取消审批事项12项", "推行告知承诺制，办理承诺事项350件"]
    notes = [n for n in out.quality if n.kind == "heading_as_summary"]
    assert len(notes) == 2 and all(n.quote == "深化政务服务改革" for n in notes)
    assert [m.summary for m in out.measures if m.section.endswith("（二）")] == ["深化政务服务改革"] * 2  # not its heading


def test_model_summaries_get_chinese_commas():
    out = _label(EchoModel())
    assert {p.summary for p in out.plans} == {"优化营商环境，加强监督"}
    assert {p.summary for p in out.problems} == {"执法队伍专业化水平不高，基层力量薄弱"}


def test_fullwidth_punctuation_keeps_numbers_and_latin_text():
    assert fullwidth_punctuation("规范执法行为;共1,000件,时间10:30") == "规范执法行为；共1,000件，时间10:30"
    assert fullwidth_punctuation("see a, b") == "see a, b"


def test_an_item_that_opens_with_its_heading_is_no_echo():
    assert not rules.is_heading_echo("推进依法行政", "（三）推进依法行政", "推进依法行政，完善制度。")
    assert rules.is_heading_echo("推进依法行政。", "（三）推进依法行政", "一是完善行政执法程序。")
