"""A static linked-data site of the graph: ``umkm-kg export site DIR``.

One HTML page per resource with its Turtle, JSON-LD and N-Triples next to it, the ontology
documentation, saved-query pages, the dumps and their description, and content-negotiation
configuration for Apache and nginx. Long lists (the resources of a class, the facts pointing at
a popular resource) go on over further pages (:class:`Paging`), and the search index is sharded.
"""

from __future__ import annotations

from .build import SiteReport, build_site
from .listing import Paging

__all__ = ["Paging", "SiteReport", "build_site"]
