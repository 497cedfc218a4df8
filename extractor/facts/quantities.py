"""Every quantity a report states, parsed by code: value, unit, base value, and where it stands.

`find_quantities(norm)` scans the normalized text (width folded, spaces and page breaks inside sentences
removed, so `83.\\n\\n3%` is already `83.3%`) and maps each number expression back to the original with
`norm.to_orig`. A quantity is a number with a unit from a closed list (`件`, `万元`, `人次`, `%`…), or a
Chinese numeral with a measure word (`两起`, `三次`). The evidence span is the number expression only:
approximation prefix (`约`, `近`, `超过`) + number (+ `余`/`多`) + multiplier + unit (+ `以上`).

What is deliberately not a quantity (the gold conventions, evals/gold/CONVENTIONS.md): dates, years and
year ranges, document numbers, list ordinals and ranks (`第二次`, `第24位`), anything inside 《…》, short
quoted names (`“1100”模式`, `“三个融入”`) and fixed slogans with numerals (`一网通办`, `三项制度`).
Most of those fall out for free because the number carries no unit (`〔2023〕9号`, `12345热线`); the rest
are excluded explicitly below.

Names and indicator keys are separate steps the pipeline calls after this one: `facts/names.py`, `facts/indicators.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from extractor.text.normalize import Normalized
from extractor.text.numerals import cn_value
from extractor.text.sentences import LIST_BOUNDS, lines
from schemas.report import Evidence, Metric


@dataclass
class Found:
    """A number expression located by `find_quantities`, in normalized-text coordinates."""

    start: int  # the whole expression, approximation prefix included
    end: int
    unit: str | None  # as printed (万元, %, 人次)
    base_unit: str | None  # 元, ratio, 件, 工作日


@dataclass
class Quantity:
    value: float  # as printed: 29.7 for 29.7万件
    unit: str | None  # as printed, multiplier included: 万件, 亿元, %, 人次
    approx: bool  # 余/多/近/约/超/超过/以上/不低于
    value_base: float  # in base unit: 297000 for 29.7万件, 0.997 for 99.7%
    base_unit: str | None  # 件, 元, ratio
    start: int  # original offsets of the number expression
    end: int
    quote: str  # the original slice [start, end)
    found: Found = field(repr=False, compare=False)  # the same expression in normalized coordinates
    name: str = ""  # what is counted: set by `facts.names.name_quantities` (models may refine it)
    indicator: str | None = None  # schema indicator key: set by `facts.indicators.key_indicators`

    def to_metric(self, name: str | None = None, indicator: str | None = None, *, keep_indicator: bool = True) -> Metric:
        """The `schemas.report.Metric` for this quantity, evidence exact by construction. A model may rename
        it (`name`) and set its indicator (`indicator` with `keep_indicator=False`); value and span stay code's."""
        return Metric(
            name=name or self.name or "未命名数量", value=self.value, unit=self.unit, approx=self.approx,
            value_base=self.value_base, base_unit=self.base_unit,
            indicator=self.indicator if keep_indicator else indicator,
            evidence=Evidence(quote=self.quote, start=self.start, end=self.end, alignment="span"),
        )


# --- units -------------------------------------------------------------------------------------------

MULTIPLIERS = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4}

# Units after Arabic numbers, longest first when matched. `年`, `日` and `月` are handled separately
# (mostly they make a date, not a quantity).
UNITS = sorted(
    """
    个工作日 工作日 个自然日 自然日 个法定日 法定日 个小时 小时 分钟 秒 个月 个多月 个学时 学时 个课时 课时 个百分点 百分点
    个轮次 个批次 人次 家次 场次 户次 件次 批次 轮次 车次 架次 期次 班次 个 件 项 次 起 场 人 家 名 份 条 笔 天
    户 所 期 批 类 部门 部 篇 本 例 位 支 座 处 套 张 册 卷 宗 台 辆 株 棵 周 倍 轮 组 队 节 门 堂 封 幅 首 块
    间 栋 亩 公顷 平方公里 平方米 立方米 公里 千米 米 吨 公斤 千克 元 % ‰
    """.split(),
    key=len,
    reverse=True,
)
# Measure words that make a Chinese numeral a count (`两起`, `三次`, `十余件`); a shorter list, since
# Chinese numerals also build names (`三级`, `一体化`, `十九届`).
CN_MEASURES = sorted(
    """
    个工作日 个法定日 个自然日 个月 个学时 个轮次 个批次 个小时 个 项 次 起 件 场次 场 批次 批 名 人次 人 家次 家 份 条 轮次 轮 户 所 部 篇 本
    笔 例 位 支 座 处 套 张 册 封 台 辆 宗 天 小时 分钟 期 倍
    """.split(),
    key=len,
    reverse=True,
)
RATIO = {"%": 100.0, "‰": 1000.0}

