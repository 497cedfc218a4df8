"""Choosing a label from a closed set by its likelihood, and refusing a choice the text does not carry.

For a closed-set field (a measure's or plan's `category`) the small model is not asked to write JSON: each
option gets a letter (A–K), the backend scores every letter as the first token of the answer in one forward
pass (`extractor.model.choosing`), and the most likely letter is the model's choice. `decide` then keeps the
rules' answer, with a `model_refused` note, when

- the best label is outside the option set (a scorer answering for labels it was not given), or
- the rules have a decided answer (keywords in the item) and the model's choice differs from it by less than
  `MARGIN` nats over the runner-up (an unsure model does not overrule a keyword match).

Examples (`retrieve`) are in-sample gold items most like the item (character bigram overlap), never from
the document under test or a rewrite of it: a gold item sharing long runs of text with the document is left
out (a seed and its layout rewrites share their sentences).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import get_args

from schemas.report import Category

CATEGORIES: tuple[str, ...] = get_args(Category)  # the schema's eleven keys, in its order
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MARGIN = 1.0  # nats between the best and the runner-up below which the model's choice is unsure
GOLD_DIR = Path(__file__).resolve().parents[2] / "evals" / "gold"  # the in-sample gold: seeds only, never held out
SHARED_RUN = 16  # characters in a row shared with the document that mark a gold item as its own (or a rewrite's)


def letters(options: tuple[str, ...] = CATEGORIES) -> dict[str, str]:
    """letter → option, in the options' order (the order the prompt lists them)."""
    return {LETTERS[i]: option for i, option in enumerate(options)}


def decide(
    logprobs: dict[str, float], options: dict[str, str], rules_answer: str | None, margin: float | None = None
) -> tuple[str | None, str | None]:
    """(the model's option, None) when it stands; (None, why) when the rules' answer must stand instead.
    `options` maps each scored label (letter) to its option; `rules_answer` is None when the rules have no
    decided answer (no keyword), and then any in-set choice stands."""
    margin = margin_setting() if margin is None else margin
    if not logprobs:
        return None, "no label was scored"
    ranked = sorted(logprobs.items(), key=lambda kv: kv[1], reverse=True)
    best, best_lp = ranked[0]
    if best not in options:
        return None, f"label {best!r} is outside the option set"
    choice = options[best]
    if rules_answer is None or choice == rules_answer:
        return choice, None
    runner_up = next((lp for label, lp in ranked[1:] if label in options), float("-inf"))
    if best_lp - runner_up < margin:
        return None, (
            f"`{choice}` by a margin of {best_lp - runner_up:.2f} nats (< {margin}), against the "
            f"keyword answer `{rules_answer}`"
        )
    return choice, None


def options_text(options: dict[str, str]) -> str:
    return "\n".join(f"{letter} {option}" for letter, option in options.items())


def margin_setting() -> float:
    """`MARGIN`, or `FAZHI_CHOICE_MARGIN` for an experiment (bench/label_scoring.md records each)."""
    try:
        return float(os.environ.get("FAZHI_CHOICE_MARGIN", MARGIN))
    except ValueError:
        return MARGIN


def example_count() -> int:
    """How many retrieved examples a choice prompt carries (`FAZHI_CHOICE_EXAMPLES`, default 0: measured in
    bench/label_scoring.md)."""
    try:
        return max(0, int(os.environ.get("FAZHI_CHOICE_EXAMPLES", "0")))
    except ValueError:
        return 0


@lru_cache(maxsize=1)
def gold_pool(gold_dir: Path = GOLD_DIR) -> tuple[tuple[str, str, str], ...]:
    """(kind, quote, category) of every measure and plan in the in-sample gold; empty when none is shipped."""
    pool = []
    for path in sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else []:
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for kind in ("measures", "plans"):
            for item in gold.get(kind) or []:
                quote = ((item.get("evidence") or {}).get("quote") or "").strip()
                if quote and item.get("category") in CATEGORIES:
                    pool.append((kind, quote, item["category"]))
    return tuple(pool)


def _grams(text: str, n: int = 2) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _shares_run(quote: str, document: str, run: int = SHARED_RUN) -> bool:
    return any(quote[i : i + run] in document for i in range(0, max(1, len(quote) - run + 1), run // 2))


def retrieve(
    text: str, document: str, k: int, pool: tuple[tuple[str, str, str], ...] | None = None, clip: int = 80
) -> list[tuple[str, str]]:
    """Up to `k` (quote, category) gold examples most like `text` by bigram overlap (Jaccard), none from
    `document` itself or a rewrite of it."""
    if k <= 0:
        return []
    pool = gold_pool() if pool is None else pool
    mine = _grams(text)
    scored = []
    for _, quote, category in pool:
        theirs = _grams(quote[: clip * 2])
        overlap = len(mine & theirs) / (len(mine | theirs) or 1)
        scored.append((overlap, quote, category))
    scored.sort(key=lambda row: row[0], reverse=True)
    picked: list[tuple[str, str]] = []
    for _, quote, category in scored:
        if len(picked) == k:
            break
        if not _shares_run(quote, document):
            picked.append((quote[:clip], category))
    return picked
