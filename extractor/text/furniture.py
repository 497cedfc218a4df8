"""Web-page furniture around a report copied from a government site, recognised before anything else reads
the text, so it never becomes a heading, an item, a title or a signature.

Kinds (each a whole line; matched on the width-folded, simplified form of the line):

    breadcrumb   `当前位置 : 首页 > 政务公开 > …`, `您的位置：首页 > …`, any line with `首页 >`
    page_label   `• 来源: 司法厅`, `发布时间：2024-03-01`, `浏览次数：`, with or without a bullet
    widget       a line of 【】 widgets only: `【字体: 大 中 小】`, `【打印】【关闭】`
    action       `打印`, `关闭`, `打印本页`, `关闭窗口`, `分享到: 微信 微博`, `收藏`, `返回顶部`, `上一篇：…`
    info_block   the document's info table: `发文机关:`, `成文日期:`, `发文字号:`, `所属单位:`, `索引号:`, …,
                 also bulleted (`• 发文字号：…`) or as table cells (`| 发文机关 | …`, `发文机关<TAB>…`)

    page_header  a crawler's or CMS's header fields (`标题:` `发布时间:` `文号:` `发布机构:` `原文链接:`), several
                 to a line or one each, and any line made only of furniture tokens (`微信 微博 QQ空间`, `附件下载`);
                 read by `text.page_header`

An info-block or header line is furniture for the outline but its value is metadata: `Furniture.info` maps
each label to the original span of its value (empty when the site left it blank). When a scraper removed the
line breaks, the same furniture sits inline at the head or tail of a line of report text: those pieces are
`Furniture.inline` spans, dropped character by character. Offsets are original-file offsets; normalization
drops these lines and spans, so every later offset still points into the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor import lexicon
from extractor.lexicon.issuers import issuer_lexicon
from extractor.text.page_header import CRUMB_LABELS, WIDGET_WORD, Field, scan, tail_start
from extractor.text.script import simplified

_BULLET = r"[•·●▪◆■□◇○◎★☆▶►>\-*]?"
_BREADCRUMB = re.compile(r"^(?:" + CRUMB_LABELS + r")[:：]|首页[>›»/]")
_LABELS = lexicon.load("page_labels")
_PAGE_LABEL = re.compile(
    _BULLET
    + r"(?:信息)?(?:"
    + lexicon.alternation((*_LABELS.table("labels")["page"], *_LABELS.table("labels")["counters"]))
    + r")[:：]"
)
_WIDGET = re.compile(r"^(?:【[^】]{0,24}】|\[[^\]]{0,24}\])+$")
_ACTION = re.compile("^(?:" + lexicon.alternation(_LABELS.table("lines")["actions"]) + ")$")
# Labels of a government site's document info table; the value follows the colon (may be empty).
INFO_LABELS = _LABELS.table("labels")["info"]
# A label then its value: after a colon, or in a table cell (`| 发文字号 | …`, `发文字号<TAB>…`); a bullet
# may lead (`• 发文机关：…`). `_INFO` reads the whitespace-free key; a tab or space separator is seen on the
# raw line (`_INFO_SPACED`).
_INFO = re.compile(r"^[|｜]?" + _BULLET + r"(?P<label>" + "|".join(INFO_LABELS) + r")[:：|｜]")
_INFO_SPACED = re.compile(r"^\s*" + _BULLET + r"\s*(?P<label>" + "|".join(INFO_LABELS) + r")[ \t\u3000]+\S")
_LABEL_LINE_MAX = 80  # furniture lines are short; a long line starting `来源：` is body text


@dataclass
class Furniture:
    lines: list[tuple[int, int, str]] = field(default_factory=list)  # original [start, end) of a line, kind
    info: dict[str, tuple[int, int]] = field(default_factory=dict)  # info-block label → value's original span
    inline: list[tuple[int, int, str]] = field(default_factory=list)  # furniture inside a line of report text

    def value(self, original: str, label: str) -> str | None:
        """An info-block value as printed (whitespace removed), None when absent or left blank."""
        span = self.info.get(label)
        value = re.sub(r"\s+", "", original[span[0] : span[1]]) if span else ""
        return value or None

    def by_role(self, original: str, role: str) -> tuple[str, str] | None:
        """The first non-blank header value of a role (title | doc_number | issuer | source | page_date |
        issue_date | url) and its label, e.g. (`标题`, `青山市司法局2023年法治政府建设年度报告`)."""
        for label in getattr(issuer_lexicon().header, role):
            if value := self.value(original, label):
                return label, value
        return None

    def inline_positions(self) -> set[int]:
        """Original offsets of the inline furniture's characters (what normalization leaves out)."""
        return {i for start, end, _ in self.inline for i in range(start, end)}

    def _keep(self, fields: list[Field]) -> None:
        for f in fields:
            old = self.info.get(f.label)
            if old is None or old[0] == old[1]:  # a blank field does not hide a filled one later
                self.info[f.label] = f.value


