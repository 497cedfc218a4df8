"""A tuned prompt configuration (`fazhi tune --out FILE`, used with `--prompts FILE`): per section kind a
prompt text (same fields as prompts/<kind>.toml), a few-shot example count and a bank of examples from
labelled gold, from which the `examples` most similar to the item under extraction are shown before it.

Similarity is character n-gram overlap (bigrams: Chinese has no spaces, and two characters are the shortest
unit that carries a word's meaning), so retrieval needs no model and gives the same examples every run.

The file's `version` is a hash of what the prompts are made of (texts, counts, banks); each kind's prompt
version hashes the shared system text with that kind's part, so the response cache and a batch's
fingerprint change exactly when the tuned prompt does. The `[record]` table (how the winner was chosen) is
not part of any version: re-recording the same prompts changes no cached answer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from extractor.errors import ConfigError

FORMAT = 1
PROMPT_FIELDS = ("instructions", "template", "example_input", "example_output")
NGRAM = 2


@dataclass(frozen=True)
class Example:
    group: str  # the document group it came from (a seed with its rewrites is one group)
    heading: str
    text: str
    output: str  # the answer JSON, as the model should write it


@dataclass(frozen=True)
class TunedKind:
    kind: str
    version: str
    texts: dict  # PROMPT_FIELDS -> str
    examples: int
    bank: tuple[Example, ...]


def ngrams(text: str, n: int = NGRAM) -> set[str]:
    text = "".join(text.split())
    return {text[i : i + n] for i in range(max(0, len(text) - n + 1))}


def similarity(a: str, b: str) -> float:
    """Overlap of character n-grams, |A ∩ B| / |A ∪ B| (Jaccard): 0 for nothing shared, 1 for the same grams."""
    ga, gb = ngrams(a), ngrams(b)
    return len(ga & gb) / len(ga | gb) if ga and gb else 0.0


def retrieve(
    bank: tuple[Example, ...] | list[Example],
    text: str,
    k: int,
    exclude_groups: frozenset[str] | set[str] = frozenset(),
) -> list[Example]:
    """The `k` examples most similar to `text`, never one of `exclude_groups` nor one whose text is the item's
    own (a bank built from in-sample gold holds the item under test when it is scored there). Ties keep bank
    order, so the choice is deterministic."""
    if k <= 0:
        return []
    own = "".join(text.split())
    pool = [e for e in bank if e.group not in exclude_groups and "".join(e.text.split()) != own]
    ranked = sorted(enumerate(pool), key=lambda ie: (-similarity(ie[1].text, text), ie[0]))
    return [e for _, e in ranked[:k]]


def kind_version(common_raw: bytes, part: dict) -> str:
    payload = json.dumps(part, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(common_raw + b"\0tuned\0" + payload).hexdigest()[:12]


def content_version(kinds: dict) -> str:
    return hashlib.sha256(json.dumps(kinds, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]


def read(path: Path, common_raw: bytes) -> dict[str, TunedKind]:
    """The kinds a tuned file sets; a clear `ConfigError` (exit 2) for a file that is missing or malformed."""
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return _read(Path(path).resolve(), common_raw, stamp)


@lru_cache(maxsize=32)
def _read(path: Path, common_raw: bytes, stamp: int) -> dict[str, TunedKind]:
    if not path.is_file():
        raise ConfigError("--prompts file not found", file=str(path), hint="write one with `fazhi tune --out FILE`")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--prompts file is not valid TOML: {exc}", file=str(path)) from exc
    kinds = data.get("kinds")
    if data.get("format") != FORMAT or not isinstance(kinds, dict):
        raise ConfigError(
            f"--prompts file is not a tuned prompt configuration (format {FORMAT} with [kinds.*])", file=str(path)
        )
    out = {}
    for kind, part in kinds.items():
        missing = [f for f in PROMPT_FIELDS if not isinstance(part.get(f), str)]
        if missing:
            raise ConfigError(f"--prompts file: kind {kind} lacks {', '.join(missing)}", file=str(path))
        check_template(part["template"], str(path))
        try:
            bank = tuple(
                Example(str(e["group"]), str(e.get("heading", "")), str(e["text"]), str(e["output"]))
                for e in part.get("bank", [])
            )
        except (KeyError, TypeError) as exc:
            raise ConfigError(
                f"--prompts file: kind {kind} has a malformed bank entry ({exc})", file=str(path)
            ) from exc
        out[kind] = TunedKind(
            kind,
            kind_version(common_raw, part),
            {f: part[f] for f in PROMPT_FIELDS},
            int(part.get("examples", 0)),
            bank,
        )
    return out


def check_template(template: str, where: str) -> None:
    """A template may use {heading} and {text} only (what every call fills in): another placeholder or a
    stray brace would fail every call of the kind, so it is refused when the file is read."""
    try:
        template.format(heading="", text="")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"prompt template has a placeholder the calls do not fill ({exc}); use {{heading}} and "
            "{text} only, and {{ }} for a literal brace",
            file=where,
        ) from None


# ---------------------------------------------------------------- writing (no TOML writer in the stdlib)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # JSON string escapes are valid TOML basic-string escapes
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v if x is not None) + "]"
    if isinstance(v, dict):
        return (
            "{ "
            + ", ".join(
                f"{json.dumps(str(k), ensure_ascii=False)} = {_value(x)}" for k, x in v.items() if x is not None
            )
            + " }"
        )
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def dumps(header: dict, kinds: dict, record: dict, comment: str = "") -> str:
    """A tuned file: top-level scalars, `[kinds.<kind>]` with `[[kinds.<kind>.bank]]`, then `[record]`.
    None values are left out (TOML has no null)."""
    lines = [f"# {line}" for line in comment.splitlines()]
    lines += [f"{k} = {_value(v)}" for k, v in header.items() if v is not None]
    if not kinds:
        lines.append("kinds = {}  # every kind keeps prompts/<kind>.toml")
    for kind, part in kinds.items():
        lines += ["", f"[kinds.{kind}]"]
        lines += [f"{k} = {_value(v)}" for k, v in part.items() if k != "bank" and v is not None]
        for ex in part.get("bank", []):
            lines += ["", f"[[kinds.{kind}.bank]]", *(f"{k} = {_value(v)}" for k, v in ex.items())]
    lines += _table("record", record)
    return "\n".join(lines) + "\n"


def _table(name: str, data: dict) -> list[str]:
    """`[name]` with its plain keys one a line, a list of tables one element a line (arrays may span lines,
    inline tables may not), and each nested dict as its own `[name.key]` table after them."""
    lines = ["", f"[{name}]"]
    nested = []
    for k, v in data.items():
        if v is None:
            continue
        key = json.dumps(str(k), ensure_ascii=False)
        if isinstance(v, dict):
            nested.append((f"{name}.{key}", v))
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            lines += [f"{key} = [", *(f"  {_value(x)}," for x in v), "]"]
        else:
            lines.append(f"{key} = {_value(v)}")
    for sub, v in nested:
        lines += _table(sub, v)
    return lines
