"""Where each resource's files go in the site: the IRI's path below the project base.

``https://w3id.org/umkm-kg/id/enterprise-x`` is served from ``id/enterprise-x.html`` (and
``.ttl``, ``.jsonld``, and ``.nt`` if asked for); ontology terms ``…/ontology#Term`` from
``ontology/Term.html``; the ontology itself and the dataset from ``ontology.html`` and
``dataset.html``. Links between pages are relative, so the site works under any host and path.
"""

from __future__ import annotations

import posixpath
import re

from ...formats import RdfFormat
from ...namespaces import BASE, KG, UMKM

RESOURCE_FORMATS: tuple[RdfFormat, ...] = (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES)
"""The RDF files that can be written next to every resource page (and served by negotiation)."""
DEFAULT_ALTERNATES: tuple[RdfFormat, ...] = (RdfFormat.TURTLE, RdfFormat.JSONLD)
"""The ones written unless asked otherwise. Not N-Triples: a registry's site is a quarter fewer
files and a fifth smaller without it; the same triples are in the Turtle file beside the page
and in the N-Triples dump."""

ONTOLOGY_IRI = BASE + "ontology"
ONTOLOGY_PAGE = "ontology"
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*\Z")


def page_stem(iri: str) -> str | None:
    """The site path (without extension) of a resource the site describes, or ``None``.

    Only IRIs below the project base with plain path segments get a page; anything else (an
    outside IRI, a query string, an odd character) is linked to where it lives instead.
    """
    if iri == ONTOLOGY_IRI:
        return ONTOLOGY_PAGE
    if iri.startswith(str(UMKM)):
        local = iri[len(str(UMKM)) :]
        return f"ontology/{local}" if _SEGMENT.match(local) else None
    if iri.startswith(str(KG)):
        rest = iri[len(str(KG)) :]
        segments = rest.split("/")
        if rest and all(_SEGMENT.match(s) for s in segments):
            return "id/" + rest
    return None


def relative(target: str, page: str) -> str:
    """The link from the file ``page`` to the file ``target`` (both relative to the site root)."""
    folder, name = posixpath.split(target)
    start = posixpath.dirname(page)
    if folder == start:  # most links: a page of the same folder
        return name
    return posixpath.relpath(target, start or ".")
