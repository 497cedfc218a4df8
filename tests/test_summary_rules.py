"""The rules' summaries (labeling/rules.py `summary`): the item's own opening phrases, lead-ins dropped, cut at a
phrase end near the gold summaries' length; numbers only from the item. Sentences written for the test."""

import re

from extractor.labeling import rules
from extractor.lexicon import lead_ins


def test_time_lead_in_is_dropped():
    assert rules.summary("2023年以来，持续深化行政复议体制改革，提升办案质量。") == "持续深化行政复议体制改革，提升办案质量"
    assert rules.summary("今年以来，推进镇级综合行政执法改革。") == "推进镇级综合行政执法改革"


def test_context_sentence_about_the_year_is_dropped():
    assert rules.summary("2025年是规划收官之年，全面推进法治乡镇建设。") == "全面推进法治乡镇建设"


def test_subject_is_dropped():
    assert rules.summary("一是我局建立行政执法公示平台，公开执法信息。") == "建立行政执法公示平台，公开执法信息"


def test_stance_phrase_is_dropped_when_an_action_follows():
    assert rules.summary("二是深入学习贯彻习近平法治思想，组织领导干部旁听庭审。") == "组织领导干部旁听庭审"
    # alone it is what the item says: kept
    assert rules.summary("三是深入学习贯彻习近平法治思想。") == "深入学习贯彻习近平法治思想"
    # `坚持` followed by its object is an action, not a stance
    assert rules.summary("一是始终坚持党对普法工作的领导，推动普法责任落实。").startswith("始终坚持党对普法工作的领导")


def test_stops_at_a_phrase_end_within_its_target():
    text = "（三）强化基层公共法律服务，建成村级法律服务工作室四十个，开展法律咨询活动，办理法律援助案件。"
    # 10 + 1 + 14 characters would pass the target of 24: the first phrase alone
    assert rules.summary(text) == "强化基层公共法律服务"
    assert rules.summary(text, target=30) == "强化基层公共法律服务，建成村级法律服务工作室四十个"
    assert rules.summary(text, target=60) == text[3:-1]
    assert rules.summary(text, limit=8) == "强化基层公共法律"  # the hard cap cuts even the first phrase


def test_a_slogan_opening_takes_the_next_phrase():
    # a first phrase under six characters says nothing alone: the next comes with it, whatever the target
    assert rules.summary("（二）规范流程，推行重大事项集体决策程序，完善专家论证。", target=8) == "规范流程，推行重大事项集体决策程序"


def test_a_heading_run_into_its_paragraph_ends_a_phrase():
    text = "（四）健全监督体系\n落实行政执法全过程记录制度，开展案卷评查。"
    assert rules.summary(text, heading="（四）健全监督体系") == "健全监督体系，落实行政执法全过程记录制度"
    # without the outline's heading the line break is no boundary (a page break may cut a word)
    assert rules.summary(text).startswith("健全监督体系落实")


def test_numbers_only_from_the_item():
    texts = [
        "一是开展法治培训12场次，培训执法人员860人次，考试合格率98.5%。",
        "2023年以来，累计审查规范性文件37件，纠正问题5个。",
        "（一）推进“一网通办”，政务服务事项网上可办率达到99%。",
    ]
    for text in texts:
        said = rules.summary(text)
        assert said and set(re.findall(r"\d+(?:\.\d+)?", said)) <= set(re.findall(r"\d+(?:\.\d+)?", text))
        assert len(said) <= 60


def test_empty_or_marker_only_item_gives_an_empty_summary():
    assert rules.summary("") == "" and rules.summary("一是") == ""


def test_lead_in_words_are_data():
    words = lead_ins()
    assert "今年以来" in words.time_phrases and "以来" in words.year_suffixes and "" in words.year_suffixes
    assert "我局" in words.subjects and "深入学习贯彻" in words.stance_openers and "坚持" not in words.stance_openers
