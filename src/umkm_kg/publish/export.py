"""Dumps of the graph in every RDF format, byte for byte the same each time.

Blank nodes are renamed by RDFC-1.0 canonicalisation before writing, then every writer orders
its output (sorted lines, sorted subjects, sorted keys), so the same graph always gives the
same bytes whichever process writes it. Every format streams from the store in bounded memory
(:mod:`umkm_kg.publish.dump`), and several formats can be written from one read of it
(:func:`write_exports`).
Quads formats keep each named graph and say in the default graph where each one comes from.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import PROV, RDF, RDFS, VOID

from .. import resources
from ..errors import BadInput
from ..formats import RdfFormat
from ..kg import KnowledgeGraph
from ..namespaces import (
    ARTICLE_GRAPH,
    GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    RECORDS_GRAPH_PREFIX,
    REFERENCE_GRAPH,
)
from ..query.results import term_to_oxigraph
from ..store import EmbeddedStore
from .dump import (
    Lines,
    ProvenanceFn,
    Reading,
    Source,
    graph_sizes,
    write_jsonld,
    write_nquads,
    write_ntriples,
    write_trig,
    write_turtle,
)
from .linesort import DEFAULT_RUN_BYTES
from .rdfxml import split, write_rdfxml

SHAPES_GRAPH = GRAPH["shapes"]
"""The named graph the SHACL shapes go in when a dump includes them."""

_SCHEMA_ARTICLE = "https://schema.org/NewsArticle"
_RDF_TYPE = str(RDF.type)


class GraphSelection(StrEnum):
    """Which data graphs a dump holds (the ontology and shapes are opted in separately)."""

    ARTICLE = "article"
    RECORDS = "records"
    ALL = "all"
    REFERENCE = "reference"
    """The reference data alone (countries, Indonesian areas, KBLI; its own licences): not
    part of ``all``, the project's data."""


def export(
    kg: KnowledgeGraph,
    fmt: RdfFormat,
    graphs: GraphSelection = GraphSelection.ALL,
    *,
    with_ontology: bool = False,
    with_shapes: bool = False,
    shapes: Path | None = None,
) -> bytes:
    """Serialise the selected graphs as ``fmt``; the same graph always gives the same bytes.

    ``shapes`` overrides the bundled ``ontology/shapes.ttl`` (for tests). To write a large
    graph to a file without holding the dump in memory, use :func:`write_export`.

    :raises BadInput: the graph is remote, the shapes file is unreadable, or a term cannot be
        written in ``fmt`` (an IRI RDF/XML cannot split into a qualified name).
    """
    buffer = io.BytesIO()
    write_export(
        kg,
        fmt,
        buffer,
        graphs,
        with_ontology=with_ontology,
        with_shapes=with_shapes,
        shapes=shapes,
    )
    return buffer.getvalue()


STREAMED = frozenset(RdfFormat)
"""Formats written from the store as they stream past, in bounded memory: all of them."""

_LINES = {
    RdfFormat.NTRIPLES: Lines.UNION,
    RdfFormat.TURTLE: Lines.UNION,
    RdfFormat.JSONLD: Lines.UNION,
    RdfFormat.RDFXML: Lines.UNION,
    RdfFormat.NQUADS: Lines.NQUADS,
    RdfFormat.TRIG: Lines.BY_GRAPH,
}
"""The sorted lines each format is written from."""


def write_export(
    kg: KnowledgeGraph,
    fmt: RdfFormat,
    output: IO[bytes],
    graphs: GraphSelection = GraphSelection.ALL,
    *,
    with_ontology: bool = False,
    with_shapes: bool = False,
    shapes: Path | None = None,
    run_bytes: int = DEFAULT_RUN_BYTES,
    temp_dir: Path | None = None,
) -> None:
    """Write the selected graphs as ``fmt`` to ``output``: the bytes :func:`export` returns.

    The store's lines go through sorted runs of at most ``run_bytes`` (temporary files in
    ``temp_dir``).

    :raises BadInput: as :func:`export`.
    """

    @contextmanager
    def target(_: RdfFormat) -> Iterator[IO[bytes]]:
        yield output

    write_exports(
        kg,
        [fmt],
        target,
        graphs,
        with_ontology=with_ontology,
        with_shapes=with_shapes,
        shapes=shapes,
        run_bytes=run_bytes,
        temp_dir=temp_dir,
    )


def write_exports(
    kg: KnowledgeGraph,
    formats: Sequence[RdfFormat],
    open_output: Callable[[RdfFormat], AbstractContextManager[IO[bytes]]],
    graphs: GraphSelection = GraphSelection.ALL,
    *,
    with_ontology: bool = False,
    with_shapes: bool = False,
    shapes: Path | None = None,
    run_bytes: int = DEFAULT_RUN_BYTES,
    temp_dir: Path | None = None,
) -> None:
    """Write the selected graphs in each of ``formats``, reading the store once for all of them.

    Each format is written, in turn, to the output ``open_output(fmt)`` gives (a context
    manager, entered just for that format); the bytes are those :func:`write_export` writes.

    :raises BadInput: as :func:`export`.
    """
    store = _embedded(kg)
    names = selected_graphs(store, graphs, with_ontology=with_ontology)
    source = Source(
        store.oxigraph,
        names,
        extra=_shapes(shapes) if with_shapes else ox.Dataset(),
        run_bytes=run_bytes,
        temp_dir=temp_dir,
    )
    articles = _articles(store.oxigraph) if str(ARTICLE_GRAPH) in names else []
    with _read(source, formats, lambda sizes: _provenance(sizes, articles)) as reading:
        for fmt in formats:
            with open_output(fmt) as output:
                _write(reading, fmt, output, temp_dir)


