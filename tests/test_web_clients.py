"""``umkm-kg serve`` as a real server on loopback, used by clients no one here wrote:
SPARQLWrapper and rdflib's SPARQLStore get the same answers as the library."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.web.server import bind, is_loopback
from umkm_kg.web.settings import WRITE_TOKEN_ENV
from web_fixtures import SRC, start_server, stop_server

ENTERPRISE = "<https://w3id.org/umkm-kg/ontology#Enterprise>"
ENTERPRISES = (
    "PREFIX umkm: <https://w3id.org/umkm-kg/ontology#> "
    "SELECT ?e ?name WHERE { ?e a umkm:Enterprise ; <https://schema.org/name> ?name } "
    "ORDER BY ?e ?name"
)


@pytest.fixture(scope="module")
def library(web_data: Path) -> KnowledgeGraph:
    return KnowledgeGraph.embedded(data_dir=web_data, isolated=False)


def _expected(library: KnowledgeGraph) -> list[tuple[str, str]]:
    return [(str(r["e"]), str(r["name"])) for r in library.query(ENTERPRISES).rows]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(live_server: str, library: KnowledgeGraph, method: str) -> None:
    sparql = SPARQLWrapper(f"{live_server}/sparql")
    sparql.setQuery(ENTERPRISES)
    sparql.setMethod(method)
    sparql.setReturnFormat(JSON)
    document = sparql.query().convert()
    got = [(b["e"]["value"], b["name"]["value"]) for b in document["results"]["bindings"]]
    assert got == _expected(library) and got


def test_sparqlwrapper_xml_csv_and_ask(live_server: str, library: KnowledgeGraph) -> None:
    sparql = SPARQLWrapper(f"{live_server}/sparql")
    sparql.setQuery(ENTERPRISES)
    sparql.setReturnFormat(XML)
    xml = sparql.query().convert()
    uris = [n.firstChild.data for n in xml.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert uris == [e for e, _ in _expected(library)]
    sparql.setReturnFormat(CSV)
    rows = sparql.query().convert().decode("utf-8").splitlines()  # type: ignore[union-attr]
    assert rows[0] == "e,name" and len(rows) == len(_expected(library)) + 1
    sparql.setQuery("ASK { ?s a <https://w3id.org/umkm-kg/ontology#Enterprise> }")
    sparql.setReturnFormat(JSON)
    assert sparql.query().convert()["boolean"] is True


def test_sparqlwrapper_construct(live_server: str, library: KnowledgeGraph) -> None:
    query = f"CONSTRUCT {{ ?e ?p ?o }} WHERE {{ ?e a {ENTERPRISE} ; ?p ?o }}"
    sparql = SPARQLWrapper(f"{live_server}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(TURTLE)
    text = sparql.query().convert()
    graph = Graph().parse(data=text, format="turtle")
    expected = library.query(query).graph
    assert expected is not None and graph.isomorphic(expected) and len(graph) > 10


def test_rdflib_sparqlstore(live_server: str, library: KnowledgeGraph) -> None:
    store = SPARQLStore(f"{live_server}/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = [(str(r[0]), str(r[1])) for r in graph.query(ENTERPRISES)]  # type: ignore[index]
    assert rows == _expected(library)
    assert bool(graph.query("ASK { ?s ?p ?o }").askAnswer) is True
    construct = f"CONSTRUCT {{ ?e a ?c }} WHERE {{ ?e a ?c . ?e a {ENTERPRISE} }}"
    triples = {tuple(t) for t in graph.query(construct)}  # type: ignore[arg-type]
    expected = library.query(construct).graph
    assert expected is not None and triples == set(expected)
    assert {URIRef(e) for e, _ in _expected(library)} <= {t[0] for t in triples}


def test_rdflib_sparqlstore_by_post_xml(live_server: str, library: KnowledgeGraph) -> None:
    store = SPARQLStore(f"{live_server}/sparql", method="POST", returnFormat="xml")
    answer = Graph(store=store).query(ENTERPRISES)
    rows = [(str(r[0]), str(r[1])) for r in answer]  # type: ignore[index]
    assert rows == _expected(library)


def test_saved_query_over_http_matches_the_cli(live_server: str, web_data: Path) -> None:
    with urllib.request.urlopen(f"{live_server}/api/queries/countries-ranked?format=json") as r:
        over_http = json.load(r)
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "umkm_kg.cli",
            "--data-dir",
            str(web_data),
            "query",
            "run",
            "countries-ranked",
            "--format",
            "json",
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert over_http == json.loads(cli.stdout)


def test_write_token_comes_from_the_environment_only(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop(WRITE_TOKEN_ENV, None)
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "umkm_kg.cli",
            "--data-dir",
            str(tmp_path / "d"),
            "serve",
            "--port",
            "0",
            "--write-token",
        ],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert refused.returncode == 2
    assert WRITE_TOKEN_ENV in refused.stderr.decode()
    assert b"Traceback" not in refused.stderr
    process, url = start_server(tmp_path / "d", "--write-token", env={WRITE_TOKEN_ENV: "t" * 24})
    try:
        request = urllib.request.Request(
            f"{url}/api/records?dry_run=true",
            data=(Path(__file__).parent / "data/records/valid-enterprises.csv").read_bytes(),
            headers={"Content-Type": "text/csv", "Authorization": "Bearer " + "t" * 24},
        )
        with urllib.request.urlopen(request) as response:
            assert response.status == 200 and json.load(response)["records"] == 2
    finally:
        stop_server(process)


def test_a_port_in_use_is_a_clear_error(live_server: str, tmp_path: Path) -> None:
    port = live_server.rsplit(":", 1)[1]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "umkm_kg.cli",
            "--data-dir",
            str(tmp_path / "d"),
            "serve",
            "--port",
            port,
        ],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=60,
    )
    assert result.returncode == 2
    assert b"cannot listen on 127.0.0.1:" in result.stderr and b"Traceback" not in result.stderr


def test_a_host_other_than_loopback_is_warned_about(tmp_path: Path) -> None:
    # 192.0.2.1 (TEST-NET-1, RFC 5737) is no machine's address: the warning is printed, then
    # binding fails, so nothing is ever exposed by this test.
    result = subprocess.run(
        [
            *[sys.executable, "-m", "umkm_kg.cli", "--data-dir", str(tmp_path / "d")],
            *["serve", "--host", "192.0.2.1", "--port", "0"],
        ],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=60,
    )
    stderr = result.stderr.decode()
    assert "warning: listening on 192.0.2.1: other machines can reach this server" in stderr
    assert result.returncode == 2 and "cannot listen on 192.0.2.1:0" in stderr


def test_the_listening_socket_sends_small_answers_at_once() -> None:
    """Regression: a kept-alive connection waited ~40 ms for every answer (Nagle's algorithm
    against delayed ACKs), 100 times the cost of a cached saved query."""
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        sock.close()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_which_hosts_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
