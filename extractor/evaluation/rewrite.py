"""A text rewritten by a list of edits, with an offset map from the original: what the delivered forms
(evaluation/forms.py) and the layouts suite's generator (evals/tools/make_layouts.py) both build on, so a
gold's evidence can follow its text into the rewrite exactly.

An edit replaces original [start, end) by a text; an insertion has start == end. Boundary rule: a span that
starts (ends) where a replacement starts (ends) includes the replacement; an insertion at a span's start or
end stays outside the span. An edge inside a replacement of another length has no image and raises
RewriteError. `image()` computes what a mapped span must read from the edits alone, an independent check of
the map, so a wrong map stops the caller instead of scoring against a drifted gold.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.errors import FazhiError


class RewriteError(FazhiError):
    """An edit list or a span the offset map cannot carry exactly."""


@dataclass(frozen=True)
class Edit:
    """Replace original [start, end) by `text`; start == end is an insertion."""

    start: int
    end: int
    text: str


class Rewrite:
    """The new text of a list of non-overlapping edits, and where each original position went."""

    def __init__(self, original: str, edits: list[Edit]):
        self.original = original
        # insertions before a replacement that starts at the same place; otherwise the order given
        self.edits = sorted(edits, key=lambda e: (e.start, e.end > e.start))
        n = len(original)
        self._end_at = [-1] * (n + 1)  # new offset for a span ending at p (insertions at p stay after it)
        self._start_at = [-1] * (n + 1)  # new offset for a span starting at p (insertions at p stay before it)
        parts: list[str] = []
        pos = npos = 0

        def mark(p: int, q: int) -> None:
            if self._end_at[p] < 0:
                self._end_at[p] = q
            self._start_at[p] = q

        for e in self.edits:
            if not 0 <= e.start <= e.end <= n:
                raise RewriteError(f"edit [{e.start}, {e.end}) outside the text (length {n})")
            if e.start < pos:
                raise RewriteError(f"overlapping edits at {e.start}: {e.text!r}")
            for p in range(pos, e.start):
                mark(p, npos + p - pos)
            parts.append(original[pos : e.start])
            npos += e.start - pos
            mark(e.start, npos)
            if e.end - e.start == len(e.text):  # same length: inner positions map one to one
                for p in range(e.start + 1, e.end):
                    mark(p, npos + p - e.start)
            parts.append(e.text)
            npos += len(e.text)
            pos = e.end
            if e.start == e.end:
                mark(e.start, npos)
        for p in range(pos, n + 1):
            mark(p, npos + p - pos)
        parts.append(original[pos:])
        self.text = "".join(parts)
        if len(self.text) != npos + n - pos:
            raise RewriteError("offset map out of step with the new text")

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where the original span [start, end) stands in the new text."""
        if not 0 <= start <= end <= len(self.original):
            raise RewriteError(f"span [{start}, {end}) outside the original text")
        ns, ne = self._start_at[start], self._end_at[end]
        if ns < 0 or ne < 0:
            raise RewriteError(
                f"span [{start}, {end}) has an edge inside a rewritten region: {self.original[start:end][:40]!r}"
            )
        if start == end:
            return ns, ns
        if ne < ns:
            raise RewriteError(f"span [{start}, {end}) maps to an empty range")
        return ns, ne

    def image(self, start: int, end: int) -> str:
        """The original span with the edits inside it applied: what the new text must read at span().
        Computed from the edits alone, as an independent check of the offset map."""
        out, pos = [], start
        for e in self.edits:
            if e.start == e.end:
                if start < e.start < end:
                    out += [self.original[pos : e.start], e.text]
                    pos = e.start
                continue
            if e.end <= start or e.start >= end:
                continue
            a, b = max(e.start, start), min(e.end, end)
            if (a, b) == (e.start, e.end):
                piece = e.text
            elif len(e.text) == e.end - e.start:
                piece = e.text[a - e.start : b - e.start]
            else:
                raise RewriteError(f"span [{start}, {end}) cuts a rewritten region [{e.start}, {e.end})")
            out += [self.original[pos:a], piece]
            pos = b
        out.append(self.original[pos:end])
        return "".join(out)
