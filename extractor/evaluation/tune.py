"""`fazhi tune`: try prompt variants × few-shot example counts per section kind, choose on training folds,
score on the held-out group, and write the winner as a versioned prompt configuration with its record.

Candidates of one kind: the current prompt (prompts/<kind>.toml) and each variant a prompt author puts in a
folder (`<kind>.<label>.toml`, the same TOML shape), each with k retrieved examples for every k asked
(`--examples 0,2,4`). Only that kind is asked of the model (`--model-fields <kind>`); its score on a document
is the field's typed F1 (what the model decides counts only when right), from the evaluation's scorers.

Folds are leave-one-group-out over the pooled suites, grouped as `choose.py` groups them (a seed with its
layout rewrites). Examples come from the gold of the suites tuned on, never from the document's own group,
and in a fold never from the held-out group: a training document of fold h is run with its own group and h
left out of the bank, the held-out document with its own group left out. In each fold the candidate with
the best mean training score is chosen (ties go to the earlier, simpler candidate) and scored on the held-
out group; the winner written is the best candidate on all the data. Its estimate is the per-document
score of each fold's choice on the held-out group, with paired bootstrap intervals (bootstrap.py, over
groups) against the current prompt and against the rules backend.

All of it is in-sample: these suites were read while the tool was built, so the fold scores estimate what
tuning buys; they are not held-out evidence. A candidate with examples is run once per fold per document
(its bank differs per fold); answers are cached, so a rerun costs no call.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from extractor.config import Config
from extractor.errors import ConfigError, InputError
from extractor.evaluation import examples as gold_examples
from extractor.evaluation.bootstrap import paired
from extractor.evaluation.choose import KIND_FIELDS, KEY, group_key
from extractor.evaluation.suites import Suite, extract_solver, load_suite, run_suite
from extractor.model import prompt_sets, prompts

TUNE_KINDS = ("measures", "plans", "problems", "rectifications", "leadership", "metrics")
CURRENT = "current"
Tick = Callable[[str], None]  # called after each document run, with what was run


@dataclass(frozen=True)
class Candidate:
    name: str  # "current" or the variant's label
    prompt: prompts.Prompt
    examples: int

    @property
    def label(self) -> str:
        return f"{self.name}+{self.examples}ex" if self.examples else self.name


@dataclass
class Cost:
    calls: int = 0
    cache_hits: int = 0
    tokens_in: int = 0
    tokens_out: int = 0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Doc:
    suite: Suite
    doc: str
    group: str

    @property
    def qualified(self) -> str:
        return f"{self.suite.name}/{self.doc}"


@dataclass
class KindResult:
    kind: str
    candidates: list[Candidate]
    scores: dict[str, dict[tuple[str, frozenset], Optional[float]]] = field(default_factory=dict)  # label -> …
    costs: dict[str, Cost] = field(default_factory=dict)
    rules: dict[str, Optional[float]] = field(default_factory=dict)  # qualified doc -> rules score
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- candidates


def variants(folder: Optional[Path], kind: str) -> list[tuple[str, prompts.Prompt]]:
    """The variants of `kind` in `folder` (`<kind>.<label>.toml`), each loaded and checked like prompts/<kind>.toml:
    a file that is not valid TOML or lacks a field is a `ConfigError` naming it (exit 2)."""
    if folder is None:
        return []
    if not Path(folder).is_dir():
        raise ConfigError(f"--variants {folder} is not a folder")
    out = []
    for path in sorted(Path(folder).glob(f"{kind}.*.toml")):
        label = path.name[len(kind) + 1 : -len(".toml")]
        out.append((label, prompts.load_variant(kind, path)))
    return out


def candidates(kind: str, folder: Optional[Path], counts: list[int]) -> list[Candidate]:
    current = prompts.load(kind)
    prompt_list = [(CURRENT, current), *variants(folder, kind)]
    # k = 0 always: the current prompt as it is is the baseline every candidate is compared with
    ks = sorted({0, *counts}) if kind in gold_examples.EXAMPLE_KINDS else [0]
    return [Candidate(name, p, k) for k in ks for name, p in prompt_list]


def check_variant_folder(folder: Optional[Path], kinds: tuple[str, ...]) -> list[str]:
    """Every TOML file in the folder, checked before any call is spent; notes for files tune will not use."""
    if folder is None:
        return []
    if not Path(folder).is_dir():
        raise ConfigError(f"--variants {folder} is not a folder")
    notes = []
    for path in sorted(Path(folder).glob("*.toml")):
        kind = path.name.split(".", 1)[0]
        if kind not in prompts.KINDS or path.name.count(".") < 2:
            notes.append(
                f"{path.name}: not named <kind>.<label>.toml with a kind of {', '.join(prompts.KINDS)}; ignored"
            )
            continue
        prompts.load_variant(kind, path)  # raises ConfigError for invalid TOML or a missing field
        if kind not in kinds:
            notes.append(f"{path.name}: kind {kind} is not tuned (--kinds); ignored")
    return notes


# ---------------------------------------------------------------- running


def _tuned_file(tmp: Path, kind: str, cand: Candidate, bank: tuple, exclude: frozenset) -> Optional[Path]:
    """The configuration a candidate runs with; None for the current prompt without examples (the default
    prompt itself, so its answers are the cached answers of any ordinary eval)."""
    if cand.name == CURRENT and cand.examples == 0:
        return None
    part = kind_part(cand, tuple(e for e in bank if e.group not in exclude) if cand.examples else ())
    path = tmp / f"{kind}-{prompt_sets.content_version({kind: part})}.toml"
    if not path.exists():
        path.write_text(prompt_sets.dumps({"format": prompt_sets.FORMAT}, {kind: part}, {}), encoding="utf-8")
    return path


def kind_part(cand: Candidate, bank: tuple) -> dict:
    p = cand.prompt
    return {
        "source": cand.name,
        "instructions": p.instructions,
        "template": p.template,
        "example_input": p.example_input,
        "example_output": p.example_output,
        "examples": cand.examples,
        "bank": [e.__dict__ for e in bank],
    }


def _score_one(doc: Doc, config: Config, fname: str, cost: Optional[Cost]) -> tuple[Optional[float], Optional[str]]:
    """One document extracted with `config`: its `fname` typed F1 and None, or (None, why) when the document
    failed; what the calls cost is added to `cost`."""

    def solver(path, cfg, **kw):
        report = extract_solver(path, cfg, **kw)
        if cost is not None and report.run is not None:
            run = report.run
            cost.calls += run.calls
            cost.cache_hits += run.cache_hits
            cost.tokens_in += run.tokens_in
            cost.tokens_out += run.tokens_out
        return report

    result = run_suite(replace(doc.suite, documents=(doc.doc,)), config, solver=solver, floors=False)
    if doc.doc in result.errors:
        return None, result.errors[doc.doc]
    return (result.reports().get(doc.doc, {}).get(fname) or {}).get(KEY), None


def _mean(vals) -> Optional[float]:
    vals = [v for v in vals if v is not None]
    return sum(vals) / len(vals) if vals else None


def documents(suites: list[Suite]) -> list[Doc]:
    return [Doc(s, d, group_key(s.name, d)) for s in suites for d in s.documents]


def _runs(cand: Candidate, n_docs: int, n_groups: int) -> int:
    return n_docs * (n_groups if cand.examples else 1)


class Tuner:
    """One tuning run: the suites' documents, the kinds, the candidates; `run()` gives the record."""

    def __init__(
        self,
        config: Config,
        kinds: tuple[str, ...],
        suite_names: tuple[str, ...],
        folder: Optional[Path] = None,
        counts: tuple[int, ...] = (0,),
    ):
        if not config.spec.calls_model:
            raise ConfigError(
                "fazhi tune tunes a model's prompts: choose a model backend",
                hint="--backend openai --base-url URL --model NAME (or --backend local)",
            )
        unknown = [k for k in kinds if k not in TUNE_KINDS]
        if unknown or not kinds:
            raise ConfigError(
                f"unknown --kinds {', '.join(unknown) or '(none)'}", hint=f"kinds: {', '.join(TUNE_KINDS)}"
            )
        if any(k < 0 for k in counts):
            raise ConfigError("--examples counts must be ≥ 0")
        self.config = config.with_(prompts=None)
        self.kinds, self.counts, self.folder = kinds, list(counts), folder
        self.notes = check_variant_folder(folder, kinds)
        self.suites = [load_suite(name) for name in suite_names]
        self.docs = documents(self.suites)
        if not self.docs:
            raise InputError("no documents to tune on", hint="--suites seeds,layouts,realistic")
        self.groups = sorted({d.group for d in self.docs})
        self.candidates = {k: candidates(k, folder, self.counts) for k in kinds}
        self.banks: dict[str, tuple] = {}
        for kind in kinds:
            self.banks[kind], bank_notes = gold_examples.bank(self.suites, kind)
            self.notes += bank_notes
            if kind not in gold_examples.EXAMPLE_KINDS and any(self.counts):
                self.notes.append(
                    f"{kind}: no examples from gold for this kind (its answer is not stored whole "
                    "in gold); only 0 examples tried"
                )

    @property
    def total(self) -> int:
        """Document runs the tuning makes (for a progress bar): the rules once, then every candidate's."""
        n, g = len(self.docs), len(self.groups)
        return n + sum(_runs(c, n, g) for cands in self.candidates.values() for c in cands)

    def run(self, tick: Optional[Tick] = None, tmp_dir: Optional[Path] = None) -> "TuneResult":
        tick = tick or (lambda what: None)
        rules_cfg = self.config.with_(backend="rules")
        rules: dict[str, dict] = {}
        for d in self.docs:
            result = run_suite(replace(d.suite, documents=(d.doc,)), rules_cfg, floors=False)
            rules[d.qualified] = result.reports().get(d.doc, {})
            tick(f"rules {d.qualified}")
        with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
            results = {kind: self._kind(kind, rules, Path(tmp), tick) for kind in self.kinds}
        return TuneResult(self, results)

    def _kind(self, kind: str, rules: dict[str, dict], tmp: Path, tick: Tick) -> KindResult:
        fname = KIND_FIELDS[kind]
        cfg = self.config.with_(model_fields=kind)
        res = KindResult(kind, self.candidates[kind])
        res.rules = {q: (n.get(fname) or {}).get(KEY) for q, n in rules.items()}
        for cand in res.candidates:
            cost, table = res.costs.setdefault(cand.label, Cost()), res.scores.setdefault(cand.label, {})
            for d in self.docs:
                others = [h for h in self.groups if h != d.group] if cand.examples else []
                for exclude in (frozenset({d.group}), *(frozenset({d.group, h}) for h in others)):
                    path = _tuned_file(tmp, kind, cand, self.banks[kind], exclude)
                    table[(d.qualified, exclude)], error = _score_one(d, cfg.with_(prompts=path), fname, cost)
                    if error is not None:
                        res.notes.append(f"{cand.label} {d.qualified}: failed, not scored ({error})")
                    tick(f"{kind} {cand.label} {d.qualified}")
        return res


