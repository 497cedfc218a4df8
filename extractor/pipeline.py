"""The whole path from a file to a Report (being written by the lead; interface fixed).

    extract(path, config, progress=None) -> Report

- raises `InputError` for a file that cannot be read as a report (empty, binary, too large, not a report);
- a section whose model call failed still yields a Report; it carries a `quality` note of kind
  `section_failed`, and `is_partial(report)` is True (the CLI exits 1 for such a report);
- `progress(stage: str, done: int, total: int)` is called as sections complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from extractor.config import Config
from schemas.report import Report

Progress = Callable[[str, int, int], None]


def is_partial(report: Report) -> bool:
    return any(note.kind == "section_failed" for note in report.quality)


def extract(path: Path, config: Config, *, progress: Progress | None = None) -> Report:
    raise NotImplementedError("pipeline is being written")
