"""Choosing a closed-set label by its likelihood: the worker's `choose` op (a stand-in model, no llama.cpp),
the decision that refuses what the rules contradict, retrieval that never shows the document its own gold,
and the labeling path end to end with fake log-probabilities."""

from __future__ import annotations

import io
import json
import math
import sys

import numpy as np

from extractor.facts.quantities import find_quantities
from extractor.labeling import Labeler, choice
from extractor.model import choosing, local, worker
from extractor.structure.outline import segment
from extractor.text.normalize import normalize


class StandInModel:
    """Tokens are characters; the logits favour whatever `favour` names, so the answer is known."""

    n_ctx = staticmethod(lambda: 4096)
    n_vocab = staticmethod(lambda: 0x10000)
    metadata: dict = {}

    def __init__(self, favour: str = "C"):
        self._input_ids: list[int] = []
        self.n_tokens = 0
        self.read: list[int] = []
        self.favour = favour

    def tokenize(self, text: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
        return [ord(ch) for ch in text.decode("utf-8")]

    def eval(self, tokens):
        self.read = list(tokens)
        self._input_ids = self._input_ids[:self.n_tokens] + list(tokens)
        self.n_tokens = len(self._input_ids)

    def logits(self):
        row = np.zeros(0x10000)
        row[ord(self.favour)] = 5.0
        row[ord("A")] = 2.0
        return row


def test_the_worker_scores_each_label_in_one_pass_and_reuses_the_shared_prefix(monkeypatch):
    model = StandInModel(favour="C")
    monkeypatch.setattr(worker, "load", lambda settings: model)
    monkeypatch.setattr(worker, "system_info", lambda: "AVX2 = 1")
    monkeypatch.setattr(worker, "last_logits", lambda llama: llama.logits())
    first = [{"role": "user", "content": "条目：加强执法"}]
    second = [{"role": "user", "content": "条目：加强普法"}]
    requests = io.StringIO("\n".join(json.dumps(r, ensure_ascii=False) for r in (
        {"model_path": "m"},
        {"op": "choose", "messages": first, "labels": ["A", "B", "C"]},
        {"op": "choose", "messages": second, "labels": ["A", "B", "C"]},
        {"op": "choose", "messages": second, "labels": ["AB", "AC"]},  # same first token: cannot be scored
    )) + "\n")
    channel = io.StringIO()
    assert worker.serve(requests, channel) == 0
    hello, one, two, refused = [json.loads(line) for line in channel.getvalue().splitlines()]
    assert hello["ok"] is True
    scores = one["logprobs"]
    assert max(scores, key=scores.get) == "C" and scores["A"] > scores["B"]
    z = math.log(math.exp(5) + math.exp(2) + (0x10000 - 2))
    assert math.isclose(scores["C"], 5 - z, rel_tol=1e-9) and math.isclose(scores["B"], -z, rel_tol=1e-9)
    # the second prompt differs only near its end: the common prefix came from the cache
    assert two["cached_tokens"] > 0 and two["cached_tokens"] == two["prompt_tokens"] - len(model.read)
    assert refused["error"].startswith("ValueError: choose: labels")


FAKE_CHOOSER = '''
import json, sys
json.loads(sys.stdin.readline())
print(json.dumps({"ok": True, "system_info": "x"}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if request.get("op") != "choose":
        print(json.dumps({"error": "ValueError: not a choice"}), flush=True); continue
    labels = request["labels"]
    print(json.dumps({"logprobs": {l: -float(i) for i, l in enumerate(labels)}, "prompt_tokens": 9,
                      "cached_tokens": 4}), flush=True)
'''


def test_the_parent_sends_choose_to_the_model_process(tmp_path, monkeypatch):
    from extractor.config import Config

    script = tmp_path / "chooser.py"
    script.write_text(FAKE_CHOOSER, encoding="utf-8")
    monkeypatch.setattr(local, "WORKER", [sys.executable, str(script)])
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    try:
        answer = local.get_choose(Config(backend="local", model_path=model))([{"role": "user", "content": "x"}],
                                                                            ["A", "B"])
    finally:
        local._close_models()
    assert answer == {"logprobs": {"A": -0.0, "B": -1.0}, "prompt_tokens": 9, "cached_tokens": 4}


OPTIONS = choice.letters()


def test_a_label_outside_the_set_is_refused():
    picked, why = choice.decide({"Z": -0.1, "A": -3.0}, OPTIONS, rules_answer=None)
    assert picked is None and "outside the option set" in why


def test_a_low_margin_choice_against_the_rules_keeps_the_rules():
    # E law_enforcement barely ahead of H oversight_transparency; the keywords said oversight
    picked, why = choice.decide({"E": -1.0, "H": -1.3, "A": -4.0}, OPTIONS, rules_answer="oversight_transparency")
    assert picked is None and "margin of 0.30" in why
    tie, why = choice.decide({"E": -1.0, "H": -1.0}, OPTIONS, rules_answer="oversight_transparency")
    assert tie is None and why


def test_a_clear_choice_or_one_the_rules_cannot_make_stands():
    assert choice.decide({"E": -0.1, "H": -3.0}, OPTIONS, "oversight_transparency") == ("law_enforcement", None)
    assert choice.decide({"E": -1.0, "H": -1.1}, OPTIONS, None) == ("law_enforcement", None)
    assert choice.decide({"E": -1.0, "H": -1.1}, OPTIONS, "law_enforcement") == ("law_enforcement", None)


def test_retrieval_never_shows_the_document_its_own_items_or_a_rewrite_of_them():
    pool = (("measures", "推进行政复议体制改革，规范行政复议案件办理程序，提升复议质效。", "dispute_resolution"),
            ("measures", "深化行政复议规范化建设，推行复议案件繁简分流和调解和解机制。", "dispute_resolution"),
            ("measures", "开展全民普法宣传活动，举办宪法宣传周。", "legal_capacity_publicity"))
    item = "推进行政复议体制改革，规范行政复议案件办理程序"
    # the document (a rewrite: same sentences, other line breaks) holds the first pool item
    document = "一、主要举措\n（一）推进行政复议体制改革，规范行政复议案件办理\n程序，提升复议质效。"
    document = document.replace("\n", "")
    got = choice.retrieve(item, document, k=2, pool=pool)
    assert [quote for quote, _ in got] == [pool[1][1][:80], pool[2][1][:80]]
    assert choice.retrieve(item, "别的报告", k=1, pool=pool)[0][0] == pool[0][1][:80]
    assert choice.retrieve(item, document, k=0, pool=pool) == []


TEXT = """某县人民政府关于2024年度法治政府建设情况的报告

一、主要举措和成效

（一）重点工作

一是全面推行行政执法公示制度，组织执法案卷评查。二是建成乡村书屋30家。三是组织政务公开专题培训。

二、存在的不足

一是执法队伍力量薄弱。

三、下一年度工作安排

深化行政复议体制改革。
"""


class FakeClient:
    """What `choosing.choose` needs of a ModelClient: key, cache, ledger, the local backend."""

    backend = "local"
    config = None

    def __init__(self):
        self.cache = DictCache()
        self.ledger = type("Ledger", (), {"record": lambda self, rec: None})()

    def key_for(self, **kwargs):
        return json.dumps(kwargs["messages"], ensure_ascii=False)

    def cached(self, key, model):
        return None

    def ask(self, **kwargs):
        raise AssertionError("a choice call must not generate")


class DictCache(dict):
    def set(self, key, value):
        self[key] = value


def test_the_labeling_scores_categories_and_keeps_the_rules_where_unsure(monkeypatch):
    # per item: 执法 (keyword law_enforcement) → model answers H weakly: refused; 书屋 (no keyword) → model's
    # B stands; 政务公开 (keyword oversight) → model answers H clearly: stands
    answers = iter([{"H": -1.0, "E": -1.2}, {"B": -0.5, "K": -0.9}, {"H": -0.1, "E": -4.0}])
    monkeypatch.setattr(local, "get_choose", lambda config: lambda messages, labels: {
        "logprobs": next(answers), "prompt_tokens": 10, "cached_tokens": 0})
    client = FakeClient()
    norm = normalize(TEXT)
    out = Labeler(norm, client, model_metrics=False, categories="choose",
                  model_kinds=frozenset({"measures"})).run(segment(norm), find_quantities(norm))
    assert [(m.category, m.decided_by) for m in out.measures] == [
        ("law_enforcement", "rules"), ("government_functions", "model"), ("oversight_transparency", "model")]
    refused = [n for n in out.quality if n.kind == "model_refused"]
    assert len(refused) == 1 and "law_enforcement" in refused[0].message
    assert choosing.supports_choose(client) and not choosing.supports_choose(object())


def test_without_log_probabilities_the_choice_mode_generates_as_hybrid_does():
    class Generating:
        def ask(self, *, kind, prompt_version, messages, response_model, section=None):
            from schemas.responses import SummaryAnswer

            return response_model(category="other", summary="摘要") if response_model is not SummaryAnswer \
                else SummaryAnswer(summary="摘要")

    norm = normalize(TEXT)
    out = Labeler(norm, Generating(), model_metrics=False, categories="choose").run(segment(norm), find_quantities(norm))
    assert [m.category for m in out.measures][0] == "law_enforcement"  # keyword kept, as in hybrid


# ---------------------------------------------------------------- a section's part, scored

PART_TEXT = """关于某区2024年度法治政府建设情况的报告

一、工作开展情况
全年审查区政府规范性文件8件，办理行政复议案件15件。

二、聚焦群众关切
部分执法人员能力不足，执法规范化水平有待提高。

三、下一步工作打算
持续深化综合行政执法改革。
"""


def test_an_undecided_part_is_scored_over_the_parts_letters_and_checked(monkeypatch):
    """Scored parts (bench/part_choice.py's experiment; extraction asks by JSON): the parts' letters put to the
    model in one forward pass each, the likeliest part stands unless `refuse_answer` finds it contradicts the
    section."""
    from extractor.labeling.parts import PART_OPTIONS, part_asker
    from extractor.structure.parts import PARTS, PartQuestion

    assert sorted(PART_OPTIONS.values()) == sorted(PARTS)  # part_choice.toml lists every part, once
    from extractor.model import prompts

    assert "part_choice" not in prompts.versions()  # no extraction asks it: editing it redoes no batch output
    seen = []

    def scorer(messages, labels):
        seen.append((messages[-1]["content"], labels))
        shortcomings = "不足" in messages[-1]["content"]
        return {"logprobs": {"A": -0.2, "B": -3.0} if not shortcomings else {"B": -0.1, "A": -2.0},
                "prompt_tokens": 10, "cached_tokens": 0}

    monkeypatch.setattr(local, "get_choose", lambda config: scorer)
    notes: list = []
    ask = part_asker(FakeClient(), notes, scored=True)
    work = PartQuestion("一", "一、工作开展情况", "全年审查区政府规范性文件8件。", 1, 3, "measures", "undecided")
    ill = PartQuestion("二", "二、聚焦群众关切", "部分执法人员能力不足。", 2, 3, "measures", "undecided", "measures")
    plans = PartQuestion("三", "三、下一步工作打算", "持续深化改革。", 3, 3, "plans", "contradictory: x")
    assert ask(work) == "measures" and ask(ill) == "shortcomings"
    # a heading naming plans answered `measures` (A) by the scorer: refused, the rules' guess stands
    assert ask(plans) is None
    assert [n.kind for n in notes] == ["model_refused"] and "plans" in notes[0].message
    assert all(labels == list("ABCDE") for _, labels in seen) and "位置：第2部分，共3部分" in seen[1][0]


def test_scored_parts_fall_back_to_generation_without_log_probabilities():
    from extractor.labeling.parts import part_asker
    from extractor.structure.parts import PartQuestion
    from schemas.responses import PartAnswer

    class Generating:
        def ask(self, *, kind, prompt_version, messages, response_model, section=None):
            assert kind == "parts" and response_model is PartAnswer
            return PartAnswer(part="shortcomings", reason="写不足")

    question = PartQuestion("二", "二、聚焦群众关切", "部分执法人员能力不足。", 2, 3, "measures", "undecided")
    assert part_asker(Generating(), [], scored=True)(question) == "shortcomings"
