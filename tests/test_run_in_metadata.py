"""Metadata of a report whose line breaks were removed (all of it one line): the run-together header and closing.
Texts are made up, laid out as GB/T 9704 prints a report (letterhead, number, signers, title, addressee)."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.structure.metadata import extract_metadata
from extractor.structure.outline import segment
from extractor.structure.run_in import closing_dates
from extractor.text.normalize import normalize

LINED = (
    "白河市人民政府文件\n\n白政文〔2024〕7号\n\n签发人：王明远\n\n"
    "白河市人民政府关于2023年度法治政府建设工作情况和2024年工作安排的报告\n\n省人民政府：\n\n"
    "2023年，白河市坚持依法行政，全年审查规范性文件21件。\n\n一、主要举措和成效\n\n一是完善制度；二是规范执法。\n\n"
    "二、存在的不足\n\n一是队伍不强；二是宣传不够。\n\n三、2024年工作安排\n\n一是加强监督；二是深化普法。\n\n特此报告。\n\n"
    "白河市人民政府\n\n2024年3月12日\n\n（此件公开发布）\n\n白河市人民政府办公室 2024年3月14日印发\n"
)
EXPECTED = dict(
    title="白河市人民政府关于2023年度法治政府建设工作情况和2024年工作安排的报告", issuers=["白河市人民政府"],
    region="白河市", admin_level="city", report_year=2023, doc_number="白政文〔2024〕7号", signers=["王明远"],
    recipients=["省人民政府"], issue_date=date(2024, 3, 12), printed_date=date(2024, 3, 14),
)


def meta(text: str) -> dict:
    norm = normalize(text)
    return extract_metadata(norm, segment(norm))[0].model_dump()


@pytest.mark.parametrize("form", [lambda t: t, lambda t: t.replace("\n", ""), lambda t: t.replace("\n", " ")],
                         ids=["lined", "newlines removed", "newlines as spaces"])
def test_every_field_in_every_form(form):
    assert meta(form(LINED)) == EXPECTED


def test_signers_that_ran_together_are_not_cut_by_guess():
    text = LINED.replace("签发人：王明远", "签发人：王明远李清").replace("\n", "")
    got = meta(text)
    assert got["signers"] is None and got["title"] == EXPECTED["title"]
    assert meta(LINED.replace("签发人：王明远", "签发人：王明远 李清").replace("\n", ""))["signers"] == ["王明远", "李清"]
    assert meta(LINED.replace("签发人：王明远", "签发人：王明远、李清").replace("\n", ""))["signers"] == ["王明远", "李清"]


def test_an_addressee_without_a_title():
    """A copy that starts at the addressee (its letterhead and title cut off)."""
    got = meta("县人民政府：2023年，东林镇坚持依法行政，办理复议案件3件。一、主要举措一是加强学习。")
    assert got["recipients"] == ["县人民政府"] and got["report_year"] == 2023 and got["title"] is None


def test_closing_dates_only_after_the_last_sentence():
    assert closing_dates("…特此报告。白河县人民政府2024年2月1日白河县人民政府办公室2024年2月3日印发") == (
        date(2024, 2, 1), date(2024, 2, 3))
    # a text cut mid-sentence: a date inside a clause is not a signature date
    assert closing_dates("…全面完成。下一步，将于2024年6月30日前完成清理，确保") == (None, None)
    assert closing_dates("…全面完成。") == (None, None)


def test_a_body_that_starts_the_text_gives_no_made_up_header():
    got = meta("2023年，我县坚持依法行政，全年办理行政复议案件12件。一、主要举措一是加强学习。二是规范执法。")
    assert (got["title"], got["doc_number"], got["signers"], got["recipients"], got["issue_date"]) == (None,) * 5


# A joint party–government report whose body is long enough to be relined (text.reline inserts breaks in its
# preamble): the header must still be read as one run in the printed order, not cut at the reline's guesses.
JOINT = (
    "中共青川市松林区委员会\n松文〔2024〕3号\n签发人：周立新\n中共松林区委 松林区人民政府\n"
    "关于2023年度法治政府建设情况的报告\n市委、市人民政府：\n"
    "2023年，松林区坚持以法治思维推进各项工作，全面完成年度法治政府建设任务。现将有关情况报告如下：\n"
    "一、主要举措和成效\n（一）健全依法决策机制。" + "区政府全年审议重大行政决策事项十二件，均经合法性审查。" * 12 + "\n"
    "（二）规范行政执法行为。" + "全区推行行政执法公示制度，执法案卷评查合格率明显提升。" * 12 + "\n"
    "二、存在的问题\n（一）执法队伍力量不足。" + "部分乡镇执法人员数量偏少，专业能力有待加强。" * 6 + "\n"
    "三、下一步工作安排\n（一）加强法治队伍建设。" + "区政府将组织开展执法人员轮训，提升依法行政能力。" * 6 + "\n"
    "特此报告。\n中共青川市松林区委员会\n松林区人民政府\n2024年2月26日\n"
)


@pytest.mark.parametrize("joiner", ["", " "], ids=["newlines removed", "newlines as spaces"])
def test_a_relined_header_is_read_in_printed_order(joiner):
    """text.reline breaks a flattened preamble at guessed seams (`中共松林区委|松林区人民政府|关于…报告`);
    the title keeps its joint issuers, and the number and signer after the letterhead are still read."""
    flat = JOINT.replace("\n", joiner)
    assert normalize(flat).relined is not None  # the relined path is the one under test
    got = meta(flat)
    lined = meta(JOINT)
    assert got["title"] == lined["title"] == "中共松林区委松林区人民政府关于2023年度法治政府建设情况的报告"
    assert got["issuers"] == lined["issuers"] == ["中共松林区委", "松林区人民政府"]
    assert got["doc_number"] == lined["doc_number"] == "松文〔2024〕3号"
    assert got["signers"] == lined["signers"] == ["周立新"]
    assert got["recipients"] == lined["recipients"] == ["市委", "市人民政府"]
    assert got["region"] == lined["region"] == "青川市松林区"
