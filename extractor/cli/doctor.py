"""`fazhi doctor`: which backend and model a run would use, and whether they are ready."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from extractor.cli.options import config_options, out
from extractor.config import Config
from extractor.errors import FazhiError


LOCAL_INSTALL = 'pip install -e ".[local]"'


@config_options("backend", "base_url", "model", "api_key", "api_key_file", "timeout", "model_path", "cache_dir")
def doctor(
    config: Config,
    probe: bool = typer.Option(
        True, "--probe/--no-probe", help="Local backend: load the model in its own process and run one tiny completion."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the checks as one JSON object (name -> plain text) instead of a table."
    ),
) -> None:
    """Say which backend and model a run would use, whether the model file or endpoint is ready, threads.

    For the local backend also: the CPU features that decide llama.cpp's kernels (AVX2, AVX-512, AMX), how
    llama.cpp was built, and a probe — the model loaded in a child process answers one tiny completion, so a
    CPU on which llama.cpp crashes shows here as a signal, not later as a dead run.

    Exit codes: 0 ready; 1 the local model is missing or broken (or crashed in the probe); 2 the endpoint
    cannot work (no key for the OpenAI API, refused, unreachable, or the key rejected).
    """
    table = _run_rows(config)
    ok, exit_code = True, 1  # not ready locally: exit 1
    if config.spec.uses_endpoint:
        ok, exit_code = _endpoint_ready(config, table), 2  # an endpoint that cannot work: exit 2
    elif config.spec.embedded:
        ok = _local_ready(config, table, probe)
    if ok and probe and config.spec.embedded:
        ok = _probe(config, table)
    code = 0 if ok else exit_code
    _show(table, ok, code, as_json)
    raise typer.Exit(code)


def _run_rows(config: Config) -> Rows:
    """What a run would use, whatever the backend: backend, model, cache folder, whether a key is set."""
    table = Rows()
    table.add_row("backend", config.resolved_backend)
    table.add_row("model", str(config.model_name))
    table.add_row("cache dir", str(config.cache_path))
    table.add_row("api key", "set" if config.api_key else "not set")
    return table


def _endpoint_ready(config: Config, table: Rows) -> bool:
    """Which endpoint a run would call, and whether it answers (the run's own preflight, GET /models)."""
    from extractor.pipeline import preflight

    table.add_row("endpoint", config.base_url or "https://api.openai.com/v1 (the OpenAI API; FAZHI_BASE_URL not set)")
    try:
        preflight(config)
        table.add_row("endpoint check", "[green]answers[/] (GET /models)")
        return True
    except FazhiError as err:
        table.add_row("endpoint check", f"[red]{err}[/]")
        return False


def _local_ready(config: Config, table: Rows, probe: bool) -> bool:
    """The embedded model's runtime: llama-cpp-python installed, threads, the CPU features and extra buffer
    types that decide llama.cpp's kernels, then the model file."""
    from extractor.model import local

    ok = True
    try:
        import llama_cpp

        table.add_row("llama-cpp-python", llama_cpp.__version__)
    except ImportError:
        table.add_row("llama-cpp-python", f"[red]not installed[/] ({escape(LOCAL_INSTALL)})")  # [local] is no style
        ok = False
    table.add_row("threads", str(local.threads(config)))
    table.add_row("CPU", local.cpu_summary())
    table.add_row(
        "extra buffer types",
        "on (FAZHI_LLAMA_EXTRA_BUFTS=1)"
        if local.extra_bufts_setting()
        else "off (faster here, and llama.cpp's AMX path crashes on some CPUs; FAZHI_LLAMA_EXTRA_BUFTS=1 "
        "turns them on)",
    )
    return _model_file_ready(config, table, probe) and ok


def _model_file_ready(config: Config, table: Rows, probe: bool) -> bool:
    """A --model-path must be a file; the default model is verified, or assembled from its installed parts
    now when the probe needs it (as a first run would), else said to be built on first use."""
    from extractor.model import local

    if config.model_path:
        present = Path(config.model_path).is_file()
        table.add_row("model file", f"{config.model_path} ({'present' if present else '[red]missing[/]'})")
        return present
    target = config.model_dir / local.DEFAULT_FILE
    if local.verified(target):
        table.add_row("model file", f"{target} ([green]sha256 ok[/])")
        return True
    try:
        parts = local.part_paths()
        if probe:
            local.ensure_default_model(config.model_dir)
            table.add_row("model file", f"{target} ([green]assembled now from {len(parts)} parts, sha256 ok[/])")
        else:
            table.add_row(
                "model file", f"{target} (not assembled yet; {len(parts)} parts installed, built on first use)"
            )
    except FazhiError as err:
        table.add_row("model file", f"[red]{err}[/]")
        return False
    return True


def _show(table: Rows, ok: bool, code: int, as_json: bool) -> None:
    """The checks as one JSON object of plain text (what scripts read) or as a table on screen."""
    if as_json:
        out.file.write(json.dumps({"ok": ok, "exit_code": code, "checks": table.plain()}, ensure_ascii=False) + "\n")
        out.file.flush()
    else:
        out.print(table.render())


class Rows:
    """The doctor's checks as data, in order: name -> rich-markup text. Rendered as a table on screen, as plain
    text under --json (what scripts and tests read: a table's wrapping depends on the terminal's width)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str]] = []

    def add_row(self, name: str, value: str) -> None:
        self.rows.append((name, value))

    def plain(self) -> dict[str, str]:
        from rich.text import Text

        return {name: Text.from_markup(value).plain for name, value in self.rows}

    def render(self):
        from rich.table import Table

        table = Table(show_header=False)
        table.add_column(overflow="fold", no_wrap=False)
        table.add_column(overflow="fold")
        for name, value in self.rows:
            table.add_row(name, value)
        return table


def _probe(config: Config, table: Rows) -> bool:
    """Start the model process with a probe completion; a crash is shown with its signal, and where the crash
    came with llama.cpp's extra buffer types on, the probe is repeated without them (what a run falls back to)."""
    from extractor.model import local

    setting = local.extra_bufts_setting()
    first_crash = None
    for attempt in [True, False] if setting else [False]:
        proc = None
        try:
            proc = local.ModelProcess(local.model_file(config), local.threads(config), attempt, probe=True).start()
        except local.ModelCrashed as err:
            if attempt is not False:
                first_crash = err
                continue
            table.add_row("probe", f"[red]{err}[/]")
            return False
        except FazhiError as err:
            table.add_row("probe", f"[red]{err}[/]")
            return False
        finally:
            if proc is not None:
                proc.close()
        table.add_row("llama.cpp build", proc.system_info or "?")
        done = (
            f"loaded in {proc.load_seconds:.1f}s, a tiny completion in {proc.probe_seconds:.1f}s (in a child process)"
        )
        if first_crash is not None:
            table.add_row(
                "probe",
                f"[yellow]crashed with extra buffer types[/] ({first_crash.message}); "
                f"[green]ok without them[/]: {done}. Runs fall back to that by themselves; "
                "FAZHI_LLAMA_EXTRA_BUFTS=0 skips the first try",
            )
        else:
            table.add_row("probe", f"[green]ok[/]: {done}")
        return True
    return False
