"""Ontology lint: declared terms, bilingual documentation, no terms minted in others' namespaces."""

from __future__ import annotations

import itertools

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDFS,
    SDO,
    SH,
    SKOS,
    VANN,
    VOID,
    XSD,
    DefinedNamespace,
)

from conftest_model import DATA, ONTOLOGY, SHAPES, parse
from umkm_kg.namespaces import BASE, KG, SHAPES_NS, STANDARD_NAMESPACES, UMKM

ONTOLOGY_IRI = URIRef(BASE + "ontology")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# rdflib ships these vocabularies as closed term lists: a typo such as schema:spokenBy is caught.
CLOSED_VOCABULARIES: tuple[type[DefinedNamespace], ...] = (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    VANN,
    VOID,
    XSD,
)


def minted_terms() -> set[URIRef]:
    ontology = parse(ONTOLOGY)
    return {s for t in TERM_TYPES for s in ontology.subjects(RDF.type, t)}


def used_iris(*graphs_paths: object) -> set[URIRef]:
    iris: set[URIRef] = set()
    for path in graphs_paths:
        for triple in parse(path):  # type: ignore[arg-type]
            iris.update(term for term in triple if isinstance(term, URIRef))
    return iris


def test_ontology_header() -> None:
    g = parse(ONTOLOGY)
    o = ONTOLOGY_IRI
    assert (o, RDF.type, OWL.Ontology) in g
    assert g.value(o, OWL.versionIRI) == URIRef(BASE + "ontology/0.1.0")
    assert g.value(o, OWL.versionInfo) == Literal("0.1.0")
    assert g.value(o, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    for prop in (DCTERMS.created, DCTERMS.modified):
        assert g.value(o, prop) == Literal("2026-11-30", datatype=XSD.date)
    assert g.value(o, VANN.preferredNamespacePrefix) == Literal("umkm")
    assert g.value(o, VANN.preferredNamespaceUri) == Literal(str(UMKM))
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {v.language for v in g.objects(o, prop)} == {"id", "en"}


def test_every_class_and_predicate_in_the_data_is_declared_or_standard() -> None:
    data = parse(DATA)
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    undeclared = {
        term
        for term in used
        if term not in minted_terms() and not str(term).startswith(STANDARD_NAMESPACES)
    }
    assert undeclared == set()


def test_every_project_term_used_anywhere_is_declared() -> None:
    used = {i for i in used_iris(ONTOLOGY, SHAPES, DATA) if str(i).startswith(str(UMKM))}
    assert used - minted_terms() == set()


@pytest.mark.parametrize("vocabulary", CLOSED_VOCABULARIES, ids=lambda v: v.__name__)
def test_standard_terms_exist(vocabulary: type[DefinedNamespace]) -> None:
    namespace = str(vocabulary._NS)
    used = {i for i in used_iris(ONTOLOGY, SHAPES, DATA) if str(i).startswith(namespace)}
    unknown = {i for i in used if i != URIRef(namespace) and i not in vocabulary}
    assert unknown == set()


@pytest.mark.parametrize("term", sorted(minted_terms()), ids=lambda t: t.removeprefix(str(UMKM)))
def test_term_is_documented_in_id_and_en(term: URIRef) -> None:
    g = parse(ONTOLOGY)
    for prop in (RDFS.label, RDFS.comment):
        languages = sorted(v.language or "" for v in g.objects(term, prop))
        assert languages == ["en", "id"], (prop, languages)
    assert g.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI


def test_properties_have_ranges() -> None:
    """umkm:partner may be an organisation or a platform, so it deliberately has no range."""
    g = parse(ONTOLOGY)
    properties = {s for t in TERM_TYPES[1:] for s in g.subjects(RDF.type, t)}
    assert {p for p in properties if g.value(p, RDFS.range) is None} == {UMKM.partner}


def test_nothing_is_minted_in_someone_elses_namespace() -> None:
    ontology, shapes = parse(ONTOLOGY), parse(SHAPES)
    own = (str(UMKM), str(KG), str(ONTOLOGY_IRI))
    assert {
        s for s in ontology.subjects() if isinstance(s, URIRef) and not str(s).startswith(own)
    } == set()
    shapes_own = (str(SHAPES_NS), str(SHAPES_NS).rstrip("#"))
    assert {
        s for s in shapes.subjects() if isinstance(s, URIRef) and not str(s).startswith(shapes_own)
    } == set()
    types = set(ontology.objects(None, RDF.type)) | set(parse(DATA).objects(None, RDF.type))
    assert {t for t in types if not str(t).startswith((str(UMKM), *STANDARD_NAMESPACES))} == set()


def test_reuse_is_declared_by_subclass_and_subproperty() -> None:
    g = parse(ONTOLOGY)
    # org:Organization, not org:FormalOrganization: most micro businesses have no legal entity.
    assert set(g.objects(UMKM.Enterprise, RDFS.subClassOf)) == {SDO.Organization, ORG.Organization}
    assert (UMKM.PostHolding, RDFS.subClassOf, ORG.Membership) in g
    assert (UMKM.SizeClass, RDFS.subClassOf, SKOS.Concept) in g
    assert (UMKM.ExportClaim, RDFS.subClassOf, PROV.Entity) in g


SIZE_SCHEMES = {"2008": KG["scheme-size-2008"], "2021": KG["scheme-size-2021"]}


@pytest.mark.parametrize("year", SIZE_SCHEMES)
def test_size_classes_within_a_scheme_are_pairwise_distinct(year: str) -> None:
    g = parse(ONTOLOGY)
    classes = {
        c
        for c in g.subjects(SKOS.inScheme, SIZE_SCHEMES[year])
        if (c, RDF.type, UMKM.SizeClass) in g
    }
    assert classes == {KG[f"size-{year}-{c}"] for c in ("mikro", "kecil", "menengah")}
    for a, b in itertools.combinations(sorted(classes), 2):
        assert (a, OWL.differentFrom, b) in g or (b, OWL.differentFrom, a) in g, (a, b)


def test_size_schemes_are_kept_apart() -> None:
    g = parse(ONTOLOGY)
    members = {
        year: set(g.subjects(SKOS.inScheme, scheme)) for year, scheme in SIZE_SCHEMES.items()
    }
    assert members["2008"].isdisjoint(members["2021"])
    for concept in members["2008"] | members["2021"]:
        # no mapping that would relabel 2015 figures with 2021 criteria
        for prop in (SKOS.exactMatch, SKOS.closeMatch, OWL.sameAs, SKOS.broadMatch):
            assert g.value(concept, prop) is None


# Thresholds from DOMAIN.md (UU 20/2008 Pasal 6, PP 7/2021 Pasal 35), as written in the
# Indonesian definitions.
THRESHOLDS = {
    "size-2008-mikro": ("Rp50 juta", "Rp300 juta"),
    "size-2008-kecil": ("Rp50 juta", "Rp500 juta", "Rp300 juta", "Rp2,5 miliar"),
    "size-2008-menengah": ("Rp500 juta", "Rp10 miliar", "Rp2,5 miliar", "Rp50 miliar"),
    "size-2021-mikro": ("Rp1 miliar", "Rp2 miliar"),
    "size-2021-kecil": ("Rp1 miliar", "Rp5 miliar", "Rp2 miliar", "Rp15 miliar"),
    "size-2021-menengah": ("Rp5 miliar", "Rp10 miliar", "Rp15 miliar", "Rp50 miliar"),
}


@pytest.mark.parametrize("concept", THRESHOLDS)
def test_size_class_definitions_give_the_legal_thresholds(concept: str) -> None:
    g = parse(ONTOLOGY)
    definitions = {d.language: str(d) for d in g.objects(KG[concept], SKOS.definition)}
    assert set(definitions) == {"id", "en"}
    for amount in THRESHOLDS[concept]:
        assert amount in definitions["id"], amount
    assert ("UU No. 20 Tahun 2008" if "2008" in concept else "PP No. 7 Tahun 2021") in definitions[
        "en"
    ]


def test_data_cube_structure() -> None:
    g = parse(ONTOLOGY)
    dsd = KG["dsd-enterprise-count"]
    components = set(g.objects(dsd, QB.component))
    dimensions = {g.value(c, QB.dimension) for c in components} - {None}
    measures = {g.value(c, QB.measure) for c in components} - {None}
    assert dimensions == {UMKM.refArea, UMKM.refPeriod, UMKM.refSizeClass}
    assert measures == {UMKM.enterpriseCount}
    assert g.value(UMKM.enterpriseCount, RDFS.range) == XSD.integer
    assert g.value(UMKM.refSizeClass, QB.codeList) == SIZE_SCHEMES["2008"]
    assert (KG["size-2008-total"], SKOS.inScheme, SIZE_SCHEMES["2008"]) in g
    assert (KG["size-2008-total"], RDF.type, UMKM.SizeClass) not in g, (
        "total is a code, not a class"
    )
