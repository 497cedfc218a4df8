"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakeserver import FakeOpenAI
from reviewfixtures import require_browser


@pytest.fixture(autouse=True)
def _wide_fixed_terminal(monkeypatch):
    """Every test sees the same console width, whatever terminal (or CI) runs it: rich reads COLUMNS when it
    lays out, so an exported COLUMNS=60 would otherwise wrap the text tests read. A test about layout sets
    its own width (env={"COLUMNS": …} or a Console of a given width); others assert on data or whole lines."""
    monkeypatch.setenv("COLUMNS", "1000")


@pytest.fixture
def fake_openai():
    """A fake OpenAI-compatible server on 127.0.0.1 (see tests/fakeserver.py), stopped after the test."""
    with FakeOpenAI() as server:
        yield server


SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture
def seed_paths() -> list[Path]:
    """The five seed reports (seeds/*.txt), sorted by name."""
    return sorted(SEEDS_DIR.glob("*.txt"))


@pytest.fixture
def seed_text():
    """seed_text("000") → the UTF-8 text of the seed whose file name starts with that id."""

    def load(name: str) -> str:
        matches = sorted(SEEDS_DIR.glob(f"{name}*.txt"))
        assert len(matches) == 1, f"no single seed named {name!r} in {SEEDS_DIR}"
        return matches[0].read_bytes().decode("utf-8")  # bytes: no newline translation

    return load


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by playwright (skips where it is missing, outside CI), one per test module: a
    playwright left running past its module breaks the modules that start their own."""
    sync_playwright, exe = require_browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        yield b
        b.close()
