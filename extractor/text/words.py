"""Which words are verbs: a general Chinese lexicon (jieba's dictionary, its `v`/`vn`/`vd` entries), not a
list harvested from reports, plus the few verbs of administrative prose that lexicon files under another
class (`办理` as a noun, `落实` as an adjective).

`leading_verb(s)` reads the verb phrase that opens `s` the way clauses of these reports open: optional
adverbs (`累计`, `依法`, `成功`), then one or more verbs in a row (`代办化解`, `印制张贴`, `审核确认`). A
compound is parsed, never listed.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

# Verbs of administrative prose that the general lexicon tags as nouns or adjectives (or lacks).
REGISTER_VERBS = frozenset(
    "办理 印发 清理 备案 报备 落实 指导 新办 新收 新增 新建 新设 立案 结案 办复 印制 制发 查办 评查 录入 归集".split()
)
# Adverbs that open a verb phrase (`累计受理`, `依法确认`, `成功授信`): part of it, never a verb alone.
ADVERBS = (
    "累计",
    "成功",
    "依法",
    "到期",
    "已经",
    "集中",
    "联合",
    "直接",
    "全面",
    "分别",
    "先后",
    "及时",
    "主动",
    "共同",
    "统一",
    "已",
    "均",
    "拟",
    "再",
    "另",
    "又",
    "共",
)
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
    lexicon = verbs()
    start = next((len(a) for a in ADVERBS if s.startswith(a) and len(s) > len(a) + 1), 0)
    end = start
    while True:
        step = next((n for n in (4, 3, 2) if len(s) - end >= n and s[end : end + n] in lexicon), 0)
        if not step:
            break
        end += step
    return s[:end] if end > start else ""
