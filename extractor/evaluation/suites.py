"""Eval suites and runs: Sample → Solver → Scorer → Metric → log (inspect_ai's shape).

- a *sample* is one seed document plus its gold file (`evals/gold/<id>.json`);
- the *solver* is `extractor.pipeline.extract` (through the response cache), or a folder of saved
  predictions (`<id>.json`) when `pred_dir` is given;
- the *scorers* are the per-field functions in `extractor.evaluation.scoring`;
- the *metric* is the suite mean per field (`scoring.summarize`);
- the *log* is one versioned JSON object (`EvalResult.log()`), so two runs can be diffed by `compare()`.

A suite is a TOML file (`evals/suites/seeds.toml`): which documents, where the seeds and gold are, which
fields are scored, and how far each score may drop before `compare` calls it a regression.
"""

from __future__ import annotations

import hashlib

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from pydantic import ValidationError

from extractor import __version__
from extractor.evaluation import goldcheck, scoring
from extractor.config import Config
from extractor.errors import ConfigError, FazhiError, InputError
from schemas.report import Report

LOG_VERSION = 3  # 2: typed scores, headline, causes, sections, floors, attribution; 3: summaries under a length
# budget, the quote-copy floor, the floors gate, in-sample and known-at-floor from the suite
ROOT = Path(__file__).resolve().parents[2]
SUITES_DIR = ROOT / "evals" / "suites"
GATE_FIELDS = frozenset({*scoring.FIELDS, "grounding", "overall", "headline"})

Progress = Callable[[str, int, int], None]
Solver = Callable[[Path, Config], Report]  # a document's path and the run's config -> its prediction


# ---------------------------------------------------------------- suites


@dataclass(frozen=True)
class Tolerances:
    """How far a score may drop. Keys: a field name (gates that field's primary score: metadata score,
    typed F1, compliance accuracy, grounding share, overall, headline), `field.key` for another of its
    scores, `*.key` for that score of every field, or `default` for every primary score not named. A score
    with no tolerance is reported but never gates."""

    suite: dict[str, float] = field(default_factory=dict)  # on suite means
    report: dict[str, float] = field(default_factory=dict)  # on each report's own scores

    @staticmethod
    def lookup(table: dict[str, float], field_name: str, key: str) -> Optional[float]:
        dotted = f"{field_name}.{key}"
        if dotted in table:
            return table[dotted]
        if f"*.{key}" in table:
            return table[f"*.{key}"]
        if key == scoring.primary_key(field_name):
            return table.get(field_name, table.get("default"))
        return None


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    seeds_dir: Path
    gold_dir: Path
    documents: tuple[str, ...]
    fields: tuple[str, ...] = scoring.FIELDS
    tolerances: Tolerances = field(default_factory=Tolerances)
    description: str = ""
    in_sample: Optional[bool] = None  # None: the suite file does not say
    in_sample_reason: str = ""
    known_at_floor: dict[str, str] = field(default_factory=dict)  # field -> why no backend lifts it yet

    def source_path(self, doc_id: str) -> Path:
        return self.seeds_dir / f"{doc_id}.txt"

    def gold_path(self, doc_id: str) -> Path:
        return self.gold_dir / f"{doc_id}.json"


def _suite_path(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.is_file():  # not `exists()`: `seeds` is also the seeds folder
        if not path.is_file():
            raise ConfigError(f"suite file {path} not found")
        return path
    for folder in (Path.cwd() / "evals" / "suites", SUITES_DIR):
        if (folder / f"{name_or_path}.toml").is_file():
            return folder / f"{name_or_path}.toml"
    known = sorted(p.stem for p in SUITES_DIR.glob("*.toml"))
    raise ConfigError(f"no suite named {name_or_path!r}", hint=f"known suites: {', '.join(known) or 'none'}")


def _tolerance_table(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table of numbers")
    for key, value in raw.items():
        if key != "default" and key.split(".")[0] not in GATE_FIELDS and not (key.startswith("*.") and len(key) > 2):
            raise ConfigError(f"{where}: unknown field {key!r}", hint=f"fields: {', '.join(sorted(GATE_FIELDS))}")
        if not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"{where}.{key} must be a number ≥ 0, got {value!r}")
    return {k: float(v) for k, v in raw.items()}


def load_suite(name_or_path: str | Path) -> Suite:
    """A suite by name (`seeds` → evals/suites/seeds.toml) or by path; relative dirs are relative to it."""
    path = _suite_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"suite {path} is not valid TOML: {exc}") from exc
    base = path.parent
    seeds_dir = (base / data.get("seeds_dir", "../../seeds")).resolve()
    gold_dir = (base / data.get("gold_dir", "../gold")).resolve()
    fields = tuple(data.get("fields", scoring.FIELDS))
    unknown = [f for f in fields if f not in scoring.FIELDS]
    if unknown:
        raise ConfigError(f"suite {path}: unknown fields {unknown}", hint=f"fields: {', '.join(scoring.FIELDS)}")
    documents = data.get("documents")
    if documents is None:  # every seed in the folder
        documents = sorted(p.stem for p in seeds_dir.glob("*.txt"))
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        raise ConfigError(f"suite {path}: `documents` must be a list of seed ids")
    tolerances = Tolerances(
        suite=_tolerance_table(data.get("tolerances", {}), "tolerances"),
        report=_tolerance_table(data.get("report_tolerances", {}), "report_tolerances"),
    )
    in_sample = data.get("in_sample")
    if in_sample is not None and not isinstance(in_sample, bool):
        raise ConfigError(f"suite {path}: `in_sample` must be true or false, got {in_sample!r}")
    return Suite(
        name=data.get("name", path.stem),
        path=path,
        seeds_dir=seeds_dir,
        gold_dir=gold_dir,
        documents=tuple(documents),
        fields=fields,
        tolerances=tolerances,
        description=data.get("description", ""),
        in_sample=in_sample,
        in_sample_reason=str(data.get("in_sample_reason", "")),
        known_at_floor=_known_at_floor(data.get("known_at_floor", {}), fields, path),
    )


