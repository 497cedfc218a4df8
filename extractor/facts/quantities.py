"""Every quantity a report states, parsed by code: value, unit, base value, and where it stands.

`find_quantities(norm)` scans the normalized text (width folded, spaces and page breaks inside sentences
removed, so `83.\\n\\n3%` is already `83.3%`) and maps each number expression back to the original with
`norm.to_orig`. A quantity is a number with a unit — read by the grammar in `facts/units.py` (measure
words, `个`/`次` compounds, metric and SI units, money, `%`/`‰`) — a Chinese numeral with a measure word
(`两起`, `三次`), or `N大X` (`四大奖项`). The evidence span is the number expression only:
approximation prefix (`约`, `近`, `超过`) + number (+ `余`/`多`) + multiplier + unit (+ `以上`).

What is deliberately not a quantity (the gold conventions, evals/gold/CONVENTIONS.md): dates, years and
year ranges, document numbers, list ordinals and ranks (`第二次`, `第24位`), anything inside 《…》, short
quoted names (`“1100”模式`, `“三个融入”`), slogans by their shape (a `、`-list of short numbered phrases:
`三个到位、五个一`; a numeral that recaps the list before it: `A、B、C三项制度`; `一次也不跑`), and a
handful of central-government canon terms (`NATIONAL_TERMS`).
Most of those fall out for free because the number carries no unit (`〔2023〕9号`, `12345热线`); the rest
are excluded explicitly below.

Names and indicator keys are separate steps the pipeline calls after this one: `facts/names.py`, `facts/indicators.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from extractor.text.grammar import CENTURY_YEAR
from extractor import lexicon
from extractor.text.normalize import Normalized
from extractor.facts.units import CN_MEASURES, match_unit
from extractor.text.numerals import NUMERAL_CHARS, cn_value
from extractor.text.sentences import LIST_BOUNDS, PHRASE_BOUNDS, end_of, lines, phrase_before, start_of
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

    def to_metric(
        self, name: str | None = None, indicator: str | None = None, *, keep_indicator: bool = True
    ) -> Metric:
        """The `schemas.report.Metric` for this quantity, evidence exact by construction. A model may rename
        it (`name`) and set its indicator (`indicator` with `keep_indicator=False`); value and span stay code's."""
        return Metric(
            name=name or self.name or "未命名数量",
            value=self.value,
            unit=self.unit,
            approx=self.approx,
            value_base=self.value_base,
            base_unit=self.base_unit,
            indicator=self.indicator if keep_indicator else indicator,
            evidence=Evidence(quote=self.quote, start=self.start, end=self.end, alignment="span"),
        )


# --- units -------------------------------------------------------------------------------------------

MULTIPLIERS: dict[str, float] = dict(lexicon.pairs("quantity_multipliers"))  # tried in order: 万亿 before 万


# --- exclusions --------------------------------------------------------------------------------------

