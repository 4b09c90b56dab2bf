"""The protocol's dataset (``default-graph-uri`` / ``named-graph-uri``) written into a query in
place of its own FROM clauses, for every query form, and honoured by the embedded store."""

from __future__ import annotations

import pytest

from umkm_kg.errors import BadParameter
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import ARTICLE_GRAPH, ONTOLOGY_GRAPH, REFERENCE_GRAPH
from umkm_kg.query.dataset import has_dataset, with_dataset
from umkm_kg.query.sparql import inspect_query

ARTICLE = str(ARTICLE_GRAPH)
ONTOLOGY = str(ONTOLOGY_GRAPH)
REFERENCE = str(REFERENCE_GRAPH)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o }",
        "SELECT (COUNT(*) AS ?n) WHERE { { SELECT * { ?s ?p ?o } } }",
        f"SELECT * FROM <{ONTOLOGY}> FROM NAMED <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "ASK { ?s ?p ?o }",
        "DESCRIBE <https://w3id.org/umkm-kg/id/enterprise-haura-hijab>",
        "DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 1",
        "PREFIX s: <https://schema.org/> # a comment with FROM { in it\nSELECT ?s { ?s a s:Thing }",
    ],
)
def test_every_form_gets_exactly_the_protocols_dataset(query: str) -> None:
    rewritten = with_dataset(query, [ARTICLE], [ARTICLE])
    inspect_query(rewritten)  # still one valid, read-only query
    assert rewritten.count(f"FROM <{ARTICLE}>") == 1
    assert rewritten.count(f"FROM NAMED <{ARTICLE}>") == 1
    assert ONTOLOGY not in rewritten  # the query's own dataset was replaced
    assert has_dataset(rewritten)


def test_without_graphs_the_query_is_unchanged() -> None:
    query = f"SELECT * FROM <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}"
    assert with_dataset(query) == query


def test_a_graph_name_that_is_not_an_iri_is_refused() -> None:
    with pytest.raises(BadParameter, match="default-graph-uri"):
        with_dataset("ASK {}", ["<bad> iri"])


def test_the_store_answers_from_the_given_graphs(kg: KnowledgeGraph) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(query: str) -> int:
        return int(kg.query(query).rows[0]["n"])  # type: ignore[call-overload]

    article, ontology = n(with_dataset(count, [ARTICLE])), n(with_dataset(count, [ONTOLOGY]))
    reference = n(with_dataset(count, [REFERENCE]))
    assert n(with_dataset(count, [ARTICLE, ONTOLOGY])) == article + ontology
    assert article + ontology + reference == n(count)  # the three bundled graphs share no triple
    assert n(with_dataset(count, named=[ARTICLE])) == 0  # FROM NAMED only: empty default graph
