"""How `fazhi explore` scales: N synthetic outputs → explore.html, its size per report, and how long Chromium takes
to load it and become interactive (a script, not a test).

The outputs are clones of the five seeds' rules outputs (tests/explorefixtures.py: made-up issuers over
`--years` years, indicator values scaled per clone), so each carries a real report's measures, plans, metrics,
indicators and quality notes. Measured:

- `explore_folder` wall time, cold (the store built from N JSONs) and warm (store in sync, page rewritten);
- the page's bytes: the fixed part (Vega, Vega-Lite, vega-embed, the page's CSS/JS) and the rest per report;
- in Chromium (Debian's, via playwright), per run, from navigation start: `ready` (`window.fazhiExplore.readyMs`:
  the data parsed, the filters and the first row of indicator charts drawn with their hover/click handlers — what
  is on screen is interactive) and `settled` (`settledMs`: every view drawn: the issuer charts and the compliance
  matrix too; the other indicator charts are drawn as they scroll into view); then the time a filter change
  takes until every view is redrawn. The machine's load average is printed with them (a shared 2-core machine).

    python bench/explore_scale.py                     # 1,000 reports, 5 page loads
    python bench/explore_scale.py --reports 200 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from explorefixtures import synthetic_batch  # noqa: E402
from reviewfixtures import chromium_path, seed_batch  # noqa: E402

from extractor.review.explore import SCRIPTS, STYLES, explore_folder  # noqa: E402
from extractor.review.page import asset  # noqa: E402
from schemas.report import Report  # noqa: E402


def templates(folder: Path) -> list[tuple[Report, str]]:
    out = seed_batch(folder)
    result = []
    for path in sorted(out.glob("*.json")):
        report = Report.model_validate_json(path.read_bytes())
        result.append((report, (out.parent / "in" / report.source.file).read_text(encoding="utf-8")))
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--years", type=int, default=4)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = synthetic_batch(tmp / "batch", templates(tmp / "seeds"), args.reports,
                              years=tuple(range(2024 - args.years, 2024)), degraded=True, failed=True, no_indicators=True)
        t0 = time.perf_counter()
        result = explore_folder(out)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = explore_folder(out)
        warm = time.perf_counter() - t0
        fixed = sum(len(asset(name).encode("utf-8")) for name in (*SCRIPTS, *STYLES))
        per_report = (result.size - fixed) / result.reports
        print(f"reports: {result.reports}; explore_folder: cold {cold:.2f} s (store built), warm {warm:.2f} s")
        print(f"page: {result.size / 1e6:.2f} MB = fixed {fixed / 1e6:.2f} MB (chart library, CSS, JS) "
              f"+ {per_report / 1024:.2f} KB per report")
        exe = chromium_path()
        if exe is None:
            print("no chromium: load times not measured")
            return
        from playwright.sync_api import sync_playwright

        ready, settled, redraw = [], [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1440, "height": 1000})
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(result.page.as_uri())
                page.wait_for_function("() => window.fazhiExplore && window.fazhiExplore.settled", timeout=60_000)
                ready.append(page.evaluate("() => window.fazhiExplore.readyMs"))
                settled.append(page.evaluate("() => window.fazhiExplore.settledMs"))
                t = page.evaluate("""() => new Promise(resolve => {
                    const t0 = performance.now();
                    const sel = document.querySelector('#f-level');
                    sel.value = 'county'; sel.dispatchEvent(new Event('change'));
                    const poll = () => window.fazhiExplore.settled ? resolve(performance.now() - t0) : setTimeout(poll, 5);
                    poll();
                })""")
                redraw.append(t)
                assert not errors, errors
                context.close()
            browser.close()
        print(f"Chromium, {args.runs} loads (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores): "
              f"ready {_ms(ready)}; settled {_ms(settled)}; a level filter redraws every view in {_ms(redraw)}")


def _ms(xs: list[float]) -> str:
    return f"{statistics.median(xs):.0f} ms median (min {min(xs):.0f}, max {max(xs):.0f})"


if __name__ == "__main__":
    main()
