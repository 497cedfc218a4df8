"""`fazhi cache stats|clear`: the response cache."""

from __future__ import annotations

import json
import sys

import typer

from extractor.cli.options import config_options, out
from extractor.config import Config

cache_app = typer.Typer(help="Inspect or clear the response cache.", no_args_is_help=True)


@cache_app.command("stats")
@config_options("cache_dir")
def cache_stats(
    config: Config, as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON.")
) -> None:
    """Entries and size of the response cache. (Hits and misses of a run are in its output's `run` block.)"""
    from extractor.model.cache import ResponseCache, default_dir

    stats = ResponseCache(default_dir(config)).stats()
    last = stats.pop("last_run") or {}
    stats.pop("hits"), stats.pop("misses")  # this `cache stats` process's own: always zero
    stats.update(
        {"last_run_hits": last.get("hits"), "last_run_misses": last.get("misses"), "last_run_time": last.get("time")}
    )
    if as_json:
        sys.stdout.write(json.dumps(stats) + "\n")
    else:
        for key, value in stats.items():
            out.print(f"{key}: {value}")


@cache_app.command("clear")
@config_options("cache_dir")
def cache_clear(config: Config) -> None:
    """Delete every cached response (the assembled local model file is kept)."""
    from extractor.model.cache import ResponseCache, default_dir

    ResponseCache(default_dir(config)).clear()
    out.print("cache cleared")
