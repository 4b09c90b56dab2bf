"""Records as text: skolemised blank nodes and the sorted, one-triple-per-line TriG."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ..namespaces import GENID, PREFIXES
from ..query.results import term_to_oxigraph


def skolemise(graph: Graph, scope: str) -> Graph:
    """Replace blank nodes by IRIs under :data:`GENID` (labels numbered in sorted order)."""
    out = Graph(bind_namespaces="none")
    for triple in _skolemised(graph, scope):
        out.add(triple)
    return out


def skolemised_quads(
    triples: Iterable[tuple[Node, Node, Node]], scope: str, name: str
) -> list[ox.Quad]:
    """``triples`` skolemised as :func:`skolemise` does, as quads of the named graph ``name``
    (for a write: no rdflib graph in between)."""
    node = ox.NamedNode(name)
    return [
        ox.Quad(_oxigraph(s), _oxigraph(p), _oxigraph(o), node)  # type: ignore[arg-type]
        for s, p, o in _skolemised(triples, scope)
    ]


def _oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    # most terms of a batch are IRIs: made without the checks of term_to_oxigraph
    return ox.NamedNode(term) if type(term) is URIRef else term_to_oxigraph(term)  # type: ignore[arg-type]


def _skolemised(
    triples: Iterable[tuple[Node, Node, Node]], scope: str
) -> Iterator[tuple[Node, Node, Node]]:
    labels: dict[BNode, URIRef] = {}

    def fix(term: Node) -> Node:
        if isinstance(term, BNode):
            if term not in labels:
                labels[term] = URIRef(f"{GENID}{scope}/b{len(labels)}")
            return labels[term]
        return term

    # Labels go by the sorted order of the triples with blank nodes; the others need no sort
    # (a CSV batch has none: 52,000 triples of 1,000 records sorted for nothing). A triple
    # given twice is one quad in the store and takes no label of its own: no set is made.
    blank: list[tuple[Node, Node, Node]] = []
    for triple in triples:
        if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
            blank.append(triple)
        else:
            yield triple
    for s, p, o in sorted(blank, key=lambda t: tuple(str(x) for x in t)):
        yield fix(s), p, fix(o)


_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?$")
_NAMESPACES = sorted(((iri, p) for p, iri in PREFIXES.items()), key=lambda x: -len(x[0]))


def _iri(iri: str) -> str:
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _term(term: object) -> str:
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Literal):
        body = f'"{_escape(str(term))}"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{body}^^{_iri(str(term.datatype))}"
        return body
    raise TypeError(f"records are skolemised before writing, not {term!r}")


def _lines(graph: Graph) -> Iterator[str]:
    rows = []
    for subject, predicate, obj in graph:
        verb = "a" if predicate == RDF.type else _term(predicate)
        rows.append((_term(subject), verb != "a", verb, _term(obj)))
    for s, _, p, o in sorted(set(rows)):
        yield f"{s} {p} {o} ."


def graph_block(name: URIRef, graph: Graph) -> str:
    # One triple per line (literals escape their newlines), so a block ends at the first
    # line that is exactly "}" and blocks can be merged without parsing them.
    body = "".join(line + "\n" for line in _lines(graph))
    return f"GRAPH <{name}> {{\n{body}}}\n"


def quads(graph: Graph, name: str) -> Iterator[ox.Quad]:
    node = ox.NamedNode(name)
    for s, p, o in graph:
        yield ox.Quad(term_to_oxigraph(s), term_to_oxigraph(p), term_to_oxigraph(o), node)  # type: ignore[arg-type]
