"""Check that hand-written suite texts are fresh: no run of N characters shared with any seed.

The realistic suite (`evals/realistic/texts/`) must not be a rewrite of the seeds. Both sides are compared
on a canonical view (NFKC width folding, traditional → simplified, whitespace and `#` dropped), so a copy
cannot hide behind a changed script, width or line break. The fixed phrases of the official report template
(the five part names of the 2019 《法治政府建设与责任落实督察工作规定》, which every report must use) are
blanked on both sides first: sharing them is the template, not copying. Exits 1 listing every shared run.

    python evals/tools/check_fresh.py [--run 15] [--seeds DIR] FILE_OR_DIR...
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extractor.text.script import simplified  # noqa: E402

DEFAULT_RUN = 15
DEFAULT_SEEDS = ROOT / "seeds"

# The template's own words (督察工作规定 第二十五条 and the part names it implies); longest first.
TEMPLATE_PHRASES = sorted(
    [
        "党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
        "党政主要负责人履行推进法治建设第一责任人职责情况",
        "党政主要负责人履行推进法治建设第一责任人职责",
        "履行推进法治建设第一责任人职责",
        "推进法治政府建设的主要举措和成效",
        "推进法治政府建设存在的不足和原因",
        "推进法治政府建设的主要安排",
        "法治政府建设情况的报告",
        "法治政府建设工作情况报告",
        "法治政府建设年度报告",
        "其他需要报告的情况",
        "习近平新时代中国特色社会主义思想",
    ],
    key=len,
    reverse=True,
)


def canon(text: str) -> str:
    text = simplified(unicodedata.normalize("NFKC", text))
    text = re.sub(r"[\s#]+", "", text)
    for phrase in TEMPLATE_PHRASES:
        p = re.sub(r"\s+", "", unicodedata.normalize("NFKC", phrase))
        text = text.replace(p, "\x00" * len(p))
    return text


def shingles(text: str, n: int) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1) if "\x00" not in text[i : i + n]}


def shared_runs(text: str, seeds: dict[str, str], n: int = DEFAULT_RUN) -> list[tuple[str, str]]:
    """(seed name, run) for every maximal run of ≥ n characters `text` shares with a seed."""
    mine = canon(text)
    hits: list[tuple[str, str]] = []
    for name, seed_text in seeds.items():
        theirs = shingles(canon(seed_text), n)
        i = 0
        while i <= len(mine) - n:
            if mine[i : i + n] in theirs:
                j = i + n
                while j < len(mine) and mine[j - n + 1 : j + 1] in theirs:
                    j += 1
                hits.append((name, mine[i:j]))
                i = j
            else:
                i += 1
    return hits


def load_seeds(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--run", type=int, default=DEFAULT_RUN)
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    args = ap.parse_args(argv)
    seeds = load_seeds(args.seeds)
    if not seeds:
        print(f"error: no seed texts in {args.seeds}", file=sys.stderr)
        return 2
    files = [f for p in args.paths for f in (sorted(p.glob("*.txt")) if p.is_dir() else [p])]
    bad = 0
    for f in files:
        for seed, run in shared_runs(f.read_text(encoding="utf-8"), seeds, args.run):
            bad += 1
            print(f"{f.name}: shares {len(run)} chars with {seed}: {run}")
    print(f"{len(files)} file(s) checked against {len(seeds)} seed(s): " + ("fresh" if not bad else f"{bad} shared run(s)"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
