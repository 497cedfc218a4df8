"""What makes a gold file fit to score against, checked the same way by `fazhi gold check` and `fazhi eval`.

    gold_problems(data, text, text_sha256) -> GoldFindings   every problem, one readable (where, what) each

The checks: the output schema; the conventions a schema cannot state (a `_labeling` note, no `run`,
document-level quality notes only, `value_base` agreeing with value and unit, rectification links in
range); `source.sha256` and `source.chars` agreeing with the text scored against; every quote at its
offsets ("at its offsets" is `extractor.grounding.is_grounded`, the definition extraction and scoring use);
no item listed twice (same list, same span); and `summary_terms` (CONVENTIONS.md, "Summary key terms"):
1–4 non-empty strings, each found in the item's quote after canonical folding.

`scoring_problems` adds what scoring needs beyond `gold check`: every item with a summary carries its
`summary_terms`, so a gold file written before that field existed is an error naming the field, not a
silent zero.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pydantic import ValidationError

from extractor.errors import InputError
from extractor.grounding import is_grounded
from extractor.text.normalize import canon
from schemas.report import Evidence, Report

ITEM_LISTS: tuple[str, ...] = ("leadership_duties", "measures", "metrics", "problems", "rectifications", "plans")
SUMMARY_LISTS: tuple[str, ...] = ("leadership_duties", "measures", "problems", "rectifications", "plans")
EVIDENCE_FIELDS: tuple[str, ...] = ("evidence", "cause_evidence", "body")
# Notes about the document itself; notes about an extraction (ungrounded_item, section_failed, …) are not gold.
DOCUMENT_NOTE_KINDS = frozenset(
    {
        "header_truncated",
        "text_truncated",
        "page_gap",
        "encoding_repaired",
        "truncated_encoding",
        "suspicious_instruction",
    }
)
MAX_TERMS = 4
_SCALE = {"%": 0.01, "‰": 0.001}


@dataclass
class GoldFindings:
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, what)
    report: Optional[Report] = None
    quotes: int = 0
    items: int = 0

    def add(self, where: str, what: str) -> None:
        self.problems.append((where, what))


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def clip(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def check_schema(found: GoldFindings, data: Any) -> None:
    try:
        found.report = Report.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            found.add(_where(err["loc"]) or "file", err["msg"])


def check_conventions(found: GoldFindings, data: dict) -> None:
    """CONVENTIONS.md rules a schema cannot state; on the raw data, so they are reported beside schema errors."""
    if not str(data.get("_labeling") or "").strip():
        found.add("_labeling", "missing: say who checked the file and how ambiguous items were decided")
    if data.get("run") is not None:
        found.add("run", "gold has no run record (set it to null)")
    for i, note in enumerate(_dicts(data.get("quality"))):
        if note.get("kind") not in DOCUMENT_NOTE_KINDS:
            found.add(
                f"quality[{i}]",
                f"{note.get('kind')!r} is a note about an extraction; gold keeps document notes "
                f"only ({', '.join(sorted(DOCUMENT_NOTE_KINDS))})",
            )
    for i, m in enumerate(_dicts(data.get("metrics"))):
        unit, value, base = m.get("unit") or "", m.get("value"), m.get("value_base")
        factor = _SCALE.get(unit, 1e8 if unit.startswith("亿") else 1e4 if unit.startswith("万") else None)
        if factor is None or not isinstance(value, (int, float)) or not isinstance(base, (int, float)):
            continue
        if abs(base - value * factor) > 1e-6 * max(1.0, abs(base)):
            found.add(
                f"metrics[{i}]", f"value_base {base:g} does not match {value:g}{unit} (expected {value * factor:g})"
            )
    problems = len(_dicts(data.get("problems")))
    for i, r in enumerate(_dicts(data.get("rectifications"))):
        p = r.get("problem")
        if isinstance(p, int) and not 0 <= p < problems:
            found.add(f"rectifications[{i}].problem", f"index {p} is not a problem (there are {problems})")
    check_summary_terms(found, data)


def check_summary_terms(found: GoldFindings, data: dict) -> None:
    """Terms given must be 1–4 non-empty strings, each in the item's quote (canonical form)."""
    for name in SUMMARY_LISTS:
        for i, item in enumerate(_dicts(data.get(name))):
            terms = item.get("summary_terms")
            if terms is None:
                continue
            where = f"{name}[{i}].summary_terms"
            if not isinstance(terms, list) or not 1 <= len(terms) <= MAX_TERMS:
                found.add(where, f"must be a list of 1–{MAX_TERMS} terms")
                continue
            quote = canon(str((item.get("evidence") or {}).get("quote") or ""))
            for term in terms:
                if not isinstance(term, str) or not canon(term):
                    found.add(where, f"{term!r} is not a term (an empty or non-text value)")
                elif canon(term) not in quote:
                    found.add(where, f"{term!r} is not in the item's quote")