# --- exclusions --------------------------------------------------------------------------------------

# Slogans and names built from numerals: never counts.
FIXED_NAMES = (
    "一网通办", "一次办结", "一次办好", "一次性", "一站式", "一件事", "一张网", "一张图", "一窗", "一把手",
    "一票否决", "一规划两方案", "两张皮", "三项制度", "三调联动", "三个融入", "三重一大", "八项规定",
    "两个确立", "两个维护", "四个意识", "四个自信", "四个全面", "三个代表", "五位一体", "三个务必",
    "两个一百年", "第一责任人", "七五", "八五", "六五", "十三五", "十四五", "十五五", "最多跑一次",
    "一次也不跑", "一枚印章", "一个系统", "一个平台", "一条热线", "一企一策", "一业一策", "四个一",
)
_APPROX_PREFIX = ("不低于", "不少于", "超过", "将近", "接近", "至少", "约", "近", "超", "逾")
_APPROX_SUFFIX = ("以上", "左右", "多")
_CLAUSE_START = LIST_BOUNDS
_DASHES = "-—–~～至到"
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_CHINESE = re.compile(r"[一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万]*")
_PERCENT_WORDS = re.compile(r"百分之(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)")
_COUNT_VERB_BEFORE = re.compile(r"(?:共计|总计|合计|总数为?|数量为?|总量为?|人数为?)$")
_YEAR = re.compile(r"(?:19|20)\d\d")
_RANGE_END = re.compile(r"\d{2,4}年?")
# `一` opens a count only with these (`一起已结案`, `一次`); `一批`, `一个`, `一张` are articles or idioms.
_ONE_MEASURES = {"起", "次", "件", "场", "项", "名", "人", "人次", "家", "份", "条", "天", "小时", "个月", "个工作日"}
# A numeral after these is vague (`数十件`, `上百人`) or an ordinal (`第二次`, `每一个`, `周一`).
_CN_BAD_PREV = set("第每周初高星数几若上")
_CASES_BEFORE = re.compile(r"[\d一二两三四五六七八九十]起")


class _Hit(NamedTuple):
    span: Found  # normalized coordinates
    value: float
    unit: str | None
    approx: bool
    value_base: float
    base_unit: str | None


def find_quantities(norm: Normalized) -> list[Quantity]:
    """Every quantity in the report, in document order, with original offsets; not yet named or keyed."""
    text = norm.text
    zones = _excluded_zones(text)
    found: list[_Hit] = []
    for a, b in _arabic_numbers(norm):
        hit = _arabic_quantity(norm, text, a, b, zones)
        if hit:
            found.append(hit)
    for m in _CHINESE.finditer(text):
        hit = _chinese_quantity(text, m, zones)
        if hit:
            found.append(hit)
    for m in _PERCENT_WORDS.finditer(text):
        hit = _percent_words(m, zones)
        if hit:
            found.append(hit)
    found.sort(key=lambda h: h.span.start)
    out = []
    for hit in found:
        start, end = norm.to_orig(hit.span.start, hit.span.end)
        out.append(Quantity(
            value=hit.value, unit=hit.unit, approx=hit.approx, value_base=hit.value_base, base_unit=hit.base_unit,
            start=start, end=end, quote=norm.original[start:end], found=hit.span,
        ))
    return out


# --- Arabic numbers ----------------------------------------------------------------------------------

def _arabic_numbers(norm: Normalized):
    """Spans of Arabic numbers; `1,085` is one number only where the comma was printed ASCII `,`
    (a full-width `，` between two numbers separates a list)."""
    for m in _ARABIC.finditer(norm.text):
        a, b = m.span()
        if "," in m.group() and not _ascii_commas(norm, a, b):
            yield from (p.span() for p in _PLAIN.finditer(norm.text, a, b))
        else:
            yield a, b


