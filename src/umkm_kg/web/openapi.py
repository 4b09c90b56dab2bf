"""The OpenAPI 3.1 document of the API, made from the saved-query catalogue.

Each saved query is one path (``/api/queries/<name>``) whose query parameters are the query's
typed parameters: the same :class:`~umkm_kg.query.catalogue.SavedQuery` records that the
command line lists and the web form shows. The other routes are described here by hand, next
to the code they describe, since FastAPI cannot see the negotiated media types.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from .. import __version__
from ..formats import RdfFormat, ResultFormat
from ..query.catalogue import Catalogue, Parameter, ParamType, SavedQuery
from ..query.results import QueryForm
from .app_state import graph_of, settings_of
from .negotiation import GRAPH_FORMATS, SELECT_FORMATS, Format, offers
from .problems import ERROR_SCHEMA
from .settings import WebSettings
from .sparql import MIN_TIMEOUT
from .uploads import MEDIA_TYPES

_ERROR = {"$ref": "#/components/schemas/Error"}
_ERRORS = {
    "400": "bad request: a parameter, the query or the records cannot be read",
    "403": "refused: an update, SERVICE, LOAD, a graph outside the project, writing turned off",
    "404": "no such saved query or parameter",
    "406": "none of the accepted media types can hold the answer",
    "413": "the request body is too large",
    "415": "the request body's media type is not one this route reads",
    "421": "the Host header names a host this server does not answer for",
    "500": "a fault of the server (never a traceback)",
    "502": "the remote SPARQL server failed",
    "503": "the query needed more memory than allowed",
    "504": "the query ran past its time limit and was stopped",
}


def _errors(*codes: str) -> dict[str, Any]:
    return {
        code: {"description": _ERRORS[code], "content": {"application/json": {"schema": _ERROR}}}
        for code in codes
    }


_QUERY_ERRORS = ("400", "403", "406", "421", "500", "502", "503", "504")

_TERM = {
    "type": "object",
    "required": ["type", "value"],
    "properties": {
        "type": {"enum": ["uri", "literal", "bnode"]},
        "value": {"type": "string"},
        "xml:lang": {"type": "string"},
        "datatype": {"type": "string"},
    },
}
_SPARQL_JSON = {
    "type": "object",
    "required": ["head"],
    "description": "SPARQL 1.1 Query Results JSON; `truncated` is true when the row cap cut "
    "the answer (the X-UMKM-Truncated header says so too).",
    "properties": {
        "head": {
            "type": "object",
            "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
        },
        "results": {
            "type": "object",
            "required": ["bindings"],
            "properties": {
                "bindings": {
                    "type": "array",
                    "items": {"type": "object", "additionalProperties": _TERM},
                }
            },
        },
        "boolean": {"type": "boolean"},
        "truncated": {"type": "boolean"},
        "note": {"type": ["string", "null"]},
    },
}
_TRUNCATED_HEADERS = {
    "X-UMKM-Truncated": {
        "description": "`true` when the row cap cut the answer (absent when it is complete)",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "X-UMKM-Note": {"description": "why the answer was cut", "schema": {"type": "string"}},
}
_REPORT = {
    "type": "object",
    "required": ["conforms", "records_checked", "violations", "warnings", "records"],
    "properties": {
        "conforms": {"type": "boolean"},
        "records_checked": {"type": "integer"},
        "violations": {"type": "integer"},
        "warnings": {"type": "integer"},
        "infos": {"type": "integer"},
        "records": {"type": "array", "items": {"type": "object"}},
    },
}


def _schema(fmt: Format) -> dict[str, Any]:
    if fmt is ResultFormat.JSON:
        return {"$ref": "#/components/schemas/SparqlResults"}
    if fmt is RdfFormat.JSONLD:
        return {"description": "a JSON-LD document"}
    return {"type": "string"}


def _answer(form: QueryForm | None) -> dict[str, Any]:
    formats = offers(form) if form else SELECT_FORMATS + GRAPH_FORMATS
    content = {fmt.media_type: {"schema": _schema(fmt)} for fmt in dict.fromkeys(formats)}
    return {
        "200": {
            "description": "the answer, in the format asked for by `format` or `Accept`",
            "headers": _TRUNCATED_HEADERS,
            "content": content,
        }
    }


def parameter_schema(parameter: Parameter) -> dict[str, Any]:
    """The JSON Schema of one saved-query parameter's value in the query string."""
    kind = parameter.type
    schema: dict[str, Any]
    if kind is ParamType.INTEGER:
        schema = {"type": "integer"}
    elif kind is ParamType.DECIMAL:
        schema = {"type": "number"}
    elif kind is ParamType.BOOLEAN:
        schema = {"type": "boolean"}
    elif kind is ParamType.DATE:
        schema = {"type": "string", "format": "date"}
    elif kind is ParamType.IRI:
        schema = {"type": "string", "format": "iri-reference", "maxLength": 500}
    else:
        schema = {"type": "string", "maxLength": 500}
    if parameter.allowed:
        schema = {"type": "string", "enum": list(parameter.allowed)}
    if parameter.default is not None:
        schema["default"] = _typed(parameter, parameter.default)
    example = parameter.example or parameter.default or parameter.type.example
    if example:
        schema["examples"] = [_typed(parameter, example)]
    return schema


