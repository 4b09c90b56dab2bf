"""``/api``: saved queries over HTTP (the same answers as the command line), validating and
adding records (all or nothing, token only), one JSON error shape, and the request guards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient

from conftest import Runner
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.catalogue import load_catalogue
from umkm_kg.query.results import QueryForm, QueryResult
from umkm_kg.store import Store
from umkm_kg.web import WebSettings, create_app
from umkm_kg.web.csrf import COOKIE, FIELD, form_token, require_csrf
from umkm_kg.web.problems import ERROR_SCHEMA
from umkm_kg.web.server import open_graph
from web_fixtures import LOCAL

RECORDS = Path(__file__).parent / "data" / "records"
TOKEN = "s3cret-token-of-the-tests"
CSV = "text/csv"
NAMES = load_catalogue().names()


def _error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    jsonschema.validate(body, ERROR_SCHEMA)
    assert body["error"]["status"] == status
    assert "Traceback" not in response.text  # type: ignore[attr-defined]
    return body["error"]  # type: ignore[no-any-return]


# --- saved queries ------------------------------------------------------------------------------


def test_the_catalogue_lists_every_saved_query(client: TestClient) -> None:
    listed = client.get("/api/queries").json()["queries"]
    assert [q["name"] for q in listed] == NAMES
    assert listed == [q.as_dict() for q in load_catalogue()]


@pytest.mark.parametrize("name", NAMES)
def test_each_saved_query_answers_as_the_command_line_does(
    client: TestClient, runner: Runner, web_data: Path, name: str
) -> None:
    saved = load_catalogue().get(name)
    fmt = "nt" if saved.form.returns_graph else "json"
    over_http = client.get(f"/api/queries/{name}", params={"format": fmt})
    assert over_http.status_code == 200, over_http.text
    assert "x-umkm-truncated" not in over_http.headers
    cli = runner("--data-dir", str(web_data), "query", "run", name, "--format", fmt)
    assert cli.exit_code == 0, cli.output
    if fmt == "json":
        assert over_http.json() == json.loads(cli.stdout)
    else:
        assert sorted(over_http.text.splitlines()) == sorted(cli.stdout.splitlines())
        assert over_http.text.strip()


def test_parameters_come_from_the_query_string(
    client: TestClient, runner: Runner, web_data: Path
) -> None:
    over_http = client.get(
        "/api/queries/exporters-by-country", params={"country": "Belanda", "format": "csv"}
    )
    cli = runner(
        "--data-dir",
        str(web_data),
        "query",
        "run",
        "exporters-by-country",
        "-p",
        "country=Belanda",
        "--format",
        "csv",
    )
    assert over_http.text == cli.stdout
    default = client.get("/api/queries/exporters-by-country", params={"format": "csv"}).text
    assert default != over_http.text and "Malaysia" in default


@pytest.mark.parametrize(
    ("url", "status", "said"),
    [
        ("/api/queries/countries-rank", 404, "no saved query is called 'countries-rank'"),
        ("/api/queries/statistics-2015?year=twenty", 400, "parameter year"),
        ("/api/queries/exporters-by-country?country=Narnia", 400, "not among the values"),
        ("/api/queries/exporters-by-country?contry=MY", 400, "no parameter 'contry'"),
        ("/api/queries/fact-provenance?lang=fr", 400, "not one of"),
        ("/api/queries/interpretations?lang=en&lang=id", 400, "more than once"),
        ("/api/queries/countries-ranked?format=ttl", 406, "cannot be written"),
        ("/api/queries/countries-ranked?timeout=0", 400, "timeout"),
        ("/api/queries/exporters-by-country/choices/nope", 400, "no parameter 'nope'"),
        ("/api/queries/exporters-by-country/choices/country?limit=0", 400, "limit"),
    ],
)
def test_saved_query_mistakes_are_4xx(client: TestClient, url: str, status: int, said: str) -> None:
    assert said in str(_error(client.get(url), status)["message"])


def test_choices_list_the_graphs_values(client: TestClient) -> None:
    response = client.get(
        "/api/queries/exporters-by-country/choices/country", params={"search": "malay"}
    )
    assert response.json()["choices"] == [
        {
            "value": "https://w3id.org/umkm-kg/id/country-my",
            "label": "Malaysia",
            "compact": "kg:country-my",
        }
    ]


# --- one error shape ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status"),
    [
        ("get", "/no/such/page", {}, 404),
        ("delete", "/sparql", {}, 405),
        ("put", "/api/queries/countries-ranked", {}, 405),
        ("get", "/api/queries/x/choices/y", {}, 404),
        ("post", "/api/validate", {"content": "x", "headers": {"Content-Type": "text/plain"}}, 415),
        ("post", "/api/validate", {"content": "", "headers": {"Content-Type": CSV}}, 400),
        ("post", "/api/records", {"content": "x", "headers": {"Content-Type": CSV}}, 403),
        ("get", "/sparql?query=ASK{}", {"headers": {"Host": "evil.example"}}, 421),
    ],
)
def test_every_error_has_the_one_json_shape(
    client: TestClient, method: str, url: str, kwargs: dict[str, object], status: int
) -> None:
    _error(getattr(client, method)(url, **kwargs), status)


class _Broken(Store):
    """A backend with a bug: every query raises something the library does not expect."""

    def query(
        self,
        sparql: str,
        *,
        form: QueryForm,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        raise RuntimeError("secret internal detail")


def test_a_server_fault_is_a_500_without_a_traceback() -> None:
    app = create_app(KnowledgeGraph(_Broken()))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as broken:
        response = broken.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        error = _error(response, 500)
        assert error["code"] == "internal"
        assert "secret internal detail" not in response.text


def test_a_store_failure_is_a_5xx(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    kg = open_graph(folder, workers=1)
    try:
        for path in sorted((folder / "store").glob("g*"), reverse=True):
            if path.is_dir():
                import shutil

                shutil.rmtree(path)  # the generation it reads is gone
        (folder / "store" / "CURRENT").write_text("g99999999", encoding="ascii")
        with TestClient(create_app(kg), base_url=LOCAL) as gone:
            response = gone.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            assert 500 <= response.status_code < 600
            _error(response, response.status_code)
    finally:
        kg.close()


# --- guards -------------------------------------------------------------------------------------


def test_host_header_is_checked(web_kg: KnowledgeGraph) -> None:
    settings = WebSettings(allowed_hosts=("kg.example.org",))
    with TestClient(create_app(web_kg, settings=settings), base_url="http://kg.example.org") as c:
        assert c.get("/sparql").status_code == 200
        assert c.get("/sparql", headers={"Host": "kg.example.org:8000"}).status_code == 200
        error = _error(c.get("/sparql", headers={"Host": "127.0.0.1.evil.example"}), 421)
        assert "--allow-host" in str(error["hint"])
    anyone = WebSettings(allowed_hosts=("*",))
    with TestClient(create_app(web_kg, settings=anyone), base_url="http://x.example") as c:
        assert c.get("/sparql").status_code == 200


def test_request_bodies_are_capped(web_kg: KnowledgeGraph) -> None:
    settings = WebSettings(max_body=2048)
    with TestClient(create_app(web_kg, settings=settings), base_url=LOCAL) as small:
        big = "SELECT * WHERE { ?s ?p ?o }" + " " * 4096
        declared = small.post(
            "/sparql", content=big, headers={"Content-Type": "application/sparql-query"}
        )
        assert _error(declared, 413)["code"] == "too-large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            for _ in range(8):
                yield b" " * 512

        streamed = small.post(
            "/api/validate", content=chunks(), headers={"Content-Type": "text/turtle"}
        )
        _error(streamed, 413)
        fits = small.post(
            "/sparql",
            content="ASK { ?s ?p ?o }",
            headers={"Content-Type": "application/sparql-query"},
        )
        assert fits.status_code == 200


def test_csrf_protects_state_changing_forms(web_kg: KnowledgeGraph) -> None:
    app: FastAPI = create_app(web_kg)

    @app.get("/test-form")
    def page(request: Request) -> dict[str, str]:
        return {"token": form_token(request)}

    @app.post("/test-form", dependencies=[Depends(require_csrf)])
    def change() -> dict[str, bool]:
        return {"changed": True}

    with TestClient(app, base_url=LOCAL) as browser:
        token = browser.get("/test-form").json()["token"]
        assert COOKIE in browser.cookies
        assert browser.post("/test-form", data={FIELD: token}).json() == {"changed": True}
        assert browser.post("/test-form", headers={"X-CSRF-Token": token}).status_code == 200
        assert _error(browser.post("/test-form", data={}), 403)["code"] == "csrf"
        assert _error(browser.post("/test-form", data={FIELD: token[:-1] + "0"}), 403)
        other_site = browser.post(
            "/test-form", data={FIELD: token}, headers={"Origin": "https://evil.example"}
        )
        _error(other_site, 403)
    # another browser: its own cookie, so the first one's token fails
    with TestClient(app, base_url=LOCAL) as stranger:
        stranger.get("/test-form")
        _error(stranger.post("/test-form", data={FIELD: token}), 403)


# --- records ------------------------------------------------------------------------------------


def test_validate_answers_with_the_report(client: TestClient) -> None:
    good = client.post(
        "/api/validate",
        content=(RECORDS / "valid-enterprises.csv").read_bytes(),
        headers={"Content-Type": CSV},
    )
    assert good.status_code == 200
    assert good.json()["conforms"] is True and good.json()["records_checked"] == 2
    bad = client.post(
        "/api/validate",
        files=[
            (
                "file",
                ("invalid.ttl", (RECORDS / "invalid-enterprise.ttl").read_bytes(), "text/turtle"),
            )
        ],
        params={"lang": "id"},
    )
    report = bad.json()
    assert bad.status_code == 200 and report["conforms"] is False and report["violations"] > 0
    assert {r["source"] for r in report["records"]} == {"invalid.ttl"}
    assert "/tmp" not in bad.text


def test_unreadable_records_are_400_naming_the_clients_file(client: TestClient) -> None:
    response = client.post(
        "/api/validate", files=[("file", ("mine.ttl", b"<a> <b> .", "text/turtle"))]
    )
    error = _error(response, 400)
    assert str(error["message"]).startswith("mine.ttl: ")
    assert "umkm-kg-http" not in response.text


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[tuple[TestClient, KnowledgeGraph]]:
    kg = open_graph(tmp_path / "data", workers=1)
    app = create_app(kg, settings=WebSettings(write_token=TOKEN))
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client, kg
    kg.close()


def _enterprises(c: TestClient) -> int:
    query = (
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE "
        "{ ?e a <https://w3id.org/umkm-kg/ontology#Enterprise> }"
    )
    document = c.get("/sparql", params={"query": query}).json()
    return int(document["results"]["bindings"][0]["n"]["value"])


def _post(c: TestClient, path: Path, token: str | None = TOKEN, **params: str) -> object:
    headers = {"Content-Type": CSV if path.suffix == ".csv" else "text/turtle"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return c.post("/api/records", content=path.read_bytes(), headers=headers, params=params)


def test_adding_needs_the_token(writable: tuple[TestClient, KnowledgeGraph]) -> None:
    c, _ = writable
    before = _enterprises(c)
    missing = _error(_post(c, RECORDS / "valid-enterprises.csv", token=None), 401)
    assert "Bearer" in str(missing["hint"])
    wrong = _post(c, RECORDS / "valid-enterprises.csv", token=TOKEN + "x")
    _error(wrong, 401)
    assert wrong.headers["www-authenticate"].startswith("Bearer")  # type: ignore[attr-defined]
    assert _enterprises(c) == before


def test_adding_writes_one_batch_that_queries_then_see(
    writable: tuple[TestClient, KnowledgeGraph],
) -> None:
    c, _ = writable
    before = _enterprises(c)
    dry = _post(c, RECORDS / "valid-enterprises.csv", dry_run="true")
    assert dry.status_code == 200 and dry.json()["added"] is False  # type: ignore[attr-defined]
    assert _enterprises(c) == before
    added = _post(c, RECORDS / "valid-enterprises.csv")
    assert added.status_code == 201, added.text  # type: ignore[attr-defined]
    body = added.json()  # type: ignore[attr-defined]
    assert body["records"] == 2 and body["graph"].startswith(
        "https://w3id.org/umkm-kg/graph/records/"
    )
    assert _enterprises(c) == before + 2
    again = _post(c, RECORDS / "valid-enterprises.csv")
    assert _error(again, 409)["code"] == "duplicate"
    assert _enterprises(c) == before + 2


def test_a_batch_with_one_bad_record_writes_nothing(
    writable: tuple[TestClient, KnowledgeGraph], tmp_path: Path
) -> None:
    c, _ = writable
    before = _enterprises(c)
    valid = (RECORDS / "valid-enterprises.csv").read_text(encoding="utf-8")
    bad_row = (
        "Kue Lapis Legit,,9120001000010,ibu Yanti,Kue lapis,,makanan ringan,Narnia; MY,Cipadu,"
        "mikro,2021,Pendataan 2024,kg:org-disperindagkop-tangerang\n"
    )
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(valid + bad_row, encoding="utf-8")
    error = _error(_post(c, mixed), 422)
    report = error["report"]
    assert report["conforms"] is False and report["records_checked"] == 3  # type: ignore[index]
    assert "Narnia" in json.dumps(report)
    assert _enterprises(c) == before
