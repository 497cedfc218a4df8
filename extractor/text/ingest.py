"""Bytes → text: read one report file, detect its encoding, refuse what cannot be a text report.

Encodings seen in the wild for these reports: UTF-8 (most), UTF-8 with a BOM (Windows Notepad),
UTF-16 with a BOM (Word's "Unicode text" export) and GB18030/GBK (older Chinese Windows tools; GB18030
is a superset of GBK and GB2312, so one codec covers all three). The decoded text is kept exactly as
decoded — line endings included — because every evidence offset downstream points into it.

Every refusal is an `InputError` whose message names the reason and whose `file` names the file, so the
CLI prints one actionable line. A file cut mid-character (a copy or download that stopped early) is read:
the incomplete last sequence becomes U+FFFD and `Document.notes` gets a `truncated_encoding` note.

Reports as published — PDF (its text layer), Word .docx/.doc and saved web pages — are read by
`extractor/formats` and turned into the text they print (`text/printed.py` for a PDF's pages); that text is
the document's *text layer*: `Document.text`, the text every evidence offset points into, kept beside the
output (`OUT/texts/<name>.txt`) with its own sha256 (`Document.text_sha256`) next to the original file's.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from extractor.config import DEFAULT_MAX_BYTES, DEFAULT_MAX_DOCUMENT_BYTES
from extractor.errors import InputError
from extractor.formats import DOCUMENT_SUFFIXES, FORMATS, kind_of, read as read_format

# GB18030 maps almost every byte sequence to *some* code point, so "it decoded" proves little: binary
# data (or UTF-16 without its BOM) decodes to rare, traditional and private-use characters. A GB18030
# guess must be made of the characters reports are written in, and most of its hanzi must be among the
# 3,755 common ones (GB2312 level 1, lead bytes B0–D7), as in any real Chinese text (> 90%).
_PLAUSIBLE_SHARE = 0.9
_COMMON_HANZI_SHARE = 0.6
# C0 control characters other than tab, LF, VT, FF, CR do not occur in text; a stray one (an old DOS
# Ctrl-Z) is tolerated, a noticeable share means binary data that happens to decode.
_CONTROL = {chr(c) for c in range(32)} - set("\t\n\x0b\x0c\r")
_CONTROL_SHARE = 0.01


@dataclass
class Document:
    path: Path
    name: str
    text: str
    encoding: str
    sha256: str
    notes: list[tuple[str, str]] = field(default_factory=list)  # (quality kind, message) about the file itself
    format: str = "text"  # `text`, or the document format the text layer was read from: pdf, docx, doc, html
    page_starts: list[int] | None = None  # PDF: offset in `text` where each page's text starts

    @property
    def chars(self) -> int:
        return len(self.text)

    @property
    def is_layer(self) -> bool:
        """The text was read out of a document (PDF, Word, web page), not decoded from a text file."""
        return self.format != "text"

    @property
    def text_sha256(self) -> str | None:
        """sha256 of the text layer as UTF-8 (what `OUT/texts/<name>.txt` holds); None for a text file."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest() if self.is_layer else None


