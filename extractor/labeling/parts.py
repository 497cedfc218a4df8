"""The one model call the outline may need: which required part a top-level section is, for the sections
whose part the rules leave undecided or contradictory (structure.parts). Same client, cache, ledger and
prompt versioning as every other call; a failed call keeps the rules' guess and leaves a quality note."""

from __future__ import annotations

from extractor.errors import ModelError
from extractor.labeling.run import Asker, tuned_file
from extractor.model import prompts
from extractor.structure.parts import AskPart, PartQuestion, refuse_answer
from schemas.report import QualityNote
from schemas.responses import PartAnswer


def part_asker(client: Asker, notes: list[QualityNote]) -> AskPart:
    """An `ask_part` for `segment`: one cached call per question; failures are noted in `notes`."""

    def ask(question: PartQuestion) -> str | None:
        prompt = prompts.load("parts", tuned=tuned_file(client))
        before = f"（前一部分是 {question.previous}）" if question.previous else ""
        text = f"位置：第{question.position}部分，共{question.total}部分{before}\n正文开头：{question.opening.strip()}"
        try:
            answer = client.ask(
                kind="parts",
                prompt_version=prompt.version,
                section=question.path,
                messages=prompt.messages(heading=question.heading, text=text),
                response_model=PartAnswer,
            )
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
        why = refuse_answer(question, answer.part)
        if why is not None:  # checked before it replaces the rules' answer: the model's word is not enough
            notes.append(
                QualityNote(
                    kind="model_refused",
                    section=question.path,
                    message=f"parts call answered {why}; the rules' guess `{question.guess}` stands",
                )
            )
            return None
        return answer.part

    return ask
