"""The rules backend's judgements: category from keywords, summary from the item's lead clause.

It is the floor the model backends must beat and the fallback when no model is available. Everything
here is deterministic and cheap; the model replaces `category` and `summary`, never spans or numbers.
"""

from __future__ import annotations

import re

from extractor.text.grammar import LEAD_MARKER as _LEAD_MARKER
from extractor.text.normalize import canon, fullwidth_punctuation
from extractor.text.sentences import PHRASE_BOUNDS, sentences

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

_CLAUSE_END = re.compile("[" + "".join(sorted(PHRASE_BOUNDS)) + "]")
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
    """The item's lead clause, without its list marker."""
    body = _LEAD_MARKER.sub("", canon(text))
    lead = _CLAUSE_END.split(body, maxsplit=1)[0]
    return fullwidth_punctuation((lead or body)[:limit])


def _bare(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


def is_heading_echo(answer: str, heading: str | None, text: str) -> bool:
    """Whether a summary is just the item's section heading (its words, marker and punctuation aside) while
    the item itself does not open with that heading: a summary that cannot tell siblings apart."""
    if not heading:
        return False
    said, head = _bare(answer), _bare(summary(heading, limit=200))
    return bool(head) and said == head and _bare(summary(text, limit=200)) != head


def leadership_sentences(text: str, a: int = 0, b: int | None = None) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of normalized text[a:b] that speak of the top leaders'
    第一责任人 duty."""
    return [(s, e) for s, e in sentences(text, a, b) if _LEADERSHIP.search(text[s:e])]
