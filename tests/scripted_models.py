"""Scripted models for the fake server that know (or spite) the seeds' gold: what the eval gate must tell apart.

    oracle     answers what the gold says: each item's category, summary and cause, each quantity's name and
               indicator, each section's part
    garbage    schema-valid and useless: the first value of every enum, summary "x", metric name "x"
    adversary  plausible-looking and wrong: another category, a summary without the item's terms, part
               `none`, an indicator on every quantity

A request is matched to its gold item by what a model would read: the item text in the last user message
(its canonical opening is found in it), a quantity by the `[n]` mark before it and the words just before,
a section by its heading.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from extractor.text.normalize import canon
from responders import _schema_name, lead
from schemas.report import Category, Indicator, Report

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = list(get_args(Category))
INDICATORS = list(get_args(Indicator))
_KEY = 24  # canonical characters of an item's opening that identify it


def _last_user(request: dict) -> str:
    return [m for m in request["messages"] if m["role"] == "user"][-1]["content"]


class Gold:
    """Every gold item of a suite, findable from the text of a request."""

    def __init__(self, gold_dir: Path = ROOT / "evals" / "gold", seeds_dir: Path = ROOT / "seeds"):
        self.items: dict[str, list] = {k: [] for k in ("measures", "plans", "problems", "rectifications",
                                                      "leadership_duties")}
        self.metrics: list[tuple[str, str, object]] = []  # (canonical quote, canonical context before it, metric)
        self.sections: list[tuple[str, str]] = []  # (canonical heading, part)
        for path in sorted(gold_dir.glob("*.json")):
            report = Report.model_validate_json(path.read_text(encoding="utf-8"))
            text = (seeds_dir / f"{path.stem}.txt").read_text(encoding="utf-8")
            for name, items in self.items.items():
                items += [(canon(it.evidence.quote), it) for it in getattr(report, name)]
            self.metrics += [(canon(m.evidence.quote), canon(text[max(0, m.evidence.start - 16):m.evidence.start]), m)
                             for m in report.metrics]
            self.sections += [(canon(s.heading), s.part) for s in report.sections if s.level == 1]

    def item(self, kinds: tuple[str, ...], message: str):
        hay = canon(message)
        found = [(len(q), it) for kind in kinds for q, it in self.items[kind] if q[:_KEY] in hay]
        return max(found, key=lambda f: f[0])[1] if found else None

    def part(self, message: str) -> str | None:
        hay = canon(message)
        found = [(len(h), part) for h, part in self.sections if h and h in hay]
        return max(found)[1] if found else None

    def metric(self, message: str, mark: int):
        text = message
        m = re.search(rf"\[{mark}\]", text)
        if m is None:
            return None
        after = canon(re.sub(r"\[\d+\]", "", text[m.end():m.end() + 20]))
        before = canon(re.sub(r"\[\d+\]", "", text[max(0, m.start() - 40):m.start()]))
        best, best_score = None, -1
        for quote, context, metric in self.metrics:
            if not quote or not after.startswith(quote):
                continue
            score = _common_suffix(before, context)
            if score > best_score:
                best, best_score = metric, score
        return best


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _marks(request: dict) -> list[int]:
    return [int(i) for i in re.findall(r"\[(\d+)\]", _last_user(request))]


def oracle(gold: Gold):
    def respond(request: dict) -> dict:
        name, message = _schema_name(request), _last_user(request)
        if name in ("MeasureAnswer", "PlanAnswer", "SummaryAnswer"):
            kinds = ("measures",) if name == "MeasureAnswer" else ("plans",) if name == "PlanAnswer" else ("measures", "plans")
            it = gold.item(kinds, message)
            answer = {"summary": it.summary if it else lead(message.split("\n")[-1])}
            return answer if name == "SummaryAnswer" else {**answer, "category": it.category if it else "other"}
        if name == "ProblemAnswer":
            it = gold.item(("problems",), message)
            return {"summary": it.summary if it else lead(message), "cause_quote": it.cause if it else None}
        if name in ("RectificationAnswer", "LeadershipAnswer"):
            it = gold.item(("rectifications",) if name == "RectificationAnswer" else ("leadership_duties",), message)
            return {"summary": it.summary if it else lead(message.split("\n")[-1])}
        if name == "MetricsAnswer":
            out = []
            for i in _marks(request):
                m = gold.metric(message, i)
                out.append({"id": i, "name": m.name if m else "数量", "indicator": m.indicator if m else None})
            return {"metrics": out}
        if name == "PartAnswer":
            return {"part": gold.part(message) or "measures", "reason": "gold"}
        raise AssertionError(name)

    return respond


def garbage(request: dict) -> dict:
    name = _schema_name(request)
    if name in ("MeasureAnswer", "PlanAnswer"):
        return {"category": CATEGORIES[0], "summary": "x"}
    if name == "ProblemAnswer":
        return {"summary": "x", "cause_quote": None}
    if name in ("SummaryAnswer", "RectificationAnswer", "LeadershipAnswer"):
        return {"summary": "x"}
    if name == "MetricsAnswer":
        return {"metrics": [{"id": i, "name": "x", "indicator": INDICATORS[0]} for i in _marks(request)]}
    if name == "PartAnswer":
        return {"part": "measures", "reason": "x"}
    raise AssertionError(name)


def adversary(gold: Gold):
    def respond(request: dict) -> dict:
        name, message = _schema_name(request), _last_user(request)
        if name in ("MeasureAnswer", "PlanAnswer"):
            it = gold.item(("measures",) if name == "MeasureAnswer" else ("plans",), message)
            wrong = CATEGORIES[(CATEGORIES.index(it.category) + 1) % len(CATEGORIES)] if it else "other"
            return {"category": wrong, "summary": "各项工作取得成效"}
        if name == "ProblemAnswer":
            return {"summary": "存在一些不足", "cause_quote": None}
        if name in ("SummaryAnswer", "RectificationAnswer", "LeadershipAnswer"):
            return {"summary": "各项工作取得成效"}
        if name == "MetricsAnswer":
            return {"metrics": [{"id": i, "name": "数量", "indicator": "admin_penalty_cases"} for i in _marks(request)]}
        if name == "PartAnswer":
            return {"part": "none", "reason": "不属于任何部分"}
        raise AssertionError(name)

    return respond
