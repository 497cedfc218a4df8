"""`fazhi eval --html`: the score table and each report's misses, with the text they sit in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli.app import app
from reviewfixtures import embedded_data

ROOT = Path(__file__).resolve().parents[1]
IDS = [p.stem for p in sorted((ROOT / "evals" / "gold").glob("*.json"))][:2]
runner = CliRunner()


def degrade(data: dict) -> None:
    """One of each miss: a dropped measure (FN), a measure span moved off its item (FN + FP), a wrong
    category, a metric with another value (FN + FP)."""
    del data["measures"][0]
    ev = data["measures"][1]["evidence"]
    cut = ev["start"] + (ev["end"] - ev["start"]) * 3 // 4  # overlap of 1/4: IoU < 0.5
    ev.update(start=cut, end=cut + (ev["end"] - ev["start"]), quote="")
    data["measures"][2]["category"] = "emergency_response" if data["measures"][2]["category"] != "emergency_response" else "other"
    m = data["metrics"][0]
    m["value"] *= 10
    m["value_base"] *= 10


def degraded_eval_page(tmp_path: Path) -> tuple[Path, dict]:
    """An eval page of two real seeds against degraded copies of their gold; returns (page, what to expect)."""
    seeds, gold, preds = (tmp_path / d for d in ("seeds", "gold", "preds"))
    for d in (seeds, gold, preds):
        d.mkdir()
    for doc_id in IDS:
        shutil.copy(ROOT / "seeds" / f"{doc_id}.txt", seeds)
        shutil.copy(ROOT / "evals" / "gold" / f"{doc_id}.json", gold)
    first = json.loads((gold / f"{IDS[0]}.json").read_text(encoding="utf-8"))
    text = (seeds / f"{IDS[0]}.txt").read_text(encoding="utf-8")
    for doc_id in IDS:
        data = json.loads((gold / f"{doc_id}.json").read_text(encoding="utf-8"))
        degrade(data)
        for item in data["measures"]:  # keep quotes true to their (moved) offsets
            item["evidence"]["quote"] = (seeds / f"{doc_id}.txt").read_text(encoding="utf-8")[item["evidence"]["start"]:item["evidence"]["end"]]
        data["run"] = None
        (preds / f"{doc_id}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "suite.toml").write_text(
        f'name = "tmp"\nseeds_dir = "seeds"\ngold_dir = "gold"\ndocuments = {json.dumps(IDS)}\n', encoding="utf-8")
    html = tmp_path / "eval.html"
    result = runner.invoke(app, ["eval", "--suite", str(tmp_path / "suite.toml"), "--pred-dir", str(preds), "--html", str(html)])
    assert result.exit_code == 0, result.output
    ev = first["measures"][0]["evidence"]
    assert text[ev["start"]:ev["end"]] == ev["quote"]
    return html, {"doc_id": IDS[0], "first_fn_quote": ev["quote"]}


def test_eval_html_holds_scores_misses_and_their_texts(tmp_path):
    html, expected = degraded_eval_page(tmp_path)
    data = embedded_data(html.read_text(encoding="utf-8"))
    log = data["log"]
    assert set(log["reports"]) == set(IDS) and log["summary"]["measures"]["f1"] < 1.0
    misses = log["misses"][expected["doc_id"]]
    kinds = {(m["kind"]) for m in misses["measures"]}
    assert kinds == {"fn", "fp", "wrong"}
    assert any(m["kind"] == "wrong" and "category gold=" in m["label"] for m in misses["measures"])
    assert {m["kind"] for m in misses["metrics"]} == {"fn", "fp"}
    doc = data["docs"][expected["doc_id"]]
    for m in misses["measures"]:
        if m["kind"] == "fn":
            assert doc["text"][m["start"]:m["end"]] == m["quote"]  # the gold span, in the text it came from
    assert html.stat().st_size < 1_000_000


def test_a_clean_run_has_a_page_without_misses(tmp_path):
    seeds, gold = tmp_path / "seeds", tmp_path / "gold"
    for d in (seeds, gold):
        d.mkdir()
    shutil.copy(ROOT / "seeds" / f"{IDS[0]}.txt", seeds)
    shutil.copy(ROOT / "evals" / "gold" / f"{IDS[0]}.json", gold)
    (tmp_path / "suite.toml").write_text('name = "t"\nseeds_dir = "seeds"\ngold_dir = "gold"\n', encoding="utf-8")
    html = tmp_path / "e.html"
    result = runner.invoke(app, ["eval", "--suite", str(tmp_path / "suite.toml"), "--pred-dir", str(gold), "--html", str(html)])
    assert result.exit_code == 0, result.output
    data = embedded_data(html.read_text(encoding="utf-8"))
    assert data["log"]["misses"] == {} and data["docs"] == {}