def _read(source: Source, formats: Iterable[RdfFormat], provenance: ProvenanceFn) -> Reading:
    return Reading(source, {_LINES[fmt] for fmt in formats}, provenance)


def _write(reading: Reading, fmt: RdfFormat, output: IO[bytes], temp_dir: Path | None) -> None:
    if fmt is RdfFormat.NTRIPLES:
        write_ntriples(reading, output)
    elif fmt is RdfFormat.NQUADS:
        write_nquads(reading, output)
    elif fmt is RdfFormat.TURTLE:
        write_turtle(reading, output, PREFIXES)
    elif fmt is RdfFormat.JSONLD:
        write_jsonld(reading, output, jsonld_context()["@context"])
    elif fmt is RdfFormat.RDFXML:
        write_rdfxml(reading.lines(Lines.UNION).blocks(), output, temp_dir=temp_dir)
    else:
        write_trig(reading, output, PREFIXES)


def collect(
    kg: KnowledgeGraph,
    graphs: GraphSelection = GraphSelection.ALL,
    *,
    with_ontology: bool = False,
    with_shapes: bool = False,
    shapes: Path | None = None,
) -> ox.Dataset:
    """The quads a dump holds, one named graph each (:func:`serialize` adds their provenance).

    :raises BadInput: the graph is not the embedded one, or the shapes cannot be read.
    """
    store = _embedded(kg)
    names = selected_graphs(store, graphs, with_ontology=with_ontology)
    dataset = ox.Dataset()
    for name in names:
        node = ox.NamedNode(name)
        _extend(
            dataset,
            (
                ox.Quad(q.subject, q.predicate, q.object, node)
                for q in store.oxigraph.quads_for_pattern(None, None, None, node)
            ),
        )
    if with_shapes:
        _extend(dataset, _shapes(shapes))
    return dataset


def _shapes(shapes: Path | None) -> ox.Dataset:
    """The SHACL shapes (``shapes`` or the bundled file) in their named graph.

    :raises BadInput: the file cannot be read or parsed.
    """
    path = shapes or resources.SHAPES
    node = ox.NamedNode(str(SHAPES_GRAPH))
    try:
        parsed = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        return ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, node) for q in parsed)
    except (SyntaxError, ValueError, OSError) as exc:
        raise BadInput(f"cannot read the shapes {path}: {exc}") from exc


def _articles(store: ox.Store) -> list[str]:
    """The news articles the article graph of ``store`` describes."""
    return sorted(
        q.subject.value
        for q in store.quads_for_pattern(
            None,
            ox.NamedNode(_RDF_TYPE),
            ox.NamedNode(_SCHEMA_ARTICLE),
            ox.NamedNode(str(ARTICLE_GRAPH)),
        )
        if isinstance(q.subject, ox.NamedNode)
    )


def _extend(dataset: ox.Dataset, quads: Iterable[ox.Quad]) -> None:
    for quad in quads:
        dataset.add(quad)


def selected_graphs(
    store: EmbeddedStore, graphs: GraphSelection, *, with_ontology: bool = False
) -> list[str]:
    """The named graphs of ``store`` that a selection covers, in a stable order."""
    present = store.named_graphs()
    names: list[str] = []
    if with_ontology and str(ONTOLOGY_GRAPH) in present:
        names.append(str(ONTOLOGY_GRAPH))
    if graphs in (GraphSelection.ARTICLE, GraphSelection.ALL) and str(ARTICLE_GRAPH) in present:
        names.append(str(ARTICLE_GRAPH))
    if graphs in (GraphSelection.RECORDS, GraphSelection.ALL):
        names.extend(n for n in present if n.startswith(RECORDS_GRAPH_PREFIX))
    if graphs is GraphSelection.REFERENCE and str(REFERENCE_GRAPH) in present:
        names.append(str(REFERENCE_GRAPH))
    return names


def _embedded(kg: KnowledgeGraph) -> EmbeddedStore:
    if not isinstance(kg.store, EmbeddedStore):
        raise BadInput(
            "export reads the embedded graph, not a remote endpoint",
            hint="run without --endpoint, or use the server's own dump facility",
        )
    return kg.store


def with_provenance(dataset: ox.Dataset) -> ox.Dataset:
    """``dataset`` plus, in its default graph, what each named graph is and where it comes from."""
    out = ox.Dataset(dataset)
    _extend(out, list(_provenance(graph_sizes(dataset), _dataset_articles(dataset))))
    return out


