"""Duplicate enterprises: the same identifier (NIB), or the same name in the same places."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..errors import DuplicateRecord
from ..query.results import term_to_oxigraph
from .similar import NameIndex, name_key
from .triples import TripleSource

_ENTERPRISE = "https://w3id.org/umkm-kg/ontology#Enterprise"
IDENTIFIER_PREDICATES: tuple[str, ...] = ("https://schema.org/identifier",)
"""Properties whose value identifies an enterprise (the NIB, Nomor Induk Berusaha)."""
NAME_PREDICATE = "https://schema.org/name"
PLACE_PREDICATE = "https://schema.org/location"


@dataclass(frozen=True)
class _Keys:
    enterprises: set[str]
    identifiers: dict[str, str]
    names: dict[tuple[str, tuple[str, ...]], str]
    repeats: list[str]
    """Enterprises sharing a key with another one of the same scope."""


def _normal(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class KnownNames:
    """The enterprises' names of a store whose named graphs have the sizes :attr:`graphs`,
    looked up by exact name: the name check looks a batch's names up here instead of reading
    every ``schema:name`` of the store (89 s of a 1,000-record add at 100,000 enterprises on
    a busy machine)."""

    graphs: Mapping[str, int]
    index: NameIndex
    size: int
    """How many names of :attr:`index` are the store's (a probable-duplicate search goes on
    to add the batch's own)."""

    @classmethod
    def of(cls, graphs: Mapping[str, int], index: NameIndex) -> KnownNames:
        """The names ``index`` holds now, those of the store whose graphs are ``graphs``
        (:func:`~umkm_kg.records.similar.cached_index`)."""
        return cls(dict(graphs), index, len(index.names))

    def enterprises(self, name: str) -> list[str]:
        """IRIs of the enterprises named ``name`` (as :func:`_normal` writes it)."""
        positions = self.index.named(name_key(name), below=self.size)
        return sorted(
            {self.index.iris[at] for at in positions if _normal(self.index.shown[at]) == name}
        )


def enterprise_keys(
    store: ox.Store, *, within: str | None = None, outside: str | None = None
) -> _Keys:
    """IRI, identifier and (name, places) of every enterprise in ``store`` (all graphs, or only
    the named graph ``within``, or every graph but ``outside``)."""
    if within is not None:
        scope = f"GRAPH <{within}>"
        where = ""
    elif outside is not None:
        scope = "GRAPH ?g"
        where = f"FILTER(?g != <{outside}>)"
    else:
        scope, where = "", ""
    enterprises = {
        row["e"].value
        for row in store.query(  # type: ignore[union-attr]
            f"SELECT DISTINCT ?e WHERE {{ {scope} {{ ?e a <{_ENTERPRISE}> }} {where} }}",
            use_default_graph_as_union=True,
        )
    }
    identifiers: dict[str, str] = {}
    names: dict[tuple[str, tuple[str, ...]], str] = {}
    values = " ".join(f"<{p}>" for p in IDENTIFIER_PREDICATES)
    rows = store.query(
        f"""SELECT ?e ?id WHERE {{ {scope} {{ ?e a <{_ENTERPRISE}> . VALUES ?p {{ {values} }}
            ?e ?p ?id }} {where} }}""",
        use_default_graph_as_union=True,
    )
    repeats: list[str] = []
    for row in rows:  # type: ignore[union-attr]
        value, enterprise = str(row["id"].value).strip(), row["e"].value
        first = identifiers.setdefault(value, enterprise)
        if first != enterprise:
            repeats.append(
                f"identifier {value!r} is given to several records: <{first}>, <{enterprise}>"
            )
    rows = store.query(
        f"""SELECT ?e ?name (GROUP_CONCAT(STR(?place); separator=" ") AS ?places) WHERE {{
              {scope} {{ ?e a <{_ENTERPRISE}> ; <{NAME_PREDICATE}> ?name .
              OPTIONAL {{ ?e <{PLACE_PREDICATE}> ?place }} }} {where}
            }} GROUP BY ?e ?name""",
        use_default_graph_as_union=True,
    )
    for row in rows:  # type: ignore[union-attr]
        places = tuple(sorted(str(row["places"].value).split())) if row["places"] else ()
        key, enterprise = (_normal(row["name"].value), places), row["e"].value
        first = names.setdefault(key, enterprise)
        if first != enterprise:
            repeats.append(
                f"several records have the name {key[0]!r} and the same place: "
                f"<{first}>, <{enterprise}>"
            )
    return _Keys(enterprises, identifiers, names, repeats)


