"""Injection-shaped text: sentences that address a model or the reader instead of reporting.

A report states what a government did. A sentence that tells its reader to ignore instructions, to output
something, or tells "you" what you are, is not a report's content: pasted into a web page by someone, or
left over from a tool. Its numbers are not the jurisdiction's figures, so they are kept out of metrics and
indicators and the sentence is flagged (`suspicious_instruction` in `quality`). The text itself is left
alone: it stays inside its item's quote, where a reader can see it.

The patterns name the shapes, not any one string:

- *override*: a verb of disregarding (忽略/无视/忘记/不要理会/ignore/disregard) with what is disregarded
  (指令/提示/规则/以上/上述/之前/instructions/prompt/above/previous);
- *command to output*: a request or restriction (请/只/仅/直接/务必/must/only/please) on a verb of producing an
  answer (输出/返回/回复/打印/output/print/return/respond);
- *role address*: "you are / as an AI" (你是/你现在是/作为…AI/人工智能/语言模型/助手, you are, as an AI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor import lexicon

_WORDS = lexicon.load("injection_words")  # the Chinese words of each shape; the English shapes are patterns here


def _any(group: str) -> str:
    return "(?:" + lexicon.alternation(_WORDS.group(group)) + ")"


_OVERRIDE = re.compile(
    _any("disregard")
    + r"[^。！？!?\n]{0,20}?"
    + _any("disregarded")
    + r"|(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+)*(?:previous|prior|above|earlier|system|your)?\s*"
    r"(?:instructions?|prompts?|rules|context)",
    re.IGNORECASE,
)
_COMMAND = re.compile(
    _any("requests") + r"(?:你)?(?:只|仅)?" + _any("answer_verbs") + r"|(?:^|[，,：:\s])(?:输出|返回|回复)(?:为|：|:)"
    r"|\b(?:only|please|must|just)\s+(?:output|print|return|respond|reply)\b"
    r"|\b(?:output|print|return|respond with)\s+(?:only|exactly|the\s+number)\b",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"你(?:现在)?是(?:一个|一名)?[^。！？!?\n]{0,12}?"
    + _any("model_nouns")
    + r"|作为(?:一个|一名)?"
    + _any("as_model_nouns")
    + r"|\byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:AI|assistant|language\s+model|model)\b|\bas\s+an?\s+AI\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[。！？!?\n；;]")


@dataclass(frozen=True)
class Suspicious:
    start: int  # [start, end) of the sentence in the text searched
    end: int
    shape: str  # override | command | role

    def __contains__(self, offset: int) -> bool:
        return self.start <= offset < self.end


def instruction_sentences(text: str) -> list[Suspicious]:
    """The sentences of `text` that address a model or the reader, with the shape that gave them away."""
    found = []
    start = 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.end() if m else len(text)
        sentence = text[start:end]
        for shape, pattern in (("override", _OVERRIDE), ("command", _COMMAND), ("role", _ROLE)):
            if pattern.search(sentence):
                found.append(Suspicious(start, end, shape))
                break
        start = end
    return found
