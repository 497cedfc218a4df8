"""`fazhi tune` against the loopback fake OpenAI server with scripted models: it picks the variant that makes
the model right, writes it as a versioned prompt configuration, and a later eval with `--prompts` uses it.
Examples for a document never come from its own group (a seed and its rewrites)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli.app import app
from extractor.evaluation import examples
from extractor.evaluation.suites import load_suite
from extractor.model import prompt_sets, prompts
from extractor.model.prompt_sets import Example, retrieve, similarity
from scripted_models import Gold, garbage, oracle

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
MARKER = "请严格按类别表逐项核对后再选类别"  # only the `marked` variant says it
runner = CliRunner()


@pytest.fixture(scope="module")
def gold() -> Gold:
    return Gold()


def gold_groups() -> set[str]:
    return {p.stem for p in (ROOT / "evals" / "gold").glob("*.json")}


def marker_model(gold: Gold):
    """Right (the gold's answers) only when the prompt carries MARKER; schema-valid garbage otherwise."""
    right = oracle(gold)

    def respond(request: dict) -> dict:
        said = " ".join(str(m.get("content", "")) for m in request["messages"])
        return right(request) if MARKER in said else garbage(request)

    return respond


def _variants(tmp_path: Path) -> Path:
    folder = tmp_path / "variants"
    folder.mkdir()
    current = (prompts.PROMPT_DIR / "measures.toml").read_text(encoding="utf-8")
    marked = current.replace('instructions = """', f'instructions = """{MARKER}。', 1)
    assert marked != current
    (folder / "measures.marked.toml").write_text(marked, encoding="utf-8")
    (folder / "measures.terse.toml").write_text(current.replace("（这条举措做了什么）", ""), encoding="utf-8")
    return folder


def _env(tmp_path: Path) -> dict:
    return {"FAZHI_CACHE_DIR": str(tmp_path / "cache"), "FAZHI_BASE_URL": "", "OPENAI_API_KEY": "",
            "FAZHI_MODEL_FIELDS": "", "FAZHI_PROMPTS": ""}


def _endpoint(server) -> list[str]:
    return ["--backend", "openai", "--base-url", server.url, "--model", "scripted", "--api-key", "sk-test"]


def test_tune_picks_the_variant_that_makes_the_model_right_and_eval_uses_it(fake_openai, tmp_path, gold):
    fake_openai.responder = marker_model(gold)
    out = tmp_path / "tuned.toml"
    result = runner.invoke(app, ["tune", *_endpoint(fake_openai), "--kinds", "measures", "--variants",
                                 str(_variants(tmp_path)), "--examples", "0", "--suites", "seeds", "--out", str(out),
                                 "--json"], env=_env(tmp_path))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    rec = summary["kinds"]["measures"]
    assert rec["winner"] == "marked"
    scores = {c["name"]: c["score"] for c in rec["candidates"]}
    assert set(scores) == {"current", "marked", "terse"}
    assert scores["marked"] > scores["current"] and scores["marked"] > scores["terse"]
    assert all(f["chosen"] == "marked" for f in rec["folds"]) and len(rec["folds"]) == 5
    assert rec["vs_current"]["diff"] > 0 and rec["vs_current"]["lo"] is not None
    assert all(c["calls"] > 0 and c["tokens_in"] > 0 for c in rec["candidates"])
    assert summary["in_sample"] is True
    # the file: versioned by content, the marker's prompt, its record
    text = out.read_text(encoding="utf-8")
    assert MARKER in text and summary["version"] in text
    written = tomllib.loads(text)
    assert written["record"]["kinds"]["measures"]["winner"] == "marked" and written["record"]["in_sample"] is True
    assert [f["held_out"] for f in written["record"]["kinds"]["measures"]["folds"]] == sorted(gold_groups())
    tuned = prompts.load("measures", tuned=out)
    assert MARKER in tuned.instructions and tuned.version != prompts.load("measures").version
    assert prompts.load("plans", tuned=out).version == prompts.load("plans").version  # untouched kinds stay

    def eval_measures(extra: list[str]) -> float:
        log = tmp_path / f"log{len(extra)}.json"
        res = runner.invoke(app, ["eval", "--suite", "seeds", *_endpoint(fake_openai), "--model-fields", "measures",
                                  *extra, "--json", str(log)], env=_env(tmp_path))
        assert res.exit_code in (0, 1), res.output
        data = json.loads(log.read_text(encoding="utf-8"))
        if extra:
            assert data["config"]["prompts"].startswith("tuned.toml@")
            assert data["prompt_versions"]["measures"] == tuned.version
        return data["summary"]["measures"]["typed_f1"]

    before, after = eval_measures([]), eval_measures(["--prompts", str(out)])
    assert after > before + 0.2, (before, after)


def test_without_variants_only_the_current_prompt_and_example_counts_are_tried(fake_openai, tmp_path, gold):
    fake_openai.responder = garbage
    out = tmp_path / "t.toml"
    result = runner.invoke(app, ["tune", *_endpoint(fake_openai), "--kinds", "measures", "--examples", "1",
                                 "--suites", "seeds", "--out", str(out), "--json"], env=_env(tmp_path))
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)["kinds"]["measures"]
    assert [(c["name"], c["examples"]) for c in rec["candidates"]] == [("current", 0), ("current", 1)]
    # a request with an example shows a gold answer from another seed before the item
    shots = [r for r in fake_openai.requests if len((r.json or {}).get("messages", [])) == 6]
    assert shots, "no request carried a retrieved example"
    bank, _ = examples.bank([load_suite("seeds")], "measures")
    checked = 0
    for r in shots:
        messages = r.json["messages"]
        shown = [e for e in bank if e.text in messages[3]["content"]]
        item = max(bank, key=lambda e: similarity(e.text, messages[5]["content"]))
        assert shown, "the example shown is not a gold item"
        if similarity(item.text, messages[5]["content"]) > 0.6:  # the item is this gold item: its group is known
            assert all(e.group != item.group for e in shown), (item.group, shown[0].group)
            checked += 1
    assert checked > len(shots) // 2
    assert prompt_sets.read(out, (prompts.PROMPT_DIR / "common.toml").read_bytes()) is not None