def graph_duplicates(store: ox.Store, graph: str) -> list[str]:
    """Messages for each enterprise of the named graph ``graph`` of ``store`` that repeats one
    in another graph, or another one in ``graph`` (a bulk load, checked after loading)."""
    new = enterprise_keys(store, within=graph)
    old = enterprise_keys(store, outside=graph)
    problems = [
        f"the enterprise <{e}> already exists" for e in sorted(new.enterprises & old.enterprises)
    ]
    for value, enterprise in sorted(new.identifiers.items()):
        other = old.identifiers.get(value)
        if other is not None and other != enterprise:
            problems.append(f"<{enterprise}> has identifier {value!r}, already used by <{other}>")
    for (name, places), enterprise in sorted(new.names.items()):
        other = old.names.get((name, places))
        if other is not None and other != enterprise:
            problems.append(f"<{enterprise}> ({name!r}) repeats the enterprise <{other}>")
    problems.extend(new.repeats)
    return problems


def without_known_triples(graph: Graph, known: Iterable[ox.Store]) -> Graph:
    """``graph`` less the triples ``known`` already asserts, in any of its graphs.

    Queries see the union of the named graphs, and Oxigraph's union keeps one copy of a triple
    per graph: a record restating, say, a country's label would otherwise turn up twice in
    answers on the embedded store and once on a remote store loaded with the merge.
    Triples with blank nodes are kept (they are skolemised per batch, so never shared).
    """
    kept = Graph(bind_namespaces="none")
    for triple in unknown_triples(graph, known):
        kept.add(triple)
    return kept


def unknown_triples(
    graph: TripleSource, known: Iterable[ox.Store]
) -> list[tuple[Node, Node, Node]]:
    """The triples of ``graph`` that ``known`` does not assert (see
    :func:`without_known_triples`), as a list: no graph is built for them."""
    stores = list(known)
    kept: list[tuple[Node, Node, Node]] = []
    by_subject: dict[Node, list[tuple[Node, Node, Node]]] = {}
    for triple in graph:
        by_subject.setdefault(triple[0], []).append(triple)
    for subject, triples in by_subject.items():
        # Most subjects of a batch are its new enterprises, unknown to the store: one lookup
        # of the subject instead of one per triple (52,000 of them in 1,000 records).
        node = None if isinstance(subject, BNode) else term_to_oxigraph(subject)  # type: ignore[arg-type]
        if node is None or not any(_has_subject(store, node) for store in stores):
            kept.extend(triples)
            continue
        for triple in triples:
            if not isinstance(triple[2], BNode):
                p, o = term_to_oxigraph(triple[1]), term_to_oxigraph(triple[2])  # type: ignore[arg-type]
                assert isinstance(node, ox.NamedNode) and isinstance(p, ox.NamedNode)
                if any(next(store.quads_for_pattern(node, p, o, None), None) for store in stores):
                    continue
            kept.append(triple)
    return kept


def _has_subject(
    store: ox.Store, node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
) -> bool:
    if not isinstance(node, ox.NamedNode):
        return True  # not a subject the quick look can rule out: each triple is looked up
    return next(store.quads_for_pattern(node, None, None, None), None) is not None


def check_duplicates(
    graph: TripleSource, *known: ox.Store, names: KnownNames | None = None
) -> None:
    """Refuse ``graph`` if an enterprise in it repeats one in ``known`` or in ``graph``
    (``names``: the names of the one store in ``known``, when known).

    :raises DuplicateRecord: naming each repeated enterprise and what it repeats.
    """
    problems = find_duplicates(graph, known, names=names)
    if problems:
        raise DuplicateRecord(
            "; ".join(problems), hint="change the identifier or name, or leave the record out"
        )


def find_duplicates(
    graph: TripleSource, known: Iterable[ox.Store], *, names: KnownNames | None = None
) -> list[str]:
    """Messages for each enterprise of ``graph`` that repeats one in ``known`` or in ``graph``.

    Two enterprises are the same when they share an identifier, or have the same name
    (ignoring case and spacing) and the same places (``schema:location``; none counts as a
    place set too). ``names``: the enterprises' names of the (one) store in ``known``, looked
    up instead of read from it.
    """
    stores: Sequence[ox.Store] = list(known)
    if names is not None and len(stores) != 1:
        raise ValueError("names are those of one store")
    ids, by_name = _graph_keys(graph)
    batch = {str(s) for s in graph.subjects(RDF.type, URIRef(_ENTERPRISE))}
    problems: list[str] = []
    for store in stores:
        keys = _keys_for(store, batch, set(ids), {name for name, _ in by_name}, names)
        for subject in graph.subjects(RDF.type, URIRef(_ENTERPRISE)):
            if str(subject) in keys.enterprises:
                problems.append(f"the enterprise <{subject}> already exists")
        repeated = {str(s) for s in graph.subjects(RDF.type, URIRef(_ENTERPRISE))}
        repeated &= keys.enterprises
        for value, found in sorted(ids.items()):
            other = keys.identifiers.get(value)
            for enterprise in sorted(found - repeated):
                if other is not None:
                    problems.append(
                        f"<{enterprise}> has identifier {value!r}, already used by <{other}>"
                    )
        for (name, places), found in sorted(by_name.items()):
            other = keys.names.get((name, places))
            for enterprise in sorted(found - repeated):
                if other is not None:
                    where = f" in {', '.join(f'<{p}>' for p in places)}" if places else ""
                    problems.append(
                        f"<{enterprise}> ({name!r}{where}) repeats the enterprise <{other}>"
                    )
    for value, found in sorted(ids.items()):
        if len(found) > 1:
            listed = ", ".join(f"<{e}>" for e in sorted(found))
            problems.append(f"identifier {value!r} is given to several records: {listed}")
    for (name, _), found in sorted(by_name.items()):
        if len(found) > 1:
            listed = ", ".join(f"<{e}>" for e in sorted(found))
            problems.append(f"several records have the name {name!r} and the same place: {listed}")
    return sorted(set(problems))


