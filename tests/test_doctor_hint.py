"""Install hints print as typed: rich would take `[local]` in `pip install -e ".[local]"` for a style tag."""

from __future__ import annotations

import sys

from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.errors import ConfigError


def _squashed(text: str) -> str:
    """The output without spaces, line breaks and table borders, so no terminal width can split the words."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│┃|─━┌┐└┘├┤┬┴┼╭╮╰╯")


def test_doctor_prints_the_local_extra_when_llama_cpp_is_missing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # `import llama_cpp` raises ImportError
    result = CliRunner().invoke(app, ["doctor", "--backend", "local", "--no-probe",
                                      "--model-path", str(tmp_path / "absent.gguf")])
    assert result.exit_code == 1
    assert _squashed('pip install -e ".[local]"') in _squashed(result.output), result.output


def test_an_error_hint_prints_its_brackets(monkeypatch):
    from extractor.cli import options

    printed = []
    monkeypatch.setattr(options.console, "print", lambda text, **kw: printed.append(options.console.render_str(text)))
    options.fail(ConfigError("--engine ray needs Ray", hint='pip install -e ".[ray]"'))
    assert printed and printed[0].plain == 'error: --engine ray needs Ray (pip install -e ".[ray]")'
