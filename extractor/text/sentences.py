"""Where sentences, clauses and phrases of the normalized text begin and end: one definition each.

The units, largest first, all on `Normalized.text` (normalization keeps a line break only where a
paragraph really ends, so a kept break is a hard boundary; in original text a break may be a page break
inside a word, which is why nothing here is meant for original text):

- **line**: text between two `\\n`. A heading, a header line or a paragraph, or a fragment of one.
- **paragraph**: lines joined until one ends with `PARAGRAPH_END` (`。！？；：` and their ASCII forms).
  A line that stops without one is a fragment whose paragraph goes on (a kept page break).
- **sentence**: ends after `。！？!?` (the mark belongs to the sentence) or at a line break. `；` does NOT end
  a sentence: a `；` list is one sentence of parallel clauses, and the subject stated before the first
  `；` still governs the clauses after it.
- **clause**: a sentence cut at `；;` as well — one item of a `；` list.
- **phrase**: a clause cut at `，,：:` as well (and, with `LIST_SEP`, at `、`) — the window a number's
  name and context words come from.

Offsets are positions in the string given; spans are [start, end).
"""

from __future__ import annotations

from typing import Iterator

SENTENCE_END = frozenset("。！？!?")
CLAUSE_END = frozenset("；;")
PHRASE_END = frozenset("，,：:")
LIST_SEP = "、"
PARAGRAPH_END = SENTENCE_END | CLAUSE_END | frozenset("：:")

# Boundary sets, each the one above it plus its own marks (the line break is in all of them).
SENTENCE_BOUNDS = SENTENCE_END | {"\n"}
CLAUSE_BOUNDS = SENTENCE_BOUNDS | CLAUSE_END
PHRASE_BOUNDS = CLAUSE_BOUNDS | PHRASE_END
LIST_BOUNDS = PHRASE_BOUNDS | {LIST_SEP}

_PAIRS = {"(": ")", "“": "”", "《": "》", "【": "】", "[": "]", "「": "」"}


def lines(text: str, a: int = 0, b: int | None = None) -> Iterator[tuple[int, int]]:
    """[start, end) of every line of text[a:b], empty ones included (the `\\n` belongs to neither side)."""
    b = len(text) if b is None else b
    pos = a
    while True:
        nl = text.find("\n", pos, b)
        if nl == -1:
            yield pos, b
            return
        yield pos, nl
        pos = nl + 1


def paragraphs(text: str, a: int = 0, b: int | None = None) -> list[tuple[int, int]]:
    """Paragraph spans in text[a:b] (blank ones dropped): lines joined until one ends a paragraph."""
    b = len(text) if b is None else b
    spans: list[tuple[int, int]] = []
    start = a
    for s, e in lines(text, a, b):
        if e > s and text[e - 1] in PARAGRAPH_END and e < b:
            spans.append((start, e))
            start = e + 1
    spans.append((start, b))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def start_of(text: str, pos: int, bounds: frozenset[str] | set[str] = SENTENCE_BOUNDS, floor: int = 0) -> int:
    """Where the unit (sentence by default) holding `pos` begins: just after the last boundary before it."""
    i = pos - 1
    while i >= floor and text[i] not in bounds:
        i -= 1
    return i + 1


def end_of(text: str, pos: int, bounds: frozenset[str] | set[str] = SENTENCE_BOUNDS) -> int:
    """Where the unit holding `pos` ends: after its closing mark (kept), or at a line break (not kept)."""
    j = pos
    while j < len(text) and text[j] not in bounds:
        j += 1
    return j + 1 if j < len(text) and text[j] != "\n" else j


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    """The sentence holding `pos`, its closing mark included."""
    return start_of(text, pos), end_of(text, pos)


def clause_at(text: str, pos: int) -> tuple[int, int]:
    """The `；`-clause holding `pos`, its closing mark included."""
    return start_of(text, pos, CLAUSE_BOUNDS), end_of(text, pos, CLAUSE_BOUNDS)


