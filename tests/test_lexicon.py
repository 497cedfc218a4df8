"""The lexicons (extractor/lexicon/*.toml): each has its header, is read by the module it names, and every entry
changes what that module outputs on some sentence of its test text (tests/lexicon/reach.py takes each entry out
in turn and reruns the reader); entries declared redundant are exactly the ones no sentence reaches."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import lexicon

ROOT = Path(__file__).resolve().parents[1]
NAMES = lexicon.names()


def test_there_are_lexicons_and_each_has_its_header():
    assert len(NAMES) >= 30
    for name in NAMES:
        lex = lexicon.load(name)
        assert lex.entries(), name
        assert (ROOT / lex.about.checked_on).is_file(), (name, lex.about.checked_on)
        assert len(lex.about.purpose) > 20 and len(lex.about.source) > 10, name


@pytest.mark.parametrize("name", NAMES)
def test_the_module_it_names_reads_it(name):
    lex = lexicon.load(name)
    source = Path(importlib.import_module(lex.about.used_by).__file__).read_text(encoding="utf-8")
    # directly, or through the typed view the lexicon package keeps for it
    assert f'"{name}"' in source or (name in lexicon.VIEWS and f"{lexicon.VIEWS[name]}(" in source)


def test_every_entry_is_reached_by_its_test_text():
    """Run in a fresh interpreter: the check reloads the modules that read the lexicons."""
    run = subprocess.run([sys.executable, str(ROOT / "tests" / "lexicon" / "reach.py")], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    unreached = json.loads(run.stdout)
    assert set(unreached) == set(NAMES)
    for name, entries in unreached.items():
        if isinstance(entries, str):  # tests/lexicon/reach.py NOT_REACHED: no probe yet, and why
            assert len(entries) > 40, (name, entries)
            continue
        assert set(entries) == set(lexicon.load(name).redundant()), (
            f"{name}: entries no sentence of {lexicon.load(name).about.checked_on} reaches "
            f"(add a sentence, or list the entry under [redundant] with the reason)")


def test_a_file_without_its_header_or_content_is_refused():
    with pytest.raises(ValueError, match="lacks source"):
        lexicon.parse("x", {"purpose": "p", "used_by": "m", "checked_on": "t", "words": ["a"]})
    with pytest.raises(ValueError, match="content"):
        lexicon.parse("x", {"purpose": "p", "source": "s", "used_by": "m", "checked_on": "t"})
    with pytest.raises(ValueError, match="does not hold"):
        lexicon.parse("x", {"purpose": "p", "source": "s", "used_by": "m", "checked_on": "t", "words": ["a"],
                            "redundant": {"b": "why"}})


def test_the_typed_views_read_the_house_format():
    assert lexicon.causes().influence_opener == "受" and lexicon.causes().influence_max == 30
    assert "我们" in lexicon.lead_ins().subjects and lexicon.lead_ins().year_suffixes[-1] == ""
    assert not hasattr(lexicon, "OWN_LOADERS")
    with pytest.raises(ValueError, match="content"):  # a table mixing a list and a number is neither named lists nor settings
        lexicon.parse("x", {"purpose": "p", "source": "s", "used_by": "m", "checked_on": "t",
                            "influence": {"opener": ["受"], "max_chars": 30}})


def test_a_lexicon_is_read_once_and_cannot_be_changed():
    assert lexicon.load("unit_money") is lexicon.load("unit_money")
    with pytest.raises(TypeError):
        lexicon.load("unit_percent").pairs()["%"] = 1  # type: ignore[index]
    assert isinstance(lexicon.words("unit_money"), tuple)


def test_alternation_keeps_order_and_an_empty_list_matches_nothing():
    import re

    assert re.match(lexicon.alternation(["瓦时", "瓦"]), "瓦时").group() == "瓦时"
    assert re.search(lexicon.alternation([]), "任何文字") is None
    assert lexicon.alternation(["a+b"], escape=True) == r"a\+b"
