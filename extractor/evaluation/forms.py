"""Delivered forms: each scored document as scrapers and web copies deliver it, made by code from its
original text with an offset map back, so the original's gold scores the transformed text.

A robustness check, not a new data set: CheckList-style invariance tests (Ribeiro et al. 2020) — the
extraction should not change when only the delivery does. Every number it gives is as in-sample as the
suite it transforms.

    FORMS                                    name -> what the form does (one line each)
    make_form(name, text, metadata, doc_id)  -> FormText: the new text and where each original offset went
    map_gold(gold, form)                     -> the gold JSON with every evidence mapped and its quote re-cut
    suite_forms(suite)                       -> the forms a suite file enables (`forms = [...]`)
    run_forms(suite, config, names, dest)    -> {form: eval log}: each form's documents extracted and scored

How the map works (evaluation/rewrite.py, which evals/tools/make_layouts.py uses too): a form is a list of
edits of the original (replace [start, end) by a text; an insertion has start == end), each a line break or
an insertion, so every original position a span can start or end at has an image. A span keeps the
insertions at its edges outside it (a header inserted at 0 stays before the first heading; a wrap inserted
where a quote starts stays before it). Each mapped quote is checked against an independent computation (the original slice with the edits
inside it applied), so a wrong map stops the run instead of scoring against a drifted gold.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Optional

from extractor.config import Config
from extractor.errors import ConfigError, FazhiError
from extractor.evaluation import suites as evaluate
from extractor.evaluation.rewrite import Edit, Rewrite, RewriteError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

FORMS: dict[str, str] = {
    "nonl": "every line break removed (an HTML element's text joined without separators)",
    "spaces": "every line break turned into one space (a CSV cell, a copy from a viewer)",
    "furniture": "a crawler header block, breadcrumb, share buttons and view counter before the text, "
    "`附件下载` after it",
    "wrap38": "hard-wrapped at 38 characters (a fixed-width copy)",
}
WRAP = 38
NEWLINE = re.compile(r"\r\n|\r|\n")
LISTS = ("sections", "leadership_duties", "measures", "metrics", "problems", "rectifications", "plans")
EVIDENCE_FIELDS = ("evidence", "cause_evidence", "body")


class FormError(RewriteError):
    """A form cannot carry the gold exactly (a bug in a form or its map): never scored against a drifted gold."""


# ---------------------------------------------------------------- edits and the offset map


class FormText(Rewrite):
    """A delivered form's text: the original rewritten by its edits, with the offset map (evaluation.rewrite)."""

    def __init__(self, name: str, original: str, edits: list[Edit]):
        self.name = name
        try:
            super().__init__(original, edits)
        except RewriteError as exc:
            raise FormError(f"form {name}: {exc}") from exc


# ---------------------------------------------------------------- the forms


def _newline_edits(text: str, joiner: str) -> list[Edit]:
    """Each line break replaced by `joiner` (a CRLF is one break: its `\\r` takes the joiner, its `\\n` goes)."""
    edits = []
    for m in NEWLINE.finditer(text):
        edits.append(Edit(m.start(), m.start() + 1, joiner))
        if m.end() - m.start() == 2:
            edits.append(Edit(m.start() + 1, m.end(), ""))
    return edits


def _wrap_edits(text: str, width: int = WRAP) -> list[Edit]:
    """A line break inserted after every `width` characters of a line (never at a line's end)."""
    edits, line_start = [], 0
    for m in [*NEWLINE.finditer(text), None]:
        line_end = m.start() if m else len(text)
        edits += [Edit(p, p, "\n") for p in range(line_start + width, line_end, width)]
        line_start = m.end() if m else len(text)
    return edits


def _pick(doc_id: str, salt: str, n: int) -> int:
    """A stable choice per document (no randomness: a rerun builds the same form)."""
    return int(hashlib.sha256(f"{doc_id}:{salt}".encode()).hexdigest()[:8], 16) % n


