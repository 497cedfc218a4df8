"""Which words are verbs: a general Chinese lexicon (jieba's dictionary, its `v`/`vn`/`vd` entries), not a
list harvested from reports, plus the few verbs of administrative prose that lexicon files under another
class (`办理` as a noun, `落实` as an adjective), listed in extractor/lexicon/verb_phrase.toml.

`leading_verb(s)` reads the verb phrase that opens `s` the way clauses of these reports open: optional
adverbs (`累计`, `依法`, `成功`), then one or more verbs in a row (`代办化解`, `印制张贴`, `审核确认`). A
compound is parsed, never listed.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from extractor import lexicon

_WORDS = lexicon.load("verb_phrase")
# Verbs of administrative prose that the general lexicon tags as nouns or adjectives (or lacks).
REGISTER_VERBS = frozenset(_WORDS.group("register_verbs"))
# Adverbs that open a verb phrase (`累计受理`, `依法确认`): part of it, never a verb alone; a longer one first.
ADVERBS = _WORDS.group("adverbs")
_VERB_TAGS = ("v", "vn", "vd")


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(verbs, nouns) of two to four characters the lexicon knows; the register's verbs are verbs only."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "the jieba package (its dictionary) is needed to tell verbs: pip install 'jieba>=0.42,<0.43'"
        )
    verbs, nouns = set(REGISTER_VERBS), set()
    with open(Path(spec.origin).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, _, tag = line.split()
            if 2 <= len(word) <= 4:
                if tag in _VERB_TAGS:
                    verbs.add(word)
                elif tag.startswith("n"):
                    nouns.add(word)
    return frozenset(verbs), frozenset(nouns - REGISTER_VERBS)


def verbs() -> frozenset[str]:
    return _lexicon()[0]


def is_verb(word: str) -> bool:
    return word in _lexicon()[0]


def is_noun(word: str) -> bool:
    return word in _lexicon()[1]


def leading_verb(s: str) -> str:
    """The verb phrase opening `s` (adverbs + one or more verbs), or "" when `s` does not open with a verb."""
    known = verbs()
    start = next((len(a) for a in ADVERBS if s.startswith(a) and len(s) > len(a) + 1), 0)
    end = start
    while True:
        step = next((n for n in (4, 3, 2) if len(s) - end >= n and s[end : end + n] in known), 0)
        if not step:
            break
        end += step
    return s[:end] if end > start else ""
