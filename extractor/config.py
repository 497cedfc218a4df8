"""Run configuration: which backend and model, where the cache lives, limits. Built from CLI options and
environment (`FAZHI_BASE_URL`, `FAZHI_MODEL`, `OPENAI_API_KEY`, `FAZHI_CACHE_DIR`, `FAZHI_MODEL_PATH`).

The API key is held here and handed to the client only; `fingerprint()` and `describe()` never include it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
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
# `--model-fields auto` reads the record `fazhi eval --choose-fields` writes for the backend and model in use
# (evals/choices/<backend>-<model>.json, env FAZHI_CHOICES_DIR for another folder): the kinds whose paired
# interval of (model − rules) over the in-sample gold is above 0 (extractor/evaluation/choose.py). With no
# record, the embedded model is asked for nothing (every field by the rules, and a quality note says so): the
# constant it replaced (plans, leadership) lost to the rules on two unseen real reports (issue 28). An
# endpoint with no record keeps every kind, as before.
CHOICES_DIR = Path(__file__).resolve().parents[1] / "evals" / "choices"
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
    categories: str = (
        "auto"  # auto | model | hybrid: hybrid keeps keyword categories where keywords are clear (auto: hybrid locally)
    )
    price_in_per_1k: float | None = None
    price_out_per_1k: float | None = None
    max_report_seconds: float | None = None  # wall-time budget for one report's model calls (None: unbounded)
    breaker_limit: int = 3  # this many failed calls in a row, of one transport kind, stop the run
    model_fields: str = "auto"  # auto | all | a comma list of MODEL_KINDS the model is asked for (auto: the
    # --choose-fields record for this backend and model; without one all on an endpoint, none locally)
    prompts: Path | None = None  # a tuned prompt configuration (`fazhi tune --out`), env FAZHI_PROMPTS

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
            "prompts": Path(env["FAZHI_PROMPTS"]) if env.get("FAZHI_PROMPTS") else None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        cfg = cls(**values)
        if cfg.max_report_seconds is not None and cfg.max_report_seconds <= 0:
            raise ConfigError(f"--max-report-seconds must be > 0, got {cfg.max_report_seconds:g}")
        if cfg.backend not in BACKENDS:
            raise ConfigError(f"unknown backend {cfg.backend!r}", hint=f"choose one of {', '.join(BACKENDS)}")
        for option, value, allowed in (
            ("--metric-names", cfg.metric_names, ("auto", "model", "rules")),
            ("--categories", cfg.categories, ("auto", "model", "hybrid", "choose")),
        ):
            if value not in allowed:
                raise ConfigError(f"unknown {option} value {value!r}", hint=f"choose one of {', '.join(allowed)}")
        unknown = sorted(set(cfg._model_field_list()) - set(MODEL_KINDS))
        if unknown:
            raise ConfigError(
                f"unknown --model-fields value {', '.join(unknown)}",
                hint=f"`auto`, `all` or a comma list of {', '.join(MODEL_KINDS)}",
            )
        return cfg

    def _model_field_list(self) -> list[str]:
        value = (self.model_fields or "auto").strip()
        if value == "auto":
            chosen = self.chosen_kinds()
            if chosen is not None:
                return chosen
            return [] if self.spec.measured_kinds_only else list(MODEL_KINDS)
        if value == "all":
            return list(MODEL_KINDS)
        return [k.strip() for k in value.split(",") if k.strip()]

    # ---- `--model-fields auto` from the record of `fazhi eval --choose-fields` (begin)
    def choices_path(self) -> Path:
        """Where `fazhi eval --choose-fields` writes, and `--model-fields auto` reads, this backend/model's record."""
        folder = Path(os.environ["FAZHI_CHOICES_DIR"]) if os.environ.get("FAZHI_CHOICES_DIR") else CHOICES_DIR
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", self.model_name or "none").strip("-")
        return folder / f"{self.resolved_backend}-{slug}.json"

    def chosen_kinds(self) -> list[str] | None:
        """The kinds the record hands to the model, or None: no record (or the rules backend, which asks none)."""
        if not self.spec.calls_model:
            return None
        try:
            record = json.loads(self.choices_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        kinds = record.get("model_fields") if isinstance(record, dict) else None
        if not isinstance(kinds, list):
            return None
        return [k for k in kinds if k in MODEL_KINDS]

    @property
    def model_fields_note(self) -> str | None:
        """What a report's quality says when `auto` asks the model nothing: no record for the embedded model,
        or a record that hands it no field (then why, and where to read the evidence)."""
        if (self.model_fields or "auto").strip() != "auto" or not self.spec.calls_model:
            return None
        chosen = self.chosen_kinds()
        if chosen is None and self.spec.measured_kinds_only:
            return (
                f"--model-fields auto: no choice record {self.choices_path().name} for this model, so every field "
                "is decided by the rules; make one with `fazhi eval --choose-fields --backend local`"
            )
        if chosen == []:
            return (
                f"--model-fields auto: the choice record {self.choices_path().name} hands this model no field (it "
                "beat the rules on none), so every field is decided by the rules; `--model-fields KINDS` asks it anyway"
            )
        return None

    # ---- (end)

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
            raise ConfigError(
                "--backend openai needs an API key for the OpenAI API, and none is set",
                hint="export OPENAI_API_KEY=… (or --api-key-file FILE), or point --base-url / "
                "FAZHI_BASE_URL at an endpoint that needs none",
            )

    @property
    def model_name(self) -> str | None:
        spec = self.spec
        if not spec.calls_model:
            return None
        if spec.embedded:
            if self.model_path:  # a replaced file under the same name must not reuse cached answers
                st = Path(self.model_path).stat() if Path(self.model_path).exists() else None
                return (
                    f"{Path(self.model_path).stem}@{st.st_size}-{st.st_mtime_ns}" if st else Path(self.model_path).stem
                )
            return f"{DEFAULT_LOCAL_MODEL}@{DEFAULT_LOCAL_SHA256[:12]}"
        return self.model or "gpt-4o-mini"

    @property
    def model_names_metrics(self) -> bool:
        """Whether the model names quantities: `auto` asks endpoints only (locally a call per sentence would
        cost more than the rest of the report; the rules' names stand)."""
        return self.spec.calls_model and (
            self.metric_names == "model" or (self.metric_names == "auto" and self.spec.names_metrics)
        )

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
            **({"prompts": self.prompts_file_id} if self.prompts is not None and self.spec.calls_model else {}),
        }

    @property
    def prompts_file_id(self) -> str:
        """`name@sha256-prefix` of the tuned prompt file: the record says which prompts a run used."""
        assert self.prompts is not None, "prompts_file_id is asked only when a prompts file is set"
        path = Path(self.prompts)
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError:
            digest = "missing"
        return f"{path.name}@{digest}"

    def fingerprint(self, prompt_versions: dict[str, str] | None = None) -> str:
        """Identity of the configuration that produced an output (for resumable batches); no secrets."""
        from extractor import __version__  # a new release may extract differently: redo its outputs

        payload = {**self.describe(), "prompts": prompt_versions or {}, "tool": __version__}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