def _published(doc_id: str, meta: dict) -> str:
    """A page's publication time a few days after the report's date: it is not the report's issue date."""
    dated = meta.get("issue_date") or meta.get("printed_date")
    day = date.fromisoformat(dated) if dated else date((meta.get("report_year") or 2022) + 1, 3, 20)
    day += timedelta(days=1 + _pick(doc_id, "day", 6))
    return f"{day.isoformat()} {8 + _pick(doc_id, 'h', 9):02d}:{_pick(doc_id, 'm', 60):02d}"


def furniture(doc_id: str, meta: dict) -> tuple[str, str]:
    """(header, footer) of a scraped page: a crawler header whose values come from the gold metadata (a field
    gold leaves null is shown empty, as such pages do), full- and half-width colons mixed, breadcrumb, share
    buttons, a view counter; `附件下载` after the text."""
    issuers = meta.get("issuers") or []
    fields = [
        ("标题", meta.get("title")),
        ("发布时间", _published(doc_id, meta)),
        ("文号", meta.get("doc_number")),
        ("发布机构", "、".join(issuers)),
        ("来源", issuers[0] if issuers else None),
        ("原文链接", f"https://www.example.gov.cn/zwgk/{hashlib.sha256(doc_id.encode()).hexdigest()[:10]}.html"),
    ]
    colons = ("：", ":")
    lines = ["当前位置： 首页 › 政务公开 › 法治政府建设 › 正文", ""]
    lines += [f"{label}{colons[_pick(doc_id, label, 2)]}{value or ''}" for label, value in fields]
    lines += [f"浏览次数：{100 + _pick(doc_id, 'views', 9000)}", "分享到： 微信 微博 QQ空间", "", ""]
    return "\n".join(lines), "\n\n附件下载\n【打印本页】 【关闭窗口】\n"


def make_form(name: str, text: str, metadata: Optional[dict] = None, doc_id: str = "") -> FormText:
    """The document in delivered form `name` (FORMS), with its offset map."""
    if name == "nonl":
        edits = _newline_edits(text, "")
    elif name == "spaces":
        edits = _newline_edits(text, " ")
    elif name == "wrap38":
        edits = _wrap_edits(text)
    elif name == "furniture":
        head, tail = furniture(doc_id, metadata or {})
        edits = [Edit(0, 0, head), Edit(len(text), len(text), tail)]
    else:
        raise ConfigError(f"unknown form {name!r}", hint=f"forms: {', '.join(FORMS)}")
    return FormText(name, text, edits)


# ---------------------------------------------------------------- the gold, mapped


def evidences(gold: dict):
    """(where, evidence dict) for every evidence in a gold JSON."""
    for key in LISTS:
        for i, item in enumerate(gold.get(key) or []):
            for name in EVIDENCE_FIELDS:
                if item.get(name):
                    yield f"{key}[{i}].{name}", item[name]


def map_gold(gold: dict, form: FormText, file_name: str) -> dict:
    """A copy of `gold` scoring the form's text: every evidence mapped, its quote re-cut from the new text
    (and checked against the independent image), a section's heading re-read from its quote when it was its
    quote, `source` naming the new text. Metadata, summaries, terms and causes are unchanged: the report says
    the same thing (summary terms and causes are compared in canonical form, whitespace folded)."""
    out = copy.deepcopy(gold)
    for where, ev in evidences(out):
        ns, ne = form.span(ev["start"], ev["end"])
        quote, expected = form.text[ns:ne], form.image(ev["start"], ev["end"])
        if quote != expected:
            raise FormError(
                f"form {form.name}: {where} mapped to [{ns}, {ne}) = {quote[:40]!r}, expected {expected[:40]!r}"
            )
        if where.startswith("sections") and where.endswith(".evidence"):
            sec = out["sections"][int(where.split("[")[1].split("]")[0])]
            if sec.get("heading") == _heading_of(ev["quote"]):
                sec["heading"] = _heading_of(quote)
        ev.update(quote=quote, start=ns, end=ne)
    raw = form.text.encode("utf-8")
    out["source"] = {
        **out.get("source", {}),
        "file": file_name,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "encoding": "utf-8",
        "chars": len(form.text),
    }
    return out


def _heading_of(quote: str) -> str:
    return re.sub(r"[#\r\n]", "", quote).strip()


