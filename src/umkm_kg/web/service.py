"""The SPARQL 1.1 Service Description of the endpoint (``GET /sparql`` without a query)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from .. import __version__
from ..kg import KnowledgeGraph
from ..query.results import QueryForm, QueryResult
from ..store import DiskStore, EmbeddedStore

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def graph_names(kg: KnowledgeGraph) -> list[str]:
    """The named graphs the endpoint's default graph is the union of (as far as known)."""
    store = kg.store
    if isinstance(store, DiskStore):
        store.refresh()
        return sorted(store.generation.graphs)
    if isinstance(store, EmbeddedStore):
        return store.named_graphs()
    return list(getattr(store, "graphs", ()))


def describe(kg: KnowledgeGraph, endpoint: str) -> QueryResult:
    """The description of the endpoint at ``endpoint``, as a graph result."""
    g = Graph(bind_namespaces="none")
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    # The default graph is the union of the named graphs; nothing else is federated or loaded.
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in _RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    for index, name in enumerate(graph_names(kg)):
        named = BNode(f"graph{index}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
    g.add(
        (
            service,
            URIRef("http://purl.org/dc/terms/description"),
            Literal(f"umkm-kg {__version__}: read-only SPARQL 1.1 over the UMKM knowledge graph"),
        )
    )
    return QueryResult(form=QueryForm.CONSTRUCT, graph=g)
