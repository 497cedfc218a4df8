"""The plan of a report's model calls: which calls, for which items, and how each answer (or the rules,
when there is no model) becomes an item.

Code already knows each item's span (the outline's blocks) and every number (the quantity parser), so
a call only asks the model to classify, summarise or name; evidence is the block's own span. A problem's
cause is found by code (labeling/causes.py); the model's own cause quote counts only where code found none
and is grounded against the problem's text, else refused. A summary that is empty or invents a number falls
back to the rules' summary. One item per call: measured on a 1.5B model, batching several items per call
drifted summaries onto neighbouring ids for no speed gain.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from extractor.facts.quantities import Quantity
from extractor.grounding import ground_quote, invented_numbers, span_evidence
from extractor.labeling import choice, rules
from extractor.labeling.causes import plan_causes
from extractor.structure.outline import Block, Outline
from extractor.text.normalize import Normalized, fullwidth_punctuation
from extractor.text.sentences import clause_at
from schemas.report import Evidence, LeadershipDuty, Measure, Metric, Plan, Problem, QualityNote, Rectification
from schemas.responses import SummaryAnswer

# A category and a lead-clause summary are decided by an item's opening; the rest of a long item (its
# figures and examples) only costs prompt tokens. Causes and duty quotes may stand anywhere: no clip there.
CLIP = 160
SUMMARY_CLIP = 100  # only a summary is asked (the category is known): the item's lead is all it needs
PROBLEM_CLIP = 1200  # a cause may stand late in a problem item, but no call may outgrow the 4k context


@dataclass
class Labeled:
    measures: list[Measure] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)
    leadership_duties: list[LeadershipDuty] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    quality: list[QualityNote] = field(default_factory=list)


@dataclass
class Call:
    """One model call. `on_answer(answer)` turns its answer into items; `on_rules(decided_by=None)` makes the
    same items from the rules alone (the rules backend, or `decided_by="rules"` when the call failed)."""

    kind: str
    section: str | None  # None: a call about the whole report (its metrics)
    fields: dict
    on_answer: Callable[[object], None]
    on_rules: Callable[..., None]
    response_model: type | None = None  # default: RESPONSE_MODELS[kind]
    labels: dict[str, str] | None = None  # a choice call: each label (letter) → its option, scored, not generated
    examples: list[tuple[str, str]] = field(default_factory=list)  # (text, label) shown before the item


@dataclass(frozen=True)
class _Item:
    """A block as the step for its kind reads it: its normalized text (what the prompt quotes), its evidence,
    and for a problem the cause code found and where the words stating it stand."""

    block: Block
    text: str
    ev: Evidence
    rules_cause: Evidence | None = None
    stated: tuple[int, int] | None = None


class Planner:
    """Builds the calls for one report; their answers land in `self.out`."""

    def __init__(self, norm: Normalized, model_metrics: bool, categories: str = "model"):
        self.norm = norm
        self.categories = categories
        self.model_metrics = model_metrics
        self.out = Labeled()

    def plan(self, outline: Outline, quantities: list[Quantity]) -> list[Call]:
        calls: list[Call] = []
        found = plan_causes(self.norm, outline.blocks)
        self.out.quality.extend(found.notes)
        for i, block in enumerate(outline.blocks):
            if i in found.cause_blocks:
                continue  # it states causes of the problems before it (labeling/causes.py), not a problem
            if i in found.ends:  # a cause paragraph's lead-in it had swallowed is cut off
                block = replace(block, end=found.ends[i], text=self.norm.original[block.start : found.ends[i]])
            cause = found.causes.get(i)
            calls.extend(self._calls_for_block(block, cause[0] if cause else None, found.stated.get(i)))
        calls.extend(self._calls_for_metrics(quantities))
        return calls

    def _note(self, kind: str, message: str, section: str | None, quote: str | None = None) -> None:
        self.out.quality.append(QualityNote(kind=kind, message=message, section=section, quote=quote))

    def _summary(self, answer_summary: str, block: Block, said: Block | None = None) -> str:
        """The model's summary (with Chinese punctuation) unless it is empty, states a number the item does not,
        or only repeats the heading of the item's section (it then says nothing that tells this item from its
        siblings): then the rules' summary, of `said` (a problem without the words stating its cause) if given."""
        fallback = rules.summary((said or block).text, heading=block.heading)
        if not answer_summary.strip():
            self._note("model_refused", "the model's summary was empty; refused, the rules' summary stands", block.path)
            return fallback
        bad = invented_numbers(answer_summary, block.text)
        if bad:
            self._note(
                "invented_number", f"summary had numbers not in the item: {', '.join(bad)}", block.path, answer_summary
            )
            return fallback
        if rules.is_heading_echo(answer_summary, block.heading, block.text):
            self._note(
                "heading_as_summary",
                "the model's summary only repeated the section heading; the item's lead clause stands",
                block.path,
                answer_summary,
            )
            return fallback
        return fullwidth_punctuation(answer_summary)

    def _cause(self, quote: str | None, block: Block, rules_cause: Evidence | None) -> Evidence | None:
        """The cause a problem keeps when the model was asked: the rules' cue-found span when there is one (exact,
        and measured: labeling/causes.py); else the model's quote if it stands in the problem's own text. A quote
        that is not there is refused with a `model_refused` note, and the rules' answer (maybe none) stands."""
        if quote and quote.strip():
            grounded = ground_quote(self.norm, quote, within=(block.start, block.end))
            if grounded is None:
                self._note(
                    "model_refused",
                    "the model's cause is not in the problem's text; refused, the rules' "
                    f"cause stands ({'none' if rules_cause is None else 'a cue-found span'})",
                    block.path,
                    quote,
                )
            elif rules_cause is None:
                return grounded
        return rules_cause

    # -- blocks -------------------------------------------------------------------------------------
    def _calls_for_block(
        self, block: Block, rules_cause: Evidence | None = None, stated: tuple[int, int] | None = None
    ) -> list[Call]:
        """The calls one block needs, made by its kind's step (`_BLOCK_CALLS`) from what the block says."""
        text = self.norm.slice(block.start, block.end)
        item = _Item(block, text, span_evidence(self.norm, block.start, block.end), rules_cause, stated)
        return _BLOCK_CALLS[block.kind](self, item)

    def _item_calls(self, item: _Item) -> list[Call]:
        """A measure or plan: one call for its category and summary (a scored choice of category when
        categories are chosen), then for a measure one call per sentence that speaks of the leadership duty."""
        block, ev = item.block, item.ev
        model_cls = Measure if block.kind == "measures" else Plan
        target = self.out.measures if block.kind == "measures" else self.out.plans

        def on_rules(decided_by=None):
            target.append(
                model_cls(
                    category=rules.category(block.text, block.heading),
                    summary=rules.summary(block.text, heading=block.heading),
                    section=block.path,
                    evidence=ev,
                    decided_by=decided_by,
                )
            )

        if self.categories == "choose":
            call = self._choice_call(block, item.text, ev, model_cls, target, on_rules)
        else:
            call = self._category_call(item, model_cls, target, on_rules)
        return [call, *(self._leadership_calls(block) if block.kind == "measures" else [])]

    def _category_call(self, item: _Item, model_cls, target, on_rules) -> Call:
        """The call that asks for an item's category and summary. In hybrid mode an item that names its area
        gets the keyword category, so the model is asked only for the summary: fewer tokens to read and write,
        and no answer that would be thrown away."""
        block, ev = item.block, item.ev
        known = rules.keyword_category(block.text, block.heading) if self.categories == "hybrid" else None
        fields = {"heading": block.heading or "", "text": _clip(item.text, SUMMARY_CLIP if known else CLIP)}

        def on_answer(a):
            target.append(
                model_cls(
                    category=known or a.category,
                    summary=self._summary(a.summary, block),
                    section=block.path,
                    evidence=ev,
                    decided_by="model",
                )
            )

        return Call(block.kind, block.path, fields, on_answer, on_rules, SummaryAnswer if known else None)

    def _problem_calls(self, item: _Item) -> list[Call]:
        """A problem: one call for its summary, said without the words that state its cause (`，主要原因是…`),
        and for its cause, which code's cue-found span decides when there is one (`_cause`)."""
        block, ev, rules_cause, stated = item.block, item.ev, item.rules_cause, item.stated
        original = self.norm.original
        said = (
            block
            if stated is None
            else replace(block, text=original[block.start : stated[0]] + original[stated[1] : block.end])
        )

        def on_answer(a):
            cause_ev = self._cause(a.cause_quote, block, rules_cause)
            self.out.problems.append(
                Problem(
                    summary=self._summary(a.summary, block, said),
                    cause=cause_ev.quote.strip() if cause_ev else None,
                    cause_evidence=cause_ev,
                    section=block.path,
                    evidence=ev,
                    decided_by="model",
                )
            )

        def on_rules(decided_by=None):
            self.out.problems.append(
                Problem(
                    summary=rules.summary(said.text, heading=block.heading),
                    section=block.path,
                    evidence=ev,
                    cause=rules_cause.quote.strip() if rules_cause else None,
                    cause_evidence=rules_cause,
                    decided_by=decided_by,
                )
            )

        return [Call("problems", block.path, {"text": _clip(item.text, PROBLEM_CLIP)}, on_answer, on_rules)]

    def _rectification_calls(self, item: _Item) -> list[Call]:
        """A rectification: one call for its summary."""
        block, ev = item.block, item.ev

        def on_answer(a):
            self.out.rectifications.append(
                Rectification(
                    summary=self._summary(a.summary, block), section=block.path, evidence=ev, decided_by="model"
                )
            )

        def on_rules(decided_by=None):
            self.out.rectifications.append(
                Rectification(
                    summary=rules.summary(block.text, heading=block.heading),
                    section=block.path,
                    evidence=ev,
                    decided_by=decided_by,
                )
            )

        return [Call("rectifications", block.path, {"text": _clip(item.text)}, on_answer, on_rules)]

    def _leadership_part_calls(self, item: _Item) -> list[Call]:
        """The report's own leadership part: one call per duty sentence, the whole block if it names none."""
        return self._leadership_calls(item.block, whole_block=True)

    def _choice_call(self, block: Block, text: str, ev, model_cls, target, on_rules) -> Call:
        """The item's category scored over the option letters (labeling/choice.py); its summary is the rules'
        lead clause. A refused choice keeps the keyword category with a `model_refused` note."""
        labels = choice.letters()
        by_option = {option: letter for letter, option in labels.items()}
        examples = [
            (quote, by_option[cat])
            for quote, cat in choice.retrieve(block.text, self.norm.original, choice.example_count())
        ]

        def on_answer(a, block=block, ev=ev):
            picked, why = choice.decide(a.logprobs, labels, rules.keyword_category(block.text, block.heading))
            if why is not None:
                self._note(
                    "model_refused",
                    f"{block.kind} category: {why}; the rules' category stands",
                    block.path,
                    " ".join(block.text.split())[:40],
                )
            target.append(
                model_cls(
                    category=picked or rules.category(block.text, block.heading),
                    summary=rules.summary(block.text),
                    section=block.path,
                    evidence=ev,
                    decided_by="model" if picked else "rules",
                )
            )

        fields = {"heading": block.heading or "", "text": _clip(text, CLIP)}
        return Call(block.kind, block.path, fields, on_answer, on_rules, labels=labels, examples=examples)

    def _leadership_calls(self, block: Block, whole_block: bool = False) -> list[Call]:
        """One call per sentence that speaks of the 第一责任人 duty; code picks the sentences (measured on the
        seeds, a 1.5B model asked to quote them itself returned 37 items for 10 gold, F1 0.31 against 0.88)."""
        a, b = self.norm.norm_span(block.start, block.end)
        spans = [self.norm.to_orig(s, e) for s, e in rules.leadership_sentences(self.norm.text, a, b)]
        if not spans and whole_block:
            spans = [(block.start, block.end)]  # the report's own leadership part: its items are the duties
        calls = []
        for start, end in spans:
            ev = span_evidence(self.norm, start, end)
            sentence = Block("leadership", block.path, "", block.heading, start, end, self.norm.original[start:end])

            def on_answer(a, sentence=sentence, ev=ev):
                self.out.leadership_duties.append(
                    LeadershipDuty(
                        summary=self._summary(a.summary, sentence),
                        section=sentence.path,
                        evidence=ev,
                        decided_by="model",
                    )
                )

            def on_rules(decided_by=None, sentence=sentence, ev=ev):
                self.out.leadership_duties.append(
                    LeadershipDuty(
                        summary=rules.summary(sentence.text), section=sentence.path, evidence=ev, decided_by=decided_by
                    )
                )

            calls.append(Call("leadership", block.path, {"text": self.norm.slice(start, end)}, on_answer, on_rules))
        return calls

    # -- metrics ------------------------------------------------------------------------------------
    def _calls_for_metrics(self, quantities: list[Quantity]) -> list[Call]:
        if not self.model_metrics:
            for q in quantities:
                self.out.metrics.append(q.to_metric())
            return []
        calls = []
        for sentence, group in _by_clause(self.norm, quantities):
            marked = _mark(self.norm, sentence, group)

            def on_answer(a, group=group):
                names = {m.id: m for m in a.metrics}
                for i, q in enumerate(group, 1):
                    got = names.get(i)
                    named = bool(got and got.name and not invented_numbers(got.name, q.quote + q.name))
                    # A null indicator is no answer: it never erases the indicator the rules keyed (facts/indicators).
                    indicator = got.indicator if got and got.indicator else q.indicator
                    metric = q.to_metric(got.name if named else q.name, indicator, keep_indicator=False)
                    decided = named or bool(got and got.indicator)
                    self.out.metrics.append(metric.model_copy(update={"decided_by": "model"}) if decided else metric)

            def on_rules(decided_by=None, group=group):
                # The model was to name these; its call failed, so the rules' names stand and no quantity is lost.
                for q in group:
                    self.out.metrics.append(q.to_metric().model_copy(update={"decided_by": decided_by}))

            calls.append(Call("metrics", None, {"text": marked}, on_answer, on_rules))
        return calls

    def sort(self) -> None:
        for items in (
            self.out.measures,
            self.out.plans,
            self.out.problems,
            self.out.rectifications,
            self.out.leadership_duties,
            self.out.metrics,
        ):
            items.sort(key=lambda item: (item.evidence.start, item.evidence.end))


