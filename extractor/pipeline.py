"""The whole path from a file to a Report, one step per module:

    read (a PDF, Word or web page: its text layer) → normalize → segment (a model call per top-level section the rules cannot place) → metadata + quantities (find, name, key) → per-item model calls → ground
    → assemble → validate

- `extract(path, config, progress=None) -> Report` raises `InputError` for a file that cannot be read as a
  report (empty, binary, too large, not a report);
- a model call that failed after retries still yields the item, with the rules' category and summary
  (`decided_by: "rules"`) and a `model_failed` note: `is_degraded(report)` is True (the CLI exits 1);
  `is_partial(report)` means something is really missing (a `section_failed` note);
  `structure_missing(report)` says why a report has no outline to read (no top-level section, or no item
  at all in its body text): batch lists it `no_structure`, never `ok`, and the CLI exits 1;
- a configuration fault (no key, an unreachable endpoint, the circuit breaker) raises `ConfigError`: the
  endpoint is checked once before the first report (`preflight`);
- `progress(stage, done, total)` is called after each model call (or rules step);
- `write_report(report, path)` writes the JSON and, for a document, its text layer beside it
  (`texts/<file>.txt`, `layer_path`), the layer first, so an output never points into a layer not there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from extractor import __version__
from extractor.model import prompts
from extractor.config import Config
from extractor.errors import InputError
from extractor.files import atomic_write_json, atomic_write_text
from extractor.grounding import is_grounded
from extractor.text.ingest import Document, read_document
from extractor.labeling import Labeled, Labeler
from extractor.labeling.parts import part_asker
from extractor.labeling.run import Pooled
from extractor.structure.metadata import extract_metadata
from extractor.text.normalize import Normalized, normalize
from extractor.facts.indicators import key_indicators
from extractor.facts.names import name_quantities
from extractor.facts.injection import instruction_sentences
from extractor.facts.quantities import find_quantities
from extractor.facts.tables import with_tables
from extractor.structure.outline import Outline, is_report, segment, structure_notes
from extractor.text.printed import page_of
from schemas.report import (
    Compliance,
    Metadata,
    PartCoverage,
    QualityNote,
    REQUIRED_PARTS,
    Report,
    RunInfo,
    Source,
)

Progress = Callable[[str, int, int], None]


def is_partial(report: Report) -> bool:
    """Something is really missing: a section whose items could not be made at all."""
    return any(note.kind == "section_failed" for note in report.quality)


def is_degraded(report: Report) -> bool:
    """Every item is present, but some model calls failed and the rules stand in for them."""
    return any(note.kind == "model_failed" for note in report.quality)


MIN_BODY_CHARS = 100  # below this, sections with no item are a short note, not a report whose items were missed
ITEM_LISTS = ("measures", "problems", "rectifications", "plans", "leadership_duties")


def structure_missing(report: Report) -> str | None:
    """Why no outline was found, or None: no top-level section at all (line breaks lost, headings run into
    the text), or top-level sections but no item at all while their bodies hold text. Its metrics and
    metadata are still there; its measures, problems and plans are not, so it must not pass as done."""
    tops = [s for s in report.sections if s.level == 1]
    if not tops:
        return f"no outline found: no top-level section in {report.source.chars} characters"
    if any(getattr(report, name) for name in ITEM_LISTS):
        return None
    spans = [(s.body.end - s.body.start) - (s.evidence.end - s.evidence.start) for s in tops if s.body is not None]
    body = sum(spans) if spans else report.source.chars
    if body >= MIN_BODY_CHARS:
        return f"no item found: {len(tops)} top-level section(s) with {body} characters of text, not one item"
    return None


def is_unstructured(report: Report) -> bool:
    return structure_missing(report) is not None


def preflight(config: Config) -> None:
    """Fail fast on a configuration that cannot work (no key, an endpoint that refuses or does not answer),
    before any report starts. Nothing to check for the rules and local backends."""
    config.require_key()
    if config.spec.uses_endpoint:
        from extractor.model.client import preflight as check  # lazy: rules runs need no model libraries

        check(config)


def new_breaker(config: Config):
    """One circuit breaker for a run of many reports (batch, eval); None for the rules backend."""
    if not config.spec.calls_model:
        return None
    from extractor.model.breaker import Breaker

    return Breaker(config.breaker_limit, where=config.base_url or f"the {config.resolved_backend} model")


def extract(
    path: Path, config: Config, *, progress: Progress | None = None, client=None, breaker=None, pool=None
) -> Report:
    """One report, read → normalize → segment → (model client) → find and label → assemble → ground."""
    started = time.perf_counter()
    if client is None:
        preflight(config)  # before reading: a run that cannot work says so at once (once per process)
    doc = read_document(Path(path), max_bytes=config.max_bytes)
    norm = normalize(doc.text)
    outline = _segment_report(norm, doc.name)
    calls_model = config.spec.calls_model
    own_client = calls_model and client is None
    if own_client:
        client = _client_for(
            config,
            breaker if breaker is not None else new_breaker(config),
            time.monotonic() + config.max_report_seconds if config.max_report_seconds else None,
        )
    try:
        found = _find(norm, outline, client if calls_model else None, config, progress, pool)
    finally:
        if client is not None and own_client:
            client.close()
    report = _assemble(doc, norm, found, config, _run_info(config, client, started))
    report = _with_pages(_drop_ungrounded(report, doc), doc.page_starts)
    if doc.is_layer:
        report._text_layer = doc.text
    return report


def _segment_report(norm: Normalized, name: str) -> Outline:
    """The outline of a text that is a report; anything else is an InputError (not a made-up report)."""
    outline = segment(norm)
    if not is_report(norm, outline):
        raise InputError(
            "not a 法治政府建设 report: no required part (举措/不足/安排) and no 法治 vocabulary found",
            file=name,
            hint="check the file; only annual law-based-government reports are supported",
        )
    return outline


@dataclass
class _Found:
    """What the finding stages hand to the assembly: the outline (its parts settled), metadata, the labeled
    items and metrics, and the notes of each stage."""

    outline: Outline
    metadata: Metadata
    labeled: Labeled
    doc_notes: list[QualityNote]
    injection_notes: list[QualityNote]
    call_notes: list[QualityNote]


def _find(norm: Normalized, outline: Outline, model, config: Config, progress, pool) -> _Found:
    """Metadata, quantities (named, indicators, tables) and the labeled items; the model, when there is one,
    first settles the parts the rules could not."""
    call_notes: list[QualityNote] = []
    if model is not None and "parts" in config.model_kinds:  # the model settles the parts the rules could not
        # Through the batch's call pool when there is one, so it bounds every request in flight.
        outline = segment(norm, ask_part=part_asker(Pooled(model, pool) if pool is not None else model, call_notes))
    metadata, doc_notes = extract_metadata(norm, outline)
    quantities, injection_notes = without_instructions(norm, find_quantities(norm))
    quantities = with_tables(norm, key_indicators(norm, name_quantities(norm, quantities)))
    labeled = Labeler(
        norm,
        model,
        config.model_names_metrics,
        progress,
        categories=config.category_mode,
        pool=pool,
        model_kinds=config.model_kinds,
    ).run(outline, quantities)
    return _Found(outline, metadata, labeled, list(doc_notes), list(injection_notes), call_notes)


def _assemble(doc: Document, norm: Normalized, found: _Found, config: Config, run: RunInfo) -> Report:
    labeled, outline = found.labeled, found.outline
    return Report(
        source=Source(
            file=doc.name,
            sha256=doc.sha256,
            encoding=doc.encoding,
            chars=doc.chars,
            format=doc.format if doc.is_layer else None,
            text_sha256=doc.text_sha256,
        ),
        metadata=found.metadata,
        sections=outline.sections,
        leadership_duties=labeled.leadership_duties,
        measures=labeled.measures,
        metrics=labeled.metrics,
        problems=labeled.problems,
        rectifications=labeled.rectifications,
        plans=labeled.plans,
        compliance=compliance(outline, has_leadership=bool(labeled.leadership_duties)),
        quality=[
            *(QualityNote(kind=kind, message=message) for kind, message in doc.notes),
            *found.doc_notes,
            *structure_notes(norm, outline),
            *found.injection_notes,
            *found.call_notes,
            *labeled.quality,
            *([QualityNote(kind="model_fields", message=note)] if (note := config.model_fields_note) else []),
        ],
        run=run,
    )


LAYER_DIR = "texts"


def layer_path(output: Path, source_file: str) -> Path:
    """Where the text layer of a report written to `output` is kept: `texts/<source file>.txt` beside it."""
    return Path(output).parent / LAYER_DIR / f"{source_file}.txt"


def write_report(report: Report, output: Path) -> None:
    """The report's JSON at `output`, atomically; for a document, its text layer first (see layer_path)."""
    if report._text_layer is not None:
        atomic_write_text(layer_path(output, report.source.file), report._text_layer)
    atomic_write_json(output, report.dump())


