"""An in-memory index of the published quads: facts by subject and by object, labels, provenance.

Built in one pass over the dataset, so a site of many thousand pages needs no query per page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from ...namespaces import PREFIXES, SCHEMA, UMKM
from ..dataset import Statistics
from ..export import split_iri

Subject = ox.NamedNode | ox.BlankNode
Node = ox.NamedNode | ox.BlankNode | ox.Literal

LABEL_PROPERTIES: tuple[str, ...] = (
    str(RDFS.label),
    str(SKOS.prefLabel),
    str(SCHEMA.name),
    str(DCTERMS.title),
    str(FOAF.name),
)
"""Where a resource's name is looked for, in this order."""

SOURCE_PROPERTIES: tuple[str, ...] = (
    str(PROV.wasDerivedFrom),
    str(PROV.hadPrimarySource),
    str(PROV.wasQuotedFrom),
)
PROVENANCE_PROPERTIES: frozenset[str] = frozenset(
    (
        *SOURCE_PROPERTIES,
        str(PROV.wasAttributedTo),
        str(UMKM.paragraph),
        str(UMKM.sourceSentence),
        str(UMKM.isInterpretation),
        str(UMKM.interpretationNote),
    )
)
"""Properties that say where a node's facts come from (shown in the provenance column)."""

RDF_TYPE = str(RDF.type)
_ATTRIBUTED = str(PROV.wasAttributedTo)
_PARAGRAPH = str(UMKM.paragraph)
_SENTENCE = str(UMKM.sourceSentence)
_IS_INTERPRETATION = str(UMKM.isInterpretation)
_NOTE = str(UMKM.interpretationNote)


@dataclass(frozen=True)
class Fact:
    """One triple and the named graphs that hold it."""

    subject: Subject
    predicate: ox.NamedNode
    object: Node
    graphs: tuple[str, ...]


@dataclass
class Provenance:
    """Where the facts of one node come from (its claim node's PROV-O and text pointers)."""

    sources: list[str] = field(default_factory=list)
    attributed_to: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    sentences: list[ox.Literal] = field(default_factory=list)
    interpretation: bool = False
    notes: list[ox.Literal] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sources or self.paragraphs or self.sentences or self.attributed_to)


