"""The scorers, on small hand-made reports (tests/evalfixtures.py) and on every finished gold file."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalfixtures import SOURCE, copy, ev, gold_report
from extractor.evaluation import scoring as scoring
from extractor.evaluation.suites import load_suite, read_source
from schemas.report import Evidence, Metric, Report

ROOT = Path(__file__).resolve().parents[1]


def primaries(score: scoring.ReportScore) -> dict[str, float]:
    return {f: v[scoring.primary_key(f)] for f, v in score.numbers().items()}


# ---------------------------------------------------------------- whole reports


def test_perfect_prediction_scores_one_everywhere():
    gold = gold_report()
    numbers = scoring.score_report(gold, copy(gold), SOURCE).numbers()
    for fname, values in numbers.items():
        for key, value in values.items():
            if key not in scoring.COUNT_KEYS:  # among-matches scores are undefined with nothing to match
                assert value == 1.0 or (value is None and values["gold"] == 0), (fname, key)
    assert numbers["overall"]["score"] == 1.0
    assert numbers["grounding"] == {"share": 1.0, "grounded": 15, "checked": 15}


def test_empty_prediction_has_zero_recall():
    gold = gold_report()
    empty = copy(gold).model_copy(update={f: [] for f in (*scoring.ITEM_FIELDS, "metrics")})
    numbers = scoring.score_report(gold, empty, SOURCE).numbers()
    for fname in ("measures", "problems", "plans", "leadership_duties", "metrics"):
        assert numbers[fname]["r"] == 0.0 and numbers[fname]["f1"] == 0.0, fname
    # no rectifications in gold and none predicted: nothing was missed
    assert numbers["rectifications"]["f1"] == 1.0


def test_no_gold_items_and_none_predicted_is_perfect():
    score = scoring.score_items("rectifications", [], [])
    assert (score.p, score.r, score.f1) == (1.0, 1.0, 1.0)


def test_predicting_items_where_gold_has_none_scores_zero():
    gold = gold_report()
    score = scoring.score_items("problems", [], gold.problems)
    assert (score.p, score.r, score.f1) == (0.0, 0.0, 0.0)
    assert [m.kind for m in score.misses] == ["fp", "fp"]


def test_overall_is_mean_of_metadata_and_f1s_and_compliance():
    gold = gold_report()
    pred = copy(gold)
    pred.measures = pred.measures[:2]  # measures F1 = 2/3
    score = scoring.score_report(gold, pred, SOURCE)
    assert score.overall == pytest.approx((7 + 2 / 3) / 8)


# ---------------------------------------------------------------- metadata


def test_one_wrong_metadata_field_lowers_metadata_by_a_tenth():
    gold = gold_report()
    pred = copy(gold)
    pred.metadata.region = "郑州市"
    score = scoring.score_metadata(gold.metadata, pred.metadata)
    assert score.value == pytest.approx(1 - 1 / 10)
    assert [(m.label, m.quote) for m in score.misses] == [("region", "gold=济源市 pred=郑州市")]


def test_predicting_a_value_where_gold_is_null_is_wrong():
    gold = gold_report()
    pred = copy(gold)
    pred.metadata.printed_date = gold.metadata.issue_date
    assert scoring.score_metadata(gold.metadata, pred.metadata).value == pytest.approx(0.9)


def test_doc_number_brackets_and_width_do_not_matter():
    gold = gold_report()
    for printed in ("济政文[2023]9号", "济政文［２０２３］９号", "济政文 〔2023〕 9号", "济政文【2023】9号"):
        pred = copy(gold)
        pred.metadata.doc_number = printed
        assert scoring.score_metadata(gold.metadata, pred.metadata).value == 1.0, printed


def test_metadata_lists_are_sets_and_empty_equals_null():
    gold = gold_report()
    gold.metadata.issuers = ["中共偃师区委", "偃师区人民政府"]
    gold.metadata.signers = None
    pred = copy(gold)
    pred.metadata.issuers = ["偃师区人民政府", "中共偃师区委"]
    pred.metadata.signers = []
    assert scoring.score_metadata(gold.metadata, pred.metadata).value == 1.0


# ---------------------------------------------------------------- item lists


def _shrunk(item, keep: float):
    """The item with its evidence cut to the first `keep` share of the gold span (so IoU = keep)."""
    e = item.evidence
    end = e.start + round((e.end - e.start) * keep)
    return item.model_copy(update={"evidence": Evidence(quote=SOURCE[e.start:end], start=e.start, end=end)})


def test_spans_overlapping_less_than_half_do_not_match():
    gold = gold_report().measures[:1]
    assert scoring.score_items("measures", gold, [_shrunk(gold[0], 0.4)]).tp == 0
    assert scoring.score_items("measures", gold, [_shrunk(gold[0], 0.6)]).tp == 1


def test_duplicate_predictions_lower_precision():
    gold = gold_report().measures
    score = scoring.score_items("measures", gold, [*gold, gold[0]])
    assert (score.tp, score.r, score.p) == (4, 1.0, pytest.approx(4 / 5))
    assert [m.kind for m in score.misses] == ["fp"]


def test_matching_is_one_to_one_best_overlap_first():
    gold = gold_report().measures[:1]
    weak, strong = _shrunk(gold[0], 0.6), _shrunk(gold[0], 0.9)
    score = scoring.score_items("measures", gold, [weak, strong])
    assert score.tp == 1 and score.misses[0].end == weak.evidence.end


def test_wrong_category_is_a_matched_item_with_lower_category_accuracy():
    gold = gold_report()
    pred = copy(gold)
    pred.measures[0].category = "other"
    score = scoring.score_items("measures", gold.measures, pred.measures)
    assert score.f1 == 1.0
    assert score.extra["category_accuracy"] == pytest.approx(3 / 4)
    assert score.misses[0].kind == "wrong" and "leadership_coordination" in score.misses[0].label


def test_summary_similarity_is_character_f1_on_canonical_text():
    assert scoring.char_f1("推进数字政府建设", "推进 数字政府建设") == 1.0
    assert scoring.char_f1("ＡＢ", "AB") == 1.0
    assert scoring.char_f1("数字政府", "数字经济") == pytest.approx(0.5)
    assert scoring.char_f1("", "") == 1.0


def test_misses_carry_quotes():
    gold = gold_report()
    score = scoring.score_items("plans", gold.plans, gold.plans[:1])
    [miss] = score.misses
    assert (miss.kind, miss.quote, miss.label) == ("fn", "二是推进数字政府建设。", "推进数字政府建设")


# ---------------------------------------------------------------- metrics


def _moved(metric: Metric, quote: str, **changes) -> Metric:
    return metric.model_copy(update={"evidence": ev(quote), **changes})


def test_metric_with_same_value_but_elsewhere_does_not_match():
    gold = gold_report().metrics
    four_times = gold[0]
    elsewhere = _moved(four_times, "3次")  # value 4, but pointing at another figure
    score = scoring.score_metrics([four_times], [elsewhere])
    assert score.tp == 0 and sorted(m.kind for m in score.misses) == ["fn", "fp"]


def test_metric_value_must_agree_within_a_thousandth():
    rate = gold_report().metrics[3]  # 12.5% -> 0.125
    assert scoring.score_metrics([rate], [rate.model_copy(update={"value_base": 0.12505})]).tp == 1
    assert scoring.score_metrics([rate], [rate.model_copy(update={"value_base": 0.126})]).tp == 0


def test_metric_units_must_be_compatible():
    count = gold_report().metrics[2]  # 128件
    assert scoring.score_metrics([count], [count.model_copy(update={"base_unit": None})]).tp == 1
    assert scoring.score_metrics([count], [count.model_copy(update={"base_unit": "元"})]).tp == 0
    rate = gold_report().metrics[3]
    assert scoring.score_metrics([rate], [rate.model_copy(update={"base_unit": "%"})]).tp == 1


def test_metric_name_approx_and_indicator_are_reported_among_matches():
    gold = gold_report().metrics
    pred = [m.model_copy(deep=True) for m in gold]
    pred[4].approx = False
    pred[0].indicator = None
    pred[1].name = "政务服务事项数"
    score = scoring.score_metrics(gold, pred)
    assert score.f1 == 1.0
    assert score.extra["approx_accuracy"] == pytest.approx(5 / 6)
    assert score.extra["indicator_accuracy"] == pytest.approx(5 / 6)
    assert score.extra["name_similarity"] < 1.0


# ---------------------------------------------------------------- compliance and grounding


def test_compliance_is_accuracy_over_the_five_parts():
    gold = gold_report()
    pred = copy(gold)
    pred.compliance.other.present = True
    assert scoring.score_compliance(gold, pred).value == pytest.approx(4 / 5)


def test_grounding_checks_quotes_at_their_offsets():
    gold = gold_report()
    pred = copy(gold)
    e = pred.measures[0].evidence
    pred.measures[0].evidence = Evidence(quote=e.quote, start=e.start + 1, end=e.end + 1)
    pred.metrics[0].evidence = Evidence(quote="4次", start=len(SOURCE) - 1, end=len(SOURCE) + 1)
    score = scoring.score_grounding(pred, SOURCE)
    assert (score.grounded, score.checked) == (13, 15)
    assert {m.field for m in score.misses} == {"measures", "metrics"}


def test_grounding_ignores_width_and_page_breaks():
    source = "受理案件\n\n128 件。"
    start = 0
    pred = copy(gold_report())
    pred.metrics = [pred.metrics[2].model_copy(update={
        "evidence": Evidence(quote="受理案件128件", start=start, end=len(source) - 1)})]
    for name in scoring.ITEM_FIELDS:
        setattr(pred, name, [])
    assert scoring.score_grounding(pred, source).share == 1.0


# ---------------------------------------------------------------- suite means


def test_summary_averages_scores_and_sums_counts():
    reports = {
        "a": {"measures": {"f1": 1.0, "tp": 3, "category_accuracy": None}},
        "b": {"measures": {"f1": 0.5, "tp": 1, "category_accuracy": 0.5}},
    }
    assert scoring.summarize(reports) == {"measures": {"f1": 0.75, "tp": 4, "category_accuracy": 0.5}}


# ---------------------------------------------------------------- every finished gold file


SEED_IDS = load_suite("seeds").documents


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_gold_scored_against_itself_is_perfect(seed_id):
    path = ROOT / "evals" / "gold" / f"{seed_id}.json"
    if not path.exists():
        pytest.skip(f"no gold for {seed_id} yet")
    gold = Report.model_validate_json(path.read_text(encoding="utf-8"))
    score = scoring.score_report(gold, copy(gold), read_source(ROOT / "seeds" / f"{seed_id}.txt"))
    assert score.overall == 1.0
    assert all(v == 1.0 for v in primaries(score).values()), primaries(score)