def _with_pages(report: Report, page_starts: list[int] | None) -> Report:
    """For a PDF, every evidence (items, causes, sections) gets the page its quote starts on."""
    if not page_starts:
        return report

    def paged(evidence):
        if evidence is None:
            return None
        return evidence.model_copy(update={"page": page_of(page_starts, evidence.start)})

    update = {}
    for key in ("leadership_duties", "measures", "metrics", "problems", "rectifications", "plans"):
        items = []
        for item in getattr(report, key):
            changes = {"evidence": paged(item.evidence)}
            if getattr(item, "cause_evidence", None) is not None:
                changes["cause_evidence"] = paged(item.cause_evidence)
            items.append(item.model_copy(update=changes))
        update[key] = items
    update["sections"] = [
        s.model_copy(update={"evidence": paged(s.evidence), "body": paged(s.body)}) for s in report.sections
    ]
    return report.model_copy(update=update)


def without_instructions(norm, quantities: list) -> tuple[list, list[QualityNote]]:
    """Quantities outside sentences that address a model or the reader (facts/injection.py), and one
    `suspicious_instruction` note per such sentence. The sentence stays in its item's text and quote."""
    suspicious = instruction_sentences(norm.text)
    if not suspicious:
        return quantities, []
    kept: list[Any] = []
    held: dict[Any, list[Any]] = {s: [] for s in suspicious}
    for q in quantities:
        pos = norm.to_norm(q.start)
        hit = next((s for s in suspicious if pos in s), None)
        (held[hit] if hit is not None else kept).append(q)
    notes = []
    for s, left_out in held.items():
        what = f"; its quantities ({', '.join(q.quote for q in left_out)}) are left out of metrics" if left_out else ""
        notes.append(
            QualityNote(
                kind="suspicious_instruction",
                message=f"a sentence addresses a model or the reader ({s.shape}){what}",
                quote=norm.text[s.start : s.end].strip()[:80],
            )
        )
    return kept, notes


