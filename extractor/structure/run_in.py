"""The header and closing of a report whose line breaks were removed: all of it is one long first line.

    青川市人民政府文件青政文〔2023〕9号签发人：张三青川市人民政府关于2022年度法治政府建设情况的报告省人民政府：2022年，…
    └ letterhead ──────┘└ doc_number ──┘└ signers ┘└ title (up to its first 报告) ───────────────────┘└ recipients ┘└ body
    …特此报告。青川市人民政府2023年5月6日（此件公开发布）青川市人民政府办公室2023年5月8日印发
              └ closing: the dates after the last sentence end; one followed by 印发/印 is the printed date

Each piece is read only where it is shaped as in a printed report (GB/T 9704 order); a piece that is not there
is None, never guessed. Positions are offsets into `Normalized.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractor.text.grammar import DOC_NUMBER, OPENING_YEAR, YEAR_DIGITS
from extractor.structure.issuers import BODY_END, place_of
from extractor.text.grammar import DATE
from extractor.text.layout import Line, is_org_line, parse_date
from extractor.text.normalize import Normalized

_HEAD_SPAN = 250  # the header of a printed report fits in this many characters
_LETTERHEAD_DOC = re.compile(
    rf"(?:(?P<org>[^，。；：:]{{2,30}}?(?:{BODY_END}))(?:文件)?)?"
    r"(?P<doc>[\u4e00-\u9fff]{1,8}" + DOC_NUMBER + r")"
)
_SIGNER = re.compile(r"(?:签发人|簽發人)[:：]")
_SIGNER_MAX = 20  # names after 签发人 before the title starts
# The title ends at its first 报告 (`…情况和2024年工作安排的报告`), else at 情况/总结 not followed by 的/报.
_TITLE = re.compile(r"[^，。；：:,;]{4,100}?报告|[^，。；：:,;]{4,80}?(?:情况(?![的报])|总结(?![的报]))")
_TITLE_LEAD = re.compile(r"关于|中共|中国共产党|" + YEAR_DIGITS)  # or a place: not `现将2023年…情况报告如下`
_RECIPIENTS = re.compile(r"(?P<names>[^，。；：:]{2,40}?)[:：]")
_SPLIT = re.compile(r"[、，,]+")
_OPENING_YEAR = OPENING_YEAR
_CLOSING_SPAN = 300


@dataclass
class RunInHead:
    title: Line | None = None
    doc: Line | None = None
    signers: tuple[int, int] | None = None  # normalized span of the names after 签发人
    recipients: list[str] | None = None
    report_year: int | None = None  # the opening sentence's year (`2022年，…` right after the recipients)
    letterhead: str | None = None  # the body named above the document number (a place for the region)


def header_run(norm: Normalized, lines: list[Line], lined_header: bool, is_title) -> RunInHead | None:
    """The header read as one run when the text lost its line breaks: one long first line (no header lines
    found), or a relined text (text.reline) whose original has no line break in its header — the reline's
    preamble breaks are guesses at seams, this reader knows the printed order. None for a lined header."""
    if not lined_header and lines:
        return read_head(lines[0], is_title)
    if norm.relined is None:
        return None
    run, at = head_run(norm.text)
    start, end = norm.to_orig(run.start, run.end)
    return read_head(run, is_title, at) if run.text and "\n" not in norm.original[start:end] else None


def head_run(text: str) -> tuple[Line, list[int]]:
    """The header of a relined text read as one run: its first characters with every line break taken out, as
    the scraper delivered them, and each kept character's position in `text` (for `read_head`'s `at`). The
    reline's breaks in a preamble are guesses (at the original's spaces, after `报告`) that cut a header where
    it has no seams (`中共白河县委|白河县人民政府|关于…报告`); the printed order (GB/T 9704) is what
    `read_head` knows."""
    kept: list[int] = []
    for i, ch in enumerate(text):
        if len(kept) == _HEAD_SPAN:
            break
        if ch != "\n":
            kept.append(i)
    start, end = (kept[0], kept[-1] + 1) if kept else (0, 0)
    return Line(start, end, "".join(text[i] for i in kept)), kept


def read_head(first: Line, is_title, at: list[int] | None = None) -> RunInHead:
    """The header pieces at the start of a first line that holds the whole header and body. `is_title` is the
    metadata's title test (a line ending in 报告 that says 关于 or 法治, …). `at`, when given, is the position
    of each character of `first.text` (a run with line breaks taken out: `head_run`)."""
    view = first.text[:_HEAD_SPAN]
    pos_of = _positions(first, at)
    head = RunInHead()
    pos, place = 0, ""
    if m := _LETTERHEAD_DOC.match(view):
        head.doc = _line(pos_of, m.start("doc"), m.end("doc"), view)
        pos, place = m.end(), place_of(m.group("org") or "")
        head.letterhead = m.group("org")
    starts = [pos]
    if sig := _SIGNER.match(view, pos):
        # the names run into the title: it starts where the letterhead's place comes back (its first two
        # characters: `黔东南州` prints in full as `黔东南苗族侗族自治州`), or at 中共/关于
        starts = [
            i
            for i in range(sig.end() + 2, min(len(view), sig.end() + _SIGNER_MAX))
            if (place and view.startswith(place[:2], i)) or view.startswith(("中共", "中国共产党", "关于"), i)
        ][:1]
        if starts:
            head.signers = (pos_of(sig.end()), pos_of(starts[0] - 1) + 1)
    for start in starts:
        t = _TITLE.match(view, start)
        if t and is_title(t.group()) and (place_of(t.group()) or _TITLE_LEAD.match(t.group())):
            head.title = _line(pos_of, t.start(), t.end(), view)
            pos = t.end()
            break
    if r := _RECIPIENTS.match(view, pos):
        names = [n for n in _SPLIT.split(r.group("names")) if n]
        if names and all(is_org_line(n) for n in names):
            head.recipients = names
            pos = r.end()
    if y := _OPENING_YEAR.match(view, pos):
        head.report_year = int(y.group(1))
    return head


def _positions(first: Line, at: list[int] | None):
    """View index -> position: contiguous from first.start, or through `at` (the index one past the view's last
    character maps to one past its last kept position)."""
    if at is None:
        return lambda i: first.start + i
    return lambda i: at[i] if i < len(at) else (at[-1] + 1 if at else first.start)


def _line(pos_of, a: int, b: int, view: str) -> Line:
    return Line(pos_of(a), pos_of(b - 1) + 1, view[a:b])


def closing_dates(text: str) -> tuple[date | None, date | None]:
    """(issue_date, printed_date) from the closing run after the last sentence end (`…特此报告。青川市人民政府
    2023年5月6日…2023年5月8日印发`); (None, None) when no date follows the last sentence."""
    tail_from = max(text.rfind(ch, max(0, len(text) - _CLOSING_SPAN)) for ch in "。！!")
    if tail_from < 0:
        return None, None
    issued = printed = None
    for m in DATE.finditer(text, tail_from + 1):
        if re.search(r"[，,；;]", text[tail_from + 1 : m.start()]):
            break  # a clause, not a signature block: the text ends mid-sentence
        when = parse_date(m)
        if text.startswith(("印发", "印"), m.end()):
            printed = printed or when
        else:
            issued = issued or when
    return issued, printed
