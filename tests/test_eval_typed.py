"""Typed scores, summaries by key terms, causes, sections, floors and attribution: the eval sees the model."""

from __future__ import annotations

import pytest

from evalfixtures import copy, ev, gold_report
from extractor.evaluation import items, scoring
from extractor.evaluation.floors import empty_prediction, majority_prediction
from extractor.evaluation.summaries import SUMMARY_LIMIT, MissingTerms, acceptable, term_recall
from schemas.report import Section

# Not from a seed: a made-up item about a county's mediation work.
QUOTE = "三是深化人民调解工作，全年调解矛盾纠纷860件，调解成功率97%。"
TERMS = ["人民调解", "矛盾纠纷"]


def test_a_lead_clause_and_a_faithful_abstractive_summary_both_carry_the_key_terms():
    assert term_recall("深化人民调解工作", TERMS, QUOTE) == 0.5
    assert term_recall("以人民调解化解矛盾纠纷", TERMS, QUOTE) == 1.0
    assert acceptable(term_recall("深化人民调解工作", TERMS, QUOTE))


def test_garbage_a_copied_item_and_an_invented_number_score_zero():
    assert term_recall("x", TERMS, QUOTE) == 0.0
    assert term_recall("", TERMS, QUOTE) == 0.0
    assert term_recall("人民调解矛盾纠纷" * 8, TERMS, QUOTE) == 0.0  # past SUMMARY_LIMIT
    assert len("人民调解矛盾纠纷" * 8) > SUMMARY_LIMIT
    assert term_recall("人民调解化解矛盾纠纷900件", TERMS, QUOTE) == 0.0  # 900 is not in the item
    assert term_recall("人民调解化解矛盾纠纷860件", TERMS, QUOTE) == 1.0


def test_key_terms_match_across_width_and_script():
    assert term_recall("深化人民調解，化解矛盾糾紛", TERMS, QUOTE) == 1.0


def test_a_gold_item_without_terms_is_an_error_not_a_zero():
    with pytest.raises(MissingTerms):
        term_recall("深化人民调解工作", None, QUOTE)
    gold = gold_report()
    gold.measures[0].summary_terms = None
    with pytest.raises(MissingTerms, match="measures"):
        scoring.score_report(gold, copy(gold))


def test_a_wrong_category_costs_the_typed_f1_but_not_the_span_f1():
    gold, pred = gold_report(), gold_report()
    pred.measures[0].category = "other"
    s = scoring.score_items("measures", gold.measures, pred.measures)
    assert s.f1 == 1.0 and s.typed[2] == pytest.approx(0.75)


def test_a_summary_without_its_terms_costs_the_typed_f1():
    gold, pred = gold_report(), gold_report()
    pred.plans[1].summary = "做好相关工作"
    s = scoring.score_items("plans", gold.plans, pred.plans)
    assert s.f1 == 1.0 and s.typed[2] == pytest.approx(0.5) and s.extra["summary_acceptable"] == 0.5


def test_causes_are_scored_by_span_and_text_and_a_missing_cause_costs_the_problem():
    gold, pred = gold_report(), gold_report()
    assert scoring.score_causes(gold.problems, pred.problems).typed[2] == 1.0
    pred.problems[1].cause, pred.problems[1].cause_evidence = None, None
    causes = scoring.score_causes(gold.problems, pred.problems)
    problems = scoring.score_items("problems", gold.problems, pred.problems)
    assert causes.r == 0.0 and problems.extra["cause_accuracy"] == 0.5 and problems.typed[2] == 0.5
    assert [(m.kind, m.quote) for m in causes.misses] == [("fn", "培训不够")]
    pred.problems[1].cause = "培训不够"  # a cause with no evidence is not a found cause
    assert scoring.score_causes(gold.problems, pred.problems).pred == 0
    pred.problems[1].cause = None
    gold.problems[1].cause_evidence = None  # nor is a gold cause without its evidence
    assert scoring.score_causes(gold.problems, pred.problems).gold == 0
    pred.problems[1].cause, pred.problems[1].cause_evidence = "素质有待提高", ev("素质有待提高")
    assert scoring.score_causes(gold.problems, pred.problems).tp == 0  # another place is another cause