def compliance(outline: Outline, has_leadership: bool) -> Compliance:
    """Which of the five required parts the report covers, and where."""
    top = [s for s in outline.sections if s.level == 1]
    parts = {p: [s.path for s in top if s.part == p] + outline.also.get(p, []) for p in REQUIRED_PARTS}
    if not parts["leadership"] and has_leadership:
        # Reports often tell the 第一责任人 story inside the measures part rather than in a part of its own.
        parts["leadership"] = parts["measures"]
    return Compliance(**{p: PartCoverage(present=bool(paths), sections=paths) for p, paths in parts.items()})


def _client_for(config: Config, breaker, deadline: float | None):
    from extractor.model.client import ModelClient  # imported lazily: the rules backend needs no model libraries

    return ModelClient(config, breaker=breaker, deadline=deadline)


def _run_info(config: Config, client, started: float) -> RunInfo:
    info = RunInfo(
        backend=config.resolved_backend,
        model=config.model_name,
        prompt_versions=prompts.versions_for(config.resolved_backend, config.prompts),
        tool_version=__version__,
        seconds=round(time.perf_counter() - started, 3),
    )
    ledger = getattr(client, "ledger", None)
    if ledger is not None:
        totals = ledger.totals()
        info.calls = totals["calls"]
        info.cache_hits = totals["cache_hits"]
        info.tokens_in = totals["tokens_in"]
        info.tokens_out = totals["tokens_out"]
        info.tokens_cached = totals["tokens_cached"]
        info.cost = totals.get("cost")
        info.call_log = list(ledger.records)
    return info


def _drop_ungrounded(report: Report, doc: Document) -> Report:
    """Last check before anything is written: every item's evidence must be the source text at its offsets."""
    notes = list(report.quality)
    kept = {}
    for key in ("leadership_duties", "measures", "metrics", "problems", "rectifications", "plans"):
        items = []
        for item in getattr(report, key):
            if is_grounded(doc.text, item.evidence):
                items.append(item)
            else:
                notes.append(
                    QualityNote(
                        kind="ungrounded_item",
                        message=f"{key} item's evidence is not at its offsets; dropped",
                        section=getattr(item, "section", None),
                        quote=item.evidence.quote[:80],
                    )
                )
        kept[key] = items
    return report.model_copy(update={**kept, "quality": notes})
