"""The embedded store: union of named graphs without repeated triples, and the row cap.

The timeout is tested in a child process (tests/test_cli_query.py): pyoxigraph cannot cancel
a query, so a timed-out one would keep a core busy for the rest of the session.
"""

from __future__ import annotations

from umkm_kg.kg import KnowledgeGraph


def test_bundled_graphs_share_no_triple(kg: KnowledgeGraph) -> None:
    """Oxigraph's union keeps one copy per graph: the ontology and article must not overlap,
    or answers on the embedded store would repeat rows a remote merge would not."""
    every = kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    distinct = kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert int(every.rows[0]["n"]) == int(distinct.rows[0]["n"]) > 1000  # type: ignore[call-overload]


def test_row_cap_cuts_and_says_so(kg: KnowledgeGraph) -> None:
    result = kg.query("SELECT ?s WHERE { ?s ?p ?o }", max_rows=5)
    assert len(result.rows) == 5
    assert result.truncated and result.note and "5" in result.note


def test_a_result_under_the_cap_is_complete(kg: KnowledgeGraph) -> None:
    result = kg.query("SELECT ?c WHERE { ?c a <https://schema.org/Country> }", max_rows=300)
    assert len(result.rows) == 249 and not result.truncated and result.note is None
