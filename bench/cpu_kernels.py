"""Prefill and generation speed of the embedded model under each llama.cpp weight-buffer setting, on this CPU.

    python bench/cpu_kernels.py [--prompt-chars 2200] [--gen 32] [--repeat 2]

For each setting — llama.cpp's default (extra buffer types on: CPU repack, and AMX where built and present)
and `use_extra_bufts = False` — a fresh process loads the model, reads one prompt cut from a seed report
(prefill tokens/s), then generates `--gen` tokens from it (generation tokens/s). Each setting runs in its own
process because the setting is a process-wide load parameter (extractor/model/worker.py). A setting that
crashes prints its signal instead of numbers — that is the measurement on an AMX CPU (llama.cpp issue 20824).
Numbers, not assertions: record them in bench/RESULTS.md with the CPU line this prints.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.config import Config  # noqa: E402
from extractor.model import local  # noqa: E402

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from extractor.model import worker
settings = json.loads(sys.argv[2])
llama = worker.load(settings)
tokens = llama.tokenize(settings["prompt"].encode("utf-8"), add_bos=False)
rows = []
for _ in range(settings["repeat"]):
    llama.reset()
    t = time.perf_counter(); llama.eval(tokens); prefill = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(settings["gen"]):
        token = llama.sample(temp=0)
        llama.eval([token])
    gen = time.perf_counter() - t
    rows.append({"prompt_tokens": len(tokens), "prefill_tok_s": len(tokens) / prefill,
                 "gen_tok_s": settings["gen"] / gen})
print(json.dumps({"rows": rows, "system_info": worker.system_info()}))
"""


def measure(model: Path, threads: int, extra_bufts: bool | None, prompt: str, gen: int, repeat: int) -> dict:
    settings = {"model_path": str(model), "n_ctx": local.N_CTX, "n_threads": threads, "n_batch": 512,
                "use_extra_bufts": extra_bufts, "prompt": prompt, "gen": gen, "repeat": repeat}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), json.dumps(settings)], capture_output=True, text=True)
    if proc.returncode != 0:
        how = f"signal {-proc.returncode}" if proc.returncode < 0 else f"exit {proc.returncode}"
        return {"crashed": how, "stderr": proc.stderr.strip().splitlines()[-1:] if proc.stderr else []}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prompt-chars", type=int, default=2200, help="characters of seed text in the prompt")
    ap.add_argument("--gen", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    config = Config(backend="local")
    model = local.model_file(config)
    threads = local.threads(config)
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    prompt = seed.read_text(encoding="utf-8")[: args.prompt_chars]
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    print(f"CPU: {local.cpu_summary()}; threads {threads}; load average at start {load}")
    print(f"the tool's setting: extra buffer types {local.extra_bufts_setting()}")
    for label, setting in (("default (extra buffer types on)", None), ("use_extra_bufts = False", False)):
        t = time.perf_counter()
        result = measure(model, threads, setting, prompt, args.gen, args.repeat)
        if "crashed" in result:
            print(f"{label:34s} crashed: {result['crashed']} {result['stderr']}")
            continue
        best = max(result["rows"], key=lambda r: r["prefill_tok_s"])
        print(f"{label:34s} prompt {best['prompt_tokens']} tok  prefill {best['prefill_tok_s']:6.1f} tok/s  "
              f"generation {max(r['gen_tok_s'] for r in result['rows']):5.1f} tok/s  ({time.perf_counter() - t:.0f}s)")
    print("llama.cpp build:", result.get("system_info", "?"))


if __name__ == "__main__":
    main()
