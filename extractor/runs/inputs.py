"""What a batch reads: the inputs of IN as jobs (one per file matched, with its manifest key, output name and
sha256), and every entry not read accounted for (a sub-folder without --recursive, a hidden file, a broken
link); a missing or empty IN is an InputError, never `ok 0`.

    plan_inputs(in_dir, out_dir, glob, recursive) -> (jobs, ignored)
"""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import InputError
from extractor.formats import DOCUMENT_SUFFIXES
from extractor.pipeline import LAYER_DIR

_PRODUCT_SUFFIXES = (
    ".json",
    ".jsonl",
    ".csv",
    ".parquet",
    ".sqlite",
    ".sqlite-journal",
    ".yml",
)  # what a batch writes into OUT


@dataclass(frozen=True)
class Job:
    """One input of a batch: where it is, its manifest key and output name, its bytes' sha256; `error` when
    it is rejected before extraction (a broken link, an unreadable file)."""

    path: Path
    key: str  # manifest key
    output: str  # output file name
    sha256: str | None
    error: str | None = None  # set when the input is rejected before extraction


def plan_inputs(in_dir: Path, out_dir: Path, glob: str, recursive: bool) -> tuple[list[Job], list[Job]]:
    """(inputs, folders not read) of IN; a missing or empty IN is an InputError, not `ok 0`."""
    if in_dir.is_file():
        raise InputError(
            f"{in_dir} is a file, not a folder",
            hint=f"fazhi extract {in_dir} reads one report; batch reads a folder of them",
        )
    if not in_dir.is_dir():
        raise InputError(
            f"input folder not found: {in_dir}", hint="pass a folder of reports (.txt, .pdf, .docx, .doc, .html)"
        )
    jobs, folders = discover(in_dir, out_dir, glob, recursive)
    if not jobs:  # nothing to extract, nothing done before: say so rather than report `ok 0`
        raise InputError(
            f"no input in {in_dir} matches {glob!r}" + _what_is_there(in_dir, folders),
            hint="check the folder, or choose files with --glob (e.g. '*.pdf') / --recursive",
        )
    return jobs, folders


def discover(in_dir: Path, out_dir: Path, glob: str, recursive: bool = False) -> tuple[list[Job], list[Job]]:
    """(inputs, folders not read), in a stable order. Every entry the glob finds is accounted for: a broken
    link or an unreadable file becomes a job that fails with its reason; a sub-folder of IN is listed
    (`ignored`) unless `recursive` reads inside it. An input below IN keeps its relative path in its output
    name, so `2022/report.txt` and `2023/report.txt` never share an output."""
    out_resolved = out_dir.resolve()
    paths, hidden = _found(in_dir, out_resolved, glob, recursive)
    folders = [] if recursive or "**" in glob else _folders_not_read(in_dir, out_resolved)
    return _jobs_of(paths, in_dir), _ignored(folders, hidden, in_dir)


def _found(in_dir: Path, out_resolved: Path, glob: str, recursive: bool) -> tuple[list[Path], dict[str, Path]]:
    """(the files the glob finds, hidden entries by their key); the batch's own products are left out."""
    found = in_dir.rglob(glob) if recursive else in_dir.glob(glob)
    paths = []
    hidden: dict[str, Path] = {}  # the hidden file, or the hidden folder it is in
    for p in sorted(found):
        rel = p.relative_to(in_dir)
        first = next((i for i, part in enumerate(rel.parts) if part.startswith(".")), None)
        if first is not None:  # editor swap files, .git: not read, but listed (never silent)
            if not p.is_dir() or first < len(rel.parts) - 1:
                hidden.setdefault(Path(*rel.parts[: first + 1]).as_posix(), in_dir.joinpath(*rel.parts[: first + 1]))
            continue
        if _in_out(p, in_dir, out_resolved):
            continue
        if p.is_dir():
            continue  # its files are matched on their own when the glob descends; else listed below
        paths.append(p)
    return paths, hidden


def _folders_not_read(in_dir: Path, out_resolved: Path) -> list[Path]:
    return sorted(
        p
        for p in in_dir.iterdir()
        if p.is_dir()
        and not p.name.startswith(".")
        and not _in_out(p, in_dir, out_resolved)
        and not (p.name == LAYER_DIR and out_resolved == in_dir.resolve())
    )


def _jobs_of(paths: list[Path], in_dir: Path) -> list[Job]:
    """One job per input, with its output name; an unreadable input or a clash of output names is its error."""
    jobs: list[Job] = []
    owners: dict[str, str] = {}
    for path in paths:
        key = path.relative_to(in_dir).as_posix()
        # `x.txt` → `x.json`; any other suffix is kept (`x.docx` → `x.docx.json`), so x.doc and x.docx differ
        output = (Path(key).with_suffix(".json") if path.suffix.lower() == ".txt" else Path(key + ".json")).as_posix()
        error = None
        sha = None
        if path.is_symlink() and not path.exists():
            error = _bad_link(path)
        elif not path.is_file():  # a FIFO or a device: hashing it could block forever
            error = "not a regular file (a pipe, socket or device)"
        else:
            try:
                sha = _sha256(path)
            except OSError as err:
                error = f"cannot read input: {err.strerror or err}"
        if output in owners:
            error = f"output name {output} is already used by {owners[output]}; rename one of them"
        owners.setdefault(output, key)
        jobs.append(Job(path, key, output, sha, error))
    return jobs


def _ignored(folders: list[Path], hidden: dict[str, Path], in_dir: Path) -> list[Job]:
    ignored = [
        Job(
            p,
            p.relative_to(in_dir).as_posix(),
            "",
            None,
            "a folder: not read (pass --recursive to read the reports inside it)",
        )
        for p in folders
    ]
    ignored += [
        Job(
            p,
            key,
            "",
            None,
            "a hidden folder (name starts with a dot): not read"
            if p.is_dir()
            else "a hidden file (name starts with a dot): not read; rename it to read it",
        )
        for key, p in sorted(hidden.items())
    ]
    return ignored


def _what_is_there(in_dir: Path, ignored: list[Job]) -> str:
    if ignored:
        return (
            f" (it holds {len(ignored)} entr{'y' if len(ignored) == 1 else 'ies'} not read: "
            f"{', '.join(job.key for job in ignored[:3])}{', …' if len(ignored) > 3 else ''})"
        )
    return "" if any(in_dir.iterdir()) else " (the folder is empty)"


def _bad_link(path: Path) -> str:
    """Why a symbolic link cannot be read: it loops, or its target does not exist."""
    try:
        path.stat()
    except OSError as err:
        if err.errno == errno.ELOOP:
            return f"symbolic link loop (points to {os.readlink(path)}, which leads back to itself)"
    return f"broken symbolic link (points to {os.readlink(path)}, which does not exist)"


def _in_out(path: Path, in_dir: Path, out_resolved: Path) -> bool:
    """Whether `path` is one of the batch's own products: OUT may be IN itself or a folder inside it."""
    resolved = path.resolve() if not path.is_symlink() else path.parent.resolve() / path.name
    if out_resolved == in_dir.resolve():
        if path.parent.name == LAYER_DIR and Path(path.stem).suffix.lower() in DOCUMENT_SUFFIXES:
            return True  # a text layer the batch kept (`texts/report.pdf.txt`)
        return path.suffix in _PRODUCT_SUFFIXES and not path.is_dir()
    return resolved == out_resolved or out_resolved in resolved.parents


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
