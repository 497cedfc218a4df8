"""A model answer is checked before it replaces a rules answer, and a run can leave fields to the rules."""

from __future__ import annotations

import json

import pytest

from extractor.config import MODEL_KINDS, Config
from extractor.errors import ConfigError
from extractor.facts.indicators import key_indicators
from extractor.facts.names import name_quantities
from extractor.facts.quantities import find_quantities
from extractor.labeling import Labeler
from extractor.labeling.parts import part_asker
from extractor.structure.outline import segment
from extractor.structure.parts import PartQuestion, refuse_answer
from extractor.text.normalize import normalize
from schemas.responses import MeasureAnswer, MetricsAnswer, PartAnswer, PlanAnswer, ProblemAnswer

# Made up, not from a seed.
TEXT = """某县人民政府关于2023年度法治政府建设情况的报告

一、主要举措和成效

一是深化行政复议体制改革，全年共收到行政复议申请52件，依法受理47件。二是建成城市书房12家。

二、存在的不足

一是执法队伍力量薄弱；二是普法宣传针对性不强。

三、下一年度工作安排

深化行政复议体制改革；加强普法宣传。
"""


def question(heading: str, opening: str = "一是执法力量不足，二是宣传不够。") -> PartQuestion:
    return PartQuestion(path="二", heading=heading, opening=opening, position=2, total=3, guess="shortcomings",
                        why="undecided: test")


@pytest.mark.parametrize("heading", ["二、工作中存在的问题和不足", "二、2024年工作打算"])
def test_measures_for_a_heading_that_names_shortcomings_or_plans_is_refused(heading):
    assert "measures" in refuse_answer(question(heading), "measures")


def test_none_for_a_section_with_text_is_refused_and_an_empty_one_may_be_none():
    assert refuse_answer(question("二、其他事项"), "none") is not None
    assert refuse_answer(question("二、其他事项", opening=" \n"), "none") is None


def test_answers_that_agree_with_the_section_stand():
    assert refuse_answer(question("二、工作中存在的问题和不足"), "shortcomings") is None
    assert refuse_answer(question("二、坚持依法行政，推进政府职能转变"), "measures") is None


class PartClient:
    def __init__(self, part):
        self.part = part

    def ask(self, *, kind, prompt_version, messages, response_model, section=None):
        return PartAnswer(part=self.part, reason="测试")


def test_a_refused_part_answer_leaves_a_note_and_the_rules_guess_stands():
    notes = []
    assert part_asker(PartClient("none"), notes)(question("二、其他事项")) is None
    assert [n.kind for n in notes] == ["model_refused"] and "`shortcomings` stands" in notes[0].message
    assert part_asker(PartClient("plans"), []) (question("二、其他事项")) == "plans"


class MetricsModel:
    """Names every quantity and answers `indicator: null` for each, as a small model often does."""

    def __init__(self):
        self.kinds = []

    def ask(self, *, kind, prompt_version, messages, response_model, section=None):
        self.kinds.append(kind)
        if response_model is MetricsAnswer:
            ids = [int(i) for i in __import__("re").findall(r"\[(\d+)\]", messages[-1]["content"])]
            return MetricsAnswer(metrics=[{"id": i, "name": "模型给的名称", "indicator": None} for i in ids])
        if response_model in (MeasureAnswer, PlanAnswer):
            return response_model(category="other", summary="模型摘要")
        if response_model is ProblemAnswer:
            return ProblemAnswer(summary="模型摘要")
        return response_model(summary="模型摘要")


def _label(model_kinds=None):
    norm = normalize(TEXT)
    quantities = key_indicators(norm, name_quantities(norm, find_quantities(norm)))
    model = MetricsModel()
    out = Labeler(norm, model, model_metrics=True, categories="model", model_kinds=model_kinds).run(segment(norm), quantities)
    return out, model, quantities


def test_a_null_indicator_from_the_model_never_erases_the_rules_indicator():
    out, _, quantities = _label()
    keyed = {q.quote: q.indicator for q in quantities if q.indicator}
    assert keyed, "the rules key 收到行政复议申请52件 (facts/indicators)"
    for m in out.metrics:
        if m.evidence.quote in keyed:
            assert m.indicator == keyed[m.evidence.quote] and m.decided_by == "model"


def test_model_answers_are_marked_decided_by_model():
    out, _, _ = _label()
    assert {m.decided_by for m in out.measures} == {"model"} and {p.decided_by for p in out.problems} == {"model"}


def test_fields_left_out_of_model_fields_are_decided_by_the_rules_without_a_call():
    out, model, _ = _label(model_kinds=frozenset({"problems"}))
    assert set(model.kinds) == {"problems"}
    assert {m.decided_by for m in out.measures} == {None} and out.measures[0].category != "other"
    assert {p.decided_by for p in out.problems} == {"model"}
    assert all(m.decided_by is None for m in out.metrics)


