"""Token and time accounting for model calls: one `CallRecord` per `ModelClient.ask()`.

`totals()` uses the field names of `schemas.report.RunInfo`, so a run record is
`RunInfo(backend=…, **ledger.totals(), call_log=ledger.records)`.
Batches run reports on several threads against one ledger, hence the lock.
"""

from __future__ import annotations

import threading

from extractor.config import Config
from schemas.report import CallRecord


class Ledger:
    def __init__(self, *, price_in_per_1k: float | None = None, price_out_per_1k: float | None = None):
        self.price_in_per_1k = price_in_per_1k
        self.price_out_per_1k = price_out_per_1k
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []

    @classmethod
    def for_config(cls, config: Config) -> "Ledger":
        return cls(price_in_per_1k=config.price_in_per_1k, price_out_per_1k=config.price_out_per_1k)

    def record(self, record: CallRecord) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[CallRecord]:
        """A snapshot: later calls do not change the list you hold."""
        with self._lock:
            return list(self._records)

    def totals(self) -> dict:
        """`calls` counts every ask (cache hits included); `cache_hits` is the subset served from disk.
        `seconds` is the sum of per-call times: on concurrent batches it exceeds wall time.
        `cost` is None unless a price is configured; cache hits cost nothing (they record no tokens)."""
        records = self.records
        tokens_in = sum(r.tokens_in for r in records)
        tokens_out = sum(r.tokens_out for r in records)
        return {
            "calls": len(records),
            "cache_hits": sum(1 for r in records if r.cached),
            "tokens_in": tokens_in,
            "tokens_out": tokens_out,
            "tokens_cached": sum(r.tokens_cached for r in records),
            "seconds": round(sum(r.seconds for r in records), 3),
            "cost": self._cost(tokens_in, tokens_out),
        }

    def _cost(self, tokens_in: int, tokens_out: int) -> float | None:
        if self.price_in_per_1k is None and self.price_out_per_1k is None:
            return None
        cost = tokens_in / 1000 * (self.price_in_per_1k or 0.0) + tokens_out / 1000 * (self.price_out_per_1k or 0.0)
        return round(cost, 6)
