"""Few-shot examples from labelled gold, for `fazhi tune`: each gold item of a kind becomes an (item, answer)
pair the model is shown before the item it is asked about, tagged with its document group so a fold can
leave its held-out group's examples out (and no document ever sees its own group's).

Only kinds whose answer gold states whole have examples: measures and plans (category and summary),
rectifications and leadership (summary). A problem's answer holds a cause quote that gold stores as an
offset-mapped span of the report, not as the model's reply; its examples are left for later.
"""

from __future__ import annotations

import json

from extractor.evaluation.choose import group_key
from extractor.evaluation.suites import Suite, _load_report
from extractor.model.prompt_sets import Example

# kind -> (gold field, answer fields)
EXAMPLE_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "measures": ("measures", ("category", "summary")),
    "plans": ("plans", ("category", "summary")),
    "rectifications": ("rectifications", ("summary",)),
    "leadership": ("leadership_duties", ("summary",)),
}


def bank(suites: list[Suite], kind: str) -> tuple[tuple[Example, ...], list[str]]:
    """Every gold item of `kind` in `suites` as an Example, and a note per document whose gold did not load
    (it gives no examples; the eval run reports it as an error too)."""
    if kind not in EXAMPLE_KINDS:
        return (), []
    field, answer = EXAMPLE_KINDS[kind]
    out: list[Example] = []
    notes: list[str] = []
    for suite in suites:
        for doc in suite.documents:
            try:
                gold = _load_report(suite.gold_path(doc), "gold")
            except Exception as exc:  # noqa: BLE001 — a broken gold file gives no examples, and says so
                notes.append(f"{suite.name}/{doc}: no examples ({exc})")
                continue
            headings = {s.path: s.heading for s in gold.sections}
            for item in getattr(gold, field):
                reply = {name: getattr(item, name) for name in answer}
                if any(v is None or v == "" for v in reply.values()):
                    continue
                out.append(
                    Example(
                        group=group_key(suite.name, doc),
                        heading=headings.get(item.section or "", ""),
                        text=item.evidence.quote,
                        output=json.dumps(reply, ensure_ascii=False),
                    )
                )
    return tuple(out), notes
