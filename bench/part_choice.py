"""Which part an undecided top-level section is: the rules' guess, the model's generated JSON, the model's
scored letters (issue 29 item 3), against the gold part, on every such section of the in-sample suites.

    python bench/part_choice.py [--suite seeds --suite realistic --suite layouts] [--flat] [--json OUT]

A section reaches this question only where the rules leave its part undecided or contradictory
(structure.parts); elsewhere the rules decide and the model is never asked. `--flat` also asks on the
suites' texts with every line break removed (the delivered `nonl` form), where headings are found inline.
Uses the embedded model (`--backend local`) through the response cache; every suite is in-sample. Extraction
asks by JSON (labeling/parts.py); the scored way is measured here only (bench/label_scoring.md, experiment 5).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.config import Config  # noqa: E402
from extractor.evaluation.forms import make_form  # noqa: E402
from extractor.evaluation.suites import load_suite, read_source  # noqa: E402
from extractor.labeling.parts import PART_OPTIONS, part_asker, part_logprobs  # noqa: E402
from extractor.model.client import ModelClient  # noqa: E402
from extractor.structure.outline import segment  # noqa: E402
from extractor.structure.parts import PartQuestion  # noqa: E402
from extractor.text.normalize import normalize  # noqa: E402


def _key(heading: str) -> str:
    return "".join(heading.split()).replace(",", "，")[:12]


def questions(suites: list[str], flat: bool):
    """(document, form, question, gold part) for every question the rules put to a model."""
    for name in suites:
        suite = load_suite(name)
        for doc in suite.documents:
            gold = json.loads(suite.gold_path(doc).read_text(encoding="utf-8"))
            parts = {_key(s["heading"]): s.get("part") for s in gold.get("sections", []) if s.get("level") == 1}
            text = read_source(suite.source_path(doc))
            for form in ("lined", "nonl") if flat else ("lined",):
                asked = []
                segment(normalize(text if form == "lined" else make_form("nonl", text).text), asked.append)
                for q in asked:
                    yield doc, form, q, parts.get(_key(q.heading))


def calibrated(client: ModelClient):
    """Scored letters less each letter's score on content-free questions (contextual calibration, Zhao et al.
    2021: a small model's preference for some letters whatever the question)."""
    free = [part_logprobs(client, PartQuestion("x", "N/A", "N/A", i, 4, "measures", "undecided")) for i in (1, 4)]
    prior = {k: sum(f[k] for f in free) / len(free) for k in PART_OPTIONS}

    def ask(q: PartQuestion) -> str:
        lp = part_logprobs(client, q)
        return PART_OPTIONS[max(lp, key=lambda k: lp[k] - prior[k])]

    return ask


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", action="append", help="suite(s) to read (default seeds, realistic, layouts)")
    ap.add_argument("--flat", action="store_true", help="also the texts with their line breaks removed")
    ap.add_argument("--json", type=Path, help="write every question's answers here")
    args = ap.parse_args(argv)
    client = ModelClient(Config(backend="local", model_fields="parts"))
    notes: list = []
    ways = {
        "generated": part_asker(client, notes),
        "scored": part_asker(client, notes, scored=True),
        "calibrated": calibrated(client),
    }
    rows, started = [], time.monotonic()
    for doc, form, q, gold in questions(args.suite or ["seeds", "realistic", "layouts"], args.flat):
        row = {"doc": doc, "form": form, "heading": q.heading[:30], "gold": gold, "rules": q.guess, "why": q.why}
        for way, ask in ways.items():
            row[way] = ask(q) or q.guess  # a failed or refused answer keeps the rules' guess, as extraction does
        rows.append(row)
        print(
            f"{doc[:22]:22s} {form:5s} gold={gold} rules={q.guess} json={row['generated']} "
            f"scored={row['scored']}  {q.heading[:20]}"
        )
    known = [r for r in rows if r["gold"]]
    print(
        f"\n{len(rows)} questions ({len(known)} with a gold part), {time.monotonic() - started:.0f} s; "
        f"{len(notes)} notes ({', '.join(sorted({n.kind for n in notes})) or 'none'})"
    )
    for way in ("rules", *ways):
        right = sum(r[way] == r["gold"] for r in known)
        print(f"  {way:10s} {right}/{len(known)} right")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
