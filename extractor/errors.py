"""One error tree for the whole tool; foreign errors are translated in one place each.

    FazhiError                      base: has `file`, `section`, `hint`; the CLI prints it as one red line
    ├── InputError                  bad input file (exit 2): empty, binary, undecodable, too large, not a report
    ├── ConfigError                 bad options or environment (exit 2): unknown backend, missing model file,
    │   │                           an endpoint refused/unreachable/TLS, a key it rejects (401/403/404)
    │   └── EndpointDown            the circuit breaker tripped: calls kept failing the same way (exit 2)
    ├── Interrupted                 the run was stopped (Ctrl-C): no new call is sent (exit 130)
    └── ModelError                  a model call failed after retries (the section is marked failed; exit 1)
        ├── TransientModelError     429 / 5xx / timeout / connection (retried by tenacity in model/client.py)
        └── InvalidModelOutput      the reply never validated against the response schema

openai / instructor / llama.cpp exceptions become these only in `extractor/model/failures.py`.
"""

from __future__ import annotations


class FazhiError(Exception):
    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, section: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.section = section
        self.hint = hint

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.file, f"section {self.section}" if self.section else None) if p)
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class InputError(FazhiError):
    exit_code = 2


class ConfigError(FazhiError):
    exit_code = 2


class EndpointDown(ConfigError):
    """Raised by the circuit breaker; the batch marks the reports it did not start `not_started`."""


class Interrupted(FazhiError):
    """Raised instead of sending a call once the run is stopping (Ctrl-C): not about the report, which the
    batch marks `not_started` for the next run to redo (its answered calls are cached)."""

    exit_code = 130


class ModelError(FazhiError):
    exit_code = 1

    def __init__(self, message: str, *, attempts: int = 0, kind: str = "model", **kw):
        super().__init__(message, **kw)
        self.attempts = attempts
        self.kind = kind  # `timeout`, `http 503`, `invalid output`, `truncated`, `deadline`, … (failures.fault_kind)


class TransientModelError(ModelError):
    pass


class InvalidModelOutput(ModelError):
    pass
