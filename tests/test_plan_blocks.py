"""The Planner makes a block's calls by the block's kind (labeling/plan.py's `_BLOCK_CALLS`): every kind the
outline can give a block has its step, so no block is left without its item."""

from typing import get_args

from extractor.labeling.plan import _BLOCK_CALLS, Planner
from extractor.structure.outline import Block, BlockKind
from extractor.text.normalize import normalize


def test_every_block_kind_has_its_step():
    assert set(_BLOCK_CALLS) == set(get_args(BlockKind))


def test_each_kind_makes_its_items_from_the_rules():
    text = "一、主要举措\n（一）健全制度。全年修订规章3件。\n二、存在的问题\n（一）执法不够规范，主要原因是培训不足。\n"
    norm = normalize(text)
    start = text.index("（一）健全")
    problem = text.index("（一）执法")
    blocks = [
        Block("measures", "一/（一）", "（一）", "主要举措", start, problem - 1, text[start : problem - 1]),
        Block("problems", "二/（一）", "（一）", "存在的问题", problem, len(text) - 1, text[problem:-1]),
    ]
    planner = Planner(norm, model_metrics=False)
    calls = [call for block in blocks for call in planner._calls_for_block(block)]
    assert [call.kind for call in calls] == ["measures", "problems"]
    for call in calls:
        call.on_rules()
    assert [m.evidence.quote for m in planner.out.measures] == [blocks[0].text]
    assert [p.evidence.quote for p in planner.out.problems] == [blocks[1].text]
