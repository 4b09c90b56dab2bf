"""``umkm-kg serve --endpoint URL``: the same API over a remote store (a real Oxigraph server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from servers import SparqlServer
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.publish.push import push
from umkm_kg.query.catalogue import load_catalogue
from umkm_kg.store.remote import RemoteStore
from umkm_kg.web import WebSettings, create_app
from web_fixtures import LOCAL

pytestmark = pytest.mark.remote

GRAPH = "https://w3id.org/umkm-kg/graph/web-remote"


@pytest.fixture(scope="module")
def remote_client(oxigraph_server: SparqlServer, kg: KnowledgeGraph) -> Iterator[TestClient]:
    push(kg, oxigraph_server.gsp_url, GRAPH)
    remote = KnowledgeGraph(RemoteStore(oxigraph_server.query_url, graph=GRAPH))
    with TestClient(create_app(remote), base_url=LOCAL) as client:
        yield client
    remote.close()


@pytest.mark.parametrize("name", [q.name for q in load_catalogue() if not q.form.returns_graph])
def test_saved_queries_answer_the_same_over_a_remote_store(
    remote_client: TestClient, client: TestClient, name: str
) -> None:
    remote = remote_client.get(f"/api/queries/{name}", params={"format": "json"})
    embedded = client.get(f"/api/queries/{name}", params={"format": "json"})
    assert remote.status_code == embedded.status_code == 200, remote.text
    assert remote.json() == embedded.json()


def test_sparql_and_refusals_over_a_remote_store(remote_client: TestClient) -> None:
    ask = remote_client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.json()["boolean"] is True
    refused = remote_client.get("/sparql", params={"query": "DROP ALL"})
    assert refused.status_code == 403
    description = remote_client.get("/sparql")
    assert GRAPH in description.text


def test_adding_is_refused_over_a_remote_store(oxigraph_server: SparqlServer) -> None:
    remote = KnowledgeGraph(RemoteStore(oxigraph_server.query_url, graph=GRAPH))
    app = create_app(remote, settings=WebSettings(write_token="t" * 20))
    with TestClient(app, base_url=LOCAL) as client:
        response = client.post(
            "/api/records",
            content="x",
            headers={"Content-Type": "text/csv", "Authorization": "Bearer " + "t" * 20},
        )
    assert response.status_code == 403
    assert "remote store" in response.json()["error"]["message"]
