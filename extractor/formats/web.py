"""A saved web page → its article text, the site's furniture (menus, breadcrumbs, footer) left out.

The charset comes from a byte-order mark, else the page's own `<meta charset>` / `http-equiv` declaration,
else strict UTF-8, else charset-normalizer's detection (GBK pages are common on government sites; GB2312
and GBK are read as GB18030, their superset). The article is found by trafilatura, made for this job; its
title (the report's title line, often an `<h1>` trafilatura keeps apart) is put back on the first line when
the text does not start with it. A page with no article text is refused.
"""

from __future__ import annotations

import codecs
import re

from extractor.errors import InputError
from extractor.formats import Extracted, require

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
# Shorter than this is a page's furniture (a title and a menu), not a report's text.
_MIN_ARTICLE_CHARS = 200


def decode_page(data: bytes, name: str) -> tuple[str, str]:
    """(text, charset label) of a web page's bytes."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        codec = "gb18030" if label in _GB else label
        try:
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(
            "a web page whose character encoding cannot be detected", file=name, hint="save the page again as UTF-8"
        )
    codec = "gb18030" if best.encoding.replace("_", "").lower() in {c.replace("-", "") for c in _GB} else best.encoding
    return data.decode(codec, errors="replace"), codec


def read_html(data: bytes, name: str) -> Extracted:
    trafilatura = require("trafilatura", "trafilatura", "a web page", name)
    page, charset = decode_page(data, name)
    doc = trafilatura.bare_extraction(
        page, include_comments=False, include_tables=True, favor_recall=True, with_metadata=True
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len("".join(text.split())) < _MIN_ARTICLE_CHARS:
        raise InputError(
            "a web page with no article text (only menus, links or a short notice)",
            file=name,
            hint="save the page that holds the report itself, or its attachment (PDF/Word)",
        )
    title = " ".join((getattr(doc, "title", None) or "").split())
    if title and not text.startswith(title) and title in page:
        text = f"{title}\n{text}"
    return Extracted("html", [text], charset)
