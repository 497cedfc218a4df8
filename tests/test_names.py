"""Metric names from sentence structure (facts/names.py), on sentences written for the test, none from a seed."""

from __future__ import annotations

from extractor.facts.names import name_quantities
from extractor.facts.quantities import find_quantities
from extractor.text.normalize import normalize
from extractor.text.words import is_noun, is_verb, leading_verb


def names(text: str) -> dict[str, str]:
    norm = normalize(text)
    return {q.quote: q.name for q in name_quantities(norm, find_quantities(norm))}


def test_the_object_of_a_jiang_clause_is_what_is_counted():
    got = names("将县直各部门单位行政许可事项统一划入县行政审批服务局278项。")["278项"]
    assert got.endswith("行政许可事项数") and "划入" not in got


def test_a_meeting_counted_in_rounds_is_named_by_the_meeting_with_its_rounds():
    assert names("先后召开县机构改革领导小组组长会两轮，")["两轮"] == "召开县机构改革领导小组组长会轮次"


def test_a_comparison_word_is_no_part_of_a_change_name():
    got = names("全县细颗粒物浓度同比改善1.4个百分点。")["1.4个百分点"]
    assert got == "全县细颗粒物浓度改善"


def test_the_noun_after_the_measure_word_and_what_the_clause_does_with_it():
    assert names("对全县23家机构开展专项检查。")["23家"] == "全县开展专项检查机构数"
    assert names("全年为86家企业开展合规指导，")["86家"] == "开展合规指导企业数"


def test_a_verb_only_clause_counts_the_object_before_it():
    got = names("全县共收到土地征收补偿申请64件，办结59件。")
    assert got["59件"] == "土地征收补偿申请办结数"


def test_a_short_clause_ending_in_a_noun_keeps_its_own_noun():
    assert names("改造老旧小区12.5万平方米，新建道路3.2公里，")["3.2公里"] == "新建道路长度"


def test_parallel_nouns_share_the_words_around_the_first():
    got = names("网格员共采集房屋信息8.2万条，人口信息31万条。")
    assert got["31万条"] == "网格员采集人口信息条数"


def test_a_quoted_name_opening_the_sentence_is_the_topic_of_its_figures():
    got = names("“阳光问政”平台受理群众诉求3150件，按期回复3102件。")
    assert all(name.startswith("“阳光问政”") for name in got.values()), got


def test_a_rate_stated_for_a_list_of_rates_is_named_by_the_list():
    assert names("全县申请材料齐全率、受理及时率均达100%。")["100%"] == "全县申请材料齐全率、受理及时率"


def test_a_short_aside_stays_in_the_name():
    assert names("各乡(镇、街)办理信访事项410件。")["410件"] == "各乡(镇、街)办理信访事项数"


def test_a_measurement_in_a_metric_unit_takes_no_count_suffix():
    assert names("细颗粒物年均浓度20µg/m3，")["20µg/m3"] == "细颗粒物年均浓度"


def test_verbs_come_from_a_general_lexicon_and_compounds_are_parsed():
    assert is_verb("审查") and is_verb("办理") and not is_verb("文件")
    assert is_noun("文件") and not is_noun("办理")
    assert leading_verb("累计代办化解矛盾纠纷") == "累计代办化解"  # adverb + two verbs, no compound listed
    assert leading_verb("组织开展普法活动") == "组织开展"
    assert leading_verb("矛盾纠纷") == ""


def test_a_batch_count_is_named_by_what_follows_up_to_the_next_figure_not_past_it():
    assert names("分三批向园区下放了52项市级审批权限。")["三批"] == "园区下放批次数"
    assert names("分两批向新区移交了18项县级管理事项。")["两批"] == "新区移交批次数"
