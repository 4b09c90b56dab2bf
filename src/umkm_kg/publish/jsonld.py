"""JSON-LD of a set of triples, compacted against a context of prefixes and plain terms.

The project's contexts (``ontology/context.jsonld``, and the ``@vocab`` context of the site's
pages) hold only prefixes (``"kg": "https://w3id.org/umkm-kg/id/"``) and terms that name one
IRI (``"label": "rdfs:label"``), so compaction needs no JSON-LD processor: one node object per
subject, every IRI written as a term, ``prefix:local`` or in full, every literal as a string,
a value object, or a JSON number where JSON gives back the same lexical form. Node objects are
sorted by ``@id`` and values by their JSON text, so the same triples give the same document.
Blank nodes keep their labels: canonicalise first for stable output.

    >>> import pyoxigraph as ox
    >>> s = ox.NamedNode("https://w3id.org/umkm-kg/id/toko")
    >>> name = ox.NamedNode("https://schema.org/name")
    >>> context = {"@vocab": "https://schema.org/", "kg": "https://w3id.org/umkm-kg/id/"}
    >>> compact_document([(s, name, ox.Literal("Toko"))], context)["name"]
    'Toko'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

Subject = ox.NamedNode | ox.BlankNode
Triple = tuple[Subject, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = re.compile(r"(?:0|-?[1-9][0-9]{0,14})\Z")
"""xsd:integer forms that a JSON number gives back unchanged (and that fit a double exactly)."""
_TERM = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
"""A local name safe as a bare ``@vocab`` term (no ``:``, not a keyword)."""
_SUFFIX = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.~-]*\Z")
"""A local name safe after ``prefix:`` (not ``//``, which would make it an absolute IRI)."""


def compact_document(
    triples: Iterable[Triple], context: dict[str, Any], *, graph: bool = False
) -> dict[str, Any]:
    """The JSON-LD document of ``triples`` with ``context`` inlined.

    With one subject the node object is the document itself, unless ``graph`` asks for a
    ``@graph`` always. A single value is written bare, several as a sorted array.
    """
    compactor = Compactor(context)
    nodes: dict[str, dict[str, list[Any]]] = {}
    for s, p, o in triples:
        node = nodes.setdefault(compactor.node_id(s), {})
        if p.value == _RDF_TYPE and isinstance(o, ox.NamedNode):
            node.setdefault("@type", []).append(compactor.vocab(o.value))
        else:
            node.setdefault(compactor.vocab(p.value), []).append(compactor.value(o))
    objects = []
    for node_id in sorted(nodes):
        body: dict[str, Any] = {"@id": node_id}
        for key, values in sorted(nodes[node_id].items()):
            body[key] = values[0] if len(values) == 1 else sorted(values, key=value_key)
        objects.append(body)
    document: dict[str, Any] = {"@context": context}
    if len(objects) == 1 and not graph:
        document.update(objects[0])
    else:
        document["@graph"] = objects
    return document


def value_key(value: Any) -> str:
    """The sort key of a compacted value: its JSON text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class Compactor:
    """IRI compaction (JSON-LD 1.1, 6.2) against a context of prefixes and plain terms.

    Only what such a context allows is used: a term for an IRI it names (in property and type
    position), a bare local name under ``@vocab``, ``prefix:local`` with a prefix whose IRI
    ends in ``/`` or ``#`` (JSON-LD 1.1 uses no other term as a prefix), else the whole IRI.
    """

    def __init__(self, context: dict[str, Any]) -> None:
        self.vocab_iri = str(context.get("@vocab") or "")
        names = {k: v for k, v in context.items() if not k.startswith("@") and isinstance(v, str)}
        self.taken = set(context) - {k for k in context if k.startswith("@")}
        prefixes = {k: v for k, v in names.items() if v.endswith(("/", "#")) and ":" not in k}
        self.prefixes = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda i: -len(i[0]))
        self.terms: dict[str, str] = {}
        for term, value in sorted(names.items(), key=lambda item: (len(item[0]), item[0])):
            if term in prefixes or ":" in term:
                continue
            iri = self._expand(value, prefixes)
            self.terms.setdefault(iri, term)

    @staticmethod
    def _expand(value: str, prefixes: dict[str, str]) -> str:
        head, colon, tail = value.partition(":")
        if colon and head in prefixes and not tail.startswith("//"):
            return prefixes[head] + tail
        return value

    def _prefixed(self, iri: str) -> str:
        for ns, prefix in self.prefixes:
            if iri.startswith(ns) and _SUFFIX.match(iri[len(ns) :]):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    def vocab(self, iri: str) -> str:
        """A property, class or datatype: a term, a ``@vocab`` name, ``prefix:local``, the IRI."""
        term = self.terms.get(iri)
        if term is not None:
            return term
        if self.vocab_iri and iri.startswith(self.vocab_iri):
            local = iri[len(self.vocab_iri) :]
            if _TERM.match(local) and local not in self.taken:
                return local
        return self._prefixed(iri)

    def node_id(self, node: Subject) -> str:
        """An ``@id``: ``_:label`` for a blank node, else ``prefix:local`` or the IRI."""
        return f"_:{node.value}" if isinstance(node, ox.BlankNode) else self._prefixed(node.value)

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
        """A node reference, a string, a JSON number or boolean, or a value object."""
        if not isinstance(term, ox.Literal):
            return {"@id": self.node_id(term)}
        if term.language:
            return {"@language": term.language, "@value": term.value}
        datatype = term.datatype.value
        if datatype == _XSD + "string":
            return term.value
        if datatype == _XSD + "integer" and _INTEGER.match(term.value):
            return int(term.value)
        if datatype == _XSD + "boolean" and term.value in ("true", "false"):
            return term.value == "true"
        return {"@type": self.vocab(datatype), "@value": term.value}