def _known_at_floor(raw: Any, fields: tuple[str, ...], path: Path) -> dict[str, str]:
    """`known_at_floor = {causes = "why"}`: fields no backend lifts off their floor yet, each with its reason."""
    if not isinstance(raw, dict):
        raise ConfigError(f'suite {path}: `known_at_floor` must be a table of field = "reason"')
    for name, reason in raw.items():
        if name not in (*fields, "headline"):
            raise ConfigError(
                f"suite {path}: known_at_floor names {name!r}, not a scored field", hint=f"fields: {', '.join(fields)}"
            )
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"suite {path}: known_at_floor.{name} needs a reason (a non-empty string)")
    return dict(raw)


# ---------------------------------------------------------------- runs


@dataclass
class EvalResult:
    suite: Suite
    config: Optional[dict]
    pred_dir: Optional[str] = None
    scores: dict[str, scoring.ReportScore] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # scored 0
    skipped: dict[str, str] = field(default_factory=dict)  # no usable gold: not scored at all
    partial: list[str] = field(default_factory=list)  # a section failed; scored as it is
    gold: dict[str, str] = field(default_factory=dict)  # id -> sha256 prefix of the gold file
    prompt_versions: dict[str, str] = field(default_factory=dict)
    constant: list[str] = field(default_factory=list)  # fields whose gold never varies: not in the headline
    floors: dict[str, dict] = field(default_factory=dict)  # empty | majority | quote_copy | rules -> suite means
    floor_errors: dict[str, str] = field(default_factory=dict)
    quote_copy_by_n: dict[str, dict] = field(default_factory=dict)  # N -> suite means of the first-N copy

    def attribution(self) -> dict[str, dict]:
        """Per field and source (model, rules): items, matched, right and the accuracy of the matched."""
        out: dict[str, dict] = {}
        for numbers in (s.numbers() for s in self.scores.values()):
            for fname, vals in numbers.items():
                for src in scoring.SOURCES:
                    if f"{src}_items" not in vals:
                        continue
                    row = out.setdefault(fname, {}).setdefault(src, {"items": 0, "matched": 0, "right": 0})
                    for what in row:
                        row[what] += vals[f"{src}_{what}"]
        for sources in out.values():
            for row in sources.values():
                row["accuracy"] = round(row["right"] / row["matched"], 6) if row["matched"] else None
        return out

    def reports(self) -> dict[str, dict]:
        out = {}
        for doc_id in self.suite.documents:
            if doc_id in self.scores:
                out[doc_id] = self.scores[doc_id].numbers()
            elif doc_id in self.errors:
                out[doc_id] = scoring.failed_numbers(self.suite.fields)
        return out

    def misses(self) -> dict[str, dict]:
        return {doc_id: m for doc_id, s in self.scores.items() if (m := s.misses())}

    def log(self) -> dict:
        from extractor.evaluation.floors import log_gate_failures

        reports = {doc_id: _rounded(numbers) for doc_id, numbers in self.reports().items()}
        log = {
            "version": LOG_VERSION,
            "suite": self.suite.name,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tool_version": __version__,
            "config": self.config,
            "pred_dir": self.pred_dir,
            "fields": list(self.suite.fields),
            "gold": self.gold,
            "gold_hash": gold_hash(self.gold),  # the suite's gold as one hash: `eval compare` refuses other gold
            "prompt_versions": self.prompt_versions,
            "reports": reports,
            "summary": _rounded(scoring.summarize(reports)),
            "errors": self.errors,
            "skipped": self.skipped,
            "partial": self.partial,
            "misses": self.misses(),
            "constant_fields": self.constant,
            "floors": {name: _rounded(numbers) for name, numbers in self.floors.items()},
            "quote_copy_by_n": {n: _rounded(numbers) for n, numbers in self.quote_copy_by_n.items()},
            "floor_errors": self.floor_errors,
            "known_at_floor": self.suite.known_at_floor,
            "in_sample": self.suite.in_sample,
            "in_sample_reason": self.suite.in_sample_reason,
            "attribution": self.attribution(),
        }
        # The gate from the log's own (rounded) numbers: what --baseline recomputes from the saved file.
        known = self.suite.known_at_floor
        log["floor_gate"] = [f.to_dict() for f in log_gate_failures(log, known)] if self.floors else []
        at_floor = {f.field for f in log_gate_failures(log, ())} if self.floors else set(known)
        log["known_at_floor_stale"] = [f for f in known if f not in at_floor]  # lifted off its floor: gate it again
        return log


