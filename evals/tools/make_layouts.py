"""Rewrite each seed report into other layouts, with its gold remapped by code (the `layouts` suite).

    python evals/tools/make_layouts.py            # writes evals/layouts/{texts,gold}/<seed id>.<family>.*
    python evals/tools/make_layouts.py --out DIR  # somewhere else (the test regenerates into a tmp dir)
    python evals/tools/make_layouts.py --check    # regenerate in memory, exit 1 if the committed files differ

Families (FAMILIES below says it in one line each):
  topics       top-level headings replaced by topic headings derived from the part's own sub-headings or
               items' lead clauses, free of every part keyword (情况, 问题, 安排, …); sub-headings stay.
  nomarkers    every `一是…二是…` item becomes its own paragraph introduced by a numbered run-in sub-heading
               one level down (`1.` under 一、/（一）, `（1）` under 1., `①` deeper).
  web          the text as copied from a web page: page furniture before/after the body, an info block made
               from the gold metadata, and half-width ，：；（）！？ in the body.
  traditional  the whole text in traditional characters (OpenCC s2t).
  nohash       the markdown `#` heading marks removed, line breaks kept (only seeds that have `#` marks).

How the gold stays exact: each rewrite is a list of edits (replace original [start, end) by a text; an
insertion has start == end) applied to the seed text. `Rewrite` builds the new text and an offset map;
every evidence (items, metrics, sections, cause_evidence, body) is mapped through it and its quote is
re-sliced from the new text, so every quote in a layout gold equals its text at its offsets exactly.
Boundary rule: a span that starts (ends) where a replacement starts (ends) includes the replacement; an
insertion at a span's start or end stays outside the span. An edge inside a replacement of a different
length has no image and fails loudly. Each remapped span is checked against an independent computation
(the original slice with the edits inside it applied), and each seed quote against the seed text, so a
wrong map or a wrong seed gold stops the generator instead of writing a drifted gold.

Imports from `extractor` only the grammar's marker patterns, the offset-mapped rewrite (evaluation/rewrite.py,
which the delivered forms use too) and the output model (schemas.report) to validate what it writes.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extractor.evaluation.rewrite import Edit, Rewrite, RewriteError  # noqa: E402
from extractor.text import grammar  # noqa: E402
from schemas.report import Report  # noqa: E402

SEEDS_DIR = ROOT / "seeds"
GOLD_DIR = ROOT / "evals" / "gold"
OUT_DIR = ROOT / "evals" / "layouts"

FAMILIES: dict[str, str] = {
    "topics": "top-level headings replaced by keyword-free topic headings derived from the part's content",
    "nomarkers": "each 一是/二是… item made its own paragraph under a numbered run-in sub-heading one level down",
    "web": "web-page copy: page furniture and an info block around the body, half-width ，：；（）！？ in the body",
    "traditional": "the whole text in traditional characters (OpenCC s2t)",
    "nohash": "markdown # heading marks removed, line breaks kept",
}
LISTS = ("sections", "leadership_duties", "measures", "metrics", "problems", "rectifications", "plans")
ITEM_LISTS = ("leadership_duties", "measures", "problems", "rectifications", "plans")
EVIDENCE_FIELDS = ("evidence", "cause_evidence", "body")

# Words that name a required part in a heading; a `topics` heading carries none of them.
PART_KEYWORDS = ("情况", "举措", "成效", "问题", "不足", "差距", "短板", "计划", "安排", "打算", "谋划", "要点",
                 "思路", "下一步", "明年")
# Also kept out of a topic heading: they name a part as surely (`（一）不足及原因`, `（二）整改措施`).
_TOPIC_AVOID = PART_KEYWORDS + ("原因", "措施", "整改")
_TOPIC_MAX = 36  # a two-clause topic heading longer than this keeps its first clause only

CN_DIGITS = grammar.CN_DIGITS
_MARKER = grammar.LAYOUT_ITEM
_TOP_ORDINAL = grammar.LAYOUT_TOP_ORDINAL
_LEAD_ORDINAL = grammar.LAYOUT_LEAD_ORDINAL
_HASH_MARKS = re.compile(r"(?m)^#+[ \t]*")
HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"})


class LayoutError(RewriteError):
    """The generator cannot produce an exact gold: a bug in a rewrite, or in the seed gold."""


def squash(text: str) -> str:
    """The comparison form of the project's gold check (extractor.normalize.canon, mirrored here so the
    generator needs no extraction code): full-width ASCII folded, whitespace and `#` dropped."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if ch.isspace() or ch in "#\u3000":
            continue
        out.append(ch)
    return "".join(out)


