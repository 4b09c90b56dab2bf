"""``umkm-kg serve``: the SPARQL endpoint, the saved-query API and the pages over HTTP."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Annotated

import typer

from ..web.settings import DEFAULT_HOST, DEFAULT_PORT, MAX_BODY, WRITE_TOKEN_ENV
from ._common import err, settings


class LogLevel(StrEnum):
    """How much the server logs."""

    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (other than loopback: warned).")
    ] = DEFAULT_HOST,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0 picks a free one).")
    ] = DEFAULT_PORT,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another Host header name to answer for (repeat; '*' for any). Loopback "
            "names and --host are always allowed.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=32, help="Query processes (embedded store).")
    ] = 3,
    max_timeout: Annotated[
        float | None,
        typer.Option(
            "--max-timeout",
            min=0.1,
            help="Most seconds a request may ask for with ?timeout= (default: --timeout).",
        ),
    ] = None,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1024, help="Largest request body, in bytes.")
    ] = MAX_BODY,
    log_level: Annotated[
        LogLevel, typer.Option("--log-level", help="What the server logs (each request: info).")
    ] = LogLevel.info,
    write_token: Annotated[
        bool,
        typer.Option(
            "--write-token",
            help=f"Allow POST /api/records with the token in ${WRITE_TOKEN_ENV} "
            "(never on the command line, where other users could read it).",
        ),
    ] = False,
) -> None:
    """Serve the graph over HTTP: /sparql, /api/queries/NAME, /api/validate, /openapi.json."""
    from ..web import WebSettings, server

    options = settings(ctx)
    token = None
    if write_token:
        token = os.environ.get(WRITE_TOKEN_ENV)
        if not token or len(token) < 16:
            err.print(f"error: --write-token needs ${WRITE_TOKEN_ENV} set to 16 characters or more")
            raise typer.Exit(2)
    if not server.is_loopback(host):
        err.print(
            f"warning: listening on {host}: other machines can reach this server "
            "(it has no TLS and no login of its own; put it behind a proxy)"
        )
    allowed = ["127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host}]"]
    allowed += list(allow_host or ())
    web_settings = WebSettings(
        timeout=options.timeout,
        max_timeout=max(max_timeout or options.timeout, options.timeout),
        max_rows=options.max_rows,
        max_body=max_body,
        write_token=token,
        allowed_hosts=tuple(allowed),
        lang=options.lang.value,
    )
    sock = server.bind(host, port)
    if options.endpoint:
        kg = options.kg()
    else:
        kg = server.open_graph(options.records_dir, workers=workers)
    try:
        server.run(
            kg,
            web_settings,
            sock,
            log_level=log_level.value,
            announce=lambda url: err.print(f"serving on {url}"),
        )
    finally:
        kg.close()
