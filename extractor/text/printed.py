"""Pages of a PDF's text layer → the report's text as printed: the layer evidence offsets point into.

A PDF's text layer holds the lines as laid out on the page. Read as printed:
- page numbers (`— 1 —`, `-1-`, `第1页 共9页`, `1/9`) and running headers and footers (a line, digits aside,
  that stands at the top or bottom of at least half of the pages) are left out;
- a line that fills the measure is hard-wrapped inside its paragraph and joins the next line: CJK lines with
  no space, Latin words with one. A line that stops short ends its paragraph, and a heading (`一、`, `（二）`,
  `3.`) always starts a line of its own, so headings stay lines;
- a title set larger than the body that wraps onto a second line of the same size is one line again (the
  reader gives each line's font size; without sizes, titles that wrap stay two lines);
- look-alike radicals and dashes become the characters they show (`text.glyphs`, one for one), and spaces the
  layer puts between two CJK characters (glyph-by-glyph positioning) are dropped.

`printed_layer(pages, line_sizes)` returns the text, the offset where each page's text starts in it (for page numbers
of evidence), and notes. The measure is learnt from the document itself: the widths of its long lines
(a CJK character counts 1, an ASCII one ½).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from extractor.text.glyphs import as_shown, count_lookalikes
from extractor.text.normalize import HEADING_START
from extractor.text.sentences import PARAGRAPH_END

_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－―_·•~～]*(?:第?\s*\d{1,4}\s*页?(?:\s*[/／共]\s*\d{1,4}\s*页?)?|[（(]\s*\d{1,4}\s*[)）])[\s\-—–－―_·•~～]*$"
)
_DECIMAL_START = re.compile(r"^\d+[.．]\d")  # `62.5%` at a line's start is a number, not heading `6.`
_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) +(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")
_SLACK = 2.0  # characters a full line may fall short of the measure
_EDGE = 3  # lines at each end of a page where running headers, footers and page numbers stand


@dataclass(frozen=True)
class _Line:
    page: int
    text: str
    size: float = 0.0  # font size in points; 0 when unknown


def printed_layer(
    pages: list[str], line_sizes: list[list[float] | None] | None = None
) -> tuple[str, list[int], list[tuple[str, str]]]:
    """The text as printed, the offset where each page's text starts in it, and notes on what was changed."""
    notes = _glyph_notes("".join(pages))
    page_lines = _page_lines(pages, line_sizes)
    dropped = _furniture(page_lines)
    if dropped:
        notes.append(
            (
                "page_furniture_removed",
                f"{dropped} page number, running header or footer line(s) left out of the text layer",
            )
        )
    lines = [_Line(p, line, size) for p, lines in enumerate(page_lines) for line, size in lines]
    text, page_starts = _joined(lines, len(pages))
    return text, page_starts, notes


def _glyph_notes(raw: str) -> list[tuple[str, str]]:
    """A note counting the look-alike radicals and dashes read as the characters they show, if any."""
    mapped = count_lookalikes(raw)
    if not mapped:
        return []
    return [
        (
            "glyphs_mapped",
            f"{mapped} look-alike radical or dash character(s) in the PDF's text layer "
            "read as the characters they show (e.g. ⼯ → 工)",
        )
    ]


def _page_lines(pages: list[str], line_sizes: list[list[float] | None] | None) -> list[list[tuple[str, float]]]:
    """Each page's non-empty lines as shown, each with its font size (0 where the sizes do not fit the lines)."""
    page_lines: list[list[tuple[str, float]]] = []
    for p, text in enumerate(pages):
        raw_lines = as_shown(text).split("\n")
        sizes = (line_sizes or [None] * len(pages))[p]
        if sizes is None or len(sizes) != len(raw_lines):
            sizes = [0.0] * len(raw_lines)
        page_lines.append([(_clean(line), size) for line, size in zip(raw_lines, sizes) if _clean(line)])
    return page_lines


def _joined(lines: list[_Line], page_count: int) -> tuple[str, list[int]]:
    """The lines joined into paragraphs (a hard-wrapped line runs on, others end with a line break), and where
    each page starts in the text; a page with no text starts where the next one does (its items cannot be on it)."""
    measure = _measure([line.text for line in lines])
    body = _body_size(lines)
    text_parts: list[str] = []
    page_starts = [-1] * page_count
    pos = 0
    paragraph_start = True  # the line begins a paragraph (so it may be indented)
    for i, line in enumerate(lines):
        if page_starts[line.page] < 0:
            page_starts[line.page] = pos
        text_parts.append(line.text)
        pos += len(line.text)
        if i + 1 == len(lines):
            break
        sep = _separator(line, lines[i + 1], measure, body, paragraph_start)
        paragraph_start = sep == "\n"
        text_parts.append(sep)
        pos += len(sep)
    for p in range(len(page_starts) - 1, -1, -1):
        if page_starts[p] < 0:
            page_starts[p] = page_starts[p + 1] if p + 1 < len(page_starts) else pos
    return "".join(text_parts), page_starts