def _arabic_quantity(norm: Normalized, text: str, a: int, b: int, zones: bytearray):
    digits = text[a:b]
    if a > 0 and (text[a - 1].isdigit() or text[a - 1] == "."):
        return None  # the tail of a longer token the regex split (e.g. `1.2.3`)
    if _in_zones(a, zones) or _is_name_context(text, a, b):
        return None
    if _is_date_or_year(text, a, b, digits):
        return None
    if b < len(text) and text[b] == "." and not (b + 1 < len(text) and text[b + 1].isdigit()):
        return None  # list ordinal `1.`
    value = float(digits.replace(",", ""))
    tail = _parse_tail(text, b, UNITS)
    if tail is None:
        # a bare count, only where the text says so (`总数为35，`)
        if _COUNT_VERB_BEFORE.search(text, max(0, a - 4), a) and b < len(text) and text[b] in "，,；;。、)":
            start, approx = _approx_prefix(text, a)
            return _Hit(Found(start, b, None, None), value, None, approx, value, None)
        return None
    end, unit, base_unit, mult, approx_after = tail
    start, approx_before = _approx_prefix(text, a)
    base, base_unit = _base(value, base_unit, mult)
    return _Hit(Found(start, end, unit, base_unit), value, unit, approx_before or approx_after, base, base_unit)


def _ascii_commas(norm: Normalized, a: int, b: int) -> bool:
    return all(norm.original[norm.orig[i]] == "," for i in range(a, b) if norm.text[i] == ",")


def _is_date_or_year(text: str, a: int, b: int, digits: str) -> bool:
    nxt = text[b : b + 1]
    prev = text[a - 1] if a else ""
    if nxt == "年":  # a year (2022年, 2022年度); a small number of years is a duration (3年)
        return ("." not in digits and float(digits.replace(",", "")) >= 100) or text[b + 1 : b + 2] in ("度", "月")
    if nxt == "月" or nxt == "号":
        return True
    if nxt == "日":
        return prev == "月" or not text.startswith(("内", "以内", "之内"), b + 1)
    # the first year of a range: 2022-2025年, 2021—2025
    if nxt and nxt in _DASHES and _YEAR.fullmatch(digits) and _RANGE_END.match(text, b + 1):
        return True
    # the second year of a range: -2025)
    if prev and prev in _DASHES and _YEAR.fullmatch(digits) and _YEAR.fullmatch(text, max(0, a - 5), a - 1):
        return True
    # dotted dates: 2022.7.1
    return bool(re.fullmatch(r"(?:19|20)\d\d\.\d{1,2}", digits)) and text[b : b + 1] == "."


def _is_name_context(text: str, a: int, b: int) -> bool:
    """Ranks and ordinals (`第24位`, `第 2`), and numbers glued to Latin letters (`5G`, `G20`)."""
    prev = text[a - 1] if a else ""
    nxt = text[b] if b < len(text) else ""
    if prev == "第":
        return True
    return (prev.isascii() and prev.isalpha()) or (nxt.isascii() and nxt.isalpha())


def _parse_tail(text: str, pos: int, units: list[str]):
    """After the digits: [余|多] [multiplier] [余|多] unit [以上|左右]. Returns (end, unit, base, mult, approx)."""
    approx = False
    mult_key = ""
    if text.startswith(("余", "多"), pos):
        approx, pos = True, pos + 1
    for key in MULTIPLIERS:
        if text.startswith(key, pos):
            mult_key, pos = key, pos + len(key)
            break
    if mult_key and text.startswith(("余", "多"), pos):
        approx, pos = True, pos + 1
    unit = next((u for u in units if text.startswith(u, pos)), None)
    if unit is None and not mult_key:
        if text.startswith("年", pos) and units is UNITS:
            unit = "年"  # a small number of years is a duration (_is_date_or_year let it through)
        elif text.startswith("日", pos) and units is UNITS:
            unit = "日"  # `15日内`, a time limit
        else:
            return None
    end = pos + (len(unit) if unit else 0)
    if unit == "个多月":
        unit, approx = "个月", True
    if unit and text.startswith(_APPROX_SUFFIX[:2], end):
        approx, end = True, end + 2
    printed = (mult_key + unit) if unit else mult_key
    base = unit[1:] if unit and len(unit) > 1 and unit.startswith("个") else unit  # 个工作日 → 工作日
    return end, printed, base, MULTIPLIERS.get(mult_key, 1.0), approx


def _approx_prefix(text: str, a: int) -> tuple[int, bool]:
    for p in _APPROX_PREFIX:
        s = a - len(p)
        if s >= 0 and text[s:a] == p:
            if p == "近" and s > 0 and text[s - 1] in "最附":
                return a, False  # 最近3天: "the last three days", not "nearly"
            return s, True
    return a, False


def _base(value: float, base_unit: str | None, mult: float) -> tuple[float, str | None]:
    # Decimal, so that 20.65亿元 is 2065000000 exactly, not 2064999999.9999998
    exact = Decimal(repr(value))
    if base_unit in RATIO:
        return float(exact / Decimal(repr(RATIO[base_unit]))), "ratio"
    return float(exact * Decimal(repr(mult))), base_unit


