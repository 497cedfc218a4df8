"""The options every command shares, declared once, and the consoles and error exit they all use.

A command that runs extractions takes `config: Config` and is decorated with `@config_options()`: the
decorator adds the run options (backend, endpoint, model, cache, …) to the command's signature, builds the
`Config` from them and the environment, and turns a configuration fault into one red line and exit 2.
"""

from __future__ import annotations

import functools
import inspect
import logging
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console
from rich.markup import escape

from extractor.config import DEFAULT_MAX_BYTES, Config
from extractor.errors import ConfigError, FazhiError


def _flags_without_metavar() -> None:
    """typer 0.2x prints a `<bool>` type beside every flag (`--refresh`, even `--help`), which takes no value
    and reads as if it wanted one. Show nothing there for flags; other options keep their type."""
    from typer import core

    show = getattr(getattr(core, "TyperOption", None), "display_type_rich", None)
    if show is None or getattr(show, "_fazhi", False):
        return

    def display_type_rich(self, ctx):
        return None if getattr(self, "is_flag", False) else show(self, ctx)

    # typer has no hook for this: the patch marks itself so a second import does not wrap it twice
    display_type_rich._fazhi = True  # type: ignore[attr-defined]
    core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_without_metavar()


def _plain_argument_names() -> None:
    """typer 0.2x writes a required argument as `{DIR}` in the usage line, which reads as a literal brace
    or a set. Show `DIR` (required) and `[DIR]` (optional), upper-case, as click and most tools do."""
    from typer import core

    cls = getattr(core, "TyperArgument", None)
    show = getattr(cls, "_usage_display_name", None)
    if show is None or getattr(show, "_fazhi", False):
        return

    def _usage_display_name(self) -> str:
        name = (self.metavar or self.name or "").upper()
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    _usage_display_name._fazhi = True  # type: ignore[attr-defined]
    cls._usage_display_name = _usage_display_name  # type: ignore[union-attr]


_plain_argument_names()


def prose(doc: str | None) -> str | None:
    """A docstring as help text: each paragraph one line, for the terminal to wrap at its own width (typer
    keeps the docstring's hard line breaks, which a narrower terminal re-wraps into ragged lines). An
    indented paragraph (examples) keeps its lines."""
    if not doc:
        return doc
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(
        p if p.startswith((" ", "\b")) else " ".join(line.strip() for line in p.splitlines()) for p in paragraphs
    )


console = Console(stderr=True)  # progress, notes, errors
out = Console()  # results


class _WarningLine(logging.Handler):
    """Warnings the stages log on `extractor` (e.g. the model restarted in a safe setting): one yellow line."""

    def emit(self, record: logging.LogRecord) -> None:
        console.print(f"[yellow]warning:[/] {record.getMessage()}", highlight=False, soft_wrap=True)


_warnings = logging.getLogger("extractor")
if not any(isinstance(h, _WarningLine) for h in _warnings.handlers):
    _warnings.addHandler(_WarningLine(level=logging.WARNING))


def fail(err: FazhiError) -> "typer.Exit":
    """Expected failures: one red line and the error's exit code, never a traceback."""
    console.print(f"[bold red]error:[/] {escape(str(err))}", highlight=False, soft_wrap=True)  # hints hold `.[local]`
    return typer.Exit(err.exit_code)


