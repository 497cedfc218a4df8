"""Names for parsed quantities from the sentence's structure: the rules backend's floor.

A name says what is counted: the words before the number in its phrase and the noun phrase after the
measure word (`对16个部门` → `部门数`, `审查各单位备案文件27件` → `审查各单位备案文件数`), the predicate after
that noun when the phrase has little before it (`128家企业开展法律体检` → `开展法律体检企业数`). Which words are
verbs comes from a general lexicon (`text/words.py`), never from a list of verbs seen in reports. Carried over
within a sentence:
- a clause that is only a verb, or short and not ending in a noun (`受理48起`, `法院结案92件`), counts the
  object of the figure before it (`共收到行政复议申请案件51起，受理48起` → `行政复议申请案件受理数`);
- a short noun parallel to the one before (`…采集人要素71万条，地要素43万条`) takes the words around it;
- a quoted name opening the sentence (`“信易贷”平台…`) is what every figure in it is about;
- the object of a 将/把 clause is what a number at its end counts (`将各部门许可事项统一划入审批局278项`).
A figure stated for a `、`-list of rates (`审结率、备案率均达100%`) is named by the whole list. Comparisons
(`同比`, `比上年`) qualify a change and are dropped. The model backends may rename (labeling/plan.py).
Indicator keys are `facts/indicators.py`'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractor.text.grammar import TIME_PHRASE
from extractor import lexicon
from extractor.facts.quantities import Found, Quantity
from extractor.text.normalize import Normalized
from extractor.text.words import ADVERBS, is_noun, leading_verb
from extractor.text.sentences import LIST_BOUNDS, PHRASE_BOUNDS, phrase_after, phrase_before, same_sentence, start_of


MAX_NAME = 24
_ASIDE = 4  # a parenthesised aside this short belongs to the name: `各县(市、区)政府`, `村(社区)`
_SHORT_PREDICATE = 4

_QUOTES = "“”\"「」『』《》‘’'"

# Where the noun phrase after a number stops (`142个事项实现告知承诺办理` → `事项`).
_AFTER_CUT = re.compile(lexicon.alternation(lexicon.words("name_after_cuts")))
_LEAD_FILLER = re.compile("^(?:" + lexicon.alternation(lexicon.words("name_lead_fillers")) + ")")
_TRAIL_FILLER = re.compile("(?:" + lexicon.alternation(lexicon.words("name_trail_fillers")) + ")$")
# `X共Y`, `X累计Y`: X is who did it, Y what was counted.
_ACTOR_SPLIT = re.compile(r"^.{2,}?(?:共计|合计|累计|共)(?=.{2,})")
_DATES = TIME_PHRASE
_MODIFIERS = re.compile(r"各类|各项|了(?!解)")
# A comparison qualifies a change, it does not name it: `同比提高`, `比上年增长` → 提高, 增长.
_COMPARE = re.compile(
    lexicon.alternation(lexicon.load("name_compare_words").group("compare"))
    + r"|(?<![同环])比(?="
    + lexicon.alternation(lexicon.load("name_compare_words").group("changes"))
    + ")"
)

_RATIO_UNITS = {"%", "‰", "个百分点", "百分点"}
_NEXT_FIGURE = re.compile(r"\d")
_TIME_UNITS = frozenset(lexicon.words("name_time_units"))
_STUDY_UNITS = frozenset(lexicon.words("name_study_units"))
# Suffix by unit: 期 → 期数, 人 → 人数, 人次 → 人次 (a count of visits is named by its unit).
_COUNT_SUFFIX: dict[str, str] = dict(lexicon.pairs("name_count_suffixes"))
_MEASURE_NOUNS = tuple(
    (frozenset(units), noun) for noun, units in lexicon.load("name_measure_nouns").data["groups"].items()
)
# Nouns that stand for "the total" and take their object from the sentence (`总量36.5万户`).
_GENERIC = frozenset(lexicon.words("name_generic_nouns"))
_NO_COUNT_SUFFIX = re.compile(r"(?:数|量|规模)$")
_MONEY_SUFFIX = re.compile("(?:" + lexicon.alternation(lexicon.words("name_money_suffixes")) + ")$")
_BARE_PREFIX = re.compile("^(?:" + lexicon.alternation(lexicon.words("name_bare_prefixes")) + ")")
_DURATION_NAME = re.compile("(?:" + lexicon.alternation(lexicon.words("name_duration_nouns")) + ")$")


@dataclass
class Named:
    found: Found
    name: str
    stem: str  # the name before its 数/金额 suffix
    obj: str  # the counted thing, carried over to verb-only clauses that follow


def name_quantities(norm: Normalized, quantities: list[Quantity]) -> list[Quantity]:
    """The quantities with `name` set to what each one counts (rules floor; a model may rename later)."""
    named = name_all(norm.text, [q.found for q in quantities])
    return [replace(q, name=n.name) for q, n in zip(quantities, named)]


def name_all(text: str, found: list[Found]) -> list[Named]:
    """A name for each found quantity; `found` in document order (a name may borrow from the one before)."""
    out: list[Named] = []
    for i, f in enumerate(found):
        prev = out[-1] if out and same_sentence(text, out[-1].found.end, f.start) else None
        out.append(_name(text, f, prev, found[i - 1].end if i else 0))
    return out


# --- names -------------------------------------------------------------------------------------------


def _name(text: str, f: Found, prev: Named | None, prev_end: int) -> Named:
    """`prev`: the previous quantity in the same sentence; `prev_end`: where the previous quantity ends."""
    before, verb, after = _words_around(text, f, prev_end)
    if f.unit in _RATIO_UNITS or f.base_unit in ("ratio", "%", "‰"):
        return _ratio_name(text, f, prev, prev_end, before)
    if after:
        stem, obj = _counted_noun(text, f, prev, before, verb, after)
    else:
        stem, obj = _counted_by_clause(text, f, prev, before, verb)
    return _named(text, f, prev, stem, obj, after)


def _words_around(text: str, f: Found, prev_end: int) -> tuple[str, str, str]:
    """The words before the number (with the verb that heads them), that verb, and the noun phrase after it."""
    left = phrase_before(text, f.start, prev_end, keep_asides=_ASIDE)
    disposed = _disposal_object(left)
    after = _after_noun(text, f.end)
    before = _clean(left)
    verb = leading_verb(before)
    if before and not verb:
        # `审查各类会议议题、文件、涉法事务420件`: the verb heads the whole `、` list
        whole = _clean(phrase_before(text, f.start, 0, PHRASE_BOUNDS))
        verb = leading_verb(whole) if whole != before else ""
        before = verb + before
    if "的" in before:
        head = before.rsplit("的", 1)[1]
        before = _strip((verb + head) if head or verb else before.replace("的", ""))
    if disposed and not after:
        before = disposed  # `将各部门行政许可事项统一划入审批局278项`: the 278 are the 事项
    return before, verb, after


def _ratio_name(text: str, f: Found, prev: Named | None, prev_end: int, before: str) -> Named:
    """A rate or share: named by what precedes it, the list it is stated for, or the previous figure's object."""
    stem = before
    shared = phrase_before(text, f.start, prev_end, PHRASE_BOUNDS)
    if "、" in shared and re.search(r"[均都](?:达到?|为|是)?$", shared):
        stem = _clean(shared)  # `审结率、备案率、及时率均达100%`: one figure for the whole list
    if stem in ("", "占", "占比") and prev:
        stem = prev.stem + "占比"
    elif (len(stem) <= 5 or re.match(r"同比|环比|较", stem)) and prev and prev.obj and prev.obj not in stem:
        stem = prev.obj + stem  # `精简37.5%` after `申请资料由8件减至5件` → 申请资料精简; `完成率` → 抽查计划完成率
    return Named(f, _fit(stem or "比例", ratio=True), stem, prev.obj if prev else stem)


