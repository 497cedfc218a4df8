"""Reports as published — PDF, Word, web pages — read into the text they print.

    kind_of(name, data) -> "text" | "pdf" | "docx" | "doc" | "html"   (or InputError for a format not read)
    read(kind, data, name) -> Extracted                                 (pages of raw text, encoding, notes)

One module per format, each a thin wrapper around a library made for it (pypdf, python-docx, antiword or
catdoc, trafilatura), imported only when a file of that format is read: they are the `formats` extra, and a
missing one is an `InputError` naming the package to install, so a batch records it and goes on.
`extractor/text/printed.py` turns what is read here into the text layer evidence offsets point into.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable

from extractor.errors import InputError

INSTALL_HINT = "pip install 'fazhi-extractor[formats]'"


@dataclass(frozen=True)
class Format:
    """A document format read here: its kind, the suffixes that name it, and its reader (`module:function`,
    imported on first use). Adding one: a module with `read_x(data, name) -> Extracted`, a row in FORMATS, and
    its recognition by content in `kind_of`."""

    kind: str
    suffixes: tuple[str, ...]
    reader: str
    paged: bool = False  # pages with font sizes: the printed layer is rebuilt from them (text/printed.py)


FORMATS: dict[str, Format] = {
    f.kind: f
    for f in (
        Format("pdf", (".pdf",), "extractor.formats.pdf:read_pdf", paged=True),
        Format("docx", (".docx",), "extractor.formats.word:read_docx"),
        Format("doc", (".doc",), "extractor.formats.word:read_doc"),
        Format("html", (".html", ".htm", ".xhtml", ".shtml"), "extractor.formats.web:read_html"),
    )
}
# The suffixes read as documents; anything else is read as plain text, as before.
DOCUMENT_SUFFIXES = {suffix: f.kind for f in FORMATS.values() for suffix in f.suffixes}
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b", re.I | re.S)


@dataclass
class Extracted:
    """What a format reader found: the text of each page (one entry for formats without pages)."""

    kind: str
    pages: list[str]
    encoding: str  # how the text was stored: `pdf`, `docx`, `doc`, or the web page's charset
    notes: list[tuple[str, str]] = field(default_factory=list)  # (quality kind, message)
    # PDF: for each page, the font size of each of its lines (as split by "\n"), or None where unknown.
    line_sizes: list[list[float] | None] | None = None


def kind_of(name: str, data: bytes) -> str:
    """The format of a file by its first bytes, its suffix breaking ties; `InputError` for one not read."""
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if suffix in (".docx", ".docm") or b"word/" in data[:4096]:
            return "docx"
        raise InputError(
            "a ZIP archive (.xlsx/.pptx/.odt/.zip), not a report document",
            file=name,
            hint="reports are read from .pdf, .docx, .doc, .html or .txt; save it as one of those",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: .doc, .wps, .xls, .ppt
        if suffix == ".wps":
            raise InputError(
                "a WPS Office document (.wps), which is not read",
                file=name,
                hint="open it in WPS Office and save it as .docx or PDF",
            )
        if suffix in (".xls", ".ppt", ".et", ".dps"):
            raise InputError(
                f"a spreadsheet or slide file ({suffix}), not a report document",
                file=name,
                hint="reports are read from .pdf, .docx, .doc, .html or .txt",
            )
        return "doc"
    if data.startswith(b"{\\rtf"):
        raise InputError(
            "an RTF document, which is not read",
            file=name,
            hint="open it and save it as .docx, or as plain text (.txt, UTF-8)",
        )
    if suffix == ".wps":
        raise InputError(
            "a WPS Office document (.wps), which is not read",
            file=name,
            hint="open it in WPS Office and save it as .docx or PDF",
        )
    if DOCUMENT_SUFFIXES.get(suffix) == "html" or _HTML_START.match(data[:4096]):
        return "html"
    if suffix in (".docx", ".doc", ".pdf"):
        what = {".docx": "Word .docx file (not a ZIP)", ".doc": "Word .doc file", ".pdf": "PDF (no %PDF- header)"}
        raise InputError(
            f"not a readable {what[suffix]}: the file is damaged or mislabelled",
            file=name,
            hint="open it in the program that made it and save it again",
        )
    return "text"


def read(kind: str, data: bytes, name: str) -> Extracted:
    """The text of a document of `kind` (see `kind_of`); `InputError` when it cannot be read."""
    fmt = FORMATS.get(kind)
    if fmt is None:
        raise ValueError(f"no reader for {kind!r}")
    module, function = fmt.reader.split(":")
    reader: Callable[[bytes, str], Extracted] = getattr(importlib.import_module(module), function)
    return reader(data, name)


def require(module: str, package: str, what: str, name: str):
    """Import an optional library, or an `InputError` saying which package reads `what`."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise InputError(
            f"reading {what} needs the `{package}` package, which is not installed ({err})",
            file=name,
            hint=INSTALL_HINT,
        ) from None
