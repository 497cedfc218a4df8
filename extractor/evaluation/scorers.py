"""The registry of field scorers: `@scorer("metrics", needs="metrics")` puts a scorer under the field name
the eval log and the gates use, with what it reads of a Report and its primary score key.

A scorer takes (gold, pred): the Report attribute it `needs` on each side, or both whole Reports when
`needs` is None. Adding a scored field is one decorated function (and its place in scoring.FIELDS),
not an edit of an if-chain; `lookup` of an unknown field names the registered ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Scorer:
    name: str
    fn: Callable[[Any, Any], Any]  # (gold part, pred part) -> Tally | MatchScore (has numbers() and misses)
    needs: Optional[str]  # the Report attribute read on each side; None: the whole Report
    primary: str  # the score that gates a regression by the field's bare name and fills the `score` column
    span_key: str  # what the span-only `overall` takes of this field

    def __call__(self, gold: Any, pred: Any) -> Any:
        if self.needs is None:
            return self.fn(gold, pred)
        return self.fn(getattr(gold, self.needs), getattr(pred, self.needs))


_REGISTRY: dict[str, Scorer] = {}


def scorer(name: str, *, needs: Optional[str], primary: str = "typed_f1", span_key: str = "f1") -> Callable[[F], F]:
    """Register the decorated function as the scorer of field `name`; the function itself is returned as is."""

    def register(fn: F) -> F:
        if name in _REGISTRY:
            raise ValueError(f"scorer {name!r} registered twice")
        _REGISTRY[name] = Scorer(name, fn, needs, primary, span_key)
        return fn

    return register


def lookup(name: str) -> Scorer:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown field {name!r}; registered scorers: {', '.join(_REGISTRY)}") from None


def registered() -> tuple[str, ...]:
    return tuple(_REGISTRY)