def read_document(path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and decode one report file; `InputError` if it is missing, a folder, too large, empty or binary."""
    path = Path(path)
    name = path.name or str(path)
    if path.is_dir():
        raise InputError(
            "is a directory, not a report file", file=name, hint="pass a .txt file, or use `fazhi batch` for a folder"
        )
    if not path.exists():
        if path.is_symlink():
            raise InputError("broken symbolic link", file=name, hint="the file it points to does not exist")
        raise InputError("no such file", file=name, hint="check the path")
    if not path.is_file():  # a FIFO or a device: reading it could block forever
        raise InputError("not a regular file (a pipe, socket or device)", file=name, hint="pass a .txt file")
    if path.suffix.lower() in DOCUMENT_SUFFIXES:
        # Fonts and images make a PDF or Word file far larger than its text; the text layer gets `max_bytes`.
        max_bytes, text_limit = max(max_bytes, DEFAULT_MAX_DOCUMENT_BYTES), max_bytes
    else:
        text_limit = max_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            # Checked before reading so a stray multi-gigabyte file costs nothing.
            raise _too_large(name, size, max_bytes)
        data = path.read_bytes()
    except OSError as err:
        raise InputError(
            f"cannot read the file: {err.strerror or err}", file=name, hint="check its permissions"
        ) from err
    if len(data) > max_bytes:  # the file grew between stat() and read
        raise _too_large(name, len(data), max_bytes)
    sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        raise _empty(name, "0 bytes")
    kind = kind_of(name, data)
    if kind != "text":
        return _read_layer(path, name, data, kind, sha256, text_limit)
    text, encoding, notes = decode_with_notes(data, name)
    return Document(path=path, name=name, text=text, encoding=encoding, sha256=sha256, notes=notes)


def _read_layer(path: Path, name: str, data: bytes, kind: str, sha256: str, text_limit: int) -> Document:
    """A PDF, Word or web page's text layer (see the module docstring)."""
    from extractor.text.printed import printed_layer

    extracted = read_format(kind, data, name)
    notes = list(extracted.notes)
    page_starts = None
    if FORMATS[kind].paged:
        text, page_starts, layer_notes = printed_layer(extracted.pages, extracted.line_sizes)
        notes += layer_notes
    else:
        text = "\n".join(line.rstrip() for line in "\n".join(extracted.pages).replace("\r\n", "\n").split("\n"))
        text = "\n".join(line for line in text.split("\n") if line.strip())  # blank lines carry nothing
    if not text.strip():
        raise _empty(name, f"its {kind} holds no text")
    if len(text.encode("utf-8")) > text_limit:
        raise _too_large(name, len(text.encode("utf-8")), text_limit, what="text layer")
    return Document(
        path=path,
        name=name,
        text=text,
        encoding=extracted.encoding,
        sha256=sha256,
        notes=notes,
        format=kind,
        page_starts=page_starts,
    )


def decode(data: bytes, name: str) -> tuple[str, str]:
    text, encoding, _ = decode_with_notes(data, name)
    return text, encoding


# Formats people save reports in that are not text, by their first bytes: (magic, what it is, what to do).
_FORMATS = (
    (b"%PDF-", "a PDF file, not plain text", "convert it to text first, e.g. `pdftotext -layout FILE.pdf FILE.txt`"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "a legacy Office file (.doc/.xls/.wps), not plain text",
        "open it and save as plain text (.txt, UTF-8) first",
    ),
    (b"{\\rtf", "an RTF document, not plain text", "open it and save as plain text (.txt, UTF-8) first"),
)


def _not_text(data: bytes, name: str) -> InputError | None:
    """A clear refusal for a PDF, Word or other office file, or None."""
    if data.startswith(b"PK\x03\x04"):
        what = (
            "a Word .docx file, not plain text"
            if b"word/" in data[:4096] or name.lower().endswith(".docx")
            else "a ZIP archive (.docx/.xlsx/.zip), not plain text"
        )
        return InputError(
            what,
            file=name,
            hint="open it and save as plain text (.txt, UTF-8) first, e.g. `pandoc FILE.docx -t plain -o FILE.txt`",
        )
    for magic, what, hint in _FORMATS:
        if data.startswith(magic):
            return InputError(what, file=name, hint=hint)
    return None


def decode_with_notes(data: bytes, name: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(text, encoding label) for a report's bytes: `utf-8`, `utf-8-sig`, `utf-16` or `gb18030`.

    A byte-order mark decides first (it is unambiguous); then strict UTF-8, which almost never accepts
    bytes of another encoding by accident; then GB18030, accepted only if the result looks like text.
    """
    if not data:
        raise _empty(name, "0 bytes")
    notes: list[tuple[str, str]] = []
    refusal = _not_text(data, name)
    if refusal is not None:
        raise refusal
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data, "utf-8-sig", name), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16", name), "utf-16"
    elif b"\x00" in data:
        raise InputError(
            "binary file (contains NUL bytes)",
            file=name,
            hint="only plain-text reports are read; if this is UTF-16 text, save it with a BOM or as UTF-8",
        )
    else:
        text, encoding = _guess(data, name, notes)
    if not text.strip():
        raise _empty(name, "only whitespace")
    if sum(1 for ch in text if ch in _CONTROL) > _CONTROL_SHARE * len(text):
        raise _binary(name)
    return text, encoding, notes


def _guess(data: bytes, name: str, notes: list[tuple[str, str]]) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    if utf8_error.reason == "unexpected end of data" and utf8_error.end == len(data):
        # Valid UTF-8 up to an incomplete last character: the file was cut short (an interrupted copy or
        # download). Keep the text; the lost character becomes U+FFFD, at the end, so no offset moves.
        text = data[: utf8_error.start].decode("utf-8") + "\ufffd"
        notes.append(
            (
                "truncated_encoding",
                f"the file ends inside a UTF-8 character ({len(data) - utf8_error.start} "
                "byte(s) of it); read up to there, the last character replaced by U+FFFD",
            )
        )
        return text, "utf-8"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise _binary(name, utf8_error) from None
    if _plausible_share(text) < _PLAUSIBLE_SHARE or _common_hanzi_share(text) < _COMMON_HANZI_SHARE:
        raise _binary(name, utf8_error)
    return text, "gb18030"


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise InputError(
            f"not valid {codec} although it starts with a {codec} byte-order mark",
            file=name,
            hint="the file is damaged or mislabelled; re-export it as UTF-8",
        ) from None


def _plausible_share(text: str) -> float:
    """Share of characters that ordinary Chinese report text is made of."""
    if not text:
        return 0.0
    ok = sum(1 for ch in text if _ordinary(ch))
    return ok / len(text)


def _common_hanzi_share(text: str) -> float:
    hanzi = [ch for ch in text if 0x4E00 <= ord(ch) <= 0x9FFF]
    if not hanzi:
        return 1.0
    return sum(1 for ch in hanzi if _is_common_hanzi(ch)) / len(hanzi)


def _is_common_hanzi(ch: str) -> bool:
    try:
        return 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
    except UnicodeEncodeError:
        return False


def _ordinary(ch: str) -> bool:
    code = ord(ch)
    return (
        (code < 0x80 and ch not in _CONTROL)
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs (the common block)
        or 0x3000 <= code <= 0x303F  # CJK punctuation: 、。〔〕《》
        or 0xFF00 <= code <= 0xFFEF  # full-width forms: （），：；
        or 0x2010 <= code <= 0x206F  # general punctuation: — “ ” …
        or ch in "·×÷°±"
    )


def _empty(name: str, why: str) -> InputError:
    return InputError(f"empty file ({why})", file=name, hint="the OCR or export step produced no text; re-run it")


def _binary(name: str, utf8_error: UnicodeDecodeError | None = None) -> InputError:
    where = ""
    if utf8_error is not None:
        where = f"; not valid UTF-8 at byte {utf8_error.start} (0x{utf8_error.object[utf8_error.start]:02x})"
    return InputError(
        f"binary or undecodable file (not UTF-8, UTF-16 with BOM, or GB18030 text{where})",
        file=name,
        hint="convert the report to plain text (UTF-8) first",
    )


def _too_large(name: str, size: int, limit: int, what: str = "file") -> InputError:
    return InputError(
        f"{what} too large ({size} bytes > limit {limit} bytes)",
        file=name,
        hint="a single report is far smaller; check the file, or raise the limit with --max-bytes",
    )