def _keys_for(
    store: ox.Store,
    iris: set[str],
    ids: set[str],
    names: set[str],
    known: KnownNames | None = None,
) -> _Keys:
    """The keys of ``store``'s enterprises that could match these IRIs, identifiers and
    normalised names: looked up, not listed (a registry holds hundreds of thousands).

    The names are looked up in ``known`` when given; else read from ``store``.
    """
    kind = (ox.NamedNode(str(RDF.type)), ox.NamedNode(_ENTERPRISE))

    def is_enterprise(node: object) -> bool:
        return isinstance(node, ox.NamedNode) and _exists(store, node, *kind)

    enterprises = {iri for iri in iris if is_enterprise(ox.NamedNode(iri))}
    identifiers: dict[str, str] = {}
    for value in sorted(ids):
        for predicate in IDENTIFIER_PREDICATES:
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), ox.Literal(value)):
                if is_enterprise(quad.subject):
                    identifiers.setdefault(value, quad.subject.value)  # type: ignore[union-attr]
    found: dict[tuple[str, tuple[str, ...]], str] = {}
    place = ox.NamedNode(PLACE_PREDICATE)
    for name, subject in _named(store, names, known):
        if not is_enterprise(subject):
            continue
        quads = store.quads_for_pattern(subject, place, None)
        places = tuple(sorted({q.object.value for q in quads}))  # type: ignore[union-attr]
        found.setdefault((name, places), subject.value)
    return _Keys(enterprises, identifiers, found, [])


def _named(
    store: ox.Store, names: set[str], known: KnownNames | None
) -> list[tuple[str, ox.NamedNode]]:
    """(normalised name, subject) of each resource of ``store`` named one of ``names``,
    sorted by subject."""
    if not names:
        return []
    # The name index leaves out names with nothing to compare ("-"): those are read.
    if known is not None and all(name_key(name) for name in names):
        pairs = [(name, ox.NamedNode(iri)) for name in names for iri in known.enterprises(name)]
        return sorted(pairs, key=lambda pair: (str(pair[1]), pair[0]))
    # One pass over the names in the store's index (a registry's are a few MB); the
    # engine's REPLACE over each of them took seconds.
    candidates = [
        quad
        for quad in store.quads_for_pattern(None, ox.NamedNode(NAME_PREDICATE), None)
        if isinstance(quad.object, ox.Literal)
        and isinstance(quad.subject, ox.NamedNode)
        and _normal(quad.object.value) in names
    ]
    candidates.sort(key=lambda q: (str(q.subject), str(q.object)))
    return [(_normal(q.object.value), q.subject) for q in candidates]  # type: ignore[misc, union-attr]


def _exists(store: ox.Store, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode) -> bool:
    return next(store.quads_for_pattern(s, p, o), None) is not None


def _graph_keys(
    graph: TripleSource,
) -> tuple[dict[str, set[str]], dict[tuple[str, tuple[str, ...]], set[str]]]:
    by_id: dict[str, set[str]] = {}
    by_name: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for enterprise in graph.subjects(RDF.type, URIRef(_ENTERPRISE)):
        for predicate in IDENTIFIER_PREDICATES:
            for value in graph.objects(enterprise, URIRef(predicate)):
                by_id.setdefault(str(value).strip(), set()).add(str(enterprise))
        places = tuple(sorted(str(p) for p in graph.objects(enterprise, URIRef(PLACE_PREDICATE))))
        for name in graph.objects(enterprise, URIRef(NAME_PREDICATE)):
            by_name.setdefault((_normal(str(name)), places), set()).add(str(enterprise))
    return by_id, by_name
