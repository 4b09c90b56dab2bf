"""The project's namespaces and the standard vocabularies it reuses."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, VOID, XSD

BASE = "https://w3id.org/umkm-kg/"
UMKM = Namespace(BASE + "ontology#")
"""Classes and properties minted by the project."""
KG = Namespace(BASE + "id/")
"""Resources described by the knowledge graph (enterprises, people, places, codes...)."""
SHAPES_NS = Namespace(BASE + "shapes#")
GRAPH = Namespace(BASE + "graph/")
"""Named graphs: ``graph/ontology``, ``graph/article``, ``graph/reference``,
``graph/records/<batch>``."""

GENID = BASE + ".well-known/genid/"
"""Skolem IRIs standing for blank nodes when data leaves the embedded store (RDF 1.1, 3.5)."""

ONTOLOGY_GRAPH = GRAPH["ontology"]
ARTICLE_GRAPH = GRAPH["article"]
REFERENCE_GRAPH = GRAPH["reference"]
"""Reference data (countries, Indonesian areas, KBLI), generated from licensed sources."""
RECORDS_GRAPH_PREFIX = BASE + "graph/records/"

ORG = Namespace("http://www.w3.org/ns/org#")
QB = Namespace("http://purl.org/linked-data/cube#")
OA = Namespace("http://www.w3.org/ns/oa#")
VANN = Namespace("http://purl.org/vocab/vann/")
SCHEMA = SDO  # schema.org, https://schema.org/
WD = Namespace("http://www.wikidata.org/entity/")
GN = Namespace("https://sws.geonames.org/")

#: Prefixes written into every Turtle file the project produces, in this order.
PREFIXES: dict[str, str] = {
    "umkm": str(UMKM),
    "kg": str(KG),
    "umkmsh": str(SHAPES_NS),
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "gn": str(GN),
    "oa": str(OA),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "qb": str(QB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "vann": str(VANN),
    "void": str(VOID),
    "wd": str(WD),
    "xsd": str(XSD),
}

#: Namespaces whose terms the data may use without declaring them in the ontology.
STANDARD_NAMESPACES: tuple[str, ...] = tuple(
    v for k, v in PREFIXES.items() if k not in {"umkm", "kg", "umkmsh", "wd", "gn"}
)
