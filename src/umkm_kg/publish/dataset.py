"""The dataset description: VoID and DCAT for linked-data tools, schema.org for search engines.

Counts are computed from the same quads the published dumps hold (:func:`dump_content`), so
the description never disagrees with the files it lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from ..formats import RdfFormat
from ..kg import KnowledgeGraph
from ..namespaces import BASE, PREFIXES, SCHEMA, WD
from .export import GraphSelection, collect, split_iri

DEFAULT_BASE_URL = BASE
"""Where the dumps are published unless ``--base-url`` says otherwise."""

DUMP_NAME = "umkm-kg"
"""File name (without extension) of the published dumps: ``dumps/umkm-kg.ttl.gz``..."""

DUMP_GRAPHS = GraphSelection.ALL
DUMP_WITH_ONTOLOGY = True
"""A published dump holds the article, every records batch and the ontology (not the shapes)."""

DCAT_VERSION = URIRef(str(DCAT) + "version")
"""``dcat:version`` (DCAT 3), which rdflib's DCAT namespace does not list yet."""
DCAT_COMPRESS_FORMAT = URIRef(str(DCAT) + "compressFormat")
"""``dcat:compressFormat`` (DCAT 2): the dumps are gzip files of the format ``dcat:mediaType``."""
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
KOTA_TANGERANG = WD["Q10127"]
_IANA = "https://www.iana.org/assignments/media-types/"

TITLE = {
    "id": "Graf pengetahuan UMKM Kota Tangerang (2016)",
    "en": "UMKM knowledge graph of Kota Tangerang (2016)",
}
DESCRIPTION = {
    "id": "Fakta tentang usaha mikro, kecil dan menengah (UMKM) Kota Tangerang yang produknya "
    "diekspor, pemiliknya, dinas yang membinanya, dan statistik jumlah UMKM akhir 2015, diambil "
    "dari sebuah artikel ANTARA News Banten tahun 2016, dengan provenans setiap fakta.",
    "en": "Facts about the micro, small and medium enterprises (UMKM) of Kota Tangerang whose "
    "products are exported, their owners, the agency that coaches them and the count of UMKM at "
    "the end of 2015, taken from a 2016 ANTARA News Banten article, with the provenance of every "
    "fact.",
}
RIGHTS = {
    "id": "Data berlisensi CC BY 4.0. Teks artikel © ANTARA News Banten 2016: graf ini hanya "
    "memuat fakta dan kutipan pendek yang disebutkan sumbernya, bukan teks lengkapnya.",
    "en": "Data licensed CC BY 4.0. The article text is © ANTARA News Banten 2016: the graph "
    "encodes only facts and short attributed quotations, not the full text.",
}
KEYWORDS = {"id": ("UMKM", "ekspor", "Kota Tangerang"), "en": ("SME", "export", "Tangerang")}


GZIP_MEDIA_TYPE = "application/gzip"


@dataclass(frozen=True)
class Dump:
    """One published dump file: the graph in ``fmt``, gzip-compressed.

    Compressed because a registry's dumps are most of its site otherwise (at 10,000
    enterprises, six formats of 540,000 triples are 390 MB as text and about 30 MB as gzip); the
    bytes inside are those ``umkm-kg export`` writes.
    """

    fmt: RdfFormat

    @property
    def file_name(self) -> str:
        return f"{DUMP_NAME}.{self.fmt.extension}.gz"

    @property
    def path(self) -> str:
        """Path of the file below the base URL."""
        return f"dumps/{self.file_name}"


DUMPS: tuple[Dump, ...] = tuple(Dump(fmt) for fmt in RdfFormat)


def dataset_iri(base_url: str = DEFAULT_BASE_URL) -> URIRef:
    """The IRI of the dataset itself (its description is served there)."""
    return URIRef(_slash(base_url) + "dataset")


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True)
class Statistics:
    """What VoID counts, over the union of the dumped graphs."""

    triples: int
    distinct_subjects: int
    distinct_objects: int
    entities: int
    classes: dict[str, int]
    properties: dict[str, int]
    graphs: dict[str, int]
    vocabularies: tuple[str, ...]


