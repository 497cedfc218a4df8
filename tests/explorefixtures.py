"""Synthetic batch folders for the collection page (tests/test_explore*.py, bench/explore_scale.py).

`synthetic_batch` clones template reports into N outputs of made-up issuers over several years, each with its
own file name, metadata and indicator values (scaled per clone, so charts have distinct bars), writes the
source text beside them (so review pages verify), and a manifest line per input. Options add the bad input the
page must survive: a failed input (manifest only), a degraded one, a report without indicators, an output of an
older tool version (a JSON the current schema rejects), and a name with markup.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from extractor.runs.batch import MANIFEST
from schemas.report import QualityNote, Report

# Made-up issuers (name, level); the last carries markup that must stay text.
ISSUERS = [("青山县", "county"), ("白水市", "city"), ("东河区", "county"), ("南岭省", "province"), ("北川市司法局", "department")]
HOSTILE_NAME = '<img src=x onerror="window.pwned=1">县'


def clone(template: Report, text: str, i: int, region: str, level: str, year: int, file: str) -> Report:
    report = template.model_copy(deep=True)
    m = report.metadata
    m.region, m.admin_level, m.report_year = region, level, year
    m.title = f"{region}关于{year}年度法治政府建设情况的报告"
    m.issuers = [f"{region}人民政府"]
    data = text.encode("utf-8")
    # Distinct (sha256, file) per clone; the text itself is the template's, so offsets stay true.
    report.source.file, report.source.sha256 = file, hashlib.sha256(data).hexdigest()
    factor = 1 + ((i * 37) % 50) / 25
    for metric in report.metrics:
        if metric.indicator and metric.base_unit != "ratio":
            metric.value_base = round(metric.value_base * factor)
        elif metric.indicator:
            metric.value_base = round(min(1.0, metric.value_base * factor), 4)
    return report


def synthetic_batch(folder: Path, templates: list[tuple[Report, str]], n: int, years=(2021, 2022, 2023), *,
                    hostile: bool = False, failed: bool = False, degraded: bool = False, no_indicators: bool = False,
                    old_version: bool = False) -> Path:
    """folder/in (texts) and folder/out (report JSONs + manifest.jsonl); returns out. Reports i = 0..n-1 go
    to issuer i // len(years) (more issuers are numbered), year years[i % len(years)]."""
    src, out = folder / "in", folder / "out"
    src.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        g = i // len(years)
        name, level = ISSUERS[g] if g < len(ISSUERS) else (f"第{g}县", "county")
        if hostile and i == 0:
            name = HOSTILE_NAME
        template, text = templates[i % len(templates)]
        file = f"r{i:04d}.txt"
        report = clone(template, text, i, name, level, years[i % len(years)], file)
        status = "ok"
        if degraded and i == 1:
            status = "degraded"
            report.quality.append(QualityNote(kind="model_failed", message="a model call failed; the rules' guess stands",
                                              section="一"))
        if no_indicators and i == 2:
            for metric in report.metrics:
                metric.indicator = None
        (src / file).write_text(text, encoding="utf-8")
        (out / f"r{i:04d}.json").write_text(json.dumps(report.dump(), ensure_ascii=False), encoding="utf-8")
        lines.append({"file": file, "status": status, "output": f"r{i:04d}.json", "error": None})
    if failed:
        lines.append({"file": "broken.txt", "status": "failed", "output": None, "error": "InputError: not a report"})
    if old_version:
        (out / "old.json").write_text(json.dumps({"source": {"file": "old.txt"}, "metadata": {"title": "旧版"}},
                                                 ensure_ascii=False), encoding="utf-8")
    (out / MANIFEST).write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return out
