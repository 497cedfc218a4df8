"""An eval run as a page: the per-report × per-field score table, and each report's misses in its text.

    write_eval_page(path, log, suite) -> int (bytes written)

The data is the eval log itself (`EvalResult.log()`: scores, and the misses `scoring` already lists — false
negatives with the gold span, false positives with the predicted span, wrong category/indicator on the
predicted span, ungrounded quotes) plus the source text of every report that has misses with offsets, read
as extraction reads it so the offsets land on the same characters.
"""

from __future__ import annotations

from pathlib import Path

from extractor.evaluation import scoring
from extractor.evaluation import suites as evaluate
from extractor.errors import FazhiError
from extractor.files import atomic_write_text
from extractor.review.page import DOC_BODY, render

ROW_ORDER = scoring.ROWS


def _texts(log: dict, suite: evaluate.Suite) -> dict[str, dict]:
    docs: dict[str, dict] = {}
    for doc_id, fields in log.get("misses", {}).items():
        if not any(m.get("start") is not None for items in fields.values() for m in items):
            continue
        path = suite.source_path(doc_id)
        try:
            docs[doc_id] = {"text": evaluate.read_source(path), "path": str(path)}
        except (FazhiError, OSError) as err:
            docs[doc_id] = {"text": None, "path": str(path), "error": str(err)}
    return docs


def eval_payload(log: dict, suite: evaluate.Suite) -> dict:
    return {
        "kind": "eval",
        "log": log,
        "docs": _texts(log, suite),
        "rows": list(ROW_ORDER),
        "primary": {f: scoring.primary_key(f) for f in ROW_ORDER},
        "suite_path": str(suite.path),
    }


def write_eval_page(path: Path, log: dict, suite: evaluate.Suite) -> int:
    html = render(f"eval {log.get('suite')} · fazhi", eval_payload(log, suite), ("spans.js", "eval.js"), body=DOC_BODY)
    atomic_write_text(Path(path), html)
    return len(html.encode("utf-8"))
