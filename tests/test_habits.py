"""The code habits CI keeps (issue 30): `ruff check`, `ruff format --check` and `mypy` on extractor/ are clean.
Run through pytest so `.ci/run` (the README's test command) runs them too; the tools come with the `dev` extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [
    ("ruff", "check", "extractor"),
    ("ruff", "format", "--check", "extractor"),
    ("mypy", "extractor"),
], ids=["ruff-check", "ruff-format", "mypy"])
def test_the_tree_is_clean(args):
    run = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
