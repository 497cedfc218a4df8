"""Issuing bodies and their places: which place a body's name starts with, what kind of body follows it, and the
admin level that makes of a report. The words come from `extractor/lexicon/issuers.toml`.

    青山市人民政府                 place 青山市 (city), body 人民政府 (government)          → city
    中共白河县委 白河县人民政府      party committee + government of 白河县                    → county
    青山市司法局                   place 青山市, body 司法局 (a department)                 → department
    平潭综合实验区交通与建设局       a department of a special zone                           → department
    青山县东林镇人民政府            place 青山县东林镇 (township)                             → other
    青山区白沙街道办事处            place 青山区白沙街道 (sub-district)                       → other
    青山风景名胜区管理局            an area's own authority                                  → other
    贵安新区管委会                 a zone's management committee                            → other
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.lexicon.issuers import alternation, issuer_lexicon

_LEX = issuer_lexicon()
_PLACES, _BODIES = _LEX.place, _LEX.body
_H = r"[\u4e00-\u9fff]"
_PARTY = alternation(_BODIES.party_prefixes)
_LONG_CITY = alternation(tuple(w for w in _PLACES.city if len(w) > 2))
_SHORT_CITY = alternation(tuple(w for w in _PLACES.city if len(w) <= 2))
_WIDE_COUNTY = alternation(tuple(w for w in _PLACES.county if len(w) > 2 and w.startswith("自治")))
_NARROW_COUNTY = alternation(tuple(w for w in _PLACES.county if len(w) == 1))
_ZONES = alternation(
    tuple(
        sorted(
            {*_PLACES.zones, *_PLACES.areas, *(w for w in _PLACES.county if len(w) == 2 and not w.startswith("自治"))},
            key=len,
            reverse=True,
        )
    )
)
_TOWNSHIP = alternation(tuple(w for w in _PLACES.township if w not in ("乡", "镇")))
# A place at the start of a body's name, from the top: province; prefecture (a county-level city comes out as
# the prefecture group); county level, or a zone, new area or scenic area; then a township. The county group
# takes only 区/县/旗 so that `青山市城市管理局` does not yield `青山市城市`; the township group never ends in
# 城乡/城镇 (`青山市城乡建设局` is a city department).
PLACE = re.compile(
    rf"(?:{_PARTY})?(?P<place>(?:{_H}{{2,6}}?(?:{alternation(_PLACES.province)}))?"
    rf"(?:{_H}{{2,8}}?(?:{_LONG_CITY})|{_H}{{2,4}}?(?:{_SHORT_CITY}))?"
    rf"(?:{_H}{{2,12}}?(?:{_ZONES})|{_H}{{2,8}}?(?:{_WIDE_COUNTY})|{_H}{{1,6}}?(?:{_NARROW_COUNTY}))?"
    rf"(?:{_H}{{1,4}}?(?:(?<!城)(?:乡|镇)|{_TOWNSHIP}))?)"
)


def place_of(name: str) -> str:
    """The place a body's name starts with (`青山市白河区` of `中共青山市白河区委`), or ''."""
    m = PLACE.match(name)
    return m.group("place") if m else ""


def place_level(place: str) -> str | None:
    """The level of a place by its last unit; a 市 is `city` here (metadata decides county-level cities)."""
    if not place:
        return None
    if place in _PLACES.municipalities or place.endswith(_PLACES.province):
        return "province"
    if place.endswith(_PLACES.township) or place.endswith(_PLACES.areas) or place.endswith(_PLACES.zones):
        return "other"  # townships, sub-districts, zones and areas: the schema has no level of their own
    if place.endswith(_PLACES.county):
        return "county"
    if place.endswith(_PLACES.city):
        return "city"
    return None


def below_county(place: str) -> bool:
    """A township, sub-district or an area with its own authority: every body of it reports as `other`."""
    return bool(place) and (place.endswith(_PLACES.township) or place.endswith(_PLACES.areas))


@dataclass(frozen=True)
class Body:
    name: str
    place: str
    kind: str  # government | party | department | unknown


def body_of(name: str) -> Body:
    """What kind of body a name is: the place's government (人民政府, 管委会, 办事处), its party committee
    (中共…委), one of its departments (…局, …厅, …委员会, …办公室), or unknown."""
    party = re.match(_PARTY, name)
    place = place_of(name)
    rest = name[(party.end() if party else 0) + len(place) :]
    if not rest or rest in _BODIES.government:
        kind = "government"
    elif party and rest in _BODIES.party_committee:
        kind = "party"
    elif rest.endswith(_BODIES.department):
        kind = "department"
    elif rest.endswith(_BODIES.government):
        kind = "government"
    else:
        kind = "unknown"
    return Body(name, place, kind)


def issuers_level(issuers: list[str]) -> str | None:
    """The admin level the issuers alone decide: `other` for a body of a township or an area, `department` when
    none of them is a place's government or party committee; None when the place decides (a government)."""
    bodies = [body_of(i) for i in issuers]
    if any(below_county(b.place) for b in bodies):
        return "other"
    if any(b.kind == "government" and b.name.endswith(_BODIES.zone_government) for b in bodies):
        return "other"  # a zone's management committee (…新区管委会, …开发区党工委): no level of its own
    if not any(b.kind in ("government", "party") for b in bodies):
        return "department"  # 司法局, 发展和改革委员会, 人民政府办公室: a working department of a government
    return None


# Every word a body's name may end with, longest first (`委员会` before `委`).
BODY_END = alternation(
    tuple(sorted({*_BODIES.government, *_BODIES.department, *_BODIES.party_committee}, key=len, reverse=True))
)
_GOVERNMENT_END = alternation(_BODIES.government)
# How a joint issuer line is cut when OCR or a scraper lost the space between two names
# (`中共白河区委白河区人民政府`): after a body's end, where a party prefix or a place's government follows.
_ISSUER = re.compile(rf".+?(?:{BODY_END})(?=(?:{_PARTY})|{_H}{{2,}}(?:{_GOVERNMENT_END})$|$)")


def split_issuers(chunk: str) -> list[str]:
    """One whitespace-free chunk of an issuer line as the names it joins; the chunk itself when it does not
    cut cleanly."""
    parts = _ISSUER.findall(chunk)
    return parts if parts and "".join(parts) == chunk else [chunk]


_ORG_END = re.compile(rf"(?:{BODY_END})$")


def is_body_name(text: str) -> bool:
    """A bare name of one body or more (no punctuation, no digits, ends like a body)."""
    return 2 <= len(text) <= 40 and bool(re.fullmatch(rf"{_H}+", text)) and bool(_ORG_END.search(text))


# The body a title names when it does not lead with it: `关于青山市司法局2023年度…`, `2023年度青山市司法局法治…`.
_TITLE_SUBJECT = re.compile(
    rf"^(?:关于)?(?:\d{{4}}\s*年度?)?(?P<name>{_H}{{2,40}}?)(?=\d{{4}}\s*年|{alternation(_LEX.title_topics)}|$)"
)


def title_subject(title: str) -> str | None:
    """The body named at the head of a title, after an optional 关于 and year (simplified text in, as is out)."""
    m = _TITLE_SUBJECT.match(re.sub(r"\s+", "", title))
    name = m.group("name") if m else ""
    return name if is_body_name(name) else None
