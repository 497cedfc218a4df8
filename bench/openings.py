"""Metadata and top-level outline on a folder of real report openings, as delivered and with line breaks removed.

    cd <checkout whose code you measure> && python <path>/bench/openings.py FOLDER --out RESULT.json

FOLDER holds NNN.txt files (report openings, e.g. a search excerpt of a published report) and a gold.json that maps
each file name to what a reader labelled: title, issuers, region, admin_level, report_year, doc_number, issue_date
(ISO or null) and top_parts (the top-level 一、… headings visible in the file). Nothing of the folder is embedded
here: the texts and labels live outside every repository, so the numbers are out of sample for whoever did not
read them.

Each file runs through the rules backend twice: (a) as it is, (b) with every line break removed (what a scraper
that joins an element's text delivers). Metadata values are compared the way the evaluation compares them
(`extractor.evaluation.scoring.norm_meta`: canonical width/script/whitespace, 〔〕 brackets, lists as sets); the
outline is scored as the number of top-level sections found against the number of labelled top parts. The code
measured is the `extractor` importable from the current directory, so one script measures any checkout.

Prints per-field accuracy per form and the misses grouped by kind (`admin_level: department read as city ×5`),
with file names only; the JSON written to --out also keeps the gold and predicted values of every miss.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, os.getcwd())  # measure the checkout we are run from, not the one this file lives in

from extractor.config import Config  # noqa: E402
from extractor.evaluation.scoring import norm_meta  # noqa: E402
from extractor.pipeline import extract  # noqa: E402

FIELDS: tuple[str, ...] = ("title", "issuers", "region", "admin_level", "report_year", "doc_number", "issue_date")
FORMS: dict[str, Callable[[str], str]] = {
    "as_is": lambda text: text,
    "flattened": lambda text: text.replace("\r", "").replace("\n", ""),
}


def gold_value(name: str, value: Any) -> Any:
    if name == "issue_date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def miss_kind(name: str, gold: Any, pred: Any) -> str:
    """What kind of miss this is, without quoting the values (except the closed admin_level vocabulary)."""
    if name == "admin_level":
        return f"admin_level: {gold or 'null'} read as {pred or 'null'}"
    if pred is None:
        return f"{name}: not found"
    if gold is None:
        return f"{name}: stated where the label has none"
    return f"{name}: wrong value"


def show(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def top_level_count(report) -> int:
    return sum(1 for s in report.sections if s.level == 1)


def run_one(path: Path, config: Config) -> tuple[Any, str | None, float]:
    started = time.perf_counter()
    try:
        report = extract(path, config)
    except Exception as exc:  # noqa: BLE001 — a crash or refusal is a result here: every field of the file is a miss
        return None, f"{type(exc).__name__}: {str(exc)[:120]}", time.perf_counter() - started
    return report, None, time.perf_counter() - started


def score_form(files: list[Path], gold: dict, form: str, config: Config, tmp: Path) -> dict:
    right: Counter = Counter()
    misses: list[dict] = []
    per_file: dict[str, dict] = {}
    sections_exact = sections_found = sections_gold = 0
    for path in files:
        label = gold[path.name]
        text = path.read_text(encoding="utf-8")
        target = tmp / form / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(FORMS[form](text), encoding="utf-8")
        report, error, seconds = run_one(target, config)
        meta = report.metadata if report is not None else None
        row: dict[str, Any] = {"seconds": round(seconds, 3), "error": error, "wrong": []}
        for name in FIELDS:
            g = gold_value(name, label.get(name))
            p = getattr(meta, name) if meta is not None else None
            if norm_meta(g) == norm_meta(p):
                right[name] += 1
                continue
            kind = "error: " + error.split(":")[0] if error else miss_kind(name, g, p)
            row["wrong"].append(name)
            misses.append({"file": path.name, "field": name, "kind": kind, "gold": show(g), "pred": show(p)})
        found = top_level_count(report) if report is not None else 0
        want = len(label.get("top_parts") or [])
        sections_found += min(found, want)
        sections_gold += want
        if found == want:
            sections_exact += 1
        else:
            kind = f"top_parts: {'fewer' if found < want else 'more'} top-level sections than labelled"
            misses.append({"file": path.name, "field": "top_parts", "kind": kind, "gold": want, "pred": found})
        row.update(top_found=found, top_gold=want,
                   quality=sorted({q.kind for q in report.quality}) if report is not None else [])
        per_file[path.name] = row
    n = len(files)
    per_field = {name: {"right": right[name], "total": n, "accuracy": round(right[name] / n, 4) if n else None}
                 for name in FIELDS}
    meta_right = sum(right.values())
    return {
        "per_field": per_field,
        "metadata": {"right": meta_right, "total": n * len(FIELDS),
                     "accuracy": round(meta_right / (n * len(FIELDS)), 4) if n else None},
        "top_parts": {"files_exact": sections_exact, "files": n, "found_of_gold": [sections_found, sections_gold]},
        "misses": misses,
        "per_file": per_file,
    }


def code_version() -> dict:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "extractor", "schemas"], capture_output=True,
                                    text=True, check=False).stdout.strip())
    except OSError:
        head, dirty = "", False
    import extractor

    return {"cwd": os.getcwd(), "extractor": str(Path(extractor.__file__).parent), "git_head": head or None,
            "dirty": dirty}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def print_form(form: str, result: dict) -> None:
    print(f"\n== {form}")
    for name, row in result["per_field"].items():
        print(f"  {name:12s} {row['right']:3d}/{row['total']:<3d} {row['accuracy']:.3f}")
    m, t = result["metadata"], result["top_parts"]
    print(f"  {'metadata':12s} {m['right']:3d}/{m['total']:<3d} {m['accuracy']:.3f}")
    print(f"  {'top_parts':12s} count right in {t['files_exact']}/{t['files']} files; "
          f"found {t['found_of_gold'][0]} of {t['found_of_gold'][1]} labelled")
    by_kind: dict[str, list[str]] = defaultdict(list)
    for miss in result["misses"]:
        by_kind[miss["kind"]].append(miss["file"].removesuffix(".txt"))
    for kind, where in sorted(by_kind.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"    {kind} ×{len(where)}  [{' '.join(where)}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder with NNN.txt openings and gold.json")
    parser.add_argument("--out", type=Path, required=True, help="where to write the result JSON")
    args = parser.parse_args(argv)
    gold_path = args.folder / "gold.json"
    if not gold_path.is_file():
        parser.error(f"{gold_path} not found: the folder needs a gold.json beside the .txt files")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    files = sorted(p for p in args.folder.glob("*.txt") if p.name in gold)
    unlabelled = sorted(p.name for p in args.folder.glob("*.txt") if p.name not in gold)
    if unlabelled:
        print(f"skipped (no gold label): {' '.join(unlabelled)}", file=sys.stderr)
    if not files:
        parser.error(f"no labelled .txt files in {args.folder}")
    config = Config(backend="rules")
    result: dict[str, Any] = {
        "folder": str(args.folder.resolve()), "files": len(files), "skipped_unlabelled": unlabelled,
        "gold_sha256": digest(gold_path), "code": code_version(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "forms": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for form in FORMS:
            result["forms"][form] = score_form(files, gold, form, config, Path(tmp))
    print(f"{len(files)} openings, rules backend, code {result['code']['git_head'] or '?'}"
          f"{' (dirty)' if result['code']['dirty'] else ''} from {result['code']['extractor']}")
    for form, res in result["forms"].items():
        print_form(form, res)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwritten {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