def _counted_noun(text: str, f: Found, prev: Named | None, before: str, verb: str, after: str) -> tuple[str, str]:
    """(stem, object) of a count whose noun follows its measure word: the noun with what is done to it."""
    stem = before + after
    tail = phrase_after(text, f.end)[len(after) :]
    done = re.match(r"进行了?([^，,；;。：:、!?！？()\d]{2,6})", tail)
    if done and not before:
        stem = after + done.group(1)  # `对5件规范性文件进行审查备案` → 规范性文件审查备案
    elif len(before) <= 4:
        act = _strip(_clean(re.split(r"\d", tail, maxsplit=1)[0]))
        if 2 <= len(act) <= 10:
            stem = before + act + after  # `128家企业开展法律体检` → 开展法律体检企业
    if prev and not verb:
        stem = _parallel(stem, prev)
    return stem, after


def _counted_by_clause(text: str, f: Found, prev: Named | None, before: str, verb: str) -> tuple[str, str]:
    """(stem, object) of a count with no noun after it: the clause before it, or the sentence's earlier object.
    A verb alone (`审结`) or a short clause that does not end in a noun (`法院结案`, `审查通过`) counts the
    sentence's earlier object; a short clause ending in a noun (`新建道路`, `主事项`) has its own."""
    stem = before
    obj = _object(before)
    parallel = _parallel(stem, prev) if prev and not verb else stem
    predicate = _is_bare(stem) or (
        len(stem) <= _SHORT_PREDICATE and not is_noun(stem[-2:]) and prev is not None and prev.obj not in stem
    )
    if parallel != stem:
        stem = parallel
    elif predicate and prev and prev.obj and not phrase_after(text, f.end).strip(")"):
        stem, obj = prev.obj + stem, prev.obj
    return stem, obj


