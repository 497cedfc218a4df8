"""The rules backend's judgements: category from keywords, summary from the item's lead clause.

It is the floor the model backends must beat and the fallback when no model is available. Everything
here is deterministic and cheap; the model replaces `category` and `summary`, never spans or numbers.
"""

from __future__ import annotations

import re

from extractor.text.normalize import canon, fullwidth_punctuation
from extractor.text.sentences import CLAUSE_BOUNDS, PHRASE_BOUNDS, PHRASE_END, sentences

# (category, keywords). Order breaks ties: earlier wins.
_CATEGORY_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("emergency_response", ("突发事件", "应急", "疫情", "防汛", "汛灾", "灾后")),
    ("dispute_resolution", ("复议", "应诉", "诉讼", "调解", "信访", "矛盾纠纷", "裁决", "公共法律服务", "法律援助", "争议", "府院联动", "诉源")),
    ("digital_government", ("数字政府", "互联网+", "一网通办", "数据共享", "信息化", "大数据", "智慧", "网上")),
    ("rules_and_normative_documents", ("规范性文件", "规章", "立法", "备案", "清理", "合法性审核", "合法性审查", "制度体系")),
    ("decision_making", ("重大行政决策", "决策", "法律顾问", "公职律师", "专家论证", "公众参与", "合同")),
    ("law_enforcement", ("执法", "三项制度", "处罚", "行政检查", "包容审慎", "免罚", "执法证")),
    ("oversight_transparency", ("监督", "政务公开", "公开", "督查", "审计", "人大", "政协", "诚信", "12345", "舆论")),
    ("government_functions", ("放管服", "营商环境", "权责清单", "政务服务", "职能", "证明事项", "审批", "放权", "信用", "双随机", "公平竞争")),
    ("legal_capacity_publicity", ("学法", "培训", "普法", "宣传", "考试", "法治思维", "法治素养", "法治文化")),
    ("leadership_coordination", ("第一责任人", "党的领导", "统筹", "督察", "考核", "示范创建", "示范市", "领导小组", "委员会", "年度报告", "主体责任")),
]

_LEAD_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、]|[一二三四五六七八九十]+、)\s*")
_CLAUSE_END = re.compile("[" + "".join(sorted(PHRASE_BOUNDS)) + "]")
_PHRASE = re.compile("[" + "".join(sorted(PHRASE_END)) + "]")
_SENTENCE = re.compile("[" + "".join(sorted(CLAUSE_BOUNDS)) + "]")
# A lead phrase that only says when (`2023年`, `今年以来`, `年内`): the statement starts after it.
_WHEN = re.compile(r"^(?:(?:\d{4}|[〇零一二三四五六七八九]{4})年(?:度|以来|来|内|上半年|下半年)?|今年以来|近年来|年内|同时|此外|其中)$")
LEAD_MIN = 12  # a lead phrase shorter than this (`高度重视`, `规范流程`) says too little alone: the next phrase joins it
_DIGIT = re.compile(r"\d")  # a phrase with a figure is detail (`全年取消审批事项12项`), not the statement
LEAD_MAX = 24  # … unless that makes it longer than this: a summary is one short statement
_LEADERSHIP = re.compile(r"第一责任人|党政主要负责|主要负责同志|主要领导|述法")


def keyword_category(text: str, heading: str | None = None) -> str | None:
    """The category whose keywords the item mentions most (the heading counts half: it breaks ties and
    fills blanks); None when no keyword of any category occurs."""
    body, head = canon(text), canon(heading or "")
    best, best_score = None, 0.0
    for cat, words in _CATEGORY_KEYWORDS:
        score = sum(body.count(w) for w in words) + 0.5 * sum(head.count(w) for w in words)
        if score > best_score:
            best, best_score = cat, score
    return best


def category(text: str, heading: str | None = None, default: str = "other") -> str:
    return keyword_category(text, heading) or default


def summary(text: str, limit: int = 60) -> str:
    """The item's lead statement, without its list marker: the first sentence's phrases (split at `，：`)
    from the first that is not only a time (`2023年，`), joined (a phrase with a figure is not) until they reach LEAD_MIN characters —
    never past the sentence (`。；`), never past LEAD_MAX or `limit`."""
    body = _LEAD_MARKER.sub("", canon(text))
    first = _SENTENCE.split(body, maxsplit=1)[0]
    phrases = [p for p in _PHRASE.split(first) if p.strip()]
    while len(phrases) > 1 and _WHEN.match(phrases[0].strip()):
        phrases.pop(0)
    lead = phrases[0] if phrases else ""
    for more in phrases[1:]:
        if len(lead) >= LEAD_MIN or len(lead) + 1 + len(more) > min(limit, LEAD_MAX) or _DIGIT.search(more):
            break
        lead = f"{lead}，{more}"
    return fullwidth_punctuation((lead or body)[:limit])


def lead_clause(text: str, limit: int = 60) -> str:
    """The item's first phrase alone (up to the first `，。；：`), without its list marker."""
    body = _LEAD_MARKER.sub("", canon(text))
    return (_CLAUSE_END.split(body, maxsplit=1)[0] or body)[:limit]


def _bare(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


def is_heading_echo(answer: str, heading: str | None, text: str) -> bool:
    """Whether a summary is just the item's section heading (its words, marker and punctuation aside) while
    the item itself does not open with that heading: a summary that cannot tell siblings apart."""
    if not heading:
        return False
    said, head = _bare(answer), _bare(lead_clause(heading, limit=200))
    return bool(head) and said == head and _bare(lead_clause(text, limit=200)) != head


def leadership_sentences(text: str, a: int = 0, b: int | None = None) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of normalized text[a:b] that speak of the top leaders'
    第一责任人 duty."""
    return [(s, e) for s, e in sentences(text, a, b) if _LEADERSHIP.search(text[s:e])]
