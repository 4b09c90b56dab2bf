"""``/api``: the saved queries as REST endpoints, and validating and adding records.

- ``GET /api/queries``: the catalogue (the same records as ``umkm-kg query list --format json``);
- ``GET /api/queries/{name}?param=value``: run a saved query (as ``umkm-kg query run``);
- ``GET /api/queries/{name}/choices/{parameter}``: the graph's values for a parameter;
- ``POST /api/validate``: records in, the validation report out (as ``umkm-kg validate``);
- ``POST /api/records``: add records (as ``umkm-kg add``), only with the server's write token.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import BadParameter, UmkmError
from ..query.catalogue import compact
from ..records.add import add_records
from ..store import DiskStore
from ..validation.files import validate_files
from .answers import result_response
from .app_state import graph_of, settings_of
from .negotiation import choose, offers
from .problems import HttpProblem
from .sparql import request_timeout
from .uploads import TEMP_PREFIX, as_files, read_uploads, shown_name

router = APIRouter()

RESERVED = frozenset({"format", "timeout"})
"""Query-string names that are not saved-query parameters."""
MAX_CHOICES = 1000


def _single(request: Request) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in params:
            raise BadParameter(f"parameter {key} is given more than once")
        params[key] = value
    return params


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request) -> JSONResponse:
    """The OpenAPI 3.1 document, made from the saved-query catalogue (once per app)."""
    from .openapi import served_document

    return JSONResponse(served_document(request), headers={"Access-Control-Allow-Origin": "*"})


@router.get("/api/queries", include_in_schema=False)
def list_queries(request: Request) -> JSONResponse:
    """Every saved query with its parameters."""
    catalogue = graph_of(request).catalogue
    return JSONResponse(
        {"queries": [saved.as_dict() for saved in catalogue]},
        headers={"Access-Control-Allow-Origin": "*"},
    )


@router.get("/api/queries/{name}", include_in_schema=False)
def run_query(name: str, request: Request) -> Response:
    """Run the saved query ``name`` with its parameters from the query string."""
    kg = graph_of(request)
    settings = settings_of(request)
    saved = kg.catalogue.get(name)
    params = _single(request)
    timeout = request_timeout(params.pop("timeout", None), settings)
    fmt = choose(offers(saved.form), request.headers.get("accept"), params.pop("format", None))
    result = kg.run(saved, params, timeout=timeout, max_rows=settings.max_rows)
    return result_response(result, fmt, cors=True)


@router.get("/api/queries/{name}/choices/{parameter}", include_in_schema=False)
def parameter_choices(
    name: str,
    parameter: str,
    request: Request,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> JSONResponse:
    """A page of the values the graph holds for a parameter (for a form's menu)."""
    kg = graph_of(request)
    wanted = kg.catalogue.get(name).parameter(parameter)
    if not 1 <= limit <= MAX_CHOICES or offset < 0:
        raise BadParameter(f"limit must be 1 to {MAX_CHOICES} and offset at least 0")
    if wanted.values_from_graph is None:
        found = [{"value": v, "label": v} for v in wanted.allowed[offset : offset + limit]]
    else:
        choices = kg.choices(
            wanted, search=search, limit=limit, offset=offset, timeout=settings_of(request).timeout
        )
        lang = settings_of(request).lang
        found = [
            {"value": str(c.value), "label": c.label(lang), "compact": compact(c.value)}
            for c in choices
        ]
    return JSONResponse({"parameter": wanted.name, "choices": found})


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", settings_of(request).lang)
    if lang not in ("id", "en"):
        raise BadParameter(f"lang {lang[:20]!r} is not id or en")
    return lang


def _report(report: Any, lang: str) -> dict[str, Any]:
    document: dict[str, Any] = report.as_dict(lang)
    for record in document.get("records", ()):
        if isinstance(record.get("source"), str):
            record["source"] = shown_name(record["source"])
    return document


def _scrubbed(exc: UmkmError) -> UmkmError:
    """``exc`` without the temporary folder's path in its message (the client's file name)."""
    import re

    pattern = re.compile(r"/\S*?" + re.escape(TEMP_PREFIX) + r"[^/\s]*/\d{2}-")
    exc.message = pattern.sub("", exc.message)
    return exc


@router.post("/api/validate", include_in_schema=False)
async def validate_records(request: Request) -> JSONResponse:
    """Validate the records sent; answer with the report (200 whether or not they conform)."""
    lang = _lang(request)
    uploads = await read_uploads(request)
    kg = graph_of(request)

    def check() -> dict[str, Any]:
        with as_files(uploads) as paths:
            try:
                report = validate_files(paths, kg, max_bytes=settings_of(request).max_body)
            except UmkmError as exc:
                raise _scrubbed(exc) from None
            return _report(report, lang)

    return JSONResponse(await run_in_threadpool(check))


def _authorised(request: Request) -> None:
    settings = settings_of(request)
    if not settings.write_token:
        raise HttpProblem(
            403,
            "adding records is off on this server",
            hint="start it with --write-token (the token in $UMKM_KG_WRITE_TOKEN)",
        )
    header = request.headers.get("authorization", "")
    scheme, _, sent = header.partition(" ")
    # compare_digest takes as long whatever the first differing byte: no timing oracle
    ok = scheme.lower() == "bearer" and hmac.compare_digest(
        sent.strip().encode("utf-8", "replace"), settings.write_token.encode("utf-8")
    )
    if not ok:
        raise HttpProblem(
            401,
            "adding records needs the server's write token",
            hint="send it as: Authorization: Bearer TOKEN",
            headers={"WWW-Authenticate": 'Bearer realm="umkm-kg"'},
        )


@router.post("/api/records", include_in_schema=False)
async def add(request: Request) -> JSONResponse:
    """Add the records sent as one batch (all or nothing); 201 with the batch's graph."""
    _authorised(request)
    lang = _lang(request)
    dry_run = request.query_params.get("dry_run", "false").lower() in ("1", "true")
    kg = graph_of(request)
    if not isinstance(kg.store, DiskStore) or kg.data_dir is None:
        raise HttpProblem(403, "this server reads a remote store: records cannot be added here")
    data_dir = kg.data_dir
    uploads = await read_uploads(request)

    def write() -> tuple[int, dict[str, Any]]:
        with as_files(uploads) as paths:
            try:
                added = add_records(
                    kg, paths, data_dir, max_bytes=settings_of(request).max_body, dry_run=dry_run
                )
            except UmkmError as exc:
                raise _scrubbed(exc) from None
        body = {
            "added": added.graph is not None,
            "graph": added.graph,
            "records": added.records,
            "report": _report(added.report, lang),
        }
        if not added.conforms:
            message = "the records do not conform to the shapes; nothing was written"
            return 422, {
                "error": {
                    "status": 422,
                    "code": "not-conformant",
                    "message": message,
                    "hint": "see report: fix the records listed and send them again",
                    "report": body["report"],
                }
            }
        return (201 if added.graph else 200), body

    status, body = await run_in_threadpool(write)
    return JSONResponse(body, status_code=status)
