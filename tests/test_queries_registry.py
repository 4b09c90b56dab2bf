"""Parameters at registry scale: a value is checked by asking the store, not by listing them all.

With more enterprises than the row cap (10,000), the listing of allowed values was cut, and
``enterprise-description`` refused enterprises past the cut, its own default among them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from queries_fixtures import test_catalogue, test_kg  # noqa: F401
from umkm_kg import resources
from umkm_kg.errors import BadParameter
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import ARTICLE_GRAPH, GRAPH, ONTOLOGY_GRAPH
from umkm_kg.query.catalogue import Catalogue, ListedValues
from umkm_kg.query.graphvalues import GraphValues
from umkm_kg.store import DEFAULT_MAX_ROWS, EmbeddedStore

KG = "https://w3id.org/umkm-kg/id/"
UMKM = "https://w3id.org/umkm-kg/ontology#"
COUNT = DEFAULT_MAX_ROWS + 500


def generated(number: int) -> URIRef:
    return URIRef(f"{KG}enterprise-registry-{number:05d}")


@pytest.fixture(scope="module")
def registry() -> Iterator[KnowledgeGraph]:
    """The bundled graph plus more generated enterprises than the row cap, in memory."""
    store = EmbeddedStore()
    store.load_file(resources.ONTOLOGY, str(ONTOLOGY_GRAPH))
    store.load_file(resources.DATA, str(ARTICLE_GRAPH))
    triples = []
    for number in range(1, COUNT + 1):
        enterprise = generated(number)
        triples.append((enterprise, RDF.type, URIRef(UMKM + "Enterprise")))
        triples.append((enterprise, RDFS.label, Literal(f"Usaha Registri {number:05d}", lang="id")))
    store.load_triples(triples, str(GRAPH["records/registry"]))
    kg = KnowledgeGraph(store)
    yield kg
    kg.close()


@pytest.mark.parametrize("query", ["enterprise-description", "enterprise-destinations"])
def test_the_default_enterprise_is_accepted_past_the_row_cap(
    registry: KnowledgeGraph, query: str
) -> None:
    saved = registry.catalogue.get(query)
    bound = saved.bind({}, GraphValues(registry.store))
    assert bound["enterprise"] == URIRef(KG + "enterprise-haura-hijab")
    assert len(registry.run(saved)) > 0


@pytest.mark.parametrize(
    "spelling",
    [
        "kg:enterprise-registry-10001",
        f"<{KG}enterprise-registry-10001>",
        "enterprise-registry-10001",
        "USAHA registri 10001",
    ],
)
def test_the_10001st_enterprise_is_accepted_by_iri_segment_or_label(
    registry: KnowledgeGraph, spelling: str
) -> None:
    saved = registry.catalogue.get("enterprise-description")
    bound = saved.bind({"enterprise": spelling}, GraphValues(registry.store))
    assert bound["enterprise"] == generated(10001)
    subjects = {t[0] for t in registry.run(saved, {"enterprise": spelling}).graph or ()}
    assert subjects == {generated(10001)}


def test_a_name_in_no_label_is_refused_with_some_known_values(registry: KnowledgeGraph) -> None:
    saved = registry.catalogue.get("enterprise-destinations")
    with pytest.raises(BadParameter, match="not among the values found in the graph") as caught:
        saved.bind({"enterprise": "Usaha Registri 99999"}, GraphValues(registry.store))
    assert caught.value.message.count("(kg:enterprise-") == 10


def test_choices_are_listed_a_page_at_a_time_and_searched(registry: KnowledgeGraph) -> None:
    parameter = registry.catalogue.get("enterprise-description").parameter("enterprise")
    first = registry.choices(parameter, limit=100)
    second = registry.choices(parameter, limit=100, offset=100)
    assert len(first) == len(second) == 100
    values = [c.value for c in first + second]
    assert values == sorted(values) and len(set(values)) == 200
    last = registry.choices(parameter, limit=1000, offset=COUNT)
    assert len(last) == 7  # COUNT generated and the article's seven (two unnamed makers)
    found = registry.choices(parameter, search="registri 1000")
    assert [c.value for c in found] == [generated(n) for n in range(10000, 10010)]
    assert found[0].label("id") == "Usaha Registri 10000"
    assert registry.choices(parameter, search="haura")[0].value == URIRef(
        KG + "enterprise-haura-hijab"
    )
    with pytest.raises(BadParameter):
        registry.choices(parameter, limit=0)


def test_the_store_and_a_listing_answer_alike(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
) -> None:
    """The lookup asking the store and the one over a listed menu take the same spellings."""
    parameter = test_catalogue.get("shops-by-country").parameter("country")
    asked = GraphValues(test_kg.store)
    listed = ListedValues(test_kg.choices(parameter, limit=1000))
    for text in ["aland", "Alandia", "test-country-aa", "kg:test-country-aa", "BORDURIA", "x"]:
        answers = []
        for lookup in (asked, listed):
            try:
                answers.append(parameter.convert(text, lookup))
            except BadParameter as exc:
                answers.append(exc.message)
        assert answers[0] == answers[1], text
    for search in [None, "a", "land", "bb", "nothing"]:
        assert asked.choices(parameter, search=search) == listed.choices(parameter, search=search)
