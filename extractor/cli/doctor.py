"""`fazhi doctor`: which backend and model a run would use, and whether they are ready."""

from __future__ import annotations

from pathlib import Path

import typer

from extractor.cli.options import config_options, out
from extractor.config import Config
from extractor.errors import FazhiError


@config_options("backend", "base_url", "model", "api_key", "api_key_file", "timeout", "model_path", "cache_dir")
def doctor(config: Config) -> None:
    """Say which backend and model a run would use, whether the model file or endpoint is ready, threads.

    Exit codes: 0 ready; 1 the local model is missing or broken; 2 the endpoint cannot work (no key for
    the OpenAI API, refused, unreachable, or the key rejected).
    """
    from rich.table import Table

    table = Table(show_header=False)
    table.add_row("backend", config.resolved_backend)
    table.add_row("model", str(config.model_name))
    table.add_row("cache dir", str(config.cache_path))
    table.add_row("api key", "set" if config.api_key else "not set")
    ok = True
    exit_code = 1
    if config.resolved_backend == "openai":
        from extractor.pipeline import preflight

        table.add_row("endpoint", config.base_url or "https://api.openai.com/v1 (the OpenAI API; FAZHI_BASE_URL not set)")
        try:
            preflight(config)
            table.add_row("endpoint check", "[green]answers[/] (GET /models)")
        except FazhiError as err:
            table.add_row("endpoint check", f"[red]{err}[/]")
            ok, exit_code = False, 2
    elif config.resolved_backend == "local":
        from extractor.model import local

        try:
            import llama_cpp

            table.add_row("llama-cpp-python", llama_cpp.__version__)
        except ImportError:
            table.add_row("llama-cpp-python", "[red]not installed[/] (pip install -e \".[local]\")")
            ok = False
        table.add_row("threads", str(local.threads(config)))
        if config.model_path:
            present = Path(config.model_path).is_file()
            table.add_row("model file", f"{config.model_path} ({'present' if present else '[red]missing[/]'})")
            ok &= present
        else:
            target = config.model_dir / local.DEFAULT_FILE
            if local.verified(target):
                table.add_row("model file", f"{target} ([green]sha256 ok[/])")
            else:
                try:
                    parts = local.part_paths()
                    table.add_row("model file", f"{target} (not assembled yet; {len(parts)} parts installed, built on first use)")
                except FazhiError as err:
                    table.add_row("model file", f"[red]{err}[/]")
                    ok = False
    out.print(table)
    raise typer.Exit(0 if ok else exit_code)
