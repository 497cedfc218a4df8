"""Quantities in plain-text tables: rows of cells split by `|` (pipe tables, markdown or not) or by tabs.

Web copies and Word conversions keep a report's statistics tables as lines like `行政复议收案数|612` or
`罚款（万元）<TAB>986.4`. In prose the number's own sentence names it; in a table the row's label does, and
the unit is printed once, in the label's bracket (`（家次）`, `(万元)`), or after the number in the cell.
Normalizing drops the tabs, so rows are read from the original lines and mapped to the normalized text.

    table  := ≥ 2 consecutive lines with ≥ 2 cells each (a markdown rule line `|---|---|` is skipped)
    header := the first row when none of its value cells is a number (`指标|数量`, `项目<TAB>2023年`)
    value  := a cell that is one number, with at most an approximation word, a 万/亿 multiplier and a unit

Each value cell becomes one quantity named by its row's label (bracketed unit removed); a quantity the prose
parser already found in that cell gives way to it. The indicator key comes from the same rules as prose
(`facts/indicators.py`), read on the row as the sentence `label + number + unit`; a bare count (no unit
anywhere) is keyed as a count of items (`件`), since a statistics row of cases carries no unit word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractor import lexicon
from extractor.text.grammar import YEAR_CELL
from extractor.facts.indicators import indicators
from extractor.facts.names import name_all
from extractor.facts.quantities import Found, Quantity
from extractor.facts.units import match_unit
from extractor.text.normalize import Normalized

_SPLIT = re.compile(r"\t+|\s*[|｜]\s*")
_RULE = re.compile(r"^[\s|｜:：\-—]+$")
_APPROX = lexicon.load("table_values").table("approx")
_VALUE = re.compile(
    rf"^(?P<pre>{lexicon.alternation(_APPROX['before'])})?(?P<num>\d+(?:\.\d+)?)"
    rf"(?P<post>{lexicon.alternation(_APPROX['after'])})?(?P<mult>万|亿)?(?P<unit>%|‰|[\u4e00-\u9fff]{{1,3}})?$"
)
_BRACKET_UNIT = re.compile(r"[（(](?P<unit>[^()（）]{1,4})[)）]\s*$")
_MULTIPLIER = {"万": 1e4, "亿": 1e8}


@dataclass(frozen=True)
class Cell:
    start: int  # original offsets of the cell's text (surrounding spaces excluded)
    end: int
    text: str


def table_rows(original: str) -> list[list[Cell]]:
    """The rows of every table in the text (header rows included), each a list of cells."""
    rows: list[list[Cell]] = []
    run: list[list[Cell]] = []
    offset = 0
    for line in original.split("\n") + [""]:
        cells = _cells(line, offset)
        if len(cells) >= 2 or (run and _RULE.match(line) and "|" in line):
            if len(cells) >= 2:
                run.append(cells)
        else:
            if len(run) >= 2:
                rows.extend(run)
            run = []
        offset += len(line) + 1
    return rows


def _cells(line: str, offset: int) -> list[Cell]:
    if "\t" not in line and "|" not in line and "｜" not in line:
        return []
    if _RULE.match(line):
        return []
    cells = []
    pos = 0
    for part in _SPLIT.split(line):
        at = line.index(part, pos) if part else pos
        pos = at + len(part)
        text = part.strip()
        if text:
            lead = len(part) - len(part.lstrip())
            cells.append(Cell(offset + at + lead, offset + at + lead + len(text), text))
    return cells


def table_quantities(norm: Normalized, quantities: list[Quantity]) -> list[Quantity]:
    """`quantities` with every table value cell as a quantity named by its row (prose finds in a cell give
    way to it), in document order."""
    rows = table_rows(norm.original)
    if not rows:
        return quantities
    found: list[Quantity] = []
    for row in rows:
        label, values = row[0], [c for c in row[1:] if _VALUE.match(c.text) and not YEAR_CELL.match(c.text)]
        if not values or _VALUE.match(label.text):
            continue  # a header row (`指标|数量`, `项目|2023年`) or a row without a label
        for cell in values:
            q = _quantity(norm, label, cell)
            if q is not None:
                found.append(q)
    if not found:
        return quantities
    taken = [(q.start, q.end) for q in found]
    kept = [q for q in quantities if not any(a < q.end and q.start < b for a, b in taken)]
    return sorted(kept + found, key=lambda q: q.start)


def _quantity(norm: Normalized, label: Cell, cell: Cell) -> Quantity | None:
    m = _VALUE.match(cell.text)
    assert m is not None
    bracket = _BRACKET_UNIT.search(label.text)
    name = label.text[: bracket.start()].strip() if bracket else label.text
    printed = (m.group("mult") or "") + (m.group("unit") or "")
    if not m.group("unit") and bracket:
        printed = bracket.group("unit")
    mult = _MULTIPLIER.get(printed[:1], 1.0) if printed[:1] in _MULTIPLIER and len(printed) > 1 else 1.0
    core = printed[1:] if mult != 1.0 else printed
    unit = match_unit(core, 0) if core else None
    if core and (unit is None or unit.end != len(core)):
        return None  # a cell like `12名单`: not a number with a unit
    value = float(m.group("num"))
    base_unit = unit.base if unit else None
    value_base = value / unit.divisor * mult if unit else value * mult
    approx = bool(m.group("pre") or m.group("post"))
    start, end = cell.start, cell.end
    a, b = norm.to_norm(start), norm.to_norm(end - 1) + 1
    key = _key(name, value, printed or None, value_base, base_unit)
    return Quantity(
        value=value,
        unit=printed or None,
        approx=approx,
        value_base=_round(value_base),
        base_unit=base_unit,
        start=start,
        end=end,
        quote=norm.original[start:end],
        found=Found(a, b, printed or None, base_unit),
        name=name,
        indicator=key,
    )


def _key(name: str, value: float, unit: str | None, value_base: float, base_unit: str | None) -> str | None:
    """The indicator the prose rules give the row read as one sentence (`行政复议收案数612件。`)."""
    number = f"{value:g}"
    # A label `…案件数` names the count itself: read as the total it states (`…案件总数304件`).
    head = re.sub(r"(?:数量|总数|数)$", "", name) + "总数" if re.search(r"数量?$", name) else name
    sentence = f"{head}{number}{unit or '件'}。"
    at = len(head)
    found = Found(at, at + len(number) + len(unit or "件"), unit or "件", base_unit or "件")
    return indicators(sentence, name_all(sentence, [found]), [value_base])[0]


def _round(x: float) -> float:
    return float(f"{x:.12g}")


def with_tables(norm: Normalized, quantities: list[Quantity]) -> list[Quantity]:
    """Table quantities merged in, a key held by an earlier quantity left with it (one figure per key)."""
    merged = table_quantities(norm, quantities)
    seen: set[str] = set()
    out = []
    for q in merged:
        if q.indicator and q.indicator in seen:
            q = replace(q, indicator=None)
        if q.indicator:
            seen.add(q.indicator)
        out.append(q)
    return out