def gold_hash(gold: dict[str, str]) -> str:
    """One hash for a suite's gold: of each document's gold-file hash (the log's `gold`), in id order."""
    payload = "\n".join(f"{doc}:{h}" for doc, h in sorted(gold.items()))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _rounded(numbers: dict[str, dict]) -> dict[str, dict]:
    # Six places: readable logs, and no 0.7499999999999999 vs 0.75 noise when two runs are diffed.
    return {f: {k: round(v, 6) if isinstance(v, float) else v for k, v in vals.items()} for f, vals in numbers.items()}


def read_source(path: Path) -> str:
    """The text evidence offsets point into: decoded exactly as extraction decodes it (BOMs, UTF-16, GB18030)."""
    from extractor.text.ingest import read_document

    return read_document(path).text


def _load_report(path: Path, what: str = "report") -> Report:
    """A Report from JSON, or an `InputError` whose one line says which file, what is wrong and where."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} {path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot read it ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(f"{what} {path}: empty file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} {path}: not UTF-8 text (byte {exc.start}): corrupt or not JSON") from None
    try:
        return Report.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(f"{what} {path}: {_first_problem(exc, text)}") from None


def _first_problem(exc: ValidationError, text: str) -> str:
    """pydantic's first error as one line: JSON syntax (with line and column) or the field that is wrong."""
    first = exc.errors()[0]
    more = exc.error_count() - 1
    tail = f" (and {more} more)" if more > 0 else ""
    if first["type"] == "json_invalid":
        import json

        try:
            json.loads(text)
        except json.JSONDecodeError as err:
            return f"not valid JSON, {err.msg} at line {err.lineno} column {err.colno} (truncated or corrupt?)"
        return f"not valid JSON: {first['msg']}"
    where = ".".join(str(p) for p in first["loc"]) or "the top level"
    return f"not a valid Report: {where}: {first['msg']}{tail}"


def extract_solver(path: Path, config: Config, **kw) -> Report:
    # Imported here: scoring saved predictions (--pred-dir) must not need the extraction stack.
    from extractor.pipeline import extract

    return extract(path, config, **kw)  # the response cache lives inside the pipeline's model client


def _is_partial(report: Report) -> bool:
    from extractor.pipeline import is_partial

    return is_partial(report)


def run_suite(
    suite: Suite,
    config: Optional[Config],
    pred_dir: Optional[Path] = None,
    progress: Optional[Progress] = None,
    solver: Solver = extract_solver,
    on_calls: Optional[Callable[[str, str, int, int], None]] = None,
    floors: bool = True,
) -> EvalResult:
    """Score every document of the suite, by extracting it (`solver`) or by reading `pred_dir/<id>.json`.
    A document whose gold, source or prediction cannot be loaded — or whose prediction is of other bytes
    than the suite's file (`source.sha256`) — is an error, scored 0, with a one-line reason; the run goes on
    and the CLI exits 1."""
    if pred_dir is None and config is None:
        raise ConfigError("run_suite needs a config to extract with, or a pred_dir of predictions")
    result = EvalResult(
        suite=suite,
        config=config.describe() if config else None,
        pred_dir=str(pred_dir) if pred_dir is not None else None,
    )
    total = len(suite.documents)
    extra = _solver_options(config) if config is not None and pred_dir is None and solver is extract_solver else {}
    golds: dict[str, Report] = {}
    preds: dict[str, tuple[Report, str]] = {}
    for done, doc_id in enumerate(suite.documents):
        if progress:
            progress(doc_id, done, total)
        try:
            gold, source = _gold_and_source(suite, doc_id)
        except (FazhiError, OSError) as exc:
            result.errors[doc_id] = str(exc)
            continue
        golds[doc_id] = gold
        result.gold[doc_id] = hashlib.sha256(suite.gold_path(doc_id).read_bytes()).hexdigest()[:16]
        try:
            pred = _predict(suite, doc_id, config, pred_dir, solver, extra, on_calls)
        except ConfigError:
            raise  # about the run, not this document (the circuit breaker, a key the endpoint refuses)
        except Exception as exc:  # noqa: BLE001 — any failure of one document must not stop the suite
            result.errors[doc_id] = str(exc) if isinstance(exc, FazhiError) else f"{type(exc).__name__}: {exc}"
            continue
        if _is_partial(pred):
            result.partial.append(doc_id)
        if pred.run is not None:
            result.prompt_versions.update(pred.run.prompt_versions)
        preds[doc_id] = (pred, source)
    _score_suite(suite, result, golds, preds)
    if floors:
        result.floors = _floors(
            suite, golds, result, config, pred_dir, solver, {d: pred for d, (pred, _) in preds.items()}
        )
        result.quote_copy_by_n = result.floors.pop("quote_copy_by_n", {})
    if progress:
        progress("done", total, total)
    return result