def test_a_variant_that_is_not_valid_toml_is_a_clear_error_before_any_call(fake_openai, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "measures.broken.toml").write_text('instructions = """unclosed', encoding="utf-8")
    result = runner.invoke(app, ["tune", *_endpoint(fake_openai), "--kinds", "measures", "--variants", str(folder),
                                 "--suites", "seeds", "--out", str(tmp_path / "t.toml")], env=_env(tmp_path))
    assert result.exit_code == 2, result.output
    assert "measures.broken.toml" in result.output and "not valid TOML" in result.output
    assert not any("chat/completions" in r.path for r in fake_openai.requests)
    assert not (tmp_path / "t.toml").exists()


def test_a_rules_backend_cannot_be_tuned(tmp_path):
    result = runner.invoke(app, ["tune", "--backend", "rules", "--suites", "seeds"], env=_env(tmp_path))
    assert result.exit_code == 2 and "model backend" in result.output


# ---------------------------------------------------------------- retrieval


def test_examples_never_come_from_the_documents_own_group():
    suites = [load_suite("seeds"), load_suite("layouts")]
    bank, notes = examples.bank(suites, "measures")
    assert not notes and len({e.group for e in bank}) == 5
    # an item of a layout rewrite of seed 000: its nearest examples are its seed's own items…
    rewrite = next(e for e in bank if e.group.startswith("000_") and not e.text.startswith("一是"))
    query = rewrite.text + "，并取得实效"
    assert retrieve(bank, query, 3)[0].group == rewrite.group  # (so the exclusion below has work to do)
    # …which a fold leaves out: nothing from the document's group, nor from the held-out group
    held = next(g for g in sorted({e.group for e in bank}) if g != rewrite.group)
    got = retrieve(bank, query, 3, exclude_groups={rewrite.group, held})
    assert len(got) == 3 and all(e.group not in (rewrite.group, held) for e in got)


def test_retrieval_ranks_by_character_overlap_and_skips_the_item_itself():
    bank = (Example("a", "", "推进行政复议案件繁简分流", "{}"), Example("b", "", "开展普法宣传进社区活动", "{}"),
            Example("c", "", "深化行政复议体制改革工作", "{}"))
    assert similarity("行政复议", "行政复议") == 1.0 and similarity("行政复议", "普法宣传") == 0.0
    assert [e.group for e in retrieve(bank, "行政复议体制改革", 2)] == ["c", "a"]
    assert [e.group for e in retrieve(bank, "推进行政复议案件繁简分流", 1)] == ["c"]  # its own text is skipped
    assert retrieve(bank, "行政复议", 0) == []


def test_a_tuned_file_round_trips_and_its_version_follows_its_content(tmp_path):
    common = (prompts.PROMPT_DIR / "common.toml").read_bytes()
    base = prompts.load("plans")
    part = {"source": "x", "instructions": base.instructions + "\n\"引号\" \\ 反斜杠", "template": base.template,
            "example_input": base.example_input, "example_output": base.example_output, "examples": 1,
            "bank": [{"group": "g", "heading": "（一）", "text": "完善行政执法三项制度", "output": '{"summary": "s"}'}]}
    path = tmp_path / "t.toml"
    path.write_text(prompt_sets.dumps({"format": 1}, {"plans": part}, {"kinds": {"plans": {"winner": "x", "n": None}}}),
                    encoding="utf-8")
    loaded = prompts.load("plans", tuned=path)
    assert loaded.instructions == part["instructions"] and loaded.examples == 1 and loaded.bank[0].group == "g"
    msgs = loaded.messages(heading="（二）", text="健全行政执法制度")
    assert len(msgs) == 6 and "完善行政执法三项制度" in msgs[3]["content"] and msgs[4]["content"] == '{"summary": "s"}'
    part["examples"] = 0
    path.write_text(prompt_sets.dumps({"format": 1}, {"plans": part}, {}), encoding="utf-8")
    assert prompts.load("plans", tuned=path).version != loaded.version
    assert prompt_sets.read(path, common)["plans"].examples == 0


def test_a_variant_with_an_unknown_placeholder_is_refused(tmp_path):
    from extractor.errors import ConfigError
    from extractor.evaluation.tune import check_variant_folder

    folder = tmp_path / "v"
    folder.mkdir()
    current = (prompts.PROMPT_DIR / "plans.toml").read_text(encoding="utf-8")
    (folder / "plans.extra.toml").write_text(current.replace("{text}", "{text} {section_title}"), encoding="utf-8")
    (folder / "notes.txt.toml").write_text(current, encoding="utf-8")
    with pytest.raises(ConfigError, match="section_title"):
        check_variant_folder(folder, ("plans",))
    (folder / "plans.extra.toml").unlink()
    assert any("notes.txt.toml" in n for n in check_variant_folder(folder, ("plans",)))
