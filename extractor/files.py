"""Atomic writes: a reader never sees a half-written output file."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

TEMP_GLOB = ".fazhi-*.tmp"  # what atomic_write_bytes leaves behind when killed mid-write


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: setting it later would race with other threads' file creation


def _umask() -> int:
    return _UMASK


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A short fixed prefix: `.{name}.XXXX.tmp` would overflow the 255-byte limit for long Chinese file names.
    fd, tmp = tempfile.mkstemp(prefix=".fazhi-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; outputs get the usual permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path: Path, data) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def remove_stale_temp_files(
    folder: Path, *, older_than: float = 0.0, recursive: bool = False, pattern: str = TEMP_GLOB
) -> int:
    """Remove temp files a killed atomic write left in `folder` (and its sub-folders with `recursive`), those
    at least `older_than` seconds old: a folder other processes may be writing to (the shared response
    cache) keeps their fresh ones. Returns how many were removed."""
    folder = Path(folder)
    removed = 0
    now = time.time()
    for path in folder.rglob(pattern) if recursive else folder.glob(pattern):
        try:
            if now - path.stat().st_mtime >= older_than:
                path.unlink()
                removed += 1
        except OSError:
            pass  # gone already, or not ours to remove
    return removed
