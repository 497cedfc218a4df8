"""The circuit breaker: stop a run whose endpoint keeps failing the same way instead of grinding through it.

One `Breaker` is shared by every client of a run (a batch's reports, an eval's documents). Each finished
call reports to it: a success resets it; a failed call (after its retries) of a transport kind — timeout,
connection, 429, 5xx — counts towards `limit` failures *in a row of the same kind*. It trips

- after `limit` such failures in a row, or
- on the first timeout or dropped connection while no call of the run has ever succeeded: the endpoint
  is down or hangs, and every retry and later call would spend the same wait for nothing. The client does
  not retry such an attempt (`unanswered`), so a hanging endpoint costs one `--timeout`, not five. An
  HTTP error is an answer: a first call that met only 5xx counts towards `limit` like any.

Once tripped, every `ask()` raises the same `EndpointDown` (a `ConfigError`, exit 2) before sending anything.
`halt(error)` trips it from outside, with another error: a batch stopping on Ctrl-C halts it with
`Interrupted`, so the calls queued and those a report has not asked yet end at once instead of being sent.
A wrong answer from a working model (invalid output, a cut-off reply, a spent time budget) never trips it:
those degrade one item to the rules, not the run.
"""

from __future__ import annotations

import threading

from extractor.errors import EndpointDown, ModelError

TRIPPING_KINDS = ("timeout", "connection")  # plus every `http NNN` kind


def _trips(kind: str) -> bool:
    return kind in TRIPPING_KINDS or kind.startswith("http ")


class Breaker:
    def __init__(self, limit: int = 3, where: str = "the endpoint"):
        self.limit = max(1, int(limit))
        self.where = where
        self._lock = threading.Lock()
        self._kind: str | None = None
        self._count = 0
        self._answered = False  # any call of this run succeeded
        self.tripped: Exception | None = None  # EndpointDown, or what halt() was given

    def check(self) -> None:
        """Raise the trip error if the breaker has tripped (called before every request)."""
        if self.tripped is not None:
            raise self.tripped

    def halt(self, error: Exception) -> None:
        """Stop the run's calls: every later `check()` (and `failure()`) raises `error`."""
        with self._lock:
            if self.tripped is None:
                self.tripped = error

    def unanswered(self, kind: str) -> bool:
        """Whether a failed attempt of this kind means the endpoint has never answered: a timeout or dropped
        connection before any call of the run succeeded. The client retries no such attempt; its failure
        then trips the breaker (below)."""
        with self._lock:
            return not self._answered and kind in TRIPPING_KINDS

    def success(self) -> None:
        with self._lock:
            self._answered = True
            self._kind, self._count = None, 0

    def failure(self, error: ModelError) -> None:
        """Count a failed call; trip (and raise `EndpointDown`) when the run should stop."""
        kind = getattr(error, "kind", "model")
        with self._lock:
            if self.tripped is not None:
                raise self.tripped
            if not _trips(kind):
                self._kind, self._count = None, 0
                return
            self._count = self._count + 1 if kind == self._kind else 1
            self._kind = kind
            first = not self._answered and kind in TRIPPING_KINDS  # no HTTP answer at all, ever
            if first or self._count >= self.limit:
                why = (
                    "the first call failed and nothing has answered yet"
                    if first
                    else f"{self._count} calls in a row failed the same way"
                )
                self.tripped = EndpointDown(
                    f"stopped: {self.where} is not working — {why}: {error.message}",
                    hint="check that the endpoint is up and answers (--base-url, --timeout); rerun to resume",
                )
                raise self.tripped
