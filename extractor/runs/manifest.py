"""The batch's manifest: one JSON line per input per run (manifest.jsonl in OUT), appended with fsync, the
latest line per input being its state; and the statuses a line can have (runs/batch.py's docstring says
what each means).

    Manifest(path).latest() -> {file: its latest line}   Manifest(path).append(ManifestEntry(...))
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from extractor import __version__

Status = Literal["ok", "degraded", "partial", "no_structure", "failed", "stale", "not_started", "skipped", "ignored"]
STATUSES: tuple[str, ...] = (
    "ok",
    "degraded",
    "partial",
    "no_structure",
    "failed",
    "stale",
    "not_started",
    "skipped",
    "ignored",
)
BAD = ("degraded", "partial", "no_structure", "failed", "stale", "not_started")  # exit 1
REDO = ("no_structure",)  # statuses a rerun keeps unless asked to redo them (every other bad status is retried)
MANIFEST = "manifest.jsonl"
DONE = ("ok", "skipped", "no_structure")  # a skipped line is only ever written for an input whose output was ok


@dataclass
class ManifestEntry:
    """One line of manifest.jsonl: what happened to one input in one run."""

    file: str  # input path relative to the input folder, `/`-separated; the manifest's key
    status: Status
    sha256: str | None
    fingerprint: str
    backend: str
    model: str | None
    prompt_versions: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    output: str | None = None  # output file name in OUT
    input_dir: str | None = None  # the batch's input folder (absolute): where `file` is, for `fazhi review`
    seconds: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    calls: int = 0
    cache_hits: int = 0
    structure_uncertain: int = 0  # the report's structure_uncertain notes (a part missing or without items)
    run_id: str = ""
    time: str = ""
    tool_version: str = __version__

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=False)


class Manifest:
    """Append-only JSON lines; each append is flushed and fsynced so a crash keeps every finished line."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()  # worker threads append concurrently

    def latest(self) -> dict[str, dict]:
        """The latest line per input. A line torn by a crash mid-write is ignored: its input is simply redone."""
        state: dict[str, dict] = {}
        if not self.path.exists():
            return state
        with open(self.path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(row, dict) and isinstance(row.get("file"), str):
                    state[row["file"]] = row
        return state

    def append(self, entry: ManifestEntry) -> None:
        data = (entry.to_json() + "\n").encode("utf-8")
        with self._lock, open(self.path, "ab") as fh:
            # A torn last line from a killed run would swallow this one; start on a fresh line.
            if fh.tell() and not self._ends_with_newline():
                data = b"\n" + data
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"
