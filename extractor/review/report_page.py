"""The review page of one report: its text with every evidence span highlighted, its items, edit mode → gold.

    report_payload(report, check, file_name) -> dict      what the page's script renders (JSON-safe)
    render_report_page(report, check, file_name) -> str    the HTML

The page is rendered from the payload by `assets/model.js` (items, review state, gold JSON; no DOM) and
`assets/report.js` (the DOM); this module only gathers the data: the
report as dumped, the source text (or none, with the reason), whether each item's quote really is at its
offsets in that text, the schema's enums for the edit controls, and the quantities code finds in the text
(so a metric added by selecting text starts with its value and unit parsed the way extraction parses them).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional, get_args

from extractor import __version__
from extractor.grounding import is_grounded
from extractor.review.gold import DOCUMENT_NOTE_KINDS, ITEM_LISTS
from extractor.review.page import render
from extractor.review.sources import SourceCheck
from extractor.text import grammar
from schemas.report import REQUIRED_PARTS, AdminLevel, Category, Indicator, Metadata, Report

SCRIPTS = ("spans.js", "model.js", "report.js")
# 其他需要报告的情况: a report has it only when there is something else to report; its absence is no fault.
OPTIONAL_PARTS = ("other",)
# Short Chinese names shown beside category keys in the edit controls (the keys are the contract).
CATEGORY_LABELS = {
    "leadership_coordination": "统筹领导",
    "government_functions": "政府职能",
    "rules_and_normative_documents": "制度与规范性文件",
    "decision_making": "行政决策",
    "law_enforcement": "行政执法",
    "emergency_response": "突发事件应对",
    "dispute_resolution": "矛盾纠纷化解",
    "oversight_transparency": "监督与公开",
    "digital_government": "数字政府",
    "legal_capacity_publicity": "法治能力与普法",
    "other": "其他",
}


def _quantities(text: str) -> list[dict]:
    # Imported here: a page without its source text needs none of the parsing stack.
    from extractor.text.normalize import normalize
    from extractor.facts.quantities import find_quantities

    return [
        {
            "start": q.start,
            "end": q.end,
            "quote": q.quote,
            "value": q.value,
            "unit": q.unit,
            "approx": q.approx,
            "value_base": q.value_base,
            "base_unit": q.base_unit,
            "name": q.name,
            "indicator": q.indicator,
        }
        for q in find_quantities(normalize(text))
    ]


def _units() -> dict[str, Any]:
    from extractor.facts.quantities import MULTIPLIERS
    from extractor.facts.units import PERCENT

    return {"multipliers": MULTIPLIERS, "ratio": PERCENT}


def _grounding(report: Report, text: Optional[str]) -> dict[str, list[Optional[bool]]]:
    """Per list, per item: is its quote at its offsets in this text (None when there is no text)."""
    return {
        name: [None if text is None else is_grounded(text, item.evidence) for item in getattr(report, name)]
        for name in ITEM_LISTS
    }


def report_payload(report: Report, check: SourceCheck, file_name: str, links: Optional[dict] = None) -> dict:
    text = check.text
    dumped = report.dump()
    return {
        "kind": "report",
        "file": file_name,
        "tool_version": __version__,
        "report": dumped,
        "report_sha": hashlib.sha256(json.dumps(dumped, sort_keys=True).encode()).hexdigest()[:16],
        "category_labels": CATEGORY_LABELS,
        "text": text,
        "source": check.to_dict(),
        "grounded": _grounding(report, text),
        "quantities": _quantities(text) if text is not None else [],
        "units": _units(),
        "grammar": grammar.js_patterns(),
        "enums": {
            "categories": list(get_args(Category)),
            "indicators": list(get_args(Indicator)),
            "admin_levels": list(get_args(AdminLevel)),
            "parts": list(REQUIRED_PARTS),
            "optional_parts": list(OPTIONAL_PARTS),
            "metadata_fields": list(Metadata.model_fields),
            "document_note_kinds": sorted(DOCUMENT_NOTE_KINDS),
        },
        "links": links or {},
    }


def page_title(report: Report) -> str:
    return f"{report.metadata.title or report.source.file} · fazhi review"


def render_report_page(report: Report, check: SourceCheck, file_name: str, links: Optional[dict] = None) -> str:
    """The self-contained page for one report (`links`: e.g. {"index": "index.html"} for a batch)."""
    return render(page_title(report), report_payload(report, check, file_name, links), SCRIPTS)
