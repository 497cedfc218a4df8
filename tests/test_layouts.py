"""The layouts suite (evals/tools/make_layouts.py): seeds rewritten into other layouts, gold remapped by code.

The committed texts and gold must be exactly what the generator makes, every layout gold must be exact
(each quote IS its text at its offsets, which implies the gold test's normalized check), and each family
must really be the layout it claims to be.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from schemas.report import Report

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "evals" / "layouts"
SUITE = ROOT / "evals" / "suites" / "layouts.toml"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_layouts", ROOT / "evals" / "tools" / "make_layouts.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


ml = _load_generator()
DOCS = sorted(p.stem for p in (LAYOUTS / "texts").glob("*.txt"))
LISTS = ("sections", "leadership_duties", "measures", "metrics", "problems", "rectifications", "plans")


def text_of(doc: str) -> str:
    return (LAYOUTS / "texts" / f"{doc}.txt").read_bytes().decode("utf-8")


def gold_of(doc: str) -> dict:
    return json.loads((LAYOUTS / "gold" / f"{doc}.json").read_text(encoding="utf-8"))


def seed_of(doc: str) -> tuple[str, dict]:
    seed_id = doc.split(".")[0]
    text = (ROOT / "seeds" / f"{seed_id}.txt").read_bytes().decode("utf-8")
    gold = json.loads((ROOT / "evals" / "gold" / f"{seed_id}.json").read_text(encoding="utf-8"))
    return text, gold


def docs(family: str) -> list[str]:
    return [d for d in DOCS if d.endswith(f".{family}")]


# ---------------------------------------------------------------- the generator and the committed files


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    pytest.importorskip("opencc")
    out = tmp_path_factory.mktemp("layouts")
    assert ml.main(["--out", str(out)]) == 0
    return out


def test_committed_layouts_are_what_the_generator_writes(generated):
    made = sorted(p.relative_to(generated).as_posix() for p in generated.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(LAYOUTS).as_posix() for p in LAYOUTS.rglob("*") if p.is_file())
    assert made == committed
    for rel in made:
        assert (generated / rel).read_bytes() == (LAYOUTS / rel).read_bytes(), f"{rel} drifted: regenerate it"


def test_the_generator_is_deterministic(generated):
    again = ml.generate()
    assert again == {rel: (generated / rel).read_bytes() for rel in again}


def test_every_seed_gets_every_family_and_nohash_only_where_there_are_hash_marks():
    seeds = sorted(p.stem for p in (ROOT / "evals" / "gold").glob("*.json"))
    for seed_id in seeds:
        has_hash = bool(re.search(r"(?m)^#", (ROOT / "seeds" / f"{seed_id}.txt").read_text(encoding="utf-8")))
        for family in ml.FAMILIES:
            expected = family != "nohash" or has_hash
            assert (f"{seed_id}.{family}" in DOCS) == expected, (seed_id, family)


def test_the_suite_lists_exactly_the_layouts():
    suite = tomllib.loads(SUITE.read_text(encoding="utf-8"))
    assert sorted(suite["documents"]) == DOCS
    assert (SUITE.parent / suite["seeds_dir"]).resolve() == LAYOUTS / "texts"
    assert (SUITE.parent / suite["gold_dir"]).resolve() == LAYOUTS / "gold"


# ---------------------------------------------------------------- every layout gold is exact


@pytest.mark.parametrize("doc", DOCS)
def test_layout_gold_is_valid_and_every_quote_is_its_text(doc):
    data = gold_of(doc)
    Report.model_validate(data)
    raw = (LAYOUTS / "texts" / f"{doc}.txt").read_bytes()
    text = raw.decode("utf-8")
    assert data["source"] == {"file": f"{doc}.txt", "sha256": hashlib.sha256(raw).hexdigest(), "encoding": "utf-8",
                              "chars": len(text)}
    checked = 0
    for key in LISTS:
        for i, item in enumerate(data[key]):
            for field in ("evidence", "cause_evidence", "body"):
                if item.get(field):
                    ev = item[field]
                    assert text[ev["start"]:ev["end"]] == ev["quote"] and ev["quote"].strip(), f"{doc} {key}[{i}].{field}"
                    checked += 1
    assert checked > 60
    for note in data["quality"]:
        if note.get("quote"):
            assert ml.squash(note["quote"]) in ml.squash(text)


@pytest.mark.parametrize("doc", DOCS)
def test_layout_gold_keeps_the_seed_gold_items(doc):
    """A layout changes where things stand, never what the report says: same items, values, parts."""
    _, seed = seed_of(doc)
    gold = gold_of(doc)
    for key in ("leadership_duties", "measures", "metrics", "problems", "rectifications", "plans"):
        assert len(gold[key]) == len(seed[key]), key
    assert [m["value_base"] for m in gold["metrics"]] == [m["value_base"] for m in seed["metrics"]]
    assert [m["indicator"] for m in gold["metrics"]] == [m["indicator"] for m in seed["metrics"]]
    assert [(s["path"], s["part"]) for s in gold["sections"] if s["level"] <= 2] == \
        [(s["path"], s["part"]) for s in seed["sections"] if s["level"] <= 2]
    assert gold["compliance"] == seed["compliance"]
    assert [q["kind"] for q in gold["quality"]] == [q["kind"] for q in seed["quality"]]


# ---------------------------------------------------------------- each family is the layout it claims


@pytest.mark.parametrize("doc", docs("topics"))
def test_topics_top_level_headings_carry_no_part_keyword(doc):
    text, seed = seed_of(doc)
    gold, new = gold_of(doc), text_of(doc)
    tops = [s for s in gold["sections"] if s["level"] == 1]
    seed_tops = [s for s in seed["sections"] if s["level"] == 1]
    assert len(tops) == len(seed_tops) >= 3
    for sec, old in zip(tops, seed_tops):
        line = new[sec["evidence"]["start"]:sec["evidence"]["end"]]
        assert not [k for k in ml.PART_KEYWORDS if k in line], line
        assert line[:2] == old["heading"][:2] and line != old["heading"]  # same ordinal, new words
    # sub-headings stay as printed
    assert [s["heading"] for s in gold["sections"] if s["level"] > 1] == \
        [s["heading"] for s in seed["sections"] if s["level"] > 1]
    # the old headings' part words are gone from the heading lines altogether
    for old in seed_tops:
        assert old["heading"] not in new


@pytest.mark.parametrize("doc", docs("nomarkers"))
def test_nomarkers_has_no_yishi_and_every_former_item_is_a_numbered_paragraph(doc):
    text, seed = seed_of(doc)
    gold, new = gold_of(doc), text_of(doc)
    assert not re.search(r"[一二三四五六七八九十]{1,2}是", new)
    converted = 0
    for key in ("measures", "problems", "rectifications", "plans"):
        for old, item in zip(seed[key], gold[key]):
            if re.match(r"[一二三四五六七八九十]{1,2}是", old["evidence"]["quote"]):
                ev = item["evidence"]
                assert re.match(r"(\d+\.|（\d+）|[①-⑳])", ev["quote"]), ev["quote"][:20]
                assert ev["start"] == 0 or new[ev["start"] - 1] == "\n"  # its own paragraph
                assert item["section"].startswith(old["section"] + "/")
                assert any(s["path"] == item["section"] and s["evidence"]["start"] == ev["start"]
                           for s in gold["sections"])
                converted += 1
    assert converted == len(re.findall(r"[一二三四五六七八九十]{1,2}是", text))


@pytest.mark.parametrize("doc", docs("web"))
def test_web_has_page_furniture_an_info_block_and_half_width_punctuation(doc):
    text, seed = seed_of(doc)
    gold, new = gold_of(doc), text_of(doc)
    lines = new.splitlines()
    assert lines[0] == "当前位置 : 首页 > 政务公开 > 法治政府建设"
    for label in ("发文机关:", "成文日期:", "发文字号:", "所属单位:", "• 来源:", "• 发布时间:", "【字体: 大 中 小】"):
        assert any(line.startswith(label) for line in lines[:15]), label
    assert {"打印", "关闭"} <= set(lines[-5:]) and any(line.startswith("分享到:") for line in lines[-5:])
    meta = seed["metadata"]
    assert gold["metadata"] == meta  # the info block agrees with the gold, it does not change it
    if meta["doc_number"]:
        assert f"发文字号: {meta['doc_number']}" in lines
    if meta["issuers"]:
        assert f"发文机关: {'、'.join(meta['issuers'])}" in lines
    assert not set("，：；（）！？") & set(new)
    assert "。" in new and "、" in new
    assert ml.squash(text) in ml.squash(new)  # the body is the seed, width aside


@pytest.mark.parametrize("doc", docs("traditional"))
def test_traditional_differs_and_converts_back(doc):
    opencc = pytest.importorskip("opencc")
    text, seed = seed_of(doc)
    gold, new = gold_of(doc), text_of(doc)
    assert len(new) == len(text)
    changed = sum(a != b for a, b in zip(text, new))
    assert changed > len(text) // 10
    back = opencc.OpenCC("t2s").convert(new)
    # t2s is not an exact inverse in general (several simplified characters can share one traditional
    # form); on these seeds it is, and a drift of more than 0.1% would mean a different conversion.
    diffs = [(text[i], back[i]) for i in range(len(text)) if text[i] != back[i]]
    assert len(diffs) <= len(text) // 1000, diffs[:20]
    # metadata as printed in this file
    title = gold["metadata"]["title"]
    if title:
        assert title != seed["metadata"]["title"] and ml.squash(title) in ml.squash(new)


@pytest.mark.parametrize("doc", docs("nohash"))
def test_nohash_drops_heading_marks_and_keeps_line_breaks(doc):
    text, _ = seed_of(doc)
    new = text_of(doc)
    assert "#" in text and "#" not in new
    assert new.count("\n") == text.count("\n")
    assert [line.lstrip("# ") for line in text.split("\n")] == [line.lstrip(" ") for line in new.split("\n")]


# ---------------------------------------------------------------- the offset map itself


def test_rewrite_boundaries_insertions_stay_outside_replacements_inside():
    rw = ml.Rewrite("abcdef", [ml.Edit(2, 2, "XX"), ml.Edit(2, 4, "C"), ml.Edit(6, 6, "!")])
    assert rw.text == "abXXCef!"
    assert rw.span(0, 2) == (0, 2)  # ends where the insertion is: excludes it
    assert rw.span(2, 4) == (4, 5)  # the replaced span: after the insertion, the replacement itself
    assert rw.span(2, 6) == (4, 7) and rw.image(2, 6) == "Cef"
    assert rw.span(0, 6) == (0, 7) and rw.image(0, 6) == "abXXCef"  # inner insertion included
    with pytest.raises(ml.RewriteError):  # evaluation.rewrite's, shared with the delivered forms
        rw.span(3, 6)  # starts inside a replacement of another length


def test_rewrite_same_length_replacements_map_inner_positions():
    rw = ml.Rewrite("甲，乙：丙", [ml.Edit(0, 5, "甲,乙:丙")])
    assert rw.span(1, 4) == (1, 4) and rw.text[1:4] == ",乙:" == rw.image(1, 4)


def test_generator_fails_loudly_on_a_wrong_seed_quote():
    gold = {"sections": [], "measures": [{"evidence": {"quote": "不在这里", "start": 0, "end": 4}}]}
    with pytest.raises(ml.LayoutError):
        ml.check_seed_gold(gold, "完全不同的文字", "x")
