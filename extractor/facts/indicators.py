"""Indicator keys for named quantities: keyword rules, conservative by design.

A key (schema.md's indicator table) is given only when the figure reads as the jurisdiction's own
report-year total: never inside a `其中` breakdown (outcomes such as 撤销/败诉 excepted: they partition
the total), and at most once per key per report — the first match wins, since later hits are sub-totals
or repeats far more often than not. Which verb maps to which key follows evals/gold/CONVENTIONS.md
(`办理` 行政复议案件 → accepted; 失效 documents count as repealed; certificates newly issued are a flow).
"""

from __future__ import annotations

import re

from dataclasses import replace

from extractor.facts.names import Named, name_all
from extractor.facts.quantities import Quantity
from extractor.text.normalize import Normalized
from extractor.text.sentences import PHRASE_BOUNDS, phrase_after, phrase_before, same_sentence

_SENTENCE = set("。！？!?\n；;")

_SHARE_OF = {
    "admin_reconsideration_corrected": "admin_reconsideration_correction_rate",
    "admin_litigation_lost": "admin_litigation_loss_rate",
}
_COUNT_UNITS = {"件", "起", "个", "项", "份", "宗", "例", "部", "篇", "条"}
_TOPICS = [
    ("court", r"出庭应诉"),
    ("litig", r"行政诉讼|行政应诉|应诉案件|诉讼案件|一审"),
    ("recon", r"行政复议|复议"),
]


def key_indicators(norm: Normalized, quantities: list[Quantity]) -> list[Quantity]:
    """The quantities with `indicator` set where one is the jurisdiction's report-year total for a key."""
    keys = indicators(norm.text, name_all(norm.text, [q.found for q in quantities]))
    return [replace(q, indicator=key) for q, key in zip(quantities, keys)]


def indicators(text: str, named: list[Named]) -> list[str | None]:
    """One key or None per quantity, in document order."""
    out: list[str | None] = []
    used: set[str] = set()
    for i, n in enumerate(named):
        prev = named[i - 1] if i and same_sentence(text, named[i - 1].found.end, n.found.start) else None
        key = _indicator(text, n, prev, out[-1] if prev else None)
        if key in used:
            key = None
        elif key:
            used.add(key)
        out.append(key)
    return out


def _indicator(text: str, named: Named, prev: Named | None, prev_key: str | None) -> str | None:
    f = named.found
    seg_left = phrase_before(text, f.start, 0, PHRASE_BOUNDS)
    seg = seg_left + phrase_after(text, f.end, PHRASE_BOUNDS)
    sent_start = next((i + 1 for i in range(f.start - 1, -1, -1) if text[i] in "。！？!?\n"), 0)
    sent = text[sent_start : f.start]
    clause_start = next((i + 1 for i in range(f.start - 1, -1, -1) if text[i] in _SENTENCE), 0)
    outcome = re.search(r"纠错|撤销|确认违法|败诉", seg)  # outcomes partition the total: `其中` does not demote them
    if ("其中" in text[clause_start : f.start] or "其中" in seg) and not outcome:
        return None  # a breakdown, not the total
    previous = _previous_sentence(text, sent_start)
    headline = previous if len(previous) <= 20 else ""
    unit = f.base_unit or ""
    name = named.name
    ratio = unit in ("%", "‰", "ratio")
    count = unit in _COUNT_UNITS

    topic = _topic(sent + seg_left) or _topic(headline)
    if ratio:
        if prev and prev_key and re.match(r"^(?:占比?|比例)", named.stem.replace(prev.stem, "")):
            return _SHARE_OF.get(prev_key)  # `撤销17件(占比11.8%)`: the share of a keyed count
        if "纠错率" in name and topic == "recon":
            return "admin_reconsideration_correction_rate"
        if "败诉率" in name:
            return "admin_litigation_loss_rate"
        if "应诉率" in name and "出庭" in sent + seg and not re.search(r"提高|增长|下降|提升|降低|比", seg):
            return "agency_head_court_appearance_rate"
        if "调解成功率" in name:
            return "mediation_success_rate"
        return None
    if unit == "元":
        if re.search(r"罚没|行政处罚金额", seg):
            return "fines_and_confiscations"
        return None
    if count and topic == "recon":
        if re.search(r"纠错|撤销|确认违法|变更", seg):
            return "admin_reconsideration_corrected"
        if re.search(r"审结|办结|结案", seg):
            return "admin_reconsideration_concluded"
        if re.search(r"受理|办理", seg):
            return "admin_reconsideration_accepted"
        if re.search(r"收到|新收|接收", seg):
            return "admin_reconsideration_received"
        return None
    if count and topic == "litig":
        if re.search(r"审结|结案|办结|审理终结", seg):
            return "admin_litigation_concluded"
        if "败诉" in seg:
            return "admin_litigation_lost"
        if re.search(r"新收|收到|参加|办理|发生|总数|应诉|受理", seg):
            return "admin_litigation_cases"
        return None
    if topic == "court" and "出庭" in seg and unit in _COUNT_UNITS | {"次"}:
        return "agency_head_court_appearances"
    if unit in {"次", "场", "期"} and "常务会" in seg and "学法" in seg:
        return "exec_meeting_law_study_sessions"
    if not count and unit not in {"名", "人"}:
        return None
    flow = re.search(r"新办|新增|新申领|换发|注销|吊销|监督证", seg)  # the key is the stock of certified officers
    if re.search(r"执法证|执法人员资格|行政执法资格|持证\w*执法人员", seg) and not flow:
        return "enforcement_officers_certified"
    if unit in {"名", "人"}:
        return None
    return _document_indicator(seg, seg_left, sent, headline, previous, name, unit)


