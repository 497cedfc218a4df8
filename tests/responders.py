"""A scripted model for the fake server: answers every section kind of our prompts plausibly.

It reads what a real model would read — the tool (or response schema) name and the last user message —
and answers from the item text itself: the lead clause as summary, a fixed category, no cause (or, with bad_quote, a cause that is
not in the text). Deterministic, so tests can assert exact outcomes.
"""

from __future__ import annotations

import json
import re


def _schema_name(request: dict) -> str:
    tools = request.get("tools") or []
    if tools:
        return tools[0]["function"]["name"]
    fmt = request.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return fmt["json_schema"]["name"]
    text = json.dumps(request.get("messages", []), ensure_ascii=False)
    for name in ("SummaryAnswer", "MeasureAnswer", "PlanAnswer", "ProblemAnswer", "RectificationAnswer", "LeadershipAnswer", "MetricsAnswer", "PartAnswer"):
        if name in text:
            return name
    raise AssertionError("request names no known response model")


def _item_text(request: dict) -> str:
    last = [m for m in request["messages"] if m["role"] == "user"][-1]["content"]
    return last.split("：", 1)[-1].split("\n")[-1].split("：", 1)[-1]


def lead(text: str) -> str:
    body = re.sub(r"^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]|\d+[.、])", "", text)
    return re.split(r"[。；，,:：]", body, maxsplit=1)[0][:30] or "无"


def report_responder(request: dict, *, category: str = "other", bad_quote: bool = False) -> dict:
    name = _schema_name(request)
    text = _item_text(request)
    if name in ("MeasureAnswer", "PlanAnswer"):
        return {"category": category, "summary": lead(text)}
    if name == "ProblemAnswer":
        return {"summary": lead(text), "cause_quote": "这句话不在报告原文里面出现过" if bad_quote else None}
    if name in ("RectificationAnswer", "SummaryAnswer"):
        return {"summary": lead(text)}
    if name == "LeadershipAnswer":
        return {"summary": lead(text)}
    if name == "MetricsAnswer":
        ids = [int(i) for i in re.findall(r"\[(\d+)\]", text)]
        return {"metrics": [{"id": i, "name": f"数量{i}", "indicator": None} for i in ids]}
    if name == "PartAnswer":  # only sections the rules cannot place are asked; in these tests, topic-titled work
        return {"part": "measures", "reason": "写本年度已做的工作"}
    raise AssertionError(name)
