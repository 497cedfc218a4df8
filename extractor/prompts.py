"""Prompts are data: one TOML file per section kind in `prompts/`, versioned by the hash of its content.

Each file has `system` (instructions), `template` (the user message for one item, with {placeholders}),
and a one-shot `example_input`/`example_output` pair written for the prompt (not copied from a seed). The
messages for every call of one kind share the same prefix — system text and the example — so llama.cpp
reuses its KV cache and a hosted endpoint can use prompt caching; only the last user message changes.
"""

from __future__ import annotations

import hashlib
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractor.errors import ConfigError

PROMPT_DIR = Path(__file__).resolve().parent.parent / "prompts"
KINDS = ("measures", "plans", "problems", "rectifications", "leadership", "metrics")


@dataclass(frozen=True)
class Prompt:
    kind: str
    version: str
    system: str
    template: str
    example_input: str
    example_output: str

    def messages(self, **fields: str) -> list[dict]:
        return [
            {"role": "system", "content": self.system.strip()},
            {"role": "user", "content": self.example_input.strip()},
            {"role": "assistant", "content": self.example_output.strip()},
            {"role": "user", "content": self.template.strip().format(**fields)},
        ]


@lru_cache(maxsize=None)
def _load(path: Path, mtime_ns: int) -> Prompt:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"prompt file is not valid TOML: {exc}", file=str(path)) from exc
    missing = {"system", "template", "example_input", "example_output"} - data.keys()
    if missing:
        raise ConfigError(f"prompt file lacks {', '.join(sorted(missing))}", file=str(path))
    return Prompt(
        kind=path.stem,
        version=hashlib.sha256(raw).hexdigest()[:12],
        system=data["system"],
        template=data["template"],
        example_input=data["example_input"],
        example_output=data["example_output"],
    )


def load(kind: str, prompt_dir: Path | None = None) -> Prompt:
    path = (prompt_dir or PROMPT_DIR) / f"{kind}.toml"
    if not path.is_file():
        raise ConfigError(f"no prompt file for section kind {kind!r}", file=str(path))
    return _load(path, path.stat().st_mtime_ns)


def versions(prompt_dir: Path | None = None) -> dict[str, str]:
    return {kind: load(kind, prompt_dir).version for kind in KINDS}


def versions_for(backend: str) -> dict[str, str]:
    """Prompt versions a run on `backend` depends on: none for the rules backend, which asks no model, so a
    prompt edit neither changes its outputs' run record nor makes a batch redo them."""
    return {} if backend == "rules" else versions()
