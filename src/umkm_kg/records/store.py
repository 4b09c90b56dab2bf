"""The records store: enterprise records added by staff, kept apart from the article's data.

Records live in the persistent store of the data directory (:class:`~umkm_kg.store.DiskStore`,
``DATA/store``), beside the bundled ontology and article: one named graph per added batch
(``graph/records/<time>-<id>``) with its provenance inside it. Every add is one transaction:
validated and checked for duplicates against the store as it is under the write lock, then
published as a new generation of the store, or not at all. A reader, or a writer killed
half-way, sees the old state or the new one, never a mix; the last generations stay as backups.

The human-reviewable form is a sorted TriG text (:meth:`RecordsStore.trig`): graphs sorted by
name, one triple per line, lines sorted. A ``records.trig`` left by an earlier version is
imported into the store once, then kept as ``records.trig.imported``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from .. import resources
from ..errors import StoreError
from ..namespaces import ARTICLE_GRAPH, ONTOLOGY_GRAPH, PREFIXES, RECORDS_GRAPH_PREFIX
from ..results import term_from_oxigraph
from ..store import DiskStore
from ..store.disk import write_transaction
from .duplicates import check_duplicates, without_known_triples
from .trig import graph_block, quads, skolemise

STORE_FOLDER = "store"
LEGACY_FILE = "records.trig"
"""The records file of earlier versions, imported into the store on first use."""
LEGACY_BACKUP = LEGACY_FILE + ".bak"
IMPORTED_SUFFIX = ".imported"

_HEADER = "# umkm-kg records: one named graph per added batch. Written by umkm-kg.\n"


def bundled_graphs() -> dict[str, Path]:
    """The graphs every store holds, from the files shipped with the package."""
    return {str(ONTOLOGY_GRAPH): resources.ONTOLOGY, str(ARTICLE_GRAPH): resources.DATA}


@dataclass(frozen=True)
class BatchInfo:
    """One added batch: its graph name, when, from which file, against which shapes."""

    iri: str
    generated_at: str | None
    source: str | None
    shapes_version: str | None
    triples: int


class RecordsStore:
    """The added records of the store in ``data_dir``.

    :raises StoreError: ``data_dir`` is inside the installed package or the source tree.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).expanduser()
        check_data_dir(self.data_dir)
        self.folder = self.data_dir / STORE_FOLDER
        self.legacy_path = self.data_dir / LEGACY_FILE

    # --- reading -----------------------------------------------------------------------------

    def open(self) -> DiskStore:
        """The store, created on first use with the bundled graphs (and an earlier version's
        ``records.trig``), refreshed when the bundled files changed.

        :raises StoreError: the store cannot be created, or the old records file is damaged.
        """
        store = DiskStore.open(self.folder, bundled=bundled_graphs())
        if self.legacy_path.is_file():
            self._import_legacy()
            store.refresh()
        return store

    def dataset(self) -> ox.Store:
        """The whole store as it is now (read-only): bundled graphs and records."""
        if not (self.folder / "CURRENT").is_file():
            return ox.Store()
        return DiskStore(self.folder).oxigraph

    def batches(self) -> list[BatchInfo]:
        """The added batches, oldest first."""
        store = self.dataset()
        found = []
        for graph in sorted(store.named_graphs(), key=lambda g: str(g)):
            if not isinstance(graph, ox.NamedNode) or not graph.value.startswith(
                RECORDS_GRAPH_PREFIX
            ):
                continue
            values: dict[str, str] = {}
            for quad in store.quads_for_pattern(graph, None, None, graph):
                if not isinstance(quad.object, ox.Triple):
                    values[quad.predicate.value] = quad.object.value
            count = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
            found.append(
                BatchInfo(
                    iri=graph.value,
                    generated_at=values.get(str(PROV.generatedAtTime)),
                    source=values.get(str(DCTERMS.source)),
                    shapes_version=values.get(str(DCTERMS.conformsTo)),
                    triples=count,
                )
            )
        return found

    def trig(self) -> str:
        """The records as sorted, deterministic TriG ('' when nothing was added yet)."""
        store = self.dataset()
        blocks = []
        for batch in self.batches():
            node = ox.NamedNode(batch.iri)
            graph = Graph(bind_namespaces="none")
            for quad in store.quads_for_pattern(None, None, None, node):
                graph.add(
                    (
                        term_from_oxigraph(quad.subject),
                        term_from_oxigraph(quad.predicate),
                        term_from_oxigraph(quad.object),
                    )
                )
            blocks.append(graph_block(URIRef(batch.iri), graph))
        if not blocks:
            return ""
        prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
        return _HEADER + prefixes + "".join("\n" + block for block in blocks)

    # --- writing -----------------------------------------------------------------------------

    def add(
        self,
        graph: Graph,
        source_name: str | Sequence[str],
        shapes_version: str | None,
    ) -> str:
        """Add ``graph`` as one new named graph, in one transaction; return the graph's IRI.

        ``source_name`` names the file (or files) the records were read from. Duplicates are
        looked for, under the write lock, in the whole store and within ``graph`` itself.

        :raises DuplicateRecord: an enterprise of ``graph`` is already known (nothing written).
        :raises StoreError: the lock is held too long, or the store cannot be written.
        """
        store = self.open()
        now = datetime.now(UTC)
        batch = new_batch(now)
        with store.transaction(f"add {batch}") as tx:
            check_duplicates(graph, tx.store)
            fresh = without_known_triples(graph, [tx.store])
            records = skolemise(fresh, str(batch).rsplit("/", 1)[-1])
            records += provenance(batch, now, source_name, shapes_version)
            tx.extend(quads(records, str(batch)))
        store.close()
        return str(batch)

    def _import_legacy(self) -> None:
        text = self.legacy_path.read_bytes()
        try:
            quads = list(ox.parse(text, ox.RdfFormat.TRIG))
        except SyntaxError as exc:
            raise StoreError(
                f"the records file {self.legacy_path} is damaged: {exc}",
                hint=f"restore the previous version from {self.data_dir / LEGACY_BACKUP}",
            ) from exc
        outside = sorted(
            {
                str(q.graph_name)
                for q in quads
                if not (
                    isinstance(q.graph_name, ox.NamedNode)
                    and q.graph_name.value.startswith(RECORDS_GRAPH_PREFIX)
                )
            }
        )
        if outside:
            raise StoreError(
                f"the records file {self.legacy_path} has data outside the records graphs: "
                + ", ".join(outside[:3]),
                hint="move those statements into a graph under " + RECORDS_GRAPH_PREFIX,
            )
        with write_transaction(self.folder, f"import {self.legacy_path}") as tx:
            tx.extend(quads)
        self.legacy_path.rename(self.legacy_path.with_name(LEGACY_FILE + IMPORTED_SUFFIX))


