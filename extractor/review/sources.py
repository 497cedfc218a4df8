"""Find the source text a report's offsets point into, and say plainly whether it is the same file.

A report records `source.file` (a bare name) and `source.sha256`; a batch's manifest records its input
folder and each input's path below it. The text is looked for, in order: the path or folder the user gave
(`--source`), the batch's recorded input folder, the report's own folder, and last, as a guess, the
current folder and its direct sub-folders. A `source.file` that is not a bare name (absolute, `../`) is
never read: a report JSON may come from anyone, and its text would be embedded in the page. A candidate
counts only when its sha256 matches, so a search can never pick the wrong file silently; a file of the
right name with other bytes is reported as `mismatch` and used only when nothing matches.

A report read from a PDF, Word file or web page points into the text layer extraction kept beside it
(`texts/<file>.txt`, `source.text_sha256`): that file is used first when its sha256 matches; else the
original is found as above and its layer read again, which must give the same sha256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal, Optional

from extractor.errors import FazhiError
from extractor.pipeline import LAYER_DIR
from extractor.text.ingest import read_document

Status = Literal["ok", "mismatch", "missing", "unreadable"]


@dataclass(frozen=True)
class SourceCheck:
    """The outcome for one report: `text` is None only when no readable file of that name was found."""

    status: Status
    path: Optional[Path]
    text: Optional[str]
    message: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        return {"status": self.status, "path": str(self.path) if self.path else None, "message": self.message}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_bare_name(name: str) -> bool:
    """A file name with no folder in it: what `source.file` must be (a report JSON may come from anyone)."""
    return bool(name) and name not in (".", "..") and not any(ch in name for ch in "/\\\0") and ":" not in name[:2]


def is_inner_path(rel: str) -> bool:
    """A relative path that stays below its root (no absolute path, drive, `..` or backslash)."""
    if not rel or "\0" in rel or "\\" in rel or rel.startswith("/") or ":" in rel[:2]:
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


def candidate_paths(
    name: str,
    near: Path,
    hint: Optional[Path] = None,
    rel: Optional[str] = None,
    cwd: Optional[Path] = None,
    in_dir: Optional[Path] = None,
) -> list[Path]:
    """Where a source called `name` may be, most specific first (existing files only, no duplicates): the
    user's `hint`, the batch's recorded input folder `in_dir`, the report's folder `near`, then — a guess —
    the current folder and its direct sub-folders. `rel` is the input's path relative to the batch's input
    folder (manifest `file`), tried under each root. Only names and paths that stay inside a root are
    looked up: a report naming `/etc/passwd` or `../x` gets nothing read."""
    if not is_bare_name(name):
        return []
    if rel is not None and not is_inner_path(rel):
        rel = None
    cwd = cwd or Path.cwd()
    roots: list[Path] = []
    if hint is not None:
        if hint.is_file():
            return [hint]
        roots.append(hint)
    if in_dir is not None:
        roots.append(in_dir)
    roots += [near, cwd]
    try:
        roots += sorted(p for p in cwd.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        pass
    seen: dict[Path, None] = {}
    for root in roots:
        for candidate in (root / rel if rel else None, root / name):
            if candidate is not None and candidate.is_file():
                seen.setdefault(candidate.resolve(), None)
    return list(seen)


def find_source(
    name: str,
    sha256: str,
    near: Path,
    hint: Optional[Path] = None,
    rel: Optional[str] = None,
    cwd: Optional[Path] = None,
    in_dir: Optional[Path] = None,
    text_sha256: Optional[str] = None,
) -> SourceCheck:
    """The verified source of a report (see the module docstring); `text_sha256` for a document's layer."""
    if not is_bare_name(name):
        return SourceCheck(
            "missing",
            None,
            None,
            f"source.file {name!r} is not a bare file name: not read (a report names its source "
            "by name only; sources are looked up inside the folders given)",
        )
    if text_sha256:
        layer = _kept_layer(name, text_sha256, near, hint)
        if layer is not None:
            return layer
    candidates = candidate_paths(name, near, hint, rel, cwd, in_dir)
    if not candidates:
        where = "".join(f"{p}, " for p in (hint, in_dir) if p is not None)
        return SourceCheck(
            "missing",
            None,
            None,
            f"source {name} not found (looked in {where}{near}, the current folder and its "
            "sub-folders); pass --source FILE_OR_DIR",
        )
    for path in candidates:
        if _sha256(path) == sha256:
            check = _read(path, "ok", f"source {path} (sha256 verified)")
            if text_sha256 and check.text is not None:
                if hashlib.sha256(check.text.encode("utf-8")).hexdigest() != text_sha256:
                    return SourceCheck(
                        "mismatch",
                        path,
                        check.text,
                        f"source {path} is the original, but its text layer read now differs from "
                        "the one the report was made from (another reader version?): highlights "
                        "may be misplaced",
                    )
                return SourceCheck(
                    "ok", path, check.text, f"source {path} (sha256 verified), its text layer read again"
                )
            return check
    path = candidates[0]
    return _read(
        path,
        "mismatch",
        f"source {path} differs from the file this report was extracted from (sha256 "
        f"{_sha256(path)[:12]}… ≠ {sha256[:12]}…): highlights may be misplaced",
    )


def _kept_layer(name: str, text_sha256: str, near: Path, hint: Optional[Path]) -> Optional[SourceCheck]:
    """The text layer kept beside the report (or under --source), when its sha256 is the recorded one."""
    roots = [near] + ([hint.parent if hint.is_file() else hint] if hint is not None else [])
    for root in roots:
        for path in (root / LAYER_DIR / f"{name}.txt", root / f"{name}.txt"):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if hashlib.sha256(data).hexdigest() == text_sha256:
                return SourceCheck("ok", path, data.decode("utf-8"), f"text layer {path} (sha256 verified)")
    return None


def _read(path: Path, status: Status, message: str) -> SourceCheck:
    try:
        return SourceCheck(status, path, read_document(path).text, message)
    except FazhiError as err:
        return SourceCheck("unreadable", path, None, f"source {path} cannot be read: {err}")


def describe(checks: Iterable[SourceCheck]) -> str:
    """`5 ok, 1 missing` for a summary line."""
    counts: dict[str, int] = {}
    for check in checks:
        counts[check.status] = counts.get(check.status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in counts.items())
