"""The remote backend against real servers: push the bundled data, then every query agrees.

Oxigraph server gets the data by Graph Store Protocol, Virtuoso by SPARQL Update (Digest), and
the other way round for the quirk sample, so both protocols are exercised on both engines.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from remote_compare import difference
from servers import SparqlServer
from umkm_kg.errors import UmkmError
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import GENID
from umkm_kg.publish.push import DEFAULT_CHUNK_TRIPLES, UPDATE_CHUNK_MAX, PushReport, push
from umkm_kg.query.catalogue import SavedQuery, load_catalogue
from umkm_kg.query.results import QueryForm
from umkm_kg.store import EmbeddedStore
from umkm_kg.store.remote import MARGIN, RemoteStore, _in_order, _limited

pytestmark = pytest.mark.remote

UNION_GRAPH = "https://w3id.org/umkm-kg/graph/test-union"
SAMPLE_GRAPH = "https://w3id.org/umkm-kg/graph/test-sample"
SAMPLE = Path(__file__).parent / "data" / "remote-sample.ttl"
SAMPLE_PREFIXES = """PREFIX ex: <https://w3id.org/umkm-kg/test/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

#: Queries over the quirk sample: each must give the same answer on every engine.
SAMPLE_QUERIES: dict[str, tuple[QueryForm, str]] = {
    "all-triples": (QueryForm.SELECT, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"),
    "ask-true": (QueryForm.ASK, "ASK { ?e ex:exporter true }"),
    "ask-false": (QueryForm.ASK, "ASK { ?e ex:workers 1000 }"),
    "construct-all": (QueryForm.CONSTRUCT, "CONSTRUCT WHERE { ?s ?p ?o }"),
    "computed-boolean": (
        QueryForm.SELECT,
        "SELECT ?e (?n > 5 AS ?big) WHERE { ?e ex:workers ?n }",
    ),
    "decimal-aggregates": (
        QueryForm.SELECT,
        "SELECT (SUM(?t) AS ?sum) (MAX(?t) AS ?max) (COUNT(?t) AS ?n) WHERE { ?e ex:turnover ?t }",
    ),
    "optional-unbound": (
        QueryForm.SELECT,
        "SELECT ?e ?code WHERE { ?e a ex:Enterprise OPTIONAL { ?e ex:code ?code } }",
    ),
    "lang-filter": (
        QueryForm.SELECT,
        'SELECT ?e ?l WHERE { ?e rdfs:label ?l FILTER(langMatches(lang(?l), "id")) }',
    ),
    "blank-owner": (
        QueryForm.SELECT,
        "SELECT ?e ?o ?name WHERE { ?e ex:owner ?o . ?o rdfs:label ?name }",
    ),
    "string-equality": (QueryForm.SELECT, 'SELECT ?e WHERE { ?e ex:code "W-001" }'),
    "ordered-limit": (
        QueryForm.SELECT,
        "SELECT ?e ?n WHERE { ?e ex:workers ?n } ORDER BY DESC(?n) LIMIT 2",
    ),
}


@dataclass
class Loaded:
    """A server holding the bundled data (union) and the quirk sample, and what it took."""

    server: SparqlServer
    data: RemoteStore
    sample: RemoteStore
    reports: list[PushReport]
    push_seconds: float


def _sample_kg() -> KnowledgeGraph:
    store = EmbeddedStore()
    store.load_file(SAMPLE, SAMPLE_GRAPH)
    return KnowledgeGraph(store)


@pytest.fixture(scope="module")
def sample_kg() -> Iterator[KnowledgeGraph]:
    graph = _sample_kg()
    yield graph
    graph.close()


def _load(
    server: SparqlServer, kg: KnowledgeGraph, sample: KnowledgeGraph, data_url: str, sample_url: str
) -> Loaded:
    started = time.monotonic()
    reports = [
        push(kg, data_url, UNION_GRAPH, user=server.user, password=server.password),
        push(sample, sample_url, SAMPLE_GRAPH, user=server.user, password=server.password),
    ]
    seconds = time.monotonic() - started
    return Loaded(
        server=server,
        data=RemoteStore(server.query_url, graph=UNION_GRAPH),
        sample=RemoteStore(server.query_url, graph=SAMPLE_GRAPH),
        reports=reports,
        push_seconds=seconds,
    )


@pytest.fixture(scope="module")
def loaded_oxigraph(
    oxigraph_server: SparqlServer, kg: KnowledgeGraph, sample_kg: KnowledgeGraph
) -> Loaded:
    return _load(
        oxigraph_server, kg, sample_kg, oxigraph_server.gsp_url, oxigraph_server.update_url
    )


@pytest.fixture(scope="module")
def loaded_virtuoso(
    virtuoso_server: SparqlServer, kg: KnowledgeGraph, sample_kg: KnowledgeGraph
) -> Loaded:
    return _load(
        virtuoso_server, kg, sample_kg, virtuoso_server.update_url, virtuoso_server.gsp_url
    )


@pytest.fixture(params=["oxigraph", "virtuoso"])
def loaded(request: pytest.FixtureRequest) -> Loaded:
    """Each loaded server in turn."""
    return request.getfixturevalue(f"loaded_{request.param}")  # type: ignore[no-any-return]


def _catalogue() -> list[SavedQuery]:
    try:
        return list(load_catalogue())
    except UmkmError:
        return []


def test_push_loads_every_triple(loaded: Loaded, kg: KnowledgeGraph) -> None:
    data, sample = loaded.reports
    assert data.complete and sample.complete
    assert {data.protocol, sample.protocol} == {"gsp", "update"}
    for report in loaded.reports:
        size = UPDATE_CHUNK_MAX if report.protocol == "update" else DEFAULT_CHUNK_TRIPLES
        assert report.chunks_ok == -(-report.total_triples // size)
    expected = kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert data.triples_sent == int(expected.rows[0]["n"])  # type: ignore[call-overload]
    count = loaded.data.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", form=QueryForm.SELECT)
    assert int(count.rows[0]["n"]) == data.triples_sent  # type: ignore[call-overload]


@pytest.mark.parametrize("name", sorted(SAMPLE_QUERIES))
def test_quirk_sample_answers_agree(loaded: Loaded, sample_kg: KnowledgeGraph, name: str) -> None:
    form, body = SAMPLE_QUERIES[name]
    sparql = SAMPLE_PREFIXES + body
    expected = sample_kg.store.query(sparql, form=form)
    actual = loaded.sample.query(sparql, form=form)
    assert not actual.truncated
    assert difference(expected, actual) == ""


def test_blank_nodes_arrive_as_skolem_iris(loaded: Loaded) -> None:
    owners = loaded.sample.query(
        SAMPLE_PREFIXES + "SELECT ?o WHERE { ?e ex:owner ?o }", form=QueryForm.SELECT
    )
    assert len(owners.rows) == 2
    assert all(str(row["o"]).startswith(GENID) for row in owners.rows)


@pytest.mark.parametrize("saved", _catalogue(), ids=lambda q: q.name)
def test_saved_query_answers_agree(loaded: Loaded, kg: KnowledgeGraph, saved: SavedQuery) -> None:
    remote = KnowledgeGraph(loaded.data)
    expected = kg.run(saved, {})
    actual = remote.run(saved, {})
    assert not expected.truncated and not actual.truncated
    assert difference(expected, actual) == "", saved.name


def test_a_capped_listing_asks_the_server_for_a_margin_past_the_cap() -> None:
    listing = "SELECT ?s WHERE { ?s ?p ?o }\nORDER BY ?s\n"
    assert _limited(listing, QueryForm.SELECT, 5).endswith(f"ORDER BY ?s\nLIMIT {6 + MARGIN}\n")
    assert _limited(listing, QueryForm.SELECT, None) == listing
    own_limit = "SELECT ?s WHERE { ?s ?p ?o }\nORDER BY ?s\nLIMIT 3\n"
    assert _limited(own_limit, QueryForm.SELECT, 5) == own_limit
    unordered = "SELECT ?s WHERE { ?s ?p ?o }"
    assert _limited(unordered, QueryForm.SELECT, 5) == unordered


def test_rows_a_server_sent_out_of_order_are_sorted_as_sparql_defines() -> None:
    # The order Virtuoso 7.2 gave at 100,000 enterprises (names sharing their first 20
    # characters): it shows only at that size, so the rows are written out here.
    name = "http://example.org/name"
    sent = [
        {"n": Literal("Alas Kaki Bintang Selaras"), "i": Literal(2)},
        {"n": Literal("Alas Kaki Bintang Sejahtera"), "i": Literal(10)},
        {"n": Literal("Alas Kaki Bintang Sejahtera"), "i": Literal(9)},
        {"i": Literal(1)},
        {"n": URIRef(name), "i": Literal(3)},
    ]
    query = "SELECT ?n ?i WHERE { ?e ?p ?n }\nORDER BY ?n DESC(?i)\n"
    ordered = _in_order(query, ("n", "i"), sent)
    assert ordered == [sent[3], sent[4], sent[1], sent[2], sent[0]]  # unbound, IRI, strings
    assert _in_order(query.replace("\nORDER BY ?n DESC(?i)", ""), ("n", "i"), sent) == sent
    tagged = [{"n": Literal("b", lang="id")}, {"n": Literal("a", lang="id")}]
    assert _in_order("SELECT ?n { ?e ?p ?n }\nORDER BY ?n\n", ("n",), tagged) == tagged


def test_a_capped_listing_gives_the_embedded_stores_first_rows(
    loaded: Loaded, kg: KnowledgeGraph
) -> None:
    listing = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT DISTINCT ?s ?label WHERE { ?s rdfs:label ?label }\nORDER BY DESC(?s) ?label\n"
    )
    expected = kg.store.query(listing, form=QueryForm.SELECT, max_rows=7)
    actual = loaded.data.query(listing, form=QueryForm.SELECT, max_rows=7)
    assert expected.truncated and actual.truncated
    assert len(actual.rows) == 7 and actual.rows == expected.rows


def test_keep_graphs_pushes_each_named_graph(
    oxigraph_server: SparqlServer, virtuoso_server: SparqlServer, kg: KnowledgeGraph
) -> None:
    assert isinstance(kg.store, EmbeddedStore)
    named = kg.store.named_graphs()
    for server in (oxigraph_server, virtuoso_server):
        report = push(
            kg, server.gsp_url, None, keep_graphs=True, user=server.user, password=server.password
        )
        assert report.complete and sorted(report.graphs) == named
        for graph in named:
            remote = RemoteStore(server.query_url, graph=graph)
            count = remote.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", form=QueryForm.SELECT)
            assert int(count.rows[0]["n"]) == report.graphs[graph]  # type: ignore[call-overload]


def test_cli_push_then_query_through_the_endpoint(
    runner, virtuoso_server: SparqlServer, monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph
) -> None:
    graph = "https://w3id.org/umkm-kg/graph/test-cli"
    monkeypatch.setenv("UMKM_KG_USER", virtuoso_server.user or "")
    monkeypatch.setenv("UMKM_KG_PASSWORD", virtuoso_server.password or "")
    pushed = runner(
        "push", "--endpoint", virtuoso_server.gsp_url, "--graph", graph, "--auth", "digest"
    )
    assert pushed.exit_code == 0, pushed.output
    assert "pushed" in pushed.stdout and "(gsp)" in pushed.stdout
    assert virtuoso_server.password not in pushed.output
    monkeypatch.delenv("UMKM_KG_USER")
    monkeypatch.delenv("UMKM_KG_PASSWORD")
    counted = runner(
        "--endpoint", virtuoso_server.query_url, "--graph", graph,
        "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv",
    )  # fmt: skip
    assert counted.exit_code == 0, counted.output
    expected = kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert counted.stdout.split() == ["n", str(expected.rows[0]["n"])]


def test_cli_push_keep_graphs_by_update(
    runner, oxigraph_server: SparqlServer, monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph
) -> None:
    monkeypatch.delenv("UMKM_KG_USER", raising=False)
    monkeypatch.delenv("UMKM_KG_PASSWORD", raising=False)
    url = oxigraph_server.update_url
    result = runner("push", "--endpoint", url, "--keep-graphs", "--protocol", "update")
    assert result.exit_code == 0, result.output
    assert isinstance(kg.store, EmbeddedStore)
    for graph in kg.store.named_graphs():
        assert f"loaded      <{graph}>: all" in result.stdout


def test_repeated_graph_option_queries_the_union_of_kept_graphs(
    runner, oxigraph_server: SparqlServer, monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph
) -> None:
    """After push --keep-graphs, --graph given once per named graph answers like the embedded."""
    monkeypatch.delenv("UMKM_KG_USER", raising=False)
    monkeypatch.delenv("UMKM_KG_PASSWORD", raising=False)
    pushed = runner("push", "--endpoint", oxigraph_server.gsp_url, "--keep-graphs")
    assert pushed.exit_code == 0, pushed.output
    assert isinstance(kg.store, EmbeddedStore)
    graph_options = [arg for g in kg.store.named_graphs() for arg in ("--graph", g)]
    remote = runner(
        "--endpoint", oxigraph_server.query_url, *graph_options,
        "query", "run", "countries-ranked", "--format", "csv",
    )  # fmt: skip
    local = runner("query", "run", "countries-ranked", "--format", "csv")
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert "country-my" in local.stdout


@pytest.mark.parametrize("word", ["Malaysia", "batik", "hijab"])
def test_search_on_a_remote_store_is_a_bounded_query_finding_what_search_labels_finds(
    loaded: Loaded, word: str
) -> None:
    from umkm_kg.query.search import search

    remote = KnowledgeGraph(loaded.data)
    scanned = {str(r["resource"]) for r in remote.run("search-labels", {"text": word}).rows}
    found: list[str] = []
    offset = 0
    while True:
        page = search(remote, word, limit=2, offset=offset)
        assert page.method == "sparql" and page.total is None
        assert len(page.matches) <= 2
        found += [m.resource for m in page.matches]
        if not page.more:
            break
        offset += 2
    assert found == sorted(found) and set(found) == scanned


@pytest.mark.parametrize("name", ["exporters-by-country", "enterprise-destinations"])
def test_menus_of_graph_values_are_the_embedded_ones(
    loaded: Loaded, kg: KnowledgeGraph, name: str
) -> None:
    """Each parameter's values (the form's menu, a page at a time) and a look-up by name come
    out of the server as out of the embedded graph (the queries use sub-selects and paths)."""
    from umkm_kg.query.graphvalues import GraphValues

    saved = load_catalogue().get(name)
    for parameter in saved.parameters:
        if not parameter.values_from_graph:
            continue
        here = GraphValues(kg.store, timeout=30).choices(parameter, limit=50)
        there = GraphValues(loaded.data, timeout=30).choices(parameter, limit=50)
        assert [c.value for c in there] == [c.value for c in here] and here
        assert [sorted(map(str, c.labels)) for c in there] == [
            sorted(map(str, c.labels)) for c in here
        ]
