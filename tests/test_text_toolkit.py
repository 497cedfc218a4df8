"""The text toolkit: one definition of sentences, clauses, phrases, paragraphs and Chinese numerals.

Sentences here are made up for the test (no seed text), in the register of the reports."""

from __future__ import annotations

import pytest

from extractor.text.numerals import cn_digits, cn_int, cn_value, int_cn
from extractor.text.sentences import (
    LIST_BOUNDS, PHRASE_BOUNDS, clause_at, clauses, has_clause_break, paragraphs, phrase_after, phrase_before,
    previous_sentence, same_sentence, sentence_at, sentences,
)

TEXT = "全县共办理信访事项46件；办结44件。新建调解组织3个！\n培训执法人员200人次"


def _texts(text, spans):
    return [text[a:b] for a, b in spans]


def test_a_sentence_ends_after_its_mark_or_at_a_line_break_never_at_a_semicolon():
    assert _texts(TEXT, sentences(TEXT)) == ["全县共办理信访事项46件；办结44件。", "新建调解组织3个！", "培训执法人员200人次"]


def test_a_clause_ends_at_a_semicolon_too_and_drops_it():
    assert _texts(TEXT, clauses(TEXT)) == ["全县共办理信访事项46件", "办结44件。", "新建调解组织3个！", "\n培训执法人员200人次"]


def test_top_level_clauses_ignore_a_semicolon_inside_quotes():
    text = "推行“容缺受理；告知承诺”制度；压减材料"
    assert _texts(text, clauses(text, top_level=True)) == ["推行“容缺受理；告知承诺”制度", "压减材料"]
    assert has_clause_break(text, 0, len(text))
    assert not has_clause_break("推行“容缺受理；告知承诺”制度", 0, 15)


def test_sentence_and_clause_around_a_position():
    pos = TEXT.index("44")
    assert TEXT[slice(*sentence_at(TEXT, pos))] == "全县共办理信访事项46件；办结44件。"
    assert TEXT[slice(*clause_at(TEXT, pos))] == "办结44件。"
    assert previous_sentence(TEXT, TEXT.index("200")) == "新建调解组织3个！"
    assert same_sentence(TEXT, TEXT.index("46"), TEXT.index("44"))
    assert not same_sentence(TEXT, TEXT.index("44"), TEXT.index("3个"))


def test_phrases_stop_at_commas_and_list_marks_and_skip_asides():
    text = "全年审查合同(含补充协议)15件、修改3件，另有"
    assert phrase_before(text, text.index("15")) == "全年审查合同"
    assert phrase_before(text, text.index("3件")) == "修改"
    assert phrase_before(text, text.index("3件"), bounds=PHRASE_BOUNDS) == "全年审查合同15件、修改"
    assert phrase_after(text, text.index("另")) == "另有"
    assert "、" in LIST_BOUNDS and "、" not in PHRASE_BOUNDS


def test_a_line_without_a_closing_mark_continues_its_paragraph():
    text = "加强行政执法\n协调监督。\n下一段"
    assert _texts(text, paragraphs(text)) == ["加强行政执法\n协调监督。", "下一段"]


@pytest.mark.parametrize("numeral, value", [
    ("两", 2), ("十二", 12), ("二十", 20), ("三百五十", 350), ("一千零五", 1005), ("一万二千", 12000),
    ("两万", 20000), ("百", 100), ("千", 1000),
])
def test_positional_numerals_have_their_value(numeral, value):
    assert cn_value(numeral) == value


@pytest.mark.parametrize("name", ["七五", "十三五", "二〇", "", "十X"])
def test_digit_strings_and_non_numerals_have_no_value(name):
    assert cn_value(name) is None


def test_years_read_digit_by_digit_and_ordinals_round_trip():
    assert cn_digits("二〇二四") == 2024 and cn_digits("二○一九") == 2019 and cn_digits("2021") == 2021
    assert cn_digits("二十") is None
    for n in range(1, 100):
        assert cn_int(int_cn(n)) == n
    assert cn_int("十十") is None and cn_int("一百") is None and cn_int("12") == 12