def cn_number(numeral: str) -> int:
    """一…十, 十一…十九, 二十…九十九 (list ordinals)."""
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + CN_DIGITS.index(numeral[1]) + 1
    if len(numeral) == 2 and numeral[1] == "十":
        return (CN_DIGITS.index(numeral[0]) + 1) * 10
    if len(numeral) == 3 and numeral[1] == "十":
        return (CN_DIGITS.index(numeral[0]) + 1) * 10 + CN_DIGITS.index(numeral[2]) + 1
    if len(numeral) == 1:
        return CN_DIGITS.index(numeral) + 1
    raise LayoutError(f"not a list numeral: {numeral!r}")



# ---------------------------------------------------------------- remapping a gold through a rewrite


def heading_of(quote: str) -> str:
    """A section's `heading` from its evidence quote (CONVENTIONS: `#` and line breaks removed)."""
    return re.sub(r"[#\n]", "", quote).strip()


def evidences(gold: dict):
    """(where, evidence dict) for every evidence in the gold."""
    for key in LISTS:
        for i, item in enumerate(gold.get(key, [])):
            for field in EVIDENCE_FIELDS:
                if item.get(field):
                    yield f"{key}[{i}].{field}", item[field]


def check_seed_gold(gold: dict, text: str, name: str) -> None:
    """Every seed quote is at its offsets (the gold test's check), else the remap would carry a wrong span."""
    for where, ev in evidences(gold):
        s, e = ev["start"], ev["end"]
        if not (0 <= s <= e <= len(text)) or squash(text[s:e]) != squash(ev["quote"]) or not squash(ev["quote"]):
            raise LayoutError(f"{name}: seed gold {where} is not at its offsets: {ev['quote'][:40]!r}")


def remap(gold: dict, rw: Rewrite, name: str) -> dict:
    """A copy of `gold` with every evidence mapped into rw.text and its quote re-sliced from it."""
    out = copy.deepcopy(gold)
    for key in ITEM_LISTS:  # before the evidence moves: a term is found inside its item's original span
        for i, item in enumerate(out[key]):
            if item.get("summary_terms"):
                item["summary_terms"] = [remap_term(rw, item["evidence"], term, f"{name}: {key}[{i}]")
                                         for term in item["summary_terms"]]
    for where, ev in evidences(out):
        ns, ne = rw.span(ev["start"], ev["end"])
        quote = rw.text[ns:ne]
        if quote != rw.image(ev["start"], ev["end"]):
            raise LayoutError(f"{name}: {where} mapped to [{ns}, {ne}) = {quote[:40]!r}, "
                              f"expected {rw.image(ev['start'], ev['end'])[:40]!r}")
        ev.update(quote=quote, start=ns, end=ne)
    for sec in out["sections"]:
        sec["heading"] = heading_of(sec["evidence"]["quote"])
    return out


def remap_term(rw: Rewrite, ev: dict, term: str, where: str) -> str:
    """A summary key term is a piece of the item's text: it follows the text through the rewrite (half-width,
    traditional), sliced from the new text where its original occurrence inside the item went. A page break
    inside the term in the text (`规范文明执\n\n法`) is matched and left out of the term, as the gold term has it."""
    found = re.compile(r"\s*".join(map(re.escape, term))).search(rw.original, ev["start"], ev["end"])
    if found is None:
        raise LayoutError(f"{where}: summary term {term!r} is not in the item's text")
    ns, ne = rw.span(found.start(), found.end())
    new = rw.text[ns:ne]
    if new != rw.image(found.start(), found.end()):
        raise LayoutError(f"{where}: summary term {term!r} mapped to {new!r}")
    return new if re.search(r"\s", term) else "".join(new.split())


