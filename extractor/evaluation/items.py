"""Item lists scored against gold: span match first, then what the model decides (typed).

score_items(field, gold, pred)   measures … leadership duties: a match is evidence IoU ≥ 0.5; typed when
                                 the category (measures, plans), the summary (key terms, summaries.py)
                                 and the cause (problems) are right too
score_causes(gold, pred)         the causes problems state, as their own list: span, then text
score_sections(gold, pred)       the part of each top-level section, matched by heading span
"""

from __future__ import annotations

from typing import Optional

from extractor.evaluation.matching import (
    IOU_MIN,
    MatchScore,
    Miss,
    _span_affinity,
    char_f1,
    greedy_match,
    iou,
    mean,
    misses_of,
)
from extractor.evaluation.scorers import scorer
from extractor.evaluation.summaries import MissingTerms, acceptable, summary_score, term_recall

CATEGORY_FIELDS = frozenset({"measures", "plans"})
CAUSE_TEXT_MIN = 0.8  # char-F1 of a cause with gold's: the same clause, give or take its label


def summary_recall(field_name: str, g, p) -> tuple[float, float]:
    """(term recall, score under the length budget) of a matched item's summary (summaries.py)."""
    try:
        return (
            term_recall(p.summary, g.summary_terms, g.evidence.quote),
            summary_score(p.summary, g.summary_terms, g.evidence.quote, g.summary),
        )
    except MissingTerms as exc:
        raise MissingTerms(f"{field_name}: gold item {_clip(g.evidence.quote)!r}: {exc}") from None


def cause_right(g, p) -> bool:
    """Both state no cause, or both state it: the same clause (char-F1 ≥ CAUSE_TEXT_MIN) at the same place
    when both give its evidence."""
    if g.cause is None or p.cause is None:
        return g.cause is None and p.cause is None
    if (
        g.cause_evidence is not None
        and p.cause_evidence is not None
        and iou(g.cause_evidence, p.cause_evidence) < IOU_MIN
    ):
        return False
    return char_f1(g.cause, p.cause) >= CAUSE_TEXT_MIN


def score_items(field_name: str, gold: list, pred: list) -> MatchScore:
    pairs = greedy_match(gold, pred, _span_affinity)
    misses = misses_of(field_name, gold, pred, pairs, label=lambda it: it.summary)
    extra: dict[str, Optional[float]] = {}
    right: dict[int, bool] = {}
    recalls, summaries, cats, causes = [], [], [], []
    for g, p in pairs:
        gi, pi = gold[g], pred[p]
        why = []
        if field_name in CATEGORY_FIELDS:
            cats.append(gi.category == pi.category)
            if not cats[-1]:
                why.append(f"category gold={gi.category} pred={pi.category}")
        recall, score = summary_recall(field_name, gi, pi)
        recalls.append(recall)
        summaries.append(score)
        if not acceptable(score):
            longer = f", {score:.2f} for its length" if score < recall else ""
            why.append(f"summary {pi.summary!r} carries {recall:.0%} of {gi.summary_terms}{longer}")
        if field_name == "problems":
            causes.append(cause_right(gi, pi))
            if not causes[-1]:
                why.append(f"cause gold={gi.cause!r} pred={pi.cause!r}")
        right[p] = not why
        for reason in why:
            ev = pi.evidence
            misses.append(Miss(field_name, "wrong", ev.quote, ev.start, ev.end, reason))
    if field_name in CATEGORY_FIELDS:
        extra["category_accuracy"] = mean(float(c) for c in cats)
    extra["summary_recall"] = mean(recalls)
    extra["summary_score"] = mean(summaries)
    extra["summary_acceptable"] = mean(float(acceptable(s)) for s in summaries)
    if field_name == "problems":
        extra["cause_accuracy"] = mean(float(c) for c in causes)
    return MatchScore.of_pairs(pairs, gold, pred, right, misses, extra)


def _clip(text: str, width: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@scorer("causes", needs="problems")
def score_causes(gold: list, pred: list) -> MatchScore:
    """The causes problems state, as their own list: found at the right place (span), and said right (typed)."""
    g_items = [p for p in gold if p.cause is not None and p.cause_evidence is not None]
    p_items = [p for p in pred if p.cause is not None and p.cause_evidence is not None]

    def affinity(g, p) -> Optional[float]:
        v = iou(g.cause_evidence, p.cause_evidence)
        return v if v >= IOU_MIN else None

    pairs = greedy_match(g_items, p_items, affinity)
    misses = []
    for kind, items, matched in (("fn", g_items, {g for g, _ in pairs}), ("fp", p_items, {p for _, p in pairs})):
        for i, item in enumerate(items):
            if i not in matched:
                ev = item.cause_evidence
                misses.append(Miss("causes", kind, ev.quote, ev.start, ev.end, item.cause or ""))
    right = {p: char_f1(g_items[g].cause, p_items[p].cause) >= CAUSE_TEXT_MIN for g, p in pairs}
    return MatchScore.of_pairs(pairs, g_items, p_items, right, misses)


@scorer("sections", needs="sections")
def score_sections(gold: list, pred: list) -> MatchScore:
    """The part of each top-level section: matched by heading span (IoU ≥ 0.5); typed: the same part."""
    g_tops = [s for s in gold if s.level == 1]
    p_tops = [s for s in pred if s.level == 1]
    pairs = greedy_match(g_tops, p_tops, _span_affinity)
    misses = misses_of("sections", g_tops, p_tops, pairs, label=lambda s: s.part)
    right = {}
    for g, p in pairs:
        right[p] = g_tops[g].part == p_tops[p].part
        if not right[p]:
            ev = p_tops[p].evidence
            misses.append(
                Miss(
                    "sections",
                    "wrong",
                    ev.quote,
                    ev.start,
                    ev.end,
                    f"part gold={g_tops[g].part} pred={p_tops[p].part} ({p_tops[p].decided_by})",
                )
            )
    extra = {"part_accuracy": mean(float(v) for v in right.values())}
    return MatchScore.of_pairs(pairs, g_tops, p_tops, right, misses, extra)