def test_model_fields_is_validated_and_recorded_only_when_narrowed(tmp_path, monkeypatch):
    monkeypatch.setenv("FAZHI_CHOICES_DIR", str(tmp_path))  # no --choose-fields record
    assert Config.from_env(model_fields="measures, plans").model_kinds == {"measures", "plans"}
    assert "model_fields" not in Config.from_env(backend="openai").describe()  # an endpoint: every kind
    # the embedded model with no record of evidence: nothing asked, recorded (a batch's fingerprint says so)
    assert Config.from_env(backend="local").model_kinds == frozenset()
    assert Config.from_env(backend="local").describe()["model_fields"] == []
    assert "no choice record" in Config.from_env(backend="local").model_fields_note
    # with a record: the kinds it hands to the model
    local = Config.from_env(backend="local")
    local.choices_path().write_text(json.dumps({"model_fields": ["plans", "leadership"]}), encoding="utf-8")
    assert local.model_kinds == {"plans", "leadership"} and local.model_fields_note is None
    # a record that hands the model no field: nothing asked, and the note says the record decided so
    local.choices_path().write_text(json.dumps({"model_fields": []}), encoding="utf-8")
    assert local.model_kinds == frozenset() and "hands this model no field" in local.model_fields_note
    # an endpoint's record that hands it nothing says so too; asked for kinds by name, no note
    endpoint = Config.from_env(backend="openai", base_url="http://127.0.0.1:9/v1", model="m")
    endpoint.choices_path().write_text(json.dumps({"model_fields": []}), encoding="utf-8")
    assert endpoint.model_kinds == frozenset() and "hands this model no field" in endpoint.model_fields_note
    assert Config.from_env(backend="local", model_fields="plans").model_fields_note is None
    assert Config.from_env(backend="local", model_fields="all").model_kinds == set(MODEL_KINDS)
    assert Config.from_env(model_fields="plans").describe()["model_fields"] == ["plans"]
    with pytest.raises(ConfigError, match="summaries"):
        Config.from_env(model_fields="measures,summaries")


def test_the_models_part_answer_is_the_part_recorded_not_the_rules_guess():
    from extractor.structure.parts import TopSection, decide_parts

    sections = [TopSection("一", "一、坚持依法行政，推进政府职能转变", "全县各部门围绕中心工作，做了大量工作。"),
                TopSection("二", "二、存在的不足", "一是执法队伍力量薄弱。")]
    asked = []

    def ask(q):
        asked.append(q.path)
        return "other"

    first, second = decide_parts(sections, 2023, ask)
    assert asked == ["一"] and (first.part, first.decided_by) == ("other", "model")
    assert (second.part, second.decided_by) == ("shortcomings", "rules")


class NumberInventingModel(MetricsModel):
    def ask(self, *, kind, prompt_version, messages, response_model, section=None):
        if response_model is MeasureAnswer:
            return MeasureAnswer(category="other", summary="建成城市书房99家")  # 99 is not in the item
        return super().ask(kind=kind, prompt_version=prompt_version, messages=messages, response_model=response_model,
                           section=section)


def test_a_summary_with_an_invented_number_falls_back_to_the_rules_lead_clause_with_a_note():
    norm = normalize(TEXT)
    out = Labeler(norm, NumberInventingModel(), model_metrics=False, categories="model").run(segment(norm), find_quantities(norm))
    assert all("99" not in m.summary for m in out.measures)
    assert any(m.summary.startswith("建成城市书房") for m in out.measures)
    assert [n.kind for n in out.quality if n.kind == "invented_number"] == ["invented_number"] * len(out.measures)


class BlankSummaryModel(MetricsModel):
    def ask(self, *, kind, prompt_version, messages, response_model, section=None):
        if response_model is MeasureAnswer:
            return MeasureAnswer(category="other", summary="  ")
        return super().ask(kind=kind, prompt_version=prompt_version, messages=messages, response_model=response_model,
                           section=section)


def test_a_blank_model_summary_is_refused_and_the_rules_summary_stands_with_a_note():
    norm = normalize(TEXT)
    out = Labeler(norm, BlankSummaryModel(), model_metrics=False, categories="model").run(segment(norm), find_quantities(norm))
    assert [m.summary for m in out.measures][1] == "建成城市书房12家"
    assert not [n for n in out.quality if n.kind == "invented_number"]
    refused = [n for n in out.quality if n.kind == "model_refused"]
    assert len(refused) == len(out.measures) and all("summary was empty" in n.message for n in refused)


def test_the_rules_summary_is_the_opening_phrases_without_the_marker():
    from extractor.labeling import rules

    # phrases while the summary stays within its target (labeling/rules.py), the marker dropped
    assert rules.summary("一是加强执法监督，开展案卷评查。") == "加强执法监督，开展案卷评查"
    assert rules.summary("（二）推进数字政府建设") == "推进数字政府建设"
    assert rules.lead_clause("一是加强执法监督，开展案卷评查。") == "加强执法监督"


def test_with_a_pool_the_calls_go_through_it_and_progress_names_each_calls_section():
    from concurrent.futures import ThreadPoolExecutor

    class CountingPool(ThreadPoolExecutor):
        submitted = 0

        def submit(self, fn, *args, **kwargs):
            CountingPool.submitted += 1
            return super().submit(fn, *args, **kwargs)

    norm = normalize(TEXT)
    stages = []
    with CountingPool(2) as pool:
        Labeler(norm, MetricsModel(), model_metrics=False, categories="model", pool=pool,
                progress=lambda stage, done, total: stages.append(stage)).run(segment(norm), find_quantities(norm))
    assert CountingPool.submitted == len(stages) > 0
    assert "problems 二" in stages


def test_the_report_year_given_decides_a_section_headed_by_the_next_year_and_a_shortcoming_heading_keeps_its_part():
    from extractor.structure.parts import TopSection, decide_parts

    sections = [TopSection("一", "一、坚持依法行政，推进政府职能转变", ""),
                TopSection("二", "二、存在的薄弱环节和不足", ""),
                TopSection("三", "三、2024年重点任务", "")]
    assert [d.part for d in decide_parts(sections, 2023)] == ["measures", "shortcomings", "plans"]
    assert decide_parts(sections, 2023)[2].scores.get("plans", 0) >= 2  # the year, not position alone