def verify(gold: dict, text: str, name: str) -> None:
    """Fail loudly unless every quote is exactly its text and the file is a valid Report."""
    count = 0
    for where, ev in evidences(gold):
        s, e = ev["start"], ev["end"]
        if not (0 <= s <= e <= len(text)) or text[s:e] != ev["quote"] or not squash(ev["quote"]):
            raise LayoutError(f"{name}: {where} is not its text: {ev['quote'][:40]!r} vs {text[s:e][:40]!r}")
        count += 1
    for i, sec in enumerate(gold["sections"]):
        if sec["heading"] != heading_of(sec["evidence"]["quote"]):
            raise LayoutError(f"{name}: sections[{i}].heading is not its quote")
    for key in ITEM_LISTS:
        for i, item in enumerate(gold[key]):
            for term in item.get("summary_terms") or ():
                if squash(term) not in squash(item["evidence"]["quote"]):
                    raise LayoutError(f"{name}: {key}[{i}].summary_terms {term!r} is not in its quote")
    for i, note in enumerate(gold.get("quality", [])):
        if note.get("quote") and squash(note["quote"]) not in squash(text):
            raise LayoutError(f"{name}: quality[{i}].quote {note['quote']!r} is not in the text")
    if count == 0:
        raise LayoutError(f"{name}: no evidence at all")
    Report.model_validate(gold)


def set_source(gold: dict, file_name: str, text: str) -> None:
    raw = text.encode("utf-8")
    gold["source"] = {"file": file_name, "sha256": hashlib.sha256(raw).hexdigest(), "encoding": "utf-8",
                      "chars": len(text)}


def retext(gold: dict, convert: Callable[[str], str], written: bool) -> None:
    """Apply a string conversion to the text fields copied from the report (`cause`, quality quotes) and,
    when `written`, to the labeller-written ones too (`summary`, metric `name`)."""
    for key in ITEM_LISTS:
        for item in gold[key]:
            if item.get("cause"):
                item["cause"] = convert(item["cause"])
            if written:
                item["summary"] = convert(item["summary"])
    if written:
        for m in gold["metrics"]:
            m["name"] = convert(m["name"])
    for note in gold.get("quality", []):
        if note.get("quote"):
            note["quote"] = convert(note["quote"])


def check_causes(gold: dict, name: str) -> None:
    for i, p in enumerate(gold["problems"]):
        if p.get("cause") and p.get("cause_evidence") and squash(p["cause"]) != squash(p["cause_evidence"]["quote"]):
            raise LayoutError(f"{name}: problems[{i}].cause no longer reads as its cause_evidence")


# ---------------------------------------------------------------- structure read from the seed gold


def top_sections(gold: dict, text: str) -> list[tuple[dict, int, int]]:
    """(level-1 section, start, end of its part) in document order."""
    tops = sorted((s for s in gold["sections"] if s["level"] == 1), key=lambda s: s["evidence"]["start"])
    out = []
    for i, sec in enumerate(tops):
        end = tops[i + 1]["evidence"]["start"] if i + 1 < len(tops) else len(text)
        out.append((sec, sec["evidence"]["start"], end))
    return out


def enclosing_section(gold: dict, pos: int) -> dict:
    """The innermost section whose heading starts at or before pos (headings nest in document order)."""
    before = [s for s in gold["sections"] if s["evidence"]["start"] <= pos]
    if not before:
        raise LayoutError(f"no section encloses offset {pos}")
    return max(before, key=lambda s: s["evidence"]["start"])


def paragraph_break(text: str) -> str:
    """The seed's own paragraph separator: a blank line, or a single line break (001)."""
    return "\n\n" if text.count("\n\n") >= 5 else "\n"


# ---------------------------------------------------------------- topics


def _clauses(text: str, keep_all: bool) -> list[str]:
    t = re.sub(r"\s+", "", _LEAD_ORDINAL.sub("", text, count=1))
    sentence = re.split(r"[。；;：:！？!?]", t)[0]
    parts = [p for p in re.split(r"[，,]", sentence) if p]
    return parts if keep_all else parts[:1]


def _topic_ok(clause: str) -> bool:
    return (4 <= len(clause) <= 30 and not re.search(r"[0-9０-９]", clause)
            and not any(k in clause for k in _TOPIC_AVOID))


def topic_phrase(gold: dict, text: str, start: int, end: int) -> str:
    """A topic for the part [start, end): the clauses of its sub-headings, else its items' lead clauses;
    the first acceptable one, joined with the next as `A，B` when short enough."""
    subs = sorted((s for s in gold["sections"] if s["level"] == 2 and start <= s["evidence"]["start"] < end),
                  key=lambda s: s["evidence"]["start"])
    items: dict[int, str] = {}
    for key in ITEM_LISTS:
        for it in gold[key]:
            s, e = it["evidence"]["start"], it["evidence"]["end"]
            if start <= s < end and not re.match(r"\s*[（(]", text[s:e]):  # `（一）` items: their heading is a sub
                items.setdefault(s, text[s:e])
    candidates = [c for sub in subs for c in _clauses(sub["heading"], keep_all=True)]
    candidates += [c for _, quote in sorted(items.items()) for c in _clauses(quote, keep_all=False)]
    good = [c for c in dict.fromkeys(candidates) if _topic_ok(c)]
    if not good:
        raise LayoutError(f"no keyword-free topic clause for the part at {start}")
    if len(good) > 1 and len(good[0]) + 1 + len(good[1]) <= _TOPIC_MAX:
        return f"{good[0]}，{good[1]}"
    return good[0]


