"""Labeling: turn a report's outline and quantities into items — plan the model calls (`plan`), run them
(`run`), keyword categories and phrase summaries for the rules backend and fallbacks (`rules`), the causes the
report states for its shortcomings (`causes`)."""

from __future__ import annotations

from extractor.facts.quantities import Quantity
from extractor.labeling.plan import Labeled, Planner
from extractor.model import choosing
from extractor.labeling.run import Asker, Progress, run_calls
from extractor.structure.outline import Outline
from extractor.text.normalize import Normalized

__all__ = ["Labeled", "Labeler"]


class Labeler:
    """One report's items: with a model (`ask`) or, when `ask` is None, by the rules alone."""

    def __init__(
        self,
        norm: Normalized,
        ask: Asker | None,
        model_metrics: bool,
        progress: Progress | None = None,
        categories: str = "model",
        pool=None,
        model_kinds: frozenset[str] | None = None,
    ):
        if categories == "choose" and not choosing.supports_choose(ask):
            categories = "hybrid"  # only the embedded model gives log-probabilities: generate there instead
        self.planner = Planner(norm, model_metrics=model_metrics and ask is not None, categories=categories)
        self.ask = ask
        self.progress = progress
        self.pool = pool  # a thread pool the calls are sent through (labeling/run.py), or None: one at a time
        self.model_kinds = model_kinds  # the call kinds the model is asked for (config.model_kinds); None: all

    def run(self, outline: Outline, quantities: list[Quantity]) -> Labeled:
        calls = self.planner.plan(outline, quantities)
        if self.model_kinds is not None:
            # A kind the run does not ask the model for (where it was measured to lose to the rules) is
            # decided by the rules, without a call: the same items as the rules backend makes.
            for call in calls:
                if call.kind not in self.model_kinds:
                    call.on_rules()
            calls = [call for call in calls if call.kind in self.model_kinds]
        run_calls(calls, self.ask, self.planner.out, self.progress, self.pool)
        self.planner.sort()
        return self.planner.out
