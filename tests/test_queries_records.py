"""The saved queries about enterprises, owners, products, exports and places answer for added
records as for the article's enterprises, and a provenance column says which is which.

Regression: ``owners`` and ``exporters-by-country`` required the article's ``umkm:paragraph``,
so an enterprise added with ``umkm-kg add`` was missing from them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.catalogue import compact
from umkm_kg.records.add import add_records

KG = "https://w3id.org/umkm-kg/id/"
ARTICLE = URIRef(KG + "article-antara-banten-2016-umkm-tangerang")
SOURCE = Literal("Pendataan UMKM 2024")
ENTERPRISE = URIRef(KG + "enterprise-keripik-tempe-mbok-sri-9120001000091")
OWNER = URIRef(KG + "person-sri-keripik-tempe-mbok-sri-9120001000091")
PRODUCT = URIRef(KG + "product-keripik-tempe-mbok-sri-9120001000091")

BATCH = (
    "nama,nib,pemilik,produk,produk_en,kategori,tujuan_ekspor,lokasi,sumber,dilaporkan_oleh\n"
    "Keripik Tempe Mbok Sri,9120001000091,ibu Sri,Keripik tempe,Tempeh chips,kerajinan tangan,"
    "Perancis; Dubay,Cipadu,Pendataan UMKM 2024,kg:org-disperindagkop-tangerang\n"
)


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """A data folder holding the bundled graphs and one added batch of one enterprise."""
    folder = tmp_path_factory.mktemp("records-queries")
    path = folder / "batch.csv"
    path.write_text(BATCH, encoding="utf-8")
    data_dir = folder / "data"
    graph = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    added = add_records(graph, [str(path)], Path(data_dir))
    assert added.report.conforms, added.report
    yield graph
    graph.close()


def rows(kg: KnowledgeGraph, name: str, **params: str) -> list[dict[str, Any]]:
    result = kg.run(kg.catalogue.get(name), params)
    assert not result.truncated
    return [dict(row) for row in result.rows]


def test_owners_lists_the_added_owner_with_the_records_source(kg: KnowledgeGraph) -> None:
    found = rows(kg, "owners")
    added = [r for r in found if r["enterprise"] == ENTERPRISE]
    assert added == [
        {"owner": OWNER, "name": Literal("Sri"), "enterprise": ENTERPRISE, "source": SOURCE}
    ]
    # The article's owners keep their paragraph and the article as source.
    article = {
        (compact(r["owner"]), str(r["paragraph"]), r["source"])
        for r in found
        if r["enterprise"] != ENTERPRISE
    }
    assert article == {("kg:person-bunga", "8", ARTICLE), ("kg:person-luki", "8", ARTICLE)}


def test_exporters_by_country_lists_the_added_exporter(kg: KnowledgeGraph) -> None:
    found = rows(kg, "exporters-by-country", country="FR")
    added = [r for r in found if r.get("enterprise") == ENTERPRISE]
    assert added == [
        {
            "product": PRODUCT,
            "enterprise": ENTERPRISE,
            "destinationAsWritten": Literal("Perancis"),
            "source": SOURCE,
        }
    ]
    assert all("paragraph" in r for r in found if r not in added)
    # "Dubay" in a record counts under the United Arab Emirates, as in the article.
    to_uae = {r.get("enterprise") for r in rows(kg, "exporters-by-country", country="AE")}
    assert ENTERPRISE in to_uae


def test_countries_ranked_counts_the_added_exporter(kg: KnowledgeGraph) -> None:
    ranked = {compact(r["country"]): str(r["enterprises"]) for r in rows(kg, "countries-ranked")}
    # The article's counts (tests/expected/countries-ranked.json), plus the added enterprise
    # for France ("Perancis") and the United Arab Emirates ("Dubay").
    assert ranked == {
        "kg:country-my": "4",
        "kg:country-nl": "2",
        "kg:country-sg": "2",
        "kg:country-fr": "2",
        "kg:country-ae": "2",
        "kg:country-au": "1",
        "kg:country-bn": "1",
        "kg:country-sa": "1",
        "kg:country-th": "1",
    }


def test_export_claims_and_destinations_list_the_added_claims(kg: KnowledgeGraph) -> None:
    claims = [r for r in rows(kg, "export-claims") if r.get("enterprise") == ENTERPRISE]
    assert {str(r["destinationAsWritten"]) for r in claims} == {"Perancis", "Dubay"}
    assert all(r["source"] == SOURCE and "paragraph" not in r for r in claims)
    destinations = rows(kg, "enterprise-destinations", enterprise="Keripik Tempe Mbok Sri")
    assert {(compact(r["country"]), r["source"]) for r in destinations} == {
        ("kg:country-fr", SOURCE),
        ("kg:country-ae", SOURCE),
    }


def test_enterprises_by_category_lists_the_added_enterprise(kg: KnowledgeGraph) -> None:
    found = rows(kg, "enterprises-by-category", category="kg:category-handicraft")
    assert {
        "enterprise": ENTERPRISE,
        "product": PRODUCT,
        "productCategory": URIRef(KG + "category-handicraft"),
        "source": SOURCE,
    } in found
    assert {r["source"] for r in found if r["enterprise"] != ENTERPRISE} == {ARTICLE}


def test_fact_provenance_gives_the_records_source(kg: KnowledgeGraph) -> None:
    found = rows(kg, "fact-provenance", subject=str(ENTERPRISE))
    assert [(r["statement"], r["source"], r["interpretation"].toPython()) for r in found] == [
        (ENTERPRISE, SOURCE, False)
    ]
    assert all("paragraph" not in r for r in found)


def test_enterprise_description_and_places_cover_the_added_enterprise(kg: KnowledgeGraph) -> None:
    result = kg.run(kg.catalogue.get("enterprise-description"), {"enterprise": str(ENTERPRISE)})
    assert result.graph is not None
    subjects = {s for s in result.graph.subjects() if isinstance(s, URIRef)}
    assert {ENTERPRISE, PRODUCT} <= subjects
    assert sum(1 for s in subjects if compact(s).startswith("kg:export-keripik-tempe")) == 2
    written = {
        (str(r["destinationAsWritten"]), compact(r["place"])) for r in rows(kg, "places-as-written")
    }
    assert ("Perancis", "kg:country-fr") in written
