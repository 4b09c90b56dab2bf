"""KBLI 2020 sections (kategori) and divisions (golongan pokok) as a SKOS scheme of business
fields, and the article's product categories linked to them.

KBLI 2020 (Peraturan BPS No. 2 Tahun 2020) follows ISIC Rev. 4 at section and division level:
the codes and English titles are ISIC's. IRIs: ``kg:kbli-2020-c`` for a section,
``kg:kbli-2020-10`` for a division, in ``kg:scheme-kbli-2020``.
"""

from __future__ import annotations

from .sources import Activity
from .terms import (
    BROADER,
    BUSINESS_FIELD,
    CONCEPT,
    CONCEPT_SCHEME,
    HAS_TOP_CONCEPT,
    IN_SCHEME,
    INTERPRETATION_NOTE,
    LABEL,
    NOTATION,
    PREF_LABEL,
    TOP_CONCEPT_OF,
    TYPE,
    Triple,
    kg,
    text,
)

SCHEME = kg("scheme-kbli-2020")

CATEGORY_FIELDS: dict[str, str] = {
    "fashion": "14",
    "batik": "13",
    "footwear": "15",
    "furniture": "31",
    "handicraft": "32",
    "souvenir": "32",
}
"""The article's product categories and the KBLI division whose products they are: the project's
reading (KBLI puts footwear in division 15 with leather, batik cloth in 13 with textiles;
handicrafts and souvenirs of no one material are read as 32, other manufacturing)."""


def field_iri(code: str) -> str:
    """``kg:kbli-2020-c`` for section ``C``, ``kg:kbli-2020-10`` for division ``10``."""
    return kg(f"kbli-2020-{code.lower()}").value


def kbli_triples(activities: tuple[Activity, ...]) -> list[Triple]:
    """The scheme, its 21 sections (top concepts) and their divisions."""
    out: list[Triple] = [
        Triple(SCHEME, TYPE, CONCEPT_SCHEME),
        Triple(SCHEME, LABEL, text("KBLI 2020: kategori dan golongan pokok", "id")),
        Triple(SCHEME, LABEL, text("KBLI 2020: sections and divisions", "en")),
        Triple(SCHEME, PREF_LABEL, text("KBLI 2020: kategori dan golongan pokok", "id")),
        Triple(SCHEME, PREF_LABEL, text("KBLI 2020: sections and divisions", "en")),
    ]
    for activity in activities:
        node = kg(f"kbli-2020-{activity.code.lower()}")
        level = "Golongan pokok" if activity.section else "Kategori"
        id_label = f"{level} KBLI {activity.code}"
        out += [
            Triple(node, TYPE, CONCEPT),
            Triple(node, TYPE, BUSINESS_FIELD),
            Triple(node, IN_SCHEME, SCHEME),
            Triple(node, NOTATION, text(activity.code)),
            Triple(node, LABEL, text(activity.title, "en")),
            Triple(node, PREF_LABEL, text(activity.title, "en")),
            Triple(node, LABEL, text(id_label, "id")),
            Triple(node, PREF_LABEL, text(id_label, "id")),
        ]
        if activity.section is None:
            out.append(Triple(node, TOP_CONCEPT_OF, SCHEME))
            out.append(Triple(SCHEME, HAS_TOP_CONCEPT, node))
        else:
            out.append(Triple(node, BROADER, kg(f"kbli-2020-{activity.section.lower()}")))
    codes = {a.code for a in activities}
    for category, division in sorted(CATEGORY_FIELDS.items()):
        assert division in codes, division
        node = kg(f"category-{category}")
        out.append(Triple(node, BROADER, kg(f"kbli-2020-{division}")))
    for category in ("handicraft", "souvenir"):
        out += [
            Triple(
                kg(f"category-{category}"),
                INTERPRETATION_NOTE,
                text(
                    "Linked to KBLI division 32 (other manufacturing) as the project's reading: "
                    "the article names no material, and KBLI classes such goods by material.",
                    "en",
                ),
            ),
            Triple(
                kg(f"category-{category}"),
                INTERPRETATION_NOTE,
                text(
                    "Dihubungkan ke golongan pokok KBLI 32 (industri pengolahan lainnya) sebagai "
                    "tafsiran proyek: berita tidak menyebut bahannya, dan KBLI menggolongkan "
                    "barang seperti ini menurut bahannya.",
                    "id",
                ),
            ),
        ]
    return out
