"""Updating an enterprise's record: a new version replaces the old one, in one transaction.

``umkm-kg records update FILE`` reads records as ``add`` does; each enterprise in them must be
one a batch already holds (the same IRI, or the same NIB). Under the store's write lock, in one
generation: the old description (the enterprise and the nodes only it uses: its products,
owners, ownerships, export claims) leaves the batch that held it; the new one is validated in
context against the store without the old one, checked for duplicates, and added as a new
batch whose provenance says ``prov:wasRevisionOf`` the old version. The old version is kept as
sorted TriG in ``retracted/`` and the history graph says when it was replaced. Nothing is
written unless all of it conforms; the article's enterprises are not records and cannot be
updated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from ..errors import UnknownName
from ..namespaces import PREFIXES, RECORDS_GRAPH_PREFIX
from ..query.results import term_from_oxigraph
from ..store import DiskStore, EmbeddedStore
from ..store.disk import atomic_write
from .duplicates import IDENTIFIER_PREDICATES, check_duplicates, without_known_triples
from .rdfinput import MAX_INPUT_BYTES
from .store import (
    HISTORY_GRAPH,
    RETRACTED_FOLDER,
    RecordsStore,
    _stamp,
    check_terms,
    new_batch,
    provenance,
)
from .trig import graph_block, quads, skolemise

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph
    from ..validation import ValidationReport

_ENTERPRISE = ox.NamedNode("https://w3id.org/umkm-kg/ontology#Enterprise")
_TYPE = ox.NamedNode(str(RDF.type))
_SHARED_KINDS = frozenset(
    ox.NamedNode(iri)
    for iri in (
        "https://schema.org/Place",
        "https://schema.org/City",
        "https://schema.org/Country",
        "https://schema.org/AdministrativeArea",
        "https://w3id.org/umkm-kg/ontology#Neighbourhood",
        "https://schema.org/Organization",
        "https://schema.org/GovernmentOrganization",
        "http://www.w3.org/ns/org#Organization",
        "http://www.w3.org/ns/org#FormalOrganization",
        "http://www.w3.org/ns/org#OrganizationalUnit",
    )
)


@dataclass(frozen=True)
class Replaced:
    """One enterprise's old version: where it was, what now replaces it, where it is kept."""

    old: str
    new: str
    batch: str
    version: str
    """The IRI of the old version (``<batch>#<enterprise>``), which the new batch revises."""
    quads: int
    kept: Path | None = None


@dataclass(frozen=True)
class Updated:
    """What an update did: the validation report, the replaced versions, the new batch."""

    report: ValidationReport
    replaced: tuple[Replaced, ...]
    graph: str | None
    """The new batch's graph; None when the records do not conform or on a dry run."""

    @property
    def conforms(self) -> bool:
        return self.report.conforms


def update_records(
    kg: KnowledgeGraph,
    paths: Sequence[str],
    data_dir: Path,
    *,
    fmt: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
    dry_run: bool = False,
) -> Updated:
    """Replace the records of the enterprises described in ``paths`` by these new versions.

    :raises BadInput: a file that cannot be read or parsed.
    :raises UnknownName: an enterprise of the files is no record of the store (nothing written).
    :raises DuplicateRecord: a new version repeats another enterprise (nothing written).
    :raises StoreError: the store cannot be written.
    """
    from ..kg import KnowledgeGraph
    from ..validation import read_batch, shapes_version, validate

    batch = read_batch(paths, kg, fmt=fmt, max_bytes=max_bytes)
    check_terms(batch.graph)
    records = RecordsStore(data_dir)
    store = records.open()
    now = datetime.now(UTC)
    graph = new_batch(now)
    with store.transaction(f"update {graph}") as tx:
        replaced = _find_records(tx.store, batch.graph)
        versions = {old.old: record_quads(tx.store, old.batch, old.old) for old in replaced}
        for name in sorted({old.batch for old in replaced}):
            gone = {q for old in replaced if old.batch == name for q in versions[old.old]}
            node = ox.NamedNode(name)
            left = [q for q in tx.store.quads_for_pattern(None, None, None, node) if q not in gone]
            # Only a drop may take quads from a graph: the batch is dropped and written again
            # without the old versions (or left out, when nothing but its provenance is left).
            tx.drop(name)
            if any(q.subject != node for q in left):
                tx.extend(left)
        # Validated against the store without the old versions, which the new ones replace.
        report = validate(batch, KnowledgeGraph(EmbeddedStore(tx.store)))
        check_duplicates(batch.graph, tx.store)
        if not report.conforms or dry_run:
            tx.cancel()
            return Updated(report, tuple(replaced), None)
        kept_as = []
        for old in replaced:
            path = _keep(records, old, versions[old.old], now)
            kept_as.append(_with(old, graph, path))
        fresh = without_known_triples(batch.graph, [tx.store])
        new = skolemise(fresh, str(graph).rsplit("/", 1)[-1])
        new += provenance(graph, now, batch.sources, shapes_version())
        history = Graph(bind_namespaces="none")
        for old in kept_as:
            version = URIRef(old.version)
            new.add((graph, PROV.wasRevisionOf, version))
            history.add((version, RDF.type, PROV.Entity))
            history.add((version, DCTERMS.isPartOf, URIRef(old.batch)))
            history.add((version, DCTERMS.subject, URIRef(old.old)))
            history.add((version, PROV.invalidatedAtTime, _stamp(now)))
            history.add((version, DCTERMS.isReplacedBy, graph))
            if old.kept is not None:
                history.add(
                    (version, DCTERMS.source, Literal(f"{RETRACTED_FOLDER}/{old.kept.name}"))
                )
        tx.extend(quads(new, str(graph)))
        tx.extend(quads(history, HISTORY_GRAPH))
    store.close()
    if isinstance(kg.store, DiskStore):
        kg.store.refresh()
    return Updated(report, tuple(kept_as), str(graph))


