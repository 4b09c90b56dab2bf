"""A batch of records describes only its own new resources.

Records may point at what the graph already has (an export claim names an existing country, a
new enterprise is in an existing kelurahan), but they may not say anything new *about* it:

- a statement whose subject is an ontology term (anything in ``umkm:``, anything the ontology
  graph describes, its code lists included) or a shape (``umkmsh:``) is refused:
  ``umkm:Enterprise rdfs:subClassOf owl:Nothing`` would change what every record means;
- a statement whose subject is a resource the store already describes (the article's data,
  another batch) is refused: ``kg:enterprise-haura-hijab schema:name "X"`` would change someone
  else's record, which goes through that batch (``umkm-kg records remove``, then ``add``);
- an identity or vocabulary statement (``owl:sameAs``, ``owl:equivalentClass``,
  ``rdfs:subClassOf``...) whose object is an ontology term or an existing resource is refused
  even from a new subject: ``kg:x owl:sameAs kg:enterprise-haura-hijab`` merges the two for any
  reasoner or ``sameAs``-aware query, which changes the existing resource as much as a
  statement about it would; ``kg:x rdfs:subClassOf umkm:Enterprise`` makes the shapes' targets
  reach records no shape was written for. ``owl:sameAs`` towards an outside IRI (Wikidata) is
  fine.

A statement the store already holds, word for word, is a no-op and allowed (records restate a
country's label, say): it adds nothing, and the add stores only what is new. Refusals are
violations of the record (exit code 1 from ``validate``, ``add`` and ``load``, nothing
written), reported with the record's file and line like any other problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS
from rdflib.term import Node

from ..namespaces import SHAPES_NS, UMKM
from ..query.results import QueryForm
from .data import described_iris, ontology_graph

IDENTITY = frozenset(
    {
        OWL.sameAs,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.disjointWith,
        OWL.propertyChainAxiom,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
    }
)
"""Predicates that change what their object means, not only what their subject says."""

_CHUNK = 400


@dataclass(frozen=True)
class Foreign:
    """A statement of the batch about something it does not own."""

    subject: Node
    predicate: Node
    object: Node
    reason: str


@cache
def _ontology_terms() -> frozenset[Node]:
    return frozenset(s for s in ontology_graph().subjects() if isinstance(s, URIRef))


_TERM_PREFIXES = (str(UMKM), str(SHAPES_NS))


def _is_term(node: Node) -> bool:
    return isinstance(node, URIRef) and (
        str.startswith(node, _TERM_PREFIXES) or node in _ontology_terms()
    )


def foreign_statements(
    triples: Iterable[tuple[Node, Node, Node]],
    kg: Any,
    *,
    own_graph: str | None = None,
    known: set[tuple[Node, Node, Node]] | None = None,
) -> Iterator[Foreign]:
    """The statements of ``triples`` about ontology terms, shapes or resources ``kg`` already
    describes (outside the named graph ``own_graph``, the batch's own during a load).

    ``known`` holds those stored statements when the caller has read them already (at least
    every statement about the subjects of ``triples`` and the objects of identity statements);
    ``kg`` is not asked then.
    """
    triples = list(triples)
    asked = {s for s, _, _ in triples if isinstance(s, URIRef) and not _is_term(s)}
    asked |= {o for _, p, o in triples if p in IDENTITY and isinstance(o, URIRef)}
    if known is None:
        known = _stored_triples(sorted(asked), kg, own_graph)
    else:
        known = {t for t in known if t[0] in asked}
    existing = {s for s, _, _ in known}
    for s, p, o in triples:
        if (s, p, o) in known:
            continue  # a restated fact: a no-op
        if _is_term(s):
            what = "a shape" if str(s).startswith(str(SHAPES_NS)) else "an ontology term"
            yield Foreign(s, p, o, f"<{s}> is {what}: records may not describe it")
        elif s in existing:
            yield Foreign(
                s,
                p,
                o,
                f"<{s}> is already in the graph (the article's data or another batch): a batch "
                "may only add new resources and point at existing ones",
            )
        elif p in IDENTITY and (_is_term(o) or o in existing):
            what = "an ontology term" if _is_term(o) else "already in the graph"
            yield Foreign(
                s,
                p,
                o,
                f"<{p}> would change <{o}>, which is {what}: records may not redefine or "
                "merge with existing resources",
            )


def _stored_triples(
    resources: list[URIRef], kg: Any, own_graph: str | None
) -> set[tuple[Node, Node, Node]]:
    found: set[tuple[Node, Node, Node]] = set()
    resources = described_iris(resources, kg)  # a batch's new resources are not asked for
    for start in range(0, len(resources), _CHUNK):
        values = " ".join(f"<{r}>" for r in resources[start : start + _CHUNK])
        pattern = (
            f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{own_graph}>)" if own_graph else "?s ?p ?o"
        )
        result = kg.store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} {pattern} }}",
            form=QueryForm.CONSTRUCT,
            max_rows=None,
        )
        graph: Graph | None = result.graph
        if graph is not None:
            found.update(graph)
    return found
