"""The graph that is validated: the shapes, the ontology, and the context a batch refers to.

A batch is validated together with what it refers to, not with the whole registry: the
ontology (classes and code lists) and the descriptions of the existing resources the batch
points at (countries, places, categories, agencies, and the places that contain them). Its size
depends on the batch, not on the graph. For pySHACL, the data graph hands out prepared queries:
pySHACL would otherwise re-parse the text of a SHACL-SPARQL constraint for every focus node
(see PERFORMANCE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Identifier, Node

from .. import resources
from ..query.results import QueryForm, term_from_oxigraph

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.query import Result

SCHEMA_CONTAINED_IN = URIRef("https://schema.org/containedInPlace")


@cache
def shapes_graph() -> Graph:
    """The bundled shapes (parsed once; treat as read-only)."""
    return Graph(store="SimpleMemory").parse(resources.SHAPES, format="turtle")


@cache
def ontology_graph() -> Graph:
    """The bundled ontology with its code lists (parsed once; treat as read-only)."""
    return Graph().parse(resources.ONTOLOGY, format="turtle")


def shapes_version() -> str | None:
    """``owl:versionInfo`` of the shapes graph, recorded with every added batch."""
    for _, version in shapes_graph().subject_objects(OWL.versionInfo):
        return str(version)
    return None


@cache
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(namespaces))


class PreparedQueryGraph(Graph):
    """An rdflib graph whose ``query`` parses each distinct query text once.

    pySHACL sends the same SHACL-SPARQL text for every focus node with different bindings;
    rdflib would parse it (with pyparsing) every time. Same answers, 15-20 times faster.
    """

    _namespaces: tuple[tuple[str, str], ...] | None = None

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: dict[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str):
            if initNs is not None:
                namespaces = tuple(sorted((k, str(v)) for k, v in initNs.items()))
            else:
                if self._namespaces is None:
                    self._namespaces = tuple(sorted((k, str(v)) for k, v in self.namespaces()))
                namespaces = self._namespaces
            query_object = _prepared(query_object, namespaces)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def context_graph(batch: Iterable[tuple[Node, Node, Node]], kg: Any) -> Graph:
    """What the batch refers to in ``kg``: each resource's triples, the types of their values,
    and the places containing them (to tell that a destination lies in a country)."""
    triples = list(batch)
    # The batch's own subjects are looked up too: a record may add to a resource the graph
    # already has (a country's label, say), and its existing facts are part of the picture.
    rdf_type = RDF.type  # once, not per triple (a namespace attribute is a lookup)
    referenced = sorted(  # by the IRIs' text: the order rdflib gives, without its __lt__
        {o for _, p, o in triples if isinstance(o, URIRef) and p != rdf_type}
        | {s for s, _, _ in triples if isinstance(s, URIRef)},
        key=str,
    )
    referenced = described_iris(referenced, kg)
    local = _embedded(kg)
    if local is not None:
        return stored_context(local, referenced)
    return queried_context(kg.store, referenced)


def queried_context(store: Any, iris: list[URIRef]) -> Graph:
    """:func:`context_graph`'s part of ``store`` (any store: a remote one too) for ``iris``,
    asked for 400 at a time."""
    out = Graph(bind_namespaces="none")
    for start in range(0, len(iris), 400):
        values = " ".join(f"<{iri}>" for iri in iris[start : start + 400])
        # VALUES inside each branch: outside the UNION, Oxigraph evaluated the path from every
        # node of the graph before joining (1 s per chunk with the reference graph's places)
        result = store.query(
            f"""CONSTRUCT {{ ?r ?p ?o . ?o a ?ot . ?x <{SCHEMA_CONTAINED_IN}> ?y . ?y a ?yt . }}
            WHERE {{
              {{ VALUES ?r {{ {values} }} ?r ?p ?o OPTIONAL {{ ?o a ?ot }} }}
              UNION
              {{ VALUES ?r {{ {values} }} ?r <{SCHEMA_CONTAINED_IN}>* ?x .
                 ?x <{SCHEMA_CONTAINED_IN}> ?y OPTIONAL {{ ?y a ?yt }} }}
            }}""",
            form=QueryForm.CONSTRUCT,
            max_rows=None,
        )
        if result.graph is not None:
            out += result.graph
    return out


def described_iris(iris: list[URIRef], kg: Any) -> list[URIRef]:
    """Those of ``iris`` that are subjects in ``kg``'s embedded store (all of them for another).

    Most IRIs of a batch name its own new resources, which the store does not describe: one
    lookup each leaves them out (asking for them, 400 a query, took 1.3 s of a 1,000-record
    add at 100,000 enterprises). The context query finds nothing for an IRI that is no
    subject: both its branches start with a statement about it.
    """
    local = _embedded(kg)
    if local is None:
        return iris
    kept = []
    for iri in iris:
        try:
            node = ox.NamedNode(str(iri))
        except ValueError:
            kept.append(iri)  # not for this shortcut to judge
            continue
        if next(local.quads_for_pattern(node, None, None), None) is not None:
            kept.append(iri)
    return kept


def _embedded(kg: Any) -> ox.Store | None:
    """The pyoxigraph store of ``kg``'s embedded store, as its queries would see it now."""
    from ..store.disk import DiskStore
    from ..store.embedded import EmbeddedStore

    store = getattr(kg, "store", None)
    if not isinstance(store, EmbeddedStore):
        return None
    if isinstance(store, DiskStore):
        store.refresh()
    return store.oxigraph


