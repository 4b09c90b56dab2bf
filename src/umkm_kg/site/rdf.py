"""Each resource's own Turtle, N-Triples and JSON-LD, written fast and the same way each time.

A site has one description per resource, tens of thousands of them for a city registry, so these
writers avoid rdflib: Turtle and N-Triples come from pyoxigraph's writers fed sorted triples,
and the JSON-LD is compacted here against a context of prefixes only (``@vocab`` plus
``prefix:``), which needs no JSON-LD processor. Blank nodes keep the labels they have:
canonicalise first (:func:`canonical_description`) for stable output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from ..namespaces import PREFIXES

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = _XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_INTEGER = re.compile(r"(?:0|-?[1-9][0-9]{0,14})\Z")
"""xsd:integer forms that a JSON number gives back unchanged (and that fit a double exactly)."""
_TERM = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
"""A local name safe as a bare JSON-LD term (no ``:``, not a keyword)."""
_SUFFIX = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.~-]*\Z")
"""A local name safe after ``prefix:`` (not ``//``, which would make an absolute IRI)."""


def canonical_description(quads: Iterable[ox.Quad]) -> list[Triple]:
    """The triples of ``quads``, blank nodes renamed by RDFC-1.0 if there are any, sorted."""
    listed = list(quads)
    if any(
        isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in listed
    ):
        dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in listed)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        listed = list(dataset)
    triples: list[Triple] = [(q.subject, q.predicate, q.object) for q in listed]  # type: ignore[misc]
    return sorted(triples, key=_triple_key)


def canonical_blank_nodes(quads: list[ox.Quad]) -> list[ox.Quad]:
    """``quads`` with blank nodes renamed by RDFC-1.0, as if the whole dataset were canonicalised.

    RDFC-1.0 labels a blank node from the quads that mention blank nodes only (RDFC 1.0, 4.4),
    so those are the only ones that need to go through it: usually none, in a registry.
    """
    blank = ox.BlankNode
    mention = [isinstance(q.subject, blank) or isinstance(q.object, blank) for q in quads]
    if not any(mention):
        return quads
    dataset = ox.Dataset(q for q, m in zip(quads, mention, strict=True) if m)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return [q for q, m in zip(quads, mention, strict=True) if not m] + list(dataset)


def _term_key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[int, str, str]:
    if isinstance(term, ox.NamedNode):
        return (0, term.value, "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value, "")
    return (2, term.value, term.language or term.datatype.value)


def _triple_key(triple: Triple) -> tuple[tuple[int, str, str], str, tuple[int, str, str]]:
    return (_term_key(triple[0]), triple[1].value, _term_key(triple[2]))


_NAMESPACE_OF: dict[str, tuple[str, ...]] = {}
"""The project prefixes an IRI starts with, by the IRI's part up to its last ``/`` or ``#``."""


def _prefixes_of(iri: str) -> tuple[str, ...]:
    # Every project namespace ends with "/" or "#", so an IRI starts with one if and only if
    # its head (up to its last "/" or "#") does; heads are few, IRIs are many.
    head = iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]
    found = _NAMESPACE_OF.get(head)
    if found is None:
        found = _NAMESPACE_OF[head] = tuple(p for p, ns in PREFIXES.items() if head.startswith(ns))
    return found


def _namespaces(triples: Sequence[Triple]) -> dict[str, str]:
    """The project prefixes that some IRI of ``triples`` starts with, in the project's order."""
    iris: set[str] = set()
    for s, p, o in triples:
        iris.add(p.value)
        for term in (s, o):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    used = {prefix for iri in iris for prefix in _prefixes_of(iri)}
    return {prefix: ns for prefix, ns in PREFIXES.items() if prefix in used}


def turtle(triples: Sequence[Triple]) -> bytes:
    """Turtle with the project prefixes it uses (in the project's order), subjects sorted."""
    prefixes = _namespaces(triples)
    body = ox.serialize(
        (ox.Triple(s, p, o) for s, p, o in triples),
        format=ox.RdfFormat.TURTLE,
        prefixes=prefixes,
    )
    assert body is not None  # serialize returns the bytes when given no output
    # pyoxigraph declares the prefixes in an order of its own: declare them ourselves.
    lines = body.decode("utf-8").splitlines(keepends=True)
    rest = [line for line in lines if not line.startswith("@prefix ")]
    head = [f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items()]
    return ("".join(head) + ("\n" if head else "") + "".join(rest)).encode("utf-8")