class TuneResult:
    """The folds' choices, the winner per kind, and the record and file `fazhi tune --out` writes."""

    def __init__(self, tuner: Tuner, results: dict[str, KindResult]):
        self.tuner, self.results = tuner, results
        self.date = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.kinds_record = {kind: self._analyse(res) for kind, res in results.items()}

    def _score(self, res: KindResult, cand: Candidate, d: Doc, held: Optional[str]) -> Optional[float]:
        exclude = frozenset({d.group} | ({held} if held is not None and cand.examples else set()))
        return res.scores[cand.label].get((d.qualified, exclude))

    def _folds(self, res: KindResult) -> tuple[list[dict], dict[str, Optional[float]]]:
        """Leave one group out: the candidate chosen on the others, and its score on each held-out document."""
        docs, cands = self.tuner.docs, res.candidates
        folds, held_score = [], {}
        for h in self.tuner.groups:
            train = [d for d in docs if d.group != h]
            means = {c.label: _mean(self._score(res, c, d, h) for d in train) for c in cands}
            chosen = max(cands, key=lambda c: (-1.0 if means[c.label] is None else means[c.label], -cands.index(c)))
            test = [d for d in docs if d.group == h]
            for d in test:
                held_score[d.qualified] = self._score(res, chosen, d, None)
            folds.append(
                {
                    "held_out": h,
                    "chosen": chosen.label,
                    "train": _r(means[chosen.label]),
                    "held": _r(_mean(held_score[d.qualified] for d in test)),
                }
            )
        return folds, held_score

    def _analyse(self, res: KindResult) -> dict:
        docs, cands = self.tuner.docs, res.candidates
        full = {c.label: _mean(self._score(res, c, d, None) for d in docs) for c in cands}
        folds, held_score = self._folds(res)
        winner = max(cands, key=lambda c: (-1.0 if full[c.label] is None else full[c.label], -cands.index(c)))
        current = cands[0]
        base = {d.qualified: self._score(res, current, d, None) for d in docs}

        def interval(against: dict[str, Optional[float]]) -> dict:
            rows = []
            for d in docs:
                held, other = held_score.get(d.qualified), against.get(d.qualified)
                if held is not None and other is not None:
                    rows.append((held - other, d.group))
            return paired([x for x, _ in rows], [g for _, g in rows]).to_dict()

        if (against_rules := interval(res.rules))["verdict"] == "worse":
            res.notes.append(
                f"{res.kind}: the rules score higher than the tuned prompt on the held-out folds "
                f"({against_rules['diff']:+.3f}): leave {res.kind} to the rules (--model-fields)"
            )
        chosen_counts: dict[str, int] = {}
        for f in folds:
            chosen_counts[f["chosen"]] = chosen_counts.get(f["chosen"], 0) + 1
        return {
            "field": KIND_FIELDS[res.kind],
            "candidates": [
                {
                    "name": c.name,
                    "examples": c.examples,
                    "prompt_version": c.prompt.version,
                    "score": _r(full[c.label]),
                    "folds_chosen": chosen_counts.get(c.label, 0),
                    **res.costs[c.label].to_dict(),
                }
                for c in cands
            ],
            "folds": folds,
            "winner": winner.label,
            "winner_score": _r(full[winner.label]),
            "held_out": {
                "tuned_per_fold": _r(_mean(held_score.values())),
                "current": _r(_mean(base.values())),
                "rules": _r(_mean(res.rules.get(d.qualified) for d in docs)),
            },
            "vs_current": interval(base),
            "vs_rules": against_rules,
            "notes": res.notes,
        }

    def winner(self, kind: str) -> Candidate:
        label = self.kinds_record[kind]["winner"]
        return next(c for c in self.results[kind].candidates if c.label == label)

    def kinds(self) -> dict[str, dict]:
        """What the file sets: each kind whose winner is not the current prompt as it is (that one needs no
        entry: prompts/<kind>.toml stays in force), with the full bank when it uses examples."""
        out = {}
        for kind in self.results:
            cand = self.winner(kind)
            if cand.name == CURRENT and cand.examples == 0:
                continue
            out[kind] = kind_part(cand, self.tuner.banks[kind] if cand.examples else ())
        return out

    def record(self) -> dict:
        t = self.tuner
        cfg = t.config
        return {
            "date": self.date,
            "backend": cfg.resolved_backend,
            "model": cfg.model_name,
            "base_url": cfg.base_url if cfg.spec.uses_endpoint else None,
            "suites": [s.name for s in t.suites],
            "documents": len(t.docs),
            "groups": len(t.groups),
            "example_counts": sorted({0, *t.counts}),
            "variants": str(t.folder) if t.folder else None,
            "in_sample": True,
            "method": "leave-one-group-out: per fold the best candidate on the training groups' typed F1 is "
            "scored on the held-out group; examples never from the document's own group nor the "
            "fold's held-out group; winner = best on all data; intervals = paired bootstrap 95% "
            "over groups of (fold's choice on its held-out group − current prompt / rules)",
            "notes": t.notes,
            "kinds": self.kinds_record,
        }

    def text(self) -> tuple[str, str]:
        """(file text, version)."""
        kinds = self.kinds()
        version = prompt_sets.content_version(kinds)
        cfg = self.tuner.config
        header = {
            "format": prompt_sets.FORMAT,
            "version": version,
            "backend": cfg.resolved_backend,
            "model": cfg.model_name,
            "date": self.date,
            "in_sample": True,
        }
        comment = (
            "Written by `fazhi tune`. Use with `--prompts FILE` (or env FAZHI_PROMPTS).\n"
            "The [record] scores are in-sample estimates from leave-one-group-out folds, not held-out evidence."
        )
        return prompt_sets.dumps(header, kinds, self.record(), comment), version


def _r(v: Optional[float]) -> Optional[float]:
    return None if v is None else round(v, 6)