def dump_content(kg: KnowledgeGraph) -> ox.Dataset:
    """The quads of a published dump."""
    return collect(kg, DUMP_GRAPHS, with_ontology=DUMP_WITH_ONTOLOGY)


def statistics(quads: Iterable[ox.Quad]) -> Statistics:
    """Count triples, subjects, entities (IRI subjects), members per class, triples per property."""
    triples: set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]] = set()
    graphs: Counter[str] = Counter()
    for q in quads:
        triples.add((q.subject, q.predicate, q.object))  # type: ignore[arg-type]
        if isinstance(q.graph_name, ox.NamedNode):
            graphs[q.graph_name.value] += 1
    rdf_type = str(RDF.type)
    members: dict[str, set[str]] = {}
    subjects: set[object] = set()
    objects: set[object] = set()
    properties: Counter[str] = Counter()
    vocabularies: set[str] = set()
    for s, p, o in triples:
        subjects.add(s)
        objects.add(o)
        properties[p.value] += 1
        if p.value == rdf_type and isinstance(o, ox.NamedNode):
            vocabularies.add(split_iri(o.value)[0])
            if isinstance(s, ox.NamedNode):
                members.setdefault(o.value, set()).add(s.value)
    vocabularies.update(split_iri(p)[0] for p in properties)
    return Statistics(
        triples=len(triples),
        distinct_subjects=len(subjects),
        distinct_objects=len(objects),
        entities=sum(1 for s in subjects if isinstance(s, ox.NamedNode)),
        classes={c: len(m) for c, m in sorted(members.items())},
        properties=dict(sorted(properties.items())),
        graphs=dict(sorted(graphs.items())),
        vocabularies=tuple(sorted(vocabularies)),
    )


def describe(
    kg: KnowledgeGraph,
    *,
    base_url: str = DEFAULT_BASE_URL,
    sparql_endpoint: str | None = None,
    quads: Iterable[ox.Quad] | None = None,
    stats: Statistics | None = None,
) -> Graph:
    """The VoID + DCAT + schema:Dataset description of the published dumps.

    ``sparql_endpoint`` is only stated when one is actually served; ``quads`` are the dumps'
    content when the caller has read them already (:func:`dump_content`), ``stats`` their
    :func:`statistics` when the caller has counted them.
    """
    if stats is None:
        stats = statistics(quads if quads is not None else dump_content(kg))
    base = _slash(base_url)
    ds = dataset_iri(base)
    g = Graph(bind_namespaces="none")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, SCHEMA.Dataset))
    for lang in ("id", "en"):
        for prop in (DCTERMS.title, SCHEMA.name, RDFS.label):
            g.add((ds, prop, Literal(TITLE[lang], lang=lang)))
        for prop in (DCTERMS.description, SCHEMA.description):
            g.add((ds, prop, Literal(DESCRIPTION[lang], lang=lang)))
        g.add((ds, DCTERMS.rights, Literal(RIGHTS[lang], lang=lang)))
        for word in KEYWORDS[lang]:
            g.add((ds, DCAT.keyword, Literal(word, lang=lang)))
            g.add((ds, SCHEMA.keywords, Literal(word, lang=lang)))
    for prop in (DCTERMS.license, SCHEMA.license):
        g.add((ds, prop, CC_BY))
    g.add((ds, DCTERMS.spatial, KOTA_TANGERANG))
    g.add((ds, SCHEMA.spatialCoverage, KOTA_TANGERANG))
    g.add((ds, DCAT.landingPage, URIRef(base)))
    g.add((ds, FOAF.homepage, URIRef(base)))
    g.add((ds, SCHEMA.url, URIRef(base)))
    for article in _articles(kg):
        g.add((ds, DCTERMS.source, article))
        g.add((ds, SCHEMA.isBasedOn, article))
    version = _ontology_version(kg)
    if version is not None:
        for prop in (OWL.versionInfo, DCAT_VERSION, SCHEMA.version):
            g.add((ds, prop, Literal(version)))
    publisher = URIRef(base + "#publisher")
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, SCHEMA.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, RDF.type, SCHEMA.Organization))
    g.add((publisher, FOAF.name, Literal("umkm-kg project")))
    g.add((publisher, SCHEMA.name, Literal("umkm-kg project")))
    g.add((publisher, FOAF.homepage, URIRef(base)))

    _counts(g, ds, stats)
    _distributions(g, ds, base)
    if sparql_endpoint:
        g.add((ds, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
        service = URIRef(base + "#sparql")
        g.add((ds, DCAT.accessService, service))
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCAT.endpointURL, URIRef(sparql_endpoint)))
        g.add((service, DCAT.servesDataset, ds))
    return g


