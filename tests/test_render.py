"""Every result format is what its spec says, and parses back with rdflib's own parsers."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from queries_fixtures import test_catalogue, test_kg  # noqa: F401
from umkm_kg.errors import BadInput
from umkm_kg.formats import RdfFormat, ResultFormat
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.catalogue import Catalogue
from umkm_kg.query.render import fetch_labels, render, resolve_format
from umkm_kg.query.results import QueryForm, QueryResult

XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")

#: A result with every kind of term, awkward characters and an unbound value.
AWKWARD = QueryResult(
    form=QueryForm.SELECT,
    variables=("s", "label", "n", "b"),
    rows=[
        {
            "s": URIRef("https://w3id.org/umkm-kg/id/enterprise-a"),
            "label": Literal('tab\there, "quotes", comma\nnewline <&>', lang="id"),
            "n": Literal("7", datatype=XSD_INTEGER),
            "b": BNode("b0"),
        },
        {"s": URIRef("https://example.org/x?a=1&b=2"), "label": Literal("plain")},
    ],
)


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_typed_formats_parse_back_to_the_same_terms(fmt: str) -> None:
    text = render(AWKWARD, ResultFormat.parse_name(fmt))
    parsed = Result.parse(io.StringIO(text), format=fmt)
    assert [str(v) for v in parsed.vars or []] == list(AWKWARD.variables)
    rows = [{str(k): v for k, v in row.asdict().items()} for row in parsed]  # type: ignore[union-attr]
    assert [{k: v for k, v in r.items() if k != "b"} for r in rows] == [
        {k: v for k, v in r.items() if k != "b"} for r in AWKWARD.rows
    ]
    assert isinstance(rows[0]["b"], BNode)
    assert "b" not in rows[1]


def test_csv_parses_back_with_the_text_of_every_value() -> None:
    text = render(AWKWARD, ResultFormat.CSV)
    assert text.startswith("s,label,n,b\r\n")
    parsed = Result.parse(io.StringIO(text), format="csv")
    first = [str(v) for v in next(iter(parsed))]  # type: ignore[arg-type]
    assert first[:3] == [
        "https://w3id.org/umkm-kg/id/enterprise-a",
        'tab\there, "quotes", comma\nnewline <&>',
        "7",
    ]


def test_tsv_escapes_tabs_and_newlines_inside_values() -> None:
    lines = render(AWKWARD, ResultFormat.TSV).splitlines()
    assert lines[0] == "?s\t?label\t?n\t?b"
    assert lines[1].split("\t")[1] == '"tab\\there, \\"quotes\\", comma\\nnewline <&>"@id'
    assert len(lines) == 3


def test_json_follows_the_w3c_shape() -> None:
    document = json.loads(render(AWKWARD, ResultFormat.JSON))
    assert document["head"] == {"vars": ["s", "label", "n", "b"]}
    first = document["results"]["bindings"][0]
    assert first["label"]["xml:lang"] == "id"
    assert first["n"] == {"type": "literal", "value": "7", "datatype": str(XSD_INTEGER)}
    assert first["b"]["type"] == "bnode"


@pytest.mark.parametrize("value", [True, False])
def test_ask_results(value: bool) -> None:
    result = QueryResult(form=QueryForm.ASK, boolean=value)
    assert render(result, ResultFormat.TABLE) == ("true\n" if value else "false\n")
    assert json.loads(render(result, ResultFormat.JSON)) == {"head": {}, "boolean": value}
    for fmt in ("json", "xml"):
        parsed = Result.parse(io.StringIO(render(result, ResultFormat.parse_name(fmt))), format=fmt)
        assert parsed.askAnswer is value
    with pytest.raises(BadInput, match="SELECT results only"):
        render(result, ResultFormat.CSV)


def test_table_shows_labels_in_the_chosen_language(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
) -> None:
    result = test_kg.run(test_catalogue.get("shop-count"))
    english = render(result, ResultFormat.TABLE, labels=fetch_labels(test_kg, result, "en"))
    indonesian = render(result, ResultFormat.TABLE, labels=fetch_labels(test_kg, result, "id"))
    assert "Aland (kg:test-country-aa)" in english
    assert "Alandia (kg:test-country-aa)" in indonesian
    assert english.rstrip().endswith("2 rows")


def test_table_says_when_the_result_was_cut(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
) -> None:
    result = test_kg.run(test_catalogue.get("shops-by-size"), max_rows=1)
    assert result.truncated
    text = render(result, ResultFormat.TABLE)
    assert "1 row (result cut: only the first 1 rows are shown (row cap))" in text


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "xml"])
def test_graph_formats_round_trip(
    test_kg: KnowledgeGraph,  # noqa: F811
    test_catalogue: Catalogue,  # noqa: F811
    fmt: str,
) -> None:
    result = test_kg.run(test_catalogue.get("shop-description"))
    assert result.graph is not None and len(result.graph) == 10
    chosen = resolve_format(fmt, QueryForm.CONSTRUCT)
    assert isinstance(chosen, RdfFormat)
    text = render(result, chosen)
    assert text == render(result, chosen)  # the same graph gives the same text
    parsed = Graph().parse(data=text, format=chosen.rdflib_name)
    assert isomorphic(parsed, result.graph)


def test_formats_are_checked_against_the_query_form() -> None:
    assert resolve_format(None, QueryForm.SELECT) is ResultFormat.TABLE
    assert resolve_format(None, QueryForm.CONSTRUCT) is RdfFormat.TURTLE
    assert resolve_format(None, QueryForm.SELECT, "out.csv") is ResultFormat.CSV
    assert resolve_format(None, QueryForm.DESCRIBE, "out.nt") is RdfFormat.NTRIPLES
    assert resolve_format("xml", QueryForm.SELECT) is ResultFormat.XML
    assert resolve_format("xml", QueryForm.CONSTRUCT) is RdfFormat.RDFXML
    with pytest.raises(BadInput, match="choose one of: ttl, nt, jsonld, xml"):
        resolve_format("csv", QueryForm.CONSTRUCT)
    with pytest.raises(BadInput, match="not a format for SELECT"):
        resolve_format("ttl", QueryForm.SELECT)
    assert resolve_format("json", QueryForm.ASK) is ResultFormat.JSON
    for name, path in (("csv", None), ("tsv", None), (None, "answer.csv")):
        with pytest.raises(BadInput, match="SELECT results only"):  # refused before it runs
            resolve_format(name, QueryForm.ASK, path)


FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"]
FORMULAS += ["\t=1+1", "\r=1+1", "  =1+1"]


@pytest.mark.parametrize("value", FORMULAS, ids=repr)
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_neutralise_spreadsheet_formulas(value: str, fmt: str) -> None:
    # Regression: CSV/TSV results printed such values verbatim (OWASP: prefix a quote).
    result = QueryResult(
        form=QueryForm.SELECT,
        variables=("v", "lang", "n"),
        rows=[
            {
                "v": Literal(value),
                "lang": Literal(value, lang="id"),
                "n": Literal("-5", datatype=XSD_INTEGER),
            }
        ],
    )
    text = render(result, ResultFormat.parse_name(fmt))
    parsed = Result.parse(io.StringIO(text), format=fmt)
    row = [str(v) for v in next(iter(parsed))]  # type: ignore[arg-type]
    assert row == ["'" + value, "'" + value, "-5"]  # a number is not a formula
