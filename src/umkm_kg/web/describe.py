"""One resource as the server shows it: its facts, the facts pointing to it (a page at a time),
labels and provenance, gathered by a few SPARQL queries and drawn with the static site's views.

The static site indexes the whole dataset once (:class:`~umkm_kg.publish.site.index.ResourceIndex`);
the server builds the same index over just the quads one page needs, so the page markup,
provenance column and RDF files are those of :mod:`umkm_kg.publish.site`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, URIRef

from ..errors import BadParameter, UnknownName
from ..formats import RdfFormat
from ..kg import KnowledgeGraph
from ..namespaces import ONTOLOGY_GRAPH
from ..publish.jsonld import compact_document
from ..publish.site import rdf
from ..publish.site.index import (
    LABEL_PROPERTIES,
    PROVENANCE_PROPERTIES,
    RDF_TYPE,
    ResourceIndex,
)
from ..publish.site.paths import page_stem
from ..publish.site.views import Views
from ..query.results import Term, term_to_oxigraph
from ..query.sparql import safe_term

VOCAB = "https://schema.org/"
"""``@vocab`` of a resource's JSON-LD, as in the static site."""
MAX_OUTGOING = 2_000
"""Facts of one resource read for its page (a resource has few; the cut is said)."""
MAX_LABELLED = 500
"""Resources on one page whose labels and provenance are looked up."""
FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.JSONLD,
    RdfFormat.NTRIPLES,
    RdfFormat.RDFXML,
)
"""What a resource is served as besides HTML."""


def local_href(iri: str) -> str:
    """Where a link to ``iri`` goes: its page on this server (``/id/...``, ``/ontology/...``),
    else the IRI itself if it is http(s); '' (no link) for any other scheme."""
    stem = page_stem(iri)
    if stem is not None:
        return "/" + stem
    return iri if iri.startswith(("http://", "https://")) else ""


class PageViews(Views):
    """The site's views with links to the server's own paths."""

    def href(self, iri: str) -> str:
        return local_href(iri)


@dataclass
class Description:
    """What a resource page shows."""

    iri: str
    index: ResourceIndex
    views: PageViews
    incoming_facts: int
    incoming_offset: int
    incoming_shown: list[Any]
    truncated: bool

    @property
    def node(self) -> ox.NamedNode:
        return ox.NamedNode(self.iri)

    def context(self) -> dict[str, Any]:
        """The template context of the page."""
        labels = self.index.labels(self.iri)
        return {
            "resource": self.views.iri(self.iri),
            "title": self.index.label(self.iri, self.views.lang),
            "labels": [(tag, labels[tag]) for tag in ("id", "en", "") if tag in labels],
            "types": [self.views.iri(t) for t in self.index.types(self.iri)],
            "provenance": self.views.provenance(self.node),
            "outgoing": self.views.groups(self.index.outgoing(self.node), page_node=self.node),
            "incoming": self.views.groups(self.incoming_shown, incoming=True),
            "incoming_facts": self.incoming_facts,
            "incoming_offset": self.incoming_offset,
            "truncated": MAX_OUTGOING if self.truncated else 0,
        }


def iri_of_path(path: str) -> str:
    """The IRI a server path stands for (``/id/x`` -> ``https://w3id.org/umkm-kg/id/x``).

    :raises UnknownName: the path names no resource the pages describe (HTTP 404).
    """
    from ..namespaces import BASE

    iri = BASE + path.lstrip("/")
    if page_stem(iri) != path.lstrip("/"):
        raise UnknownName(f"no resource has the path {path[:200]!r}")
    return iri


def _n3(term: Term) -> str:
    return safe_term(term)


def _quads(kg: KnowledgeGraph, sparql: str, max_rows: int | None) -> tuple[list[ox.Quad], bool]:
    """The ``?s ?p ?o ?g`` rows of a SELECT as quads; and whether the answer was cut."""
    result = kg.query(sparql, max_rows=max_rows)
    quads = []
    for row in result.rows:
        s, p, o, g = row.get("s"), row.get("p"), row.get("o"), row.get("g")
        if not isinstance(s, URIRef | BNode) or not isinstance(p, URIRef) or o is None:
            continue
        graph = ox.NamedNode(str(g)) if isinstance(g, URIRef) else ox.DefaultGraph()
        quads.append(
            ox.Quad(term_to_oxigraph(s), term_to_oxigraph(p), term_to_oxigraph(o), graph)  # type: ignore[arg-type]
        )
    return quads, result.truncated


