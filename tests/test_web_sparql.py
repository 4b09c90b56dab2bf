"""``/sparql``: the SPARQL 1.1 Protocol's query operation, formats, dataset, refusals, limits."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import ARTICLE_GRAPH, ONTOLOGY_GRAPH
from umkm_kg.web import WebSettings, create_app
from web_fixtures import LOCAL, SLOW

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTERPRISES = (
    "PREFIX umkm: <https://w3id.org/umkm-kg/ontology#> "
    "SELECT ?e WHERE { ?e a umkm:Enterprise } ORDER BY ?e"
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SRJ = "application/sparql-results+json"
SRX = "application/sparql-results+xml"


def _count(response: object) -> int:
    document = response.json()  # type: ignore[attr-defined]
    return int(document["results"]["bindings"][0]["n"]["value"])


def test_get_answers_sparql_json(client: TestClient, web_kg: KnowledgeGraph) -> None:
    response = client.get("/sparql", params={"query": ENTERPRISES})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SRJ)
    got = [b["e"]["value"] for b in response.json()["results"]["bindings"]]
    assert got == [str(r["e"]) for r in web_kg.query(ENTERPRISES).rows]
    assert len(got) > 3


def test_post_form_and_post_query_body_answer_the_same(client: TestClient) -> None:
    by_get = client.get("/sparql", params={"query": ENTERPRISES}).json()
    by_form = client.post("/sparql", data={"query": ENTERPRISES})
    by_body = client.post(
        "/sparql", content=ENTERPRISES, headers={"Content-Type": "application/sparql-query"}
    )
    assert by_form.status_code == by_body.status_code == 200
    assert by_form.json() == by_body.json() == by_get


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, SRJ),
        ("*/*", SRJ),
        ("application/json", SRJ),
        (SRX, SRX),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        (f"text/csv;q=0.5, {SRX};q=0.9", SRX),
        (f"{SRJ};q=0.1, text/csv", "text/csv"),
        (f"text/*;q=0.3, {SRJ};q=0.2", "text/csv"),
        (f"application/*, {SRJ};q=0", SRX),  # q=0: not acceptable, even under a wider range
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", SRJ),  # a browser
    ],
)
def test_accept_with_q_values_picks_the_format(
    client: TestClient, accept: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": ENTERPRISES}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert response.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("json", SRJ),
        ("xml", SRX),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        (SRX, SRX),
    ],
)
def test_format_parameter_wins_over_accept(client: TestClient, name: str, expected: str) -> None:
    response = client.get(
        "/sparql", params={"query": ENTERPRISES, "format": name}, headers={"Accept": SRJ}
    )
    assert response.headers["content-type"].split(";")[0] == expected


def test_every_result_format_holds_the_same_rows(client: TestClient) -> None:
    def fetch(fmt: str) -> str:
        return client.get("/sparql", params={"query": ENTERPRISES, "format": fmt}).text

    from_json = [b["e"]["value"] for b in json.loads(fetch("json"))["results"]["bindings"]]
    root = ET.fromstring(fetch("xml"))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    from_xml = [u.text for u in root.iter(f"{ns}uri")]
    from_csv = [row["e"] for row in csv.DictReader(io.StringIO(fetch("csv")))]
    from_tsv = [line.strip("<>") for line in fetch("tsv").splitlines()[1:]]
    assert from_json == from_xml == from_csv == from_tsv


@pytest.mark.parametrize(
    ("fmt", "media", "rdflib_format"),
    [
        ("ttl", "text/turtle", "turtle"),
        ("nt", "application/n-triples", "nt"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("xml", "application/rdf+xml", "xml"),
    ],
)
def test_graph_results_in_every_rdf_format(
    client: TestClient, fmt: str, media: str, rdflib_format: str
) -> None:
    query = (
        "PREFIX umkm: <https://w3id.org/umkm-kg/ontology#> "
        "CONSTRUCT { ?e a umkm:Enterprise } WHERE { ?e a umkm:Enterprise }"
    )
    by_param = client.get("/sparql", params={"query": query, "format": fmt})
    by_accept = client.get("/sparql", params={"query": query}, headers={"Accept": media})
    assert by_param.headers["content-type"].split(";")[0] == media
    assert by_param.content == by_accept.content
    graph = Graph().parse(data=by_param.text, format=rdflib_format)
    assert len(graph) > 3
    assert all(o == URIRef("https://w3id.org/umkm-kg/ontology#Enterprise") for o in graph.objects())


def test_ask_in_json_and_xml_but_not_csv(client: TestClient) -> None:
    ask = "ASK { ?s ?p ?o }"
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True
    xml = client.get("/sparql", params={"query": ask, "format": "xml"}).text
    assert "<boolean>true</boolean>" in xml
    refused = client.get("/sparql", params={"query": ask, "format": "csv"})
    assert refused.status_code == 406
    assert refused.json()["error"]["code"] == "not-acceptable"


def test_an_accept_nothing_can_satisfy_gets_the_default(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SRJ)
    construct = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s a ?c } LIMIT 1"},
        headers={"Accept": SRJ},  # what rdflib's SPARQLStore sends for every query form
    )
    assert construct.headers["content-type"].startswith("text/turtle")


def test_unknown_format_name_is_400(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT, "format": "docx"})
    assert response.status_code == 400
    assert "json, xml, csv, tsv" in response.json()["error"]["hint"]


def test_without_a_query_the_service_description(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.headers["access-control-allow-origin"] == "*"
    graph = Graph().parse(data=response.text, format="turtle")
    service = next(graph.subjects(RDF.type, SD.Service))
    assert str(service) == "http://127.0.0.1/sparql"
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    names = set(graph.objects(None, SD.name))
    assert {ARTICLE_GRAPH, ONTOLOGY_GRAPH} <= names
    formats = {str(f).rsplit("/", 1)[-1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "Turtle"} <= formats
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert Graph().parse(data=as_jsonld.text, format="json-ld").isomorphic(graph)


def test_default_graph_uri_restricts_the_default_graph(client: TestClient) -> None:
    everything = _count(client.get("/sparql", params={"query": COUNT}))
    article = _count(
        client.get("/sparql", params={"query": COUNT, "default-graph-uri": str(ARTICLE_GRAPH)})
    )
    both = _count(
        client.get(
            "/sparql",
            params=[
                ("query", COUNT),
                ("default-graph-uri", str(ARTICLE_GRAPH)),
                ("default-graph-uri", str(ONTOLOGY_GRAPH)),
            ],
        )
    )
    assert 0 < article < both <= everything


def test_protocol_dataset_replaces_the_querys_from(client: TestClient) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}"
    own = _count(client.get("/sparql", params={"query": query}))
    replaced = _count(
        client.get("/sparql", params={"query": query, "default-graph-uri": str(ARTICLE_GRAPH)})
    )
    article = _count(
        client.get("/sparql", params={"query": COUNT, "default-graph-uri": str(ARTICLE_GRAPH)})
    )
    assert replaced == article != own


def test_a_querys_own_from_is_honoured(client: TestClient) -> None:
    """Regression: pyoxigraph's union-default-graph flag overrode FROM, so FROM <article>
    counted every graph."""
    everything = _count(client.get("/sparql", params={"query": COUNT}))
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ARTICLE_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert 0 < _count(client.get("/sparql", params={"query": query})) < everything


def test_named_graph_uri_gives_the_named_graphs(client: TestClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query, "named-graph-uri": str(ARTICLE_GRAPH)})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [str(ARTICLE_GRAPH)]


@pytest.mark.parametrize(
    ("params", "status", "said"),
    [
        ({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, 403, "SPARQL Update"),
        ({"update": "DROP ALL"}, 403, "read-only"),
        (
            {"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"},
            403,
            "SERVICE",
        ),
        ({"query": "LOAD <http://example.org/x.ttl>"}, 403, "LOAD"),
        (
            {"query": "SELECT * FROM <http://evil.example/> WHERE { ?s ?p ?o }"},
            403,
            "outside the knowledge graph",
        ),
        (
            {"query": COUNT, "default-graph-uri": "file:///etc/passwd"},
            403,
            "outside the knowledge graph",
        ),
        (
            {"query": COUNT, "named-graph-uri": "http://evil.example/"},
            403,
            "outside the knowledge graph",
        ),
        ({"query": "SELECT * WHERE { ?s ?p "}, 400, "not valid SPARQL"),
        ({"query": COUNT, "timeout": "abc"}, 400, "timeout"),
        ({"query": COUNT, "timeout": "-1"}, 400, "timeout"),
        ({"query": COUNT, "timeout": "1000"}, 400, "more than this server allows"),
    ],
    ids=[
        "insert",
        "update-param",
        "service",
        "load",
        "from",
        "default-graph",
        "named-graph",
        "syntax",
        "timeout-text",
        "timeout-negative",
        "timeout-too-long",
    ],
)
def test_refusals_are_4xx_with_a_clear_message(
    client: TestClient, params: dict[str, str], status: int, said: str
) -> None:
    response = client.get("/sparql", params=params)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status
    assert said in error["message"]


def test_updates_by_post_are_refused(client: TestClient) -> None:
    by_form = client.post("/sparql", data={"update": "DROP ALL"})
    by_body = client.post(
        "/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"}
    )
    assert by_form.status_code == by_body.status_code == 403


def test_post_of_another_media_type_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=COUNT, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "application/sparql-query" in response.json()["error"]["message"]


def test_two_queries_are_400(client: TestClient) -> None:
    response = client.get("/sparql", params=[("query", COUNT), ("query", COUNT)])
    assert response.status_code == 400


def test_get_allows_cross_origin_reads(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT}, headers={"Origin": "https://x.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "X-UMKM-Truncated" in response.headers["access-control-expose-headers"]
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://x.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "GET"
    posted = client.post("/sparql", data={"query": COUNT})
    assert "access-control-allow-origin" not in posted.headers


def test_a_cut_result_is_flagged_in_a_header_and_a_field(web_kg: KnowledgeGraph) -> None:
    app = create_app(web_kg, settings=WebSettings(max_rows=2))
    with TestClient(app, base_url=LOCAL) as small:
        response = small.get("/sparql", params={"query": ENTERPRISES})
        assert response.headers["x-umkm-truncated"] == "true"
        assert "2 rows" in response.headers["x-umkm-note"]
        document = response.json()
        assert document["truncated"] is True and len(document["results"]["bindings"]) == 2
        as_csv = small.get("/sparql", params={"query": ENTERPRISES, "format": "csv"})
        assert as_csv.headers["x-umkm-truncated"] == "true"
        whole = small.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert "x-umkm-truncated" not in whole.headers and "truncated" not in whole.json()


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_query_past_its_timeout_is_stopped_and_its_process_killed(
    client: TestClient, web_kg: KnowledgeGraph
) -> None:
    pool = web_kg.store.worker  # type: ignore[attr-defined]
    before = {w._process.pid for w in pool._workers if w._process is not None}
    started = time.monotonic()
    response = client.get("/sparql", params={"query": SLOW, "timeout": "1"})
    took = time.monotonic() - started
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "timeout"
    assert "longer than 1 s" in response.json()["error"]["message"]
    assert took < 5
    killed = [pid for pid in before if not _alive(pid)]
    assert len(killed) == 1  # the one that ran it: its CPU is free again
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_a_slow_query_does_not_block_others(client: TestClient) -> None:
    slow: dict[str, int] = {}

    def run_slow() -> None:
        slow["status"] = client.get("/sparql", params={"query": SLOW, "timeout": "4"}).status_code

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)  # let it reach its worker
    fast = []
    for _ in range(5):
        started = time.monotonic()
        assert client.get("/sparql", params={"query": ENTERPRISES}).status_code == 200
        fast.append(time.monotonic() - started)
    assert thread.is_alive()  # the slow one was still running all along
    thread.join()
    assert slow["status"] == 504
    assert max(fast) < 2.0, fast
