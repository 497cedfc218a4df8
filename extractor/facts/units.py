"""The unit after a number, read by a small grammar instead of looked up in a list of units seen before.

    unit      := percent | money | metric | count
    percent   := % | ‰                                  base `ratio` (value ÷ 100 or ÷ 1000)
    money     := 元 | 美元 | 欧元 | 港元                  base 元 for 元 (a 万/亿 multiplier before it is the caller's)
    metric    := cn-metric ("/" cn-metric)? | si ("/" si)?
    cn-metric := (平方|立方)? (千|兆|毫|微|厘)? (米|克|升|瓦时|瓦|吨|公里|公顷|公斤|亩|度)
    si        := prefix? (g|m|L|l|t|Wh|W|J|Pa|V|A|h|s|Hz|B) (²|³|2|3)?     prefix := k M G T m µ μ n c
    count     := 个? word 次?        word := a measure word (量词) or a time word;
                                     `个` before a time or percentage-point word (个工作日, 个百分点),
                                     `次` after a measure word for visits (人次, 件次, 场次, 个轮次)

The base unit is what a figure is compared in: the printed unit without a `个` in front of its word
(`个工作日` → `工作日`), Latin typography folded (`m3` → `m³`, `μ` → `µ`). SI prefixes are kept as printed
(`mg/L` stays `mg/L`): concentrations are compared in the unit the standard states them in.

After a Chinese numeral fewer words count (`三级`, `一体化`, `十九届` are names, not counts): `CN_MEASURES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor import lexicon

# The word lists are data (extractor/lexicon/unit_*.toml: what each is for, where its words come from).
# Not measure words on purpose: 届 级 层 (ordinals and ranks: `十九届`, `三级`), 年 月 日 (dates; the parser
# decides when they are durations), 大 (`N大X` is its own rule in quantities.py).
MEASURE_WORDS = frozenset(lexicon.words("unit_measure_words"))
# Nouns that act as units after a number (`30部门`, `5村`) are not measure words; the ones the reports use:
NOUN_UNITS = lexicon.words("unit_noun_units")
TIME_WORDS = lexicon.words("unit_time_words")
RATE_WORDS = lexicon.words("unit_rate_words")
VISIT_WORDS = frozenset(lexicon.words("unit_visit_words"))  # + 次: 人次, 家次, 个轮次 → 轮次

MONEY = lexicon.words("unit_money")
PERCENT: dict[str, int] = dict(lexicon.pairs("unit_percent"))

_METRIC = lexicon.load("unit_cn_metric")
_CN_METRIC = re.compile(
    "(?:"
    + lexicon.alternation(_METRIC.group("dims"))
    + ")?(?:"
    + lexicon.alternation(_METRIC.group("prefixes"))
    + ")?(?:"
    + lexicon.alternation(_METRIC.group("units"))
    + ")"
)
_SI = r"(?:[kMGTmµμnc]?(?:Wh|Pa|Hz|g|m|L|l|t|W|J|V|A|h|s|B)(?:[²³23](?![\d.]))?)"
_SI_UNIT = re.compile(_SI + r"(?:/" + _SI + r")?(?![A-Za-z])")
_SUPERSCRIPT = str.maketrans({"μ": "µ"})

# Measure words that make a Chinese numeral a count (`两起`, `三次`, `十余件`): fewer, because Chinese
# numerals also build names (`三级`, `一体化`, `十九届`, `四类信访问题` as a modifier, `三批` of a programme).
CN_MEASURES = frozenset(lexicon.words("unit_cn_measures"))


@dataclass(frozen=True)
class Unit:
    end: int  # one past the unit in the text
    printed: str  # as printed: 个工作日, mg/L, 人次
    base: str  # what it is compared in: 工作日, mg/L, ratio
    divisor: float = 1.0  # value ÷ divisor is in base (100 for %)


def match_unit(text: str, pos: int, after_chinese: bool = False) -> Unit | None:
    """The unit starting at text[pos], or None when what follows the number is no unit."""
    if pos >= len(text):
        return None
    ch = text[pos]
    if ch in PERCENT:
        return None if after_chinese else Unit(pos + 1, ch, "ratio", PERCENT[ch])
    for money in MONEY:
        if text.startswith(money, pos):
            return Unit(pos + len(money), money, money)
    if not after_chinese:
        metric = _metric(text, pos)
        if metric:
            return metric
    return _count(text, pos, after_chinese)


def _metric(text: str, pos: int) -> Unit | None:
    m = _CN_METRIC.match(text, pos)
    if m and m.group() != "度":  # `度` alone is a degree of electricity only with 千瓦时-like context; too ambiguous
        end = m.end()
        if text.startswith("/", end) and (m2 := _CN_METRIC.match(text, end + 1)):
            end = m2.end()
        printed = text[pos:end]
        if printed.endswith("升") and text.startswith(("至", "到", "为", "了"), end):
            return None  # `由5升至8`: 升 is the verb "rise"
        return Unit(end, printed, printed)
    m = _SI_UNIT.match(text, pos)
    if m:
        printed = m.group()
        base = re.sub(r"(?<=[A-Za-z])2(?![\d])", "²", re.sub(r"(?<=[A-Za-z])3(?![\d])", "³", printed)).translate(
            _SUPERSCRIPT
        )
        return Unit(m.end(), printed, base)
    return None


def _count(text: str, pos: int, after_chinese: bool) -> Unit | None:
    words = CN_MEASURES if after_chinese else MEASURE_WORDS
    ge = "个" if text.startswith("个", pos) else ""
    rest = pos + len(ge)
    for word in (*TIME_WORDS, *RATE_WORDS):  # 个工作日, 个百分点, 学时 (with or without 个)
        if text.startswith(word, rest) and (ge or word != "月"):
            return Unit(rest + len(word), ge + word, word)
    if not after_chinese and not ge:
        for noun in NOUN_UNITS:
            if text.startswith(noun, pos):
                return Unit(pos + len(noun), noun, noun)
    if ge:
        word = text[rest : rest + 1]
        if word in VISIT_WORDS and word != "个" and text.startswith("次", rest + 1):
            return Unit(rest + 2, ge + word + "次", word + "次")  # 个轮次 → 轮次, 个批次 → 批次
        if text.startswith("多月", rest):
            return Unit(rest + 2, "个月", "月")  # `两个多月`: the caller marks it approximate
        return Unit(rest, "个", "个")
    word = text[pos : pos + 1]
    if word not in words:
        return None
    if word in VISIT_WORDS and text.startswith("次", pos + 1):
        return Unit(pos + 2, word + "次", word + "次")
    return Unit(pos + 1, word, word)
