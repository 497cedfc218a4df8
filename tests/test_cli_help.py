"""Help reads right: examples at the top level, flags without a value type, examples that work."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
COMMANDS = ["extract", "outline", "batch", "eval", "eval compare", "explore", "doctor", "cache stats", "cache clear"]


def test_top_level_help_shows_the_examples():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0 and "Examples" in result.output and "fazhi eval --suite seeds" in result.output


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_flags_show_no_bool_type(command):
    result = runner.invoke(app, [*command.split(), "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0 and "<bool>" not in result.output
    assert "--help" in result.output


def _examples() -> list[list[str]]:
    text = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    lines = [line.strip().split("#")[0].strip() for line in text.splitlines() if line.strip().startswith("fazhi ")]
    return [shlex.split(line)[1:] for line in lines if "--backend rules" in line or line.startswith("fazhi outline")]


def test_the_rules_examples_in_the_top_level_help_work(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples are written for the checkout
    examples = _examples()
    assert len(examples) >= 3
    for args in examples:
        args = [str(tmp_path / a) if a.startswith("out/") else a for a in args]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)


@pytest.mark.parametrize("command", [*COMMANDS, "review", "gold check", "gold add"])
def test_help_prose_is_wrapped_by_the_terminal_not_the_docstring(command):
    """At 80 columns every line of a paragraph but its last fills the width (the docstring's own line breaks
    used to survive, so a narrower terminal wrapped each line again into a long and a short one)."""
    result = runner.invoke(app, [*command.split(), "--help"], env={"COLUMNS": "80"})
    prose = result.output.split("╭", 1)[0]
    paragraphs, current = [], []
    for line in prose.splitlines():  # rich pads every line, blank ones too, to the width
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs, current = [*paragraphs, current], []
    assert len(paragraphs) >= 2  # the usage line and the first paragraph at least
    for lines in paragraphs:
        if not lines[0].lstrip().startswith(("Usage:", "fazhi ")):
            assert all(len(line) >= 60 for line in lines[:-1]), lines


@pytest.mark.parametrize("command", ["batch", "extract", "review"])
def test_usage_names_the_argument_without_braces(command):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "120"})
    usage = next(line for line in result.output.splitlines() if "Usage:" in line)
    assert "{" not in usage and usage.split()[-1].isupper()