def check_data_dir(data_dir: Path) -> None:
    """Refuse a data directory inside the installed package or the source tree.

    :raises StoreError: naming the folder and what to use instead.
    """
    target = data_dir.expanduser().resolve()
    package = Path(__file__).resolve().parent.parent
    forbidden = [package]
    if not (package / "_bundled").is_dir():  # a source checkout: its root holds pyproject.toml
        root = resources.ROOT.resolve()
        if (root / "pyproject.toml").is_file():
            forbidden.append(root)
    for place in forbidden:
        if target == place or target.is_relative_to(place):
            raise StoreError(
                f"refusing to keep records in {data_dir}: it is inside "
                f"{'the installed package' if place == package else 'the source tree'} ({place})",
                hint="choose a folder elsewhere with --data-dir or UMKM_KG_DATA",
            )


def new_batch(now: datetime) -> URIRef:
    """A fresh name for a batch's graph: its time, then a random part."""
    return URIRef(f"{RECORDS_GRAPH_PREFIX}{now:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:8]}")


def provenance(
    batch: URIRef, now: datetime, source_name: str | Sequence[str], shapes_version: str | None
) -> Graph:
    """What a batch's graph says of itself: a PROV bundle, when, from which files, which shapes."""
    out = Graph(bind_namespaces="none")
    out.add((batch, RDF.type, PROV.Bundle))
    stamp = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    out.add((batch, PROV.generatedAtTime, Literal(stamp, datatype=XSD.dateTime, normalize=False)))
    for name in [source_name] if isinstance(source_name, str) else source_name:
        out.add((batch, DCTERMS.source, Literal(Path(name).name or name)))
    if shapes_version:
        out.add((batch, DCTERMS.conformsTo, Literal(shapes_version)))
    return out
