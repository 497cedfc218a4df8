"""A `fazhi batch` output folder → one review page per report plus an index.html listing them all.

    review_folder(out_dir, dest=None, source=None) -> FolderReview

Reads every Report JSON in the folder and the latest manifest.jsonl line per input (status, error, time,
backend); inputs that failed have no JSON and are listed from the manifest alone. Each row shows the
report's state (ok, degraded, partial, no_structure, failed, stale, not_started) and, apart, what the last run did with
it (extracted, skipped, not started): after a rerun that skipped everything, the reports are still ok. Each report's source is
found and verified as for a single report (`sources.find_source`): in the input folder and at the path the
manifest recorded, before any guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

from extractor import __version__
from extractor.pipeline import is_degraded, is_partial, is_unstructured
from extractor.runs.manifest import MANIFEST, Manifest
from extractor.files import atomic_write_text
from extractor.review.page import DOC_BODY, href, render
from extractor.review.report_page import OPTIONAL_PARTS, render_report_page
from extractor.review.sources import SourceCheck, find_source
from schemas.report import REQUIRED_PARTS, Report

INDEX = "index.html"
EXPLORE = "explore.html"  # the collection page (review/explore.py) beside the index, when written
_REQUIRED = [p for p in REQUIRED_PARTS if p not in OPTIONAL_PARTS]  # an absent optional part is no fault
COUNTED = ("measures", "problems", "rectifications", "plans", "leadership_duties", "metrics")


@dataclass
class PageWritten:
    json_name: str
    page: Path
    check: SourceCheck
    size: int


@dataclass
class FolderReview:
    index: Path
    pages: list[PageWritten] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# What the last run did with an input (the manifest line's status), apart from the state it left it in.
ACTIONS = {
    "skipped": "skipped (done before)",
    "not_started": "not started (the run stopped first)",
    "ignored": "ignored",
}


def report_state(report: Optional[Report], status: Optional[str]) -> str:
    """The state an input is in — ok, degraded, partial, no_structure, failed, stale or not_started — whatever
    the last run did: a `skipped` input is in the state of the output it kept (only ok outputs are skipped;
    an output without an outline is `no_structure` even when an older tool called it ok), and an input the
    last run did not get to, with an older output kept, is `stale`."""
    if report is not None and status in (None, "ok", "skipped", "not_started"):
        if status == "not_started":
            return "stale"
        return (
            "partial"
            if is_partial(report)
            else "no_structure"
            if is_unstructured(report)
            else "degraded"
            if is_degraded(report)
            else "ok"
        )
    return status or "failed"


def _row(report: Report, json_name: str, page: str, check: SourceCheck, entry: Optional[dict]) -> dict:
    missing = [p for p in REQUIRED_PARTS if not getattr(report.compliance, p).present and p not in OPTIONAL_PARTS]
    run = report.run
    status = (entry or {}).get("status")
    return {
        "input": (entry or {}).get("file") or report.source.file,
        "json": json_name,
        "page": page,
        "href": href(page),
        "status": report_state(report, status),
        "action": ACTIONS.get(status, "extracted") if status else None,
        "error": (entry or {}).get("error"),
        "title": report.metadata.title,
        "region": report.metadata.region,
        "year": report.metadata.report_year,
        "level": report.metadata.admin_level,
        "counts": {name: len(getattr(report, name)) for name in COUNTED},
        "parts_present": len(_REQUIRED) - len(missing),
        "parts_required": len(_REQUIRED),
        "parts_missing": missing,
        "quality": [{"kind": q.kind, "message": q.message, "section": q.section} for q in report.quality],
        "source": check.to_dict(),
        "backend": run.backend if run else None,
        "model": run.model if run else None,
        "seconds": run.seconds if run else None,
        "tokens": [run.tokens_in, run.tokens_out] if run else None,
    }


def recorded_input(json_path: Path) -> tuple[Optional[str], Optional[Path]]:
    """(the input's path below the batch's input folder, that folder) as the manifest beside a report JSON
    recorded them; (None, None) for a report that is not in a batch folder."""
    json_path = Path(json_path)
    for entry in Manifest(json_path.parent / MANIFEST).latest().values():
        if entry.get("output") == json_path.name:
            recorded = entry.get("input_dir")
            return entry.get("file"), Path(recorded) if isinstance(recorded, str) else None
    return None, None


def review_folder(out_dir: Path, dest: Optional[Path] = None, source: Optional[Path] = None) -> FolderReview:
    """Write DEST/<report>.html for every report JSON in `out_dir` and DEST/index.html (DEST = out_dir)."""
    out_dir = Path(out_dir)
    dest = Path(dest) if dest else out_dir
    latest = Manifest(out_dir / MANIFEST).latest()
    by_output = {e.get("output"): e for e in latest.values() if e.get("output")}
    result = FolderReview(dest / INDEX)
    rows, seen_inputs = [], set()
    for path in _report_jsons(out_dir, by_output):
        rel = path.relative_to(out_dir)
        entry = by_output.get(rel.as_posix())
        done = _review_report(path, rel, dest, source, entry)
        if isinstance(done, str):
            result.notes.append(done)
            continue
        result.pages.append(done[0])
        rows.append(done[1])
        if entry:
            seen_inputs.add(entry.get("file"))
    rows += _manifest_rows(latest, seen_inputs)
    _write_index(result, out_dir, dest, rows, has_manifest=bool(latest))
    return result


def _report_jsons(out_dir: Path, by_output: dict) -> list[Path]:
    """The JSONs at the top, and those a `--recursive` batch wrote into sub-folders (named by its manifest)."""
    nested = {out_dir / name for name in by_output if "/" in name and (out_dir / name).is_file()}
    return sorted({p for p in out_dir.glob("*.json") if p.is_file()} | nested)


def _review_report(
    path: Path, rel: Path, dest: Path, source: Optional[Path], entry: Optional[dict]
) -> tuple[PageWritten, dict] | str:
    """One report JSON → its page and its index row, or a note when it is no report. The page mirrors its
    JSON's place (`2022/x.json` → `2022/x.html`), linking back up to the index."""
    name = rel.as_posix()
    try:
        report = Report.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return f"{name}: not a report JSON, left out"
    recorded = (entry or {}).get("input_dir")
    check = find_source(
        report.source.file,
        report.source.sha256,
        path.parent,
        source,
        rel=(entry or {}).get("file"),
        in_dir=Path(recorded) if isinstance(recorded, str) else None,
        text_sha256=report.source.text_sha256,
    )
    page = dest / rel.with_suffix(".html")
    page.parent.mkdir(parents=True, exist_ok=True)
    html = render_report_page(report, check, name, links={"index": href("../" * (len(rel.parts) - 1) + INDEX)})
    atomic_write_text(page, html)
    written = PageWritten(name, page, check, len(html.encode("utf-8")))
    return written, _row(report, name, rel.with_suffix(".html").as_posix(), check, entry)


def _manifest_rows(latest: dict, seen_inputs: set) -> list[dict]:
    """Inputs whose run left no JSON (failed, partial, stale, not started), listed from the manifest alone."""
    return [
        {
            "input": key,
            "json": None,
            "page": None,
            "status": report_state(None, entry.get("status")),
            "action": ACTIONS.get(entry.get("status"), "extracted"),
            "error": entry.get("error"),
            "counts": None,
            "quality": [],
            "source": None,
        }
        for key, entry in latest.items()
        if key not in seen_inputs and entry.get("status") in ("failed", "partial", "stale", "not_started")
    ]


def _write_index(result: FolderReview, out_dir: Path, dest: Path, rows: list[dict], has_manifest: bool) -> None:
    """DEST/index.html: every row, the notes, and a link to the collection page when it was written."""
    data = {
        "kind": "index",
        "folder": str(out_dir.resolve()),
        "tool_version": __version__,
        "reports": rows,
        "notes": result.notes,
        "has_manifest": has_manifest,
        "explore": href(EXPLORE) if (dest / EXPLORE).is_file() else None,
    }
    atomic_write_text(
        result.index, render(f"{out_dir.name} · fazhi review", data, ("spans.js", "index.js"), body=DOC_BODY)
    )
