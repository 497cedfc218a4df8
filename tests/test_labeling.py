"""Labeling with a stub model: what code decides and what the model decides."""

from extractor.labeling import Labeler
from extractor.text.normalize import normalize
from extractor.facts.quantities import find_quantities
from extractor.structure.outline import segment
from schemas.responses import LeadershipAnswer, MeasureAnswer, PlanAnswer, ProblemAnswer, SummaryAnswer

TEXT = """某市人民政府关于2023年度法治政府建设情况的报告

一、主要举措和成效

（一）其他重点工作

一是全面落实行政执法三项制度，开展行政执法案卷评查。二是市委书记、市长认真履行推进法治建设第一责任人职责。三是建成城市书房12家。

二、存在的不足

一是执法队伍力量薄弱；二是普法宣传针对性不强。

三、下一年度工作安排

深化行政复议体制改革；加强普法宣传。
"""


class StubModel:
    def __init__(self):
        self.kinds = []
        self.asked_for_category = 0

    def ask(self, *, kind, prompt_version, messages, response_model, section=None):
        self.kinds.append(kind)
        if response_model is MeasureAnswer or response_model is PlanAnswer:
            self.asked_for_category += 1
            return response_model(category="emergency_response", summary="模型摘要")
        if response_model is SummaryAnswer:
            return SummaryAnswer(summary="模型摘要")
        if response_model is ProblemAnswer:
            return ProblemAnswer(summary="模型摘要", cause_quote=None)
        if response_model is LeadershipAnswer:
            return LeadershipAnswer(summary="主要负责人带头学法")
        raise AssertionError(response_model)


def label(categories):
    norm = normalize(TEXT)
    model = StubModel()
    out = Labeler(norm, model, model_metrics=False, categories=categories).run(segment(norm), find_quantities(norm))
    return out, model


def test_model_categories_are_kept_in_model_mode():
    out, _ = label("model")
    assert [m.category for m in out.measures] == ["emergency_response"] * 3


def test_hybrid_keeps_keyword_categories_and_the_models_where_no_keyword_occurs():
    out, model = label("hybrid")
    # 执法/三项制度 and 第一责任人 name their area; 城市书房 names none, so the model's answer stands.
    assert [m.category for m in out.measures] == ["law_enforcement", "leadership_coordination", "emergency_response"]
    assert [m.summary for m in out.measures] == ["模型摘要"] * 3
    # the model was asked for a category only where code had none
    assert model.asked_for_category == 1


def test_leadership_sentences_are_chosen_by_code_and_summarised_by_the_model():
    out, model = label("model")
    assert [d.evidence.quote for d in out.leadership_duties] == ["二是市委书记、市长认真履行推进法治建设第一责任人职责。"]
    assert out.leadership_duties[0].summary == "主要负责人带头学法"
    # calls of one kind run back to back, so their shared prompt prefix stays cached
    assert model.kinds == sorted(model.kinds, key=["measures", "leadership", "problems", "rectifications", "plans"].index)


def test_quantities_keep_their_parsed_values_and_spans():
    out, _ = label("model")
    assert [(m.value, m.unit, m.evidence.quote) for m in out.metrics] == [(12.0, "家", "12家")]