# --- Chinese numerals --------------------------------------------------------------------------------

def _chinese_quantity(text: str, m: re.Match, zones: bytearray):
    a, b = m.start(), m.end()
    numeral = m.group()
    if len(numeral) > 1 and numeral.endswith("万"):
        numeral, b = numeral[:-1], b - 1  # `两万人`: 万 is the multiplier of the unit, printed 万人
    tail = _parse_tail(text, b, CN_MEASURES)  # measure word directly or after 余/多 (`十余件`)
    if tail is None:
        return None
    value = cn_value(numeral)
    if value is None:
        return None
    prev = text[a - 1] if a else ""
    if (prev and prev in _CN_BAD_PREV) or _in_zones(a, zones):
        return None
    if prev and (prev.isdigit() or prev in "零〇一二两三四五六七八九十百千万"):
        return None
    start, approx_before = _approx_prefix(text, a)
    if numeral[0] in "百千" and not (tail[4] or approx_before):
        return None  # `百题测试`, `千家万户`: only `百余件`, `近千场次` count
    end, unit, base_unit, mult, approx = tail
    if numeral == "一" and (prev and prev not in _CLAUSE_START or unit not in _ONE_MEASURES):
        return None  # `一项重要内容`, `统一批复`, `一批`: 一 counts only opening a clause, with a count word
    if numeral == "一" and unit == "起" and not _CASES_BEFORE.search(text, max(0, a - 20), a):
        return None  # `一起研究` is "together"; `两起，一起已结案` is one of the cases
    if _in_fixed_name(text, a, end):
        return None
    base, base_unit = _base(value, base_unit, mult)
    return _Hit(Found(start, end, unit, base_unit), float(value), unit, approx or approx_before, base, base_unit)


def _percent_words(m: re.Match, zones: bytearray):
    """`百分之九十` → 90%."""
    if _in_zones(m.start(), zones):
        return None
    num = m.group(1)
    value = float(num) if num[0].isdigit() else cn_value(num)
    if value is None:
        return None
    base, _ = _base(float(value), "%", 1.0)
    return _Hit(Found(m.start(), m.end(), "%", "ratio"), float(value), "%", False, base, "ratio")


def _in_fixed_name(text: str, a: int, b: int) -> bool:
    for name in FIXED_NAMES:
        lo = max(0, a - len(name) + 1)
        pos = text.find(name, lo, b + len(name))
        while pos != -1 and pos < b:
            if pos < b and pos + len(name) > a:
                return True
            pos = text.find(name, pos + 1, b + len(name))
    return False


# --- excluded zones ----------------------------------------------------------------------------------

_SHORT_QUOTE = 20  # a quoted span this short is a name (`“1100”模式`), not a sentence with real counts


def _excluded_zones(text: str) -> bytearray:
    """Positions whose numbers are never quantities: book titles, short quotations, document-number brackets."""
    zones: list[tuple[int, int]] = []
    zones += _paired(text, "《", "》", limit=300)
    for open_, close in (("“", "”"), ("「", "」"), ("『", "』")):
        zones += _paired(text, open_, close, limit=_SHORT_QUOTE + 2, cross_lines=True)
    zones += _ascii_quotes(text)
    zones += _paired(text, "〔", "〕", limit=12) + _paired(text, "[", "]", limit=12)
    mask = bytearray(len(text) + 1)
    for lo, hi in zones:
        mask[lo:hi] = b"\x01" * (hi - lo)
    return mask


def _paired(text: str, open_: str, close: str, limit: int, cross_lines: bool = False) -> list[tuple[int, int]]:
    """Spans from each `open_` to its matching `close` within `limit` characters (and within the paragraph,
    unless `cross_lines`: a short quotation may straddle a line break normalization kept by mistake)."""
    out = []
    pos = text.find(open_)
    while pos != -1:
        depth, i = 1, pos + 1
        stop = min(len(text), pos + limit)
        while i < stop and depth:
            if text[i] == open_:
                depth += 1
            elif text[i] == close:
                depth -= 1
            elif text[i] == "\n" and not cross_lines:
                break
            i += 1
        if depth == 0:
            out.append((pos, i))
        pos = text.find(open_, i if depth == 0 else pos + 1)
    return out


def _ascii_quotes(text: str) -> list[tuple[int, int]]:
    out = []
    for a, b in lines(text):
        idx = [i for i in range(a, b) if text[i] == '"']
        for o, c in zip(idx[::2], idx[1::2]):
            if c - o <= _SHORT_QUOTE:
                out.append((o, c + 1))
    return out


def _in_zones(pos: int, zones: bytearray) -> bool:
    return bool(zones[pos])
