"""A small mutation pass: do the tests notice when the code that judges the model is broken?

    python bench/mutants.py                 # all mutants, report to stdout and bench/mutants-last.json
    python bench/mutants.py --only NAME...  # just these (e.g. the survivors of the last run)
    python bench/mutants.py --list          # the mutants, without running anything

Each mutant is one small change to one file of extractor/labeling/, extractor/structure/parts.py or
extractor/evaluation/: the named semantic mutants below (each a way the eval or the checks on model answers
could silently stop working), plus operator mutants found in those files by the AST (a comparison flipped,
`and`/`or` swapped, a `not` dropped, a True/False flipped), taken evenly spread and at most PER_FILE per
file so a run stays within minutes. A mutant is applied to a copy of the project in a temporary folder and
TESTS run there with `-x`; the mutant is *killed* when a test fails (or the run times out), *survives*
when every test passes. Nothing in the working tree is touched.

mutmut is not installable here (not in the package index this machine uses), hence this script.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = sorted([*(ROOT / "extractor" / "labeling").glob("*.py"), ROOT / "extractor" / "structure" / "parts.py",
                  *(ROOT / "extractor" / "evaluation").glob("*.py"), ROOT / "extractor" / "grounding.py"])
# Fast, targeted files first: with -x a mutant is killed at the first failing test, so order is run time only.
TESTS = ["tests/test_eval_floors_gate.py", "tests/test_grounding.py", "tests/test_summaries.py", "tests/test_scoring.py", "tests/test_eval_typed.py", "tests/test_model_checks.py", "tests/test_labeling.py",
         "tests/test_parts.py", "tests/test_review_gold.py", "tests/test_eval_gate.py", "tests/test_eval_cli.py",
         "tests/test_extract_endpoint.py", "tests/test_eval_model_gate.py"]
COPY = ("extractor", "schemas", "tests", "evals", "seeds", "prompts", "pyproject.toml")
PER_FILE = 5
TIMEOUT = 300


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # relative to ROOT
    old: str  # exact text, must occur once
    new: str


SEMANTIC = [
    Mutant("part-answer-ignored-but-marked-model", "extractor/structure/parts.py",
           'decision = PartDecision(part=answer, decided_by="model"', 'decision = PartDecision(part=guess, decided_by="model"'),
    Mutant("no-summary-fallback-for-invented-numbers", "extractor/labeling/plan.py",
           "if bad or not answer_summary.strip():", "if not answer_summary.strip():"),
    Mutant("null-indicator-erases-rules-indicator", "extractor/labeling/plan.py",
           "indicator = got.indicator if got and got.indicator else q.indicator",
           "indicator = got.indicator if got else q.indicator"),
    Mutant("refused-part-answer-accepted", "extractor/labeling/parts.py", "if why is not None:", "if False:"),
    Mutant("none-part-for-a-section-with-text-allowed", "extractor/structure/parts.py",
           'if answer == "none" and question.opening.strip():', 'if answer == "none" and not question.opening:'),
    Mutant("model-answers-not-marked-model", "extractor/labeling/plan.py",
           'section=block.path, evidence=ev, decided_by="model"))', "section=block.path, evidence=ev))"),
    Mutant("typed-f1-is-span-f1", "extractor/evaluation/items.py",
           'mean(float(c) for c in causes)\n    return MatchScore(len(pairs), len(gold), len(pred), extra, misses, '
           'typed_tp=sum(right.values()),',
           'mean(float(c) for c in causes)\n    return MatchScore(len(pairs), len(gold), len(pred), extra, misses, '
           'typed_tp=len(pairs),'),
    Mutant("summary-length-limit-dropped", "extractor/evaluation/summaries.py",
           "if not text or len(text) > SUMMARY_LIMIT or", "if not text or"),
    Mutant("summary-invented-number-allowed", "extractor/evaluation/summaries.py",
           " or invented_numbers(summary or \"\", quote):", ":"),
    Mutant("cause-not-scored-in-problems", "extractor/evaluation/items.py",
           "causes.append(cause_right(gi, pi))", "causes.append(True)"),
    Mutant("metric-name-not-in-typed", "extractor/evaluation/scoring.py",
           "right[p] = names[p] >= NAME_ACCEPTABLE and gold[g].indicator == pred[p].indicator",
           "right[p] = gold[g].indicator == pred[p].indicator"),
    Mutant("constant-fields-counted-in-headline", "extractor/evaluation/scoring.py",
           "if v is None or name in constant or", "if v is None or"),
    Mutant("empty-fields-counted-in-headline", "extractor/evaluation/scoring.py",
           'if not v.get("gold") and not v.get("pred") and name != "metadata":', "if False:"),
    Mutant("eval-skips-gold-checks", "extractor/evaluation/suites.py",
           "            goldcheck.check_for_scoring(gold_path, source,", "            (lambda *a: None)(gold_path, source,"),
    Mutant("duplicates-not-checked", "extractor/evaluation/goldcheck.py", "    check_duplicates(found, data)\n", ""),
    Mutant("missing-terms-not-an-error", "extractor/evaluation/goldcheck.py",
           'if item.get("summary") and item.get("summary_terms") is None:', "if False:"),
    Mutant("attribution-ignores-decided-by", "extractor/evaluation/matching.py",
           'return getattr(item, "decided_by", None) or "rules"', 'return "rules"'),
    Mutant("model-fields-ignored", "extractor/labeling/__init__.py",
           "if self.model_kinds is not None:", "if False:"),
    Mutant("majority-floor-keeps-gold-categories", "extractor/evaluation/floors.py",
           '"measures": [blank(m, category=measure_cat) for m in gold.measures],', '"measures": [blank(m) for m in gold.measures],'),
    Mutant("sections-part-not-compared", "extractor/evaluation/items.py",
           "right[p] = g_tops[g].part == p_tops[p].part", "right[p] = True"),
    # issue 28: summaries under a length budget, the quote-copy floor, the floors gate, the final grounding filter
    Mutant("summary-length-budget-dropped", "extractor/evaluation/summaries.py",
           "return recall if length <= budget else 0.0", "return recall"),
    Mutant("budget-ignores-gold-length", "extractor/evaluation/summaries.py",
           'max(round(BUDGET_FACTOR * _length(gold_summary or "")), BUDGET_MIN)', "BUDGET_MIN"),
    Mutant("quote-copy-keeps-the-runs-summaries", "extractor/evaluation/floors.py",
           '{"summary": "".join(item.evidence.quote.split())[:n]}', "{}"),
    Mutant("quote-copy-floor-is-the-worst-n", "extractor/evaluation/floors.py",
           "vals[key] > best[fname][key]", "vals[key] < best[fname][key]"),
    Mutant("floor-gate-never-fails", "extractor/evaluation/floors.py", "if score <= best + _EPS:", "if False:"),
    Mutant("floor-of-one-gates", "extractor/evaluation/floors.py", " and v < 1.0 - _EPS]", "]"),
    Mutant("known-at-floor-gated", "extractor/evaluation/floors.py",
           'skip, model_fields = {*constant, *known_at_floor, "grounding", "overall"}',
           'skip, model_fields = {*constant, "grounding", "overall"}'),
    Mutant("constant-fields-gated", "extractor/evaluation/floors.py",
           'skip, model_fields = {*constant, *known_at_floor, "grounding", "overall"}',
           'skip, model_fields = {*known_at_floor, "grounding", "overall"}'),
    Mutant("rules-floor-gates-every-field", "extractor/evaluation/floors.py",
           '(n != "rules" or fname in model_fields)', "True"),
    Mutant("gate-failure-exits-0", "extractor/cli/eval.py",
           "or result.errors or gate_failed:", "or result.errors:"),
    Mutant("failing-run-saved-as-baseline", "extractor/cli/eval.py",
           "if path == save_baseline and gate_failed:", "if False:"),
    Mutant("failing-baseline-accepted", "extractor/cli/eval.py",
           '    if failures:\n        raise InputError(f"baseline {path} fails', '    if False:\n        raise InputError(f"baseline {path} fails'),
    Mutant("final-grounding-filter-removed", "extractor/pipeline.py",
           "_with_pages(_drop_ungrounded(report, doc), doc.page_starts)", "_with_pages(report, doc.page_starts)"),
    Mutant("is-grounded-always-true", "extractor/grounding.py",
           'return canon(original[evidence.start : evidence.end]) == canon(evidence.quote) != ""', "return True"),
    Mutant("rules-lead-phrase-never-joined", "extractor/labeling/rules.py", 'lead = f"{lead}，{more}"', "break"),
]

_FLIP = {ast.GtE: ">", ast.Gt: ">=", ast.LtE: "<", ast.Lt: "<=", ast.Eq: "!=", ast.NotEq: "==", ast.In: "not in",
         ast.NotIn: "in", ast.Is: "is not", ast.IsNot: "is"}
_OPS = {ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.Lt: "<", ast.Eq: "==", ast.NotEq: "!=", ast.In: " in ",
        ast.NotIn: " not in ", ast.Is: " is ", ast.IsNot: " is not "}


def operator_mutants(path: Path) -> list[Mutant]:
    """Comparison flips, and/or swaps, dropped `not`s and flipped booleans, as (line-local) text edits."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    rel = str(path.relative_to(ROOT))
    found: list[Mutant] = []

    def segment(node) -> str:
        return ast.get_source_segment(source, node) or ""

    for node in ast.walk(ast.parse(source)):
        if getattr(node, "lineno", None) is None or node.lineno != node.end_lineno:
            continue  # single-line nodes only: the edit stays readable and unique
        line = lines[node.lineno - 1]
        old = segment(node)
        new = None
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _FLIP:
            left, right = segment(node.left), segment(node.comparators[0])
            new = f"{left} {_FLIP[type(node.ops[0])]} {right}"
        elif isinstance(node, ast.BoolOp) and len(node.values) == 2:
            a, b = (segment(v) for v in node.values)
            new = f"{a} {'or' if isinstance(node.op, ast.And) else 'and'} {b}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            new = segment(node.operand)
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            new = str(not node.value)
        if not new or not old or old == new or line.count(old) != 1 or source.count(line) != 1:
            continue
        found.append(Mutant(f"{path.stem}:{node.lineno}:{old[:30]} -> {new[:30]}", rel, line, line.replace(old, new)))
    found.sort(key=lambda m: int(m.name.split(":")[1]))
    if len(found) <= PER_FILE:
        return found
    step = len(found) / PER_FILE
    return [found[int(i * step)] for i in range(PER_FILE)]


