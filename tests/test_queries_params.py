"""Typed parameters: conversion, validation, and the injection corpus against every type."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from queries_fixtures import EVERY_TYPE, store_digest, test_catalogue, test_kg  # noqa: F401
from umkm_kg.errors import BadParameter, UnknownQuery
from umkm_kg.i18n import Text
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.catalogue import Catalogue, Parameter, ParamType
from umkm_kg.query.graphvalues import GraphValues

XSD = "http://www.w3.org/2001/XMLSchema#"


def _param(kind: ParamType, **extra: object) -> Parameter:
    return Parameter("p", kind, Text("p", "p"), **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "raw", "term"),
    [
        (ParamType.IRI, "kg:country-my", URIRef("https://w3id.org/umkm-kg/id/country-my")),
        (ParamType.IRI, "<https://example.org/a>", URIRef("https://example.org/a")),
        (ParamType.IRI, "urn:isbn:0451450523", URIRef("urn:isbn:0451450523")),
        (ParamType.IRI, "schema:Country", URIRef("https://schema.org/Country")),
        (ParamType.STRING, " batik ", Literal("batik")),
        (ParamType.LANGSTRING, "batik@ID", Literal("batik", lang="id")),
        (ParamType.INTEGER, "+0042", Literal("42", datatype=URIRef(XSD + "integer"))),
        (ParamType.DECIMAL, "2.50", Literal("2.5", datatype=URIRef(XSD + "decimal"))),
        (ParamType.DECIMAL, "3", Literal("3.0", datatype=URIRef(XSD + "decimal"))),
        (ParamType.DATE, "2015-12-31", Literal("2015-12-31", datatype=URIRef(XSD + "date"))),
        (ParamType.BOOLEAN, "TRUE", Literal("true", datatype=URIRef(XSD + "boolean"))),
        (ParamType.BOOLEAN, "0", Literal("false", datatype=URIRef(XSD + "boolean"))),
    ],
)
def test_values_are_converted_to_canonical_terms(kind: ParamType, raw: str, term: object) -> None:
    assert _param(kind).convert(raw) == term


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (ParamType.IRI, "file:///etc/passwd"),
        (ParamType.IRI, "javascript:alert(1)"),
        (ParamType.IRI, "http://a.example/x> } ; DROP ALL ; <http://b"),
        (ParamType.IRI, "http://a.example/ x"),
        (ParamType.IRI, "http://a.example/\\u003E"),
        (ParamType.IRI, "http:///no-host"),
        (ParamType.IRI, "relative/path"),
        (ParamType.IRI, "nope:thing"),
        (ParamType.IRI, "http://a.example/%zz"),
        (ParamType.LANGSTRING, "no tag"),
        (ParamType.LANGSTRING, "bad tag@toolongtag1"),
        (ParamType.INTEGER, "1.5"),
        (ParamType.INTEGER, "12 } ; DROP ALL"),
        (ParamType.DECIMAL, "1e5"),
        (ParamType.DECIMAL, "NaN"),
        (ParamType.DATE, "2015-02-30"),
        (ParamType.DATE, "31/12/2015"),
        (ParamType.BOOLEAN, "yes"),
        (ParamType.STRING, "x" * 501),
    ],
)
def test_invalid_values_name_parameter_type_and_example(kind: ParamType, raw: str) -> None:
    with pytest.raises(BadParameter) as caught:
        _param(kind).convert(raw)
    assert caught.value.message.startswith("parameter p: ")
    assert "is not " + kind.expected in caught.value.message
    assert caught.value.hint is not None and caught.value.hint.startswith("example: p=")


def test_enum_accepts_only_its_values() -> None:
    kind = _param(ParamType.ENUM, allowed=("batik", "mebel"))
    assert kind.convert("mebel") == Literal("mebel")
    with pytest.raises(BadParameter, match="not one of: batik, mebel"):
        kind.convert("Batik")


def test_graph_values_accept_labels_and_local_names(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
) -> None:
    parameter = test_catalogue.get("shops-by-country").parameter("country")
    choices = test_kg.choices(parameter)
    aa = URIRef("https://w3id.org/umkm-kg/id/test-country-aa")
    assert {c.value for c in choices} == {aa, URIRef(str(aa)[:-2] + "bb")}
    assert parameter.convert("aland", choices) == aa
    assert parameter.convert("Alandia", choices) == aa
    assert parameter.convert("test-country-aa", choices) == aa
    assert parameter.convert("kg:test-country-aa", choices) == aa
    with pytest.raises(
        BadParameter,
        match=r"not among the values found in the graph "
        r"\(known values: Aland \(kg:test-country-aa\), Borduria",
    ):
        parameter.convert("Atlantis", choices)


def test_missing_and_unknown_parameters(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
) -> None:
    with pytest.raises(BadParameter, match="needs parameter before: a date") as caught:
        test_kg.run(test_catalogue.get("shops-founded-before"))
    assert caught.value.hint == "example: before=2012-01-01"
    with pytest.raises(BadParameter, match="no parameter 'befor'") as caught:
        test_kg.run(test_catalogue.get("shops-founded-before"), {"befor": "2015-01-01"})
    assert caught.value.hint == "did you mean 'before'?"


def test_optional_parameter_left_out_leaves_its_variable_free(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
) -> None:
    query = test_catalogue.get("shops-by-kind")
    assert len(test_kg.run(query)) == 2
    assert len(test_kg.run(query, {"kind": "batik"})) == 1


def test_values_bind_before_aggregation(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
) -> None:
    result = test_kg.run(test_catalogue.get("shop-count"), {"country": "kg:test-country-aa"})
    assert [(str(r["country"]).rsplit("-", 1)[-1], int(r["n"])) for r in result.rows] == [("aa", 2)]


def test_unknown_query_suggests_a_close_name(test_catalogue: Catalogue) -> None:  # noqa: F811
    with pytest.raises(UnknownQuery) as caught:
        test_catalogue.get("shops-by-contry")
    assert caught.value.hint == "did you mean 'shops-by-country'?"


# --- the injection corpus ----------------------------------------------------------------------

PAYLOADS = [
    '"',
    "'",
    '" } ; DROP ALL ; #',
    "' } ; DROP ALL ; #",
    '""" } DELETE WHERE { ?s ?p ?o } #',
    "} } DELETE WHERE { ?s ?p ?o } { {",
    "; DROP ALL ;",
    "DELETE WHERE { ?s ?p ?o }",
    "INSERT DATA { <http://evil.example/s> <http://evil.example/p> 1 }",
    "\\u0022 } ; DROP ALL ; #",
    "\\U00000022) } SERVICE <http://evil.example/> { ?s ?p ?o } #",
    '\\" } #',
    "http://a.example/> } ; DROP ALL ; <http://b.example/",
    "http://a.example/x>} SERVICE <http://evil.example/> {?s ?p ?o",
    "https://w3id.org/umkm-kg/id/x>",
    "kg:x> . ?s ?p ?o",
    "<https://w3id.org/umkm-kg/id/a> <https://w3id.org/umkm-kg/id/b>",
    'urn:x:"{}|^`',
    "1 } UNION { ?shop ?p ?o",
    "1) || true || (1",
    "true } ; CLEAR ALL ; #",
    '2015-01-01"^^<http://www.w3.org/2001/XMLSchema#date> } #',
    "x@en } ; DROP ALL ; #",
    "batik\n} ; DROP ALL ; #",
    "# } LOAD <file:///etc/passwd>",
    "mebel\x00",
]


