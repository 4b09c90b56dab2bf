"""A Mermaid class diagram of the ontology, for the README (``make diagram``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .. import resources
from ..namespaces import PREFIXES


def _short(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}_{str(iri)[len(ns) :]}"
    return re.sub(r"\W", "_", str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1])


#: Relations from reused vocabularies worth drawing: (subject class, property, object class).
#: An edge is drawn only where the data has an instance of it, so the picture cannot go stale.
REUSED_EDGES: tuple[tuple[str, str, str], ...] = (
    ("org:Post", "org:postIn", "schema:GovernmentOrganization"),
    ("org:OrganizationalUnit", "org:subOrganizationOf", "schema:GovernmentOrganization"),
    ("umkm:PostHolding", "org:member", "schema:Person"),
    ("schema:Quotation", "schema:spokenByCharacter", "schema:Person"),
    ("schema:NewsArticle", "schema:author", "schema:Person"),
    ("schema:NewsArticle", "schema:publisher", "schema:NewsMediaOrganization"),
    ("qb:Observation", "qb:dataSet", "qb:DataSet"),
    ("schema:Product", "schema:brand", "schema:Brand"),
    ("umkm:Enterprise", "schema:location", "umkm:Neighbourhood"),
    ("umkm:Neighbourhood", "schema:containedInPlace", "schema:City"),
    ("schema:City", "schema:containedInPlace", "schema:AdministrativeArea"),
    ("schema:AdministrativeArea", "schema:containedInPlace", "schema:Country"),
)


def _iri(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def _instantiated(data: Graph, subject_class: str, prop: str, object_class: str) -> bool:
    s_cls, p, o_cls = _iri(subject_class), _iri(prop), _iri(object_class)
    return any(
        (o, RDF.type, o_cls) in data
        for s in data.subjects(RDF.type, s_cls)
        for o in data.objects(s, p)
    )


def mermaid(ontology: Path = resources.ONTOLOGY, data: Path = resources.DATA) -> str:
    """The ontology's classes (with superclasses) and object properties (domain to range),
    plus the reused-vocabulary relations the data instantiates, as a Mermaid class diagram."""
    g = Graph()
    g.parse(ontology, format="turtle")
    instances = Graph()
    instances.parse(data, format="turtle")
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
    for subject_class, relation, object_class in REUSED_EDGES:
        if _instantiated(instances, subject_class, relation, object_class):
            s_name, o_name = _short(_iri(subject_class)), _short(_iri(object_class))
            lines.append(f"    {s_name} --> {o_name} : {relation}")
    return "\n".join(lines) + "\n"


def update_readme(readme: Path) -> bool:
    """Replace the first ``mermaid`` code block of ``readme`` with the current diagram.

    :returns: whether the file changed.
    """
    text = readme.read_text(encoding="utf-8")
    fresh = re.sub(
        r"```mermaid\n.*?```", lambda _: f"```mermaid\n{mermaid()}```", text, count=1, flags=re.S
    )
    if fresh == text:
        return False
    readme.write_text(fresh, encoding="utf-8")
    return True


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--readme":
        print("updated" if update_readme(Path(sys.argv[2])) else "unchanged", sys.argv[2])
    else:
        sys.stdout.write(mermaid())
