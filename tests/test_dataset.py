"""The VoID / DCAT / schema.org description: required properties, and counts that agree with
SPARQL counts over the same graphs."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from test_export import sample_kg
from umkm_kg.formats import RdfFormat
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import ARTICLE_GRAPH, ONTOLOGY_GRAPH, SCHEMA
from umkm_kg.publish.dataset import (
    CC_BY,
    DCAT_COMPRESS_FORMAT,
    DCAT_VERSION,
    DUMPS,
    dataset_iri,
    describe,
)
from umkm_kg.publish.export import serialize_graph

DATA_GRAPHS = (
    f"<{ONTOLOGY_GRAPH}>, <{ARTICLE_GRAPH}>, <https://w3id.org/umkm-kg/graph/records/batch-1>"
)


@pytest.fixture(scope="module")
def sample() -> KnowledgeGraph:
    return sample_kg()


@pytest.fixture(scope="module")
def description(sample: KnowledgeGraph) -> Graph:
    return describe(sample)


def _count(kg: KnowledgeGraph, select: str) -> int:
    """One SPARQL COUNT over the distinct triples of the dumped graphs."""
    query = (
        f"SELECT (COUNT({select}) AS ?n) WHERE {{ "
        f"{{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER(?g IN ({DATA_GRAPHS})) }} }} }}"
    )
    return int(kg.query(query).rows[0]["n"])  # type: ignore[call-overload]


def _int(g: Graph, s: URIRef, p: URIRef) -> int:
    value = g.value(s, p)
    assert isinstance(value, Literal), (s, p)
    return int(value)


def test_it_is_a_void_dcat_and_schema_dataset(description: Graph) -> None:
    ds = dataset_iri()
    assert {VOID.Dataset, DCAT.Dataset, SCHEMA.Dataset} <= set(description.objects(ds, RDF.type))
    for prop in (DCTERMS.title, DCTERMS.description, SCHEMA.name, SCHEMA.description):
        langs = {o.language for o in description.objects(ds, prop) if isinstance(o, Literal)}
        assert langs == {"id", "en"}, prop
    assert description.value(ds, DCTERMS.license) == CC_BY
    rights = " ".join(str(o) for o in description.objects(ds, DCTERMS.rights))
    assert "ANTARA" in rights and "quotations" in rights
    assert description.value(ds, DCAT_VERSION) == Literal("0.0.1-test")
    assert description.value(ds, DCTERMS.publisher) is not None
    assert description.value(ds, DCTERMS.source) == URIRef("https://w3id.org/umkm-kg/id/article")


def test_counts_agree_with_sparql(sample: KnowledgeGraph, description: Graph) -> None:
    ds = dataset_iri()
    assert _int(description, ds, VOID.triples) == _count(sample, "*")
    assert _int(description, ds, VOID.distinctSubjects) == _count(sample, "DISTINCT ?s")
    assert _int(description, ds, VOID.distinctObjects) == _count(sample, "DISTINCT ?o")
    entities = sample.query(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(isIRI(?s) && ?g IN ({DATA_GRAPHS})) }}"
    )
    assert _int(description, ds, VOID.entities) == int(entities.rows[0]["n"])  # type: ignore[call-overload]


def test_class_partitions_count_entities(sample: KnowledgeGraph, description: Graph) -> None:
    per_class = sample.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } "
        f"FILTER(isIRI(?s) && isIRI(?c) && ?g IN ({DATA_GRAPHS})) }} GROUP BY ?c"
    )
    expected = {str(r["c"]): int(r["n"]) for r in per_class.rows}  # type: ignore[call-overload]
    found = {
        str(description.value(part, VOID["class"])): _int(description, part, VOID.entities)
        for part in description.objects(dataset_iri(), VOID.classPartition)
        if isinstance(part, URIRef)
    }
    assert found == expected
    assert found["https://w3id.org/umkm-kg/ontology#Enterprise"] == 2


def test_property_partitions_and_vocabularies(description: Graph) -> None:
    ds = dataset_iri()
    props = {
        str(description.value(part, VOID.property))
        for part in description.objects(ds, VOID.propertyPartition)
    }
    assert "https://w3id.org/umkm-kg/ontology#exports" in props
    assert _int(description, ds, VOID.properties) == len(props)
    vocabularies = {str(v) for v in description.objects(ds, VOID.vocabulary)}
    assert {"https://schema.org/", "https://w3id.org/umkm-kg/ontology#"} <= vocabularies


def test_every_dump_is_a_distribution_with_its_media_type(description: Graph) -> None:
    ds = dataset_iri()
    distributions = list(description.objects(ds, DCAT.distribution))
    assert len(distributions) == len(DUMPS) == len(RdfFormat)
    media = set()
    for dist in distributions:
        assert isinstance(dist, URIRef)
        url = description.value(dist, DCAT.downloadURL)
        assert str(url).startswith("https://w3id.org/umkm-kg/dumps/umkm-kg.")
        media.add(str(description.value(dist, DCAT.mediaType)).rsplit("media-types/", 1)[1])
        assert description.value(dist, SCHEMA.encodingFormat) is not None
        assert str(url).endswith(".gz")
        gzip = description.value(dist, DCAT_COMPRESS_FORMAT)
        assert str(gzip) == "https://www.iana.org/assignments/media-types/application/gzip"
    assert media == {fmt.media_type for fmt in RdfFormat}


def test_base_url_and_sparql_endpoint(sample: KnowledgeGraph, description: Graph) -> None:
    assert description.value(dataset_iri(), VOID.sparqlEndpoint) is None
    other = describe(
        sample, base_url="https://example.org/umkm", sparql_endpoint="https://example.org/sparql"
    )
    ds = dataset_iri("https://example.org/umkm/")
    assert other.value(ds, VOID.sparqlEndpoint) == URIRef("https://example.org/sparql")
    urls = {str(u) for u in other.objects(ds, VOID.dataDump)}
    assert "https://example.org/umkm/dumps/umkm-kg.ttl.gz" in urls


@pytest.mark.parametrize("fmt", list(RdfFormat), ids=lambda f: f.key)
def test_description_serialises_deterministically(description: Graph, fmt: RdfFormat) -> None:
    first = serialize_graph(description, fmt)
    assert first == serialize_graph(describe(sample_kg()), fmt)
    parsed = Graph().parse(data=first, format=fmt.rdflib_name)
    assert len(parsed) == len(description)