def same_sentence(text: str, a: int, b: int) -> bool:
    """True when no sentence boundary stands in text[a:b]."""
    return not any(ch in SENTENCE_BOUNDS for ch in text[a:b])


def previous_sentence(text: str, pos: int) -> str:
    """The sentence before the one holding `pos` ("" at the start of the text)."""
    start = start_of(text, pos)
    end = start - 1 if start and text[start - 1] == "\n" else start  # a line break belongs to neither
    return text[start_of(text, end - 1) : end] if end > 0 else ""


def sentences(text: str, a: int = 0, b: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans in text[a:b], closing marks included, empty ones dropped."""
    return _split(text, a, len(text) if b is None else b, SENTENCE_BOUNDS)


def clauses(text: str, a: int = 0, b: int | None = None, top_level: bool = False) -> list[tuple[int, int]]:
    """`；`-clause spans in text[a:b]: a sentence end is kept with its clause, a `；` is dropped. With
    `top_level`, marks inside brackets and quotes do not split (a `；` inside `“…”` is the quote's)."""
    b = len(text) if b is None else b
    units, start = [], a
    chars = _top_level(text, a, b) if top_level else ((i, text[i]) for i in range(a, b))
    for i, ch in chars:
        if ch in CLAUSE_END:
            units.append((start, i))
            start = i + 1
        elif ch in SENTENCE_END:
            units.append((start, i + 1))
            start = i + 1
    units.append((start, b))
    return [(s, e) for s, e in units if text[s:e].strip("\n；;，,、 ")]


def has_clause_break(text: str, a: int, b: int) -> bool:
    """True when text[a:b] is a `；` list: a `；` stands outside brackets and quotes."""
    return any(ch in CLAUSE_END for _, ch in _top_level(text, a, b))


def phrase_before(
    text: str, pos: int, floor: int = 0, bounds: frozenset[str] | set[str] = LIST_BOUNDS, keep_asides: int = 0
) -> str:
    """The phrase before `pos` (not reaching back past `floor`), parenthesised asides dropped — or kept when
    at most `keep_asides` characters long (`各县(市、区)政府`): the words a number's name and context come
    from. `bounds=PHRASE_BOUNDS` keeps a `、` list whole."""
    out: list[str] = []
    i = pos - 1
    while i >= floor and text[i] not in bounds and text[i] != "(":
        if text[i] == ")":
            j = text.rfind("(", floor, i)
            if j == -1:
                break
            if i - j - 1 <= keep_asides:
                out.extend(reversed(text[j : i + 1]))
            i = j - 1
            continue
        out.append(text[i])
        i -= 1
    return "".join(reversed(out))


def phrase_after(text: str, pos: int, bounds: frozenset[str] | set[str] = LIST_BOUNDS) -> str:
    """The phrase from `pos` to the next boundary or bracket."""
    j = pos
    while j < len(text) and text[j] not in bounds and text[j] not in "()":
        j += 1
    return text[pos:j]


def _split(text: str, a: int, b: int, bounds: frozenset[str]) -> list[tuple[int, int]]:
    units, start = [], a
    for i in range(a, b):
        if text[i] == "\n":
            units.append((start, i))
            start = i + 1
        elif text[i] in bounds:
            units.append((start, i + 1))
            start = i + 1
    units.append((start, b))
    return [(s, e) for s, e in units if text[s:e].strip()]


def _top_level(text: str, a: int, b: int) -> Iterator[tuple[int, str]]:
    """(position, char) of the characters of text[a:b] outside brackets and quotes. An opener whose closer
    never comes (OCR drops them) is ignored, so one lost `”` cannot stop a whole paragraph splitting."""
    closers: list[str] = []
    for i in range(a, b):
        ch = text[i]
        if ch in _PAIRS and _PAIRS[ch] in text[i + 1 : b]:
            closers.append(_PAIRS[ch])
        elif closers and ch == closers[-1]:
            closers.pop()
        elif not closers:
            yield i, ch
