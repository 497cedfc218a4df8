"""How much a batch gains from concurrency against a slow endpoint (a script, not a test).

Starts the fake OpenAI server (tests/fakeserver.py) answering every call after a fixed latency, runs
`run_batch` over eight reports (the five seeds, then three of them again with one line changed so they are
distinct inputs) at each concurrency with a fresh cache, and prints wall times and speed-ups. At concurrency
N, N reports are in flight and every report's calls go through one pool N wide (extractor/runs/batch.py), so
the endpoint has N requests in flight until the last call.

    python bench/batch_concurrency.py                       # 200 ms per call, concurrency 1 and 4
    python bench/batch_concurrency.py --latency 0.05 --concurrency 1 2 4 8
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

from extractor.runs.batch import run_batch  # noqa: E402
from extractor.config import Config  # noqa: E402


def make_inputs(folder: Path, count: int) -> Path:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        seed = seeds[i % len(seeds)]
        text = seed.read_text(encoding="utf-8")
        if i >= len(seeds):  # a repeat: make it a distinct input, so neither cache nor resume can short-cut it
            text = text.replace("\n", f"\n（第{i}份）\n", 1)
        (folder / f"{i:02d}_{seed.stem}.txt").write_text(text, encoding="utf-8")
    return folder


def run_once(server: FakeOpenAI, inputs: Path, work: Path, concurrency: int) -> tuple[float, dict]:
    config = Config(backend="openai", base_url=server.url, model="fake-model", api_key="bench",
                    cache_dir=work / f"cache-{concurrency}", refresh=True)
    started = time.perf_counter()
    summary = run_batch(inputs, work / f"out-{concurrency}", config, concurrency=concurrency)
    return time.perf_counter() - started, summary.to_dict()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the server waits before each answer")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp, \
            FakeOpenAI(responder=lambda req: delay(args.latency, report_responder(req))) as server:
        work = Path(tmp)
        inputs = make_inputs(work / "in", args.reports)
        print(f"{args.reports} reports, {args.latency * 1000:.0f} ms per model call, fake server at {server.url}")
        times: dict[int, float] = {}
        for n in args.concurrency:
            before = server.count
            seconds, summary = run_once(server, inputs, work, n)
            times[n] = seconds
            print(f"concurrency {summary['concurrency']:>2}: {seconds:7.2f} s wall, {server.count - before} calls, "
                  f"statuses {summary['counts']}")
            for row in summary["files"]:
                if row["error"]:
                    print(f"  {row['status']} {row['file']}: {row['error']}")
        base = times[args.concurrency[0]]
        for n in args.concurrency[1:]:
            print(f"speed-up {args.concurrency[0]} → {n}: {base / times[n]:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
