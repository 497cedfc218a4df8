"""Prompts are data: one TOML file per section kind in `prompts/`, versioned by the hash of its content.

`prompts/common.toml` holds the one system message every kind shares (role, rules, the category table);
each kind's file has `instructions`, `template` (the user message for one item, with {placeholders}) and a
one-shot `example_input`/`example_output` pair written for the prompt (not copied from a seed). A kind's
version hashes both files, so editing the shared text invalidates every kind and editing a kind only itself.

Messages are [system: common] [user: instructions + example input] [assistant: example output] [user: item].
Every call shares the system message — across kinds and across reports — and calls of one kind share
everything but the last message, so llama.cpp reuses its KV cache and hosted endpoints their prompt cache.
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

from extractor import registry
from extractor.errors import ConfigError
from extractor.model.prompt_sets import check_template, read as read_tuned, retrieve

PROMPT_DIR = Path(__file__).resolve().parents[2] / "prompts"
KINDS = ("measures", "plans", "problems", "rectifications", "leadership", "metrics", "parts")
CHOICE_KINDS = ("category",)  # answered by scoring labels (labeling/choice.py): a letter, not JSON
# Loadable, but asked by no extraction (bench/part_choice.py measures it): kept out of a run's `versions()`,
# so editing it redoes no batch output.
MEASURED_ONLY = ("part_choice",)
COMMON = "common"


@dataclass(frozen=True)
class Prompt:
    kind: str
    version: str
    system: str
    instructions: str
    template: str
    example_input: str
    example_output: str
    examples: int = 0  # a tuned prompt (`--prompts FILE`): this many retrieved examples before the item
    bank: tuple = ()  # prompt_sets.Example, the gold they are retrieved from

    def messages(self, **fields: str) -> list[dict]:
        shots = []
        for ex in retrieve(self.bank, str(fields.get("text", "")), self.examples):
            shots += [
                {"role": "user", "content": self.template.strip().format(heading=ex.heading, text=ex.text)},
                {"role": "assistant", "content": ex.output},
            ]
        return [
            {"role": "system", "content": self.system.strip()},
            {"role": "user", "content": f"{self.instructions.strip()}\n\n{self.example_input.strip()}"},
            {"role": "assistant", "content": self.example_output.strip()},
            *shots,
            {"role": "user", "content": self.template.strip().format(**fields)},
        ]


def _read(path: Path, required: set[str]) -> tuple[bytes, dict]:
    if not path.is_file():
        raise ConfigError("prompt file not found", file=str(path))
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"prompt file is not valid TOML: {exc}", file=str(path)) from exc
    missing = required - data.keys()
    if missing:
        raise ConfigError(f"prompt file lacks {', '.join(sorted(missing))}", file=str(path))
    return raw, data


@lru_cache(maxsize=None)
def _load(common: Path, path: Path, stamp: tuple[int, int]) -> Prompt:
    common_raw, common_data = _read(common, {"system"})
    raw, data = _read(path, {"instructions", "template", "example_input", "example_output"})
    return Prompt(
        kind=path.stem,
        version=hashlib.sha256(common_raw + b"\0" + raw).hexdigest()[:12],
        system=common_data["system"],
        instructions=data["instructions"],
        template=data["template"],
        example_input=data["example_input"],
        example_output=data["example_output"],
    )


def load(kind: str, prompt_dir: Path | None = None, tuned: Path | None = None) -> Prompt:
    """Kind's prompt from `prompts/`, or from the tuned configuration `tuned` (`--prompts FILE`) when that
    file sets this kind (a kind it leaves out keeps the prompt in `prompts/`)."""
    folder = prompt_dir or PROMPT_DIR
    if kind not in KINDS + CHOICE_KINDS + MEASURED_ONLY:
        raise ConfigError(f"no prompt for section kind {kind!r}", hint=f"kinds: {', '.join(KINDS)}")
    common, path = folder / f"{COMMON}.toml", folder / f"{kind}.toml"
    stamp = tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in (common, path))
    base = _load(common, path, stamp)
    if tuned is None:
        return base
    part = read_tuned(Path(tuned), common.read_bytes()).get(kind)
    if part is None:
        return base
    return Prompt(
        kind=kind, version=part.version, system=base.system, examples=part.examples, bank=part.bank, **part.texts
    )


def load_variant(kind: str, path: Path, prompt_dir: Path | None = None) -> Prompt:
    """A prompt author's variant of `kind` (same TOML shape as prompts/<kind>.toml), versioned like it."""
    folder = prompt_dir or PROMPT_DIR
    common = folder / f"{COMMON}.toml"
    stamp = tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in (common, path))
    prompt = _load(common, Path(path), stamp)
    check_template(prompt.template, str(path))
    return Prompt(**{**prompt.__dict__, "kind": kind})


def versions(prompt_dir: Path | None = None, tuned: Path | None = None) -> dict[str, str]:
    """Each kind's prompt version, plus `responses`: a hash of the response models' JSON schemas, so that a
    change to what the model is asked to return also redoes batch outputs (the cache key has it already)."""
    import json

    from pydantic import BaseModel

    from schemas.responses import RESPONSE_MODELS, SummaryAnswer

    models: list[type[BaseModel]] = [*RESPONSE_MODELS.values(), SummaryAnswer]
    schemas = [m.model_json_schema() for m in models]
    responses = hashlib.sha256(json.dumps(schemas, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    return {**{kind: load(kind, prompt_dir, tuned).version for kind in KINDS + CHOICE_KINDS}, "responses": responses}


def versions_for(backend: str, tuned: Path | None = None) -> dict[str, str]:
    """Prompt versions a run on `backend` depends on: none for the rules backend, which asks no model, so a
    prompt edit neither changes its outputs' run record nor makes a batch redo them. With a tuned
    configuration (`--prompts FILE`) its kinds' versions replace the defaults."""
    if not registry.backend(backend).calls_model:
        return {}
    return versions() if tuned is None else versions(tuned=tuned)
