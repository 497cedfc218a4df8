"""Fill in evidence offsets of a hand-written gold file, then validate it.

Labelers write each evidence as {"quote": "<text copied from the report>"} (offsets optional). This tool
finds every quote in the seed (canonical match: width-folded, whitespace and '#' ignored, so a quote may
be copied across a page break), writes `start`/`end` into the original text, fills `source`, and validates
the file against schemas.report.Report. Where a quote occurs more than once, the first occurrence at or
after the previous item's start in the same list is taken (lists are in document order); give an explicit
"start" hint to pick another. Exits 1 listing every quote that is not in the text.

    python evals/tools/fill_offsets.py evals/gold/000_f1d261e1c8a62baa.json
    python evals/tools/fill_offsets.py evals/realistic/gold/*.json   # texts from evals/realistic/texts/
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extractor.text.normalize import normalize  # noqa: E402
from schemas.report import Report  # noqa: E402


def text_path(gold: Path) -> Path:
    """The text a gold file labels: `<suite>/texts/<id>.txt` beside a suite's `gold/` folder (the realistic
    and layouts suites), else the seed `seeds/<id>.txt`."""
    beside = gold.resolve().parent.parent / "texts" / (gold.stem + ".txt")
    return beside if beside.is_file() else ROOT / "seeds" / (gold.stem + ".txt")


def fill(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    seed = text_path(path)
    raw = seed.read_bytes()
    text = raw.decode("utf-8")
    norm = normalize(text)
    data["source"] = {
        "file": seed.name,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "encoding": "utf-8",
        "chars": len(text),
    }
    missing: list[str] = []

    def place(ev: dict, near: int, where: str) -> int:
        quote = ev.get("quote", "")
        hint = ev.get("start")
        spans = norm.find_all(quote)
        if not spans:
            missing.append(f"{where}: {quote!r}")
            return near
        if isinstance(hint, int) and hint >= 0:
            span = min(spans, key=lambda s: abs(s[0] - hint))
        else:
            after = [s for s in spans if s[0] >= near]
            span = (after or spans)[0]
        ev["start"], ev["end"] = span
        ev.setdefault("alignment", "span")
        return span[0]

    for key in ("sections", "leadership_duties", "measures", "metrics", "problems", "rectifications", "plans"):
        near = 0
        for i, item in enumerate(data.get(key, [])):
            near = place(item["evidence"], near, f"{key}[{i}]")
            if item.get("cause_evidence"):
                place(item["cause_evidence"], item["evidence"]["start"], f"{key}[{i}].cause_evidence")
            if item.get("body"):
                place(item["body"], item["evidence"]["start"], f"{key}[{i}].body")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not missing:
        Report.model_validate(data)
    return missing


if __name__ == "__main__":
    bad = []
    for arg in sys.argv[1:]:
        bad += [f"{arg}: {m}" for m in fill(Path(arg))]
    print("\n".join(bad) if bad else "ok: offsets filled and schema valid")
    sys.exit(1 if bad else 0)
