"""What an add writes: blank nodes skolemised by the sorted order of all the triples, whether
or not the triples without blank nodes are sorted with them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from umkm_kg.errors import BadInput
from umkm_kg.namespaces import GENID
from umkm_kg.records import RecordsStore
from umkm_kg.records.trig import skolemise, skolemised_quads
from umkm_kg.records.triples import BatchTriples


def _reference(graph: Graph, scope: str) -> set[tuple[str, str, str]]:
    """Labels numbered along every triple sorted (how skolemise numbered them at first)."""
    labels: dict[BNode, str] = {}
    out = set()
    for triple in sorted(graph, key=lambda t: tuple(str(x) for x in t)):
        fixed = []
        for term in triple:
            if isinstance(term, BNode):
                term = labels.setdefault(term, f"{GENID}{scope}/b{len(labels)}")
            fixed.append(str(term))
        out.add((fixed[0], fixed[1], fixed[2]))
    return out


def test_blank_node_labels_follow_the_sorted_triples() -> None:
    graph = Graph()
    p = URIRef("https://example.org/p")
    for i in range(30):
        node, other = BNode(f"n{(i * 7) % 30}"), URIRef(f"https://example.org/r{i % 11}")
        graph.add((other, p, node))
        graph.add((node, p, Literal(f"v{i}")))
        graph.add((other, p, Literal(f"plain {i}")))
    expected = _reference(graph, "batch")
    written = {
        (q.subject.value, q.predicate.value, q.object.value)  # type: ignore[union-attr]
        for q in skolemised_quads(graph, "batch", "https://example.org/g")
    }
    assert written == expected
    assert {tuple(str(x) for x in t) for t in skolemise(graph, "batch")} == expected


def test_triples_given_twice_are_the_quads_of_the_triples_given_once() -> None:
    p = URIRef("https://example.org/p")
    triples = [
        (URIRef("https://example.org/a"), p, Literal("x", lang="EN")),
        (URIRef("https://example.org/a"), p, BNode("n1")),
        (BNode("n1"), p, Literal("1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#int"))),
        (BNode("n2"), p, URIRef("https://example.org/b")),
    ]
    once = skolemised_quads(triples, "batch", "https://example.org/g")
    twice = skolemised_quads([*triples, *reversed(triples)], "batch", "https://example.org/g")
    assert set(twice) == set(once) and len(set(once)) == 4
    assert ox.Literal("x", language="en") in {q.object for q in once}


def test_the_store_refuses_the_first_bad_iri_of_a_batch_and_writes_nothing(
    tmp_path: Path,
) -> None:
    ex = "https://example.org/"
    good = (URIRef(ex + "a"), URIRef(ex + "p"), Literal("x"))
    typed = (URIRef(ex + "b"), URIRef(ex + "p"), Literal("1", datatype=URIRef("file:///etc/t")))
    later = (URIRef(ex + "c"), URIRef("javascript:alert(1)"), Literal("y"))
    graph = Graph()
    for triple in (good, typed, later):
        graph.add(triple)
    records = RecordsStore(tmp_path / "data")
    for batch in (BatchTriples([good, typed, later]), graph):
        with pytest.raises(BadInput, match=r"refusing to store <(file:///etc/t|javascript:)"):
            records.add(batch, "bad.ttl", None)
    with pytest.raises(BadInput, match="file:///etc/t"):
        records.add(BatchTriples([good, typed, later]), "bad.ttl", None)
    assert records.batches() == []
