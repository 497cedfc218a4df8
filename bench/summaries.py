"""How good are the rules' summaries against a plain copy of the quote's opening, at the same length?

    python bench/summaries.py [--suite seeds] [--suite realistic] [--dump]

For every gold item a rules run matches (evidence IoU ≥ 0.5), scores with the eval's own key-term recall
(evaluation/summaries.py): the rules' summary as made; the quote copy (the item's quote, whitespace dropped, its
first N characters, N = 20/30/40/60); the rules' summary made for a target of N characters (the same
extraction, `rules.SUMMARY_TARGET = N`); and a quote copy as
long as the rules' own summary. Prints mean recall, share acceptable (≥ 0.5) and mean length. In-sample: every
suite here was read while the summary rules were written. Numbers, not assertions.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.config import Config  # noqa: E402
from extractor.evaluation.matching import _span_affinity, greedy_match  # noqa: E402
from extractor.evaluation.suites import _load_report, load_suite  # noqa: E402
from extractor.evaluation.summaries import acceptable, term_recall  # noqa: E402
from extractor.labeling import rules  # noqa: E402
from extractor.pipeline import extract  # noqa: E402

FIELDS = ("measures", "problems", "rectifications", "plans", "leadership_duties")
BUDGETS = (20, 30, 40, 60)


def copy(quote: str, n: int) -> str:
    return re.sub(r"\s+", "", quote)[:n]


def rows(suite_name: str, target: int | None = None):
    """(doc, field, gold item, predicted item) of every match, the rules' summaries made for `target` characters."""
    suite = load_suite(suite_name)
    config = Config(backend="rules")
    default = rules.SUMMARY_TARGET
    rules.SUMMARY_TARGET = target or default
    try:
        yield from _matches(suite, config)
    finally:
        rules.SUMMARY_TARGET = default


def _matches(suite, config):
    for doc in suite.documents:
        gold = _load_report(suite.gold_path(doc), "gold")
        pred = extract(suite.source_path(doc), config)
        for name in FIELDS:
            g_items, p_items = getattr(gold, name), getattr(pred, name)
            for g, p in greedy_match(g_items, p_items, _span_affinity):
                yield doc, name, g_items[g], p_items[p]


def score(text: str, g) -> float:
    return term_recall(text, g.summary_terms, g.evidence.quote)


def report(suite_name: str, dump: bool) -> None:
    got = list(rows(suite_name))
    ours = [score(p.summary, g) for _, _, g, p in got]
    lengths = [len(p.summary) for _, _, _, p in got]
    gold_len = [len(g.summary) for _, _, g, _ in got]
    same_len = [score(copy(p.evidence.quote, len(p.summary)), g) for _, _, g, p in got]
    print(f"## {suite_name}: {len(got)} matched items (in-sample)\n")
    print("| summary | mean recall | acceptable | mean length |\n|---|---|---|---|")
    print(f"| gold summaries | {statistics.mean(score(g.summary, g) for _, _, g, _ in got):.3f} | | "
          f"{statistics.mean(gold_len):.1f} (median {statistics.median(gold_len)}) |")
    print(f"| rules (as made) | {statistics.mean(ours):.3f} | {statistics.mean(map(acceptable, ours)):.3f} | "
          f"{statistics.mean(lengths):.1f} |")
    print(f"| quote copy, same length as rules' | {statistics.mean(same_len):.3f} | "
          f"{statistics.mean(map(acceptable, same_len)):.3f} | {statistics.mean(lengths):.1f} |")
    for n in BUDGETS:
        cut = [score(copy(p.evidence.quote, n), g) for _, _, g, p in got]
        made = [p.summary for _, _, _, p in rows(suite_name, target=n)]
        within = [score(p.summary, g) for _, _, g, p in rows(suite_name, target=n)]
        print(f"| quote copy N={n} | {statistics.mean(cut):.3f} | {statistics.mean(map(acceptable, cut)):.3f} | "
              f"{statistics.mean(len(copy(p.evidence.quote, n)) for *_, p in got):.1f} |")
        print(f"| rules, budget {n} | {statistics.mean(within):.3f} | {statistics.mean(map(acceptable, within)):.3f} | "
              f"{statistics.mean(map(len, made)):.1f} |")
    print()
    if dump:
        for (doc, name, g, p), r in zip(got, ours):
            if not acceptable(r):
                print(f"{doc} {name} {r:.2f} terms={g.summary_terms} ours={p.summary!r} gold={g.summary!r} "
                      f"quote={copy(p.evidence.quote, 50)!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", action="append", help="suite name (repeatable); default seeds and realistic")
    parser.add_argument("--dump", action="store_true", help="list the items whose summary is not acceptable")
    args = parser.parse_args()
    for name in args.suite or ["seeds", "realistic"]:
        report(name, args.dump)


if __name__ == "__main__":
    main()