def topics(seed_id: str, text: str, gold: dict):
    edits = []
    for sec, start, end in top_sections(gold, text):
        ev = sec["evidence"]
        prefix = _TOP_ORDINAL.match(text[ev["start"]:ev["end"]])
        if not prefix:
            raise LayoutError(f"{seed_id}: top-level heading without an ordinal: {sec['heading']!r}")
        heading = prefix.group(0).strip() + topic_phrase(gold, text, start, end)
        if any(k in heading for k in PART_KEYWORDS):
            raise LayoutError(f"{seed_id}: topic heading {heading!r} carries a part keyword")
        edits.append(Edit(ev["start"] + prefix.start(), ev["end"], heading))
    rw = Rewrite(text, edits)
    return rw, remap(gold, rw, f"{seed_id}.topics"), None


# ---------------------------------------------------------------- nomarkers


@dataclass
class Marker:
    start: int  # of `一是`
    end: int
    number: int
    item_end: int = -1  # end of the item in the seed (its gold span, `；` separator included)


def find_lists(text: str) -> list[list[Marker]]:
    """`一是…二是…` sequences: each starts at 一是 and goes on while the numerals do."""
    lists: list[list[Marker]] = []
    for m in _MARKER.finditer(text):
        k = cn_number(m.group(1))
        if k == 1:
            lists.append([Marker(m.start(), m.end(), 1)])
        elif lists and lists[-1][-1].number == k - 1:
            lists[-1].append(Marker(m.start(), m.end(), k))
        else:
            raise LayoutError(f"list marker {m.group(0)!r} at {m.start()} follows no {k - 1}")
    return lists


def _sub_marker(parent_level: int, k: int) -> tuple[str, int, str]:
    """(printed marker, section level, path component) one level below a heading of parent_level."""
    if parent_level <= 2:
        return f"{k}.", 3, str(k)
    if parent_level == 3:
        return f"（{k}）", 4, f"（{k}）"
    if not 1 <= k <= 20:
        raise LayoutError(f"no circled numeral for {k}")
    return chr(0x2460 + k - 1), 5, chr(0x2460 + k - 1)


def nomarkers(seed_id: str, text: str, gold: dict):
    gold = copy.deepcopy(gold)
    sep = paragraph_break(text)
    starts = {it["evidence"]["start"]: it for key in ("measures", "problems", "rectifications", "plans")
              for it in gold[key]}
    edits: list[Edit] = []
    new_sections: list[dict] = []
    moved: list[tuple[int, int, str]] = []  # (seed start, seed end, new section path) of each item
    for markers in find_lists(text):
        parent = enclosing_section(gold, markers[0].start)
        for i, mk in enumerate(markers):
            item = starts.get(mk.start)
            if item is None:
                raise LayoutError(f"{seed_id}: marker at {mk.start} starts no gold item")
            ev = item["evidence"]
            if item.get("section") != parent["path"]:
                raise LayoutError(f"{seed_id}: item at {mk.start} has section {item.get('section')!r}, "
                                  f"expected {parent['path']!r}")
            nxt = markers[i + 1].start if i + 1 < len(markers) else None
            # An inline-list clause (quote without its `；`) becomes a numbered paragraph: per CONVENTIONS a
            # numbered item runs to its end, final `；` included.
            if nxt is not None and ev["end"] + 1 == nxt and text[ev["end"]] in "；;":
                ev["end"] += 1
                ev["quote"] = ev["quote"] + text[ev["end"] - 1]
            mk.item_end = ev["end"]
            printed, level, comp = _sub_marker(parent["level"], mk.number)
            path = f"{parent['path']}/{comp}"
            if mk.start > 0 and text[mk.start - 1] != "\n":
                edits.append(Edit(mk.start, mk.start, sep))
            edits.append(Edit(mk.start, mk.end, printed))
            body = text[mk.start:mk.item_end]
            stop = body.find("。")
            head_end = mk.start + (stop + 1 if stop >= 0 else len(body.rstrip()))
            new_sections.append({"heading": "", "level": level, "ordinal": mk.number, "path": path, "part": "none",
                                 "evidence": {"quote": text[mk.start:head_end], "start": mk.start, "end": head_end,
                                              "alignment": "span"}, "body": None})
            moved.append((mk.start, mk.item_end, path))
    if not edits:
        raise LayoutError(f"{seed_id}: no 一是 lists to rewrite")
    # Items inside a rewritten item (the item itself, a leadership duty stated in it) now sit under its
    # new sub-heading.
    for key in ITEM_LISTS:
        for it in gold[key]:
            s = it["evidence"]["start"]
            for a, b, path in moved:
                if a <= s < b:
                    it["section"] = path
    gold["sections"] = sorted(gold["sections"] + new_sections, key=lambda s: (s["evidence"]["start"], s["level"]))
    rw = Rewrite(text, edits)
    out = remap(gold, rw, f"{seed_id}.nomarkers")
    if _MARKER.search(rw.text):
        raise LayoutError(f"{seed_id}: a 一是 marker is left in the nomarkers text")
    return rw, out, None


