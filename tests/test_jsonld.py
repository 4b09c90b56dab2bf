"""JSON-LD compaction against a context of prefixes and plain terms: the document reads back
to the very triples, through rdflib and through pyld, whatever the IRIs and literals."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from umkm_kg.publish.export import jsonld_context
from umkm_kg.publish.jsonld import Triple, compact_document

S = "https://schema.org/"
KG = "https://w3id.org/umkm-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
VOCAB_CONTEXT = {"@vocab": S, "kg": KG, "xsd": XSD, "name2": S + "alternateName"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=_n(XSD + datatype))


SHOP = _n(KG + "toko")
TRIPLES: list[Triple] = [
    (SHOP, _n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), _n(S + "Organization")),
    (SHOP, _n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), _n("urn:x:Odd")),
    (SHOP, _n(S + "name"), ox.Literal('Toko <b> & "Co"')),
    (SHOP, _n(S + "name"), ox.Literal("Toko", language="id")),
    (SHOP, _n(S + "alternateName"), ox.Literal("the term name2")),
    (SHOP, _n(S + "kg"), ox.Literal("a property named like a prefix")),
    (SHOP, _n(S + "a-b.c"), ox.Literal("a local name with - and .")),
    (SHOP, _n(S + "x:y"), ox.Literal("a colon in the local name")),
    (SHOP, _n(KG + "//odd"), _n(KG + "//not-a-compact-iri")),
    (SHOP, _n("http://example.org/p"), _n(KG + "ibu-contoh")),
    (SHOP, _n(S + "count"), _typed("007", "integer")),
    (SHOP, _n(S + "count"), _typed("-0", "integer")),
    (SHOP, _n(S + "count"), _typed("42", "integer")),
    (SHOP, _n(S + "count"), _typed("12345678901234567890", "integer")),
    (SHOP, _n(S + "flag"), _typed("true", "boolean")),
    (SHOP, _n(S + "flag"), _typed("1", "boolean")),
    (SHOP, _n(S + "ratio"), _typed("0.8", "double")),
    (SHOP, _n(S + "year"), _typed("2015", "gYear")),
    (SHOP, _n(S + "founder"), ox.BlankNode("b0")),
    (ox.BlankNode("b0"), _n(S + "name"), ox.Literal("Ibu Contoh")),
]


def _exact(quads: object) -> set[str]:
    """Triples as N-Triples lines, blank nodes renamed by RDFC-1.0 (lexical forms untouched)."""
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)  # type: ignore[attr-defined]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(str(dataset).splitlines())


EXPECTED = _exact(ox.Quad(s, p, o) for s, p, o in TRIPLES)


@pytest.mark.parametrize(
    "context", [VOCAB_CONTEXT, jsonld_context()["@context"]], ids=["vocab", "project"]
)
def test_the_document_reads_back_to_the_same_triples(context: dict[str, object]) -> None:
    text = json.dumps(compact_document(TRIPLES, context))
    assert _exact(ox.parse(text, format=ox.RdfFormat.JSON_LD)) == EXPECTED
    # rdflib normalises literals ("007" to "7") as it parses: normalise the expected side too
    expected = Graph().parse(data="\n".join(EXPECTED), format="nt")
    assert isomorphic(Graph().parse(data=text, format="json-ld"), expected)
    pyld = pytest.importorskip("pyld.jsonld")
    nquads = pyld.to_rdf(json.loads(text), {"format": "application/n-quads"})
    by_pyld = _exact(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    # pyld rewrites an xsd:double in canonical form ("0.8" as "8.0E-1"); all else is exact
    assert {line for line in by_pyld if "#double" not in line} == {
        line for line in EXPECTED if "#double" not in line
    }
    assert len(by_pyld) == len(EXPECTED)


def test_terms_prefixes_and_vocab_names_are_used_where_they_read_back() -> None:
    document = compact_document(TRIPLES, VOCAB_CONTEXT, graph=True)
    shop = next(n for n in document["@graph"] if n["@id"] == "kg:toko")
    assert shop["name2"] == "the term name2"
    assert "kg" not in shop and S + "kg" in shop  # a bare "kg" would be the prefix
    assert shop["a-b.c"] and shop[S + "x:y"]
    assert shop[KG + "//odd"] == {"@id": KG + "//not-a-compact-iri"}
    assert shop["http://example.org/p"] == {"@id": "kg:ibu-contoh"}
    assert sorted(shop["@type"]) == ["Organization", "urn:x:Odd"]
    counts = shop["count"]
    assert 42 in counts and {"@type": "xsd:integer", "@value": "007"} in counts
    assert {"@type": "xsd:integer", "@value": "-0"} in counts
    assert shop["flag"] == sorted([True, {"@type": "xsd:boolean", "@value": "1"}], key=json.dumps)
    assert shop["founder"] == {"@id": "_:b0"}


def test_the_same_triples_give_the_same_document() -> None:
    one = json.dumps(compact_document(TRIPLES, VOCAB_CONTEXT))
    assert one == json.dumps(compact_document(list(reversed(TRIPLES)), VOCAB_CONTEXT))