# ---------------------------------------------------------------- a suite in its forms


def suite_forms(suite: evaluate.Suite) -> list[str]:
    """The forms the suite file enables (`forms = ["nonl", …]`); [] when it names none."""
    try:
        names = tomllib.loads(suite.path.read_text(encoding="utf-8")).get("forms", [])
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return []  # load_suite read it a moment ago; nothing more to say here
    return check_names(names, f"suite {suite.path}: `forms`")


def check_names(names: Any, where: str = "forms") -> list[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"{where} must be a list of form names", hint=f"forms: {', '.join(FORMS)}")
    if unknown := [n for n in names if n not in FORMS]:
        raise ConfigError(f"{where}: unknown forms {unknown}", hint=f"forms: {', '.join(FORMS)}")
    return list(dict.fromkeys(names))


def write_form_suite(suite: evaluate.Suite, name: str, dest: Path) -> tuple[evaluate.Suite, dict[str, str]]:
    """The suite's documents in form `name` under dest/<name>/{texts,gold}, and the documents whose form
    could not be made ({id: reason}; scored 0 in that form, as the eval scores a document it cannot load)."""
    texts, golds = dest / name / "texts", dest / name / "gold"
    texts.mkdir(parents=True, exist_ok=True)
    golds.mkdir(parents=True, exist_ok=True)
    errors: dict[str, str] = {}
    for doc_id in suite.documents:
        try:
            gold = json.loads(suite.gold_path(doc_id).read_text(encoding="utf-8"))
            original = evaluate.read_source(suite.source_path(doc_id))
            form = make_form(name, original, gold.get("metadata") or {}, doc_id)
            mapped = map_gold(gold, form, f"{doc_id}.txt")
            (texts / f"{doc_id}.txt").write_bytes(form.text.encode("utf-8"))
            if evaluate.read_source(texts / f"{doc_id}.txt") != form.text:
                raise FormError(f"form {name}: the written text does not read back as itself")
            (golds / f"{doc_id}.json").write_text(json.dumps(mapped, ensure_ascii=False, indent=1), encoding="utf-8")
        except (FazhiError, OSError, ValueError, KeyError, TypeError) as exc:
            errors[doc_id] = f"form {name}: {exc}"
    form_suite = evaluate.Suite(
        name=f"{suite.name}:{name}",
        path=suite.path,
        seeds_dir=texts,
        gold_dir=golds,
        documents=suite.documents,
        fields=suite.fields,
        tolerances=suite.tolerances,
        description=f"{suite.description} — delivered form {name}: {FORMS[name]}",
    )
    return form_suite, errors


def run_forms(
    suite: evaluate.Suite,
    config: Config,
    names: list[str],
    dest: Path,
    progress: Optional[Callable[[str, int, int], None]] = None,
    solver: evaluate.Solver = evaluate.extract_solver,
) -> dict[str, dict]:
    """Each form's eval log (the same pipeline, the mapped gold; floors left out: they are the original's)."""
    logs = {}
    for n, name in enumerate(check_names(names)):
        if progress:
            progress(name, n, len(names))
        form_suite, errors = write_form_suite(suite, name, dest)
        result = evaluate.run_suite(form_suite, config, solver=solver, floors=False)
        result.errors.update(errors)  # the reason the form was not made, not "gold not found"
        logs[name] = result.log()
    return logs


def compare_forms(original: dict, logs: dict[str, dict], keys: dict[str, str]) -> dict:
    """Per form: its suite numbers (`keys`: field -> score key) and the difference from the original's."""

    def scores(log: dict) -> dict[str, Optional[float]]:
        return {f: (log["summary"].get(f) or {}).get(k) for f, k in keys.items()}

    base = scores(original)
    out: dict[str, Any] = {"original": base, "forms": {}}
    for name, log in logs.items():
        mine = scores(log)
        out["forms"][name] = {
            "scores": mine,
            "errors": log["errors"],
            "delta": {
                f: (round(v - b, 6) if v is not None and (b := base[f]) is not None else None) for f, v in mine.items()
            },
        }
    return out