def find_furniture(original: str) -> Furniture:
    found = Furniture()
    pos = 0
    for raw in original.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        kind = line_kind(raw)
        run_end, fields = scan(original, start, end) if kind != "info_block" else (start, [])
        if kind is None and run_end > start and not original[run_end:end].strip():
            kind = "page_header"
        if kind is None:
            continue
        found.lines.append((start, end, kind))
        found._keep(fields)
        if kind == "info_block":
            m = _INFO.match(_key(raw)) or _INFO_SPACED.match(simplified(raw))
            assert m is not None  # an info_block line is one of these two patterns' matches (the kind says so)
            label = m.group("label")
            colon = _colon_after(raw, label)
            value_start = start + colon + 1
            value_end = end - len(raw) + len(raw.rstrip(" \t\u3000|｜"))  # a table row's closing pipe
            found.info.setdefault(label, (value_start, max(value_start, value_end)))
    _inline_runs(original, found)
    return found


def _inline_runs(original: str, found: Furniture) -> None:
    """Furniture at the head or tail of the text that is not a line of its own: the text lost its line
    breaks (`当前位置：首页 › … 标题:… 发布机构:… 2023年，我局…`, `…特此报告。… 附件下载 微信 微博`)."""
    first = len(original) - len(original.lstrip())
    head_end, fields = scan(original, first)
    if head_end > first and not _covered(original, first, head_end, found):
        found.inline.append((first, head_end, "page_header"))
        found._keep(fields)
    tail = tail_start(original)
    if tail and tail[0] >= head_end:
        end = len(original.rstrip())
        if not _covered(original, tail[0], end, found):
            found.inline.append((tail[0], end, "page_header"))
            found._keep(tail[1])


def _covered(original: str, start: int, end: int, found: Furniture) -> bool:
    """Every non-blank character of [start, end) is already on a furniture line."""
    spans = [(a, b) for a, b, _ in found.lines]
    return all(original[i].isspace() or any(a <= i < b for a, b in spans) for i in range(start, end))


def line_kind(raw: str) -> str | None:
    """The furniture kind of one line of the original text, or None for report text."""
    key = _key(raw)
    if not key or len(key) > _LABEL_LINE_MAX:
        return None
    if _INFO.match(key) or _INFO_SPACED.match(simplified(raw)):
        return "info_block"
    if _BREADCRUMB.search(key):
        return "breadcrumb"
    if _PAGE_LABEL.match(key):
        return "page_label"
    if _WIDGET.match(key) and WIDGET_WORD.search(key):
        return "widget"
    if _ACTION.match(key) and len(key) <= 40:
        return "action"
    return None


def _key(raw: str) -> str:
    """The line as matched: width folded, simplified, without whitespace or markdown marks."""
    folded = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in raw)
    return re.sub(r"[\s#]+", "", simplified(folded))


def _colon_after(raw: str, label: str) -> int:
    """Index in the raw line of the separator that ends `label` (labels may be spaced: `发 文 机 关 ：`): a
    colon or a table cell's `|`, else the last of the tabs or spaces after it."""
    seen = 0
    view = simplified(raw)
    for i, ch in enumerate(view):
        if seen == len(label) and ch in ":：|｜":
            return i
        if (
            seen == len(label)
            and ch in " \t\u3000"
            and view[i + 1 : i + 2] not in (" ", "\t", "\u3000", ":", "：", "|", "｜")
        ):
            return i
        if seen < len(label) and ch == label[seen]:
            seen += 1
    return len(raw) - 1
