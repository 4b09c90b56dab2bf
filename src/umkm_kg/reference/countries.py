"""ISO 3166-1 countries and territories as ``schema:Country`` (``kg:country-<alpha-2>``)."""

from __future__ import annotations

import gettext

from .terms import (
    ALPHA2,
    ALPHA3,
    ALT_LABEL,
    COUNTRY,
    NUMERIC,
    TYPE,
    Triple,
    kg,
    labels,
    text,
)


def country_iri(alpha2: str) -> str:
    """The IRI of a country: ``kg:country-jp`` for ``JP`` (the article's IRIs follow this)."""
    return kg(f"country-{alpha2.lower()}").value


def country_triples() -> list[Triple]:
    """Every country and territory of ISO 3166-1 in pycountry: codes, and names in en and id.

    The English label is the common name where iso-codes gives one ("Taiwan"), else the ISO
    name; the Indonesian label is iso-codes' Indonesian translation of it. The other names
    (ISO name, official name, and their translations) are ``skos:altLabel``s.
    """
    import pycountry

    indonesian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    out: list[Triple] = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        node = kg(f"country-{country.alpha_2.lower()}")
        name = str(country.name)
        shown = str(getattr(country, "common_name", "") or name)
        shown_id = indonesian.gettext(shown)
        out.append(Triple(node, TYPE, COUNTRY))
        out += labels(node, shown_id, shown)
        out.append(Triple(node, ALPHA2, text(country.alpha_2)))
        out.append(Triple(node, ALPHA3, text(country.alpha_3)))
        out.append(Triple(node, NUMERIC, text(country.numeric)))
        others = {name, str(getattr(country, "official_name", "") or name)}
        for other in sorted(others - {shown}):
            out.append(Triple(node, ALT_LABEL, text(other, "en")))
        # gettext gives back the English text when iso-codes has no translation of it
        translated = {indonesian.gettext(o) for o in others | {shown}} - others - {shown}
        others_id = translated - {shown_id}
        for other in sorted(others_id):
            out.append(Triple(node, ALT_LABEL, text(other, "id")))
    return out
