"""Traditional characters: matched on a simplified view of the same length, quoted from the original."""

from __future__ import annotations

from extractor.structure.metadata import extract_metadata
from extractor.structure.outline import segment
from extractor.text import script
from extractor.text.normalize import canon, normalize
from tests.madeup import PLAIN, traditional


def test_simplified_view_keeps_every_offset():
    text = "小龍門鄉2024年法治政府建設情況報告\n一、主要舉措和成效"
    view = script.simplified(text)
    assert view == "小龙门乡2024年法治政府建设情况报告\n一、主要举措和成效"
    assert len(view) == len(text)


def test_a_conversion_that_changes_length_falls_back_to_one_character_at_a_time(monkeypatch):
    table = {"甲乙": "丙", "鄉": "乡", "報": "报"}

    class Phrases:  # a phrase table that merges two characters into one, as OpenCC phrase rules can
        def convert(self, text):
            for a, b in table.items():
                text = text.replace(a, b)
            return text

    monkeypatch.setattr(script, "_converter", lambda: Phrases())
    text = "甲乙鄉報告\n別的行"
    view = script.simplified(text)
    assert len(view) == len(text)
    assert view == "甲乙乡报告\n別的行"


def test_canonical_form_folds_script_so_quotes_match_either_way():
    assert canon("法治政府建設") == canon("法治政府建设")


def test_traditional_report_gives_the_same_items_as_its_simplified_copy_with_original_quotes():
    simple, trad = normalize(PLAIN), normalize(traditional(PLAIN))
    a, b = segment(simple), segment(trad)
    assert [(s.path, s.part) for s in a.sections] == [(s.path, s.part) for s in b.sections]
    assert [(x.kind, x.start, x.end) for x in a.blocks] == [(x.kind, x.start, x.end) for x in b.blocks]
    original = traditional(PLAIN)
    for block in b.blocks:
        assert block.text == original[block.start : block.end]
    assert any("審批" in block.text for block in b.blocks)  # quoted as printed, not simplified


def test_traditional_metadata_is_read_and_given_as_printed():
    text = traditional(PLAIN)
    norm = normalize(text)
    meta, _ = extract_metadata(norm, segment(norm))
    assert meta.title == "清河縣人民政府關於2023年度法治政府建設情況的報告"
    assert meta.issuers == ["清河縣人民政府"]
    assert meta.region == "清河縣"
    assert meta.admin_level == "county"
    assert meta.report_year == 2023
