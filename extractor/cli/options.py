"""The options every command shares, declared once, and the consoles and error exit they all use.

A command that runs extractions takes `config: Config` and is decorated with `@config_options()`: the
decorator adds the run options (backend, endpoint, model, cache, …) to the command's signature, builds the
`Config` from them and the environment, and turns a configuration fault into one red line and exit 2.
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console

from extractor.config import DEFAULT_MAX_BYTES, Config
from extractor.errors import FazhiError

console = Console(stderr=True)  # progress, notes, errors
out = Console()  # results


def fail(err: FazhiError) -> "typer.Exit":
    """Expected failures: one red line and the error's exit code, never a traceback."""
    console.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
    return typer.Exit(err.exit_code)


# name → (type, typer option). The order is the order `--help` lists them in.
RUN_OPTIONS: dict[str, tuple[Any, Any]] = {
    "backend": (str, typer.Option("auto", "--backend", "-b", help="auto | openai | local | rules. auto = endpoint if configured, else the embedded local model.")),
    "base_url": (Optional[str], typer.Option(None, "--base-url", help="OpenAI-compatible endpoint (env FAZHI_BASE_URL).")),
    "model": (Optional[str], typer.Option(None, "--model", "-m", help="Model name at the endpoint (env FAZHI_MODEL).")),
    "api_key": (Optional[str], typer.Option(None, "--api-key", help="API key (env OPENAI_API_KEY). Never logged, cached or written.")),
    "mode": (Optional[str], typer.Option(None, "--mode", help="instructor mode: tools | json_schema | json | md_json.")),
    "timeout": (Optional[float], typer.Option(None, "--timeout", help="Request timeout in seconds.")),
    "cache_dir": (Optional[Path], typer.Option(None, "--cache-dir", help="Response cache folder (env FAZHI_CACHE_DIR).")),
    "refresh": (bool, typer.Option(False, "--refresh", help="Bypass the cache and rewrite it.")),
    "model_path": (Optional[Path], typer.Option(None, "--model-path", help="Local GGUF file for the local backend (env FAZHI_MODEL_PATH).")),
    "categories": (str, typer.Option("auto", "--categories", help="Who picks categories: auto (hybrid locally, model on endpoints) | model | hybrid (keywords where clear, else model).")),
    "metric_names": (str, typer.Option("auto", "--metric-names", help="Who names quantities: auto (model on endpoints, rules locally) | model | rules.")),
    "max_bytes": (int, typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Refuse input files larger than this.")),
}


# `fazhi review` and `fazhi gold`: where a report's or a gold file's source text is, when not beside it.
SourceOpt = typer.Option(None, "--source", help="The source text file, or a folder holding it (default: found via source.file).")


def make_config(**options) -> Config:
    """A Config from option values (None = not given) and the environment."""
    if options.get("refresh") is False:
        options["refresh"] = None  # not given: the default stands
    return Config.from_env(**options)


def config_options(*names: str) -> Callable:
    """Add the run options `names` (all of RUN_OPTIONS when none are named) to a command and pass it
    `config=` built from them. The command's own parameters come first in `--help`."""
    chosen = names or tuple(RUN_OPTIONS)

    def decorate(command: Callable) -> Callable:
        signature = inspect.signature(command)
        own = [p for name, p in signature.parameters.items() if name != "config"]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=RUN_OPTIONS[name][1],
                                   annotation=RUN_OPTIONS[name][0]) for name in chosen]

        @functools.wraps(command)
        def wrapper(**kwargs):
            values = {name: kwargs.pop(name) for name in chosen}
            try:
                config = make_config(**values)
            except FazhiError as err:
                raise fail(err)
            return command(config=config, **kwargs)

        wrapper.__signature__ = signature.replace(parameters=[*own, *added])
        wrapper.__annotations__ = {**{k: v for k, v in command.__annotations__.items() if k != "config"},
                                   **{name: RUN_OPTIONS[name][0] for name in chosen}}
        return wrapper

    return decorate


def json_option(help: str = "Print the result as JSON on stdout.") -> Any:
    return typer.Option(False, "--json", help=help)