# The step that makes a block's calls, by the block's kind (every kind of structure/outline.py's BlockKind).
_BLOCK_CALLS: dict[str, Callable[[Planner, _Item], list[Call]]] = {
    "measures": Planner._item_calls,
    "plans": Planner._item_calls,
    "problems": Planner._problem_calls,
    "rectifications": Planner._rectification_calls,
    "leadership": Planner._leadership_part_calls,
}


def _clip(text: str, limit: int = CLIP) -> str:
    return text if len(text) <= limit else text[:limit] + "……"


def _by_clause(norm: Normalized, quantities: list[Quantity]) -> list[tuple[tuple[int, int], list[Quantity]]]:
    """Group quantities by the `；`-clause they stand in (text/sentences.py): one naming call per clause,
    so a long `；` list does not make one oversized prompt."""
    groups: dict[tuple[int, int], list[Quantity]] = {}
    for q in quantities:
        groups.setdefault(clause_at(norm.text, norm.to_norm(q.start)), []).append(q)
    return sorted(groups.items())


def _mark(norm: Normalized, sentence: tuple[int, int], group: list[Quantity]) -> str:
    """The sentence with `[n]` before each quantity, so the model can answer by id."""
    lo, hi = sentence
    pieces, pos = [], lo
    for i, q in enumerate(group, 1):
        a, b = norm.norm_span(q.start, q.end)
        pieces.append(norm.text[pos:a])
        pieces.append(f"[{i}]{norm.text[a:b]}")
        pos = b
    pieces.append(norm.text[pos:hi])
    return "".join(pieces).strip()
