"""Gold files written by hand or downloaded from a review page: check them, then add them to an eval suite.

    check_gold(path, source=None) -> GoldCheck        schema, every quote at its offsets, the gold conventions
    add_gold(path, suite, source=None) -> AddResult    copy the text and the gold into a suite (atomically)

The format is evals/gold/CONVENTIONS.md: the output schema plus a top-level `_labeling` note, `run` null,
document-level `quality` notes only. "At its offsets" is `extractor.grounding.is_grounded`, the definition
extraction and scoring use. A suite created here is `evals/suites/NAME.toml` with its texts in
`evals/suites/NAME/texts/` and gold in `evals/suites/NAME/gold/`; it lists no `documents`, so every text
there is scored (one without gold is listed as skipped).
"""

from __future__ import annotations

import hashlib

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from pydantic import ValidationError

from extractor.evaluation import suites as evaluate
from extractor.errors import ConfigError, InputError
from extractor.files import atomic_write_bytes, atomic_write_json, atomic_write_text
from extractor.grounding import is_grounded
from extractor.review.sources import SourceCheck, find_source
from schemas.report import Evidence, Report

ITEM_LISTS: tuple[str, ...] = ("leadership_duties", "measures", "metrics", "problems", "rectifications", "plans")
EVIDENCE_FIELDS: tuple[str, ...] = ("evidence", "cause_evidence", "body")
# Notes about the document itself; notes about an extraction (ungrounded_item, section_failed, …) are not gold.
DOCUMENT_NOTE_KINDS = frozenset({"header_truncated", "text_truncated", "page_gap", "encoding_repaired",
                                 "truncated_encoding", "suspicious_instruction"})
_SCALE = {"%": 0.01, "‰": 0.001}
_SUITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass
class GoldCheck:
    path: Path
    problems: list[str] = field(default_factory=list)
    quotes: int = 0
    items: int = 0
    source: Optional[SourceCheck] = None
    report: Optional[Report] = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{self.path.name}: {where}: {what}" if where else f"{self.path.name}: {what}")


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _schema(check: GoldCheck, data: Any) -> None:
    try:
        check.report = Report.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            check.add(_where(err["loc"]) or "file", err["msg"])


def _quotes(check: GoldCheck, data: dict, text: str) -> None:
    for name in ("sections", *ITEM_LISTS):
        items = data.get(name)
        if not isinstance(items, list):
            continue
        check.items += len(items) if name != "sections" else 0
        for i, item in enumerate(items):
            for key in EVIDENCE_FIELDS:
                raw = item.get(key) if isinstance(item, dict) else None
                if not raw:
                    continue
                try:
                    ev = Evidence.model_validate(raw)
                except ValidationError:
                    continue  # already reported by the schema check
                check.quotes += 1
                if not is_grounded(text, ev):
                    there = text[ev.start:ev.end] if 0 <= ev.start <= ev.end <= len(text) else None
                    shown = "out of range" if there is None else f"text there is {_clip(there)!r}"
                    check.add(f"{name}[{i}].{key}", f"quote {_clip(ev.quote)!r} is not at [{ev.start},{ev.end}) ({shown})")


