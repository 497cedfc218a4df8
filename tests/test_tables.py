"""Quantities in plain-text tables (pipe and tab rows): named by the row label, unit from the label's bracket
or the cell, keyed by the prose rules. Texts made up for the test, none from a seed."""

from __future__ import annotations

from extractor.facts.indicators import key_indicators
from extractor.facts.names import name_quantities
from extractor.facts.quantities import find_quantities
from extractor.facts.tables import table_rows, with_tables
from extractor.text.normalize import normalize


def quantities(text: str):
    norm = normalize(text)
    return norm, with_tables(norm, key_indicators(norm, name_quantities(norm, find_quantities(norm))))


PIPE = "全县行政复议主要数据如下：\n\n类别|数量\n行政复议收案数|75\n行政复议审结数|71\n行政诉讼一审案件数|42\n负责人出庭应诉率|96.4%\n\n（三）加强普法。"
TAB = "执法情况如下：\n\n项目\t2024年\n检查企业（家次）\t1208\n罚没款（万元）\t56.7\n\n二、存在的不足"


def test_pipe_table_rows_are_quantities_named_by_their_row_label_and_keyed():
    norm, qs = quantities(PIPE)
    table = {q.name: q for q in qs if q.quote in ("75", "71", "42", "96.4%")}
    assert set(table) == {"行政复议收案数", "行政复议审结数", "行政诉讼一审案件数", "负责人出庭应诉率"}
    assert table["行政复议收案数"].value == 75 and table["行政复议收案数"].unit is None
    assert table["行政复议收案数"].indicator == "admin_reconsideration_received"
    assert table["行政复议审结数"].indicator == "admin_reconsideration_concluded"
    assert table["行政诉讼一审案件数"].indicator == "admin_litigation_cases"
    rate = table["负责人出庭应诉率"]
    assert rate.value_base == 0.964 and rate.base_unit == "ratio" and rate.indicator == "agency_head_court_appearance_rate"
    for q in qs:
        assert norm.original[q.start:q.end] == q.quote


def test_tab_table_takes_the_unit_from_the_label_bracket_and_skips_the_year_header():
    norm, qs = quantities(TAB)
    by_quote = {q.quote: q for q in qs}
    assert "2024" not in by_quote and "2024年" not in by_quote
    checks = by_quote["1208"]
    assert (checks.name, checks.unit, checks.base_unit, checks.value_base) == ("检查企业", "家次", "家次", 1208)
    fines = by_quote["56.7"]
    assert (fines.unit, fines.base_unit, fines.value_base) == ("万元", "元", 567000)
    assert fines.indicator == "fines_and_confiscations"


def test_a_single_line_with_a_pipe_is_no_table_and_prose_numbers_stay_as_they_were():
    text = "全年受理行政复议案件120件|其中纠错9件。"
    assert table_rows(text) == []
    norm = normalize(text)
    base = key_indicators(norm, name_quantities(norm, find_quantities(norm)))
    assert with_tables(norm, base) == base


def test_markdown_rule_lines_are_skipped_and_leading_pipes_make_no_empty_label():
    rows = table_rows("| 指标 | 数值 |\n|---|---|\n| 调解纠纷数 | 380 |\n| 调解成功率 | 97% |\n")
    assert [[c.text for c in r] for r in rows] == [["指标", "数值"], ["调解纠纷数", "380"], ["调解成功率", "97%"]]