# Central-government canon terms built from numerals (published vocabulary, not harvested from reports).
# Local slogans are caught by pattern instead: `_is_slogan`, short quotations, digit-string numerals.
# The word lists are data: extractor/lexicon/quantity_*.toml.
NATIONAL_TERMS = lexicon.words("quantity_national_terms")
_APPROX_PREFIX = lexicon.words("quantity_approx_prefixes")
_APPROX_SUFFIX = lexicon.words("quantity_approx_suffixes")
_CLAUSE_START = LIST_BOUNDS
_DASHES = "-—–~～至到"
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_CHINESE = re.compile(r"[一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万]*")
_PERCENT_WORDS = re.compile(r"百分之(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)")
_COUNT_VERB_BEFORE = re.compile("(?:" + lexicon.alternation(lexicon.words("quantity_count_verbs")) + ")$")
_YEAR = re.compile(CENTURY_YEAR)
_RANGE_END = re.compile(r"\d{2,4}年?")
# `一` opens a count only with these (`一起已结案`, `一次`); `一批`, `一个`, `一张` are articles or idioms.
_ONE_MEASURES = frozenset(lexicon.words("quantity_one_measures"))
# A numeral after these is vague (`数十件`, `上百人`) or an ordinal (`第二次`, `每一个`, `周一`).
_CN_BAD_PREV = frozenset(lexicon.words("quantity_cn_bad_prev"))
_CASES_BEFORE = re.compile(r"[\d一二两三四五六七八九十]起")
# `N大X` counts the X (`四大奖项`); not the party congresses (`二十大精神`, `党的十九大`).
_BIG = re.compile(r"([二两三四五六七八九十]{1,2})大([\u4e00-\u9fff]{2})")
_CONGRESS = re.compile(lexicon.alternation(lexicon.words("quantity_congress_words")))
_CN_NUMERAL = re.compile("[" + NUMERAL_CHARS + "]")


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
    for m in _BIG.finditer(text):
        hit = _big_count(text, m, zones)
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
        out.append(
            Quantity(
                value=hit.value,
                unit=hit.unit,
                approx=hit.approx,
                value_base=hit.value_base,
                base_unit=hit.base_unit,
                start=start,
                end=end,
                quote=norm.original[start:end],
                found=hit.span,
            )
        )
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
    if _in_zones(a, zones) or _is_date_or_year(text, a, b, digits):
        return None
    if b < len(text) and text[b] == "." and not (b + 1 < len(text) and text[b + 1].isdigit()):
        return None  # list ordinal `1.`
    value = float(digits.replace(",", ""))
    tail = _parse_tail(text, b, chinese=False)
    if _is_name_context(text, a, b, metric_unit=bool(tail and tail[1] and tail[1][-1].isascii())):
        return None
    if tail is None:
        # a bare count, only where the text says so (`总数为35，`)
        if _COUNT_VERB_BEFORE.search(text, max(0, a - 4), a) and b < len(text) and text[b] in "，,；;。、)":
            start, approx = _approx_prefix(text, a)
            return _Hit(Found(start, b, None, None), value, None, approx, value, None)
        return None
    end, unit, base_unit, factor, approx_after = tail
    start, approx_before = _approx_prefix(text, a)
    base = _base(value, factor)
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
    return bool(re.fullmatch(CENTURY_YEAR + r"\.\d{1,2}", digits)) and text[b : b + 1] == "."


def _is_name_context(text: str, a: int, b: int, metric_unit: bool = False) -> bool:
    """Ranks and ordinals (`第24位`, `第 2`), and numbers glued to Latin letters (`5G`, `G20`, `PM2.5`) —
    unless the letters are a metric unit (`5mg/L`)."""
    prev = text[a - 1] if a else ""
    nxt = text[b] if b < len(text) else ""
    if prev == "第":
        return True
    return (prev.isascii() and prev.isalpha()) or (nxt.isascii() and nxt.isalpha() and not metric_unit)


def _parse_tail(text: str, pos: int, chinese: bool):
    """After the digits: [余|多] [multiplier] [余|多] unit [以上|左右] (the unit: facts/units.py's grammar).
    Returns (end, printed unit, base unit, factor to the base, approx) or None when no unit follows."""
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
    unit = match_unit(text, pos, after_chinese=chinese)
    factor = Decimal(repr(MULTIPLIERS.get(mult_key, 1.0)))
    if unit is None:
        if mult_key:
            return pos, mult_key, None, factor, approx  # `12万` alone: a count of unnamed things
        if not chinese and text.startswith(("年", "日"), pos):
            # a small number of years is a duration (_is_date_or_year let it through); `15日内`, a time limit
            return pos + 1, text[pos], text[pos], factor, approx
        return None
    end = unit.end
    if text.startswith("个多月", pos):
        approx = True
    suffix = next((w for w in _APPROX_SUFFIX if text.startswith(w, end)), "")
    if suffix:
        approx, end = True, end + len(suffix)
    return end, mult_key + unit.printed, unit.base, factor / Decimal(repr(unit.divisor)), approx


def _approx_prefix(text: str, a: int) -> tuple[int, bool]:
    for p in _APPROX_PREFIX:
        s = a - len(p)
        if s >= 0 and text[s:a] == p:
            if p == "近" and s > 0 and text[s - 1] in "最附":
                return a, False  # 最近3天: "the last three days", not "nearly"
            return s, True
    return a, False


def _base(value: float, factor: Decimal) -> float:
    # Decimal, so that 20.65亿元 is 2065000000 exactly, not 2064999999.9999998
    return float(Decimal(repr(value)) * factor)


# --- Chinese numerals --------------------------------------------------------------------------------


