"""`fazhi batch` end to end on the real pipeline: the rules backend (no model), the installed command, and
the openai backend against the fake OpenAI server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from batchfixtures import (  # noqa: F401  (clean_env is a fixture)
    EXPECTED, RULES, SEED_NAMES, SEEDS, assert_no_tmp, clean_env, corpus, manifest_lines, seeds_dir,
    snapshot, statuses, with_injection,
)
from extractor.runs.batch import MANIFEST, run_batch
from extractor.config import Config
from extractor.pipeline import extract, is_partial
from responders import report_responder
from schemas.report import Report


def test_rules_backend_batch_end_to_end(tmp_path):
    d, out = corpus(tmp_path), tmp_path / "out"
    summary = run_batch(d, out, RULES, concurrency=4)
    assert statuses(summary) == EXPECTED and summary.exit_code == 1
    reports = [Report.model_validate_json(p.read_bytes()) for p in sorted(out.glob("*.json"))]
    assert len(pd.read_csv(out / "metrics.csv", encoding="utf-8-sig")) == sum(len(r.metrics) for r in reports) > 0
    assert len(pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")) == 7
    assert_no_tmp(out)

    again = run_batch(d, out, RULES)
    assert {n: s for n, s in statuses(again).items() if s != "failed"} == {n: "skipped" for n, s in EXPECTED.items() if s == "ok"}


def test_an_injected_instruction_line_does_not_change_what_is_segmented(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    seed0 = (SEEDS / SEED_NAMES[0]).read_text(encoding="utf-8")
    (d / "original.txt").write_text(seed0, encoding="utf-8")
    (d / "injected.txt").write_text(with_injection(seed0), encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch(d, out, RULES).exit_code == 0
    original, injected = (Report.model_validate_json((out / f"{n}.json").read_bytes()) for n in ("original", "injected"))
    assert injected.metadata == original.metadata
    for field in ("sections", "measures", "metrics", "problems", "plans", "leadership_duties"):
        assert len(getattr(injected, field)) == len(getattr(original, field)), field
    assert "本报告无任何问题" not in json.dumps([p.summary for p in injected.problems], ensure_ascii=False)


def test_fazhi_batch_command_end_to_end_resumes(tmp_path):
    d, out = seeds_dir(tmp_path), tmp_path / "out"
    cmd = [sys.executable, "-m", "extractor", "batch", str(d), "-o", str(out), "--backend", "rules"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    root = Path(__file__).parent.parent
    first = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    second = subprocess.run(cmd + ["--json"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    counts = json.loads(second.stdout)["counts"]
    assert counts["skipped"] == 5 and sum(counts.values()) == 5
    assert snapshot(out) == before


def test_openai_backend_batch_against_the_fake_server(tmp_path, fake_openai):
    fake_openai.responder = report_responder
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEEDS / SEED_NAMES[2], d / "a.txt")  # the smallest seeds keep the call count low
    shutil.copy(SEEDS / SEED_NAMES[3], d / "b.txt")
    out = tmp_path / "out"
    config = Config(backend="openai", base_url=fake_openai.url, model="fake-model", api_key="sk-test",
                    cache_dir=tmp_path / "cache")
    summary = run_batch(d, out, config, concurrency=2)

    assert statuses(summary) == {"a.txt": "ok", "b.txt": "ok"}, [e.error for e in summary.entries]
    lines = manifest_lines(out)
    assert all(line["calls"] > 0 and line["tokens_in"] > 0 and line["model"] == "fake-model" for line in lines)
    assert sum(line["calls"] for line in lines) == fake_openai.count
    assert "sk-test" not in (out / MANIFEST).read_text(encoding="utf-8")

    requests = fake_openai.count
    again = run_batch(d, out, config, concurrency=2)
    assert set(statuses(again).values()) == {"skipped"} and fake_openai.count == requests


def test_a_model_that_keeps_rejecting_requests_gives_degraded_reports_with_every_item_and_exit_1(tmp_path, fake_openai):
    d = tmp_path / "in"  # no responder: the fake server answers every call 400, which is not retried
    d.mkdir()
    shutil.copy(SEEDS / SEED_NAMES[2], d / "a.txt")
    config = Config(backend="openai", base_url=fake_openai.url, api_key="x", cache_dir=tmp_path / "cache")
    summary = run_batch(d, tmp_path / "out", config)
    assert statuses(summary) == {"a.txt": "degraded"} and summary.exit_code == 1
    report = Report.model_validate_json((tmp_path / "out" / "a.json").read_bytes())
    rules = extract(d / "a.txt", Config(backend="rules"))
    # nothing dropped: the same items as the rules backend, each marked as the rules' answer
    assert [m.evidence.start for m in report.measures] == [m.evidence.start for m in rules.measures]
    assert all(m.decided_by == "rules" for m in report.measures + report.plans)
    assert len(report.metrics) == len(rules.metrics)
    assert not is_partial(report) and [n.kind for n in report.quality].count("all_model_calls_failed") == 1


def test_reports_whose_structure_is_uncertain_are_counted_in_the_summary_and_each_manifest_line(tmp_path):
    d, out = tmp_path / "in", tmp_path / "out"
    d.mkdir()
    head = "白河县人民政府关于2023年度法治政府建设情况的报告\n\n市人民政府：\n\n"
    (d / "fine.txt").write_text(head + "一、2023年主要举措\n\n全县取消审批事项12项。\n\n二、存在的不足\n\n一是执法力量不足。\n\n"
                                "三、2024年工作安排\n\n一是深化综合执法改革。\n", encoding="utf-8")
    (d / "no_measures.txt").write_text(head + "二〇二三年，全县扎实推进法治政府建设，依法行政水平不断提升。" * 8
                                       + "\n\n一、存在的不足\n\n一是执法力量不足。\n", encoding="utf-8")
    summary = run_batch(d, out, RULES)
    assert statuses(summary) == {"fine.txt": "ok", "no_measures.txt": "ok"}
    assert summary.structure_uncertain == 1 and summary.to_dict()["structure_uncertain"] == 1
    assert {line["file"]: line["structure_uncertain"] for line in manifest_lines(out)} == {"fine.txt": 0, "no_measures.txt": 1}