def _sections(*parts: str) -> list[Section]:
    heads = ["### 一、主要举措和成效", "### 二、存在的不足和原因", "### 三、党政主要负责人履行推进法治建设第一责任人职责情况",
             "### 四、2023年工作安排"]
    return [Section(heading=h.lstrip("# "), level=1, ordinal=i + 1, path="一二三四"[i], part=p, evidence=ev(h.lstrip("# ")))
            for i, (h, p) in enumerate(zip(heads, parts))]


def test_the_part_of_each_top_level_section_is_scored_with_who_decided_it():
    gold, pred = gold_report(), gold_report()
    gold.sections = _sections("measures", "shortcomings", "leadership", "plans")
    pred.sections = _sections("measures", "measures", "leadership", "plans")
    pred.sections[1].decided_by = "model"
    s = scoring.score_sections(gold.sections, pred.sections)
    assert s.f1 == 1.0 and s.typed[2] == pytest.approx(0.75)
    assert s.attribution == {"model_items": 1, "model_matched": 1, "model_right": 0,
                             "rules_items": 3, "rules_matched": 3, "rules_right": 3}


def test_an_empty_prediction_scores_zero_on_the_headline_and_a_perfect_one_one():
    gold = gold_report()
    gold.sections = _sections("measures", "shortcomings", "leadership", "plans")
    assert scoring.score_report(gold, empty_prediction(gold)).headline == 0.0
    assert scoring.score_report(gold, copy(gold)).headline == 1.0


def test_a_field_whose_gold_never_varies_is_left_out_of_the_headline():
    a, b = gold_report(), gold_report()
    assert scoring.constant_fields([a, b]) >= {"compliance"}
    pred = copy(a)
    pred.compliance.other.present = True  # wrong, but compliance is the same in every gold of this suite
    assert scoring.score_report(a, pred, constant={"compliance"}).headline == 1.0
    assert scoring.score_report(a, pred).headline < 1.0


def test_the_majority_floor_keeps_gold_spans_but_one_answer_for_everything():
    gold = gold_report()
    floor = majority_prediction(gold, [gold])
    s = scoring.score_items("measures", gold.measures, floor.measures)
    assert s.f1 == 1.0 and s.typed[2] < 0.5
    assert {m.category for m in floor.measures} == {"leadership_coordination"}  # ties go to the first seen
    assert {p.category for p in floor.plans} == {"legal_capacity_publicity"}
    assert {m.indicator for m in floor.metrics} == {None}  # 2 of 6 have none; each key occurs once
    assert {m.summary for m in floor.measures + floor.plans} == {gold.measures[0].summary}  # all differ: the first
    assert {m.name for m in floor.metrics} == {gold.metrics[0].name}


def test_attribution_counts_model_and_rules_items_and_their_accuracy():
    gold, pred = gold_report(), gold_report()
    for m in pred.measures[:2]:
        m.decided_by = "model"
    pred.measures[0].category = "other"
    s = scoring.score_items("measures", gold.measures, pred.measures)
    assert (s.attribution["model_items"], s.attribution["model_right"]) == (2, 1)
    assert (s.attribution["rules_items"], s.attribution["rules_right"]) == (2, 2)


def test_metric_typed_match_needs_the_name_and_the_indicator():
    gold, pred = gold_report(), gold_report()
    pred.metrics[0].indicator = None
    pred.metrics[1].name = "x"
    s = scoring.score_metrics(gold.metrics, pred.metrics)
    assert s.f1 == 1.0 and s.typed_tp == len(gold.metrics) - 2


def test_the_majority_floor_gives_every_top_level_section_the_commonest_gold_part():
    gold = gold_report()
    gold.sections = _sections("plans", "shortcomings", "plans", "plans")
    floor = majority_prediction(gold, [gold])
    assert [s.part for s in floor.sections] == ["plans"] * 4
    assert scoring.score_sections(gold.sections, floor.sections).typed[2] == pytest.approx(0.75)


def test_char_f1_of_an_empty_text_is_zero_unless_both_are_empty():
    assert scoring.char_f1("", "行政复议") == scoring.char_f1("行政复议", "") == 0.0
    assert scoring.char_f1("", " ") == 1.0