def _separator(line: _Line, nxt: _Line, measure: float, body: float, paragraph_start: bool) -> str:
    """What stands between a line and the next: a line break where its paragraph ends, else nothing, or a
    space between two Latin words."""
    joined = _display_continues(line, nxt, body)
    if joined is None:
        joined = _continues(line.text, nxt.text, measure, paragraph_start)
    if not joined:
        return "\n"
    latin = line.text[-1].isascii() and line.text[-1].isalpha() and nxt.text[0].isascii() and nxt.text[0].isalpha()
    return " " if latin else ""


def page_of(page_starts: list[int], offset: int) -> int:
    """The 1-based page an offset of the layer falls on."""
    page = 0
    for p, start in enumerate(page_starts):
        if start <= offset:
            page = p
        else:
            break
    return page + 1


def _clean(line: str) -> str:
    return _CJK_GAP.sub("", line.strip())


def width(line: str) -> float:
    return sum(0.5 if ch.isascii() else 1.0 for ch in line)


def _furniture(page_lines: list[list[tuple[str, float]]]) -> int:
    """Remove page numbers and running headers/footers from each page's edge lines; how many were removed."""
    removed = 0
    repeated: set[str] = set()
    if len(page_lines) >= 2:
        seen: Counter[str] = Counter()
        for lines in page_lines:
            edge = {_shape(line) for line, _ in lines[:_EDGE] + lines[-_EDGE:]}
            seen.update(edge)
        needed = max(2, math.ceil(len(page_lines) / 2))
        repeated = {shape for shape, n in seen.items() if n >= needed}
    for lines in page_lines:
        n = len(lines)
        keep = []
        for i, (line, size) in enumerate(lines):
            at_edge = i < _EDGE or i >= n - _EDGE
            if at_edge and (_PAGE_NUMBER.match(line) or _shape(line) in repeated):
                removed += 1
                continue
            keep.append((line, size))
        lines[:] = keep
    return removed


def _shape(line: str) -> str:
    """A line with its numbers blanked: page `3` of a footer and page `4` of the same footer look alike."""
    return re.sub(r"\d+", "#", line)


def _measure(lines: list[str]) -> float:
    """The width of a full line: a high percentile of the long lines' widths."""
    widths = sorted(width(line) for line in lines if width(line) >= 8)
    if not widths:
        return math.inf
    return widths[min(len(widths) - 1, int(len(widths) * 0.9))]


def _body_size(lines: list[_Line]) -> float:
    """The font size most of the text is set in (0 when sizes are unknown)."""
    weight: Counter = Counter()
    for line in lines:
        if line.size > 0:
            weight[round(line.size * 2) / 2] += len(line.text)
    return weight.most_common(1)[0][0] if weight else 0.0


def _display_continues(line: _Line, nxt: _Line, body: float) -> bool | None:
    """For lines set larger than the body (a title): whether the next line carries it on. None when the
    sizes do not decide (body text, or sizes unknown)."""
    if not (body and line.size and nxt.size):
        return None
    big, next_big = line.size > body * 1.15, nxt.size > body * 1.15
    if not big and not next_big:
        return None
    if big and next_big and abs(line.size - nxt.size) <= 0.05 * line.size:
        return line.text[-1] not in PARAGRAPH_END
    return False  # a title never runs into the body, nor the body into a title


def _continues(line: str, nxt: str, measure: float, paragraph_start: bool) -> bool:
    """Whether `line` is hard-wrapped and `nxt` carries on its paragraph."""
    w = width(line)
    # Ragged-right setting leaves a full line up to two characters short (a character that does not fit, a
    # punctuation mark that may not start a line), digits and Latin letters are not exactly half a character,
    # and a paragraph's first line is usually indented two characters more.
    full = w >= measure - (_SLACK + 2 if paragraph_start else _SLACK)
    if not full:
        return False
    if HEADING_START.match(nxt) and not _DECIMAL_START.match(nxt):
        return False  # a heading or an item (`二是`) starts a line of its own, after a title or a full line
    return True
