"""A synthetic registry of 2,000 enterprises (~110,000 triples) on real servers: Oxigraph
server by Graph Store Protocol, Virtuoso through its bulk loader; every saved query answers as
the embedded disk store does.

The bundled graphs alone (``test_remote.py``) hold too few records for row caps, graph scoping
or typed-literal normalisation to show at registry scale; this does it at a size that still
runs in well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from remote_compare import difference
from servers import SparqlServer
from umkm_kg.errors import EndpointUnavailable, RemoteAuthError
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.publish.push import BulkLoader, PushReport, push
from umkm_kg.query.catalogue import SavedQuery, load_catalogue
from umkm_kg.query.graphvalues import GraphValues
from umkm_kg.query.results import QueryForm
from umkm_kg.records.load import load_records
from umkm_kg.store.remote import RemoteStore
from umkm_kg.synth import write_registry

pytestmark = pytest.mark.remote

ENTERPRISES = 2_000
GRAPH = "https://w3id.org/umkm-kg/graph/test-registry"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """The disk store of a data folder holding the bundled graphs and the synthetic registry."""
    folder = tmp_path_factory.mktemp("registry")
    path = folder / "registry.nq"
    write_registry(str(path), enterprises=ENTERPRISES, seed=9)
    kg = KnowledgeGraph.embedded(data_dir=folder / "data")
    loaded = load_records(kg, [str(path)], folder / "data", validate=False)
    assert loaded.enterprises == ENTERPRISES
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def pushed(
    registry: KnowledgeGraph, oxigraph_server: SparqlServer, virtuoso_server: SparqlServer
) -> dict[str, tuple[RemoteStore, PushReport]]:
    """The registry pushed to both servers: Oxigraph by GSP, Virtuoso by its bulk loader."""
    to_oxigraph = push(registry, oxigraph_server.gsp_url, GRAPH, chunk_triples=20_000)
    bulk = BulkLoader(virtuoso_server.workdir / "bulk", sql_port=virtuoso_server.sql_port)
    to_virtuoso = push(
        registry, virtuoso_server.query_url, GRAPH, bulk=bulk,
        user="dba", password=virtuoso_server.dba_password,
    )  # fmt: skip
    return {
        "oxigraph": (RemoteStore(oxigraph_server.query_url, graph=GRAPH), to_oxigraph),
        "virtuoso": (RemoteStore(virtuoso_server.query_url, graph=GRAPH), to_virtuoso),
    }


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(
    request: pytest.FixtureRequest, pushed: dict[str, tuple[RemoteStore, PushReport]]
) -> tuple[RemoteStore, PushReport]:
    return pushed[request.param]


def _distinct_triples(kg: KnowledgeGraph) -> int:
    result = kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    return int(result.rows[0]["n"])  # type: ignore[call-overload]


def test_every_triple_arrives_once(
    server: tuple[RemoteStore, PushReport], registry: KnowledgeGraph
) -> None:
    remote, report = server
    assert report.complete
    assert report.triples_sent == _distinct_triples(registry) > 50 * ENTERPRISES
    held = remote.query(COUNT, form=QueryForm.SELECT)
    assert int(held.rows[0]["n"]) == report.triples_sent  # type: ignore[call-overload]


BATCH_GRAPH_QUERIES = {"newest-batches"}
"""Saved queries about the store's batch graphs (``GRAPH ?batch``), which a push does not keep."""


@pytest.mark.parametrize("saved", list(load_catalogue()), ids=lambda q: q.name)
def test_saved_queries_answer_as_the_disk_store(
    server: tuple[RemoteStore, PushReport], registry: KnowledgeGraph, saved: SavedQuery
) -> None:
    expected = registry.run(saved, {}, timeout=120)
    actual = KnowledgeGraph(server[0]).run(saved, {}, timeout=120)
    assert not expected.truncated and not actual.truncated
    if saved.name in BATCH_GRAPH_QUERIES:
        # push writes every graph into one remote graph: there are no batch graphs to list
        assert expected.rows and actual.rows == [], saved.name
        return
    assert difference(expected, actual) == "", saved.name


