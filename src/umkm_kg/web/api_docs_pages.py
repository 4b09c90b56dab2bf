"""``/api``: the OpenAPI document the app serves, as a page to read (no script needed).

Swagger UI loads from a CDN and runs inline scripts; this page is drawn on the server from the
same document object as ``/openapi.json`` (:func:`.openapi.served_document`), so the two
cannot disagree. Saved queries add their title and texts in the page's language, a link to
their form and an example call with their defaults.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..query.catalogue import Catalogue
from .api import RESERVED
from .openapi import served_document
from .page_render import READ, kg_of, lang_of, render_page
from .page_text import word

router = APIRouter(include_in_schema=False)

_SAVED = "/api/queries/"


def _text(value: Any) -> str:
    """A JSON value as it is written in a URL or shown on the page."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "")
    name = " | ".join(kind) if isinstance(kind, list) else str(kind)
    if "format" in schema:
        name += f" ({schema['format']})"
    return name


def _parameter(parameter: dict[str, Any], descriptions: dict[str, str]) -> dict[str, Any]:
    schema = parameter.get("schema", {})
    examples = schema.get("examples") or ([parameter["example"]] if "example" in parameter else [])
    return {
        "name": parameter["name"],
        "in": parameter.get("in", ""),
        "required": bool(parameter.get("required")),
        "type": _type(schema),
        "enum": [_text(v) for v in schema.get("enum", ())],
        "default": _text(schema["default"]) if "default" in schema else None,
        "example": _text(examples[0]) if examples else None,
        "description": descriptions.get(parameter["name"]) or parameter.get("description", ""),
    }


def example_url(path: str, operation: dict[str, Any]) -> str:
    """A call of a saved query with its defaults (and examples for required values)."""
    params = []
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") != "query" or parameter["name"] in RESERVED:
            continue
        schema = parameter.get("schema", {})
        if "default" in schema:
            params.append((parameter["name"], _text(schema["default"])))
        elif parameter.get("required") and schema.get("examples"):
            params.append((parameter["name"], _text(schema["examples"][0])))
    return path + ("?" + urlencode(params) if params else "")


def _security(document: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    """How the operation's client proves who it is, e.g. ``writeToken: http bearer``."""
    schemes = document.get("components", {}).get("securitySchemes", {})
    shown = []
    for requirement in operation.get("security", ()):
        for name in requirement:
            scheme = schemes.get(name, {})
            kind = " ".join(str(scheme[k]) for k in ("type", "scheme") if k in scheme)
            description = scheme.get("description", "")
            shown.append(f"{name}: {kind}" + (f" ({description})" if description else ""))
    return shown


def operations(document: dict[str, Any], catalogue: Catalogue, lang: str) -> list[dict[str, Any]]:
    """Every operation of ``document`` in its order, ready for the template."""
    found = []
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            name = path[len(_SAVED) :] if path.startswith(_SAVED) else ""
            saved = catalogue.get(name) if name in catalogue else None
            summary = operation.get("summary", "")
            description = operation.get("description", "")
            descriptions: dict[str, str] = {}
            if saved is not None:
                summary, description = saved.title.get(lang), saved.description.get(lang)
                descriptions = {p.name: p.description.get(lang) for p in saved.parameters}
            body = operation.get("requestBody", {})
            found.append(
                {
                    "id": operation.get("operationId") or f"{method}-{path}",
                    "method": method.upper(),
                    "path": path,
                    "summary": summary,
                    "description": description,
                    "tags": operation.get("tags", []),
                    "parameters": [
                        _parameter(p, descriptions) for p in operation.get("parameters", ())
                    ],
                    "body": list(body.get("content", {})),
                    "body_required": bool(body.get("required")),
                    "security": _security(document, operation),
                    "responses": [
                        {
                            "status": status,
                            "description": answer.get("description", ""),
                            "media": list(answer.get("content", {})),
                        }
                        for status, answer in operation.get("responses", {}).items()
                    ],
                    "saved": saved.name if saved is not None else None,
                    "example": example_url(path, operation) if saved is not None else None,
                }
            )
    return found


@router.api_route("/api", methods=READ, response_class=HTMLResponse)
def api_docs_page(request: Request) -> HTMLResponse:
    """The API's paths, operations, parameters, bodies and answers, from ``/openapi.json``."""
    lang = lang_of(request)
    document = served_document(request)
    return render_page(
        request,
        "api_docs.html",
        title=word("api_docs", lang),
        info=document.get("info", {}),
        version=document.get("openapi", ""),
        operations=operations(document, kg_of(request).catalogue, lang),
    )