def _predict(
    suite: Suite,
    doc_id: str,
    config: Optional[Config],
    pred_dir: Optional[Path],
    solver: Solver,
    extra: dict[str, Any],
    on_calls: Optional[Callable[[str, str, int, int], None]],
) -> Report:
    """One document's prediction: read from `pred_dir`, else extracted by `solver` with the suite's options."""
    if pred_dir is not None:
        return _saved_prediction(suite, doc_id, Path(pred_dir))
    assert config is not None  # run_suite checked it: a suite that is extracted has its config
    kw = dict(extra)
    if on_calls is not None:
        kw["progress"] = lambda stage, n, of: on_calls(doc_id, stage, n, of)
    return solver(suite.source_path(doc_id), config, **kw)


def _score_suite(
    suite: Suite, result: EvalResult, golds: dict[str, Report], preds: dict[str, tuple[Report, str]]
) -> None:
    # Which fields count toward the headline depends on the whole suite's gold, so scoring waits for it.
    result.constant = sorted(scoring.constant_fields(golds.values()))
    for doc_id, (pred, source) in preds.items():
        result.scores[doc_id] = scoring.score_report(golds[doc_id], pred, source, suite.fields, result.constant)


def _solver_options(config: Config) -> dict[str, Any]:
    from extractor.pipeline import new_breaker, preflight

    preflight(config)  # an endpoint that cannot work: ConfigError (exit 2) before the first document
    return {"breaker": new_breaker(config)}  # one breaker for the suite: a dead endpoint stops it


def _gold_and_source(suite: Suite, doc_id: str) -> tuple[Report, str]:
    """A document's gold and source text, the gold checked against the source before it scores anything."""
    gold_path = suite.gold_path(doc_id)
    gold = _load_report(gold_path, "gold")
    source = read_source(suite.source_path(doc_id))
    goldcheck.check_for_scoring(
        gold_path, source, hashlib.sha256(suite.source_path(doc_id).read_bytes()).hexdigest(), suite.fields
    )
    return gold, source


def _saved_prediction(suite: Suite, doc_id: str, pred_dir: Path) -> Report:
    """`pred_dir/<id>.json`, which must have been made from the suite's file (its source.sha256)."""
    pred = _load_report(pred_dir / f"{doc_id}.json", "prediction")
    want = hashlib.sha256(suite.source_path(doc_id).read_bytes()).hexdigest()
    if pred.source.sha256 != want:
        raise InputError(
            f"prediction {pred_dir / f'{doc_id}.json'}: made from other bytes "
            f"(source.sha256 {pred.source.sha256[:12]}…, {suite.source_path(doc_id).name} "
            f"has {want[:12]}…)"
        )
    return pred


def _floors(
    suite: Suite,
    golds: dict[str, Report],
    result: "EvalResult",
    config: Optional[Config],
    pred_dir: Optional[Path],
    solver: Solver,
    preds: dict[str, Report],
) -> dict[str, dict]:
    """The floors of this suite (floors.py); a rules-backend run is its own rules floor; the quote copy is
    made of this run's own predictions."""
    from extractor.evaluation.floors import floor_scores

    if pred_dir is None and config is not None and not config.spec.calls_model and solver is extract_solver:
        rules: dict | None = {d: s.numbers() for d, s in result.scores.items()}
        return floor_scores(golds, suite.fields, result.constant, rules, None, preds=preds)
    rules_config = (config or Config.from_env()).with_(backend="rules")

    def extract_rules(doc_id: str) -> Report:
        return extract_solver(suite.source_path(doc_id), rules_config)

    return floor_scores(golds, suite.fields, result.constant, None, extract_rules, result.floor_errors, preds)
