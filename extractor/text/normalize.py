"""A normalized view of OCR text with a map from every normalized position back to the original.

What normalization does (and why):
- full-width ASCII forms (digits, letters, punctuation, U+3000 space) fold to half width, so `１２３` and
  `（一）` parse like `123` and `(一)`;
- markdown `#` heading marks and `---` rules are dropped, and so are the lines of web-page furniture
  (`text.furniture`: breadcrumbs, `来源`/`发布时间` lines, 【】 widgets, 打印/关闭/分享, the info block, whose
  values stay readable through `Normalized.furniture`);
- look-alike radicals a PDF's text layer uses for ideographs (`⼯` for 工) read as those (`text.glyphs`);
- traditional characters read as simplified (`text.script.simplified`, one character for one), so
  headings, keywords, labels and units match either script while quotes come from the original;
- horizontal whitespace is removed (Chinese text has none; OCR inserts it around numbers: `142 个`);
- a line break survives only where a paragraph really ends (after sentence-final punctuation, around
  headings and short header lines); any other line break, blank lines included, is a page break inside a
  sentence and is removed, so `完成\\n\\n率` → `完成率` and `83.\\n\\n3%` → `83.3%`;
- text whose line breaks were lost gets virtual ones before its inline headings (`text.reline`): inserted
  characters with no original character, left out of every span by `to_orig` (`Normalized.relined`).

`Normalized.orig[i]` is the original index of normalized character `i`; spans map back with
`to_orig(start, end)`. `canon()` is the same folding applied to a free string (used to compare quotes).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from extractor.text.grammar import YEAR_DIGITS
from extractor.text.sentences import PARAGRAPH_END
from extractor.text.furniture import Furniture, find_furniture
from extractor.text.glyphs import LOOKALIKES
from extractor.text.grammar import HEADING_START, ITEM_START as _ITEM_START  # HEADING_START: for text.printed
from extractor.text.reline import Relined, reline
from extractor.text.script import simplified

# Sentence-final (or clause-final) characters after which a line break is a real paragraph end.
_TERMINAL = PARAGRAPH_END | set("”」』）)")
_HEADER_LINE = re.compile(
    r"^(?:签发人|主送|抄送|附件)|〔" + YEAR_DIGITS + r"〕\d+号$|" + YEAR_DIGITS + r"年\d{1,2}月\d{1,2}日(?:印发|印)?$"
)
_SHORT_LINE = 40  # header lines, headings and signature lines are short; paragraph fragments are not
# A heading is a shape, not a length: a marker, then clauses with no sentence-final punctuation. The official
# template's leadership part name alone is 40 characters (`党政主要负责人履行…，加强法治政府建设的有关情况`), and
# a department or a `第二部分` prefix makes it longer; past this a marked line is a paragraph cut by a page break.
_HEADING_LINE_MAX = 80
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?：:]")
_CLAUSE_BREAK = re.compile(r"[，,、]")
_ANY_PUNCT = re.compile(r"[，,、。；;！!？?：:]")
# A line that cannot open a paragraph: it carries on the one before (`…全年共办理各类案件` / `48件，…`).
_CONTINUATION = re.compile(r"^(?:[，,、；;。：:）)」”]|(?!" + YEAR_DIGITS + r"年)\d)")


def fold_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    if code == 0x3000:
        return " "
    return LOOKALIKES.get(code, ch)  # a PDF's look-alike radicals and dashes (text/glyphs.py), one for one


_RULE_LINE = re.compile(r"^[ \t]*[-—_=*]{3,}[ \t]*$", re.M)


_ASCII_PUNCT = re.compile(r"(?<!\d)[,;:]|[,;:](?!\d)")
_FULLWIDTH = {",": "，", ";": "；", ":": "："}


def fullwidth_punctuation(text: str) -> str:
    """ASCII `,` `;` `:` in Chinese prose as the full-width marks a reader expects (`，` `；` `：`); between
    digits (`1,000`, `10:30`) they stay. For text we write (summaries), never for quotes of the source."""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return text
    return _ASCII_PUNCT.sub(lambda m: _FULLWIDTH[m.group()], text)


def canon(text: str) -> str:
    """Fold width and script and drop all whitespace and markdown marks: the form in which two quotes are
    compared."""
    out = []
    for ch in _RULE_LINE.sub("", text):
        ch = fold_char(ch)
        if ch.isspace() or ch == "#":
            continue
        out.append(ch)
    return simplified("".join(out))


@dataclass
class Normalized:
    original: str
    text: str
    orig: list[int]  # len(text) entries: original index of each normalized character
    furniture: Furniture = field(default_factory=Furniture)  # web-page lines left out of `text`
    relined: Relined | None = None  # virtual line breaks of run-together text (text/reline.py)
    _compact: str | None = field(default=None, repr=False)
    _compact_idx: list[int] | None = field(default=None, repr=False)

    def to_orig(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span [start, end) to the original span covering the same characters."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalized text of length {len(self.text)}")
        if self.relined is not None:  # a virtual line break has no original character: never in a span
            while end > start and end - 1 in self.relined.virtual:
                end -= 1
        if start == end:
            pos = self.orig[start] if start < len(self.orig) else len(self.original)
            return pos, pos
        return self.orig[start], self.orig[end - 1] + 1

    def to_norm(self, orig_pos: int) -> int:
        """The first normalized position whose original index is ≥ orig_pos (a virtual break is skipped)."""
        pos = bisect_left(self.orig, orig_pos)
        while self.relined is not None and pos in self.relined.virtual:
            pos += 1
        return pos

    def norm_span(self, orig_start: int, orig_end: int) -> tuple[int, int]:
        """Map an original span to the normalized span of the characters it contains."""
        return self.to_norm(orig_start), self.to_norm(orig_end)

    def compact_view(self) -> tuple[str, list[int]]:
        """The normalized text without line breaks, and the normalized index of each of its characters."""
        if self._compact is None:
            keep = [i for i, ch in enumerate(self.text) if ch != "\n"]
            self._compact = "".join(self.text[i] for i in keep)
            self._compact_idx = keep
        return self._compact, self._compact_idx  # type: ignore[return-value]

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        """Every original span whose canonical form equals canon(quote), in order."""
        needle = canon(quote)
        if not needle:
            return []
        compact, idx = self.compact_view()
        spans = []
        pos = compact.find(needle)
        while pos != -1:
            a, b = idx[pos], idx[pos + len(needle) - 1] + 1
            spans.append(self.to_orig(a, b))
            pos = compact.find(needle, pos + 1)
        return spans

    def find(self, quote: str, near: int = 0) -> tuple[int, int] | None:
        """The original span of `quote` (canonical match), the first at or after `near` if several."""
        spans = self.find_all(quote)
        if not spans:
            return None
        after = [s for s in spans if s[0] >= near]
        return (after or spans)[0]

    def slice(self, orig_start: int, orig_end: int) -> str:
        """Normalized text of an original span."""
        a, b = self.norm_span(orig_start, orig_end)
        return self.text[a:b]


def _strip_markup(line: str) -> tuple[int, int]:
    """[start, end) of a line's content once `#` marks and `---` rules are removed."""
    stripped = line.strip()
    if len(stripped) >= 3 and set(stripped) <= set("-—_=*"):
        return len(line), len(line)
    m = re.match(r"\s*#+\s*", line)
    return (m.end() if m else 0), len(line)


