"""What reading a report as a PDF adds to extracting it (a script, not a test; issue 22: ≤ 2 s for 20 pages).

Prints a PDF of about `--pages` pages with chromium (tests/formatfixtures.py: the made-up county report, its
body repeated, a running header and `— N —` page numbers), then times, best of `--runs`:

- `read`: `read_document(pdf)` — pypdf's text layer of every page, font sizes, and the printed-text rules
  (text/printed.py) — against `read_document(txt)` of the same text as a UTF-8 file;
- `extract`: the whole rules-backend `extract` of the PDF against that of the .txt.

    python bench/pdf_read.py                  # 20 pages, best of 5
    python bench/pdf_read.py --pages 40 --runs 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from formatfixtures import PARAGRAPHS, pdf_bytes  # noqa: E402

from extractor.config import Config  # noqa: E402
from extractor.pipeline import extract  # noqa: E402
from extractor.text.ingest import read_document  # noqa: E402


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    import pypdf

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        repeat = 1
        while True:  # the report's body repeated until the PDF has at least --pages pages
            pdf.write_bytes(pdf_bytes(PARAGRAPHS, repeat=repeat))
            pages = len(pypdf.PdfReader(pdf).pages)
            if pages >= args.pages:
                break
            repeat = max(repeat + 1, int(repeat * args.pages / pages))
        txt = Path(tmp) / "report.txt"
        txt.write_text(read_document(pdf).text, encoding="utf-8")
        chars, size = len(txt.read_text(encoding="utf-8")), pdf.stat().st_size
        rules = Config(backend="rules")
        read_pdf, read_txt = best(lambda: read_document(pdf), args.runs), best(lambda: read_document(txt), args.runs)
        ext_pdf, ext_txt = best(lambda: extract(pdf, rules), args.runs), best(lambda: extract(txt, rules), args.runs)
    print(f"PDF: {pages} pages, {size:,} bytes, {chars} characters of text; best of {args.runs}")
    print("| step | .pdf s | .txt s | added by the PDF s |")
    print("|---|---|---|---|")
    print(f"| read_document | {read_pdf:.3f} | {read_txt:.3f} | {read_pdf - read_txt:.3f} |")
    print(f"| extract (rules) | {ext_pdf:.3f} | {ext_txt:.3f} | {ext_pdf - ext_txt:.3f} |")


if __name__ == "__main__":
    main()