def _clip(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _conventions(check: GoldCheck, data: dict) -> None:
    """CONVENTIONS.md rules a schema cannot state; on the raw data, so they are reported beside schema errors."""
    if not str(data.get("_labeling") or "").strip():
        check.add("_labeling", "missing: say who checked the file and how ambiguous items were decided")
    if data.get("run") is not None:
        check.add("run", "gold has no run record (set it to null)")
    for i, note in enumerate(_dicts(data.get("quality"))):
        if note.get("kind") not in DOCUMENT_NOTE_KINDS:
            check.add(f"quality[{i}]", f"{note.get('kind')!r} is a note about an extraction; gold keeps document notes "
                                       f"only ({', '.join(sorted(DOCUMENT_NOTE_KINDS))})")
    for i, m in enumerate(_dicts(data.get("metrics"))):
        unit, value, base = m.get("unit") or "", m.get("value"), m.get("value_base")
        factor = _SCALE.get(unit, 1e8 if unit.startswith("亿") else 1e4 if unit.startswith("万") else None)
        if factor is None or not all(isinstance(x, (int, float)) for x in (value, base)):
            continue
        if abs(base - value * factor) > 1e-6 * max(1.0, abs(base)):
            check.add(f"metrics[{i}]", f"value_base {base:g} does not match {value:g}{unit} (expected {value * factor:g})")
    problems = len(_dicts(data.get("problems")))
    for i, r in enumerate(_dicts(data.get("rectifications"))):
        p = r.get("problem")
        if isinstance(p, int) and not 0 <= p < problems:
            check.add(f"rectifications[{i}].problem", f"index {p} is not a problem (there are {problems})")


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def check_gold(path: Path, source: Optional[Path] = None) -> GoldCheck:
    """Everything wrong with a gold file, one readable line each (empty = fine)."""
    path = Path(path)
    check = GoldCheck(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no such file {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        check.add("", f"not JSON: {exc}")
        return check
    if not isinstance(data, dict):
        check.add("", "not a JSON object")
        return check
    _schema(check, data)
    _conventions(check, data)
    src = data.get("source") if isinstance(data.get("source"), dict) else {}
    name, sha = str(src.get("file") or ""), str(src.get("sha256") or "")
    if not name and source is None:
        check.add("source.file", "missing: cannot find the text to check quotes against (pass --source)")
        return check
    check.source = find_source(name or source.name, sha, path.parent, source,
                               text_sha256=str(src.get("text_sha256") or "") or None)
    if check.source.text is None:
        check.add("source", check.source.message)
        return check
    if check.source.status == "mismatch":
        check.add("source.sha256", f"{check.source.path} is not the text this gold was made on "
                                   f"(its sha256 differs from source.sha256)")
    elif isinstance(src.get("chars"), int) and src["chars"] != len(check.source.text):
        check.add("source.chars", f"{src['chars']} but the text has {len(check.source.text)} characters")
    _quotes(check, data, check.source.text)
    return check


# ---------------------------------------------------------------- adding to a suite


@dataclass
class AddResult:
    suite: Path
    doc_id: str
    text: Path
    gold: Path
    created_suite: bool
    replaced_gold: bool


def _suite_file(name: str) -> tuple[Path, bool]:
    """(NAME.toml, exists): a path as given, else where `fazhi eval --suite NAME` looks, else a new file there."""
    path = Path(name)
    if path.suffix == ".toml":
        return path, path.is_file()
    if not _SUITE_NAME.fullmatch(name):
        raise ConfigError(f"suite name {name!r} must be letters, digits, '-', '_' or '.'")
    folders = [Path.cwd() / "evals" / "suites", evaluate.SUITES_DIR]
    for folder in folders:
        if (folder / f"{name}.toml").is_file():
            return folder / f"{name}.toml", True
    folder = next((f for f in folders if f.is_dir()), evaluate.SUITES_DIR)
    return folder / f"{name}.toml", False


def _new_suite_toml(name: str) -> str:
    return (
        f"# Reports reviewed with `fazhi review` and added with `fazhi gold add --suite {name}`.\n"
        f"# Run: fazhi eval --suite {name} [--backend rules]\n"
        f'name = "{name}"\n'
        'description = "User-reviewed reports with gold made from corrected extractions."\n\n'
        "# Relative to this file. No `documents` list: every text in seeds_dir is scored (one without gold is\n"
        "# listed as skipped).\n"
        f'seeds_dir = "{name}/texts"\n'
        f'gold_dir = "{name}/gold"\n\n'
        "[tolerances]\ndefault = 0.02\noverall = 0.01\ngrounding = 0.0\n\n"
        "[report_tolerances]\ndefault = 0.10\n"
    )


def _with_document(toml_text: str, doc_id: str) -> Optional[str]:
    """The suite file with `doc_id` appended to its explicit `documents` list (None if it has no list)."""
    data = tomllib.loads(toml_text)
    docs = data.get("documents")
    if docs is None or doc_id in docs:
        return None
    block = re.compile(r"^documents\s*=\s*\[.*?\]", re.S | re.M)
    if len(block.findall(toml_text)) != 1:
        raise ConfigError("cannot add to the suite's `documents` list automatically",
                          hint=f'add "{doc_id}" to it by hand')
    listing = "documents = [\n" + "".join(f"  {json.dumps(d, ensure_ascii=False)},\n" for d in [*docs, doc_id]) + "]"
    new_text = block.sub(lambda _: listing, toml_text)
    if tomllib.loads(new_text) != {**data, "documents": [*docs, doc_id]}:
        raise ConfigError("cannot add to the suite's `documents` list automatically",
                          hint=f'add "{doc_id}" to it by hand')
    return new_text


def add_gold(path: Path, suite: str, source: Optional[Path] = None) -> AddResult:
    """Check the gold file, then copy its text and itself into the suite. Raises InputError listing the
    problems if the check fails; nothing is written then. Every write is atomic."""
    check = check_gold(path, source)
    if not check.ok or check.report is None or check.source is None or check.source.path is None:
        raise InputError(f"{path} does not pass `fazhi gold check` ({len(check.problems)} problem(s)):\n  "
                         + "\n  ".join(check.problems))
    toml_path, exists = _suite_file(suite)
    name = toml_path.stem
    if not exists:
        atomic_write_text(toml_path, _new_suite_toml(name))
    the_suite = evaluate.load_suite(toml_path)
    src_path = check.source.path
    doc_id = src_path.stem
    raw = src_path.read_bytes()
    layer = check.report.source.text_sha256 is not None and check.source.text is not None
    if layer:  # a PDF/Word/web page: the suite keeps the text layer its offsets point into, as its text
        doc_id = Path(check.report.source.file).stem
        raw = check.source.text.encode("utf-8")
    text_path, gold_path = the_suite.source_path(doc_id), the_suite.gold_path(doc_id)
    if text_path.exists() and text_path.read_bytes() != raw:
        raise InputError(f"suite {name} already has a different text named {text_path.name}",
                         hint="rename the source file (its name is the document id) and review it again")
    data = check.report.dump()
    data["source"]["file"] = text_path.name
    if layer:
        data["source"].update(sha256=hashlib.sha256(raw).hexdigest(), encoding="utf-8", format=None, text_sha256=None)
    replaced = gold_path.exists()
    if not text_path.exists():
        atomic_write_bytes(text_path, raw)
    atomic_write_json(gold_path, data)
    new_toml = _with_document(toml_path.read_text(encoding="utf-8"), doc_id)
    if new_toml is not None:
        atomic_write_text(toml_path, new_toml)
    return AddResult(toml_path, doc_id, text_path, gold_path, not exists, replaced)