def test_a_second_bulk_push_replaces_the_graph(
    registry: KnowledgeGraph, virtuoso_server: SparqlServer, tmp_path: Path
) -> None:
    graph = GRAPH + "-again"
    bulk = BulkLoader(tmp_path / "bulk", sql_port=virtuoso_server.sql_port, file_triples=30_000)
    first = push(
        registry, virtuoso_server.query_url, graph, bulk=bulk,
        user="dba", password=virtuoso_server.dba_password,
    )  # fmt: skip
    second = push(
        registry, virtuoso_server.query_url, graph, bulk=bulk,
        user="dba", password=virtuoso_server.dba_password,
    )  # fmt: skip
    assert first.chunks_ok == second.chunks_ok == -(-first.total_triples // 30_000) >= 4
    held = RemoteStore(virtuoso_server.query_url, graph=graph).query(COUNT, form=QueryForm.SELECT)
    assert int(held.rows[0]["n"]) == second.total_triples  # type: ignore[call-overload]
    assert list((tmp_path / "bulk").iterdir()) == []  # the files are removed after loading


def test_bulk_login_without_loader_rights_leaves_the_graph_untouched(
    registry: KnowledgeGraph, virtuoso_server: SparqlServer, tmp_path: Path
) -> None:
    """Regression: isql runs every statement after a failed one, so a login refused the loader
    used to clear the target graph and then fail."""
    graph = GRAPH + "-guarded"
    push(registry, virtuoso_server.gsp_url, graph, user=virtuoso_server.user,
         password=virtuoso_server.password)  # fmt: skip
    bulk = BulkLoader(tmp_path, sql_port=virtuoso_server.sql_port)
    with pytest.raises(RemoteAuthError, match="may not run the bulk loader") as caught:
        push(registry, virtuoso_server.query_url, graph, bulk=bulk,
             user=virtuoso_server.user, password=virtuoso_server.password)  # fmt: skip
    assert "EXECUTE ON DB.DBA.ld_dir" in (caught.value.hint or "")
    held = RemoteStore(virtuoso_server.query_url, graph=graph).query(COUNT, form=QueryForm.SELECT)
    assert int(held.rows[0]["n"]) == _distinct_triples(registry)  # type: ignore[call-overload]


def test_bulk_push_with_a_wrong_password_or_port_fails_before_writing(
    registry: KnowledgeGraph, virtuoso_server: SparqlServer, tmp_path: Path
) -> None:
    bulk = BulkLoader(tmp_path / "bulk", sql_port=virtuoso_server.sql_port)
    with pytest.raises(RemoteAuthError, match="refused the login"):
        push(registry, virtuoso_server.query_url, GRAPH, bulk=bulk, user="dba",
             password="not-the-password-1")  # fmt: skip
    closed = BulkLoader(tmp_path / "bulk", sql_port=1)
    with pytest.raises(EndpointUnavailable, match="SQL port"):
        push(registry, virtuoso_server.query_url, GRAPH, bulk=closed, user="dba",
             password=virtuoso_server.dba_password)  # fmt: skip
    assert not (tmp_path / "bulk").exists()


def test_cli_push_bulk_dir_loads_and_hides_the_password(
    runner, virtuoso_server: SparqlServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    graph = GRAPH + "-cli"
    monkeypatch.setenv("UMKM_KG_USER", "dba")
    monkeypatch.setenv("UMKM_KG_PASSWORD", virtuoso_server.dba_password or "")
    pushed = runner(
        "push", "--endpoint", virtuoso_server.query_url, "--graph", graph,
        "--bulk-dir", str(tmp_path / "bulk"), "--sql-port", str(virtuoso_server.sql_port),
    )  # fmt: skip
    assert pushed.exit_code == 0, pushed.output
    assert "(bulk)" in pushed.stdout and f"loaded      <{graph}>: all" in pushed.stdout
    assert (virtuoso_server.dba_password or "") not in pushed.output
    monkeypatch.setenv("UMKM_KG_PASSWORD", "not-the-password-1")
    refused = runner(
        "push", "--endpoint", virtuoso_server.query_url, "--graph", graph,
        "--bulk-dir", str(tmp_path / "bulk"), "--sql-port", str(virtuoso_server.sql_port),
    )  # fmt: skip
    assert refused.exit_code == 3 and "refused the login" in refused.stderr
    assert "not-the-password-1" not in refused.output


def test_an_enterprise_parameter_is_looked_up_alone_not_listed(
    server: tuple[RemoteStore, PushReport], registry: KnowledgeGraph
) -> None:
    """Regression: a values_from_graph parameter was checked against the listing of every
    enterprise, cut at the row cap (10,000 rows), so from about 10,000 enterprises on the
    default enterprise of enterprise-description was refused as "not among the values"."""
    saved = load_catalogue().get("enterprise-description")
    [parameter] = saved.parameters
    last = registry.query(
        "PREFIX umkm: <https://w3id.org/umkm-kg/ontology#> "
        "SELECT ?e WHERE { ?e a umkm:Enterprise } ORDER BY DESC(STR(?e)) LIMIT 1"
    ).rows[0]["e"]
    remote = KnowledgeGraph(server[0])
    for kg in (registry, remote):
        assert GraphValues(kg.store, timeout=30).contains(parameter, last)
    expected = registry.run(saved, {"enterprise": str(last)})
    actual = remote.run(saved, {"enterprise": str(last)})
    assert len(expected.graph or ()) > 10
    assert difference(expected, actual) == ""