def _document_indicator(
    seg: str, seg_left: str, sent: str, headline: str, previous: str, name: str, unit: str
) -> str | None:
    if re.search(r"合法性审查|合法性审核|合法审查", seg + headline) and not re.search(r"意见|合同|证明|培训", name):
        return "legality_reviews"
    if "重大行政决策" in seg or ("重大行政决策" in sent and "事项" in seg):
        return "major_decisions"
    if "规范性文件" in seg + sent + previous and "文件" in seg and unit in {"件", "份", "个", "部", "篇"}:
        active = re.sub(r"(?:印发|制定|出台|发布)的", "", seg)  # a verb before 的 modifies, it does not act
        if re.search(r"废止|失效", active):
            return "normative_documents_repealed"
        if "清理" in active:
            return None
        if re.search(r"(?:审查|审核)\w*备案文件", active):
            return "normative_documents_reviewed"
        if re.search(r"备案|报备", active):
            return "normative_documents_filed"
        if re.search(r"出台|印发|制定|发布|制发", active):
            return "normative_documents_issued"
        if re.search(r"审查|审核", active):
            return "normative_documents_reviewed"
    if "行政处罚案件" in seg and "重大" not in seg:
        return "admin_penalty_cases"
    if re.search(r"(?:共有|现有|共梳理|总数为?|共计)政务服务事项$", seg_left) or re.search(r"政务服务事项总数", seg_left):
        return "gov_service_items"
    mediation = re.search(r"调解|调处", seg) and re.search(r"纠纷|案件|矛盾", seg)
    if mediation and unit in {"件", "起"} and not re.search(r"成功|行政调解|诉前|参与", seg):
        return "mediation_cases"
    if "法律援助" in seg:
        return "legal_aid_cases"
    if re.search(r"信息公开申请|依申请公开|信息公开案件", seg) and re.search(r"受理|收到|办理|处理|接收", seg):
        return "info_disclosure_requests"
    return None


def _topic(s: str) -> str | None:
    best, where = None, -1
    for key, pattern in _TOPICS:
        for m in re.finditer(pattern, s):
            if m.start() > where or (m.start() == where and key == "court"):
                best, where = key, m.start()
    return best


def _previous_sentence(text: str, sent_start: int) -> str:
    if sent_start < 2:
        return ""
    lo = next((i + 1 for i in range(sent_start - 2, -1, -1) if text[i] in "。！？!?\n"), 0)
    return text[lo:sent_start]
