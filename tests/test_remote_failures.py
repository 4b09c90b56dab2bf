"""Remote failures: each gives a clear message and exit code 3, never a partial answer as whole.

Server down, wrong or missing credentials, a server row cap, a slow query, a push that fails
midway, and the Digest "global opener" leak of SPARQLWrapper.
"""

from __future__ import annotations

import base64
import http.server
import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from servers import SparqlServer, closed_port_url, scripted_server, start_oxigraph
from umkm_kg.errors import (
    EXIT_REMOTE,
    EndpointUnavailable,
    QueryTimeout,
    RemoteAuthError,
    RemoteError,
    ResultTruncated,
)
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.publish.push import Chunk, PushIncomplete, PushReport, push
from umkm_kg.query.results import QueryForm
from umkm_kg.store import EmbeddedStore
from umkm_kg.store.remote import RemoteStore, server_message

pytestmark = pytest.mark.remote

SAMPLE = Path(__file__).parent / "data" / "remote-sample.ttl"
GRAPH = "https://w3id.org/umkm-kg/graph/test-failures"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
#: Cross join over Virtuoso's ~2,500 system triples: about 10^10 rows to count.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _sample() -> KnowledgeGraph:
    store = EmbeddedStore()
    store.load_file(SAMPLE, GRAPH)
    return KnowledgeGraph(store)


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Clear UMKM_KG_USER/PASSWORD/AUTH; the test sets what it needs."""
    for name in ("UMKM_KG_USER", "UMKM_KG_PASSWORD", "UMKM_KG_AUTH", "UMKM_KG_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch


# --- server down -----------------------------------------------------------------------------


def test_query_on_a_server_that_is_down_exits_3(runner, credentials) -> None:
    url = closed_port_url()
    result = runner("--endpoint", url, "sparql", "ASK { ?s ?p ?o }")
    assert result.exit_code == EXIT_REMOTE
    assert f"cannot reach {url}" in result.stderr
    assert result.stdout == ""


def test_push_to_a_server_that_is_down_exits_3(runner, credentials) -> None:
    url = closed_port_url("/store")
    result = runner("push", "--endpoint", url, "--graph", GRAPH)
    assert result.exit_code == EXIT_REMOTE
    assert f"cannot reach {url}" in result.stderr


# --- credentials -------------------------------------------------------------------------------


def test_wrong_password_exits_3_without_showing_it(
    runner, credentials, virtuoso_server: SparqlServer
) -> None:
    wrong = "Wr0ngPassw0rdDoNotShow"
    credentials.setenv("UMKM_KG_USER", virtuoso_server.user or "")
    credentials.setenv("UMKM_KG_PASSWORD", wrong)
    pushed = runner("push", "--endpoint", virtuoso_server.gsp_url, "--graph", GRAPH)
    queried = runner("--endpoint", virtuoso_server.update_url, "sparql", "ASK { ?s ?p ?o }")
    for result in (pushed, queried):
        assert result.exit_code == EXIT_REMOTE, result.output
        assert "refused" in result.stderr and repr(virtuoso_server.user) in result.stderr
        assert wrong not in result.output
        assert (virtuoso_server.password or "?") not in result.output


def test_missing_credentials_say_which_variables_to_set(
    runner, credentials, virtuoso_server: SparqlServer
) -> None:
    result = runner("--endpoint", virtuoso_server.update_url, "sparql", "ASK { ?s ?p ?o }")
    assert result.exit_code == EXIT_REMOTE
    assert "UMKM_KG_USER" in result.stderr and "UMKM_KG_PASSWORD" in result.stderr


def test_update_on_the_read_only_endpoint_is_refused(virtuoso_server: SparqlServer) -> None:
    # Virtuoso's anonymous /sparql answers updates with HTTP 500 "SR186: No permission".
    with pytest.raises(RemoteAuthError, match="refused"):
        push(_sample(), virtuoso_server.query_url, GRAPH, protocol="update")


def test_digest_login_does_not_leak_into_anonymous_requests(virtuoso_server: SparqlServer) -> None:
    # Regression: SPARQLWrapper's DIGEST mode installs a process-wide urllib opener, after which
    # "anonymous" requests to the same URL are silently authenticated.
    url = virtuoso_server.update_url
    authenticated = RemoteStore(url, user=virtuoso_server.user, password=virtuoso_server.password)
    assert authenticated.query("ASK { ?s ?p ?o }", form=QueryForm.ASK).boolean is True
    with pytest.raises(RemoteAuthError, match="needs credentials"):
        RemoteStore(url).query("ASK { ?s ?p ?o }", form=QueryForm.ASK)
    installed = urllib.request._opener  # type: ignore[attr-defined]
    handlers = installed.handlers if installed is not None else []
    assert not any(isinstance(h, urllib.request.AbstractDigestAuthHandler) for h in handlers)


class _BasicOnly(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint behind Basic authentication (user ``u``, password ``Secret-Basic-42``)."""

    expected = "Basic " + base64.b64encode(b"u:Secret-Basic-42").decode()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"head": {}, "boolean": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize("auth", ["basic", None])
