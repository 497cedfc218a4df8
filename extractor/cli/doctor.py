"""`fazhi doctor`: which backend and model a run would use, and whether they are ready."""

from __future__ import annotations

from pathlib import Path

import typer

from extractor.cli.options import config_options, out
from extractor.config import Config
from extractor.errors import FazhiError


@config_options("backend", "base_url", "model", "model_path", "cache_dir")
def doctor(config: Config) -> None:
    """Say which backend and model a run would use, whether the model file is present and valid, threads."""
    from rich.table import Table

    table = Table(show_header=False)
    table.add_row("backend", config.resolved_backend)
    table.add_row("model", str(config.model_name))
    table.add_row("cache dir", str(config.cache_path))
    table.add_row("api key", "set" if config.api_key else "not set")
    ok = True
    if config.resolved_backend == "openai":
        table.add_row("endpoint", str(config.base_url))
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
    raise typer.Exit(0 if ok else 1)