# name → (type, typer option). The order is the order `--help` lists them in.
RUN_OPTIONS: dict[str, tuple[Any, Any]] = {
    "backend": (
        str,
        typer.Option(
            "auto",
            "--backend",
            "-b",
            help="auto | openai | local | rules. auto = endpoint if configured, else the embedded local model.",
        ),
    ),
    "base_url": (
        Optional[str],
        typer.Option(None, "--base-url", help="OpenAI-compatible endpoint (env FAZHI_BASE_URL)."),
    ),
    "model": (Optional[str], typer.Option(None, "--model", "-m", help="Model name at the endpoint (env FAZHI_MODEL).")),
    "api_key": (
        Optional[str],
        typer.Option(
            None,
            "--api-key",
            help="API key. Prefer env OPENAI_API_KEY or --api-key-file: a key on the command line shows in `ps`. Never logged, cached or written.",
        ),
    ),
    "api_key_file": (
        Optional[Path],
        typer.Option(None, "--api-key-file", help="Read the API key from this file (`-` = stdin)."),
    ),
    "mode": (
        Optional[str],
        typer.Option(None, "--mode", help="instructor mode: tools | json_schema | json | md_json."),
    ),
    "timeout": (
        Optional[float],
        typer.Option(
            None,
            "--timeout",
            help="Seconds to wait for a reply (default 90; connecting has its own 10 s). Until the endpoint has answered once, the first timeout stops the run.",
        ),
    ),
    "max_retries": (
        Optional[int],
        typer.Option(
            None, "--max-retries", min=0, help="Retries of a timed-out, rate-limited or 5xx call (default 4)."
        ),
    ),
    "max_report_seconds": (
        Optional[float],
        typer.Option(
            None,
            "--max-report-seconds",
            help="Wall-time budget for one report's model calls; calls past it fall back to the rules (default: none).",
        ),
    ),
    "cache_dir": (
        Optional[Path],
        typer.Option(None, "--cache-dir", help="Response cache folder (env FAZHI_CACHE_DIR)."),
    ),
    "refresh": (bool, typer.Option(False, "--refresh", help="Bypass the cache and rewrite it.")),
    "model_path": (
        Optional[Path],
        typer.Option(None, "--model-path", help="Local GGUF file for the local backend (env FAZHI_MODEL_PATH)."),
    ),
    "categories": (
        str,
        typer.Option(
            "auto",
            "--categories",
            help="Who picks categories: auto (hybrid locally, model on endpoints) | model | hybrid (keywords where clear, else model) | choose (the model scores the category labels; local only).",
        ),
    ),
    "metric_names": (
        str,
        typer.Option(
            "auto",
            "--metric-names",
            help="Who names quantities: auto (model on endpoints, rules locally) | model | rules.",
        ),
    ),
    "model_fields": (
        Optional[str],
        typer.Option(
            None,
            "--model-fields",
            help="Which fields the model decides: auto (default: the fields `fazhi eval --choose-fields` recorded for this backend and model; without a record all on an endpoint, none on the embedded model), all, or a comma list of parts, measures, plans, problems, rectifications, leadership, metrics; the rest by the rules, without a call (env FAZHI_MODEL_FIELDS).",
        ),
    ),
    "prompts": (
        Optional[Path],
        typer.Option(
            None,
            "--prompts",
            help="A tuned prompt configuration written by `fazhi tune --out` (env FAZHI_PROMPTS): its kinds' prompts and retrieved examples replace prompts/<kind>.toml; the cache key and run record carry its version.",
        ),
    ),
    "max_bytes": (int, typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Refuse input files larger than this.")),
}


# `fazhi review` and `fazhi gold`: where a report's or a gold file's source text is, when not beside it.
SourceOpt = typer.Option(
    None, "--source", help="The source text file, or a folder holding it (default: found via source.file)."
)


def make_config(**options) -> Config:
    """A Config from option values (None = not given) and the environment."""
    if options.get("refresh") is False:
        options["refresh"] = None  # not given: the default stands
    key_file = options.pop("api_key_file", None)
    if key_file is not None:
        options["api_key"] = _read_key(key_file)
    return Config.from_env(**options)


def _read_key(path: Path) -> str:
    import sys

    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read --api-key-file {path}: {getattr(err, 'strerror', None) or err}") from None
    key = text.strip()
    if not key:
        raise ConfigError(f"--api-key-file {path} is empty")
    return key


def config_options(*names: str) -> Callable:
    """Add the run options `names` (all of RUN_OPTIONS when none are named) to a command and pass it
    `config=` built from them. The command's own parameters come first in `--help`."""
    chosen = names or tuple(RUN_OPTIONS)

    def decorate(command: Callable) -> Callable:
        signature = inspect.signature(command)
        own = [p for name, p in signature.parameters.items() if name != "config"]
        added = [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=RUN_OPTIONS[name][1], annotation=RUN_OPTIONS[name][0]
            )
            for name in chosen
        ]

        @functools.wraps(command)
        def wrapper(**kwargs):
            values = {name: kwargs.pop(name) for name in chosen}
            try:
                config = make_config(**values)
            except FazhiError as err:
                raise fail(err)
            return command(config=config, **kwargs)

        # typer reads the options off the signature
        wrapper.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {
            **{k: v for k, v in command.__annotations__.items() if k != "config"},
            **{name: RUN_OPTIONS[name][0] for name in chosen},
        }
        return wrapper

    return decorate


def json_option(help: str = "Print the result as JSON on stdout.") -> Any:
    return typer.Option(False, "--json", help=help)
