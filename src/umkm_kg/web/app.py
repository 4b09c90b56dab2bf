"""The application factory: one FastAPI app over one knowledge graph (no module globals)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..kg import KnowledgeGraph
from . import api, home, pages, problems, sparql
from .app_state import graph_of, settings_of
from .csrf import CsrfCookie
from .guard import BodyLimit, HostGuard
from .settings import WebSettings
from .warming import Warmer

__all__ = ["create_app", "graph_of", "settings_of"]


def create_app(kg: KnowledgeGraph, *, settings: WebSettings | None = None) -> FastAPI:
    """The HTTP server's app over ``kg``: SPARQL endpoint, saved-query API, records, pages.

    The caller owns ``kg`` (and closes it); the app only reads it, and adds records through
    :func:`umkm_kg.records.add.add_records` when ``settings.write_token`` is set.
    """
    settings = settings or WebSettings()
    figures = home.HomeFigures()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Warm the home page's figures and the forms' menus for each new data version.
        every = settings.warm_every
        warmer = None
        if every is not None:
            warmer = Warmer(
                kg, figures, app_state=app.state, every=every, timeout=settings.max_timeout
            )
            warmer.start()
        app.state.warmer = warmer
        try:
            yield
        finally:
            if warmer is not None:
                warmer.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="umkm-kg",
        version=__version__,
        summary="The UMKM knowledge graph: SPARQL endpoint and saved queries",
        docs_url=None,  # the documentation page is one of the HTML pages (.pages)
        redoc_url=None,
        openapi_url=None,  # served by .openapi from the catalogue, not from the routes
    )
    app.state.kg = kg
    app.state.settings = settings
    app.state.home_figures = figures
    app.state.csrf_secret = secrets.token_bytes(32)
    problems.install(app)
    app.include_router(sparql.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    # Outermost last: the Host check runs first, then the body cap, then the CSRF cookie.
    app.add_middleware(CsrfCookie)
    app.add_middleware(BodyLimit, limit=settings.max_body)
    app.add_middleware(HostGuard, allowed=settings.allowed_hosts)
    return app