def _dataset_articles(dataset: ox.Dataset) -> list[str]:
    return sorted(
        q.subject.value
        for q in dataset.quads_for_object(ox.NamedNode(_SCHEMA_ARTICLE))
        if isinstance(q.subject, ox.NamedNode)
        and q.predicate.value == _RDF_TYPE
        and q.graph_name == ox.NamedNode(str(ARTICLE_GRAPH))
    )


def _provenance(sizes: dict[str, int], articles: list[str]) -> Iterator[ox.Quad]:
    """What each named graph (of ``sizes`` triples) is; the article graph names ``articles``."""
    default = ox.DefaultGraph()
    for name in sorted(sizes):
        node = ox.NamedNode(name)
        yield ox.Quad(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PROV.Entity)), default)
        yield ox.Quad(
            node,
            ox.NamedNode(str(VOID.triples)),
            ox.Literal(
                str(sizes[name]),
                datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"),
            ),
            default,
        )
        for lang, text in _graph_labels(name).items():
            yield ox.Quad(
                node, ox.NamedNode(str(RDFS.label)), ox.Literal(text, language=lang), default
            )
        if name == str(ARTICLE_GRAPH):
            for article in articles:
                yield ox.Quad(
                    node, ox.NamedNode(str(PROV.hadPrimarySource)), ox.NamedNode(article), default
                )


def _graph_labels(name: str) -> dict[str, str]:
    """Names for the project's graphs (none for a graph it does not know)."""
    if name == str(ARTICLE_GRAPH):
        return {"en": "Facts stated in the ANTARA article", "id": "Fakta dari artikel ANTARA"}
    if name == str(ONTOLOGY_GRAPH):
        return {"en": "The UMKM ontology", "id": "Ontologi UMKM"}
    if name == str(SHAPES_GRAPH):
        return {"en": "SHACL shapes of the records", "id": "Bentuk SHACL untuk rekaman"}
    if name == str(REFERENCE_GRAPH):
        return {
            "en": "Reference data: countries, Indonesian areas, KBLI",
            "id": "Data rujukan: negara, wilayah Indonesia, KBLI",
        }
    if not name.startswith(RECORDS_GRAPH_PREFIX):
        return {}
    batch = name.removeprefix(RECORDS_GRAPH_PREFIX)
    return {
        "en": f"Records added in batch {batch}",
        "id": f"Rekaman yang ditambahkan, batch {batch}",
    }


# --- writers ------------------------------------------------------------------------------


def serialize(dataset: ox.Dataset, fmt: RdfFormat) -> bytes:
    """Write ``dataset`` as ``fmt``, the same bytes for the same dataset.

    Quads formats keep the named graphs and describe them in the default graph
    (:func:`with_provenance`); the other formats write the union of all graphs.
    """
    buffer = io.BytesIO()
    source = Source(ox.Store(), [], extra=dataset)
    articles = _dataset_articles(dataset)
    with _read(source, [fmt], lambda sizes: _provenance(sizes, articles)) as reading:
        _write(reading, fmt, buffer, None)
    return buffer.getvalue()


def from_rdflib(graph: Graph) -> ox.Dataset:
    """A dataset holding ``graph``'s triples in its default graph (to :func:`serialize` them)."""
    dataset = ox.Dataset()
    for s, p, o in graph:
        dataset.add(
            ox.Quad(
                term_to_oxigraph(s),  # type: ignore[arg-type]
                term_to_oxigraph(p),  # type: ignore[arg-type]
                term_to_oxigraph(o),  # type: ignore[arg-type]
                ox.DefaultGraph(),
            )
        )
    return dataset


def serialize_graph(graph: Graph, fmt: RdfFormat) -> bytes:
    """Serialise a plain rdflib graph deterministically as ``fmt``."""
    return serialize(from_rdflib(graph), fmt)


def canonical(quads: Iterable[ox.Quad]) -> ox.Dataset:
    """A copy of ``quads`` with blank nodes renamed by RDFC-1.0."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def union(dataset: ox.Dataset) -> ox.Dataset:
    """All the triples of ``dataset``, in its default graph."""
    return ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in dataset)


# --- JSON-LD -------------------------------------------------------------------------------


def jsonld_context() -> dict[str, Any]:
    """The project's JSON-LD context: ``ontology/context.jsonld``, or one made from the prefixes.

    :raises BadInput: the context file exists but is not JSON with an ``@context``.
    """
    path = resources.JSONLD_CONTEXT
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BadInput(f"{path}: not a JSON-LD context: {exc}") from exc
        if isinstance(data, dict) and isinstance(data.get("@context"), dict):
            return {"@context": data["@context"]}
        raise BadInput(f"{path}: expected an object with an @context object")
    return {"@context": dict(PREFIXES)}


def split_iri(iri: str) -> tuple[str, str]:
    """Split an IRI into namespace and local name (the local name may be empty)."""
    parts = split(iri)
    if parts is not None:
        return parts
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    return iri[:cut], iri[cut:]
