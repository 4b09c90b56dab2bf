"""The API documentation page ``/api``: drawn on the server from the document ``/openapi.json``
serves, in Indonesian or English, with every value escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.catalogue import Catalogue
from umkm_kg.web import WebSettings, create_app
from umkm_kg.web.page_render import CSP

LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(kg, settings=WebSettings()), base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    answer = client.get("/api", headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    return answer.text


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


def _section(page: str, operation_id: str) -> str:
    start = page.index(f'<section class="api-operation" id="{operation_id}">')
    return page[start : page.index("</section>", start)]


def _row(section: str, name: str) -> str:
    start = section.index(f'<tr class="api-parameter" data-name="{name}">')
    return section[start : section.index("</tr>", start)]


def test_the_page_is_html_with_the_strict_policy_and_no_inline_script(client: TestClient) -> None:
    answer = client.get("/api")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"] == CSP
    assert "<script" not in answer.text and "style=" not in answer.text
    assert 'href="/openapi.json"' in answer.text
    assert client.head("/api").status_code == 200


def test_every_path_and_operation_of_the_document_is_on_the_page(
    page: str, document: dict[str, Any]
) -> None:
    assert document["paths"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            section = _section(page, operation["operationId"])
            assert f'<code class="path">{html.escape(path)}</code>' in section
            assert f'<code class="method">{method.upper()}</code>' in section
            for status, answer in operation["responses"].items():
                assert f"<td><code>{status}</code></td>" in section
                for media in answer.get("content", {}):
                    assert f"<code>{html.escape(media)}</code>" in section
            for media in operation.get("requestBody", {}).get("content", {}):
                assert f"<li><code>{html.escape(media)}</code></li>" in section
            for requirement in operation.get("security", []):
                assert all(f"<code>{name}: http bearer" in section for name in requirement)
            names = re.findall(r'class="api-parameter" data-name="([^"]+)"', section)
            assert names == [p["name"] for p in operation.get("parameters", [])]


def test_every_saved_query_has_its_endpoint_form_link_and_example_call(
    client: TestClient, page: str, kg: KnowledgeGraph
) -> None:
    names = kg.catalogue.names()
    assert len(names) > 10
    for name in names:
        section = _section(page, f"query-{name}")
        assert f"/api/queries/{name}</code>" in section
        assert f'<a class="form-link" href="/queries/{name}">' in section
        example = re.search(r'class="example-call" href="([^"]+)"', section)
        assert example is not None and example.group(1).startswith(f"/api/queries/{name}")
    # An example call is one that runs: with its defaults, and examples for required values.
    for name in ("statistics-2015", "interpretations", "exporters-by-country"):
        section = _section(page, f"query-{name}")
        found = re.search(r'class="example-call" href="([^"]+)"', section)
        assert found is not None
        answer = client.get(html.unescape(found.group(1)))
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"]


def test_one_querys_parameters_show_type_values_default_and_description(
    page: str, document: dict[str, Any]
) -> None:
    section = _section(page, "query-interpretations")
    lang = _row(section, "lang")
    assert "<td>string</td>" in lang
    assert '<td class="enum"><code>en</code>, <code>id</code></td>' in lang
    assert '<td class="default"><code>en</code></td>' in lang
    assert "Language of the notes" in lang
    assert "/api/queries/interpretations?lang=en" in section
    formats = document["paths"]["/api/queries/interpretations"]["get"]["parameters"][1]
    assert formats["name"] == "format"
    row = _row(section, "format")
    assert all(f"<code>{value}</code>" in row for value in formats["schema"]["enum"])
    timeout = _row(section, "timeout")
    assert '<td class="default"><code>30.0</code></td>' in timeout
    year = _row(_section(page, "query-statistics-2015"), "year")
    assert "<td>integer</td>" in year and '<td class="default"><code>2015</code></td>' in year


def test_the_page_is_in_indonesian_under_accept_language_id(client: TestClient) -> None:
    answer = client.get("/api", headers={"Accept-Language": "id-ID,id;q=0.9"})
    assert answer.status_code == 200
    assert '<html lang="id">' in answer.text
    assert "<h1>Dokumentasi API</h1>" in answer.text
    section = _section(answer.text, "query-interpretations")
    assert "Tafsiran atas berita" in section and "Bahasa catatan" in section
    assert "Formulir kueri ini" in section
    english = client.get("/api", headers={"Accept-Language": "en"}).text
    assert "Tafsiran atas berita" not in _section(english, "query-interpretations")


def test_the_page_is_linked_from_the_navigation_and_the_home_page(client: TestClient) -> None:
    for path in ("/", "/queries", "/api"):
        answer = client.get(path)
        navigation = answer.text[answer.text.index("<nav>") : answer.text.index("</nav>")]
        assert '<a href="/api">API</a>' in navigation
    home = client.get("/").text
    assert '<a href="/api">API documentation</a>' in home[home.index("<main>") :]


HOSTILE = "<script>alert(1)</script>"


class _HostileCatalogue(KnowledgeGraph):
    """The bundled graph with one saved query whose texts and values are markup."""

    def __init__(self, kg: KnowledgeGraph, folder: Path) -> None:
        super().__init__(kg.store)
        self._catalogue = Catalogue({"hostile": folder / "hostile.rq"})

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue


def test_values_from_the_catalogue_are_escaped(kg: KnowledgeGraph, tmp_path: Path) -> None:
    (tmp_path / "hostile.rq").write_text(
        f"#+ title: {{id: '{HOSTILE}', en: '{HOSTILE}'}}\n"
        f"#+ description: {{id: '<b>x</b>', en: '<b>x</b>'}}\n"
        "#+ parameters:\n"
        "#+   mark:\n"
        "#+     type: enum\n"
        "#+     values: ['\"><img src=x>', plain]\n"
        "#+     default: plain\n"
        f"#+     description: {{id: '{HOSTILE}', en: '{HOSTILE}'}}\n"
        "SELECT ?s WHERE { ?s ?p ?mark } LIMIT 1\n",
        encoding="utf-8",
    )
    app = create_app(_HostileCatalogue(kg, tmp_path), settings=WebSettings())
    with TestClient(app, base_url=LOCAL) as client:
        assert client.get("/openapi.json").json()["paths"]["/api/queries/hostile"]
        text = client.get("/api").text
    section = _section(text, "query-hostile")
    assert HOSTILE not in text and "<b>x</b>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "<code>&#34;&gt;&lt;img src=x&gt;</code>" in section
