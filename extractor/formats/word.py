"""Word documents → their paragraphs, one per line.

`.docx` with python-docx: body paragraphs and table rows in document order (a table row's cells joined by a
tab), so a figure printed in a table is read where it stands. `.doc` (Word 97–2003) with Debian's antiword,
else catdoc, when installed (`apt-get install antiword`); without either, one line saying so.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from extractor.errors import InputError
from extractor.formats import Extracted, require

_DOC_TIMEOUT = 60  # seconds; antiword reads a report in well under one


def read_docx(data: bytes, name: str) -> Extracted:
    docx = require("docx", "python-docx", "a Word .docx file", name)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise _not_a_document(name, err) from None
    except Exception as err:  # noqa: BLE001 — python-docx raises its own PackageNotFoundError and lxml's errors
        raise _not_a_document(name, err) from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if not cells or cells[-1] != text:  # a merged cell repeats in every column it spans
                        cells.append(text)
                lines.append("\t".join(cells))
    return Extracted("docx", ["\n".join(lines)], "docx")


def read_doc(data: bytes, name: str) -> Extracted:
    """A Word 97–2003 file through antiword (or catdoc), which print it as UTF-8 text."""
    for tool, args in (("antiword", ["-m", "UTF-8.txt", "-w", "0"]), ("catdoc", ["-d", "utf-8", "-w"])):
        path = shutil.which(tool)
        if path is None:
            continue
        try:
            with tempfile.TemporaryDirectory(prefix="fazhi-doc-") as tmp:  # neither tool reads stdin
                source = Path(tmp) / "report.doc"
                source.write_bytes(data)
                done = subprocess.run([path, *args, str(source)], capture_output=True, timeout=_DOC_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise InputError(
                f"{tool} did not finish reading the .doc file in {_DOC_TIMEOUT} s",
                file=name,
                hint="open it in Word or LibreOffice and save it as .docx",
            ) from None
        if done.returncode != 0:
            why = done.stderr.decode("utf-8", "replace").replace(str(source), "the file").strip().splitlines()
            raise InputError(
                f"not a readable Word .doc file ({tool}: {why[0] if why else 'exit ' + str(done.returncode)})",
                file=name,
                hint="open it in Word, WPS or LibreOffice and save it as .docx",
            )
        text = done.stdout.decode("utf-8", "replace")
        return Extracted("doc", [text], f"doc ({tool})")
    raise InputError(
        "reading a Word .doc file needs antiword or catdoc, and neither is installed",
        file=name,
        hint="apt-get install antiword, or save the file as .docx",
    )


def _not_a_document(name: str, err: Exception) -> InputError:
    return InputError(
        f"not a readable Word .docx file ({type(err).__name__}: {err})"[:300],
        file=name,
        hint="the file is damaged or is another kind of ZIP; open it in Word and save it again",
    )