def check_duplicates(found: GoldFindings, data: dict) -> None:
    """An item listed twice (same list, same span) would be matched once and counted as a miss once."""
    for name in ("sections", *ITEM_LISTS):
        seen: dict[tuple, int] = {}
        for i, item in enumerate(_dicts(data.get(name))):
            ev = item["evidence"] if isinstance(item.get("evidence"), dict) else {}
            key = (ev.get("start"), ev.get("end"))
            if None in key:
                continue
            if key in seen:
                found.add(f"{name}[{i}]", f"duplicate of {name}[{seen[key]}] (same span [{key[0]},{key[1]}))")
            else:
                seen[key] = i


def check_source(found: GoldFindings, data: dict, text: str, text_sha256: Optional[str]) -> None:
    src = data["source"] if isinstance(data.get("source"), dict) else {}
    if text_sha256 is not None and src.get("sha256") and src["sha256"] != text_sha256:
        found.add(
            "source.sha256",
            f"{str(src['sha256'])[:12]}… is not the sha256 of the text scored against "
            f"({text_sha256[:12]}…): this gold was made on another file",
        )
    elif isinstance(src.get("chars"), int) and src["chars"] != len(text):
        found.add("source.chars", f"{src['chars']} but the text has {len(text)} characters")


def check_quotes(found: GoldFindings, data: dict, text: str) -> None:
    for name in ("sections", *ITEM_LISTS):
        items = data.get(name)
        if not isinstance(items, list):
            continue
        found.items += len(items) if name != "sections" else 0
        for i, item in enumerate(items):
            for key in EVIDENCE_FIELDS:
                raw = item.get(key) if isinstance(item, dict) else None
                if not raw:
                    continue
                try:
                    ev = Evidence.model_validate(raw)
                except ValidationError:
                    continue  # already reported by the schema check
                found.quotes += 1
                if not is_grounded(text, ev):
                    there = text[ev.start : ev.end] if 0 <= ev.start <= ev.end <= len(text) else None
                    shown = "out of range" if there is None else f"text there is {clip(there)!r}"
                    found.add(
                        f"{name}[{i}].{key}", f"quote {clip(ev.quote)!r} is not at [{ev.start},{ev.end}) ({shown})"
                    )


def gold_problems(data: Any, text: Optional[str], text_sha256: Optional[str] = None) -> GoldFindings:
    """Every problem of a parsed gold file; the text-dependent checks only when `text` is given."""
    found = GoldFindings()
    if not isinstance(data, dict):
        found.add("file", "not a JSON object")
        return found
    check_schema(found, data)
    check_conventions(found, data)
    check_duplicates(found, data)
    if text is not None:
        check_source(found, data, text, text_sha256)
        check_quotes(found, data, text)
    return found


def scoring_problems(data: dict, fields: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Fields scoring needs that `gold check` does not require: `summary_terms` on every summarised item, and
    the top-level sections when `sections` is scored (a report always has some: none is a gap, not a zero)."""
    out = []
    if "sections" in fields and not any(s.get("level") == 1 for s in _dicts(data.get("sections"))):
        out.append(
            (
                "sections",
                "missing: no top-level section, but the suite scores each top-level section's part "
                '(CONVENTIONS.md, "Sections"); label them or drop `sections` from the suite\'s fields',
            )
        )
    for name in SUMMARY_LISTS:
        for i, item in enumerate(_dicts(data.get(name))):
            if item.get("summary") and item.get("summary_terms") is None:
                out.append(
                    (
                        f"{name}[{i}].summary_terms",
                        "missing: summaries are scored by key-term recall "
                        '(CONVENTIONS.md, "Summary key terms"); add 1–4 terms from the quote',
                    )
                )
    return out


def check_for_scoring(path: Path, text: str, text_sha256: str, fields: tuple[str, ...] = ()) -> None:
    """The checks `fazhi gold check` runs (schema, conventions, sha256, every quote at its offsets, no item
    twice) plus what scoring needs (`summary_terms`): an `InputError` naming the file and its first problem."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    found = gold_problems(data, text, text_sha256)
    problems = found.problems + scoring_problems(data, tuple(fields))
    if problems:
        where, what = problems[0]
        more = f" (and {len(problems) - 1} more: fazhi gold check {path})" if len(problems) > 1 else ""
        raise InputError(f"gold {path}: {where}: {what}{more}")
