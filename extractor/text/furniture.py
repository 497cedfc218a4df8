"""Web-page furniture around a report copied from a government site, recognised before anything else reads
the text, so it never becomes a heading, an item, a title or a signature.

Kinds (each a whole line; matched on the width-folded, simplified form of the line):

    breadcrumb   `当前位置 : 首页 > 政务公开 > …`, `您的位置：首页 > …`, any line with `首页 >`
    page_label   `• 来源: 司法厅`, `发布时间：2024-03-01`, `浏览次数：`, with or without a bullet
    widget       a line of 【】 widgets only: `【字体: 大 中 小】`, `【打印】【关闭】`
    action       `打印`, `关闭`, `打印本页`, `关闭窗口`, `分享到: 微信 微博`, `收藏`, `返回顶部`, `上一篇：…`
    info_block   the document's info table: `发文机关:`, `成文日期:`, `发文字号:`, `所属单位:`, `索引号:`, …,
                 also bulleted (`• 发文字号：…`) or as table cells (`| 发文机关 | …`, `发文机关<TAB>…`)

An info-block line is furniture for the outline but its value is metadata: `Furniture.info` maps each
label to the original span of its value (empty when the site left it blank). Offsets are original-file
offsets; normalization drops these lines, so every later offset still points into the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.text.script import simplified

_BULLET = r"[•·●▪◆■□◇○◎★☆▶►>\-*]?"
_BREADCRUMB = re.compile(r"^(?:当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置|当前页面)[:：]|首页[>›»/]")
_PAGE_LABEL = re.compile(
    _BULLET + r"(?:信息)?(?:来源|发布时间|发布日期|发布机构|更新时间|作者|编辑|责任编辑|审核|浏览次数|浏览量|访问量|阅读量?|点击(?:数|量|率)?)[:：]"
)
_WIDGET = re.compile(r"^(?:【[^】]{0,24}】|\[[^\]]{0,24}\])+$")
_WIDGET_WORD = re.compile(r"字体|字号|打印|关闭|收藏|分享|纠错|保存|返回|顶部|大中小|默认|背景|视力|朗读")
_ACTION = re.compile(
    r"^(?:打印(?:本页|此页|文章)?|关闭(?:窗口|本页|页面)?|收藏(?:本页)?|返回顶部|返回|顶部|"
    r"分享到?[:：]?.{0,30}|上一篇[:：]?.*|下一篇[:：]?.*|扫一扫.{0,20}|相关链接.{0,10})$"
)
# Labels of a government site's document info table; the value follows the colon (may be empty).
INFO_LABELS = ("发文机关", "成文日期", "发文字号", "所属单位", "发布机关", "索引号", "主题分类", "公文种类", "文号", "主题词")
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

    def value(self, original: str, label: str) -> str | None:
        """An info-block value as printed (whitespace removed), None when absent or left blank."""
        span = self.info.get(label)
        value = re.sub(r"\s+", "", original[span[0] : span[1]]) if span else ""
        return value or None


def find_furniture(original: str) -> Furniture:
    found = Furniture()
    pos = 0
    for raw in original.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        kind = line_kind(raw)
        if kind is None:
            continue
        found.lines.append((start, end, kind))
        if kind == "info_block":
            m = _INFO.match(_key(raw)) or _INFO_SPACED.match(simplified(raw))
            label = m.group("label")
            colon = _colon_after(raw, label)
            value_start = start + colon + 1
            value_end = end - len(raw) + len(raw.rstrip(" \t\u3000|｜"))  # a table row's closing pipe
            found.info.setdefault(label, (value_start, max(value_start, value_end)))
    return found


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
    if _WIDGET.match(key) and _WIDGET_WORD.search(key):
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
        if seen == len(label) and ch in " \t\u3000" and view[i + 1 : i + 2] not in (" ", "\t", "\u3000", ":", "：", "|", "｜"):
            return i
        if seen < len(label) and ch == label[seen]:
            seen += 1
    return len(raw) - 1
