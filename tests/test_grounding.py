from pathlib import Path

from extractor.grounding import ground_quote, invented_numbers, is_grounded
from extractor.text.normalize import normalize
from schemas.report import Evidence

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_f1d261e1c8a62baa.txt"
TEXT = SEED.read_text(encoding="utf-8")
NORM = normalize(TEXT)


def test_exact_quote_across_a_page_break_gets_original_offsets():
    ev = ground_quote(NORM, "承接落实了省下放的341项经济社会管理权限")
    assert ev is not None and ev.alignment == "exact"
    assert TEXT[ev.start : ev.end] == ev.quote
    assert "\n\n" in ev.quote


def test_quote_with_small_changes_is_found_fuzzily_and_quotes_the_source():
    ev = ground_quote(NORM, "承接落实了省下发的341项经济社会管理的权限")
    assert ev is not None and ev.alignment == "fuzzy"
    assert is_grounded(TEXT, ev)
    assert "341项" in ev.quote


def test_quote_not_in_the_text_is_not_grounded():
    assert ground_quote(NORM, "全面完成城市轨道交通三号线建设任务并通车运营") is None


def test_search_is_limited_to_the_given_window():
    span = NORM.find("一是强化权责清单监管")
    assert ground_quote(NORM, "一是强化权责清单监管", within=(0, span[0])) is None
    assert ground_quote(NORM, "一是强化权责清单监管", within=(span[0], span[1] + 10)) is not None


def test_evidence_at_wrong_offsets_is_not_grounded():
    ev = ground_quote(NORM, "立案查处环境违法行为")
    moved = Evidence(quote=ev.quote, start=ev.start + 3, end=ev.end + 3)
    assert is_grounded(TEXT, ev)
    assert not is_grounded(TEXT, moved)


def test_numbers_in_a_summary_must_come_from_the_source():
    source = "对16个部门的1085项权责事项进行了动态调整"
    assert invented_numbers("调整16个部门1085项权责事项", source) == []
    assert invented_numbers("调整17个部门权责事项", source) == ["17"]
