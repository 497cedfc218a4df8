"""The package's layers: imports point from the CLI down to the text layer, never back up."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lint(repo: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports (the import-linter package, a dev dependency) is not installed")
    return subprocess.run([exe, str(repo / "pyproject.toml"), "--no-cache"], cwd=repo,
                          capture_output=True, text=True, env={"PYTHONPATH": str(repo), "PATH": str(Path(sys.executable).parent)})


def test_imports_point_down_the_stages():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The check is live: a copy of the package where the text layer imports the pipeline fails it."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "extractor", copy / "extractor")
    shutil.copytree(ROOT / "schemas", copy / "schemas")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "extractor" / "text" / "normalize.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nfrom extractor.pipeline import extract  # noqa\n", encoding="utf-8")
    result = _lint(copy)
    assert result.returncode != 0
    assert "extractor.text.normalize -> extractor.pipeline" in result.stdout