def normalize(original: str) -> Normalized:
    lines = original.split("\n")
    furniture = find_furniture(original)
    dropped = {start for start, _, _ in furniture.lines}
    inline = furniture.inline_positions()  # furniture inside a line (a text without line breaks)
    out_chars: list[str] = []
    out_orig: list[int] = []
    pending_break: int | None = None  # original index of the newline that may be kept
    prev_line_content = ""
    offset = 0
    for line in lines:
        start, end = (len(line), len(line)) if offset in dropped else _strip_markup(line)
        content_chars = [
            (fold_char(ch), offset + i)
            for i, ch in enumerate(line[start:end], start)
            if not fold_char(ch).isspace() and ch not in "#＃" and offset + i not in inline
        ]
        if content_chars:
            if pending_break is not None and out_chars:
                content = "".join(c for c, _ in content_chars)
                if _keeps_break(prev_line_content, content, line):
                    out_chars.append("\n")
                    out_orig.append(pending_break)
            for c, o in content_chars:
                out_chars.append(c)
                out_orig.append(o)
            prev_line_content = "".join(c for c, _ in content_chars)
            pending_break = None
        elif pending_break is None and out_chars:
            pass
        nl = offset + len(line)
        if nl < len(original) and pending_break is None:
            pending_break = nl
        offset = nl + 1
    text = simplified("".join(out_chars))
    relined = reline(text, out_orig, original)  # a report whose line breaks were lost: breaks from its numbering
    if relined is not None:
        text, out_orig = relined.text, relined.orig
    return Normalized(original=original, text=text, orig=out_orig, furniture=furniture, relined=relined)


def _keeps_break(prev: str, nxt: str, raw_next: str) -> bool:
    if not prev:
        return False
    if prev[-1] in _TERMINAL:
        return True
    if raw_next.lstrip().startswith("#") or HEADING_START.match(nxt):
        return True
    if "。" in prev:
        return False  # a heading whose paragraph runs on (`5.严格执法。以全面推行“三项|制度”`): a page break
    if (
        len(prev) <= _HEADING_LINE_MAX
        and HEADING_START.match(prev)
        and not _ITEM_START.match(prev)
        and not _SENTENCE_PUNCT.search(prev)
        and len(_CLAUSE_BREAK.findall(prev)) <= 2
        and not _CONTINUATION.match(nxt)
    ):
        return True  # a heading-shaped line of any sensible length: a marker and at most three clauses
    if len(prev) <= _HEADING_LINE_MAX and prev.endswith("报告") and not _ANY_PUNCT.search(prev):
        return True  # a title line of any sensible length (`…情况和2024年工作安排的报告`)
    if len(prev) <= _SHORT_LINE and (
        HEADING_START.match(prev) or _HEADER_LINE.search(prev) or not re.search(r"[，,、]", prev)
    ):
        return True  # a heading or header line standing alone
    return False
