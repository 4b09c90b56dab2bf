"""The OpenAPI 3.1 document: valid, made from the catalogue records, and true of the API
(property-based requests generated from it never get a 5xx or an undocumented answer)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.catalogue import ParamType, load_catalogue
from umkm_kg.web import WebSettings, create_app
from umkm_kg.web.openapi import openapi_document
from web_fixtures import LOCAL

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
EXAMPLES = 200 if FUZZ else 5
"""Generated requests per operation: a bounded run in the suite, many more under make fuzz."""


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_saved_query_is_an_operation_with_its_parameters(document: dict[str, Any]) -> None:
    for saved in load_catalogue():
        operation = document["paths"][f"/api/queries/{saved.name}"]["get"]
        assert operation["summary"] == saved.title.en
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert set(parameters) == {p.name for p in saved.parameters} | {"format", "timeout"}
        for parameter in saved.parameters:
            described = parameters[parameter.name]
            schema = described["schema"]
            assert described["required"] == (parameter.required and parameter.default is None)
            if parameter.allowed:
                assert schema["enum"] == list(parameter.allowed)
            if parameter.type is ParamType.INTEGER:
                assert schema["type"] == "integer"
            if parameter.default is not None:
                assert str(schema["default"]).lower() == parameter.default.lower()
            assert schema["examples"]
        media = set(operation["responses"]["200"]["content"])
        if saved.form.returns_graph:
            assert media == {
                "text/turtle",
                "application/n-triples",
                "application/ld+json",
                "application/rdf+xml",
            }
        elif saved.form.value == "ASK":
            assert media == {"application/sparql-results+json", "application/sparql-results+xml"}
        else:
            assert "text/csv" in media and "application/sparql-results+json" in media
        assert {"400", "406", "504"} <= set(operation["responses"])


def test_no_saved_query_takes_a_name_the_api_keeps_for_itself() -> None:
    from umkm_kg.web.api import RESERVED

    for saved in load_catalogue():
        assert not RESERVED & {p.name for p in saved.parameters}, saved.name


def test_the_documented_timeout_is_the_servers(web_kg: KnowledgeGraph) -> None:
    app = create_app(web_kg, settings=WebSettings(timeout=5, max_timeout=12))
    with TestClient(app, base_url=LOCAL) as c:
        operation = c.get("/openapi.json").json()["paths"]["/api/queries/owners"]["get"]
    timeout = next(p for p in operation["parameters"] if p["name"] == "timeout")
    assert timeout["schema"]["maximum"] == 12 and timeout["schema"]["default"] == 5


def test_the_documented_examples_run(client: TestClient, document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        if not path.startswith("/api/queries/") or "{" in path:
            continue
        params = {
            p["name"]: str(p["schema"]["examples"][0]).lower()
            if isinstance(p["schema"]["examples"][0], bool)
            else p["schema"]["examples"][0]
            for p in item["get"]["parameters"]
            if p["in"] == "query" and "examples" in p["schema"]
        }
        assert client.get(path, params=params).status_code == 200, path


# Generated from the same records the server describes itself with (its default settings), and
# sent to a real server (``live_server``): the fixture-based loader does not run on pytest 9.
@schemathesis.serializer(
    "application/sparql-query",
    "text/turtle",
    "application/x-turtle",
    "application/n-triples",
    "application/n-quads",
    "application/rdf+xml",
    "application/ld+json",
    "text/csv",
)
def _query_text(ctx: Any, value: Any) -> bytes:
    return str(value).encode("utf-8")


schema = schemathesis.openapi.from_dict(openapi_document(load_catalogue(), WebSettings()))

_CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not FUZZ,
)
def test_generated_requests_get_documented_answers(case: Any, live_server: str) -> None:
    response = case.call(base_url=live_server)
    body = case.body if isinstance(case.body, dict) else {}
    asked = (case.query or {}).get("timeout", body.get("timeout"))
    try:
        short = float(asked) < 2  # type: ignore[arg-type]
    except (TypeError, ValueError):
        short = False
    # A timeout the request itself asked to be tiny may be reached (504, documented); any
    # other 5xx is a server fault.
    assert response.status_code < 500 or (response.status_code == 504 and short), (
        response.status_code,
        response.text[:500],
        case.method,
        case.path,
        case.query,
        case.body,
    )
    assert "Traceback" not in response.text
    case.validate_response(response, checks=_CHECKS)