@pytest.mark.parametrize(
    ("name", "parameter", "benign"), EVERY_TYPE, ids=[e[0] for e in EVERY_TYPE]
)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_neither_leaks_nor_changes_anything(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
    name: str,
    parameter: str,
    benign: str,
    payload: str,
) -> None:
    query = test_catalogue.get(name)
    before = store_digest(test_kg)

    def outcome(value: str) -> object:
        try:
            result = test_kg.run(query, {parameter: value})
        except BadParameter as exc:
            assert exc.message.startswith(f"parameter {parameter}"), exc.message
            return "refused"
        return (result.variables, result.rows, result.boolean)

    # Either refused, or accepted as one inert value that matches nothing, like a benign value
    # that matches nothing.
    assert outcome(payload) in ("refused", outcome(benign))
    assert store_digest(test_kg) == before


@pytest.mark.parametrize(
    "payload", [p for p in PAYLOADS if "\\u" not in p.lower() and "\x00" not in p]
)
def test_text_payloads_are_accepted_as_inert_values(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
    payload: str,
) -> None:
    # Not refused: bound as one string through VALUES, so it simply matches no shop's name.
    result = test_kg.run(test_catalogue.get("shops-by-name"), {"name": payload})
    assert result.rows == []


def test_a_payload_in_a_string_is_a_value_not_code(
    test_kg: KnowledgeGraph,  # noqa: F811
    tmp_path: Path,
) -> None:
    text = (Path(__file__).parent / "data" / "queries-test-graph.ttl").read_text(encoding="utf-8")
    assert 'buat \\"baik\\" {selalu}' in text  # a stored value with quotes and braces
    from queries_fixtures import write_catalogue
    from umkm_kg.query.catalogue import load_catalogue

    catalogue = load_catalogue(write_catalogue(tmp_path))
    result = test_kg.run(catalogue.get("shops-by-motto"), {"motto": 'buat "baik" {selalu}'})
    assert [str(r["shop"]).rsplit("/", 1)[-1] for r in result.rows] == ["test-shop-one"]


@pytest.mark.parametrize("spelling", ["France", "Prancis", "Perancis", "FR", "fr", "kg:country-fr"])
def test_country_parameter_takes_names_iso_codes_and_the_articles_spelling(
    kg: KnowledgeGraph, spelling: str
) -> None:
    """Staff type "MY" or the article's "Perancis" as readily as an IRI."""
    parameter = kg.catalogue.get("exporters-by-country").parameter("country")
    france = URIRef("https://w3id.org/umkm-kg/id/country-fr")
    # every ISO country is a choice now: all of them, not the first page
    assert parameter.convert(spelling, kg.choices(parameter, limit=1000)) == france


def test_a_country_is_offered_for_exports_only_when_something_is_exported_there() -> None:
    """exporters-by-country lists destinations, not the reference data's 249 countries."""
    kg = KnowledgeGraph.embedded()
    saved = kg.catalogue.get("exporters-by-country")
    choices = kg.choices(saved.parameter("country"), limit=1000)
    assert URIRef("https://w3id.org/umkm-kg/id/country-fr") in {c.value for c in choices}
    assert URIRef("https://w3id.org/umkm-kg/id/country-jp") not in {c.value for c in choices}
    with pytest.raises(BadParameter, match="France"):  # the known values are the destinations
        saved.bind({"country": "Japan"}, GraphValues(kg.store))
    assert saved.bind({"country": "Perancis"}, GraphValues(kg.store))  # as the article spells it
