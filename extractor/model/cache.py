"""Response cache: validated model answers on disk, keyed by everything that could change the answer.

The key (`cache_key`) hashes backend, model, endpoint, prompt version, call kind, the messages, the response
model's full JSON schema and the sampling parameters. Editing a prompt, a field description or the mode
therefore misses instead of silently reusing a stale answer (instructor's `make_cache_key` idea, plus the
prompt version and backend). The API key is never part of the key or the value: a cache folder can be
shared or attached to a bug report.

Only validated answers are stored (`client.py` writes after validation), as JSON text rather than pickles, so
a cache written by one version of the tool can be read, or inspected, without executing anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import diskcache
from pydantic import BaseModel

from extractor.config import Config
from extractor.files import remove_stale_temp_files


def default_dir(config: Config) -> Path:
    """Where responses live: a folder of its own inside the cache dir, which also holds the local model
    file (local.py), so clearing responses never touches the model."""
    return config.cache_path / "responses"


def cache_key(
    *,
    backend: str,
    model: str | None,
    base_url: str | None,
    prompt_version: str,
    kind: str,
    messages: list[dict],
    response_model: type[BaseModel],
    params: dict[str, Any],
) -> str:
    """sha256 over a canonical JSON of the request identity. `params` holds sampling settings
    (temperature, max_tokens, mode); callers must not put credentials in it."""
    payload = {
        "backend": backend,
        "model": model,
        "base_url": base_url,
        "prompt_version": prompt_version,
        "kind": kind,
        "messages": messages,
        "schema": response_model.model_json_schema(),
        "params": params,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


LAST_RUN = "last-run.json"
STALE_TEMP_SECONDS = 60.0
# Hits and misses of this process per cache folder (a batch opens one client, hence one cache, per report).
_COUNTS: dict[str, list[int]] = {}
_COUNTS_LOCK = threading.Lock()


class ResponseCache:
    """A diskcache folder of `{key: json text}`; safe to share between threads and processes.

    `stats()` reports this process's hits and misses; `close()` also records them in `last-run.json` beside
    the entries, so `fazhi cache stats` can show what the last run (process) got from the cache."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._store = diskcache.Cache(str(self.path))
        # A process killed while writing last-run.json leaves its temp file; other processes may share the
        # folder, so only old ones go (that write takes milliseconds).
        remove_stale_temp_files(self.path, older_than=STALE_TEMP_SECONDS)
        with _COUNTS_LOCK:
            self._counts = _COUNTS.setdefault(str(self.path.resolve()), [0, 0])

    def get(self, key: str) -> dict | None:
        text = self._store.get(key)
        value = _decode(text)
        with _COUNTS_LOCK:
            self._counts[0 if value is not None else 1] += 1
        return value

    def set(self, key: str, value: dict) -> None:
        self._store.set(key, json.dumps(value, ensure_ascii=False, sort_keys=True))

    def stats(self) -> dict:
        with _COUNTS_LOCK:
            hits, misses = self._counts
        last = self.path / LAST_RUN
        try:
            last_run = json.loads(last.read_text(encoding="utf-8")) if last.is_file() else None
        except (OSError, ValueError):
            last_run = None
        return {
            "path": str(self.path),
            "entries": len(self._store),
            "size_bytes": self._store.volume(),
            "hits": hits,
            "misses": misses,
            "last_run": last_run,
        }

    def clear(self) -> int:
        """Remove every entry; returns how many were removed."""
        return self._store.clear()

    def close(self) -> None:
        with _COUNTS_LOCK:
            hits, misses = self._counts
        if hits or misses:
            from datetime import datetime, timezone

            from extractor.files import atomic_write_json

            try:
                atomic_write_json(
                    self.path / LAST_RUN,
                    {
                        "hits": hits,
                        "misses": misses,
                        "pid": os.getpid(),
                        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    },
                )
            except OSError:
                pass  # statistics are informative; never fail a run over them
        self._store.close()

    def __enter__(self) -> "ResponseCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _decode(text: Any) -> dict | None:
    # A foreign or corrupt entry is a miss, not a crash: the caller simply asks the model again.
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