def _chinese_quantity(text: str, m: re.Match, zones: bytearray):
    a, b = m.start(), m.end()
    numeral = m.group()
    if len(numeral) > 1 and numeral.endswith("万"):
        numeral, b = numeral[:-1], b - 1  # `两万人`: 万 is the multiplier of the unit, printed 万人
    tail = _parse_tail(text, b, chinese=True)  # measure word directly or after 余/多 (`十余件`)
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
    end, unit, base_unit, factor, approx = tail
    if unit is None:
        return None  # `两万` with no measure word: no count
    if numeral == "一" and (prev and prev not in _CLAUSE_START or unit not in _ONE_MEASURES):
        return None  # `一项重要内容`, `统一批复`, `一批`: 一 counts only opening a clause, with a count word
    if numeral == "一" and unit == "起" and not _CASES_BEFORE.search(text, max(0, a - 20), a):
        return None  # `一起研究` is "together"; `两起，一起已结案` is one of the cases
    if _in_national_term(text, a, end) or _is_slogan(text, a, end) or _is_recap(text, a, value):
        return None
    if numeral == "一" and text.startswith(("也", "都"), end):
        return None  # `一次也不跑`, `一件都不能少`: "not even one", no count
    base = _base(value, factor)
    return _Hit(Found(start, end, unit, base_unit), float(value), unit, approx or approx_before, base, base_unit)


def _big_count(text: str, m: re.Match, zones: bytearray):
    """`四大奖项` → 4, unit 大: a count of the noun after 大, unless it names a congress or recaps a list."""
    a = m.start()
    value = cn_value(m.group(1))
    prev = text[a - 1] if a else ""
    if value is None or _in_zones(a, zones) or (prev and (prev in _CN_BAD_PREV or _CN_NUMERAL.match(prev))):
        return None
    if _CONGRESS.match(m.group(2)) or text.endswith("党的", 0, a) or _is_recap(text, a, value):
        return None
    start, approx = _approx_prefix(text, a)
    end = m.start(2)
    return _Hit(Found(start, end, "大", "大"), float(value), "大", approx, float(value), "大")


def _is_slogan(text: str, a: int, end: int) -> bool:
    """A numeral phrase inside a `、`-list of short numbered phrases where at least one phrase is plainly no
    count — a numeral not followed by a measure word (`一网通办`, `零跑腿`) or a measure word followed by a
    numeral (`五个一`): `三个到位、五个一`, `一网通办、一次办结、零费用`. A list of counts (`两个中心、三个站点`)
    has no such member."""
    bounds = PHRASE_BOUNDS | set("()“”")
    lo, hi = start_of(text, a, bounds), end_of(text, a, bounds)
    items = re.split("、", text[lo:hi].rstrip("".join(bounds)))
    if len(items) < 2 or any(len(item) > 6 for item in items):
        return False
    return any(_plainly_no_count(item) for item in items)


def _plainly_no_count(item: str) -> bool:
    for m in _CN_NUMERAL.finditer(item):
        after = item[m.end() : m.end() + 1]
        if not after:
            return item[m.start() - 1 : m.start()] in CN_MEASURES  # `五个一`
        if not _CN_NUMERAL.match(after) and after not in CN_MEASURES and after not in "余多":
            return True  # `一网`, `零跑腿`
    return False


def _is_recap(text: str, a: int, value: int) -> bool:
    """`A、B、C三项制度`, `企业和个体户两类主体`: the numeral sums up the list just before it, no count."""
    before = phrase_before(text, a, 0, PHRASE_BOUNDS)
    if "、" not in before and not re.search(r"[和及与]", before):
        return False
    items = re.split(r"[、和及与]", before)
    longest = 10 if "、" in before else 6  # a list of short items, not a clause that happens to hold 与
    return len(items) == value and all(0 < len(item) <= longest for item in items)


def _percent_words(m: re.Match, zones: bytearray):
    """`百分之九十` → 90%."""
    if _in_zones(m.start(), zones):
        return None
    num = m.group(1)
    value = float(num) if num[0].isdigit() else cn_value(num)
    if value is None:
        return None
    base = _base(float(value), Decimal("0.01"))
    return _Hit(Found(m.start(), m.end(), "%", "ratio"), float(value), "%", False, base, "ratio")


def _in_national_term(text: str, a: int, b: int) -> bool:
    for term in NATIONAL_TERMS:
        pos = text.find(term, max(0, a - len(term) + 1), b + len(term))
        if pos != -1 and pos < b:
            return True
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
