"""Chinese numerals, one definition: value of a positional numeral, digit-by-digit years, outline ordinals.

Three readings, because reports use numerals three ways:
- `cn_value`: a positional numeral as a quantity (`两`, `十二`, `三百五十`, `一万二千`, `百余`'s `百`). Two
  digits in a row are not a value but a name (`七五` 普法, `十三五`), so they give None. The arithmetic is
  `cn2an`'s (strict mode), after the two spellings it does not take: `两` for 二, a bare leading `百`/`千`.
- `cn_digits`: a digit string read digit by digit, as years are printed (`二〇二三` → 2023).
- `cn_int` / `int_cn`: outline ordinals (`（十二）`, `二十三、`), 1..99, digits accepted as they are.

`DIGITS` is the one digit table (the zero forms `零`, `〇`, `○` included); regexes that look for numerals
build their character classes from it.
"""

from __future__ import annotations

from functools import lru_cache

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(POWERS)
_ORDINAL_DIGITS = "一二三四五六七八九"


@lru_cache(maxsize=4096)
def cn_value(numeral: str) -> int | None:
    """The value of a positional Chinese numeral; None for digit strings (`七五`) and anything else."""
    if not numeral or any(ch not in NUMERAL_CHARS for ch in numeral):
        return None
    if any(a in DIGITS and b in DIGITS and DIGITS[a] for a, b in zip(numeral, numeral[1:])):
        return None  # a digit after a non-zero digit: `七五`, `二〇` are names or years (`一千零五` is fine)
    spelled = numeral.replace("两", "二").replace("〇", "零").replace("○", "零")
    if spelled[0] in "百千":
        spelled = "一" + spelled  # `百余件`, `千余人`
    import cn2an  # imported late: it costs a third of a second and most commands never read a numeral

    try:
        return int(cn2an.cn2an(spelled, "strict"))
    except ValueError:
        return None


def cn_digits(s: str) -> int | None:
    """A digit string read digit by digit (`二〇二三` → 2023, `2023` → 2023); None if any char is no digit."""
    if s.isdigit():
        return int(s)
    if not s or any(ch not in DIGITS for ch in s):
        return None
    return int("".join(str(DIGITS[ch]) for ch in s))


def cn_int(s: str) -> int | None:
    """An outline ordinal: 一 → 1, 十 → 10, 十二 → 12, 二十三 → 23, `7` → 7; None beyond 99 or for OCR
    doublings (`十十`) and digit strings (`一二`)."""
    if s.isdigit():
        return int(s)
    if not s or len(s) > 3 or any(ch not in DIGITS and ch != "十" for ch in s):
        return None
    value = cn_value(s)
    return value if value is not None and 0 < value < 100 else None


def int_cn(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三: the inverse of `cn_int` for 1..99, as ordinals are printed."""
    if not 0 < n < 100:
        raise ValueError(f"outline ordinals run from 1 to 99, not {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _ORDINAL_DIGITS[tens - 1] + "十")
    return head + (_ORDINAL_DIGITS[ones - 1] if ones else "")