def _named(text: str, f: Found, prev: Named | None, stem: str, obj: str, after: str) -> Named:
    """The name from its stem: the sentence's quoted topic before it, words after the number when the stem is
    (nearly) empty, and the suffix its unit calls for (数, 金额, 时限 …)."""
    topic = _quoted_topic(text, f.start)
    if topic and topic not in stem:
        stem = topic + stem
    rest = phrase_after(text, f.end)
    if len(stem) == 1 and not after:
        # `分两批向开发区转移了136项…` → 开发区转移批次数: what follows up to the next figure, which counts
        # something else (taking words past it gave `开发区转移省辖市级经批次数`)
        stem = _strip(_clean(_NEXT_FIGURE.split(rest, 1)[0]))[:10] or stem
    if not stem:
        stem = _strip(_clean(rest.lstrip("被")))[:MAX_NAME]
        if stem and f.base_unit in ("人", "名"):
            return Named(f, _fit(stem + "人数"), stem, stem)
        stem = stem or (prev.obj if prev else "") or "数量"
    obj = re.sub(r"(?:总数|总量|数量)$", "", obj or stem)
    return Named(f, _fit(stem + _suffix(stem, f)), stem, obj)


def _quoted_topic(text: str, pos: int) -> str:
    """A quoted name in the sentence's first phrase (`“信易贷”平台…`) is what the sentence is about."""
    lo = start_of(text, pos)
    first = text[lo : min(pos, lo + len(phrase_after(text, lo, PHRASE_BOUNDS)))]
    m = re.match(r"[^“]{0,8}(“[^”\d]{2,12}”)", first)  # `“12345”热线` is a number's name, not a topic
    return m.group(1) if m else ""


def _disposal_object(left: str) -> str:
    """The object of a 将/把 clause that moves it somewhere (`将X统一划入Y`, `把X下放至Y`): what a number at the
    clause's end counts. The motion is read from the verb's directional complement (入 至 到 给), not a list."""
    m = re.search(r"(?:将|把)(.{2,}?)(?=(?:" + "|".join(ADVERBS) + r")?[\u4e00-\u9fff]{1,2}[入至到给])", left)
    if m:
        return _clean(m.group(1))
    return ""


def _parallel(stem: str, prev: Named) -> str:
    """A short noun parallel to the previous figure's (`…采集人要素71万条，地要素43万条`: same suffix, one
    member swapped) takes the words the previous one stood in: `…采集地要素`."""
    if not 2 <= len(stem) <= 5 or len(prev.stem) <= len(stem):
        return stem
    shared = 0
    while shared < len(stem) - 1 and prev.stem[-1 - shared] == stem[-1 - shared]:
        shared += 1
    if not shared:
        return stem
    cut = len(prev.stem) - len(stem)
    return prev.stem[:cut] + stem if cut >= 3 and prev.stem[cut:] != stem else stem