def _typed(parameter: Parameter, text: str) -> Any:
    if parameter.type is ParamType.INTEGER:
        return int(text)
    if parameter.type is ParamType.DECIMAL:
        return float(text)
    if parameter.type is ParamType.BOOLEAN:
        return text.lower() in ("true", "1")
    return text


def _parameter(parameter: Parameter) -> dict[str, Any]:
    description = parameter.description.en or parameter.name
    if parameter.description.id and parameter.description.id != parameter.description.en:
        description += f" (id: {parameter.description.id})"
    if parameter.values_from_graph is not None:
        description += (
            ". One of the values found in the graph: an IRI, a prefixed name, a label or the "
            f"last segment of an IRI (values: /api/queries/{{name}}/choices/{parameter.name})"
        )
    return {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required and parameter.default is None,
        "description": description,
        "schema": parameter_schema(parameter),
    }


def _common(settings: WebSettings, form: QueryForm | None) -> list[dict[str, Any]]:
    formats = offers(form) if form else SELECT_FORMATS + GRAPH_FORMATS
    names = list(dict.fromkeys(f.key for f in formats))
    return [
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "the answer's format (instead of the Accept header)",
            "schema": {"type": "string", "enum": names},
        },
        {
            "name": "timeout",
            "in": "query",
            "required": False,
            "description": f"seconds the query may run (default {settings.timeout:g})",
            "schema": {
                "type": "number",
                "minimum": MIN_TIMEOUT,
                "maximum": settings.max_timeout,
                "default": settings.timeout,
            },
        },
    ]


def saved_query_operation(saved: SavedQuery, settings: WebSettings) -> dict[str, Any]:
    """The OpenAPI operation of one saved query."""
    description = saved.description.en
    if saved.description.id:
        description += f"\n\n(id) {saved.title.id}: {saved.description.id}"
    return {
        "operationId": f"query-{saved.name}",
        "summary": saved.title.en,
        "description": description,
        "tags": ["saved queries", *saved.tags],
        "parameters": [_parameter(p) for p in saved.parameters] + _common(settings, saved.form),
        "responses": {**_answer(saved.form), **_errors(*_QUERY_ERRORS)},
    }


def _sparql_paths(settings: WebSettings) -> dict[str, Any]:
    graphs = {"type": "array", "items": {"type": "string", "format": "iri"}}
    dataset = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "style": "form",
            "explode": True,
            "description": "replaces the query's own FROM / FROM NAMED (project graphs only)",
            "schema": graphs,
        }
        for name in ("default-graph-uri", "named-graph-uri")
    ]
    query = {
        "name": "query",
        "in": "query",
        "required": False,
        "description": "a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE); without it, "
        "the service description",
        "schema": {"type": "string", "examples": ["SELECT * WHERE { ?s ?p ?o } LIMIT 10"]},
    }
    answers = _answer(None)
    answers["200"]["description"] += "; without a query, the SPARQL 1.1 service description"
    form_body = {
        "type": "object",
        "required": ["query"],
        "properties": {
            "query": {"type": "string"},
            "default-graph-uri": graphs,
            "named-graph-uri": graphs,
            "format": {"type": "string"},
            "timeout": {
                "type": "number",
                "minimum": MIN_TIMEOUT,
                "maximum": settings.max_timeout,
            },
        },
    }
    return {
        "/sparql": {
            "get": {
                "operationId": "sparql-get",
                "summary": "SPARQL 1.1 Protocol query (GET), or the service description",
                "tags": ["sparql"],
                "parameters": [query, *dataset, *_common(settings, None)],
                "responses": {**answers, **_errors(*_QUERY_ERRORS)},
            },
            "post": {
                "operationId": "sparql-post",
                "summary": "SPARQL 1.1 Protocol query (POST, form-encoded or the query itself)",
                "tags": ["sparql"],
                "parameters": dataset,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": form_body},
                        "application/sparql-query": {"schema": {"type": "string"}},
                    },
                },
                "responses": {**_answer(None), **_errors(*_QUERY_ERRORS, "413", "415")},
            },
        }
    }


def _records_body() -> dict[str, Any]:
    content: dict[str, Any] = {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES}
    content["multipart/form-data"] = {
        "schema": {
            "type": "object",
            "properties": {
                "file": {
                    "type": "array",
                    "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                }
            },
        }
    }
    return {"required": True, "content": content}


_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "language of the report's messages",
    "schema": {"type": "string", "enum": ["en", "id"]},
}


