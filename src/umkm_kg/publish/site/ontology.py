"""What the ontology documentation shows: every class and property, and the shapes on each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS, SH

from ...errors import BadInput
from ...namespaces import UMKM
from .index import ResourceIndex, compact

CLASS_TYPES = (str(OWL.Class), str(RDFS.Class))
PROPERTY_TYPES = (
    str(OWL.ObjectProperty),
    str(OWL.DatatypeProperty),
    str(OWL.AnnotationProperty),
    str(RDF.Property),
)
_TARGET_CLASS = str(SH.targetClass)
_PROPERTY = str(SH.property)
_PATH = str(SH.path)
_SH = str(SH)
_CONSTRAINTS = (
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "nodeKind",
    "pattern",
    "minInclusive",
    "maxInclusive",
    "minLength",
    "maxLength",
    "hasValue",
    "in",
    "node",
    "languageIn",
    "uniqueLang",
)


@dataclass(frozen=True)
class Constraint:
    """One shape constraining a class (``sh:targetClass``) or a property (``sh:path``)."""

    shape: str
    summary: str


@dataclass
class Shapes:
    """The constraints of a shapes graph, by the class or property they constrain."""

    by_term: dict[str, list[Constraint]] = field(default_factory=dict)

    def on(self, iri: str) -> list[Constraint]:
        return self.by_term.get(iri, [])


def read_shapes(path: Path | None) -> tuple[Shapes, list[ox.Quad]]:
    """The constraints in a SHACL file (none when ``path`` is ``None`` or missing).

    :raises BadInput: the file exists but is not Turtle.
    """
    if path is None or not path.is_file():
        return Shapes(), []
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError, OSError) as exc:
        raise BadInput(f"cannot read the shapes {path}: {exc}") from exc
    return shapes_of(quads), quads


def shapes_of(quads: Iterable[ox.Quad]) -> Shapes:
    index = ResourceIndex(quads)
    shapes = Shapes()
    for fact_subject in sorted(index.subjects()):
        node = ox.NamedNode(fact_subject)
        for fact in index.outgoing(node):
            p = fact.predicate.value
            if p == _TARGET_CLASS and isinstance(fact.object, ox.NamedNode):
                summary = "target class (sh:targetClass)"
                shapes.by_term.setdefault(fact.object.value, []).append(
                    Constraint(compact(fact_subject), summary)
                )
            elif p == _PROPERTY and isinstance(fact.object, ox.NamedNode | ox.BlankNode):
                _property_shape(index, shapes, compact(fact_subject), fact.object)
    for constraints in shapes.by_term.values():
        constraints.sort(key=lambda c: (c.shape, c.summary))
    return shapes


def _property_shape(
    index: ResourceIndex, shapes: Shapes, owner: str, node: ox.NamedNode | ox.BlankNode
) -> None:
    path: str | None = None
    parts: list[str] = []
    for fact in index.outgoing(node):
        p, o = fact.predicate.value, fact.object
        local = p[len(_SH) :] if p.startswith(_SH) else None
        if p == _PATH and isinstance(o, ox.NamedNode):
            path = o.value
        elif local in _CONSTRAINTS:
            shown = compact(o.value) if isinstance(o, ox.NamedNode) else o.value
            if isinstance(o, ox.BlankNode):
                shown = "(list)"
            parts.append(f"sh:{local} {shown}")
    if path is not None:
        summary = ", ".join(sorted(parts)) or "sh:path"
        shapes.by_term.setdefault(path, []).append(Constraint(owner, summary))


@dataclass(frozen=True)
class Term:
    """A class or property of the project ontology."""

    iri: str
    kind: str
    """``class`` or ``property``."""


def ontology_terms(index: ResourceIndex) -> list[Term]:
    """Every class and property the project ontology defines, classes first, each sorted."""
    terms: list[Term] = []
    for iri in index.subjects():
        if not iri.startswith(str(UMKM)):
            continue
        if index.has_type(iri, *CLASS_TYPES):
            terms.append(Term(iri, "class"))
        elif index.has_type(iri, *PROPERTY_TYPES):
            terms.append(Term(iri, "property"))
    return sorted(terms, key=lambda t: (t.kind != "class", t.iri.lower()))
