"""PDF → the text layer of each page, with pypdf (pure Python; `pypdf[crypto]` opens AES-encrypted files).

Refused with a one-line reason: a damaged file, an encrypted one that needs a password (one encrypted only
against editing or printing opens with the empty password and is read), more pages than one report has
(`MAX_PAGES`), and a scanned PDF with no text layer (it needs OCR). Pages without text in a PDF that has
text elsewhere are read as empty and named in a `page_without_text` note.
"""

from __future__ import annotations

import io

from extractor.errors import InputError
from extractor.formats import INSTALL_HINT, Extracted, require

# An annual report runs 5–40 pages; a file far longer is a yearbook or a bundle, not one report.
MAX_PAGES = 300
# Fewer visible characters than this per page on average: page numbers and stray marks, not a text layer.
_MIN_CHARS_PER_PAGE = 20


def read_pdf(data: bytes, name: str) -> Extracted:
    """The text layer of each page, with each line's font size; refused with a one-line reason (see the module)."""
    pypdf = require("pypdf", "pypdf", "a PDF", name)
    reader = _opened(pypdf, data, name)
    count = _page_count(reader, name)
    pages, sizes, failed = _read_pages(reader)
    _require_text_layer(pages, count, name)
    return Extracted("pdf", pages, "pdf", _page_notes(pages, failed, count), line_sizes=sizes)


def _opened(pypdf, data: bytes, name: str):
    """The PDF's reader, decrypted with the empty password when it is encrypted only against editing or printing."""
    from pypdf.errors import DependencyError, PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as err:
        raise _damaged(name, err) from None
    if not encrypted:
        return reader
    try:
        opened = reader.decrypt("")  # permissions-only encryption: readable without a password
    except DependencyError:
        raise InputError(
            "an encrypted PDF; opening it needs the `cryptography` package", file=name, hint=INSTALL_HINT
        ) from None
    except (PdfReadError, NotImplementedError, ValueError, KeyError) as err:
        raise InputError(
            f"an encrypted PDF that cannot be opened ({err})",
            file=name,
            hint="open it with its password and save an unprotected copy",
        ) from None
    if not opened:
        raise InputError(
            "an encrypted PDF: it needs a password to open",
            file=name,
            hint="open it with its password and save (or print to PDF) an unprotected copy",
        )
    return reader


def _page_count(reader, name: str) -> int:
    """How many pages the PDF has: at least one, and no more than one report has (`MAX_PAGES`)."""
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        count = len(reader.pages)
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise _damaged(name, err) from None
    if count == 0:
        raise InputError("a PDF with no pages", file=name, hint="the download or export was cut short; fetch it again")
    if count > MAX_PAGES:
        raise InputError(
            f"a PDF of {count} pages (more than {MAX_PAGES}): not one annual report",
            file=name,
            hint="extract the report's own pages into a PDF of their own, e.g. "
            "`qpdf FILE.pdf --pages . 1-30 -- report.pdf`",
        )
    return count


def _read_pages(reader) -> tuple[list[str], list[list[float] | None], list[str]]:
    """Each page's text and line sizes, page by page; a page that cannot be read is empty and named in `failed`."""
    pages: list[str] = []
    sizes: list[list[float] | None] = []
    failed: list[str] = []
    for number, page in enumerate(reader.pages, 1):
        try:
            text, line_sizes = _page_text(page)
        except Exception as err:  # noqa: BLE001 — a malformed content stream must cost one page, not the report
            text, line_sizes = "", None
            failed.append(f"{number} ({type(err).__name__})")
        pages.append(text)
        sizes.append(line_sizes)
    return pages, sizes, failed


def _require_text_layer(pages: list[str], count: int, name: str) -> None:
    """Refuses a scanned PDF: too few visible characters per page for a text layer (it needs OCR first)."""
    visible = sum(len("".join(text.split())) for text in pages)
    if visible < _MIN_CHARS_PER_PAGE * count:
        raise InputError(
            f"a scanned PDF with no text layer ({count} page(s), {visible} characters of text): it needs OCR first",
            file=name,
            hint="run OCR, e.g. `ocrmypdf -l chi_sim --sidecar report.txt FILE.pdf ocr.pdf`, "
            "and pass report.txt or ocr.pdf",
        )


def _page_notes(pages: list[str], failed: list[str], count: int) -> list[tuple[str, str]]:
    """Notes naming the pages whose text is missing: pages without a text layer, pages that could not be read."""
    notes: list[tuple[str, str]] = []
    empty = [str(i) for i, text in enumerate(pages, 1) if not text.strip()]
    if empty:
        notes.append(
            (
                "page_without_text",
                f"page(s) {', '.join(empty)} of {count} have no text layer (scanned "
                "images?): their text is missing from the report",
            )
        )
    if failed:
        notes.append(
            (
                "page_unreadable",
                f"the text of page(s) {', '.join(failed)} could not be read: it is missing from the report",
            )
        )
    return notes


def _page_text(page) -> tuple[str, list[float] | None]:
    """A page's text (pypdf's reading order, one line per printed line) and the font size of each line, in
    points as printed (the text and current matrices scale the font's size). The size tells a title that
    wraps onto a second line (both larger than the body) from a paragraph that ends."""
    pieces: list[tuple[str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        scale = abs(tm[2] * cm[1] + tm[3] * cm[3]) or 1.0
        pieces.append((text, float(font_size or 0) * scale))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(t for t, _ in pieces) != text:
        return text, None  # pypdf assembled the text some other way: no sizes, the text alone
    sizes: list[float] = [0.0]
    for piece, size in pieces:
        parts = piece.split("\n")
        for i, part in enumerate(parts):
            if i:
                sizes.append(0.0)
            if part.strip():
                sizes[-1] = max(sizes[-1], size)
    return text, sizes


def _damaged(name: str, err: Exception) -> InputError:
    return InputError(
        f"a damaged PDF that cannot be read ({type(err).__name__}: {err})"[:300],
        file=name,
        hint="fetch the file again, or open it and print it to a new PDF",
    )
