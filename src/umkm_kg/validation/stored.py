"""Validating records the store already holds, their context read straight from pyoxigraph.

A load validates what it has written, and ``info`` what was loaded unvalidated: records that
are already in the store, next to the data they refer to. :func:`~umkm_kg.validation.validate`
would copy each chunk out with SPARQL CONSTRUCTs into rdflib graphs (228 of the 409 s a check
of 10,000 enterprises took under the profiler); here the same data graph (the records, what
points at them from their own graph, the resources they refer to with the types of their values
and the places containing them, and the ontology) is read with pattern lookups, each stored
term converted once, the descriptions of reference data (countries, places, code lists) once
for all chunks, and checked by the fast evaluator. The findings are those of
:func:`~umkm_kg.validation.validate` on the same records.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import IdentifiedNode, Node

from ..gcpause import collection_paused
from ..namespaces import KG
from ..query.results import term_from_oxigraph, term_to_oxigraph
from .batch import RecordBatch
from .data import SCHEMA_CONTAINED_IN, ontology_graph
from .engine import Index, compiled_shapes, copy_result, report_graph
from .findings import finish, new_report, own_checks, ownership_problems, shacl_problem
from .ownership import IDENTITY
from .report import Problem, RecordRef, ValidationReport
from .shacl_sparql import SparqlRunner

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_CONTAINED_IN = ox.NamedNode(str(SCHEMA_CONTAINED_IN))
_IDENTITY = frozenset(str(p) for p in IDENTITY)
HUB = 100
"""How many records may point at one record before its chunk stops taking them all in (what
points at it is looked up instead)."""
_MAX_TERMS = 1_000_000
"""Converted terms kept between chunks (then forgotten, to bound memory)."""

_Quad = tuple[Any, Any, Any, Any]
_Triple = tuple[Any, Any, Any]


class StoredRecords:
    """The records of one named graph of a pyoxigraph store, validated a chunk at a time."""

    def __init__(
        self, store: ox.Store, graph: str, *, hub: int = HUB, shapes_cache: Path | None = None
    ) -> None:
        self.store = store
        self.shapes_cache = shapes_cache
        """The folder the compiled shapes are kept in (:func:`.engine.compiled_shapes`)."""
        self.hub = hub
        self.graph = graph
        self.own = ox.NamedNode(graph)
        self._terms: dict[Any, Node] = {}
        self._shared: dict[Any, list[_Quad]] = {}
        """Descriptions of nodes outside the graph (reference data) and of hubs: the same in
        every chunk."""
        self._local: dict[Any, list[_Quad]] = {}
        self._type_cache: dict[Any, tuple[Any, ...]] = {}
        self._container_cache: dict[Any, tuple[Any, ...]] = {}
        self._hubs: set[Any] = set()

    def chunks(self, size: int) -> Iterator[list[Any]]:
        """The subjects of the graph (its records), about ``size`` at a time, each together
        with the records it points at or is pointed at by (so that a chunk's records are
        described within it), except through hubs (records more than ``hub`` records point
        at)."""
        subjects = [
            row[0]
            for row in self._select(
                f"SELECT DISTINCT ?s WHERE {{ GRAPH <{self.graph}> {{ ?s ?p ?o }} }}"
            )
        ]
        number = {s: i for i, s in enumerate(subjects)}
        # Machine integers, not Python lists: a million enterprises have some 20 million links.
        sources, targets = array("l"), array("l")
        pointed = array("l", bytes(len(subjects) * array("l").itemsize))
        answer = self._select(
            f"SELECT ?s ?o WHERE {{ GRAPH <{self.graph}> {{ ?s ?p ?o }} FILTER(isIRI(?o)) }}"
        )
        for row in answer:
            target = number.get(row[1])
            if target is not None:
                sources.append(number[row[0]])
                targets.append(target)
                pointed[target] += 1
        del number
        self._hubs = {subjects[i] for i, n in enumerate(pointed) if n > self.hub}
        parent = array("l", range(len(subjects)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a, b in zip(sources, targets, strict=True):
            if pointed[b] <= self.hub:  # a hub's in-statements are looked up instead
                parent[root(a)] = root(b)
        groups: dict[int, list[Any]] = {}
        for i, subject in enumerate(subjects):
            groups.setdefault(root(i), []).append(subject)
        chunk: list[Any] = []
        for group in groups.values():
            chunk.extend(group)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _select(self, sparql: str) -> ox.QuerySolutions:
        answer = self.store.query(sparql)
        assert isinstance(answer, ox.QuerySolutions)
        return answer

    def validate(self, subjects: Sequence[Any], source: str) -> ValidationReport:
        """The problems of the records ``subjects`` (stored terms), reported against ``source``.

        :raises Unsupported: the shapes need pySHACL.
        """
        # A chunk allocates millions of small objects, most of them kept (term caches, the
        # index): Python's cyclic collector, run every 700 allocations, kept walking them,
        # about a third of the check's CPU at 10,000 enterprises. It is paused for the chunk
        # and run once after it over what the chunk made, so cyclic garbage is still freed.
        try:
            with collection_paused():
                return self._validate(subjects, source)
        finally:
            gc.collect(1)

    def _validate(self, subjects: Sequence[Any], source: str) -> ValidationReport:
        self._local = {}
        if len(self._terms) > _MAX_TERMS:
            self._terms = {}
        own_triples, context, known = self._neighbourhood(subjects)
        term = self._term
        batch = RecordBatch(sources=[source])
        batch.triples = [(term(s), term(p), term(o)) for s, p, o in own_triples]
        for subject in subjects:
            node = term(subject)
            batch.records[node] = RecordRef(source, subject=str(node))  # type: ignore[index]
        batch.record_count = len(batch.records)
        context_triples = [(term(s), term(p), term(o)) for s, p, o in context]
        index = Index([*ontology_graph(), *context_triples, *batch.triples])
        compiled = compiled_shapes(self.shapes_cache)
        own: set[Node] = set(batch.records)
        runner = _CopyRunner(index.out, lambda: [*own_triples, *context])
        shacl = report_graph(compiled.validate(index, own, runner), compiled)
        described = {s for s, _, _ in batch.triples} | {s for s, _, _ in context_triples}
        unknown = {
            o
            for _, _, o in batch.triples
            if isinstance(o, URIRef) and o not in described and o.startswith(str(KG))
        }
        problems: list[tuple[RecordRef, Problem]] = []
        report = new_report()
        data: Any = index  # what the findings read values from: the evaluator's index serves
        for result in shacl.objects(None, SH.result):
            focus = shacl.value(result, SH.focusNode)
            if not isinstance(focus, IdentifiedNode) or focus not in own:
                continue
            if shacl.value(result, SH.value) in unknown:
                continue  # reported once, as an unknown reference
            problems.append((batch.records[focus], shacl_problem(shacl, result, data, batch)))
            copy_result(shacl, result, report)
        foreign = {(term(s), term(p), term(o)) for s, p, o in known}
        found = ownership_problems(batch, None, self.graph, known=foreign)
        problems.extend([*own_checks(batch, unknown), *found])
        return finish(problems, report, batch.record_count)

    def _neighbourhood(
        self, subjects: Sequence[Any]
    ) -> tuple[list[_Triple], set[_Triple], set[_Triple]]:
        """What :func:`~umkm_kg.validation.data.context_graph` and
        :func:`~umkm_kg.validation.ownership.foreign_statements` would ask the store for.

        Returns the records' triples in their graph (their own and those pointing at them), the
        context (what they refer to: descriptions, the types of their values, the places
        containing them) less those, and the stored statements outside the graph about the
        subjects of the records' triples and the objects of their identity statements.
        """
        own = self.own
        batch: dict[_Triple, None] = {}
        for subject in subjects:
            for s, p, o, g in self._out(subject):
                if g == own:
                    batch[(s, p, o)] = None
        # What points at a record from its graph is in its chunk (see chunks), but for hubs.
        for subject in self._hubs.intersection(subjects):
            for quad in self.store.quads_for_pattern(None, None, subject, own):
                batch[(quad.subject, quad.predicate, quad.object)] = None
        referenced = {o for _, p, o in batch if isinstance(o, ox.NamedNode) and p != _TYPE}
        asked = {s for s, _, _ in batch if isinstance(s, ox.NamedNode)}
        asked |= {o for _, p, o in batch if p.value in _IDENTITY and isinstance(o, ox.NamedNode)}
        context: set[_Triple] = set()
        known: set[_Triple] = set()
        for node in referenced | asked:
            for s, p, o, g in self._out(node):
                context.add((s, p, o))
                if g != own and node in asked and not isinstance(g, ox.DefaultGraph):
                    known.add((s, p, o))
                if not isinstance(o, ox.Literal):
                    context.update((o, _TYPE, t) for t in self._types(o))
            for place, container in self._closure(node):
                context.add((place, _CONTAINED_IN, container))
                context.update((container, _TYPE, t) for t in self._types(container))
        context.difference_update(batch)
        return list(batch), context, known

    def _out(self, node: Any) -> list[_Quad]:
        """Every stored statement about ``node``, with its graph."""
        found = self._shared.get(node)
        if found is None:
            found = self._local.get(node)
        if found is None:
            found = [
                (q.subject, q.predicate, q.object, q.graph_name)
                for q in self.store.quads_for_pattern(node, None, None, None)
            ]
            own = self.own
            if node not in self._hubs and any(g == own for _, _, _, g in found):
                self._local[node] = found
            else:
                self._shared[node] = found
        return found

    def _values(
        self, node: Any, predicate: Any, cache: dict[Any, tuple[Any, ...]]
    ) -> tuple[Any, ...]:
        """The objects of ``node predicate ?o``, through ``cache``."""
        found = cache.get(node)
        if found is None:
            described = self._shared.get(node) or self._local.get(node)
            if described is not None:
                found = tuple(dict.fromkeys(o for _, p, o, _ in described if p == predicate))
            else:
                found = tuple(
                    dict.fromkeys(
                        q.object for q in self.store.quads_for_pattern(node, predicate, None, None)
                    )
                )
            if len(cache) > _MAX_TERMS:
                cache.clear()
            cache[node] = found
        return found

    def _types(self, node: Any) -> tuple[Any, ...]:
        return self._values(node, _TYPE, self._type_cache)

    def _closure(self, node: Any) -> list[tuple[Any, Any]]:
        """``(x, y)`` for each ``x containedInPlace y`` with ``node containedInPlace* x``."""
        edges: list[tuple[Any, Any]] = []
        seen, stack = {node}, [node]
        while stack:
            place = stack.pop()
            for container in self._values(place, _CONTAINED_IN, self._container_cache):
                edges.append((place, container))
                if container not in seen and not isinstance(container, ox.Literal):
                    seen.add(container)
                    stack.append(container)
        return edges

    def _term(self, term: Any) -> Node:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = term_from_oxigraph(term)
        return found


class _CopyRunner(SparqlRunner):
    """SHACL-SPARQL constraints on an in-memory copy of the chunk's data graph, as
    :class:`SparqlRunner` has, filled from the stored terms instead of N-Triples text."""

    def __init__(self, out: dict[Node, dict[Node, list[Node]]], triples: Any) -> None:
        super().__init__(out)
        self._triples = triples

    def store(self) -> Any:
        if self._store is None:
            # The runner names blank nodes as IRIs (a query cannot name a blank node).
            def named(node: Any) -> Any:
                if isinstance(node, ox.BlankNode):
                    return ox.NamedNode(self._SKOLEM + node.value)
                return node

            self._store = ox.Store()
            self._store.extend(
                ox.Quad(named(s), p, named(o))
                for part in (_ontology_triples(), self._triples())
                for s, p, o in part
            )
        return self._store


@cache
def _ontology_triples() -> tuple[_Triple, ...]:
    """The bundled ontology (as the evaluator sees it) in pyoxigraph terms."""
    return tuple((_ox(s), _ox(p), _ox(o)) for s, p, o in ontology_graph())


def _ox(term: Node) -> Any:
    if isinstance(term, URIRef | Literal):
        return term_to_oxigraph(term)
    return ox.BlankNode(str(term))