def _with(old: Replaced, graph: URIRef, kept: Path) -> Replaced:
    return Replaced(old.old, old.new, old.batch, old.version, old.quads, kept)


def _find_records(store: ox.Store, graph: Graph) -> list[Replaced]:
    """The record each enterprise of ``graph`` replaces: the same IRI, or else the same NIB.

    :raises UnknownName: an enterprise that is no record of ``store``.
    """
    found = []
    for enterprise in sorted({str(e) for e in graph.subjects(RDF.type, URIRef(_ENTERPRISE.value))}):
        candidates = [enterprise]
        for predicate in IDENTIFIER_PREDICATES:
            for value in graph.objects(URIRef(enterprise), URIRef(predicate)):
                candidates.extend(
                    q.subject.value
                    for q in store.quads_for_pattern(
                        None, ox.NamedNode(predicate), ox.Literal(str(value).strip())
                    )
                    if isinstance(q.subject, ox.NamedNode)
                )
        where = None
        for candidate in dict.fromkeys(candidates):
            for quad in store.quads_for_pattern(ox.NamedNode(candidate), _TYPE, _ENTERPRISE):
                name = quad.graph_name
                if isinstance(name, ox.NamedNode) and name.value.startswith(RECORDS_GRAPH_PREFIX):
                    where = (candidate, name.value)
                elif isinstance(name, ox.NamedNode) and where is None:
                    raise UnknownName(
                        f"<{candidate}> is in <{name.value}>, not in a batch of records: only "
                        "records added with add or load can be updated",
                        hint="describe a new enterprise with umkm-kg add",
                    )
            if where is not None:
                break
        if where is None:
            raise UnknownName(
                f"<{enterprise}> is no enterprise of the records store (by IRI or NIB)",
                hint="umkm-kg add adds a new enterprise; records update replaces an existing one",
            )
        old, batch = where
        local = old.rsplit("/", 1)[-1]
        found.append(Replaced(old, enterprise, batch, f"{batch}#{local}", 0))
    return found


def record_quads(store: ox.Store, batch: str, enterprise: str) -> list[ox.Quad]:
    """The quads of the named graph ``batch`` that describe ``enterprise``'s record: the
    enterprise, what points at it (its export claims), what they point at in the batch (products,
    owners, ownerships), less any node another enterprise of the batch uses too."""
    graph = ox.NamedNode(batch)
    start = ox.NamedNode(enterprise)

    def described(node: ox.NamedNode | ox.BlankNode) -> bool:
        return next(store.quads_for_pattern(node, None, None, graph), None) is not None

    def is_enterprise(node: object) -> bool:
        return next(store.quads_for_pattern(node, _TYPE, _ENTERPRISE, graph), None) is not None  # type: ignore[arg-type]

    def shared_kind(node: ox.NamedNode | ox.BlankNode) -> bool:
        # places and agencies a batch brings are for every record to point at
        kinds = {q.object for q in store.quads_for_pattern(node, _TYPE, None, graph)}
        return bool(kinds & _SHARED_KINDS) or is_enterprise(node)

    nodes: set[ox.NamedNode | ox.BlankNode] = {start}
    for quad in store.quads_for_pattern(None, None, start, graph):
        if isinstance(quad.subject, ox.NamedNode | ox.BlankNode) and not shared_kind(quad.subject):
            nodes.add(quad.subject)
    frontier = list(nodes)
    while frontier:
        node = frontier.pop()
        for quad in store.quads_for_pattern(node, None, None, graph):
            obj = quad.object
            if (
                isinstance(obj, ox.NamedNode | ox.BlankNode)
                and obj not in nodes
                and described(obj)
                and not shared_kind(obj)
                and obj != graph
            ):
                nodes.add(obj)
                frontier.append(obj)
    changed = True
    while changed:  # a node something outside the record points at is not the record's
        changed = False
        for node in sorted(nodes - {start}, key=str):
            for quad in store.quads_for_pattern(None, None, node, graph):
                if quad.subject not in nodes and quad.subject != graph:
                    nodes.discard(node)
                    changed = True
                    break
    return [q for n in nodes for q in store.quads_for_pattern(n, None, None, graph)]


def _keep(records: RecordsStore, old: Replaced, removed: list[ox.Quad], now: datetime) -> Path:
    """Write the old version (its quads in its batch) to ``retracted/`` as sorted TriG."""
    graph = Graph(bind_namespaces="none")
    for q in removed:
        graph.add(
            (
                term_from_oxigraph(q.subject),
                term_from_oxigraph(q.predicate),
                term_from_oxigraph(q.object),
            )
        )
    batch_id = old.batch.rsplit("/", 1)[-1]
    local = old.old.rsplit("/", 1)[-1]
    path = records.data_dir / RETRACTED_FOLDER / f"{batch_id}-{local}-{now:%Y%m%dT%H%M%S%f}Z.trig"
    path.parent.mkdir(parents=True, exist_ok=True)
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    atomic_write(path, prefixes + "\n" + graph_block(URIRef(old.version), graph))
    return path
