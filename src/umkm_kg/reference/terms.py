"""The terms reference triples are made of (pyoxigraph nodes, made once)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from ..namespaces import KG, SCHEMA, UMKM

Triple = ox.Triple


def iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


def kg(local: str) -> ox.NamedNode:
    return ox.NamedNode(str(KG) + local)


def text(value: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


TYPE = iri(str(RDF.type))
LABEL = iri(str(RDFS.label))
COMMENT = iri(str(RDFS.comment))
PREF_LABEL = iri(str(SKOS.prefLabel))
ALT_LABEL = iri(str(SKOS.altLabel))
NOTATION = iri(str(SKOS.notation))
IN_SCHEME = iri(str(SKOS.inScheme))
TOP_CONCEPT_OF = iri(str(SKOS.topConceptOf))
HAS_TOP_CONCEPT = iri(str(SKOS.hasTopConcept))
BROADER = iri(str(SKOS.broader))
CONCEPT = iri(str(SKOS.Concept))
CONCEPT_SCHEME = iri(str(SKOS.ConceptScheme))
COUNTRY = iri(str(SCHEMA.Country))
CITY = iri(str(SCHEMA.City))
ADMINISTRATIVE_AREA = iri(str(SCHEMA.AdministrativeArea))
CONTAINED_IN = iri(str(SCHEMA.containedInPlace))
URL = iri(str(SCHEMA.url))
NEIGHBOURHOOD = iri(str(UMKM.Neighbourhood))
BUSINESS_FIELD = iri(str(UMKM.BusinessField))
ALPHA2 = iri(str(UMKM.iso3166Alpha2))
ALPHA3 = iri(str(UMKM.iso3166Alpha3))
NUMERIC = iri(str(UMKM.iso3166Numeric))
KEMENDAGRI = iri(str(UMKM.kemendagriCode))
INTERPRETATION_NOTE = iri(str(UMKM.interpretationNote))
DATASET = iri(str(DCAT.Dataset))
DCAT_VERSION = iri(str(DCAT) + "version")
LICENSE = iri(str(DCTERMS.license))
TITLE = iri(str(DCTERMS.title))
DESCRIPTION = iri(str(DCTERMS.description))
IDENTIFIER = iri(str(DCTERMS.identifier))
ENTITY = iri(str(PROV.Entity))
DERIVED_FROM = iri(str(PROV.wasDerivedFrom))
VERSION_INFO = iri(str(OWL.versionInfo))


def labels(node: ox.NamedNode, id_label: str, en_label: str) -> list[Triple]:
    """``rdfs:label`` in Indonesian and English (the same text where there is no English name)."""
    return [
        Triple(node, LABEL, text(id_label, "id")),
        Triple(node, LABEL, text(en_label or id_label, "en")),
    ]
