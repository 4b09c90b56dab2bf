"""A Mermaid class diagram of the ontology, for the README (``make diagram``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from . import resources
from .namespaces import PREFIXES


def _short(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}_{str(iri)[len(ns) :]}"
    return re.sub(r"\W", "_", str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def mermaid(ontology: Path = resources.ONTOLOGY) -> str:
    """Classes (with their superclasses) and object properties (domain to range) as Mermaid."""
    g = Graph()
    g.parse(ontology, format="turtle")
    lines = ["classDiagram"]
    own = str(PREFIXES["umkm"])
    classes = sorted(c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    for cls in classes:
        if not str(cls).startswith(own):
            continue
        for sup in sorted(g.objects(cls, RDFS.subClassOf), key=str):
            if isinstance(sup, URIRef):
                lines.append(f"    {_short(sup)} <|-- {_short(cls)}")
        datatype_props = sorted(
            p
            for p in g.subjects(RDFS.domain, cls)
            if (p, RDF.type, OWL.DatatypeProperty) in g and isinstance(p, URIRef)
        )
        if datatype_props:
            lines.append(f"    class {_short(cls)} {{")
            lines.extend(f"        {_short(p)}" for p in datatype_props)
            lines.append("    }")
    for prop in sorted(g.subjects(RDF.type, OWL.ObjectProperty), key=str):
        if not isinstance(prop, URIRef) or not str(prop).startswith(own):
            continue
        for domain in sorted(g.objects(prop, RDFS.domain), key=str):
            for rng in sorted(g.objects(prop, RDFS.range), key=str):
                if isinstance(domain, URIRef) and isinstance(rng, URIRef):
                    label = str(prop)[len(own) :]
                    lines.append(f"    {_short(domain)} --> {_short(rng)} : {label}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(mermaid())
