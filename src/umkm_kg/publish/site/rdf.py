"""Each resource's own Turtle, N-Triples and JSON-LD, written fast and the same way each time.

A site has one description per resource, tens of thousands of them for a city registry, so these
writers avoid rdflib: Turtle and N-Triples come from pyoxigraph's writers fed sorted triples,
and the JSON-LD is compacted by :mod:`~umkm_kg.publish.jsonld` against a context of ``@vocab``
and the prefixes the resource uses. Blank nodes keep the labels they have: canonicalise first
(:func:`canonical_description`) for stable output.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from ...namespaces import PREFIXES
from ..jsonld import Triple


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


def namespaces(triples: Sequence[Triple]) -> dict[str, str]:
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


def turtle(triples: Sequence[Triple], prefixes: dict[str, str] | None = None) -> bytes:
    """Turtle with the project prefixes it uses (in the project's order), subjects sorted.

    ``prefixes`` are the triples' :func:`namespaces`, when the caller has them already.
    """
    prefixes = namespaces(triples) if prefixes is None else prefixes
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


def vocab_context(
    triples: Sequence[Triple], vocab: str, prefixes: dict[str, str] | None = None
) -> dict[str, str]:
    """A JSON-LD context: ``vocab`` for bare terms, and the project prefixes ``triples`` use.

    ``prefixes`` are the triples' :func:`namespaces`, when the caller has them already.
    """
    used = namespaces(triples) if prefixes is None else prefixes
    context = {"@vocab": vocab}
    context.update((p, ns) for p, ns in used.items() if ns != vocab)
    return dict(sorted(context.items()))