# ---------------------------------------------------------------- web


def _cn_date(iso: Optional[str]) -> str:
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def _published(seed_id: str, meta: dict) -> str:
    """A publication time a few days after the report's date (deterministic, from the seed id)."""
    dated = meta.get("issue_date") or meta.get("printed_date")
    if dated:
        day = date.fromisoformat(dated)
    else:
        day = date((meta.get("report_year") or 2022) + 1, 3, 25)
    h = int(hashlib.sha256(seed_id.encode()).hexdigest()[:8], 16)
    day += timedelta(days=1 + h % 5)
    return f"{day.isoformat()} {8 + h % 9:02d}:{(h // 9) % 60:02d}"


def _field(label: str, value: Optional[str]) -> str:
    """An info-block line; a field the gold metadata leaves null is shown empty, as such pages do."""
    return f"{label}: {value}" if value else f"{label}:"


def web_wrapper(seed_id: str, meta: dict) -> tuple[str, str]:
    issuers = meta.get("issuers") or []
    head = [
        "当前位置 : 首页 > 政务公开 > 法治政府建设",
        "",
        _field("发文机关", "、".join(issuers)),
        _field("成文日期", _cn_date(meta.get("issue_date"))),
        _field("发文字号", meta.get("doc_number")),
        _field("所属单位", issuers[-1] if issuers else None),
        "",
        f"• 来源: {meta.get('region') or ''}司法局",
        f"• 发布时间: {_published(seed_id, meta)}",
        "【字体: 大 中 小】",
        "",
        "",
    ]
    tail = ["", "", "打印", "关闭", "分享到: 微信 微博 QQ空间", ""]
    return "\n".join(head), "\n".join(tail)


def web(seed_id: str, text: str, gold: dict):
    head, tail = web_wrapper(seed_id, gold["metadata"])
    edits = [Edit(0, 0, head), Edit(len(text), len(text), tail)]
    edits += [Edit(i, i + 1, ch.translate(HALF_WIDTH)) for i, ch in enumerate(text) if ch.translate(HALF_WIDTH) != ch]
    rw = Rewrite(text, edits)
    out = remap(gold, rw, f"{seed_id}.web")
    retext(out, lambda s: s.translate(HALF_WIDTH), written=False)  # metadata stays as the seed gold says
    return rw, out, None


# ---------------------------------------------------------------- traditional


def s2t() -> Callable[[str], str]:
    try:
        import opencc
    except ImportError as exc:  # declared in pyproject's dev extra
        raise LayoutError("the traditional layout needs the `opencc` package: pip install opencc") from exc
    return opencc.OpenCC("s2t").convert


def traditional(seed_id: str, text: str, gold: dict):
    convert = s2t()
    new = convert(text)
    if len(new) != len(text):
        raise LayoutError(f"{seed_id}: s2t changed the length ({len(text)} → {len(new)}); offsets need an alignment")
    rw = Rewrite(text, [Edit(0, len(text), new)])
    out = remap(gold, rw, f"{seed_id}.traditional")
    retext(out, convert, written=True)
    meta = out["metadata"]
    hay = squash(rw.text)
    for key, value in meta.items():
        values = value if isinstance(value, list) else [value]
        if not any(isinstance(v, str) for v in values) or key in ("admin_level", "issue_date", "printed_date"):
            continue
        conv = [convert(v) for v in values]
        for v in conv:
            if squash(v) not in hay:
                raise LayoutError(f"{seed_id}: metadata {key} {v!r} is not printed in the traditional text")
        meta[key] = conv if isinstance(value, list) else conv[0]
    return rw, out, None