def _counts(g: Graph, ds: URIRef, stats: Statistics) -> None:
    def integer(n: int) -> Literal:
        return Literal(str(n), datatype=XSD.integer)

    g.add((ds, VOID.triples, integer(stats.triples)))
    g.add((ds, VOID.distinctSubjects, integer(stats.distinct_subjects)))
    g.add((ds, VOID.distinctObjects, integer(stats.distinct_objects)))
    g.add((ds, VOID.entities, integer(stats.entities)))
    g.add((ds, VOID.classes, integer(len(stats.classes))))
    g.add((ds, VOID.properties, integer(len(stats.properties))))
    for vocabulary in stats.vocabularies:
        g.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    # Partitions get IRIs made from the dataset's, so that the description stays free of
    # blank nodes (and diffs of it stay readable).
    for cls, count in stats.classes.items():
        part = URIRef(f"{ds}#class-{_slug(cls)}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, integer(count)))
    for prop, count in stats.properties.items():
        part = URIRef(f"{ds}#property-{_slug(prop)}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, integer(count)))
    for name, count in stats.graphs.items():
        g.add((ds, VOID.subset, URIRef(name)))
        g.add((URIRef(name), RDF.type, VOID.Dataset))
        g.add((URIRef(name), VOID.triples, integer(count)))


def _slug(iri: str) -> str:
    namespace, local = split_iri(iri)
    prefix = next((p for p, ns in PREFIXES.items() if ns == namespace), None)
    text = f"{prefix}-{local}" if prefix else iri
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


def _distributions(g: Graph, ds: URIRef, base: str) -> None:
    for dump in DUMPS:
        url = URIRef(base + dump.path)
        dist = URIRef(f"{ds}#dump-{dump.fmt.key}")
        g.add((ds, DCAT.distribution, dist))
        g.add((ds, SCHEMA.distribution, dist))
        g.add((ds, VOID.dataDump, url))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, RDF.type, SCHEMA.DataDownload))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, SCHEMA.contentUrl, url))
        g.add((dist, DCAT.mediaType, URIRef(_IANA + dump.fmt.media_type)))
        g.add((dist, DCAT_COMPRESS_FORMAT, URIRef(_IANA + GZIP_MEDIA_TYPE)))
        g.add((dist, SCHEMA.encodingFormat, Literal(dump.fmt.media_type)))
        g.add((dist, DCTERMS.license, CC_BY))
        g.add((dist, DCTERMS.title, Literal(f"{TITLE['en']}: {dump.fmt.key} dump", lang="en")))
        if dump.fmt is RdfFormat.JSONLD:
            # The JSON-LD dump inlines the project context; the context is also published.
            g.add((dist, RDFS.seeAlso, URIRef(base + "dumps/context.jsonld")))


def _articles(kg: KnowledgeGraph) -> list[URIRef]:
    result = kg.query(
        "SELECT DISTINCT ?a WHERE { ?a a <https://schema.org/NewsArticle> } ORDER BY ?a"
    )
    return [a for a in result.column("a") if isinstance(a, URIRef)]


def _ontology_version(kg: KnowledgeGraph) -> str | None:
    result = kg.query(
        "SELECT ?v WHERE { ?o a <http://www.w3.org/2002/07/owl#Ontology> ; "
        "<http://www.w3.org/2002/07/owl#versionInfo> ?v } ORDER BY ?v LIMIT 1"
    )
    value = result.rows[0].get("v") if result.rows else None
    return str(value) if value is not None else None