def test_gold_checks_count_items_and_quotes_and_clip_long_quotes_only():
    import json

    from evalfixtures import SOURCE
    from extractor.evaluation.goldcheck import clip, gold_problems

    data = json.loads(json.dumps(gold_report().dump(), ensure_ascii=False))
    data["sections"] = [s.model_dump(mode="json") for s in _sections("measures", "shortcomings", "leadership", "plans")]
    found = gold_problems(data, SOURCE)
    items = sum(len(data[k]) for k in ("leadership_duties", "measures", "metrics", "problems", "rectifications", "plans"))
    assert found.problems == [] and found.items == items and found.quotes == items + 4 + 1  # + sections, + a cause
    assert clip("法" * 40) == "法" * 40 and clip("法" * 41) == "法" * 39 + "…"


def test_a_cause_found_at_iou_exactly_one_half_is_at_the_right_place():
    from schemas.report import Evidence

    gold, pred = gold_report(), gold_report()
    g = gold.problems[1].cause_evidence
    pred.problems[1].cause_evidence = Evidence(quote="培训不够。\n\n###", start=g.start, end=g.start + 2 * (g.end - g.start))
    assert items.cause_right(gold.problems[1], pred.problems[1])
    pred.problems[1].cause_evidence = Evidence(quote="培训不够。\n\n###…", start=g.start, end=g.start + 2 * (g.end - g.start) + 1)
    assert not items.cause_right(gold.problems[1], pred.problems[1])


def test_the_rules_floor_is_extracted_by_the_rules_backend_not_taken_from_the_solver():
    from extractor.config import Config
    from extractor.evaluation import suites as evaluate
    from schemas.report import Report

    suite = evaluate.load_suite("seeds")

    def blank(path, config, **kw):
        gold = Report.model_validate_json(suite.gold_path(path.stem).read_text(encoding="utf-8"))
        return empty_prediction(gold)

    result = evaluate.run_suite(suite, Config(backend="rules"), solver=blank)
    assert result.log()["summary"]["headline"]["score"] == 0.0
    assert result.floors["rules"]["headline"]["score"] > 0.7


def test_a_summary_of_exactly_the_limit_is_scored_and_one_more_character_is_not():
    quote = "三是深化人民调解工作" + "，" + "矛盾纠纷" * 20
    exact = "人民调解" + "化" * (SUMMARY_LIMIT - 4)
    assert len(exact) == SUMMARY_LIMIT and term_recall(exact, ["人民调解"], quote) == 1.0
    assert term_recall(exact + "化", ["人民调解"], quote) == 0.0


def test_boundaries_of_the_matching_counts():
    from schemas.report import Evidence

    point = Evidence(quote="", start=5, end=5)
    assert scoring.iou(point, point) == 0.0  # two empty spans never match (and never divide by zero)
    nothing = scoring.MatchScore(tp=0, gold=0, pred=2, typed_tp=0)
    assert nothing.typed == (0.0, 0.0, 0.0) and (nothing.p, nothing.r) == (0.0, 0.0)
    gold, pred = gold_report(), gold_report()
    pred.metrics[2].name = "受理数"  # char-F1 with 行政复议案件受理数 is exactly 0.5: still acceptable
    assert scoring.char_f1(gold.metrics[2].name, pred.metrics[2].name) == 0.5
    named = scoring.score_metrics(gold.metrics, pred.metrics)
    assert named.typed_tp == len(gold.metrics) and named.extra["name_acceptable"] == 1.0


def test_every_gold_summary_carries_its_own_key_terms():
    """CONVENTIONS: the gold summary is itself acceptable under its terms (the oracle must be able to pass)."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "evals" / "gold").glob("*.json")) + sorted((root / "evals" / "layouts" / "gold").glob("*.json"))
    checked = 0
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in ("measures", "problems", "rectifications", "plans", "leadership_duties"):
            for i, item in enumerate(data[key]):
                recall = term_recall(item["summary"], item["summary_terms"], item["evidence"]["quote"])
                assert acceptable(recall), (path.name, key, i, item["summary"], item["summary_terms"])
                checked += 1
    assert checked > 145 * 4
