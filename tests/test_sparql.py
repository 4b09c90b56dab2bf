"""Read-only checking of queries and safe VALUES binding (umkm_kg.query.sparql)."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef

from queries_fixtures import open_test_graph, store_digest
from umkm_kg.errors import BadInput, BadParameter, ForbiddenQuery
from umkm_kg.query.results import QueryForm
from umkm_kg.query.sparql import bind_values, check_read_only, inspect_query, n3, safe_term, tokens

XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")

ALLOWED = [
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", QueryForm.SELECT),
    ("ask { ?s ?p ?o }", QueryForm.ASK),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
    ("DESCRIBE <https://w3id.org/umkm-kg/id/country-my>", QueryForm.DESCRIBE),
    (
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
        "SELECT (xsd:integer(?o) AS ?n) WHERE { ?s ?p ?o }",
        QueryForm.SELECT,
    ),
    (
        "SELECT * FROM <https://w3id.org/umkm-kg/graph/article> "
        "FROM NAMED <https://w3id.org/umkm-kg/graph/ontology> WHERE { ?s ?p ?o }",
        QueryForm.SELECT,
    ),
    ('SELECT ?s WHERE { ?s ?p "SERVICE <http://x> { }" } # SERVICE LOAD', QueryForm.SELECT),
    ("SELECT ?service WHERE { ?service ?load ?o }", QueryForm.SELECT),
]


@pytest.mark.parametrize(("text", "form"), ALLOWED)
def test_read_only_queries_are_allowed(text: str, form: QueryForm) -> None:
    assert check_read_only(text) is form


REFUSED = {
    "insert data": "INSERT DATA { <http://a.example/s> <http://a.example/p> 1 }",
    "delete where": "DELETE WHERE { ?s ?p ?o }",
    "delete insert": "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "drop all": "DROP ALL",
    "clear": "CLEAR DEFAULT",
    "load file": "LOAD <file:///etc/passwd>",
    "load into graph": "LOAD <http://evil.example/x.ttl> INTO GRAPH <http://evil.example/g>",
    "service": "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
    "service silent": "select * where { service silent <http://evil.example/> { ?s ?p ?o } }",
    "service in optional": "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <http://e.example/> "
    "{ ?a ?p ?o } } }",
    "service in subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://e.example/> "
    "{ ?s ?p ?o } } } }",
    "service in exists": "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://e.example/> "
    "{ ?s ?p ?o } } }",
    "service via variable": "SELECT * WHERE { BIND(<http://e.example/> AS ?e) SERVICE ?e "
    "{ ?s ?p ?o } }",
    "from file": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "from named http": "SELECT * FROM NAMED <http://evil> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "from via base": "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
    "from via prefix": "PREFIX e: <http://evil.example/> SELECT * FROM e:g WHERE { ?s ?p ?o }",
    "construct from": "CONSTRUCT { ?s ?p ?o } FROM <http://evil.example/> WHERE { ?s ?p ?o }",
    "extension function": "PREFIX e: <http://evil.example/> SELECT * WHERE { ?s ?p ?o "
    "FILTER(e:f(?o)) }",
    "virtuoso bif": "PREFIX bif: <bif:> SELECT (bif:file_to_string('/etc/passwd') AS ?x) {}",
    "rdflib distinct path": "SELECT * WHERE { ?s DISTINCT(<http://a.example/p>) ?o }",
    "query then update": "SELECT * WHERE { ?s ?p ?o } ; DROP ALL ;",
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_anything_but_a_plain_query_is_refused(text: str) -> None:
    with pytest.raises((ForbiddenQuery, BadInput)):
        check_read_only(text)


@pytest.mark.parametrize(
    "text",
    [REFUSED["insert data"], REFUSED["delete where"], REFUSED["drop all"], REFUSED["load file"]],
)
def test_updates_are_refused_as_updates(text: str) -> None:
    with pytest.raises(ForbiddenQuery, match="not allowed"):
        check_read_only(text)


def test_syntax_error_names_line_and_column() -> None:
    with pytest.raises(BadInput, match=r"line 3, column \d+"):
        check_read_only("SELECT ?s\nWHERE {\n  ?s ?p\n}")


def test_file_errors_start_with_file_and_line() -> None:
    with pytest.raises(ForbiddenQuery, match=r"^q\.rq:2:\d+: SERVICE"):
        inspect_query(
            "SELECT * WHERE {\n SERVICE <http://e.example/> { ?s ?p ?o } }", source="q.rq"
        )


def test_codepoint_escapes_are_refused() -> None:
    # rdflib expands \u0022 before parsing, Oxigraph only inside strings: the two engines
    # would read a different query.
    hidden = (
        r'SELECT * WHERE { BIND("a\u005C" AS ?x) SERVICE <http://e.example/> {} BIND(" AS ?y) }'
    )
    with pytest.raises(BadInput, match=r"\\u escapes"):
        check_read_only(hidden)


def test_inspect_reports_projection_and_mentioned_variables() -> None:
    checked = inspect_query(
        "SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b FILTER(?b != ?c) } GROUP BY ?a"
    )
    assert checked.variables == ("a", "n")
    assert {"a", "b", "c", "p", "n"} <= checked.mentioned


def test_tokens_skip_comments_strings_and_iris() -> None:
    text = '# { comment\nSELECT ?x WHERE { ?x <http://a.example/#x> "}" , \'{\' , """}\n""" . }'
    braces = [t.text for t in tokens(text) if t.text in "{}"]
    assert braces == ["{", "}"]


# --- binding ---------------------------------------------------------------------------------

QUERY = """PREFIX ex: <http://a.example/>
# a comment with { a brace
SELECT ?s (COUNT(?o) AS ?n)
WHERE { ?s ex:p "}{" ; ex:q ?o FILTER(?o = ?x) }
GROUP BY ?s ORDER BY ?s
"""


def test_values_go_at_the_start_of_the_outer_where_group() -> None:
    bound = bind_values(QUERY, {"x": URIRef("http://a.example/b")})
    assert 'WHERE { VALUES (?x) { (<http://a.example/b>) }\n ?s ex:p "}{"' in bound
    assert bound.endswith("GROUP BY ?s ORDER BY ?s\n")


def test_binding_nothing_leaves_the_text_alone() -> None:
    assert bind_values(QUERY, {}) == QUERY


@pytest.mark.parametrize(
    "text",
    [
        "ASK { ?s ?p ?x }",
        "SELECT ?s { ?s ?p ?x }",
        "SELECT (EXISTS { ?a ?b ?c } AS ?e) ?s WHERE { ?s ?p ?x }",
        "CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }",
        "DESCRIBE ?s WHERE { ?s ?p ?x }",
        "SELECT ?s WHERE { { SELECT ?s ?x WHERE { ?s ?p ?x } } }",
    ],
)
def test_every_form_can_be_bound(text: str) -> None:
    bound = bind_values(text, {"x": Literal("3", datatype=XSD_INTEGER)})
    assert 'VALUES (?x) { ("3"^^<http://www.w3.org/2001/XMLSchema#integer>) }' in bound
    assert inspect_query(bound).form is inspect_query(text).form


def test_short_construct_cannot_be_bound() -> None:
    with pytest.raises(ForbiddenQuery):
        bind_values("CONSTRUCT WHERE { ?s ?p ?x }", {"x": Literal("a")})


def test_binding_that_would_change_the_projection_is_refused() -> None:
    # SELECT * would grow a column if ?y were bound from outside.
    with pytest.raises(ForbiddenQuery):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"y": Literal("a")})


@pytest.mark.parametrize(
    "term",
    [
        Literal('"} ; DROP ALL ; #'),
        Literal("a\nb\r\tc \\ d"),
        Literal('x" . } SERVICE <http://e.example/> { ?s ?p ?o } #', lang="en"),
        Literal("DELETE WHERE { ?s ?p ?o }"),
    ],
)
def test_strings_stay_strings(term: Literal) -> None:
    bound = bind_values("SELECT ?s WHERE { ?s ?p ?x }", {"x": term})
    assert inspect_query(bound).variables == ("s",)


@pytest.mark.parametrize(
    "term",
    [
        Literal("\\u0022"),
        Literal("nul\x00"),
        URIRef("http://a.example/>"),
        URIRef("http://a.example/ x"),
        Literal("x", datatype=URIRef("http://a.example/>")),
        BNode(),
    ],
)
def test_unsafe_terms_are_refused(term: URIRef | Literal | BNode) -> None:
    with pytest.raises(BadParameter):
        safe_term(term)


def test_n3_writes_ntriples_style_terms() -> None:
    assert n3(URIRef("http://a.example/")) == "<http://a.example/>"
    assert n3(Literal('a"b\n', lang="id")) == '"a\\"b\\n"@id'
    assert (
        n3(Literal("1", datatype=XSD_INTEGER)) == '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )
    assert n3(Literal("x", datatype=XSD_STRING)) == '"x"'


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_refused_queries_never_reach_the_store(text: str) -> None:
    kg = open_test_graph()
    before = store_digest(kg)
    with pytest.raises((ForbiddenQuery, BadInput)):
        kg.query(text)
    assert store_digest(kg) == before