def _is_bare(stem: str) -> bool:
    """A clause that is only a verb (`审结`, `拟废止`): it counts the object named before it."""
    core = _BARE_PREFIX.sub("", stem)
    return not core or leading_verb(core) == core or core in _GENERIC


def _object(before: str) -> str:
    """What a verb phrase counts: the part after its last verb (`人民调解组织调处案件` → 案件)."""
    for i in range(len(before) - 2):
        verb = leading_verb(before[i:])
        if verb and len(before) - i - len(verb) >= 2:
            return before[i + len(verb) :]
    return before


def _suffix(stem: str, f: Found) -> str:
    base = f.base_unit or ""
    if re.search(r"[A-Za-zµ/]", base):
        return ""  # a measurement in a metric unit (`浓度20µg/m3`) is named by what is measured
    if base == "元":
        return "" if _MONEY_SUFFIX.search(stem) else "金额"
    if base in _TIME_UNITS:
        if _DURATION_NAME.search(stem):
            return ""
        return "时间" if base in ("小时", "分钟", "秒") else "时限" if base.endswith("日") else "用时"
    if base in _STUDY_UNITS:
        return "" if stem.endswith("学时") else "学时数"
    if stem.endswith("数据"):
        return "量"
    for units, noun in _MEASURE_NOUNS:
        if base in units:
            return "" if stem.endswith(noun) else noun
    if _NO_COUNT_SUFFIX.search(stem):
        return ""
    return _COUNT_SUFFIX.get(base, "数")


def _fit(name: str, ratio: bool = False) -> str:
    if len(name) <= MAX_NAME or ratio:
        return name[-MAX_NAME:]  # a rate's head (…率) is at its end
    for i in range(1, len(name) - 3):
        if len(name) - i <= MAX_NAME and leading_verb(name[i:]):
            return name[i:]  # keep a verb and its object: 联合查办行刑衔接大案要案数
    verb = leading_verb(name)
    if verb and len(name) - len(verb) <= MAX_NAME:
        return name[len(verb) :]
    return name[-MAX_NAME:]


def _after_noun(text: str, pos: int) -> str:
    """The noun phrase right after the unit: up to a delimiter, a number, or a verb/particle.

    `具体的意见和建议` gives the head after `的`; a one-character place (`2个县(市)`) counts."""
    if text.startswith(("内", "以内", "之内"), pos):
        return ""
    j = pos
    while j < len(text) and j - pos < 12:
        ch = text[j]
        close = text.find(")", j, j + _ASIDE + 2) if ch == "(" and j > pos else -1
        if close != -1:
            j = close + 1
            continue
        if ch in LIST_BOUNDS or ch.isdigit() or ch in "()":
            break
        j += 1
    raw = "".join(ch for ch in text[pos:j] if ch not in _QUOTES or ch in "“”")
    phrase = raw
    cut = _AFTER_CUT.search(phrase)
    if cut:
        phrase = phrase[: cut.start()]
        if cut.group() == "的" and 0 < len(phrase) <= 2:  # `具体的意见和建议`: an adjective, the head follows
            head = raw[cut.end() :]
            head_cut = _AFTER_CUT.search(head)
            head = head[: head_cut.start()] if head_cut else head
            if len(head) >= 2:
                phrase = head
    if phrase.startswith(("以上", "左右")):
        return ""
    if len(phrase) == 1 and phrase in "县市区村镇乡省户" and j == pos + 1:
        return phrase
    return phrase if len(phrase) >= 2 else ""


def _clean(left: str) -> str:
    s = "".join(ch for ch in left if ch not in _QUOTES or ch in "“”")
    s = _DATES.sub("", s)
    s = _COMPARE.sub("", s)
    s = _MODIFIERS.sub("", s)
    s = re.sub(r"\d+(?:\.\d+)?[余多]?[万亿]?[个件项次起场人家名份条笔天户例]?", "", s)
    s = re.sub(r"(?:共计|合计|累计|共)", "", _strip(s))
    return _strip(s)


def _strip(s: str) -> str:
    prev = None
    while prev != s:
        prev = s
        s = _LEAD_FILLER.sub("", s)
        s = _TRAIL_FILLER.sub("", s)
    return s
