"""The cross-engine comparison helper and the JSON term parsing, without any server."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from remote_compare import BLANK, GENID, canonical, difference, normalise
from umkm_kg.query.results import QueryForm, QueryResult
from umkm_kg.store.remote import term_from_json

EX = "https://w3id.org/umkm-kg/test/"
# An open namespace: pytest probes module globals for mock attributes, which rdflib's closed
# XSD namespace answers with a warning.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def _select(*rows: dict[str, object]) -> QueryResult:
    return QueryResult(QueryForm.SELECT, variables=("x", "y"), rows=list(rows))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("embedded", "virtuoso"),
    [
        (Literal("1.50", datatype=XSD.decimal), Literal("1.5", datatype=XSD.decimal)),
        (Literal("2.5E0", datatype=XSD.double), Literal("2.5", datatype=XSD.double)),
        (Literal("3", datatype=XSD.integer), Literal("3.0", datatype=XSD.decimal)),
        (Literal("true", datatype=XSD.boolean), Literal("1", datatype=XSD.integer)),
        (Literal("false", datatype=XSD.boolean), Literal("0", datatype=XSD.boolean)),
        (Literal("Halo", lang="ID"), Literal("Halo", lang="id")),
        (Literal("s", datatype=XSD.string), Literal("s")),
        (BNode("b0"), BNode("nodeID://b10000")),
        (BNode("b0"), URIRef(GENID + "abc")),
    ],
)
def test_known_quirks_compare_equal(embedded: Literal, virtuoso: Literal) -> None:
    assert canonical(embedded) == canonical(virtuoso)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (Literal("1.5", datatype=XSD.decimal), Literal("1.50")),
        (Literal("2016-01-01", datatype=XSD.date), Literal("2016-01-01")),
        (Literal("Halo", lang="id"), Literal("Halo")),
        (URIRef(EX + "a"), Literal(EX + "a")),
        (Literal("2", datatype=XSD.integer), Literal("3", datatype=XSD.integer)),
    ],
)
def test_real_differences_stay_different(one: Literal, other: Literal) -> None:
    assert canonical(one) != canonical(other)


def test_rows_compare_as_multisets() -> None:
    a = _select(
        {"x": URIRef(EX + "a")}, {"x": URIRef(EX + "b"), "y": Literal("1.0", datatype=XSD.decimal)}
    )
    b = _select(
        {"x": URIRef(EX + "b"), "y": Literal("1", datatype=XSD.integer)}, {"x": URIRef(EX + "a")}
    )
    assert normalise(a) == normalise(b)
    assert difference(a, b) == ""
    c = _select({"x": URIRef(EX + "a")}, {"x": URIRef(EX + "a")})
    assert "missing" in difference(a, c) and "extra" in difference(a, c)
    assert canonical(BNode("z")) == BLANK


def test_graphs_compare_by_isomorphism_with_skolem_iris() -> None:
    ttl = f"""@prefix ex: <{EX}> . ex:a ex:owner [ ex:age 47 ; ex:share 0.25e0 ] ."""
    embedded = Graph().parse(data=ttl, format="turtle")
    remote = Graph()
    skolem = URIRef(GENID + "c682b9")
    remote.add((URIRef(EX + "a"), URIRef(EX + "owner"), skolem))
    remote.add((skolem, URIRef(EX + "age"), Literal("47", datatype=XSD.integer)))
    remote.add((skolem, URIRef(EX + "share"), Literal("0.25", datatype=XSD.double)))
    one = QueryResult(QueryForm.CONSTRUCT, graph=embedded)
    two = QueryResult(QueryForm.CONSTRUCT, graph=remote)
    assert difference(one, two) == ""
    remote.remove((skolem, URIRef(EX + "age"), None))
    assert "graphs differ" in difference(one, two)


def test_ask_compares_the_boolean() -> None:
    yes = QueryResult(QueryForm.ASK, boolean=True)
    no = QueryResult(QueryForm.ASK, boolean=False)
    assert difference(yes, yes) == "" and "expected True" in difference(yes, no)


@pytest.mark.parametrize(
    ("binding", "term"),
    [
        ({"type": "uri", "value": EX + "a"}, URIRef(EX + "a")),
        ({"type": "bnode", "value": "nodeID://b10000"}, BNode("b10000")),
        ({"type": "literal", "value": "x"}, Literal("x")),
        ({"type": "literal", "xml:lang": "ID", "value": "x"}, Literal("x", lang="id")),
        (
            {"type": "typed-literal", "datatype": str(XSD.string), "value": "x"},
            Literal("x"),
        ),
        (
            {"type": "typed-literal", "datatype": str(XSD.boolean), "value": "1"},
            Literal("true", datatype=XSD.boolean),
        ),
        (
            {"type": "typed-literal", "datatype": str(XSD.integer), "value": "1"},
            Literal("1", datatype=XSD.integer),
        ),
    ],
)
def test_json_terms_normalise_virtuoso_quirks(binding: dict[str, str], term: object) -> None:
    parsed = term_from_json(binding)
    assert parsed == term and type(parsed) is type(term)


def test_rdf_star_terms_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported term type"):
        term_from_json({"type": "triple", "value": {}})