def _sort_key(term: Node) -> tuple[int, str, str]:
    if isinstance(term, ox.NamedNode):
        return (0, term.value, "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value, "")
    return (2, term.value, term.language or term.datatype.value)


def _outgoing_key(f: Fact) -> tuple[str, tuple[int, str, str]]:
    """The order of a subject's facts: by predicate, then object (the subject is the same)."""
    return (f.predicate.value, _sort_key(f.object))


def _incoming_key(f: Fact) -> tuple[str, tuple[int, str, str]]:
    """The order of the facts pointing at a node: by predicate, then subject (the object is
    the same)."""
    return (f.predicate.value, _sort_key(f.subject))


class ResourceIndex:
    """Facts of a dataset by subject and by object, with labels and provenance."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        graphs: dict[tuple[Subject, ox.NamedNode, Node], set[str]] = {}
        for q in quads:
            name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            graphs.setdefault((q.subject, q.predicate, q.object), set()).add(name)  # type: ignore[arg-type]
        self._graph_sizes: Counter[str] = Counter()
        self._properties: Counter[str] = Counter()
        objects: set[Node] = set()
        kinds: set[str] = set()  # the classes (rdf:type objects), of IRI and blank subjects
        self._out: dict[Subject, list[Fact]] = {}
        self._in: dict[Subject, list[Fact]] = {}
        self._labels: dict[str, dict[str, list[str]]] = {}
        self._types: dict[str, list[str]] = {}
        self._provenance: dict[Subject, Provenance] = {}
        sizes = self._graph_sizes
        properties = self._properties
        for (s, p, o), names in graphs.items():
            fact = Fact(s, p, o, tuple(sorted(names)) if len(names) > 1 else tuple(names))
            self._out.setdefault(s, []).append(fact)
            for name in names:
                sizes[name] += 1
            predicate = p.value
            properties[predicate] += 1
            objects.add(o)
            if isinstance(o, ox.NamedNode | ox.BlankNode):
                self._in.setdefault(o, []).append(fact)
            if predicate == RDF_TYPE and isinstance(o, ox.NamedNode):
                kinds.add(o.value)
            if isinstance(s, ox.NamedNode):
                if predicate == RDF_TYPE and isinstance(o, ox.NamedNode):
                    self._types.setdefault(s.value, []).append(o.value)
                elif predicate in LABEL_PROPERTIES and isinstance(o, ox.Literal):
                    rank = LABEL_PROPERTIES.index(predicate)
                    by_lang = self._labels.setdefault(s.value, {})
                    by_lang.setdefault(o.language or "", []).append(f"{rank:02d}{o.value}")
        # Sorted by predicate, object, subject: in a list of facts one of them is the same in
        # all, and each (predicate, other) pair is one fact, so the key leaves that one out.
        for facts in self._out.values():
            if len(facts) > 1:
                facts.sort(key=_outgoing_key)
        for facts in self._in.values():
            if len(facts) > 1:  # most objects have one fact pointing at them: no key to make
                facts.sort(key=_incoming_key)
        for by_lang in self._labels.values():
            for lang, values in by_lang.items():
                by_lang[lang] = [v[2:] for v in sorted(set(values))]
        for types in self._types.values():
            types.sort()
        del self._graph_sizes[""]
        self._objects = len(objects)
        self._classes = sorted(kinds)

    def statistics(self) -> Statistics:
        """What VoID counts, as :func:`~umkm_kg.publish.dataset.statistics` of the same quads."""
        members = Counter(t for types in self._types.values() for t in types)
        vocabularies = {split_iri(c)[0] for c in self._classes}
        vocabularies.update(split_iri(p)[0] for p in self._properties)
        return Statistics(
            triples=self._properties.total(),
            distinct_subjects=len(self._out),
            distinct_objects=self._objects,
            entities=sum(1 for s in self._out if isinstance(s, ox.NamedNode)),
            classes=dict(sorted(members.items())),
            properties=dict(sorted(self._properties.items())),
            graphs=dict(sorted(self._graph_sizes.items())),
            vocabularies=tuple(sorted(vocabularies)),
        )

    # --- what is there -------------------------------------------------------------------

    def subjects(self) -> list[str]:
        """Every IRI that is the subject of at least one fact, sorted."""
        return sorted(s.value for s in self._out if isinstance(s, ox.NamedNode))

    def outgoing(self, node: Subject) -> list[Fact]:
        return self._out.get(node, [])

    def incoming(self, node: Subject) -> list[Fact]:
        return self._in.get(node, [])

    def types(self, iri: str) -> list[str]:
        return self._types.get(iri, [])

    def has_type(self, iri: str, *classes: str) -> bool:
        return any(t in classes for t in self.types(iri))

    # --- names ---------------------------------------------------------------------------

    def labels(self, iri: str) -> dict[str, list[str]]:
        """Labels by language tag (``""`` for untagged), best property first."""
        return self._labels.get(iri, {})

    def label(self, iri: str, lang: str) -> str:
        """The name to show for ``iri`` in ``lang``: that language, then untagged, then any."""
        by_lang = self.labels(iri)
        for tag in (lang, "", "en", "id", *sorted(by_lang)):
            if by_lang.get(tag):
                return by_lang[tag][0]
        return compact(iri)

    # --- descriptions --------------------------------------------------------------------

    def description(self, node: Subject) -> list[ox.Quad]:
        """The node's facts and those of the blank nodes it reaches (its bounded description)."""
        out: list[ox.Quad] = []
        seen: set[Subject] = set()
        todo: list[Subject] = [node]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            for fact in self.outgoing(current):
                out.append(ox.Quad(fact.subject, fact.predicate, fact.object))
                if isinstance(fact.object, ox.BlankNode):
                    todo.append(fact.object)
        return out

    def provenance(self, node: Subject) -> Provenance:
        """What the node's own PROV-O and text pointers say about where its facts come from."""
        cached = self._provenance.get(node)
        if cached is not None:
            return cached
        prov = self._provenance[node] = Provenance()
        for fact in self.outgoing(node):
            p, o = fact.predicate.value, fact.object
            if p in SOURCE_PROPERTIES and isinstance(o, ox.NamedNode):
                if o.value not in prov.sources:
                    prov.sources.append(o.value)
            elif p == _ATTRIBUTED and isinstance(o, ox.NamedNode):
                prov.attributed_to.append(o.value)
            elif p == _PARAGRAPH and isinstance(o, ox.Literal):
                prov.paragraphs.append(o.value)
            elif p == _SENTENCE and isinstance(o, ox.Literal):
                prov.sentences.append(o)
            elif p == _IS_INTERPRETATION and isinstance(o, ox.Literal):
                prov.interpretation = o.value == "true" or o.value == "1"
            elif p == _NOTE and isinstance(o, ox.Literal):
                prov.notes.append(o)
        return prov


def compact(iri: str) -> str:
    """``prefix:local`` for an IRI in a project namespace, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
