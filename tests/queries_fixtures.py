"""Fixtures for the saved-query tests: a tiny test graph and a catalogue using every parameter type.

Imported by the ``test_queries*``, ``test_sparql*``, ``test_render*`` and ``test_cli_query*``
modules (``from queries_fixtures import *``), so that they do not depend on the bundled data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import GRAPH
from umkm_kg.query.catalogue import Catalogue, load_catalogue
from umkm_kg.store import EmbeddedStore

DATA = Path(__file__).parent / "data"
TEST_GRAPH = DATA / "queries-test-graph.ttl"
BAD_QUERIES = DATA / "bad-queries"

_PROLOGUE = """PREFIX kg: <https://w3id.org/umkm-kg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX t: <https://w3id.org/umkm-kg/ontology#test->
"""


def _query(title: str, parameter: str, body: str) -> str:
    header = f"""#+ title:
#+   id: {title}
#+   en: {title}
#+ description:
#+   id: Kueri uji.
#+   en: A test query.
#+ tags: [test]
"""
    if parameter:
        header += "#+ parameters:\n" + "".join(
            f"#+ {line}\n" for line in parameter.strip("\n").splitlines()
        )
    return header + _PROLOGUE + body


TEST_QUERIES: dict[str, str] = {
    "shops-by-country": _query(
        "Shops by country",
        """
  country:
    type: iri
    description: {id: Negara, en: Country}
    default: kg:test-country-aa
    values_from_graph: |
      SELECT ?value ?label WHERE { ?value a schema:Country ; rdfs:label ?label }
""",
        "SELECT ?shop ?name WHERE { ?shop t:exportsTo ?country ; t:name ?name } ORDER BY ?name\n",
    ),
    "shops-by-iri": _query(
        "Shop by IRI",
        """
  shop:
    type: iri
    description: {id: Usaha, en: Enterprise}
    example: kg:test-shop-one
""",
        "SELECT ?name WHERE { ?shop t:name ?name } ORDER BY ?name\n",
    ),
    "shops-by-name": _query(
        "Shops by name",
        """
  name:
    type: string
    description: {id: Nama, en: Name}
    example: Shop One
""",
        "SELECT ?shop WHERE { ?shop t:name ?name } ORDER BY ?shop\n",
    ),
    "shops-by-motto": _query(
        "Shops by motto",
        """
  motto:
    type: langstring
    lang: id
    description: {id: Moto, en: Motto}
    example: kecil tapi kuat
""",
        "SELECT ?shop WHERE { ?shop t:motto ?motto } ORDER BY ?shop\n",
    ),
    "shops-by-size": _query(
        "Shops with at least some employees",
        """
  minimum:
    type: integer
    description: {id: Minimum, en: Minimum}
    default: 1
""",
        "SELECT ?shop ?n WHERE { ?shop t:employees ?n FILTER(?n >= ?minimum) } ORDER BY ?shop\n",
    ),
    "shops-by-rating": _query(
        "Shops with a rating",
        """
  rating:
    type: decimal
    description: {id: Nilai, en: Rating}
    default: 0.0
""",
        "SELECT ?shop ?r WHERE { ?shop t:rating ?r FILTER(?r >= ?rating) } ORDER BY ?shop\n",
    ),
    "shops-founded-before": _query(
        "Shops founded before a date",
        """
  before:
    type: date
    description: {id: Tanggal, en: Date}
    required: true
    example: 2012-01-01
""",
        "SELECT ?shop WHERE { ?shop t:founded ?d FILTER(?d < ?before) } ORDER BY ?shop\n",
    ),
    "shops-active": _query(
        "Active shops",
        """
  active:
    type: boolean
    description: {id: Aktif, en: Active}
    default: true
""",
        "SELECT ?shop WHERE { ?shop t:active ?active } ORDER BY ?shop\n",
    ),
    "shops-by-kind": _query(
        "Shops by kind",
        """
  kind:
    type: enum
    description: {id: Jenis, en: Kind}
    values: [batik, mebel]
    required: false
""",
        "SELECT ?shop ?kind WHERE { ?shop t:kind ?kind } ORDER BY ?shop\n",
    ),
    "shop-count": _query(
        "Number of shops per country",
        """
  country:
    type: iri
    description: {id: Negara, en: Country}
    required: false
""",
        "SELECT ?country (COUNT(?shop) AS ?n) WHERE { ?shop t:exportsTo ?country }\n"
        "GROUP BY ?country ORDER BY ?country\n",
    ),
    "shop-description": _query(
        "Everything about a shop",
        """
  shop:
    type: iri
    description: {id: Usaha, en: Enterprise}
    default: kg:test-shop-two
""",
        "CONSTRUCT { ?shop ?p ?o } WHERE { ?shop ?p ?o }\n",
    ),
    "shop-exists": _query(
        "Is there a shop with this name?",
        """
  name:
    type: string
    description: {id: Nama, en: Name}
    default: Shop One
""",
        "ASK { ?shop t:name ?name }\n",
    ),
}

#: One parameter of each type: (query, parameter, a value that matches nothing).
EVERY_TYPE: list[tuple[str, str, str]] = [
    ("shops-by-country", "country", "https://w3id.org/umkm-kg/id/test-nowhere"),
    ("shops-by-iri", "shop", "https://example.org/nobody"),
    ("shops-by-name", "name", "nobody"),
    ("shops-by-motto", "motto", "nothing"),
    ("shops-by-size", "minimum", "1000"),
    ("shops-by-rating", "rating", "9.5"),
    ("shops-founded-before", "before", "1900-01-01"),
    ("shops-active", "active", "false"),
    ("shops-by-kind", "kind", "mebel"),
]


def write_catalogue(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TEST_QUERIES.items():
        (folder / f"{name}.rq").write_text(text, encoding="utf-8")
    return folder


def open_test_graph() -> KnowledgeGraph:
    store = EmbeddedStore()
    store.load_file(TEST_GRAPH, str(GRAPH["test"]))
    return KnowledgeGraph(store)


def store_digest(kg: KnowledgeGraph) -> tuple[int, str]:
    """The number of quads and a hash of all of them: to prove that nothing changed."""
    store = kg.store
    assert isinstance(store, EmbeddedStore)
    lines = sorted(str(q) for q in store.oxigraph)
    return len(lines), hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@pytest.fixture(scope="session")
def test_kg() -> Iterator[KnowledgeGraph]:
    """The tiny test graph in a fresh embedded store."""
    kg = open_test_graph()
    yield kg
    kg.close()


@pytest.fixture(scope="session")
def test_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """The test queries, read by the real catalogue loader."""
    return load_catalogue(write_catalogue(tmp_path_factory.mktemp("queries")))
