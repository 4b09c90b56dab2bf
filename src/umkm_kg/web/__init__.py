"""The HTTP server: a SPARQL 1.1 Protocol endpoint, the saved queries as a REST API, record
validation and adding, and (from :mod:`.pages`) the HTML pages, all over one
:class:`~umkm_kg.kg.KnowledgeGraph` (``umkm-kg serve``)."""

from __future__ import annotations

from .app import create_app
from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]