# ---------------------------------------------------------------- nohash


def nohash(seed_id: str, text: str, gold: dict):
    edits = [Edit(m.start(), m.end(), "") for m in _HASH_MARKS.finditer(text)]
    if not edits:
        return None  # nothing to remove: the layout would be the seed itself
    rw = Rewrite(text, edits)
    return rw, remap(gold, rw, f"{seed_id}.nohash"), None


BUILDERS = {"topics": topics, "nomarkers": nomarkers, "web": web, "traditional": traditional, "nohash": nohash}


# ---------------------------------------------------------------- driver


def build(seed_id: str, family: str) -> Optional[tuple[str, dict]]:
    """(text, gold) of one layout of one seed, verified; None when the family does not apply to it."""
    raw = (SEEDS_DIR / f"{seed_id}.txt").read_bytes()
    text = raw.decode("utf-8")
    gold = json.loads((GOLD_DIR / f"{seed_id}.json").read_text(encoding="utf-8"))
    name = f"{seed_id}.{family}"
    check_seed_gold(gold, text, seed_id)
    made = BUILDERS[family](seed_id, text, gold)
    if made is None:
        return None
    rw, out, _ = made
    check_causes(out, name)
    set_source(out, f"{name}.txt", rw.text)
    out["_labeling"] = (
        f"Generated by evals/tools/make_layouts.py from evals/gold/{seed_id}.json — do not edit by hand; "
        f"fix the seed gold or the generator and regenerate. Layout `{family}`: {FAMILIES[family]}. Offsets "
        f"remapped through the rewrite's offset map, every quote re-sliced from this text (see "
        f"evals/gold/CONVENTIONS.md, 'The layouts suite'). Seed labelling notes follow.\n\n" + (gold.get("_labeling") or "")
    )
    out["run"] = None
    ordered = {k: out[k] for k in ("_labeling", "source", "metadata", *LISTS, "compliance", "quality", "run")}
    verify(ordered, rw.text, name)
    return rw.text, ordered


def seed_ids() -> list[str]:
    return sorted(p.stem for p in GOLD_DIR.glob("*.json") if (SEEDS_DIR / f"{p.stem}.txt").is_file())


def generate() -> dict[str, bytes]:
    """Every layout file, relative path → bytes (texts/<id>.<family>.txt, gold/<id>.<family>.json)."""
    files: dict[str, bytes] = {}
    for seed_id in seed_ids():
        for family in FAMILIES:
            made = build(seed_id, family)
            if made is None:
                continue
            text, gold = made
            files[f"texts/{seed_id}.{family}.txt"] = text.encode("utf-8")
            files[f"gold/{seed_id}.{family}.json"] = (json.dumps(gold, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def documents(files: dict[str, bytes]) -> list[str]:
    return sorted(Path(p).stem for p in files if p.startswith("texts/"))


def write(files: dict[str, bytes], out: Path) -> None:
    for sub in ("texts", "gold"):
        folder = out / sub
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.iterdir():  # a layout that no longer applies must not linger
            if f"{sub}/{stale.name}" not in files:
                stale.unlink()
    for rel, data in files.items():
        (out / rel).write_bytes(data)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write texts/ and gold/ into")
    ap.add_argument("--check", action="store_true", help="compare with the files in --out instead of writing")
    args = ap.parse_args(argv)
    try:
        files = generate()
    except RewriteError as exc:  # LayoutError is one
        print(f"make_layouts: {exc}", file=sys.stderr)
        return 1
    if args.check:
        stale = [rel for rel, data in files.items() if not (args.out / rel).is_file() or (args.out / rel).read_bytes() != data]
        extra = [f"{sub}/{p.name}" for sub in ("texts", "gold") for p in sorted((args.out / sub).glob("*"))
                 if f"{sub}/{p.name}" not in files]
        for rel in stale + extra:
            print(f"differs: {rel}", file=sys.stderr)
        return 1 if stale or extra else 0
    write(files, args.out)
    print(f"{len(files) // 2} layouts written to {args.out}: {', '.join(documents(files))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
