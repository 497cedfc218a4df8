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


def test_the_pipelines_last_check_drops_an_item_whose_evidence_is_not_at_its_offsets(tmp_path, monkeypatch):
    """The final grounding filter (pipeline._drop_ungrounded) is the last line: whatever a stage gets wrong — a
    model's answer whose quote is not the text at its offsets, an offset mapped one place off — never reaches
    the output. A labeler that returns such items stands in for that stage."""
    from extractor import pipeline
    from extractor.config import Config
    from madeup import PLAIN

    real = pipeline.Labeler

    class Slipping(real):
        def run(self, outline, quantities):
            out = super().run(outline, quantities)
            first, second = out.measures[0], out.measures[1]
            shifted = first.evidence.model_copy(update={"start": first.evidence.start + 1, "end": first.evidence.end + 1})
            invented = second.evidence.model_copy(update={"quote": "这句话不在报告原文里"})
            out.measures[0] = first.model_copy(update={"evidence": shifted})
            out.measures[1] = second.model_copy(update={"evidence": invented, "decided_by": "model"})
            return out

    source = tmp_path / "report.txt"
    source.write_text(PLAIN, encoding="utf-8")
    config = Config(backend="rules", cache_dir=tmp_path / "cache")
    whole = pipeline.extract(source, config)
    monkeypatch.setattr(pipeline, "Labeler", Slipping)
    report = pipeline.extract(source, config)
    assert len(report.measures) == len(whole.measures) - 2
    assert [m.evidence for m in report.measures] == [m.evidence for m in whole.measures[2:]]
    notes = [n for n in report.quality if n.kind == "ungrounded_item"]
    assert [n.quote for n in notes] == [whole.measures[0].evidence.quote[:80], "这句话不在报告原文里"]
    text = source.read_text(encoding="utf-8")
    assert all(is_grounded(text, item.evidence) for name in ("measures", "metrics", "problems", "plans",
                                                               "rectifications", "leadership_duties")
               for item in getattr(report, name))
