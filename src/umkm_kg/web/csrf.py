"""CSRF protection for HTML forms that change state (signed double-submit cookie).

Every response carries a random ``umkm_csrf`` cookie (SameSite=Strict, HttpOnly) when the
request had none; :func:`form_token` gives the value a form sends back in its ``csrf_token``
field (or an ``X-CSRF-Token`` header): the cookie's nonce signed with the server's secret.
A route that changes state depends on :func:`require_csrf`, which refuses (403) a request
whose token does not match its cookie, or whose ``Origin`` is another site. API calls that
authenticate with a bearer token (``POST /api/records``) need none: a browser never adds that
header to a cross-site request on its own.

In a page handler::

    token = form_token(request)      # put it in <input type="hidden" name="csrf_token">

and on the route the form posts to: ``dependencies=[Depends(require_csrf)]``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import HttpProblem

COOKIE = "umkm_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _sign(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, nonce.encode("ascii"), hashlib.sha256).hexdigest()


def _nonce(request: Request) -> str:
    nonce = getattr(request.state, "csrf_nonce", None)
    if not isinstance(nonce, str):
        raise RuntimeError("the CSRF middleware is not installed")
    return nonce


def form_token(request: Request) -> str:
    """The token a form of this page must send back in its ``csrf_token`` field."""
    secret: bytes = request.app.state.csrf_secret
    return _sign(secret, _nonce(request))


async def require_csrf(request: Request) -> None:
    """FastAPI dependency: refuse a state-changing request without a valid CSRF token.

    :raises HttpProblem: 403 when the token is missing or does not match the cookie, or the
        request comes from another origin.
    """
    if request.method in _SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc.lower() != host.lower():
            raise HttpProblem(403, f"a form from {origin[:100]} may not change this server")
    sent = request.headers.get(HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(FIELD)
            sent = value if isinstance(value, str) else None
    cookie = request.cookies.get(COOKIE)
    secret: bytes = request.app.state.csrf_secret
    if (
        not sent
        or not cookie
        or not hmac.compare_digest(sent.encode("utf-8", "replace"), _sign(secret, cookie).encode())
    ):
        raise HttpProblem(
            403,
            "the form's CSRF token is missing or does not match",
            hint="reload the page and send the form again",
            code="csrf",
        )


class CsrfCookie:
    """ASGI middleware: give each request a nonce (``request.state.csrf_nonce``), from its
    cookie or new, and set the cookie on the response when it was new."""

    def __init__(self, app: ASGIApp, *, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = _cookie_value(scope)
        fresh = nonce is None
        if nonce is None:
            nonce = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_nonce"] = nonce

        async def with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                flags = "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if self.secure else "")
                headers.append("set-cookie", f"{COOKIE}={nonce}{flags}")
            await send(message)

        await self.app(scope, receive, with_cookie)


def _cookie_value(scope: Scope) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            text: str = value.decode("latin-1")
            for part in text.split(";"):
                name, _, found = part.strip().partition("=")
                if name == COOKIE and 20 <= len(found) <= 100 and found.isascii():
                    return found
    return None