def ntriples(triples: Sequence[Triple]) -> bytes:
    """N-Triples, one line per triple, lines sorted."""
    lines = sorted({f"{s} {p} {o} .\n" for s, p, o in triples})
    return "".join(lines).encode("utf-8")


def vocab_context(triples: Sequence[Triple], vocab: str) -> dict[str, str]:
    """A JSON-LD context: ``vocab`` for bare terms, and the project prefixes ``triples`` use."""
    context = {"@vocab": vocab}
    context.update((p, ns) for p, ns in _namespaces(triples).items() if ns != vocab)
    return dict(sorted(context.items()))


def jsonld_document(triples: Sequence[Triple], context: dict[str, str]) -> dict[str, Any]:
    """The JSON-LD of ``triples`` compacted with ``context`` (``@vocab`` and prefixes only).

    One node object per subject (a ``@graph`` when there are several), values sorted, a single
    value not wrapped in an array. Only numbers JSON gives back unchanged are written bare.
    """
    compactor = _Compactor(context)
    nodes: dict[str, dict[str, list[Any]]] = {}
    for s, p, o in triples:
        node = nodes.setdefault(compactor.node_id(s), {})
        if p.value == _RDF_TYPE and isinstance(o, ox.NamedNode):
            node.setdefault("@type", []).append(compactor.vocab(o.value))
        else:
            node.setdefault(compactor.vocab(p.value), []).append(compactor.value(o))
    graph = []
    for node_id in sorted(nodes):
        body: dict[str, Any] = {"@id": node_id}
        for key, values in sorted(nodes[node_id].items()):
            ordered = sorted(values, key=_json_key)
            body[key] = ordered[0] if len(ordered) == 1 else ordered
        graph.append(body)
    document: dict[str, Any] = {"@context": context}
    if len(graph) == 1:
        document.update(graph[0])
    else:
        document["@graph"] = graph
    return document


def _json_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class _Compactor:
    """IRI compaction against a context of ``@vocab`` and prefixes (JSON-LD 1.1, 6.2)."""

    def __init__(self, context: dict[str, str]) -> None:
        self.vocab_iri = context.get("@vocab", "")
        self.terms = {k for k in context if not k.startswith("@")}
        # Longest namespace first, so ``umkmsh:`` wins over a shorter namespace it starts with.
        self.prefixes = sorted(
            ((ns, p) for p, ns in context.items() if not p.startswith("@")),
            key=lambda item: -len(item[0]),
        )

    def _prefixed(self, iri: str) -> str:
        for ns, prefix in self.prefixes:
            if iri.startswith(ns) and _SUFFIX.match(iri[len(ns) :]):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    def vocab(self, iri: str) -> str:
        """A property or class: a bare ``@vocab`` term, else ``prefix:local``, else the IRI."""
        if self.vocab_iri and iri.startswith(self.vocab_iri):
            local = iri[len(self.vocab_iri) :]
            if _TERM.match(local) and local not in self.terms:
                return local
        return self._prefixed(iri)

    def node_id(self, node: ox.NamedNode | ox.BlankNode) -> str:
        return f"_:{node.value}" if isinstance(node, ox.BlankNode) else self._prefixed(node.value)

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
        if not isinstance(term, ox.Literal):
            return {"@id": self.node_id(term)}
        datatype = term.datatype.value
        if term.language:
            return {"@language": term.language, "@value": term.value}
        if datatype == _STRING:
            return term.value
        if datatype == _XSD + "integer" and _INTEGER.match(term.value):
            return int(term.value)
        if datatype == _XSD + "boolean" and term.value in ("true", "false"):
            return term.value == "true"
        if datatype == _LANG_STRING:  # pragma: no cover - a langString always has a language
            return term.value
        return {"@type": self._prefixed(datatype), "@value": term.value}
