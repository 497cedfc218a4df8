"""Units read by grammar (facts/units.py), `N大X` counts and slogans by shape — on sentences written for
the test, none from a seed."""

from __future__ import annotations

import pytest

from extractor.facts.quantities import Quantity, find_quantities
from extractor.text.normalize import normalize


def found(text: str) -> list[Quantity]:
    return find_quantities(normalize(text))


def only(text: str) -> Quantity:
    qs = found(text)
    assert len(qs) == 1, [q.quote for q in qs]
    return qs[0]


@pytest.mark.parametrize("text, quote, unit, base_unit, value_base", [
    # measure words from the standard table, Arabic numbers
    ("全年新建村级调解室12所，", "12所", "所", "所", 12),
    ("共办理土地征收争议案件7宗。", "7宗", "宗", "宗", 7),
    ("为群众免费发放法律读本2300册。", "2300册", "册", "册", 2300),
    ("移交涉嫌犯罪线索3批。", "3批", "批", "批", 3),
    ("受理群众诉求180余种。", "180余种", "种", "种", 180),
    ("共梳理出涉企收费12类。", "12类", "类", "类", 12),
    # 个 + a time or rate word; measure word + 次
    ("审批时限压缩至3个工作日。", "3个工作日", "个工作日", "工作日", 3),
    ("满意度提高2.5个百分点。", "2.5个百分点", "个百分点", "百分点", 2.5),
    ("接待来访群众1200人次。", "1200人次", "人次", "人次", 1200),
    ("开展执法检查48件次，", "48件次", "件次", "件次", 48),
    ("组织抽查3个批次。", "3个批次", "个批次", "批次", 3),
    # metric and SI units, with prefixes, `/`, superscripts and µ
    ("细颗粒物平均浓度为20µg/m3，", "20µg/m3", "µg/m3", "µg/m³", 20),
    ("二氧化氮浓度34μg/m³。", "34μg/m³", "μg/m³", "µg/m³", 34),
    ("出水总磷低于0.5mg/L。", "0.5mg/L", "mg/L", "mg/L", 0.5),
    ("节约用电12.6万千瓦时。", "12.6万千瓦时", "万千瓦时", "千瓦时", 126000),
    ("新增高标准农田3.2万亩，", "3.2万亩", "万亩", "亩", 32000),
    ("改造农村公路86公里。", "86公里", "公里", "公里", 86),
    ("清运垃圾1500吨。", "1500吨", "吨", "吨", 1500),
    ("建成绿道面积4.5平方公里。", "4.5平方公里", "平方公里", "平方公里", 4.5),
    # money and ratios, normalised to the base unit
    ("追缴税款3.6亿元。", "3.6亿元", "亿元", "元", 360_000_000),
    ("发放补助资金58万元，", "58万元", "万元", "元", 580_000),
    ("案件差错率为2‰。", "2‰", "‰", "ratio", 0.002),
    ("复议纠错率为12.5%。", "12.5%", "%", "ratio", 0.125),
])
def test_each_unit_family_is_read_with_its_base(text, quote, unit, base_unit, value_base):
    q = only(text)
    assert (q.quote, q.unit, q.base_unit) == (quote, unit, base_unit)
    assert q.value_base == pytest.approx(value_base)


def test_a_number_glued_to_latin_letters_that_are_no_unit_is_a_name():
    assert found("建成5G基站，PM2.5浓度下降，G20峰会期间") == []


def test_a_rising_verb_after_a_number_is_no_litre():
    assert [q.quote for q in found("排名由第9位升至第5位，占比由5升至8。")] == []


def test_n_da_x_counts_the_noun_after_it():
    q = only("本年度荣获全国性四大奖项。")
    assert (q.quote, q.value, q.unit) == ("四大", 4, "大")


def test_n_da_x_is_no_count_for_a_congress_or_a_recap():
    assert found("认真学习贯彻党的二十大精神，落实十九大部署。") == []
    assert found("围绕稳就业、保民生、促发展三大任务。") == []


def test_a_slogan_list_of_short_numbered_phrases_is_no_count():
    # slogans that are in no list anywhere in the code
    assert found("推动三个转变、五个一工程，落实到位。") == []
    assert found("推行一窗受理、一次办好、零材料，方便群众。") == []
    assert found("做到一次也不跑。") == []


def test_a_list_of_real_counts_stays_counted():
    assert [q.quote for q in found("新建两个中心、三个站点。")] == ["两个", "三个"]


def test_a_numeral_recapping_the_list_before_it_is_no_count():
    assert found("健全首问负责、限时办结、责任追究三项制度。") == []
    assert [q.quote for q in found("新出台三项办法。")] == ["三项"]
