"""Shared by the review tests: rules extractions of the seeds, a hostile report, a real browser when there is one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from evalfixtures import SOURCE, gold_report
from extractor.runs.batch import run_batch
from extractor.config import Config
from schemas.report import Evidence, Measure, Report, Source

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
RULES = Config(backend="rules")
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

# Markup a report may contain as text; none of it may ever become markup on a review page.
HOSTILE = ('<script>window.pwned=1;alert(1)</script></textarea><!-- <img src=x onerror="window.pwned=2"> '
           '</script><script>window.pwned=3</script>')


def seed_batch(folder: Path) -> Path:
    """folder/in (a copy of the seeds) → folder/out (`fazhi batch --backend rules`); returns out."""
    src, out = folder / "in", folder / "out"
    shutil.copytree(SEEDS, src)
    summary = run_batch(src, out, RULES)
    assert summary.exit_code == 0
    return out


def hostile_report(folder: Path) -> Path:
    """A report (and its source, next to it) whose text, a summary and metadata carry HOSTILE."""
    text = SOURCE + "\n五是" + HOSTILE + "。\n"
    start, end = text.index("五是"), len(text) - 1
    report = gold_report()
    report.measures.append(Measure(category="other", summary=HOSTILE, section="一",
                                   evidence=Evidence(quote=text[start:end], start=start, end=end)))
    report.metadata.title = HOSTILE
    report.metadata.issuers = [HOSTILE]
    data = text.encode("utf-8")
    report.source = Source(file="hostile.txt", sha256=hashlib.sha256(data).hexdigest(), encoding="utf-8", chars=len(text))
    (folder / "hostile.txt").write_bytes(data)
    path = folder / "hostile.json"
    path.write_text(json.dumps(report.dump(), ensure_ascii=False), encoding="utf-8")
    return path


def embedded_data(html: str) -> dict:
    """The JSON a page embeds (what its script renders)."""
    start = html.index('<script type="application/json" id="fazhi-data">') + len('<script type="application/json" id="fazhi-data">')
    return json.loads(html[start:html.index("</script>", start)])


def chromium_path() -> str | None:
    """FAZHI_CHROMIUM if set (empty or a missing file = no browser), else Debian's chromium."""
    if "FAZHI_CHROMIUM" in os.environ:
        exe = os.environ["FAZHI_CHROMIUM"]
        return exe if exe and Path(exe).exists() else None
    return next((p for p in CHROMIUM_PATHS if Path(p).exists()), None) or shutil.which("chromium")


def require_browser():
    """(sync_playwright, chromium path), or skip — but in CI (CI=true) a missing browser fails the run."""
    in_ci = os.environ.get("CI", "").lower() == "true"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci:
            pytest.fail("playwright is not installed but CI=true: `bash scripts/install.sh dev` installs it")
        pytest.skip("playwright not installed (pip install -e '.[dev]'); browser tests run in CI")
    exe = chromium_path()
    if exe is None:
        if in_ci:
            pytest.fail("no chromium at /usr/bin/chromium but CI=true: `bash scripts/install.sh dev` installs it")
        pytest.skip("no chromium binary (apt-get install chromium, or bash scripts/install.sh dev); browser tests run in CI")
    return sync_playwright, exe


def load_report(path: Path) -> Report:
    return Report.model_validate_json(path.read_bytes())