def describe(
    kg: KnowledgeGraph, iri: str, lang: str, *, offset: int = 0, limit: int = 100
) -> Description:
    """Gather what the page of ``iri`` shows: its facts (and its blank nodes'), ``limit`` of the
    facts pointing to it from ``offset``, and the labels and provenance of what they name.

    :raises UnknownName: the graph says nothing about ``iri`` (HTTP 404).
    """
    me = _n3(URIRef(iri))
    outgoing, cut = _quads(
        kg,
        f"""SELECT ?s ?p ?o ?g WHERE {{
  {{ GRAPH ?g {{ {me} ?p ?o }} BIND({me} AS ?s) }}
  UNION
  {{ GRAPH ?h {{ {me} ?q ?s }} FILTER(isBlank(?s)) GRAPH ?g {{ ?s ?p ?o }} }}
  UNION
  {{ GRAPH ?h {{ {me} ?q ?b }} FILTER(isBlank(?b)) GRAPH ?i {{ ?b ?r ?s }} FILTER(isBlank(?s))
     GRAPH ?g {{ ?s ?p ?o }} }}
}}""",
        MAX_OUTGOING,
    )
    count = kg.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p WHERE"
        f" {{ GRAPH ?g {{ ?s ?p {me} }} }} }}",
        max_rows=None,
    )
    incoming_facts = int(count.rows[0]["n"]) if count.rows else 0  # type: ignore[call-overload]
    if not outgoing and not incoming_facts:
        raise UnknownName(f"the graph says nothing about <{iri}>", hint="see the home page")
    # Pages in the store's index order, not ORDER BY: the store compares terms by their text,
    # read one at a time, and sorting the 18,284 facts pointing at Malaysia in a registry of
    # 100,000 took 12.7 s (0.5 s this way). The order is the same for one data version, so
    # the pages do not overlap; each page is sorted for reading by the index below.
    incoming, _ = _quads(
        kg,
        f"""SELECT ?s ?p ?o ?g WHERE {{
  {{ SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?h {{ ?s ?p {me} }} }}
     LIMIT {int(limit)} OFFSET {int(offset)} }}
  GRAPH ?g {{ ?s ?p {me} }} BIND({me} AS ?o)
}}""",
        None,
    )
    named = {
        t.value
        for q in (*outgoing, *incoming)
        for t in (q.subject, q.predicate, q.object)
        if isinstance(t, ox.NamedNode) and t.value != iri
    }
    about = _about(kg, sorted(named)[:MAX_LABELLED])
    index = ResourceIndex([*outgoing, *incoming, *about])
    page = {(q.subject, q.predicate) for q in incoming}
    node = ox.NamedNode(iri)
    shown = [f for f in index.incoming(node) if (f.subject, f.predicate) in page]
    views = PageViews(index, lang, "", lambda _iri: True)
    return Description(iri, index, views, incoming_facts, offset, shown, cut)


def _about(kg: KnowledgeGraph, iris: Sequence[str]) -> list[ox.Quad]:
    """The labels, types and provenance statements of ``iris`` (one query)."""
    if not iris:
        return []
    values = " ".join(_n3(URIRef(i)) for i in iris if _writable(i))
    properties = (*LABEL_PROPERTIES, *sorted(PROVENANCE_PROPERTIES), RDF_TYPE)
    # A FILTER, not a second VALUES: Oxigraph joined two VALUES blocks before the pattern and
    # scanned the store: a country page at 10,000 enterprises took 4.2 s, now 0.3 s.
    quads, _ = _quads(
        kg,
        f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}"
        f" FILTER(?p IN ({', '.join(f'<{p}>' for p in properties)})) }}",
        None,
    )
    return quads


def _writable(iri: str) -> bool:
    try:
        _n3(URIRef(iri))
    except BadParameter:  # an IRI the strict writer refuses just goes unlabelled
        return False
    return True


def ontology_quads(kg: KnowledgeGraph) -> list[ox.Quad]:
    """The ontology graph, for ``/ontology`` in an RDF format."""
    query = (
        f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ <{ONTOLOGY_GRAPH}> }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    quads, _ = _quads(kg, query, None)
    return quads


def serialize(quads: Sequence[ox.Quad], fmt: RdfFormat) -> bytes:
    """A resource's description as ``fmt`` (one of :data:`FORMATS`), the same bytes each time."""
    triples = rdf.canonical_description(quads)
    if fmt is RdfFormat.TURTLE:
        return rdf.turtle(triples)
    if fmt is RdfFormat.NTRIPLES:
        return rdf.ntriples(triples)
    if fmt is RdfFormat.JSONLD:
        document = compact_document(triples, rdf.vocab_context(triples, VOCAB))
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    body = ox.serialize((ox.Triple(s, p, o) for s, p, o in triples), format=ox.RdfFormat.RDF_XML)
    assert body is not None
    return body
