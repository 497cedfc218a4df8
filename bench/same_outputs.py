"""Whether a refactoring left the rules backend's outputs as they were: every report of the seeds, layouts and
realistic texts, and the seeds' batch folder, as JSON without run timings.

    python bench/same_outputs.py --save /tmp/outputs.json       # a snapshot of this checkout's outputs
    python bench/same_outputs.py --check /tmp/outputs.json      # compare this checkout with a snapshot
    python bench/same_outputs.py --against /work/main            # compare with another checkout, run there

Exit status 0 when equal, 1 with the first differences printed. Run from a checkout's root: the checkout
whose `extractor/` is imported is the one measured. No model is loaded (backend rules, empty cache).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ("seeds", "evals/layouts/texts", "evals/realistic/texts")
# Keys that measure a run rather than describe its output: wall time, dates of the run, where it ran.
VOLATILE = {"seconds", "started_at", "finished_at", "elapsed", "elapsed_s", "wall_seconds", "created", "timestamp",
            "duration", "duration_s", "generated_at", "started", "finished", "time", "run_id"}


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _extracts(root: Path) -> dict[str, object]:
    from extractor.config import Config
    from extractor.pipeline import extract

    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as cache:
        config = Config(backend="rules", cache_dir=Path(cache))
        for folder in TEXTS:
            for path in sorted((root / folder).glob("*.txt")):
                report = extract(path, config)
                data = json.loads(report.model_dump_json(by_alias=True, exclude_none=False))
                out[f"{folder}/{path.name}"] = _strip(data)
    return out


def _batch(root: Path) -> dict[str, object]:
    """The seeds' batch folder: every JSON (and JSONL) file it writes, timings removed."""
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "out"
        env = {**os.environ, "FAZHI_CACHE_DIR": str(Path(tmp) / "cache"), "PYTHONPATH": str(root)}
        run = subprocess.run([sys.executable, "-m", "extractor", "batch", "seeds", "--out", str(dest), "--backend", "rules"],
                             cwd=root, env=env, capture_output=True, text=True)
        out["batch:exit"] = run.returncode
        for path in sorted(dest.rglob("*")):
            rel = f"batch:{path.relative_to(dest)}"
            if path.suffix == ".json":
                out[rel] = _strip(json.loads(path.read_text(encoding="utf-8")))
            elif path.suffix == ".jsonl":
                out[rel] = [_strip(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]
            elif path.suffix in (".csv", ".yml"):
                out[rel] = path.read_text(encoding="utf-8")
            elif path.is_file():
                out[rel] = "present"  # sqlite, parquet, html: their presence; the JSON and CSV carry the content
    return out


def outputs(root: Path) -> dict[str, object]:
    """Every output, the checkout's own path written as <ROOT> (two checkouts differ there only)."""
    found = json.dumps({**_extracts(root), **_batch(root)}, ensure_ascii=False)
    return json.loads(found.replace(json.dumps(str(root))[1:-1], "<ROOT>"))


def _diff(a, b, where: str = "", limit: int = 20) -> list[str]:
    if type(a) is not type(b):
        return [f"{where}: {a!r:.120} != {b!r:.120}"]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{where}/{k}: only in {'this' if k in a else 'the other'}")
            else:
                out.extend(_diff(a[k], b[k], f"{where}/{k}", limit))
            if len(out) >= limit:
                break
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)}"]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(_diff(x, y, f"{where}[{i}]", limit))
            if len(out) >= limit:
                break
        return out
    return [] if a == b else [f"{where}: {a!r:.120} != {b!r:.120}"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write this checkout's outputs here")
    group.add_argument("--check", type=Path, help="compare this checkout's outputs with a saved snapshot")
    group.add_argument("--against", type=Path, help="compare with another checkout (its outputs computed there)")
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure (default: this script's)")
    args = ap.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    mine = outputs(args.root.resolve())
    if args.save:
        args.save.write_text(json.dumps(mine, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(f"saved {len(mine)} outputs to {args.save}")
        return 0
    if args.check:
        other = _strip(json.loads(args.check.read_text(encoding="utf-8")))
    else:
        with tempfile.NamedTemporaryFile(suffix=".json") as snap:
            other_root = args.against.resolve()  # this script, run on the other checkout's code and texts
            env = {**os.environ, "PYTHONPATH": str(other_root)}
            subprocess.run([sys.executable, __file__, "--root", str(other_root), "--save", snap.name],
                           cwd=other_root, env=env, check=True)
            other = json.loads(Path(snap.name).read_text(encoding="utf-8"))
    mine = json.loads(json.dumps(mine, ensure_ascii=False))  # the same JSON round trip as the snapshot
    diffs = _diff(mine, other)
    for line in diffs:
        print(line)
    print(f"{len(mine)} outputs: " + ("same" if not diffs else f"DIFFERENT (first {len(diffs)} shown)"))
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main())
