"""A static linked-data site of the graph: ``umkm-kg export site DIR``.

One HTML page per resource with its Turtle, JSON-LD and N-Triples next to it, the ontology
documentation, saved-query pages, the dumps and their description, and content-negotiation
configuration for Apache and nginx.
"""

from __future__ import annotations

from .build import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]
