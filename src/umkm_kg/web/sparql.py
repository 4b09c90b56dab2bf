"""``/sparql``: the SPARQL 1.1 Protocol (query operation only) over the project's graphs.

GET with ``query=``; POST form-encoded, or POST ``application/sparql-query`` with the query as
the body; ``default-graph-uri`` / ``named-graph-uri`` (repeatable) replace the query's own
dataset; the answer's format comes from ``format=`` or the ``Accept`` header; ``timeout=``
asks for fewer seconds than the server's maximum. Without a query, GET answers with the
service description. Updates are refused (403), as is anything the read-only check refuses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, QueryParams

from ..query.dataset import with_dataset
from ..query.results import QueryResult
from .answers import result_response
from .app_state import graph_of, settings_of
from .negotiation import GRAPH_FORMATS, choose, offers
from .problems import HttpProblem
from .settings import WebSettings

router = APIRouter()

MIN_TIMEOUT = 0.1
"""Fewest seconds a request may ask for (as ``--timeout``): less could not even check a query."""

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET",
    "Access-Control-Allow-Headers": "Accept",
    "Access-Control-Max-Age": "86400",
}


def _refuse_update() -> HttpProblem:
    return HttpProblem(
        403,
        "SPARQL Update is not allowed: this endpoint is read-only",
        hint="add records with POST /api/records or umkm-kg add",
        code="forbidden-query",
    )


def request_timeout(raw: str | None, settings: WebSettings) -> float:
    """The seconds a query may run: ``raw`` (a ``timeout`` parameter) or the server's default.

    :raises HttpProblem: 400 when ``raw`` is not a number of seconds up to the maximum.
    """
    if raw is None or raw.strip() == "":
        return settings.timeout
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < MIN_TIMEOUT:
        raise HttpProblem(
            400,
            f"timeout {raw[:40]!r} is not a number of seconds of at least {MIN_TIMEOUT:g}",
            hint=f"for example timeout=5 (at most {settings.max_timeout:g})",
            code="bad-parameter",
        )
    if seconds > settings.max_timeout:
        raise HttpProblem(
            400,
            f"timeout {seconds:g} s is more than this server allows ({settings.max_timeout:g} s)",
            hint="ask for less time, or start the server with a larger --max-timeout",
            code="bad-parameter",
        )
    return seconds


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name, ())
    if len(values) > 1:
        raise HttpProblem(400, f"give {name} once, not {len(values)} times", code="bad-parameter")
    return values[0] if values else None


def _lists(*sources: QueryParams | FormData) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for source in sources:
        for key, value in source.multi_items():
            if isinstance(value, str):
                merged.setdefault(key, []).append(value)
    return merged


async def _answer(request: Request, params: Mapping[str, list[str]], text: str) -> Response:
    kg = graph_of(request)
    settings = settings_of(request)
    timeout = request_timeout(_one(params, "timeout"), settings)
    name = _one(params, "format")
    accept = request.headers.get("accept")
    sparql = with_dataset(
        text, params.get("default-graph-uri", ()), params.get("named-graph-uri", ())
    )
    result: QueryResult = await run_in_threadpool(
        kg.query, sparql, timeout=timeout, max_rows=settings.max_rows
    )
    fmt = choose(offers(result.form), accept, name)
    return result_response(result, fmt, cors=request.method == "GET")


@router.get("/sparql", include_in_schema=False)
async def sparql_get(request: Request) -> Response:
    """A query in the URL, or without one the service description."""
    params = _lists(request.query_params)
    if "update" in params:
        raise _refuse_update()
    text = _one(params, "query")
    if text is None:
        return await _description(request, params)
    return await _answer(request, params, text)


@router.post("/sparql", include_in_schema=False)
async def sparql_post(request: Request) -> Response:
    """A query in a form-encoded body, or as an ``application/sparql-query`` body."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media == UPDATE:
        raise _refuse_update()
    if media == FORM:
        params = _lists(request.query_params, await request.form())
        if "update" in params:
            raise _refuse_update()
        text = _one(params, "query")
    elif media == QUERY:
        params = _lists(request.query_params)
        body = await request.body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpProblem(400, "the query is not UTF-8 text", code="bad-input") from None
    else:
        raise HttpProblem(
            415,
            f"POST /sparql takes {FORM} or {QUERY}, not {media or 'no Content-Type'}",
            hint="send query=... form-encoded, or the query itself as application/sparql-query",
        )
    if text is None or not text.strip():
        raise HttpProblem(400, "the request has no query", code="bad-parameter")
    return await _answer(request, params, text)


@router.options("/sparql", include_in_schema=False)
async def sparql_options() -> Response:
    """CORS preflight: cross-origin pages may GET results (nothing else)."""
    return Response(status_code=204, headers={**CORS_HEADERS, "Allow": "GET, POST, OPTIONS"})


async def _description(request: Request, params: Mapping[str, list[str]]) -> Response:
    from .service import describe

    fmt = choose(GRAPH_FORMATS, request.headers.get("accept"), _one(params, "format"))
    endpoint = str(request.url.replace(query=""))
    result = await run_in_threadpool(describe, graph_of(request), endpoint)
    return result_response(result, fmt, cors=True)
