"""The one model call the outline may need: which required part a top-level section is, for the sections
whose part the rules leave undecided or contradictory (structure.parts). Same client, cache, ledger and
prompt versioning as every other call; a failed call keeps the rules' guess and leaves a quality note.

Two ways to ask: generated JSON (`prompts/parts.toml`: part and reason), what extraction uses; or the five
parts' letters scored as the answer's first token in one forward pass (`prompts/part_choice.toml`,
labeling/choice.py; `scored=True`), which `bench/part_choice.py` measures and extraction does not use: on
the in-sample suites' 18 undecided sections it placed 0 right (8 calibrated) where the JSON placed 12 and
the rules' guess 18 (bench/label_scoring.md, experiment 5). Either answer passes
`refuse_answer` before it replaces the rules' guess."""

from __future__ import annotations

from extractor.errors import ModelError
from extractor.labeling import choice
from extractor.labeling.run import Asker, tuned_file
from extractor.model import choosing, prompts
from extractor.structure.parts import AskPart, PartQuestion, refuse_answer
from schemas.report import QualityNote
from schemas.responses import PartAnswer

# The letters part_choice.toml lists, in its order (the template's order: work done, shortcomings, the
# leaders' duty, plans, other).
PART_OPTIONS: dict[str, str] = choice.letters(("measures", "shortcomings", "leadership", "plans", "other"))


def _question_text(question: PartQuestion) -> str:
    before = f"（前一部分是 {question.previous}）" if question.previous else ""
    return f"位置：第{question.position}部分，共{question.total}部分{before}\n正文开头：{question.opening.strip()}"


def _generated(client: Asker, question: PartQuestion) -> str:
    """The part as generated JSON (prompts/parts.toml)."""
    prompt = prompts.load("parts", tuned=tuned_file(client))
    answer = client.ask(
        kind="parts",
        prompt_version=prompt.version,
        section=question.path,
        messages=prompt.messages(heading=question.heading, text=_question_text(question)),
        response_model=PartAnswer,
    )
    return answer.part


def part_logprobs(client: Asker, question: PartQuestion) -> dict[str, float]:
    """Each part's letter (PART_OPTIONS) scored as the answer's first token (prompts/part_choice.toml)."""
    prompt = prompts.load("part_choice")
    return choosing.choose(
        client,
        kind="part_choice",
        prompt_version=prompt.version,
        messages=prompt.messages(heading=question.heading, text=_question_text(question)),
        labels=list(PART_OPTIONS),
        section=question.path,
    ).logprobs


def _scored(client: Asker, question: PartQuestion) -> str:
    """The part whose letter the model finds likeliest: always one of PARTS."""
    picked, why = choice.decide(part_logprobs(client, question), PART_OPTIONS, None)
    if picked is None:
        raise ModelError(f"part choice: {why}")
    return picked


def part_asker(client: Asker, notes: list[QualityNote], scored: bool = False) -> AskPart:
    """An `ask_part` for `segment`: one cached call per question; failures are noted in `notes`. `scored`:
    the parts' letters scored by likelihood where the client can (`choosing.supports_choose`)."""
    how = _scored if scored and choosing.supports_choose(client) else _generated

    def ask(question: PartQuestion) -> str | None:
        try:
            part = how(client, question)
        except ModelError as err:
            # Degraded, not missing: the rules' guess stands (a `model_failed` note, like a failed item call).
            notes.append(
                QualityNote(
                    kind="model_failed",
                    section=question.path,
                    message=f"parts call failed ({err.message}); the rules' guess `{question.guess}` stands",
                )
            )
            return None
        why = refuse_answer(question, part)
        if why is not None:  # checked before it replaces the rules' answer: the model's word is not enough
            notes.append(
                QualityNote(
                    kind="model_refused",
                    section=question.path,
                    message=f"parts call answered {why}; the rules' guess `{question.guess}` stands",
                )
            )
            return None
        return part

    return ask