def all_mutants() -> list[Mutant]:
    out = list(SEMANTIC)
    for path in TARGETS:
        out += operator_mutants(path)
    return out


def run(mutant: Mutant, work: Path) -> tuple[str, float, str]:
    target = work / mutant.path
    original = target.read_text(encoding="utf-8")
    if original.count(mutant.old) != 1:
        return "stale", 0.0, f"text to mutate occurs {original.count(mutant.old)} times"
    target.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not model",
                               *TESTS], cwd=work, env=env, capture_output=True, text=True, timeout=TIMEOUT)
        outcome = "survived" if proc.returncode == 0 else "killed"
        tail = (proc.stdout.strip().splitlines() or [""])[-1]
    except subprocess.TimeoutExpired:
        outcome, tail = "killed", f"timeout after {TIMEOUT}s"
    finally:
        target.write_text(original, encoding="utf-8")
    return outcome, time.monotonic() - started, tail


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="run only the mutants with these names")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "mutants-last.json")
    args = ap.parse_args(argv)
    mutants = all_mutants()
    if args.only:
        mutants = [m for m in mutants if m.name in set(args.only)]
    if args.list:
        for m in mutants:
            print(f"{m.name}\t{m.path}")
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="fazhi-mutants-") as tmp:
        work = Path(tmp)
        for name in COPY:
            src = ROOT / name
            (shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
             if src.is_dir() else shutil.copy(src, work / name))
        for i, m in enumerate(mutants, 1):
            outcome, seconds, tail = run(m, work)
            results.append({"name": m.name, "path": m.path, "outcome": outcome, "seconds": round(seconds, 1), "tests": tail})
            print(f"[{i}/{len(mutants)}] {outcome:<8} {seconds:5.1f}s  {m.name}  ({tail})", flush=True)
    survivors = [r["name"] for r in results if r["outcome"] == "survived"]
    summary = {"mutants": len(results), "killed": sum(r["outcome"] == "killed" for r in results),
               "survived": len(survivors), "stale": sum(r["outcome"] == "stale" for r in results),
               "survivors": survivors, "results": results}
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{summary['killed']} killed, {summary['survived']} survived, {summary['stale']} stale of {len(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
