"""A crawler's or CMS's header fields and the page furniture around an article, read as a run of tokens, so they
are found also when a scraper removed the line breaks and they sit inline at the head or tail of the text:

    当前位置：首页 › 政务公开 › 法治政府建设 标题:青山市司法局2023年法治政府建设年度报告 发布时间:2024-03-28
    文号: 发布机构:青山市司法局 原文链接:http://… 2023年，我局坚持…特此报告。… 附件下载 微信 微博 QQ空间 浏览次数：123

`scan` reads tokens from a position (breadcrumb, `label:value` field, share bar, 【】 widget, print/close
action, `附件下载`) and stops at the first thing that is not furniture; each field's value span is kept. A
value ends at the next label, else where its kind of value ends (a date, a document number, a URL, a body's
name, a title up to 报告), else at the line's end when the rest is short; a field left blank has an empty value.
Labels and words are `extractor/lexicon/issuers.toml`'s. Offsets are into the text given (the original).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor import lexicon
from extractor.text.grammar import DOC_NUMBER
from extractor.lexicon.issuers import alternation, issuer_lexicon

_LEX = issuer_lexicon()
_HEADER = _LEX.header
_SP = r"[ \t\u3000\u00a0]"
_LABEL = re.compile(rf"(?P<label>{alternation(_HEADER.all())}){_SP}*[:：]")
_GAP = re.compile(r"(?:\s|[|｜•·●▪◆■□◇○◎★☆▶►]|&nbsp;?)*")
_SPACES = re.compile(rf"{_SP}*")
_BODY_END = alternation(tuple(sorted({*_LEX.body.government, *_LEX.body.department}, key=len, reverse=True)))
_TYPED = {
    "page_date": re.compile(
        rf"\d{{4}}{_SP}*[-/.年]{_SP}*\d{{1,2}}{_SP}*[-/.月]{_SP}*\d{{1,2}}日?(?:{_SP}*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    ),
    "doc_number": re.compile(r"[\u4e00-\u9fff]{1,12}" + DOC_NUMBER),
    # A URL glued to the body (line breaks removed: `…/t1.html2023年，…`) ends at its page's extension.
    "url": re.compile(
        r"[A-Za-z][A-Za-z0-9+.\-]*://[!-~]+?\.(?:s?html?|jsp|aspx?|php|pdf|docx?)(?![A-Za-z])(?:\?[\w=&%.\-]*)?"
        r"|[A-Za-z][A-Za-z0-9+.\-]*://[!-~]+"
    ),
    # one body or a list of them (`发文机关: 中共白河县委、白河县人民政府`)
    "issuer": re.compile(
        rf"[\u4e00-\u9fff]{{1,30}}?(?:{_BODY_END})(?:[、，,][\u4e00-\u9fff]{{1,30}}?(?:{_BODY_END}))*"
    ),
    # a title has no sentence punctuation: a 报告 past a comma is the body's (`…现将有关情况报告如下`)
    "title": re.compile(r"[^\n，。；,;：:]{2,100}?报告|[^\n，。；,;：:]{2,100}?(?:情况|总结)(?![的报])"),
    "number": re.compile(r"\d+次?"),
    "word": re.compile(r"[\u4e00-\u9fff]{2,4}(?=\s|$)"),
}
_TYPED["issue_date"] = _TYPED["page_date"]
_TYPED["source"] = _TYPED["issuer"]
_VALUE_GAP = re.compile(rf"(?:{_SP}|[|｜])*")
_REST_MAX = 40
_NEXT_MAX = 100  # a value runs up to the next label only this far (a title is the longest value)  # the rest of a line is a value only when this short (a long rest is body text)

CRUMB_LABELS = alternation(_LEX.furniture.crumbs)
_CRUMB_START = re.compile(rf"(?:{CRUMB_LABELS}){_SP}*[:：]|(?=首页{_SP}*[>›»/])")
_CRUMB_SEP = re.compile(rf"{_SP}*[>›»/]{_SP}*")
_CRUMB_MAX = 16
_SHARE_WORD = alternation(_LEX.furniture.share)
_SHARE = re.compile(rf"(?:分享到?{_SP}*[:：]{_SP}*(?:(?:{_SHARE_WORD}){_SP}*)+|(?:(?:{_SHARE_WORD}){_SP}*){{2,}})")
_WIDGET = re.compile(r"(?:【[^】\n]{0,24}】|\[[^\]\n]{0,24}\])")
WIDGET_WORD = re.compile(alternation(_LEX.furniture.widget_words))
_ACTION = re.compile(alternation(_LEX.furniture.actions))
_ATTACHMENT = re.compile(
    rf"(?:{alternation(_LEX.furniture.attachment)}){_SP}*[:：]?(?:{_SP}*[^\s:：]{{1,60}}?\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar))*",
    re.I,
)


@dataclass(frozen=True)
class Field:
    label: str
    role: str  # title | doc_number | issuer | source | page_date | issue_date | url | other
    start: int  # the label's start
    value: tuple[int, int]  # the value's span (empty when the page left it blank)


def scan(text: str, pos: int, limit: int | None = None) -> tuple[int, list[Field]]:
    """Where the run of furniture starting at `pos` ends (`pos` when there is none), and its fields."""
    limit = len(text) if limit is None else limit
    fields: list[Field] = []
    end = pos
    while True:
        p = _skip(_GAP, text, end, limit)
        nxt = _token(text, p, limit, fields)
        if nxt is None or nxt <= p:
            return end, fields
        end = nxt


def tail_start(text: str, zone: int = 400) -> tuple[int, list[Field]] | None:
    """The start of a run of furniture that goes on to the end of the text (`附件下载 微信 微博 浏览次数：5`),
    searched in its last `zone` characters; None when the text ends with report text."""
    lo = max(0, len(text) - zone)
    starts = sorted(
        {
            m.start()
            for rx in (_LABEL, _SHARE, _WIDGET, _ATTACHMENT, _CRUMB_START, _ACTION)
            for m in rx.finditer(text, lo)
        }
    )
    for q in starts:
        end, fields = scan(text, q)
        if end > q and not text[end:].strip():
            return q, fields
    return None


def _token(text: str, p: int, limit: int, fields: list[Field]) -> int | None:
    if m := _LABEL.match(text, p, limit):
        field = _field(text, m, limit)
        fields.append(field)
        return max(m.end(), field.value[1])
    if m := _CRUMB_START.match(text, p, limit):
        return _crumbs(text, m.end(), limit)
    if (m := _SHARE.match(text, p, limit)) or (m := _ATTACHMENT.match(text, p, limit)):
        return m.end()
    if (m := _WIDGET.match(text, p, limit)) and WIDGET_WORD.search(m.group()):
        return m.end()
    if m := _ACTION.match(text, p, limit):
        return m.end()
    return None


def _field(text: str, m: re.Match, limit: int) -> Field:
    label = m.group("label")
    role = _HEADER.role(label)
    start = _skip(_VALUE_GAP, text, m.end(), limit)  # never past the line: a blank field stays blank
    line_end = _line_end(text, start, limit)
    nxt = _LABEL.search(text, start, line_end)
    typed = _TYPED.get(role if role != "other" else ("number" if label in _COUNTERS else "word"))
    t = typed.match(text, start, line_end) if typed else None
    if t and (not nxt or t.end() <= nxt.start()):
        end = t.end()
    elif nxt and nxt.start() - start <= _NEXT_MAX and not re.search(r"[。；;，,]", text[start : nxt.start()]):
        end = nxt.start()
    elif line_end - start <= _REST_MAX and not re.search(r"[。；;，,]", text[start:line_end]):
        end = line_end
    else:
        end = start  # where an unknown value would end cannot be told: nothing is taken
    while end > start and text[end - 1] in " \t\u3000\u00a0|｜":
        end -= 1
    return Field(label, role, m.start(), (start, end))


# A counter's value is a number (`浏览次数：1024`).
_COUNTERS = frozenset(lexicon.load("page_labels").table("labels")["counters"])


def _line_end(text: str, pos: int, limit: int) -> int:
    nl = text.find("\n", pos, limit)
    return limit if nl < 0 else nl


def _crumbs(text: str, q: int, limit: int) -> int:
    """The end of a breadcrumb's crumbs (`首页 › 政务公开 › 法治政府建设`); a last crumb glued to the title
    (line breaks removed) is cut after the column name it starts with, or left out."""
    end = q
    while True:
        q = _skip(_SPACES, text, q, limit)
        c = q
        while (
            c < limit
            and c - q < _CRUMB_MAX
            and not text[c].isspace()
            and text[c] not in ">›»/"
            and not _LABEL.match(text, c, limit)
        ):
            c += 1
        if c == q:
            return end
        stopped = c >= limit or text[c].isspace() or text[c] in ">›»/" or _LABEL.match(text, c, limit)
        if not stopped:
            column = next((w for w in _LEX.furniture.columns if text.startswith(w, q)), "")
            return q + len(column) if column else end
        end = c
        sep = _CRUMB_SEP.match(text, c, limit)
        if not sep or sep.end() == c:
            return end
        q = sep.end()


def _skip(pattern: re.Pattern[str], text: str, pos: int, limit: int) -> int:
    """Where a run of `pattern` (which may be empty) starting at `pos` ends."""
    m = pattern.match(text, pos, limit)
    return m.end() if m else pos
