"""Request guards applied before any route: the Host header (DNS rebinding) and body size.

Both are plain ASGI middleware, so that they stop a request before its body is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import HttpProblem, error_body


def _host_name(value: str) -> str:
    """``example.org`` from ``example.org:8000``; ``[::1]`` from ``[::1]:8000``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


async def _refuse(send: Send, status: int, code: str, message: str, hint: str | None) -> None:
    body = json.dumps(error_body(status, code, message, hint)).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class HostGuard:
    """Answer only requests whose ``Host`` names one of ``allowed`` (``*`` allows any).

    A page on another site can make a browser send requests to 127.0.0.1 under a name of its
    own (DNS rebinding); checking the name stops it reading the answers.
    """

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = {_host_name(h) for h in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "*" in self.allowed:
            await self.app(scope, receive, send)
            return
        host = ""
        for key, value in scope.get("headers", ()):
            if key == b"host":
                host = value.decode("latin-1")
                break
        if _host_name(host) not in self.allowed:
            await _refuse(
                send,
                421,
                "misdirected",
                f"this server does not answer for the host {host[:100]!r}",
                "start the server with --allow-host NAME to answer for that name",
            )
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse a request body over ``limit`` bytes (413), by its Content-Length or as it streams."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", ()):
            if key == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
                if length < 0 or length > self.limit:
                    await self._too_large(send)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:  # answered by the app's handler, in the one shape
                    raise HttpProblem(413, self._message, hint=self._hint)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except HttpProblem:
            if started:
                raise
            await self._too_large(send)

    @property
    def _message(self) -> str:
        return f"the request body is larger than the {self.limit} bytes this server accepts"

    _hint = "send fewer records at once, or load large files with umkm-kg load"

    async def _too_large(self, send: Send) -> None:
        await _refuse(send, 413, "too-large", self._message, self._hint)
