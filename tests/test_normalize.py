from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.text.normalize import canon, normalize

SEEDS = sorted(Path(__file__).resolve().parents[1].joinpath("seeds").glob("*.txt"))


def test_word_split_by_page_break_joins_again():
    n = normalize("全年共办理政务服务事项，按期办结，群众满意度持续提升，办结率为完成\n\n\n\n率达到了很高的水平，全年共办理案件")
    assert "完成率达到" in n.text


def test_number_split_by_page_break_joins_again():
    n = normalize("全年办理行政复议案件，依法纠正违法行为，全市行政复议纠错率为83.\n\n3%，较上年有所下降，各项工作")
    assert "83.3%" in n.text


def test_full_width_digits_and_punctuation_fold_to_half_width():
    assert normalize("共１２３件（含２件）").text == "共123件(含2件)"


def test_markdown_heading_marks_are_dropped_and_heading_keeps_its_line():
    n = normalize("### 一、工作情况\n\n一是加强领导。")
    assert n.text.split("\n") == ["一、工作情况", "一是加强领导。"]


def test_spaces_around_numbers_are_removed():
    assert normalize("142 个事项实现告知承诺办理").text == "142个事项实现告知承诺办理"


def test_sentence_end_keeps_the_paragraph_break():
    assert normalize("第一段结束。\n\n第二段开始").text == "第一段结束。\n第二段开始"


def test_every_seed_maps_each_normalized_character_back_to_the_same_character():
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        n = normalize(text)
        assert len(n.orig) == len(n.text)
        assert n.orig == sorted(n.orig)
        for i, ch in enumerate(n.text):
            if ch != "\n":
                assert canon(text[n.orig[i]]) == ch, (path.name, i)


def test_span_in_normalized_text_maps_to_original_slice_with_same_content():
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        n = normalize(text)
        for a in range(0, len(n.text) - 20, 97):
            start, end = n.to_orig(a, a + 20)
            assert canon(text[start:end]) == canon(n.text[a : a + 20])


def test_find_locates_a_quote_copied_across_a_page_break():
    text = (SEEDS[0]).read_text(encoding="utf-8")
    n = normalize(text)
    span = n.find("承接落实了省下放的341项经济社会管理权限")
    assert span is not None
    assert "\n" in text[span[0] : span[1]]
    assert canon(text[span[0] : span[1]]) == "承接落实了省下放的341项经济社会管理权限"


_chars = st.sampled_from(list("法治政府建设报告一二三0123456789.%，。；：、（）()#  \n\t１２ＡＢ"))


@settings(max_examples=300, deadline=None)
@given(st.lists(_chars, max_size=120).map("".join))
def test_offset_map_is_monotonic_and_points_at_equivalent_characters(text):
    n = normalize(text)
    assert len(n.orig) == len(n.text)
    assert all(0 <= o < len(text) for o in n.orig)
    assert n.orig == sorted(set(n.orig))
    for ch, o in zip(n.text, n.orig):
        if ch != "\n":
            assert canon(text[o]) == ch
        else:
            assert text[o] == "\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(_chars, max_size=80).map("".join), st.data())
def test_any_normalized_span_round_trips_through_original_offsets(text, data):
    n = normalize(text)
    if not n.text:
        return
    a = data.draw(st.integers(0, len(n.text) - 1))
    b = data.draw(st.integers(a + 1, len(n.text)))
    start, end = n.to_orig(a, b)
    assert canon(text[start:end]) == canon(n.text[a:b])
    assert n.norm_span(start, end) == (a, b)


def test_header_lines_keep_their_line_break_even_with_a_list_of_names():
    n = normalize("签发人：张三、李四\n\n关于2023年度法治政府建设情况的报告")
    assert n.text.split("\n") == ["签发人:张三、李四", "关于2023年度法治政府建设情况的报告"]