def stored_context(store: ox.Store, iris: Iterable[URIRef]) -> Graph:
    """:func:`context_graph`'s query answered by lookups in ``store`` (all its graphs): the
    statements about each of ``iris``, the types of their values, and the places up
    ``schema:containedInPlace`` from each with their types. The same graph; a tenth of the
    time of the query, which joined a path for every chunk of 400 IRIs."""
    out = Graph(bind_namespaces="none")
    rdf_type, contained = ox.NamedNode(str(RDF.type)), ox.NamedNode(SCHEMA_CONTAINED_IN)
    typed: set[ox.NamedNode | ox.BlankNode] = set()
    climbed: set[ox.NamedNode | ox.BlankNode] = set()

    def add(s: object, p: object, o: object) -> None:
        out.add((term_from_oxigraph(s), term_from_oxigraph(p), term_from_oxigraph(o)))

    def types(node: object) -> None:
        if isinstance(node, ox.NamedNode | ox.BlankNode) and node not in typed:
            typed.add(node)
            for quad in store.quads_for_pattern(node, rdf_type, None):
                if not isinstance(quad.object, ox.Triple):
                    add(node, rdf_type, quad.object)

    for iri in iris:
        node = ox.NamedNode(str(iri))
        for quad in store.quads_for_pattern(node, None, None):
            if not isinstance(quad.object, ox.Triple):
                add(node, quad.predicate, quad.object)
                types(quad.object)
        below: list[ox.NamedNode | ox.BlankNode] = [node]
        while below:
            place = below.pop()
            if place in climbed:
                continue
            climbed.add(place)
            for quad in store.quads_for_pattern(place, contained, None):
                up = quad.object
                if isinstance(up, ox.NamedNode | ox.BlankNode):
                    add(place, contained, up)
                    types(up)
                    below.append(up)
                elif isinstance(up, ox.Literal):
                    add(place, contained, up)
    return out


def data_graph(batch: Graph, context: Graph) -> PreparedQueryGraph:
    """The graph pySHACL validates: ontology + context + batch."""
    graph = PreparedQueryGraph()
    for part in (ontology_graph(), context, batch):
        for triple in part:
            graph.add(triple)
    return graph


def run_shacl(graph: Graph) -> Graph:
    """Run pySHACL (no inference, in place) and return its report graph."""
    from pyshacl import validate as pyshacl_validate

    _, report, _ = pyshacl_validate(
        graph,
        shacl_graph=shapes_graph(),
        inference="none",
        inplace=True,
        allow_warnings=True,
        allow_infos=True,
    )
    assert isinstance(report, Graph)
    return report