def _records_paths() -> dict[str, Any]:
    report = {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationReport"}}}
    added = {
        "type": "object",
        "required": ["added", "graph", "records", "report"],
        "properties": {
            "added": {"type": "boolean"},
            "graph": {"type": ["string", "null"], "description": "the batch's named graph"},
            "records": {"type": "integer"},
            "report": {"$ref": "#/components/schemas/ValidationReport"},
        },
    }
    return {
        "/api/validate": {
            "post": {
                "operationId": "validate",
                "summary": "Validate records against the shapes, in the graph's context",
                "description": "The same check as `umkm-kg validate`: 200 with the report, "
                "whether or not the records conform (see `conforms`).",
                "tags": ["records"],
                "parameters": [_LANG],
                "requestBody": _records_body(),
                "responses": {
                    "200": {"description": "the validation report", "content": report},
                    **_errors("400", "413", "415", "421", "500"),
                },
            }
        },
        "/api/records": {
            "post": {
                "operationId": "add-records",
                "summary": "Add records as one batch: all of them, or none",
                "description": "The same as `umkm-kg add`: validated first, then written in one "
                "transaction as a named graph. Off unless the server has a write token.",
                "tags": ["records"],
                "security": [{"writeToken": []}],
                "parameters": [
                    _LANG,
                    {
                        "name": "dry_run",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "boolean", "default": False},
                    },
                ],
                "requestBody": _records_body(),
                "responses": {
                    "201": {
                        "description": "added",
                        "content": {"application/json": {"schema": added}},
                    },
                    "200": {
                        "description": "dry run: the records conform; nothing written",
                        "content": {"application/json": {"schema": added}},
                    },
                    "401": {
                        "description": "no valid write token",
                        "content": {"application/json": {"schema": _ERROR}},
                    },
                    "409": {
                        "description": "a record repeats an enterprise already in the graph",
                        "content": {"application/json": {"schema": _ERROR}},
                    },
                    "422": {
                        "description": "the records do not conform; nothing written "
                        "(the report is in `error.report`)",
                        "content": {"application/json": {"schema": _ERROR}},
                    },
                    **_errors("400", "403", "413", "415", "421", "500"),
                },
            }
        },
    }


def _catalogue_paths(catalogue: Catalogue) -> dict[str, Any]:
    listing = {
        "type": "object",
        "required": ["queries"],
        "properties": {"queries": {"type": "array", "items": {"type": "object"}}},
    }
    choices = {
        "type": "object",
        "required": ["parameter", "choices"],
        "properties": {
            "parameter": {"type": "string"},
            "choices": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "label"],
                    "properties": {
                        "value": {"type": "string"},
                        "label": {"type": "string"},
                        "compact": {"type": "string"},
                    },
                },
            },
        },
    }
    return {
        "/api/queries": {
            "get": {
                "operationId": "list-queries",
                "summary": "The saved queries, with their typed parameters",
                "tags": ["saved queries"],
                "responses": {
                    "200": {
                        "description": "the catalogue",
                        "content": {"application/json": {"schema": listing}},
                    },
                    **_errors("421", "500"),
                },
            }
        },
        "/api/queries/{name}/choices/{parameter}": {
            "get": {
                "operationId": "parameter-choices",
                "summary": "The values the graph holds for a saved query's parameter",
                "tags": ["saved queries"],
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": catalogue.names()},
                    },
                    {
                        "name": "parameter",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "search",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "maxLength": 500},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50},
                    },
                    {
                        "name": "offset",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 0, "default": 0},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "a page of values, in term order",
                        "content": {"application/json": {"schema": choices}},
                    },
                    **_errors("400", "404", "421", "500", "502", "503", "504"),
                },
            }
        },
    }


def openapi_document(catalogue: Catalogue, settings: WebSettings) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document of a server with ``settings``."""
    paths: dict[str, Any] = {}
    paths.update(_sparql_paths(settings))
    paths.update(_catalogue_paths(catalogue))
    for saved in catalogue:
        paths[f"/api/queries/{saved.name}"] = {"get": saved_query_operation(saved, settings)}
    paths.update(_records_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "umkm-kg",
            "version": __version__,
            "summary": "The UMKM knowledge graph: SPARQL endpoint, saved queries, records",
            "description": "Read-only SPARQL 1.1 over a knowledge graph of Indonesian micro, "
            "small and medium enterprises, its saved queries as REST endpoints, and "
            "validation and adding of enterprise records. Every error is "
            '`{"error": {"status", "code", "message", "hint"}}`.',
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "tags": [
            {"name": "sparql", "description": "SPARQL 1.1 Protocol"},
            {"name": "saved queries", "description": "queries/*.rq, one endpoint each"},
            {"name": "records", "description": "validating and adding enterprise records"},
        ],
        "paths": paths,
        "components": {
            "schemas": {
                "Error": ERROR_SCHEMA,
                "SparqlResults": _SPARQL_JSON,
                "ValidationReport": _REPORT,
            },
            "securitySchemes": {
                "writeToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the token in the server's $UMKM_KG_WRITE_TOKEN",
                }
            },
        },
    }


def served_document(request: Request) -> dict[str, Any]:
    """The document the app serves at ``/openapi.json`` (made once per app, shared by ``/api``)."""
    document = getattr(request.app.state, "openapi", None)
    if document is None:
        document = openapi_document(graph_of(request).catalogue, settings_of(request))
        request.app.state.openapi = document
    assert isinstance(document, dict)
    return document