def test_basic_authentication(auth: str | None) -> None:
    with scripted_server(_BasicOnly) as base:
        good = RemoteStore(f"{base}/sparql", user="u", password="Secret-Basic-42", auth=auth)  # type: ignore[arg-type]
        assert good.query("ASK {}", form=QueryForm.ASK).boolean is True
        bad = RemoteStore(f"{base}/sparql", user="u", password="Not-The-One-99", auth=auth)  # type: ignore[arg-type]
        with pytest.raises(RemoteAuthError) as caught:
            bad.query("ASK {}", form=QueryForm.ASK)
        assert "Not-The-One-99" not in str(caught.value)


# --- server errors -------------------------------------------------------------------------------


def _answering(
    status: int, content_type: str, body: bytes
) -> type[http.server.BaseHTTPRequestHandler]:
    """A handler that answers every POST with this status, media type and body."""

    class Answering(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Answering


# Answers every query with an HTML error page (HTTP 500) that echoes the query.
_Broken = _answering(
    500,
    "text/html",
    b"<html><body><h1>Internal error</h1><p>disk full</p>\nSPARQL query:\nASK {}</body>",
)


def test_server_error_is_reported_short(runner, credentials) -> None:
    with scripted_server(_Broken) as base:
        result = runner("--endpoint", f"{base}/sparql", "sparql", "ASK { ?s ?p ?o }")
    assert result.exit_code == EXIT_REMOTE
    assert "HTTP 500" in result.stderr and "Internal error disk full" in result.stderr
    assert "<html>" not in result.stderr and "SPARQL query" not in result.stderr


def test_server_message_is_one_short_line() -> None:
    assert server_message("<p>a\n  b</p>\n\nSPARQL query:\nSELECT") == "a b"
    assert len(server_message("x" * 1000)) == 200
    assert server_message("a\x1b[31mred\x07 [bold]b[/bold]") == "a\\x1b[31mred\\x07 [bold]b[/bold]"


# --- endpoints that are not http(s) (issue 11): refused before anything is read -------------

REFUSED_ENDPOINTS = [
    "file:///etc/passwd",
    "FILE:/etc/passwd",
    "ftp://ftp.example.org/pub/",
    "data:text/plain,hello",
    "javascript:alert(1)",
    "/etc/passwd",
    "http://",
    'http://a"b.example/sparql',
    "http://x.example/sp arql",
    "https://user:secret@x.example/sparql",
]


@pytest.mark.parametrize("endpoint", REFUSED_ENDPOINTS)
@pytest.mark.parametrize("how", ["option", "environment"])
def test_endpoint_that_is_not_http_is_refused_with_exit_2(
    endpoint: str, how: str, runner, credentials
) -> None:
    if how == "option":
        result = runner("--endpoint", endpoint, "sparql", "ASK {}")
    else:
        credentials.setenv("UMKM_KG_ENDPOINT", endpoint)
        result = runner("sparql", "ASK {}")
    assert result.exit_code == 2, result.output
    assert "is refused" in result.stderr
    assert "root:" not in result.output and "secret" not in result.stderr.split("refused")[1]


@pytest.mark.parametrize("endpoint", REFUSED_ENDPOINTS[:4])
def test_push_to_an_endpoint_that_is_not_http_is_refused(endpoint: str, runner) -> None:
    result = runner("push", "--endpoint", endpoint)
    assert result.exit_code == 2, result.output
    assert "root:" not in result.output


class _RedirectsAway(http.server.BaseHTTPRequestHandler):
    """Answers every request with a redirect to ``target``."""

    target: ClassVar[str] = "file:///etc/passwd"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(302)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1:9/etc/passwd"])
def test_a_redirect_away_from_http_is_not_followed(target: str, runner, credentials) -> None:
    handler = type("Redirects", (_RedirectsAway,), {"target": target})
    with scripted_server(handler) as base:
        result = runner("--endpoint", f"{base}/sparql", "sparql", "ASK { ?s ?p ?o }")
    assert result.exit_code == EXIT_REMOTE
    assert "redirect" in result.stderr.lower() and "root:" not in result.output


# Answers with a large plain-text body full of terminal escapes and rich markup.
_Chatty = _answering(
    200, "text/plain", ("[bold red]boom[/] :x: \x1b[2J" + "secret-line\n" * 5000).encode()
)


def test_an_unreadable_answer_is_quoted_short_and_escaped(runner, credentials) -> None:
    with scripted_server(_Chatty) as base:
        result = runner("--endpoint", f"{base}/sparql", "sparql", "ASK { ?s ?p ?o }")
    assert result.exit_code == EXIT_REMOTE
    assert len(result.stderr) < 600
    assert "\x1b" not in result.stderr and "[bold red]boom[/] :x:" in result.stderr
    assert result.stderr.count("secret-line") < 15


class _Slow(http.server.BaseHTTPRequestHandler):
    """Takes 20 s to answer anything (the client gives up long before)."""

    def do_POST(self) -> None:
        time.sleep(20)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_server_that_does_not_answer_times_out(runner, credentials) -> None:
    with scripted_server(_Slow) as base:
        started = time.monotonic()
        result = runner("--timeout", "0.5", "--endpoint", f"{base}/query", "sparql", "ASK {}")
        took = time.monotonic() - started
    assert result.exit_code == EXIT_REMOTE
    assert "did not answer the query within" in result.stderr
    assert took < 10


# --- push failing midway ------------------------------------------------------------------------


def test_push_stopped_midway_reports_what_was_and_was_not_loaded(kg: KnowledgeGraph) -> None:
    with start_oxigraph() as server:

        def stop_after_second_chunk(chunk: Chunk, report: PushReport) -> None:
            if report.chunks_ok == 2:
                server.stop()

        with pytest.raises(PushIncomplete) as caught:
            push(kg, server.gsp_url, GRAPH, chunk_triples=300, progress=stop_after_second_chunk)
    report = caught.value.report
    total = report.total_triples
    chunks = report.chunks_total
    assert chunks >= 4
    assert report.chunks_ok == 2 and report.triples_sent == 600
    assert report.failed == Chunk(GRAPH, 3, chunks, 300)
    assert not report.complete
    message = caught.value.message
    assert f"stopped at chunk 3 of {chunks}" in message and "cannot reach" in message
    assert f"2 of {chunks} chunks loaded (600 of {total:,} triples)" in message
    assert f"chunks 1-2 of {chunks} loaded, chunk 3 failed, chunks 4-{chunks} not sent" in message
    assert isinstance(caught.value, RemoteError) and caught.value.exit_code == EXIT_REMOTE


class _RejectsAppends(http.server.BaseHTTPRequestHandler):
    """A Graph Store that accepts the first chunk (PUT) and refuses the next ones (POST)."""

    def _drain(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.end_headers()

    def do_PUT(self) -> None:
        self._drain()
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        self._drain()
        body = b"Quota exceeded: this store accepts 1000 triples"
        self.send_response(507)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_cli_push_rejected_midway_lists_what_was_loaded(runner, credentials) -> None:
    with scripted_server(_RejectsAppends) as base:
        result = runner(
            "push", "--endpoint", f"{base}/store", "--graph", GRAPH, "--chunk-triples", "500"
        )
    assert result.exit_code == EXIT_REMOTE
    assert "stopped at chunk 2 of" in result.stderr
    assert "Quota exceeded" in result.stderr
    assert "1 of " in result.stderr and "chunks loaded (500 of" in result.stderr
    assert "PARTLY" in result.stderr and "pushed" not in result.stdout


class _Recording(http.server.BaseHTTPRequestHandler):
    """A store at a path that names no protocol; records requests, takes what ``accepts``."""

    accepts = "application/sparql-update"
    seen: ClassVar[list[tuple[str, str, str]]] = []

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._answer(200)

    def do_PUT(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        kind = self.headers.get("Content-Type", "")
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self.seen.append((self.command, kind, body[:40]))
        self._answer(204 if kind == self.accepts else 415)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize(
    ("accepts", "protocol", "first"),
    [
        ("application/sparql-update", "update", ("POST", "CLEAR SILENT GRAPH")),
        ("application/n-triples", "gsp", ("PUT", "<")),
    ],
)
def test_protocol_is_detected_by_trying_a_no_op_update(
    accepts: str, protocol: str, first: tuple[str, str]
) -> None:
    handler = type("Handler", (_Recording,), {"accepts": accepts, "seen": []})
    with scripted_server(handler) as base:
        report = push(_sample(), f"{base}/ds/endpoint", GRAPH)
    assert report.protocol == protocol and report.complete
    probe, upload = handler.seen[0], handler.seen[1]
    assert probe == ("POST", "application/sparql-update", "INSERT DATA { }")
    assert upload[0] == first[0] and upload[2].startswith(first[1])


# --- row cap and timeout (a separate Virtuoso, stopped at the end) ------------------------------


@pytest.fixture(scope="module")
def capped(virtuoso_capped: SparqlServer) -> SparqlServer:
    """The capped Virtuoso holding the quirk sample (29 triples, cap 3 rows)."""
    push(
        _sample(), virtuoso_capped.gsp_url, GRAPH,
        user=virtuoso_capped.user, password=virtuoso_capped.password,
    )  # fmt: skip
    return virtuoso_capped


def test_row_cap_is_refused_not_shown_as_complete(
    runner, credentials, capped: SparqlServer
) -> None:
    with pytest.raises(ResultTruncated, match="row cap of 3"):
        RemoteStore(capped.query_url, graph=GRAPH).query(ALL, form=QueryForm.SELECT)
    result = runner("--endpoint", capped.query_url, "--graph", GRAPH, "sparql", ALL)
    assert result.exit_code == EXIT_REMOTE
    assert "row cap of 3" in result.stderr and "not the whole answer" in result.stderr
    assert result.stdout == ""  # not a single row of the partial answer


def test_row_cap_on_a_graph_result_is_refused(capped: SparqlServer) -> None:
    with pytest.raises(ResultTruncated, match="row cap"):
        RemoteStore(capped.query_url, graph=GRAPH).query(
            "CONSTRUCT WHERE { ?s ?p ?o }", form=QueryForm.CONSTRUCT
        )


def test_our_own_smaller_row_limit_is_shown_as_cut(
    runner, credentials, capped: SparqlServer
) -> None:
    result = runner(
        "--max-rows", "2", "--endpoint", capped.query_url, "--graph", GRAPH,
        "sparql", ALL, "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 3  # header and two rows
    assert "only the first 2 rows" in result.stderr


def test_small_answers_under_the_cap_are_complete(capped: SparqlServer) -> None:
    result = RemoteStore(capped.query_url, graph=GRAPH).query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", form=QueryForm.SELECT
    )
    assert not result.truncated and int(result.rows[0]["n"]) == 29  # type: ignore[call-overload]


def test_slow_query_times_out_with_exit_3(runner, credentials, capped: SparqlServer) -> None:
    # Last test on this instance: a timed-out Virtuoso query keeps burning CPU afterwards.
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="time limit"):
            RemoteStore(capped.query_url).query(HEAVY, form=QueryForm.SELECT, timeout=1)
        result = runner("--timeout", "1", "--endpoint", capped.query_url, "sparql", HEAVY)
        took = time.monotonic() - started
        assert result.exit_code == EXIT_REMOTE
        assert "time limit" in result.stderr and result.stdout == ""
        assert took < 20
    finally:
        capped.stop()


def test_unreachable_is_endpoint_unavailable() -> None:
    with pytest.raises(EndpointUnavailable):
        RemoteStore(closed_port_url()).query("ASK {}", form=QueryForm.ASK)
