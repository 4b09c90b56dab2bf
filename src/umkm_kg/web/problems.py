"""One JSON shape for every API error, and the handlers that give it.

Every error answer of the API is ``{"error": {"status", "code", "message", "hint"}}`` (plus
``report`` for records that do not conform): the library's own errors keep the HTTP status
their class declares (:mod:`umkm_kg.errors`), a client mistake is a 4xx, and anything
unexpected is a 500 whose body says so and nothing more (never a traceback).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..errors import RecordsInvalid, UmkmError

log = logging.getLogger("umkm_kg.web")

ERROR_MEDIA_TYPE = "application/json"

_CODES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "too-large",
    415: "unsupported-media-type",
    421: "misdirected",
    422: "bad-request",
    500: "internal",
    503: "unavailable",
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "code": {"type": "string", "examples": ["bad-parameter"]},
                "message": {"type": "string"},
                "hint": {"type": ["string", "null"]},
                "report": {"type": "object", "description": "the validation report"},
            },
        }
    },
}
"""The JSON Schema of :func:`error_body` (used in the OpenAPI document)."""


class HttpProblem(UmkmError):
    """An error of the HTTP layer itself (a bad header, a missing token, a body too large)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        hint: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.http_status = status
        self.code = code or _CODES.get(status, "error")
        self.headers = headers or {}


def error_body(
    status: int, code: str, message: str, hint: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The one error shape: ``{"error": {"status", "code", "message", "hint", ...}}``."""
    return {"error": {"status": status, "code": code, "message": message, "hint": hint, **extra}}


def error_response(
    status: int,
    code: str,
    message: str,
    hint: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A :class:`JSONResponse` holding :func:`error_body`."""
    return JSONResponse(
        error_body(status, code, message, hint, **extra), status_code=status, headers=headers
    )


def from_library(exc: UmkmError) -> JSONResponse:
    """The response for one of the library's errors, with the status its class declares."""
    extra: dict[str, Any] = {}
    if isinstance(exc, RecordsInvalid) and exc.report is not None:
        as_dict = getattr(exc.report, "as_dict", None)
        if callable(as_dict):
            extra["report"] = as_dict()
    headers = exc.headers if isinstance(exc, HttpProblem) else None
    return error_response(
        exc.http_status, exc.code, exc.message, exc.hint, headers=headers, **extra
    )


def install(app: FastAPI) -> None:
    """Make every error of ``app`` answer in the one JSON shape."""

    async def library(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, UmkmError)
        if exc.http_status >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, exc.message)
        return from_library(exc)

    async def http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        status = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else ""
        if not message or message == HTTPStatus(status).phrase:  # Starlette's bare phrase
            message = _default_message(status)
        return error_response(
            status, _CODES.get(status, "error"), message, headers=dict(exc.headers or {})
        )

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = []
        for item in exc.errors():
            where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "body"))
            problems.append(f"{where}: {item.get('msg', 'invalid')}" if where else item["msg"])
        return error_response(
            400, "bad-parameter", "; ".join(problems) or "the request is not valid"
        )

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return error_response(
            500, "internal", "the server failed to answer this request; it has been logged"
        )

    app.add_exception_handler(UmkmError, library)
    app.add_exception_handler(HTTPException, http)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, unexpected)


def _default_message(status: int) -> str:
    return {
        404: "there is nothing at this address",
        405: "this address does not take that method",
    }.get(status, "the request failed")
