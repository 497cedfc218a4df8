"""Metadata from the header and closing lines, and the document-level quality notes."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.structure.metadata import extract_metadata
from extractor.text.normalize import normalize
from extractor.structure.outline import segment

EXPECTED = {
    "000": dict(
        title="济源市人民政府关于2022年度法治政府建设情况的报告", issuers=["济源市人民政府"], region="济源市",
        admin_level="city", report_year=2022, doc_number="济政文〔2023〕9号", signers=["庄建球"],
        recipients=["省人民政府"], issue_date=None, printed_date=date(2023, 5, 8),
    ),
    "001": dict(
        title=None, issuers=None, region="登封市", admin_level="county", report_year=2023, doc_number=None,
        signers=None, recipients=["市人民政府"], issue_date=date(2024, 2, 28), printed_date=None,
    ),
    "002": dict(
        title="中共偃师区委偃师区人民政府关于2022年度法治政府建设情况的报告",
        issuers=["中共偃师区委", "偃师区人民政府"], region="洛阳市偃师区", admin_level="county", report_year=2022,
        doc_number="偃文〔2023〕12号", signers=["赵玉勋"], recipients=None, issue_date=date(2023, 3, 22),
        printed_date=None,
    ),
    "003": dict(
        title="郑州市惠济区人民政府关于2021年度法治政府建设情况的报告", issuers=["郑州市惠济区人民政府"],
        region="郑州市惠济区", admin_level="county", report_year=2021, doc_number=None, signers=None,
        recipients=None, issue_date=None, printed_date=None,
    ),
    "004": dict(
        title="中共运城市委运城市人民政府关于2020年法治政府建设情况的报告", issuers=["中共运城市委", "运城市人民政府"],
        region="运城市", admin_level="city", report_year=2020, doc_number="运字〔2021〕6号", signers=["丁小强", "储祥好"],
        recipients=["省委", "省政府"], issue_date=None, printed_date=date(2021, 2, 4),
    ),
}


def metadata_of(text: str):
    norm = normalize(text)
    return extract_metadata(norm, segment(norm))


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_metadata_of_every_seed(seed_text, seed):
    meta, _ = metadata_of(seed_text(seed))
    assert meta.model_dump() == EXPECTED[seed]


def test_title_spanning_two_lines_is_joined_without_spaces(seed_text):
    # 004: `中共运城市委 运城市人民政府` / `关于2020年法治政府建设情况的报告`; the letterhead above is not title.
    meta, _ = metadata_of(seed_text("004"))
    assert meta.title == "中共运城市委运城市人民政府关于2020年法治政府建设情况的报告"


def test_printing_office_line_is_neither_issuer_nor_issue_date(seed_text):
    # 000 closes with `济源市人民政府办公室` / `2023年5月8日印`: the office prints, the government issues.
    meta, _ = metadata_of(seed_text("000"))
    assert meta.issuers == ["济源市人民政府"] and meta.issue_date is None and meta.printed_date == date(2023, 5, 8)


def test_nothing_is_guessed_when_the_header_is_cut_off(seed_text):
    meta, _ = metadata_of(seed_text("001"))
    assert (meta.title, meta.issuers, meta.doc_number, meta.signers) == (None, None, None, None)


# --------------------------------------------------------------------------- quality notes
def test_header_cut_off_is_noted_with_the_first_line(seed_text):
    _, notes = metadata_of(seed_text("001"))
    assert [(n.kind, n.quote) for n in notes] == [("header_truncated", "市人民政府:")]


def test_page_gap_in_004_plans_is_one_page_gap_note(seed_text):
    # The text jumps mid-sentence (`…进军的第一` / `的十九届…`) and carries on to the 印发 line: one defect,
    # one note (CONVENTIONS.md, quality notes).
    _, notes = metadata_of(seed_text("004"))
    assert [(n.kind, n.section, n.quote) for n in notes] == [("page_gap", "三", "进军的第一")]


@pytest.mark.parametrize("seed", ["000", "002", "003"])
def test_complete_reports_get_no_quality_notes(seed_text, seed):
    # 000 ends in a print line and `---`, 003 in a plans paragraph: neither stops mid-sentence, and
    # their page breaks inside sentences (`341项|经济社会`, `应急预|案`) lose no text.
    _, notes = metadata_of(seed_text(seed))
    assert notes == []


def test_text_that_stops_mid_sentence_is_noted(seed_text):
    text = seed_text("003")
    cut = text[: text.index("将矛盾纠纷化解在萌芽状态")]
    _, notes = metadata_of(cut)
    assert [(n.kind, n.section) for n in notes] == [("text_truncated", "三/（五）")]
    assert notes[0].quote.endswith("综合机制，")


# --------------------------------------------------------------------------- small excerpts
_REPORT = (
    "{letterhead}\n\n{number}\n\n签发人：{signers}\n\n{title}\n\n{to}\n\n"
    "2022年，{place}坚持依法行政，扎实推进法治政府建设。现将有关情况报告如下：\n\n"
    "一、主要举措和成效\n\n一是加强领导。\n\n二、存在的不足\n\n人员不足。\n\n三、下一步工作安排\n\n加强学习。\n\n"
    "{closing}\n"
)


def _report(**kw) -> str:
    values = dict(letterhead="", number="", signers="", title="", to="", place="某市", closing="")
    values.update(kw)
    return _REPORT.format(**values)


def test_signers_on_one_line_are_split_at_the_enumeration_comma():
    meta, _ = metadata_of(_report(signers="张三、李四"))
    assert meta.signers == ["张三", "李四"]


def test_closing_date_in_chinese_numerals_is_the_issue_date():
    meta, _ = metadata_of(_report(closing="特此报告。\n\n某县人民政府\n\n二〇二三年三月二十二日"))
    assert meta.issue_date == date(2023, 3, 22) and meta.printed_date is None


def test_issuers_come_from_the_signature_when_the_title_has_no_guanyu():
    meta, _ = metadata_of(_report(title="2022年度法治政府建设年度报告", closing="特此报告。\n\n某县人民政府\n\n2023年3月1日"))
    assert meta.title == "2022年度法治政府建设年度报告"
    assert meta.issuers == ["某县人民政府"] and meta.region == "某县" and meta.admin_level == "county"


def test_issuers_printed_without_a_space_are_still_split():
    meta, _ = metadata_of(_report(title="中共某县委某县人民政府关于2022年度法治政府建设情况的报告"))
    assert meta.issuers == ["中共某县委", "某县人民政府"]


def test_a_city_reporting_to_a_city_government_is_county_level():
    meta, _ = metadata_of(_report(title="登封市人民政府关于2022年度法治政府建设情况的报告", to="郑州市人民政府："))
    assert (meta.region, meta.admin_level, meta.recipients) == ("登封市", "county", ["郑州市人民政府"])


def test_a_city_reporting_to_the_province_is_prefecture_level():
    meta, _ = metadata_of(_report(title="洛阳市人民政府关于2022年度法治政府建设情况的报告", to="省委、省政府："))
    assert (meta.region, meta.admin_level, meta.recipients) == ("洛阳市", "city", ["省委", "省政府"])


def test_a_province_and_a_department_get_their_levels():
    province, _ = metadata_of(_report(title="河南省人民政府关于2022年度法治政府建设情况的报告"))
    assert (province.region, province.admin_level) == ("河南省", "province")
    department, _ = metadata_of(_report(title="郑州市司法局关于2022年度法治政府建设工作情况的报告"))
    assert (department.issuers, department.region, department.admin_level) == (["郑州市司法局"], "郑州市", "department")


def test_document_number_keeps_its_brackets_as_printed():
    meta, _ = metadata_of(_report(title="某县人民政府关于2022年度法治政府建设情况的报告", number="某政〔2023〕 15 号"))
    assert meta.doc_number == "某政〔2023〕15号"


def test_region_falls_back_to_the_opening_sentence_only_when_nothing_else_names_a_place():
    meta, _ = metadata_of(_report(place="登封市"))
    assert meta.region == "登封市"
    meta, _ = metadata_of(_report(place="我市"))
    assert meta.region is None and meta.admin_level is None


def test_sibling_headings_that_skip_a_number_are_a_page_gap(seed_text):
    text = seed_text("000")
    cut = text[: text.index("#### （五）")] + text[text.index("#### (六)") :]  # drop （五）
    _, notes = metadata_of(cut)
    assert [(n.kind, n.section) for n in notes] == [("page_gap", "一/（六）")]
    assert "一/（四）" in notes[0].message


def test_a_street_office_signature_closes_the_report_and_is_not_a_cut_off_sentence():
    """A 街道办事处 (the government of a street) signs like any body: a closing `…街道办事处` line above the
    date is part of the closing block, so the body does not "end mid-sentence" there."""
    meta, notes = metadata_of(
        _report(title="关于2023年度法治政府建设情况的报告", closing="青川市东城区柳湾街道办事处\n\n2024年1月20日")
    )
    assert [n.kind for n in notes if n.kind == "text_truncated"] == []
    assert str(meta.issue_date) == "2024-01-20"
