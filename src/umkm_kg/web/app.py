"""The application factory: one FastAPI app over one knowledge graph (no module globals)."""

from __future__ import annotations

import secrets

from fastapi import FastAPI, Request

from .. import __version__
from ..kg import KnowledgeGraph
from . import pages, problems
from .csrf import CsrfCookie
from .guard import BodyLimit, HostGuard
from .settings import WebSettings


def create_app(kg: KnowledgeGraph, *, settings: WebSettings | None = None) -> FastAPI:
    """The HTTP server's app over ``kg``: SPARQL endpoint, saved-query API, records, pages.

    The caller owns ``kg`` (and closes it); the app only reads it, and adds records through
    :func:`umkm_kg.records.add.add_records` when ``settings.write_token`` is set.
    """
    settings = settings or WebSettings()
    app = FastAPI(
        title="umkm-kg",
        version=__version__,
        summary="The UMKM knowledge graph: SPARQL endpoint and saved queries",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url=None,  # served by .openapi from the catalogue, not from the routes
    )
    app.state.kg = kg
    app.state.settings = settings
    app.state.csrf_secret = secrets.token_bytes(32)
    problems.install(app)
    app.include_router(pages.router)
    # Outermost last: the Host check runs first, then the body cap, then the CSRF cookie.
    app.add_middleware(CsrfCookie)
    app.add_middleware(BodyLimit, limit=settings.max_body)
    app.add_middleware(HostGuard, allowed=settings.allowed_hosts)
    return app


def graph_of(request: Request) -> KnowledgeGraph:
    """The knowledge graph the app serves (a FastAPI dependency)."""
    kg = request.app.state.kg
    assert isinstance(kg, KnowledgeGraph)
    return kg


def settings_of(request: Request) -> WebSettings:
    """The settings the app was made with (a FastAPI dependency)."""
    settings = request.app.state.settings
    assert isinstance(settings, WebSettings)
    return settings
