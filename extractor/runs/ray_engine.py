"""`batch --engine ray`: each report extracted as a Ray task, on a local Ray instance or a cluster.

    RayEngine(address=None).extract(path, config) -> Report        # an `Engine` for run_batch (batch.py)

Only the extraction moves: the task receives the input's bytes (so worker nodes need no shared folder),
runs the same `extract` in a temporary folder under the same file name, and returns the Report or the error
it raised. Everything else stays in `run_batch` on the driver — the skip/redo decision, the atomic output
write, the manifest line, the tables and the store — so `--engine ray` and the default engine write the same
outputs and resume each other's runs (a kill -9 loses only the reports in flight either way).

How many reports are in flight is Ray's to say: one task per CPU of the cluster (`--concurrency` does not
apply). With no address, a local instance is started (all local CPUs, a small object store, no dashboard)
and stopped with the engine; with an address (`ray://head:10001`, `auto`, or RAY_ADDRESS) the cluster's
nodes must have this package installed (the same version: prompts are read from its checkout) and, for an
endpoint backend, reach the endpoint. A local instance's workers import this very checkout (PYTHONPATH).
Ray is optional: `pip install -e ".[ray]"`.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from pathlib import Path
from typing import Any

from extractor.config import Config
from extractor.errors import ConfigError
from extractor.pipeline import extract
from schemas.report import Report

LOCAL_OBJECT_STORE = 256 * 1024 * 1024  # reports are kilobytes; Ray's default would reserve 30% of RAM


class RayEngine:
    """See the module docstring. `num_cpus` and `object_store_memory` size a local instance (tests: 2 CPUs)."""

    def __init__(
        self, address: str | None = None, *, num_cpus: int | None = None, object_store_memory: int | None = None
    ):
        self.address = address or os.environ.get("RAY_ADDRESS") or None
        self.num_cpus = num_cpus
        self.object_store_memory = object_store_memory
        self._ray: Any = None
        self._task: Any = None
        self._started = False
        self._lock = threading.Lock()

    # -- Engine ---------------------------------------------------------------------------------------------

    def workers(self, config: Config, concurrency: int) -> tuple[int, list[str]]:
        ray = self._ensure()
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        where = f"the cluster at {self.address}" if self.address else "a local Ray instance"
        notes = [f"engine ray: {where}, {cpus} reports in flight (one per CPU)"]
        if concurrency > 1:
            notes.append(f"--concurrency {concurrency} does not apply with --engine ray: Ray runs one report per CPU")
        if config.spec.embedded:
            notes.append("local backend on Ray: every worker loads its own copy of the model")
        return cpus, notes

    def extract(self, path: Path, config: Config) -> Report:
        path = Path(path)
        if not path.is_file() or path.stat().st_size > config.max_bytes:
            return extract(path, config)  # refused before reading, with the same error as the default engine
        ray = self._ensure()
        status, value = ray.get(self._task.remote(path.name, path.read_bytes(), config))
        if status == "ok":
            return value
        raise value

    # -- lifecycle ------------------------------------------------------------------------------------------

    def _ensure(self) -> Any:
        with self._lock:
            if self._ray is not None:
                return self._ray
            try:
                import ray
            except ImportError as err:
                raise ConfigError("--engine ray needs Ray", hint='pip install -e ".[ray]"') from err
            if not ray.is_initialized():
                options: dict[str, Any] = {
                    "include_dashboard": False,
                    "log_to_driver": False,
                    "configure_logging": False,
                }
                if self.address:
                    options["address"] = self.address
                else:
                    root = Path(__file__).resolve().parents[2]  # workers import this checkout, not another install
                    options.update(
                        num_cpus=self.num_cpus,
                        runtime_env={"env_vars": {"PYTHONPATH": str(root)}},
                        object_store_memory=self.object_store_memory or LOCAL_OBJECT_STORE,
                    )
                try:
                    ray.init(**options)
                except (ConnectionError, ValueError, RuntimeError) as err:
                    raise ConfigError(
                        f"could not start or join Ray: {err}",
                        hint="check --ray-address (e.g. ray://head:10001 or auto)",
                    ) from None
                self._started = True
            # One retry if the worker process dies (OOM, a lost node); a report's own errors come back as values.
            self._task = ray.remote(num_cpus=1, max_retries=1)(_extract_task)
            self._ray = ray
            return ray

    def close(self) -> None:
        with self._lock:
            if self._ray is not None and self._started:
                self._ray.shutdown()
            self._ray, self._task, self._started = None, None, False

    def __enter__(self) -> "RayEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _extract_task(name: str, data: bytes, config: Config) -> tuple[str, Any]:
    """On a Ray worker: the report's bytes under its own name in a temporary folder, through `extract`."""
    with tempfile.TemporaryDirectory(prefix="fazhi-ray-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            return "ok", extract(path, config)
        except Exception as err:  # noqa: BLE001 — handed back to run_batch, which classifies it as it always does
            try:
                pickle.dumps(err)
            except Exception:  # noqa: BLE001 — an error that cannot travel is sent as its text
                err = RuntimeError(f"{type(err).__name__}: {err}")
            return "error", err
