"""Every issuer kind on report openings written for this test (`tests/issuer_openings.py`, not tuned on):
departments of a province, city, county, special zone or new area; townships, sub-districts, areas; joint
party–government issuers; with line breaks and flattened."""

from __future__ import annotations

import pytest

from extractor.structure.issuers import body_of, issuers_level, place_level
from extractor.structure.metadata import extract_metadata
from extractor.structure.outline import segment
from extractor.text.normalize import normalize
from tests.issuer_openings import BODY, OPENINGS

KEYS = ("title", "issuers", "region", "admin_level", "doc_number", "report_year")


def meta(text: str) -> dict:
    norm = normalize(text)
    m = extract_metadata(norm, segment(norm))[0]
    return {k: getattr(m, k) for k in KEYS}


def flat(text: str) -> str:
    """The opening as a scraper delivers it with every line break removed."""
    return text.replace("\n", "")


@pytest.mark.parametrize("opening, expected", OPENINGS, ids=[e["title"] or o[:12] for o, e in OPENINGS])
def test_opening_with_line_breaks(opening, expected):
    assert meta(opening + "\n" + BODY) == expected


def test_the_set_covers_every_issuer_kind():
    levels = {e["admin_level"] for _, e in OPENINGS}
    assert {"department", "other", "county", "city"} <= levels
    assert len(OPENINGS) >= 20


@pytest.mark.parametrize("name, place, kind, level", [
    ("青山市司法局", "青山市", "department", "department"),
    ("中共白河县委", "白河县", "party", None),
    ("中共白河县委全面依法治县委员会办公室", "白河县", "department", "department"),
    ("中共白河县委宣传部", "白河县", "department", "department"),  # a party committee's department
    ("青山省发展和改革委员会", "青山省", "department", "department"),
    ("青山市城乡建设局", "青山市", "department", "department"),  # 城乡 is not a 乡
    ("青山市城市管理局", "青山市", "department", "department"),
    ("青山经济技术开发区管理委员会", "青山经济技术开发区", "government", "other"),
    ("青山市高新区财政局", "青山市高新区", "department", "department"),
    ("东林镇司法所", "东林镇", "department", "other"),  # a body of a township reports as the township
    ("中共松林街道工作委员会", "松林街道", "party", "other"),
    ("滨海新区人民政府", "滨海新区", "government", None),  # a city's new district: its level is the place's (county)
])
def test_body_kinds(name, place, kind, level):
    body = body_of(name)
    assert (body.place, body.kind, issuers_level([name])) == (place, kind, level)


@pytest.mark.parametrize("place, level", [
    ("青山省", "province"), ("宁远回族自治区", "province"), ("上海市", "province"), ("青山市", "city"),
    ("延吉朝鲜族自治州", "city"), ("白河县", "county"), ("滨海新区", "county"), ("东林镇", "other"),
    ("松林街道", "other"), ("西山片区", "other"), ("南屿综合实验区", "other"), ("", None),
])
def test_place_levels(place, level):
    assert place_level(place) == level
