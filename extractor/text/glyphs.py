"""Look-alike code points in PDF text layers, read as the characters they show.

PDFs printed from browsers and office tools often map a CJK glyph that a font shares with a radical to the
radical's code point in their text layer: `⼯` (U+2F2F KANGXI RADICAL WORK) for 工, `⼈` for 人, `⺠` (U+2EA0
CJK RADICAL CIVILIAN) for 民, `⻘` for 青; and a dash to U+2015 HORIZONTAL BAR. Read as printed they are the
ordinary characters, and every keyword, heading and metadata rule expects those.

`as_shown(text)` replaces one character by one character, so an offset into the result is an offset into
the input too. Kangxi radicals (U+2F00–U+2FD5) have a compatibility decomposition to their ideograph, so
they are mapped by NFKC; the CJK Radicals Supplement (U+2E80–U+2EF3) mostly has none, so the forms that
are whole characters in running text are listed here, after Unicode's EquivalentUnifiedIdeograph.txt.
"""

from __future__ import annotations

import unicodedata

# CJK Radicals Supplement forms that stand for a whole character (radical → equivalent ideograph).
_SUPPLEMENT = dict(
    zip(
        "⺟⺠⺝⺜⺩⺪⺬⺷⺼⻁⻄⻅⻆⻉⻋⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻱⻳",
        "母民月日王疋示羊肉虎西见角贝车長长门雨青韦页风飞食首马骨鬼鱼鸟卤麦黄黾齐齿龙龜龟",
    )
)
_DASHES = {"\u2015": "\u2014"}  # HORIZONTAL BAR → EM DASH (`——` as printed)


def _table() -> dict[int, str]:
    table = {ord(k): v for k, v in {**_SUPPLEMENT, **_DASHES}.items()}
    for code in range(0x2F00, 0x2FD6):
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table


LOOKALIKES: dict[int, str] = _table()


def as_shown(text: str) -> str:
    """`text` with look-alike radicals and dashes replaced by the characters they show (same length)."""
    return text.translate(LOOKALIKES)


def count_lookalikes(text: str) -> int:
    return sum(1 for ch in text if ord(ch) in LOOKALIKES)
