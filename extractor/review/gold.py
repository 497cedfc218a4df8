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
from typing import Optional

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from extractor.evaluation import suites as evaluate
from extractor.evaluation.goldcheck import (  # noqa: F401 — DOCUMENT_NOTE_KINDS, ITEM_LISTS: the review page's
    DOCUMENT_NOTE_KINDS,
    ITEM_LISTS,
    GoldFindings,
    check_quotes,
    check_source,
    gold_problems,
)
from extractor.errors import ConfigError, InputError
from extractor.files import atomic_write_bytes, atomic_write_json, atomic_write_text
from extractor.review.sources import SourceCheck, find_source
from schemas.report import Report

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


def check_gold(path: Path, source: Optional[Path] = None) -> GoldCheck:
    """Everything wrong with a gold file, one readable line each (empty = fine). The checks themselves are
    `extractor.evaluation.goldcheck`'s, the ones every `fazhi eval` runs too."""
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
    found = gold_problems(data, None)
    check.report = found.report
    for where, what in found.problems:
        check.add(where, what)
    given = data.get("source")
    src: dict = given if isinstance(given, dict) else {}
    name, sha = str(src.get("file") or ""), str(src.get("sha256") or "")
    if not name and source is None:
        check.add("source.file", "missing: cannot find the text to check quotes against (pass --source)")
        return check
    check.source = find_source(
        name or (source.name if source else ""),
        sha,
        path.parent,
        source,
        text_sha256=str(src.get("text_sha256") or "") or None,
    )
    if check.source.text is None:
        check.add("source", check.source.message)
        return check
    if check.source.status == "mismatch":
        check.add(
            "source.sha256",
            f"{check.source.path} is not the text this gold was made on (its sha256 differs from source.sha256)",
        )
    text_found = GoldFindings()
    if check.source.status != "mismatch":
        check_source(text_found, {"source": {"chars": src.get("chars")}}, check.source.text, None)
    check_quotes(text_found, data, check.source.text)
    for where, what in text_found.problems:
        check.add(where, what)
    check.quotes, check.items = text_found.quotes, text_found.items
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
        "# Held out while no rule, prompt or tuned configuration is changed with these reports in view; set it to\n"
        "# true (and say why) once one is, so every score from this suite is reported as in-sample.\n"
        "in_sample = false\n"
        'in_sample_reason = "Reports reviewed with `fazhi review` after the extractor was built; gold made from '
        'corrected extractions (a reviewer may lean towards what the tool said)."\n\n'
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
        raise ConfigError(
            "cannot add to the suite's `documents` list automatically", hint=f'add "{doc_id}" to it by hand'
        )
    listing = "documents = [\n" + "".join(f"  {json.dumps(d, ensure_ascii=False)},\n" for d in [*docs, doc_id]) + "]"
    new_text = block.sub(lambda _: listing, toml_text)
    if tomllib.loads(new_text) != {**data, "documents": [*docs, doc_id]}:
        raise ConfigError(
            "cannot add to the suite's `documents` list automatically", hint=f'add "{doc_id}" to it by hand'
        )
    return new_text


def add_gold(path: Path, suite: str, source: Optional[Path] = None) -> AddResult:
    """Check the gold file, then copy its text and itself into the suite. Raises InputError listing the
    problems if the check fails; nothing is written then. Every write is atomic."""
    check = check_gold(path, source)
    if not check.ok or check.report is None or check.source is None or check.source.path is None:
        raise InputError(
            f"{path} does not pass `fazhi gold check` ({len(check.problems)} problem(s)):\n  "
            + "\n  ".join(check.problems)
        )
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
        raw = (check.source.text or "").encode("utf-8")
    text_path, gold_path = the_suite.source_path(doc_id), the_suite.gold_path(doc_id)
    if text_path.exists() and text_path.read_bytes() != raw:
        raise InputError(
            f"suite {name} already has a different text named {text_path.name}",
            hint="rename the source file (its name is the document id) and review it again",
        )
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
