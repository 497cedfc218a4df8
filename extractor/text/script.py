"""A simplified-character view of traditional text, one character for one, so offsets do not move.

Headings, keywords, metadata labels and units are matched on simplified text (`報告` → `报告`,
`億元` → `亿元`); quotes and offsets still come from the original. OpenCC's phrase tables convert a few
words to a different length (rare in these reports, but possible); a line whose conversion changes
length is converted character by character instead, and a character whose own conversion is not one
character stays as printed — the view never changes length.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _converter():
    import opencc  # the `opencc` distribution (OpenCC 1.1+ Python bindings)

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` in simplified characters, with len(result) == len(text) and line breaks where they were."""
    if text.isascii():
        return text
    convert = _converter().convert
    whole = convert(text)
    if len(whole) == len(text):
        return whole
    lines = []
    for line in text.split("\n"):
        out = convert(line)
        lines.append(out if len(out) == len(line) else _by_char(line, convert))
    return "\n".join(lines)


def _by_char(line: str, convert) -> str:
    out = []
    for ch in line:
        conv = convert(ch)
        out.append(conv if len(conv) == 1 else ch)
    return "".join(out)
