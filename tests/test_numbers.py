"""The quantity parser: every number a report states, and nothing that is a date, a code or a name.

Fixtures are short excerpts copied from the seeds (seed id in the comment); whole-seed tests run the parser
over all five reports.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.text.normalize import canon, normalize
from extractor.facts.indicators import key_indicators
from extractor.facts.names import MAX_NAME, name_quantities
from extractor.facts.quantities import Quantity, find_quantities
from schemas.report import Indicator, Metric

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
INDICATOR_KEYS = set(typing.get_args(Indicator))


def quantities(text: str) -> list[Quantity]:
    """Found, named and keyed, as the pipeline does."""
    norm = normalize(text)
    return key_indicators(norm, name_quantities(norm, find_quantities(norm)))


def quotes(text: str) -> list[str]:
    return [q.quote for q in quantities(text)]


def one(text: str, quote: str) -> Quantity:
    found = [q for q in quantities(text) if q.quote == quote]
    assert len(found) == 1, f"{quote!r} not found once in {quotes(text)}"
    return found[0]


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, list[Quantity]]]:
    out = {}
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        out[path.stem[:3]] = (text, quantities(text))
    return out


# --- spans -------------------------------------------------------------------------------------------


def test_number_split_by_page_break_is_one_metric():
    # 004: `接受执法检查 7\n\n次`; schema.md's own example `83.\n\n3%`
    text = "2020 年向市人大报告专项工作 12 项,接受专题询问 2 次,接受执法检查 7\n\n次;259件市人大代表建议"
    q = one(text, "7\n\n次")
    assert (q.value, q.unit) == (7, "次")
    text = "行政应诉案件总数134件,审结126件,负责人出庭应诉105件,负责人出庭应诉率达到83.\n\n3%。"
    q = one(text, "83.\n\n3%")
    assert q.value == 83.3 and q.value_base == pytest.approx(0.833)


def test_spaces_inside_a_number_expression_stay_in_the_quote():
    # 000
    text = "广泛推行告知承诺、容缺受理，142 个事项实现告知承诺办理、162 个事项能够容缺办理；"
    assert quotes(text) == ["142 个", "162 个"]
    q = one(text, "142 个")
    assert text[q.start : q.end] == "142 个"


def test_every_quote_is_the_original_slice_and_holds_its_number(seeds):
    for seed, (text, found) in seeds.items():
        for q in found:
            assert text[q.start : q.end] == q.quote, seed
            number = canon(q.quote)
            assert re.search(r"\d|[一二两三四五六七八九十百千]", number), (seed, q.quote)
            if re.search(r"\d", number):
                digits = re.search(r"\d[\d,.]*", number).group().replace(",", "")
                assert float(digits) == q.value, (seed, q.quote)
            assert re.match(r"(?:约|近|超过|超|逾|不低于|不少于|接近|将近|至少)?[\d一二两三四五六七八九十百千]", number)


def test_quantities_are_in_document_order(seeds):
    for _, found in seeds.values():
        starts = [q.start for q in found]
        assert starts == sorted(starts)
        assert all(a.end <= b.start for a, b in zip(found, found[1:]))


# --- what is not a quantity ---------------------------------------------------------------------------


def test_dates_and_document_numbers_are_not_metrics():
    # 000 header and body
    assert quotes("济源市人民政府文件\n\n济政文〔2023〕9号\n\n签发人：庄建球") == []
    assert quotes("（济区发〔2022〕4号）。首次开展法治建设督察") == []
    assert quotes("(济管〔2022〕号)《济源产城融合示范区低温雨雪冰冻灾害应急指挥部》") == []
    text = "对妨碍全国统一大市场建设的规定做法进行自查清理，自查清理 2022 年 7 月\n\n1日以前制定出台的政策措施文件 339 件，修改 5 件、废止 2 件。"
    assert quotes(text) == ["339 件", "5 件", "2 件"]
    assert quotes("济源市人民政府办公室\n\n2023年5月8日印") == []
    assert quotes("2022年3月，召开了全面依法治区委员会全体会议") == []


def test_years_and_year_ranges_are_not_metrics():
    assert quotes("四是开展管委会法律顾问换届选聘工作。公开选聘 2022-2024 年管委会法律顾问。") == []
    assert quotes("2022年以来，共受理各单位重大行政处罚案件108件") == ["108件"]
    assert quotes("2020 年我市行政机关负责人出庭应诉率比 2019 年提高了37%") == ["37%"]
    assert quotes("2022年度监督检查生产经营单位653家次") == ["653家次"]


def test_numbers_inside_book_title_marks_are_ignored():
    # 000, 002, 004
    assert quotes("《济源市人民政府济源中级人民法院关于建立济源市常态化府院联动工作机制的通知》及《十项重点问题事项清单》") == []
    assert quotes("制定了《偃师区法治政府建设实施方案（2022—2025 年）》，组织召开") == []
    assert quotes("印发 30 期《营商环境工作简报》") == ["30 期"]


def test_numbers_inside_short_quotations_are_names():
    # 000
    text = "开办企业“1100”模式（一网通办、一次办结、零费用、零跑腿），开办企业最快 2 小时"
    assert quotes(text) == ["2 小时"]
    assert quotes("推进“12348”法律服务热线与“12345”市长热线融合并行") == []
    assert quotes("四是探索开展行政调解“三个融入”试点工作。选取了市场监督管理局等11个重点执法部门") == ["11个"]
    # 004: the page break inside `“三项\n\n制度”` must not expose `三项`
    assert quotes("以全面推行行政执法“三项\n\n制度”为抓手，促进行政执法机关严格规范公正文明执法。") == []


def test_fixed_names_with_numerals_are_not_counts():
    text = (
        "一是深入学习贯彻党的二十大精神和党的十九届五中、六中全会精神，推进“一网通办”，落实“双随机、一公开”，"
        "压实第一责任人职责；印发“一规划两方案”，完善“三调联动”机制；“七五”普法规划；“十四五”规划开局；"
        "一系列文件；进一步提升；二是强化。"
    )
    assert quotes(text) == []
    assert quotes("全面推行行政执法三项制度，一网通办，最多跑一次，一企一策推动复工复产") == []


def test_ordinals_ranks_and_list_numbers_are_not_metrics():
    # 004
    text = (
        "1. 加强党对法治政府建设的领导。召开市委全面依法治市委员会第二次会议和立法、执法、司法、守法普法4个协调小组"
        "第二次会议，组织完成了全市第一批培训考试。运行质量位列全国地市级城市第24位；总量和增速均位列全省第 2，"
    )
    assert quotes(text) == ["4个"]
    assert quotes("（一）持续推进法治政府建设。\n\n10.自觉接受制约监督。") == []


def test_idioms_with_one_are_not_counts():
    assert quotes("培育一批服务型行政执法示范点，作为重要内容之一，一起研究解决。") == []
    assert quotes("针对每一起案件，每一项立法任务，逐一确认执法主体") == []
    assert quotes("开展法律知识百题测试，走进千家万户") == []


# --- values and units ---------------------------------------------------------------------------------


def test_percentage_value_base_is_a_ratio():
    q = one("回应办理“12345”便民热线 29.7 万件，办结率 99.7%。", "99.7%")
    assert (q.value, q.unit, q.value_base, q.base_unit) == (99.7, "%", pytest.approx(0.997), "ratio")
    q = one("任务完成率达 151.02%", "151.02%")
    assert q.value_base == pytest.approx(1.5102)
    assert one("满意度达百分之九十五。", "百分之九十五").value_base == pytest.approx(0.95)


def test_wan_and_yi_multipliers():
    # 000, 004
    text = "回应办理“12345”便民热线 29.7 万件，办结率 99.7%。为企业融资 20.65 亿元。罚款金额 480 余万元，"
    q = one(text, "29.7 万件")
    assert (q.value, q.unit, q.value_base, q.base_unit, q.approx) == (29.7, "万件", 297000, "件", False)
    q = one(text, "20.65 亿元")
    assert (q.value, q.unit, q.value_base, q.base_unit) == (20.65, "亿元", 2065000000, "元")
    q = one(text, "480 余万元")
    assert (q.value, q.unit, q.value_base, q.base_unit, q.approx) == (480, "万元", 4800000, "元", True)
    q = one("市县两级共 800 余名领导干部现场旁听，7 万余名干部职工参加宪法法律知识百题测试", "7 万余名")
    assert (q.value, q.unit, q.value_base, q.base_unit, q.approx) == (7, "万名", 70000, "名", True)


def test_chinese_numeral_count_with_measure_word():
    # 000, 001, 002, 004
    q = one("承接落实了省下放的341项经济社会管理权限，分两批向开发区转移了136项", "两批")
    assert (q.value, q.unit, q.base_unit) == (2, "批", "批")
    text = "联合查办行刑衔接大案要案两起，一起已结案，罚没款1600余万元。"
    assert quotes(text) == ["两起", "一起", "1600余万元"]
    assert one(text, "一起").value == 1
    q = one("平均对每部法规规章草案都要进行三个轮次的审查", "三个轮次")
    assert (q.value, q.unit, q.base_unit) == (3, "个轮次", "轮次")
    q = one("共调解纠纷十余件", "十余件")
    assert (q.value, q.approx) == (10, True)
    q = one("将备案办事日从原有三个法定日变为即时办", "三个法定日")
    assert (q.value, q.unit, q.base_unit) == (3, "个法定日", "法定日")


def test_hundreds_and_thousands_count_only_when_approximate():
    found = {q.quote: q for q in quantities("开展普法宣传活动近千场次，培训百余人次，收到群众来信二十余封。")}
    assert set(found) == {"近千场次", "百余人次", "二十余封"}
    assert (found["近千场次"].value, found["近千场次"].approx) == (1000, True)
    assert (found["二十余封"].value, found["二十余封"].unit) == (20, "封")
    assert quotes("其中数十件已办结，上百人参加") == []


def test_area_length_and_percentage_points():
    q = one("建设用地面积12.5平方公里，新建道路3.2公里，", "12.5平方公里")
    assert (q.value_base, q.base_unit, q.name) == (12.5, "平方公里", "建设用地面积")
    assert one("建设用地面积12.5平方公里，新建道路3.2公里，", "3.2公里").name == "新建道路长度"
    q = one("失业率下降3个百分点", "3个百分点")
    assert (q.unit, q.base_unit) == ("个百分点", "百分点")


def test_time_limits_are_metrics():
    # 000, 002
    text = "开办企业最快 2 小时，营业执照办结最快 30 分钟。严格落实网民留言 3 天回复期限。全部在5个工作日内办结"
    assert quotes(text) == ["2 小时", "30 分钟", "3 天", "5个工作日"]
    q = one(text, "5个工作日")
    assert (q.unit, q.base_unit) == ("个工作日", "工作日")
    assert one("用3个月的时间全面恢复了经济社会秩序", "3个月").base_unit == "月"


def test_approximation_words_set_approx_and_belong_to_the_quote():
    text = "市级政府投资项目审批时间提速 70% 以上；接到电话评价1980多次；约30件；近500人；超过100家；每人每年完成不低于6个学时"
    found = {q.quote: q for q in quantities(text)}
    assert set(found) == {"70% 以上", "1980多次", "约30件", "近500人", "超过100家", "不低于6个学时"}
    assert all(q.approx for q in found.values())
    assert not one("下达处罚决定 44 起", "44 起").approx
    assert not one("最近3天", "3天").approx


def test_thousands_separator_only_when_printed_as_one():
    assert one("对16个部门的1,085项权责事项进行了动态调整", "1,085项").value == 1085
    # a full-width comma between numbers is a list, not a separator
    assert quotes("修改5，100件") == ["100件"]


def test_bare_count_without_unit_only_after_a_counting_word():
    q = one("行政应诉案件总数为35，", "35")
    assert (q.unit, q.base_unit, q.value_base) == (None, None, 35)
    assert quotes("位列第35，") == []


# --- names and indicators -----------------------------------------------------------------------------


def test_names_come_from_nearby_words():
    names = {q.quote: q.name for q in quantities("审查各单位备案文件 27 件，审查通过 25 件。")}
    assert names["27 件"] == "审查各单位备案文件数"
    assert "审查通过" in names["25 件"] and "备案文件" in names["25 件"]
    assert one("回应办理便民热线 29.7 万件，办结率 99.7%。", "99.7%").name.endswith("办结率")
    assert one("对16个部门的1085项权责事项进行了动态调整", "16个").name == "部门数"
    text = "2022年共收到行政复议申请案件51起，受理48起，审结44起。"
    names = [q.name for q in quantities(text)]
    assert names[0] == "收到行政复议申请案件数"
    assert names[1] == "行政复议申请案件受理数"
    assert names[2] == "行政复议申请案件审结数"
    assert one("为企业融资 20.65 亿元", "20.65 亿元").name == "企业融资金额"


def test_names_are_short_and_never_empty(seeds):
    for seed, (_, found) in seeds.items():
        for q in found:
            assert 0 < len(q.name) <= MAX_NAME, (seed, q.quote, q.name)
            assert not re.search(r"\d", q.name), (seed, q.quote, q.name)


def test_indicators_mark_the_jurisdiction_totals():
    # 001
    text = (
        "二是抓好行政复议诉讼工作。2023年市政府行政复议机构共收到行政复议申请182件，受理165件，审结143件，"
        "撤销和确认违法等17件（占比11.8%）。市政府和其他行政机关参加行政诉讼案件105件，法院结案92件，未结13件；"
        "生效裁判文书确认败诉6件，占比6.5%。"
    )
    keys = {q.quote: q.indicator for q in quantities(text)}
    assert keys == {
        "182件": "admin_reconsideration_received",
        "165件": "admin_reconsideration_accepted",
        "143件": "admin_reconsideration_concluded",
        "17件": "admin_reconsideration_corrected",
        "11.8%": "admin_reconsideration_correction_rate",
        "105件": "admin_litigation_cases",
        "92件": "admin_litigation_concluded",
        "13件": None,
        "6件": "admin_litigation_lost",
        "6.5%": "admin_litigation_loss_rate",
    }


def test_change_rates_are_named_after_what_changed():
    q = one("全市共办理法律援助案件1,234件，同比增长12.5%；", "12.5%")
    assert q.name == "法律援助案件增长" and q.indicator is None  # 同比 qualifies the change, it names nothing
    assert one("全市共办理法律援助案件1,234件，", "1,234件").indicator == "legal_aid_cases"
    assert one("全市持证行政执法人员3560名。", "3560名").indicator == "enforcement_officers_certified"


def test_breakdown_after_qizhong_gets_no_indicator():
    # 004
    text = "2020年全市各级行政机关共办理行政复议案件206件，其中市政府办结37件，市直各行政机关办结50件。"
    keys = {q.quote: q.indicator for q in quantities(text)}
    assert keys == {"206件": "admin_reconsideration_accepted", "37件": None, "50件": None}


def test_documents_and_study_sessions_indicators():
    # 000, 001, 002
    assert one("组织4次市政府常务会会前学法", "4次").indicator == "exec_meeting_law_study_sessions"
    assert one("示范区管委会（市政府）出台规范性文件20件，", "20件").indicator == "normative_documents_issued"
    assert one("宣布废止、失效的规范性文件 38 件，", "38 件").indicator == "normative_documents_repealed"
    assert one("市政府全年向社会公布重大行政决策事项 15 项，", "15 项").indicator == "major_decisions"
    # a subset of one campaign, and a flow of new certificates, are not totals
    assert one("对以区政府名义对外签订的 40 份重大合同进行合法性审查", "40 份").indicator is None
    assert one("2023年新办理执法证件160个，", "160个").indicator is None


def test_each_indicator_is_given_once_per_report(seeds):
    for seed, (_, found) in seeds.items():
        keys = [q.indicator for q in found if q.indicator]
        assert len(keys) == len(set(keys)), seed
        assert set(keys) <= INDICATOR_KEYS, seed


def test_quantity_converts_to_a_valid_metric(seeds):
    _, found = seeds["000"]
    metrics = [q.to_metric() for q in found]
    assert all(isinstance(m, Metric) for m in metrics)
    assert metrics[0].evidence.quote == found[0].quote


# --- whole seeds --------------------------------------------------------------------------------------

# Why a digit run in a seed is not a quantity: the context that excludes it.
_EXCLUDED_CONTEXTS = [
    re.compile(p)
    for p in (
        r"\d{4}\s*(?:年|[-—－]\s*\d)",  # a year or the start of a year range
        r"[-—－]\s*\d{4}\s*年",  # the end of a year range
        r"\d{1,2}\s*月",  # month
        r"月\s*\d{1,2}\s*日",  # day of month
        r"〔\s*\d+\s*〕",  # year of a document number
        r"〕\s*\d+\s*号",  # serial of a document number
        r"“\d+”",  # a quoted name (hotlines, the 1100 mode)
        r"第\s*\d+|\d+\s*强",  # ranks
        r"(?:^|\n)\s*\d+\s*\.",  # list ordinal
    )
]


def test_every_number_in_the_seeds_is_found_or_deliberately_excluded(seeds):
    for seed, (text, found) in seeds.items():
        covered = set()
        for q in found:
            covered.update(range(q.start, q.end))
        excluded = set()
        for pattern in _EXCLUDED_CONTEXTS:
            for m in pattern.finditer(text):
                excluded.update(range(m.start(), m.end()))
        for m in re.finditer(r"\d+", text):
            if m.start() in covered:
                continue
            context = text[max(0, m.start() - 12) : m.end() + 6]
            assert m.start() in excluded, f"{seed}: {m.group()} unexplained in {context!r}"


def test_seed_counts_are_stable(seeds):
    # Guards against silent regressions; update deliberately when the rules change.
    counts = {seed: len(found) for seed, (_, found) in seeds.items()}
    assert counts == {"000": 116, "001": 111, "002": 43, "003": 24, "004": 89}


# --- properties ---------------------------------------------------------------------------------------

UNITS = ["件", "个", "项", "次", "起", "场", "人", "人次", "家", "名", "份", "条", "笔", "户", "万元", "亿元", "%", "个工作日"]
FILLER = st.sampled_from(["全年共办理", "审查各类文件", "其中市政府办结", "组织开展", "累计接待群众", "出具意见书"])
TAIL = st.sampled_from(["，", "。", "；", "，同比增长", "，较上年有所提高。"])
LONG_LEAD = "深入学习贯彻习近平法治思想，全面推进依法行政，持续优化法治化营商环境，扎实推进法治政府建设各项工作，"


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**9), unit=st.sampled_from(UNITS), before=FILLER, after=TAIL)
def test_any_integer_with_a_unit_is_found_with_its_value(n, unit, before, after):
    text = f"{LONG_LEAD}{before}{n}{unit}{after}"
    found = quantities(text)
    assert len(found) == 1
    q = found[0]
    assert q.value == n and q.quote == f"{n}{unit}" and not q.approx
    mult = {"万元": 1e4, "亿元": 1e8, "%": 0.01}.get(unit, 1)
    assert q.value_base == pytest.approx(n * mult)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(min_value=1000, max_value=10**8),
    unit=st.sampled_from(UNITS),
    cut=st.integers(min_value=1, max_value=3),
    breaker=st.sampled_from(["\n\n", "\n", "\n\n\n", " "]),
)
def test_a_page_break_or_space_inside_a_number_keeps_one_quantity(n, unit, cut, breaker):
    digits = str(n)
    printed = digits[:cut] + breaker + digits[cut:] + unit
    found = quantities(f"{LONG_LEAD}全年共办理{printed}，")
    assert [(q.value, q.quote) for q in found] == [(n, printed)]


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**7), unit=st.sampled_from(UNITS))
def test_full_width_digits_and_thousands_separators_parse(n, unit):
    wide = "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    assert [q.value for q in quantities(f"共办理{wide}{unit}，")] == [n]
    assert [q.value for q in quantities(f"共办理{n:,}{unit}，")] == [n]


@settings(max_examples=100, deadline=None)
@given(year=st.integers(min_value=1949, max_value=2099), month=st.integers(1, 12), day=st.integers(1, 28))
def test_any_date_or_year_is_not_a_quantity(year, month, day):
    assert quotes(f"{year}年{month}月{day}日印发。{year}年度，{year}-{year + 3}年规划") == []
