"""Speed of the embedded local backend on the five seeds, cold (empty cache) and warm (all cached).

    python bench/extract.py [--seeds seeds] [--out bench/last-run.json]

Prints per report: wall seconds, model calls, prompt tokens (total / read / reused from llama.cpp's KV
prefix cache), output tokens, generation rate, cache hits, and the floor — reading the report once at the
measured prompt speed (report tokens ÷ 140 tokens/s on 2 threads) — with wall ÷ floor and prompt tokens
read ÷ report tokens. Numbers, not assertions: record them in bench/RESULTS.md with the date and machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.model import local  # noqa: E402
from extractor.config import Config  # noqa: E402
from extractor.pipeline import extract  # noqa: E402

PROMPT_TOKENS_PER_S = 140.0  # measured on this machine class (DEVELOPERS.md); the floor is relative to it


def report_tokens(llama, text: str) -> int:
    return len(llama.tokenize(text.encode("utf-8"), add_bos=False))


def run(seeds: Path, out: Path | None) -> None:
    model = local.ensure_default_model(Config().model_dir)
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        config = Config(backend="local", model_path=model, cache_dir=Path(cache))
        t = time.perf_counter()
        proc = local.load(config)  # the model process (load + start); tokens are counted with a vocab-only copy
        load_s = time.perf_counter() - t
        from llama_cpp import Llama

        llama = Llama(model_path=str(model), vocab_only=True, verbose=False)
        print(f"model load {load_s:.1f}s, threads {local.threads(config)}, {platform.processor() or platform.machine()}; "
              f"CPU: {local.cpu_summary()}; extra buffer types: {proc.use_extra_bufts}")
        for phase in ("cold", "warm"):
            for path in sorted(seeds.glob("*.txt")):
                t = time.perf_counter()
                report = extract(path, config)
                wall = time.perf_counter() - t
                run = report.run
                by_kind = defaultdict(lambda: [0, 0.0])
                for c in run.call_log:
                    by_kind[c.kind][0] += 1
                    by_kind[c.kind][1] += c.seconds
                n_tokens = report_tokens(llama, path.read_text(encoding="utf-8"))
                floor = n_tokens / PROMPT_TOKENS_PER_S
                read = run.tokens_in - run.tokens_cached
                gen_s = sum(c.seconds for c in run.call_log if not c.cached)
                rows.append({
                    "phase": phase, "report": path.stem[:3], "seconds": round(wall, 2), "calls": run.calls,
                    "cache_hits": run.cache_hits, "tokens_in": run.tokens_in, "tokens_read": read,
                    "tokens_reused": run.tokens_cached, "tokens_out": run.tokens_out,
                    "out_tok_per_s": round(run.tokens_out / gen_s, 1) if gen_s else None,
                    "report_tokens": n_tokens, "floor_s": round(floor, 1), "wall_over_floor": round(wall / floor, 2),
                    "read_over_report": round(read / n_tokens, 2),
                    "time_by_kind": {k: f"{v[0]} calls {v[1]:.1f}s" for k, v in by_kind.items()},
                })
                r = rows[-1]
                print(f"{phase} {r['report']}: {r['seconds']:7.2f}s  calls {r['calls']:3d} (hits {r['cache_hits']:3d})  "
                      f"prompt {r['tokens_in']:6d} (read {read:5d}, reused {r['tokens_reused']:6d})  out {r['tokens_out']:5d}  "
                      f"report {n_tokens:5d} tok  floor {floor:5.1f}s  wall/floor {r['wall_over_floor']:5.2f}  "
                      f"read/report {r['read_over_report']:4.2f}")
                if phase == "cold":
                    print("      " + ", ".join(f"{k}: {v}" for k, v in r["time_by_kind"].items()))
    if out:
        out.write_text(json.dumps({"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                                   "model_load_s": round(load_s, 1), "rows": rows}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    run(args.seeds, args.out)
