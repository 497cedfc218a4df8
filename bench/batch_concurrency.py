"""How a folder's run scales against a slow endpoint: default engine at several concurrencies, the Ray engine,
and the OpenAI Batch API path (a script, not a test).

Starts the fake OpenAI server (tests/fakeserver.py) answering every direct call after a fixed latency, makes
N distinct reports (the five seeds, then copies with a tag after every sentence so that no item's call can
be served from another copy's cached answer), and runs `run_batch` over them once per configuration with a fresh cache:

- `default` at each `--concurrency` (N reports in flight on threads, and every report's calls through one
  pool N wide, so the endpoint has N requests in flight until the last call);
- `ray`: the Ray engine on a local instance (one report per CPU; the instance's start-up is included);
- `batch`: `--via openai-batch`: plan, upload, a simulated turnaround of `--turnaround` seconds (the fake
  batch completes after that many 1-second polls; it answers its lines without per-call latency), collect,
  then the normal run from the cache.

Prints wall time, direct chat calls and model calls per report for each, as a Markdown table.

    python bench/batch_concurrency.py                                   # 200 reports: long on 2 cores
    python bench/batch_concurrency.py --reports 40 --modes default ray batch --concurrency 1 4 16
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakeserver import FakeOpenAI, delay  # noqa: E402
from responders import report_responder  # noqa: E402

from extractor.config import Config  # noqa: E402
from extractor.runs.batch import run_batch  # noqa: E402


def make_inputs(folder: Path, count: int) -> Path:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        seed = seeds[i % len(seeds)]
        text = seed.read_text(encoding="utf-8")
        if i >= len(seeds):
            # A repeat: every sentence gets a letter tag, so each item (not just the file) is distinct and no
            # call is served from another report's cached answer. Letters, not digits: no new quantities.
            tag = "".join(chr(ord("A") + int(d)) for d in str(i))
            text = text.replace("。", f"（副本{tag}）。")
        (folder / f"{i:03d}_{seed.stem}.txt").write_text(text, encoding="utf-8")
    return folder


def run_once(server: FakeOpenAI, inputs: Path, work: Path, label: str, *, concurrency: int = 1, engine=None,
             via_batch: bool = False) -> dict:
    config = Config(backend="openai", base_url=server.url, model="fake-model", api_key="bench",
                    cache_dir=work / f"cache-{label}", refresh=False)
    out = work / f"out-{label}"
    prepare = None
    if via_batch:
        from extractor.runs.openai_batch import OpenAIBatch

        prepare = OpenAIBatch(config, out, poll_seconds=1.0).prepare
    before, batches_before = server.chat_count, len(server.batches)
    started = time.perf_counter()
    summary = run_batch(inputs, out, config, concurrency=concurrency, engine=engine, prepare=prepare)
    seconds = time.perf_counter() - started
    lines = sum(server.batches[b]["request_counts"]["total"] for b in list(server.batches)[batches_before:])
    counts = summary.counts
    reports = len(summary.entries)
    return {"label": label, "seconds": seconds, "direct": server.chat_count - before, "batch_lines": lines,
            "calls_per_report": summary.total("calls") / max(1, reports), "counts": counts,
            "in_flight": summary.concurrency, "notes": summary.notes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the server waits before each direct answer")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--modes", nargs="+", default=["default", "ray", "batch"], choices=["default", "ray", "batch"])
    parser.add_argument("--turnaround", type=int, default=10, help="simulated Batch API turnaround, seconds")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp, \
            FakeOpenAI(responder=lambda req: delay(args.latency, report_responder(req))) as server:
        server.batch_polls = args.turnaround
        work = Path(tmp)
        inputs = make_inputs(work / "in", args.reports)
        print(f"{args.reports} reports, {args.latency * 1000:.0f} ms per direct model call, fake server at {server.url}")
        rows = []
        if "default" in args.modes:
            for n in args.concurrency:
                rows.append(run_once(server, inputs, work, f"default-{n}", concurrency=n))
                print(rows[-1], flush=True)
        if "ray" in args.modes:
            from extractor.runs.ray_engine import RayEngine

            with RayEngine() as engine:
                rows.append(run_once(server, inputs, work, "ray", engine=engine))
            print(rows[-1], flush=True)
        if "batch" in args.modes:
            rows.append(run_once(server, inputs, work, "batch-api", via_batch=True))
            print(rows[-1], flush=True)

    print()
    print("| run | reports in flight | wall s | s / report | direct calls | batch lines | model calls / report | statuses |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        statuses = ", ".join(f"{k} {v}" for k, v in r["counts"].items() if v)
        print(f"| {r['label']} | {r['in_flight']} | {r['seconds']:.1f} | {r['seconds'] / args.reports:.2f} | "
              f"{r['direct']} | {r['batch_lines']} | {r['calls_per_report']:.1f} | {statuses} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
