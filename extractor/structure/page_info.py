"""What the web page around a report says about it: a government site's info block (`发文机关:` `成文日期:`
`发文字号:` `所属单位:`) and a crawler's or CMS's header (`标题:` `文号:` `发布机构:` `来源:`), both found by
`text.furniture`. They fill only what the report's own lines leave empty, and each value taken from them is
named in a `metadata_from_header` quality note. A page's publication time (`发布时间`) is when the site
posted the page, not the date the report bears: it never becomes `issue_date`.
"""

from __future__ import annotations

import re
from datetime import date

from extractor.text.grammar import ISO_DATE
from extractor.text.layout import DATE_LINE, parse_date
from extractor.text.normalize import Normalized
from extractor.text.script import simplified
from schemas.report import QualityNote

_RECIPIENT_SPLIT = re.compile(r"[、，,\s]+")
_ISO_DATE = ISO_DATE
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


class PageInfo:
    def __init__(self, norm: Normalized):
        self.norm = norm
        self.notes: list[QualityNote] = []

    def text(self, label: str) -> str | None:
        return self.norm.furniture.value(self.norm.original, label)

    def names(self, label: str) -> list[str] | None:
        value = self.text(label)
        return [n for n in _RECIPIENT_SPLIT.split(value) if n] if value else None

    def date(self, label: str) -> date | None:
        value = self.text(label)
        if not value:
            return None
        view = simplified(value).translate(_FOLD)
        m = _ISO_DATE.match(view)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
        m = DATE_LINE.match(view)
        return parse_date(m) if m else None

    def take(self, field: str, role: str) -> str | None:
        """The page's value for a metadata field (`title` from `标题`, `doc_number` from `文号`/`发文字号`), noted."""
        found = self.norm.furniture.by_role(self.norm.original, role)
        if not found:
            return None
        label, value = found
        self.noted(field, label, value)
        return value

    def issuers(self) -> list[str] | None:
        """The issuing body the page names (`发布机构`, `发文机关`), noted. A `来源` is not read as the issuer: it
        names who posted the page, often the 司法局 posting its government's report."""
        found = self.norm.furniture.by_role(self.norm.original, "issuer")
        if not found:
            return None
        names = [n for n in _RECIPIENT_SPLIT.split(found[1]) if n]
        self.noted("issuers", found[0], found[1])
        return names or None

    def noted(self, field: str, label: str, value: str) -> None:
        self.notes.append(
            QualityNote(
                kind="metadata_from_header",
                quote=value[:60],
                message=f"{field} taken from the page header's `{label}` field: the report's own lines do not state it",
            )
        )
