"""Metadata at every level and in every title form, on made-up reports (no seed's place or text)."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.structure.metadata import extract_metadata
from extractor.structure.outline import segment
from extractor.text.normalize import normalize
from tests.madeup import traditional

BODY = ("一、2023年主要举措\n\n全年取消审批事项12项，评查执法案卷86卷。\n\n二、存在的不足\n\n一是执法力量不足；二是宣传不够深入。\n\n"
        "三、2024年工作安排\n\n一是深化综合执法改革；二是加强执法监督。\n")


def meta(text: str):
    norm = normalize(text)
    return extract_metadata(norm, segment(norm))[0]


@pytest.mark.parametrize(
    "title, region, level",
    [
        ("湖北省人民政府关于2023年法治政府建设情况的报告", "湖北省", "province"),
        ("广西壮族自治区人民政府关于2023年度法治政府建设情况的报告", "广西壮族自治区", "province"),
        ("重庆市人民政府关于2023年法治政府建设情况的报告", "重庆市", "province"),
        ("延边朝鲜族自治州人民政府关于2023年度法治政府建设情况的报告", "延边朝鲜族自治州", "city"),
        ("青山市人民政府关于2023年度法治政府建设情况的报告", "青山市", "city"),
        ("锡林郭勒盟行政公署关于2023年度法治政府建设情况的报告", "锡林郭勒盟", "city"),
        ("青山市白河区人民政府关于2023年度法治政府建设情况的报告", "青山市白河区", "county"),
        ("白河县人民政府关于2023年度法治政府建设情况的报告", "白河县", "county"),
        ("科尔沁右翼中旗人民政府关于2023年度法治政府建设情况的报告", "科尔沁右翼中旗", "county"),
        ("白河县东城街道办事处关于2023年度法治政府建设情况的报告", "白河县东城街道", "other"),
        ("石桥镇人民政府关于2023年度法治政府建设情况的报告", "石桥镇", "other"),
        ("青山经济技术开发区管委会关于2023年度法治政府建设情况的报告", "青山经济技术开发区", "other"),
        ("青山市高新区管委会关于2023年度法治政府建设情况的报告", "青山市高新区", "other"),
    ],
)
def test_a_region_and_its_level_at_every_administrative_level(title, region, level):
    m = meta(f"{title}\n\n{BODY}")
    assert (m.title, m.region, m.admin_level, m.report_year) == (title, region, level, 2023)


def test_a_department_gives_its_city_as_region_and_department_as_level():
    m = meta("青山市城乡建设局关于2023年度法治政府建设情况的报告\n\n" + BODY)
    assert (m.issuers, m.region, m.admin_level) == (["青山市城乡建设局"], "青山市", "department")


def test_a_department_report_copied_from_a_site_is_read_from_its_info_block():
    text = ("发文机关: 威海市生态环境局\n成文日期: 2024年02月26日\n发文字号: 威环发〔2024〕5号\n所属单位: 威海市生态环境局\n\n"
            "2023年法治政府建设情况报告\n\n2023年，我局坚持以习近平法治思想为指导，扎实推进依法行政。\n\n" + BODY)
    m = meta(text)
    assert m.issuers == ["威海市生态环境局"]
    assert (m.region, m.admin_level) == ("威海市", "department")
    assert (m.doc_number, m.issue_date, m.report_year) == ("威环发〔2024〕5号", date(2024, 2, 26), 2023)


def test_a_title_without_guanyu_on_the_first_line_is_found_with_its_issuer():
    m = meta("四川省人民政府2022年度法治政府建设工作情况\n\n" + BODY.replace("2023", "2022").replace("2024", "2023"))
    assert m.title == "四川省人民政府2022年度法治政府建设工作情况"
    assert m.issuers == ["四川省人民政府"]
    assert (m.region, m.admin_level, m.report_year) == ("四川省", "province", 2022)


def test_a_traditional_township_title_gives_title_and_region_as_printed():
    m = meta(traditional("小龙门乡2024年法治政府建设情况报告\n\n" + BODY.replace("2024", "2025").replace("2023", "2024")))
    assert m.title == "小龍門鄉2024年法治政府建設情況報告"
    assert (m.region, m.admin_level, m.report_year) == ("小龍門鄉", "other", 2024)


@pytest.mark.parametrize(
    "opening, region",
    [
        ("2023年，白河县坚持以习近平法治思想为指导，扎实推进法治政府建设。", "白河县"),
        ("今年以来，石桥镇认真贯彻落实上级关于法治政府建设的部署要求，依法行政水平稳步提升。", "石桥镇"),
        ("2023年，在市委、市政府的坚强领导下，白河县深入推进依法行政，法治政府建设取得新成效。", "白河县"),
        ("2023年，全县坚持以习近平法治思想为指导，扎实推进法治政府建设，取得积极成效。", None),
    ],
)
def test_a_place_named_only_in_the_opening_sentence_is_the_region(opening, region):
    m = meta(f"市人民政府：\n\n{opening}\n\n{BODY}")
    assert m.region == region


def test_report_year_from_the_plans_heading_when_nothing_else_states_it():
    body = BODY.replace("一、2023年主要举措", "一、主要举措")
    m = meta(f"市人民政府：\n\n全县坚持以习近平法治思想为指导，扎实推进法治政府建设，取得积极成效。\n\n{body}")
    assert m.report_year == 2023


def test_signers_laid_out_over_several_lines_are_all_read():
    # GB/T 9704: several signers go left to right, top to bottom, two names a line.
    m = meta("青山市人民政府文件\n\n青政文〔2024〕3号\n\n签发人：张明远  李静\n        王建国\n\n"
             "青山市人民政府关于2023年度法治政府建设情况的报告\n\n" + BODY)
    assert m.signers == ["张明远", "李静", "王建国"]


def test_a_sentence_cut_after_an_ordinal_and_resumed_by_a_particle_is_a_page_gap():
    # `…列为第一` + page break + `的…`: the ordinal's noun and what followed it are on a missing page.
    body = BODY.replace("一是深化综合执法改革；", "一是把依法行政列为第一\n\n的工作重点深入推进；")
    norm = normalize("青山市人民政府关于2023年度法治政府建设情况的报告\n\n" + body)
    notes = extract_metadata(norm, segment(norm))[1]
    assert [(n.kind, n.section) for n in notes] == [("page_gap", "三")]
