"""Which required part each top-level section is: measures, shortcomings, leadership, plans, other or none.

Real reports title their top-level sections in two ways: by the part (`二、存在的不足和原因`) or by a topic of
the year's work (`一、加强党的领导，坚持以习近平法治思想引领法治政府建设`). A heading word alone therefore
decides little; four kinds of evidence are weighed, each naming the pattern it covers:

    template phrase    the 督察工作规定's part names (主要负责人履行推进法治建设第一责任人职责, 存在的不足/问题,
                       其他需要报告的情况, 主要举措和成效) in any clause of the heading             (weight 3)
    heading words      不足/问题/差距/短板 → shortcomings; 安排/打算/计划/思路/下一步 → plans;
                       举措/成效/做法/成绩/进展/主要工作 → measures; 履行…职责 / 第一责任人职责 →
                       leadership; 其他 → other — in the heading's last clause      (weight 3)
                       the same words in an earlier clause of a topic heading            (weight 1)
    heading year       the report year → measures; the year after it → plans            (weight 2)
    first sentence     下一步/明年/今后/202X年…将, or the next year → plans;
                       存在/仍有…问题/不足/差距/短板 → shortcomings; 履行…第一责任人职责 → leadership (weight 2)
    weak wording       a heading clause stating a problem (薄弱, 不充分, 亟需, 率低, 不相适应 …; two such
                       clauses weigh 2) or a cause (主要原因是) in the opening → shortcomings (weight 1)
    position           reports follow the required order: a section before the first shortcomings or
                       plans section reports work done → measures; the last section after the
                       shortcomings part → plans                                        (weight 1)

The part with the highest total wins (ties go to the earlier part in the required order). A section
whose content gives no evidence or only weak evidence is *undecided*; one where two parts both have content evidence within a point of each other is
*contradictory*. On a model backend both go to one model call each (`ask`); the rules backend keeps the
best guess. Who decided is recorded on the Section (`decided_by`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from extractor import lexicon
from extractor.text.grammar import SUB_HEADING as _SUB_HEADING
from extractor.text.grammar import YEAR as _YEAR, YEAR_DIGITS

_WORDS = lexicon.load("part_words")
_HEADING, _TEMPLATE_WORDS, _OPENING = _WORDS.table("heading"), _WORDS.table("template"), _WORDS.table("opening")


def _any(words: tuple[str, ...]) -> str:
    """`(?:a|b|c)`: the entries in their listed order (regex fragments, see part_words.toml)."""
    return f"(?:{lexicon.alternation(words)})"


_STRONG: tuple[tuple[str, re.Pattern], ...] = tuple(
    (part, re.compile(lexicon.alternation(_HEADING[part])))
    for part in ("leadership", "shortcomings", "plans", "other", "measures")
)
# The part names fixed by the 2019 督察工作规定 template, in whatever clause of a heading they stand: the
# leadership part is `党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况`, whose last
# clause names no part. A topic heading that only mentions the duty (`压实第一责任人职责`) names no actor.
# A part that reports the problems and then the plans under one heading (`三、存在的问题及下一步工作打算`) is the
# shortcomings part first; `later_part` names the plans it also holds.
_MIXED = re.compile(
    _any(_WORDS.table("mixed")["problems"])
    + r".{0,12}(?:及|和|与|以及|、|，|,).{0,6}"
    + _any(_WORDS.table("mixed")["plans"])
)
_TEMPLATE: tuple[tuple[str, re.Pattern], ...] = (
    ("shortcomings", _MIXED),
    ("leadership", re.compile(_any(_TEMPLATE_WORDS["leaders"]) + r"(?:认真|切实)?履行(?:推进)?法治建设第一责任人")),
    (
        "shortcomings",
        re.compile(
            "存在的"
            + _any(_TEMPLATE_WORDS["shortcomings"])
            + r"(?:(?:和|及|与|以及)"
            + _any(_TEMPLATE_WORDS["shortcoming_tails"])
            + r")?(?=[，,；;]|$)"
        ),
    ),
    ("other", re.compile(lexicon.alternation(_TEMPLATE_WORDS["other"]))),
    ("measures", re.compile(lexicon.alternation(_TEMPLATE_WORDS["measures"]))),
)
# Words that state a problem: how a topic-titled shortcomings part is headed (`法制机构力量薄弱`).
_PROBLEM_WORDS = re.compile(lexicon.alternation(_WORDS.table("problem")["words"]))
_CAUSE = re.compile(lexicon.alternation(_WORDS.table("problem")["cause"]))
_PLAN_OPENING = re.compile(lexicon.alternation(_OPENING["plans"]))
_SHORTCOMING_OPENING = re.compile(
    _any(_OPENING["shortcoming_verbs"])
    + ".{0,30}"
    + _any(_OPENING["shortcoming_nouns"])
    + "|"
    + _any(_OPENING["listed_nouns"])
    + ".{0,6}"
    + _any(_OPENING["listing_words"])
)
_LEADERSHIP_OPENING = re.compile(lexicon.alternation(_OPENING["leadership"]))
_WILL = re.compile(r"将")

OPENING_CHARS = 150  # what a model call sees of a section besides its heading
STRONG, MEDIUM, WEAK = 3, 2, 1
PARTS = ("measures", "shortcomings", "leadership", "plans", "other")


@dataclass
class PartQuestion:
    """A top-level section the rules could not settle, as put to the model."""

    path: str
    heading: str
    opening: str  # the section's first OPENING_CHARS characters after its heading
    position: int  # 1-based among top-level sections
    total: int
    guess: str  # the rules' best guess
    why: str  # `undecided` or `contradictory: …`
    previous: str | None = None  # the part of the section before it, as decided


AskPart = Callable[[PartQuestion], "str | None"]  # the model's part, or None when the call failed


@dataclass
class PartDecision:
    part: str
    decided_by: str = "rules"
    scores: dict[str, int] = field(default_factory=dict)
    reason: str = ""


@dataclass
class TopSection:
    path: str
    heading: str  # normalized heading text
    opening: str  # normalized text after the heading, at most OPENING_CHARS


def decide_parts(sections: list[TopSection], report_year: int | None, ask: AskPart | None = None) -> list[PartDecision]:
    """One decision per top-level section, in order."""
    year = report_year or _year_from_headings(sections)
    content = [_content_scores(s, year) for s in sections]
    decisions: list[PartDecision] = []
    # Position counts from the sections whose content is clear (at least medium evidence).
    settled = [_best(c) if max(c.values(), default=0) >= MEDIUM else None for c in content]
    first_late = next((i for i, part in enumerate(settled) if part in ("shortcomings", "plans")), None)
    after_shortcomings = next((i for i, part in enumerate(settled) if part == "shortcomings"), None)
    for i, (section, scores) in enumerate(zip(sections, content)):
        total = dict(scores)
        if first_late is None or i < first_late:
            total["measures"] = total.get("measures", 0) + WEAK  # work done comes before problems and plans
        elif after_shortcomings is not None and i > after_shortcomings and i == len(sections) - 1:
            total["plans"] = total.get("plans", 0) + WEAK  # the closing part after the problems looks ahead
        guess = _best(total) or "none"
        why = _doubt(scores)
        decision = PartDecision(part=guess, scores=total, reason=why or "rules")
        if why and ask is not None:
            previous = decisions[-1].part if decisions else None
            answer = ask(
                PartQuestion(section.path, section.heading, section.opening, i + 1, len(sections), guess, why, previous)
            )
            if answer in PARTS or answer == "none":
                decision = PartDecision(part=answer, decided_by="model", scores=total, reason=why)
        decisions.append(decision)
    return decisions


def report_year_hint(header_lines: list[str]) -> int | None:
    """The year reported on, from the lines before the first heading: the title's year (`关于2022年度…的
    报告`, `…2022年度法治政府建设工作情况`), else the opening sentence's (`2023年，全县…`)."""
    for line in header_lines:
        if ("报告" in line or "法治政府建设" in line) and (m := _YEAR.search(line)) and len(line) <= 60:
            return int(m.group(1))
    for line in header_lines:
        if m := re.match(r"(" + YEAR_DIGITS + r")\s*年(?:度|以来)?[，,]", line):
            return int(m.group(1))
    return None


_PLANS_HEADING = _STRONG[2][1]


def later_part(heading: str) -> str | None:
    """`plans` when a shortcomings heading names the plans after the problems: the part holds both kinds."""
    return "plans" if _MIXED.search(heading) else None


def names_plans(heading: str) -> bool:
    """A (sub)heading naming plans: `（二）下一步工作打算`."""
    return bool(_PLANS_HEADING.search(heading))


def opens_plans(paragraph: str, report_year: int | None = None) -> bool:
    """A paragraph that turns to the next year's work: `下一步，我区将…`, `2024年，我县将…`."""
    sentence = re.split(r"[。：:；;]", paragraph, maxsplit=1)[0]
    return bool(_PLAN_OPENING.match(sentence) or _next_year_ahead(sentence, report_year))


def _content_scores(section: TopSection, report_year: int | None) -> dict[str, int]:
    scores: dict[str, int] = {}

    def add(part: str, weight: int) -> None:
        scores[part] = scores.get(part, 0) + weight

    heading = section.heading
    # A part heading ends with the part's name (`三、2024年工作安排`, `二、存在的不足和原因`); a topic heading is
    # clauses of work, where the same word is only a word (`一、统筹安排部署，压实法治建设责任`): strong in the
    # heading's last clause, weak before it.
    named = heading_part(heading)
    if named is not None:
        add(named, STRONG)
    else:
        for part, words in _STRONG:
            if words.search(heading):
                add(part, WEAK)
                break
        else:
            # Each clause that states a problem counts: a heading made of problem statements is medium evidence.
            stated = sum(1 for clause in re.split(r"[，,；;]", heading) if _PROBLEM_WORDS.search(clause))
            if stated:
                add("shortcomings", min(stated * WEAK, MEDIUM))
    # A year says which year a heading speaks of, which matters only between work done and plans: in
    # `2023年…存在的不足` the part word already decides.
    if (
        not scores.get("shortcomings")
        and not scores.get("leadership")
        and report_year is not None
        and (m := _YEAR.search(heading))
    ):
        year = int(m.group(1))
        if year == report_year:
            add("measures", MEDIUM)
        elif year == report_year + 1:
            add("plans", MEDIUM)
    sentence = _first_sentence(section.opening)
    if _LEADERSHIP_OPENING.search(sentence):
        add("leadership", MEDIUM)
    elif _SHORTCOMING_OPENING.search(sentence):
        add("shortcomings", MEDIUM)
    elif _PLAN_OPENING.search(sentence) or _next_year_ahead(sentence, report_year):
        add("plans", MEDIUM)
    elif _PROBLEM_WORDS.search(sentence) or _CAUSE.search(section.opening):
        add("shortcomings", WEAK)
    return scores


def heading_part(heading: str) -> str | None:
    """The part a heading names: one of the official template's part names in any clause, else a part word in
    its last clause (`二、存在的不足和原因` → shortcomings); None when it names none."""
    template = next((part for part, phrase in _TEMPLATE if phrase.search(heading)), None)
    if template is not None:
        return template
    last_clause = re.split(r"[，,；;]", heading)[-1]
    return next((part for part, words in _STRONG if words.search(last_clause)), None)


def refuse_answer(question: PartQuestion, answer: str) -> str | None:
    """Why a model's part answer contradicts the section itself (then the rules' guess stands), or None.

    - `none` for a section that has text of its own: every such top-level section reports something;
    - `measures` (work done) for a section whose heading names shortcomings or plans in its last clause: a
      heading about 不足 or 下一步 does not head the year's work.
    """
    if answer == "none" and question.opening.strip():
        return "`none` for a section with text of its own"
    named = heading_part(question.heading)
    if answer == "measures" and named in ("shortcomings", "plans"):
        return f"`measures` for a heading that names {named}"
    return None


def _next_year_ahead(sentence: str, report_year: int | None) -> bool:
    """`2024年，全县将…` / `2021年是“十四五”开局之年`: an opening about the year after the report's."""
    m = _YEAR.match(sentence)
    if not m:
        return False
    year = int(m.group(1))
    if report_year is not None:
        return year == report_year + 1
    return bool(_WILL.search(sentence[m.end() : m.end() + 20]))


def _first_sentence(opening: str) -> str:
    """The first sentence of the section's own text, skipping sub-heading lines (`（一）…` without 。)."""
    for line in opening.split("\n"):
        line = line.strip()
        if not line or (_SUB_HEADING.match(line) and "。" not in line):
            continue
        m = _SUB_HEADING.match(line)
        body = line[m.end() :] if m else line
        return re.split(r"[。：:]", body, maxsplit=1)[0]
    return ""


def _best(scores: dict[str, int]) -> str | None:
    if not scores:
        return None
    top = max(scores.values())
    # Ties go to the part that comes first in a report's required order.
    return next(p for p in PARTS if scores.get(p) == top) if top > 0 else None


def _doubt(content: dict[str, int]) -> str:
    """'' when content evidence settles the part; else why not."""
    ranked = sorted(((v, p) for p, v in content.items() if v > 0), reverse=True)
    if not ranked:
        return "undecided: neither heading nor opening names a part"
    if ranked[0][0] < MEDIUM:
        return f"undecided: only weak evidence ({ranked[0][1]} {ranked[0][0]})"
    if len(ranked) > 1 and ranked[1][0] >= MEDIUM and ranked[0][0] - ranked[1][0] <= 1:
        return f"contradictory: {ranked[0][1]} {ranked[0][0]} vs {ranked[1][1]} {ranked[1][0]}"
    return ""


def _year_from_headings(sections: list[TopSection]) -> int | None:
    """Without a title or opening year: the earlier of two years the headings name is the report year."""
    years = sorted({int(m.group(1)) for s in sections if (m := _YEAR.search(s.heading))})
    return years[0] if len(years) >= 2 and years[1] == years[0] + 1 else None
