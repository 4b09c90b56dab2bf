"""Indonesia's administrative areas with their Kemendagri codes, from idn-area-data.

Every province and regency/city of Indonesia, and every district (kecamatan) and village
(kelurahan/desa) of Banten, each ``schema:containedInPlace`` the area above it, up to
``kg:country-id``. IRIs: ``kg:province-<name>``, ``kg:regency-<name>`` (kabupaten),
``kg:city-<name>`` (kota), ``kg:district-<code>``, ``kg:village-<code>``; the kelurahan of Kota
Tangerang are ``kg:neighbourhood-<name>``, as the article's Kreo and Cipadu already are. Names
are as in the source, the same in Indonesian and English; districts and villages also get the
altLabel "Kecamatan X", "Kelurahan X" or "Desa X" (Kemendagri village codes 1xxx are kelurahan,
2xxx desa), so that a name shared by a kecamatan and a kelurahan can be told apart.
"""

from __future__ import annotations

from ..records.csvrecords import slug
from .sources import Area, Areas
from .terms import (
    ADMINISTRATIVE_AREA,
    ALT_LABEL,
    CITY,
    CONTAINED_IN,
    KEMENDAGRI,
    NEIGHBOURHOOD,
    TYPE,
    Triple,
    iri,
    kg,
    labels,
    text,
)

COUNTRY = kg("country-id").value
NEIGHBOURHOOD_CITY = "36.71"
"""Kota Tangerang: its kelurahan keep the article's ``kg:neighbourhood-<name>`` IRIs."""


def area_iris(areas: Areas) -> dict[str, str]:
    """Kemendagri code -> IRI, for every area read."""
    found: dict[str, str] = {}
    for province in areas.provinces:
        found[province.code] = kg(f"province-{slug(province.name)}").value
    for regency in areas.regencies:
        kind, _, name = regency.name.partition(" ")
        prefix = {"Kota": "city", "Kabupaten": "regency"}[kind]
        found[regency.code] = kg(f"{prefix}-{slug(name)}").value
    for district in areas.districts:
        found[district.code] = kg(f"district-{district.code.replace('.', '-')}").value
    for village in areas.villages:
        if village.code.startswith(NEIGHBOURHOOD_CITY + "."):
            found[village.code] = kg(f"neighbourhood-{slug(village.name)}").value
        else:
            found[village.code] = kg(f"village-{village.code.replace('.', '-')}").value
    if len(set(found.values())) != len(found):
        raise ValueError("two areas of idn-area-data would get the same IRI")
    return found


def area_triples(areas: Areas) -> list[Triple]:
    """The areas as places, each inside the one above it."""
    iris = area_iris(areas)
    out: list[Triple] = []

    def place(area: Area, cls: str, alt: str | None = None) -> None:
        node = iri(iris[area.code])
        out.append(Triple(node, TYPE, iri(cls)))
        out.extend(labels(node, area.name, area.name))
        out.append(Triple(node, KEMENDAGRI, text(area.code)))
        parent = COUNTRY if area.parent is None else iris[area.parent]
        out.append(Triple(node, CONTAINED_IN, iri(parent)))
        if alt is not None:
            out.append(Triple(node, ALT_LABEL, text(alt, "id")))

    for province in areas.provinces:
        place(province, ADMINISTRATIVE_AREA.value)
    for regency in areas.regencies:
        city = regency.name.startswith("Kota ")
        place(regency, (CITY if city else ADMINISTRATIVE_AREA).value)
    for district in areas.districts:
        place(district, ADMINISTRATIVE_AREA.value, f"Kecamatan {district.name}")
    for village in areas.villages:
        kind = "Kelurahan" if village.code.rsplit(".", 1)[1].startswith("1") else "Desa"
        place(village, NEIGHBOURHOOD.value, f"{kind} {village.name}")
    return out
