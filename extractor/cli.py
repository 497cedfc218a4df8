"""The `fazhi` command: parses options, calls the library, renders. No extraction logic lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from extractor import __version__
from extractor.config import Config
from extractor.errors import FazhiError

app = typer.Typer(
    name="fazhi",
    help="Extract structured, evidence-linked JSON from 法治政府建设年度报告 (annual law-based-government reports).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console(stderr=True)
out = Console()


def fail(err: FazhiError) -> "typer.Exit":
    """Expected failures: one red line and the error's exit code, never a traceback."""
    console.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
    return typer.Exit(err.exit_code)


def _version(value: bool) -> None:
    if value:
        out.print(f"fazhi-extractor {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Extract structured, evidence-linked JSON from 法治政府建设年度报告.

    Examples:

      fazhi extract seeds/000_f1d261e1c8a62baa.txt -o out/000.json

      fazhi outline seeds/000_f1d261e1c8a62baa.txt

      fazhi batch seeds/ -o out/

      fazhi eval --suite seeds --backend rules
    """


# Options shared by every command that runs an extraction.
BackendOpt = typer.Option("auto", "--backend", "-b", help="auto | openai | local | rules. auto = endpoint if configured, else the embedded local model.")
BaseUrlOpt = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint (env FAZHI_BASE_URL).")
ModelOpt = typer.Option(None, "--model", "-m", help="Model name at the endpoint (env FAZHI_MODEL).")
ApiKeyOpt = typer.Option(None, "--api-key", help="API key (env OPENAI_API_KEY). Never logged, cached or written.")
ModeOpt = typer.Option(None, "--mode", help="instructor mode: tools | json_schema | json | md_json.")
TimeoutOpt = typer.Option(None, "--timeout", help="Request timeout in seconds.")
CacheDirOpt = typer.Option(None, "--cache-dir", help="Response cache folder (env FAZHI_CACHE_DIR).")
RefreshOpt = typer.Option(False, "--refresh", help="Bypass the cache and rewrite it.")
ModelPathOpt = typer.Option(None, "--model-path", help="Local GGUF file for the local backend (env FAZHI_MODEL_PATH).")


def make_config(backend="auto", base_url=None, model=None, api_key=None, mode=None, timeout=None, cache_dir=None,
                refresh=False, model_path=None, **extra) -> Config:
    return Config.from_env(
        backend=backend, base_url=base_url, model=model, api_key=api_key, mode=mode, timeout=timeout,
        cache_dir=cache_dir, refresh=refresh or None, model_path=model_path, **extra,
    )
