"""Run configuration: which backend and model, where the cache lives, limits. Built from CLI options and
environment (`FAZHI_BASE_URL`, `FAZHI_MODEL`, `OPENAI_API_KEY`, `FAZHI_CACHE_DIR`, `FAZHI_MODEL_PATH`).

The API key is held here and handed to the client only; `fingerprint()` and `describe()` never include it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from extractor import registry
from extractor.errors import ConfigError

BACKENDS = ("auto", *registry.backend_names())  # auto: an endpoint if one is configured, else local
# The kinds of model call a run can make, one per field the model decides (`--model-fields`): a kind left
# out is decided by the rules without a call. Default: all, as measured; the lead flips it per field by
# the eval's attribution (model vs rules accuracy per field).
MODEL_KINDS = ("parts", "measures", "plans", "problems", "rectifications", "leadership", "metrics")
# What the embedded model is asked for by default (`--model-fields auto` on the local backend): the kinds where
# it beat the rules on the typed score of both scored suites (README, "Model vs rules"; measured 2026-12-05 with
# Qwen2.5-Coder-1.5B Q4_K_M): plans (seeds 0.697 vs 0.657, realistic 0.885 vs 0.769) and leadership duties (0.583
# vs 0.667 and 0.769 vs 0.615: 0.695 vs 0.636 over the 25 gold items). Everywhere else it lost or tied, so the
# rules decide without a call: measures (0.805 vs 0.820, 0.827 vs 0.827), problems and their causes (0.267 vs
# 0.467, 0.308 vs 0.615), rectifications (tie), parts (tie). Endpoints get every kind until measured.
LOCAL_MODEL_KINDS = ("plans", "leadership")
DEFAULT_LOCAL_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
DEFAULT_LOCAL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_MAX_BYTES = 5_000_000
# A PDF or Word file carries fonts and images; its text layer is held to DEFAULT_MAX_BYTES (text/ingest.py).
DEFAULT_MAX_DOCUMENT_BYTES = 100_000_000


@dataclass(frozen=True)
class Config:
    backend: str = "auto"
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: str | None = None  # instructor mode: tools | json_schema | json | md_json
    timeout: float = 90.0  # seconds to wait for a reply (the read timeout); a hanging endpoint fails in one
    connect_timeout: float = 10.0  # seconds to open a connection: a host that drops packets fails fast
    max_retries: int = 4  # transient failures (429/5xx/timeouts), tenacity
    validation_retries: int = 2  # schema failures, instructor's max_retries with the error fed back
    cache_dir: Path | None = None
    refresh: bool = False
    model_path: Path | None = None
    threads: int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    temperature: float = 0.0
    metric_names: str = "auto"  # auto | model | rules: who names quantities (auto: model on endpoints only)
    categories: str = "auto"  # auto | model | hybrid: hybrid keeps keyword categories where keywords are clear (auto: hybrid locally)
    price_in_per_1k: float | None = None
    price_out_per_1k: float | None = None
    max_report_seconds: float | None = None  # wall-time budget for one report's model calls (None: unbounded)
    breaker_limit: int = 3  # this many failed calls in a row, of one transport kind, stop the run
    model_fields: str = "auto"  # auto | all | a comma list of MODEL_KINDS the model is asked for (auto: all on
    # an endpoint, LOCAL_MODEL_KINDS on the embedded model)

    @classmethod
    def from_env(cls, **overrides) -> "Config":
        env = os.environ
        values: dict[str, Any] = {
            "base_url": env.get("FAZHI_BASE_URL") or None,
            "model": env.get("FAZHI_MODEL") or None,
            "api_key": env.get("OPENAI_API_KEY") or None,
            "cache_dir": Path(env["FAZHI_CACHE_DIR"]) if env.get("FAZHI_CACHE_DIR") else None,
            "model_path": Path(env["FAZHI_MODEL_PATH"]) if env.get("FAZHI_MODEL_PATH") else None,
            "model_fields": env.get("FAZHI_MODEL_FIELDS") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        cfg = cls(**values)
        if cfg.max_report_seconds is not None and cfg.max_report_seconds <= 0:
            raise ConfigError(f"--max-report-seconds must be > 0, got {cfg.max_report_seconds:g}")
        if cfg.backend not in BACKENDS:
            raise ConfigError(f"unknown backend {cfg.backend!r}", hint=f"choose one of {', '.join(BACKENDS)}")
        for option, value, allowed in (("--metric-names", cfg.metric_names, ("auto", "model", "rules")),
                                       ("--categories", cfg.categories, ("auto", "model", "hybrid"))):
            if value not in allowed:
                raise ConfigError(f"unknown {option} value {value!r}", hint=f"choose one of {', '.join(allowed)}")
        unknown = sorted(set(cfg._model_field_list()) - set(MODEL_KINDS))
        if unknown:
            raise ConfigError(f"unknown --model-fields value {', '.join(unknown)}",
                              hint=f"`auto`, `all` or a comma list of {', '.join(MODEL_KINDS)}")
        return cfg

    def _model_field_list(self) -> list[str]:
        value = (self.model_fields or "auto").strip()
        if value == "auto":
            return list(LOCAL_MODEL_KINDS if self.spec.measured_kinds_only else MODEL_KINDS)
        if value == "all":
            return list(MODEL_KINDS)
        return [k.strip() for k in value.split(",") if k.strip()]

    @property
    def model_kinds(self) -> frozenset[str]:
        """The call kinds the model is asked for; every other field is decided by the rules, without a call."""
        return frozenset(self._model_field_list())

    @property
    def resolved_backend(self) -> str:
        """`auto` means: an endpoint if one is configured, else the embedded local model."""
        if self.backend != "auto":
            return self.backend
        return registry.OPENAI.name if self.base_url else registry.LOCAL.name

    @property
    def spec(self) -> registry.Backend:
        """What the resolved backend can do (extractor/registry.py)."""
        return registry.backend(self.resolved_backend)

    def require_key(self) -> None:
        """The OpenAI API itself needs a key; an endpoint of one's own (`base_url`) may not. Checked before any
        model library is imported, so a missing key costs no time."""
        if self.spec.needs_key and not self.api_key and not self.base_url:
            raise ConfigError("--backend openai needs an API key for the OpenAI API, and none is set",
                              hint="export OPENAI_API_KEY=… (or --api-key-file FILE), or point --base-url / "
                                   "FAZHI_BASE_URL at an endpoint that needs none")

    @property
    def model_name(self) -> str | None:
        spec = self.spec
        if not spec.calls_model:
            return None
        if spec.embedded:
            if self.model_path:  # a replaced file under the same name must not reuse cached answers
                st = Path(self.model_path).stat() if Path(self.model_path).exists() else None
                return f"{Path(self.model_path).stem}@{st.st_size}-{st.st_mtime_ns}" if st else Path(self.model_path).stem
            return f"{DEFAULT_LOCAL_MODEL}@{DEFAULT_LOCAL_SHA256[:12]}"
        return self.model or "gpt-4o-mini"

    @property
    def model_names_metrics(self) -> bool:
        """Whether the model names quantities: `auto` asks endpoints only (locally a call per sentence would
        cost more than the rest of the report; the rules' names stand)."""
        return self.spec.calls_model and (
            self.metric_names == "model" or (self.metric_names == "auto" and self.spec.names_metrics))

    @property
    def category_mode(self) -> str:
        if not self.spec.calls_model:
            return self.spec.default_categories
        if self.categories != "auto":
            return self.categories
        return self.spec.default_categories

    @property
    def cache_path(self) -> Path:
        return self.cache_dir or Path(user_cache_dir("fazhi-extractor"))

    @property
    def model_dir(self) -> Path:
        """Where the default GGUF is assembled: the user cache, not `--cache-dir`, so a run with a fresh
        response cache does not copy the 1 GB model again (env FAZHI_MODEL_DIR overrides)."""
        return Path(os.environ.get("FAZHI_MODEL_DIR") or user_cache_dir("fazhi-extractor")) / "models"

    def with_(self, **changes) -> "Config":
        return replace(self, **changes)

    def describe(self) -> dict:
        """What a run record shows: everything but secrets."""
        return {
            "backend": self.resolved_backend,
            "model": self.model_name,
            "base_url": self.base_url if self.spec.uses_endpoint else None,
            "mode": self.mode,
            "temperature": self.temperature,
            "metric_names": self.metric_names,
            "categories": self.category_mode,
            # only when narrowed: a default run's record (and a batch's fingerprint) stays as it was
            **({"model_fields": sorted(self.model_kinds)} if self.model_kinds != frozenset(MODEL_KINDS) else {}),
        }

    def fingerprint(self, prompt_versions: dict[str, str] | None = None) -> str:
        """Identity of the configuration that produced an output (for resumable batches); no secrets."""
        from extractor import __version__  # a new release may extract differently: redo its outputs

        payload = {**self.describe(), "prompts": prompt_versions or {}, "tool": __version__}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
