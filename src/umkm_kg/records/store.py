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
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from .. import resources
from ..errors import BadInput, StoreError, UnknownName
from ..iri import iri_problem
from ..namespaces import (
    ARTICLE_GRAPH,
    GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    RECORDS_GRAPH_PREFIX,
    REFERENCE_GRAPH,
)
from ..query.results import term_from_oxigraph
from ..store import DiskStore
from ..store.disk import (
    Generation,
    atomic_write,
    list_generations,
    read_small_file,
    write_transaction,
)
from .trig import graph_block, quads, skolemised_quads
from .triples import TripleSource

if TYPE_CHECKING:
    # imported where used: they pull in rapidfuzz, which opening the store for a query skips
    from .duplicates import KnownNames
    from .similar import NameIndex

STORE_FOLDER = "store"
RETRACTED_FOLDER = "retracted"
"""Where removed batches are kept, as sorted TriG, one file each."""
HISTORY_GRAPH = GRAPH["history"]
"""What happened to batches that left the store (retractions, with PROV)."""
LEGACY_FILE = "records.trig"
"""The records file of earlier versions, imported into the store on first use."""
LEGACY_BACKUP = LEGACY_FILE + ".bak"
IMPORTED_SUFFIX = ".imported"
MAX_LEGACY_BYTES = 2 * 1024 * 1024 * 1024
"""Largest old records file imported (it held every record in one TriG text)."""

_HEADER = "# umkm-kg records: one named graph per added batch. Written by umkm-kg.\n"


def bundled_graphs() -> dict[str, Path]:
    """The graphs every store holds, from the files shipped with the package."""
    return {
        str(ONTOLOGY_GRAPH): resources.ONTOLOGY,
        str(ARTICLE_GRAPH): resources.DATA,
        str(REFERENCE_GRAPH): resources.REFERENCE,
    }


@dataclass(frozen=True)
class BatchInfo:
    """One added batch: its graph name, when, from which file, against which shapes."""

    iri: str
    generated_at: str | None
    source: str | None
    shapes_version: str | None
    triples: int
    sources: tuple[str, ...] = ()
    enterprises: int = 0

    @property
    def id(self) -> str:
        """The last part of the graph's IRI, as the commands take it."""
        return self.iri.rsplit("/", 1)[-1]


class RecordsStore:
    """The added records of the store in ``data_dir``.

    :raises StoreError: ``data_dir`` is inside the installed package or the source tree.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).expanduser()
        check_data_dir(self.data_dir)
        self.folder = self.data_dir / STORE_FOLDER
        self.legacy_path = self.data_dir / LEGACY_FILE
        self._disk: DiskStore | None = None

    # --- reading -----------------------------------------------------------------------------

    def open(self, *, isolated: bool = False) -> DiskStore:
        """The store, created on first use with the bundled graphs (and an earlier version's
        ``records.trig``), refreshed when the bundled files changed; ``isolated``: queries
        run in a child process that limits stop (see :meth:`DiskStore.open`).

        :raises StoreError: the store cannot be created, or the old records file is damaged.
        """
        store = DiskStore.open(self.folder, bundled=bundled_graphs(), isolated=isolated)
        if self.legacy_path.exists() or self.legacy_path.is_symlink():
            self._import_legacy()
            store.refresh()
        return store

    def dataset(self) -> ox.Store:
        """The whole store as it is now (read-only): bundled graphs and records."""
        reader = self._reader()
        return reader.oxigraph if reader is not None else ox.Store()

    def snapshot(self) -> tuple[ox.Store, dict[str, int]]:
        """The whole store as it is now (read-only) and the sizes of its named graphs, of the
        same generation."""
        reader = self._reader()
        if reader is None:
            return ox.Store(), {}
        return reader.oxigraph, dict(reader.generation.graphs)

    def _reader(self) -> DiskStore | None:
        # Kept open with its shared lock for as long as this object lives, so that what
        # dataset() hands out cannot be collected while it is used.
        if self._disk is None:
            if not (self.folder / "CURRENT").is_file():
                return None
            self._disk = DiskStore(self.folder)
        else:
            self._disk.refresh()
        return self._disk

    def name_index(
        self, within: tuple[ox.Store, dict[str, int]] | None = None
    ) -> tuple[NameIndex, KnownNames]:
        """The names of the enterprises of the store as it is now (or of ``within``, a store
        and the sizes of its graphs): for probable duplicates, and by exact name for
        duplicates; kept in ``cache/`` (:func:`.similar.cached_index`)."""
        from .duplicates import KnownNames
        from .similar import INDEX_FILE, cached_index

        store, graphs = within if within is not None else (self.dataset(), self.graph_sizes())
        index = cached_index(store, graphs, self.data_dir / "cache" / INDEX_FILE)
        return index, KnownNames.of(graphs, index)

    def graph_sizes(self) -> dict[str, int]:
        """The named graphs of the store as it is now, with their sizes ({} before the first
        use)."""
        reader = self._reader()
        return dict(reader.generation.graphs) if reader is not None else {}

    def batches(self) -> list[BatchInfo]:
        """The added batches, oldest first."""
        disk = self._reader()
        if disk is None:
            return []
        store = disk.oxigraph
        found = []
        for graph, count in sorted(disk.generation.graphs.items()):
            if not graph.startswith(RECORDS_GRAPH_PREFIX):
                continue
            node = ox.NamedNode(graph)
            values: dict[str, list[str]] = {}
            for quad in store.quads_for_pattern(node, None, None, node):
                if not isinstance(quad.object, ox.Triple):
                    values.setdefault(quad.predicate.value, []).append(quad.object.value)
            sources = tuple(sorted(values.get(str(DCTERMS.source), [])))
            found.append(
                BatchInfo(
                    iri=graph,
                    generated_at=_first(values.get(str(PROV.generatedAtTime))),
                    source=sources[0] if sources else None,
                    shapes_version=_first(values.get(str(DCTERMS.conformsTo))),
                    triples=count,
                    sources=sources,
                    enterprises=count_enterprises(store, graph),
                )
            )
        return found

    def batch(self, name: str) -> BatchInfo:
        """The batch named by its graph IRI, its id (the IRI's last part) or a unique start of it.

        :raises UnknownName: no batch, or several, match.
        """
        batches = self.batches()
        found = [b for b in batches if name in (b.iri, b.id)] or [
            b for b in batches if b.id.startswith(name)
        ]
        if len(found) == 1:
            return found[0]
        listed = ", ".join(b.id for b in (found or batches)[-5:]) or "none yet"
        raise UnknownName(
            f"{'several batches match' if found else 'no batch is named'} {name!r}",
            hint=f"batches: {listed} (see umkm-kg records list)",
        )

    def trig(self, batch: str | None = None) -> str:
        """The records (of one batch, or all) as sorted, deterministic TriG ('' if none)."""
        store = self.dataset()
        blocks = []
        for info in self.batches():
            if batch is not None and info.iri != batch:
                continue
            node = ox.NamedNode(info.iri)
            graph = Graph(bind_namespaces="none")
            for quad in store.quads_for_pattern(None, None, None, node):
                graph.add(
                    (
                        term_from_oxigraph(quad.subject),
                        term_from_oxigraph(quad.predicate),
                        term_from_oxigraph(quad.object),
                    )
                )
            blocks.append(graph_block(URIRef(info.iri), graph))
        if not blocks:
            return ""
        prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
        return _HEADER + prefixes + "".join("\n" + block for block in blocks)

    # --- writing -----------------------------------------------------------------------------

    def add(
        self,
        graph: TripleSource,
        source_name: str | Sequence[str],
        shapes_version: str | None,
        *,
        names: KnownNames | None = None,
        checked: bool = False,
    ) -> str:
        """Add ``graph`` as one new named graph, in one transaction; return the graph's IRI.

        ``source_name`` names the file (or files) the records were read from. Duplicates are
        looked for, under the write lock, in the whole store and within ``graph`` itself;
        ``names``: the enterprises' names (:meth:`name_index`), used if the store has not
        changed since, else read again. ``checked``: the caller has looked for duplicates
        (:func:`.duplicates.check_duplicates`) in the store ``names`` describes, so they are
        looked for again only if the store has changed since.

        :raises DuplicateRecord: an enterprise of ``graph`` is already known (nothing written).
        :raises StoreError: the lock is held too long, or the store cannot be written.
        """
        from .duplicates import check_duplicates, unknown_triples

        check_terms(graph)
        store = self.open()
        now = datetime.now(UTC)
        batch = new_batch(now)
        with store.transaction(f"add {batch}") as tx:
            graphs = tx.base.graphs if tx.base is not None else {}
            unchanged = names is not None and dict(names.graphs) == graphs
            if not unchanged:
                names = self.name_index((tx.store, graphs))[1] if graphs else None
            if not (checked and unchanged):
                check_duplicates(graph, tx.store, names=names)
            fresh = unknown_triples(graph, [tx.store])
            fresh.extend(provenance(batch, now, source_name, shapes_version))
            tx.extend(skolemised_quads(fresh, str(batch).rsplit("/", 1)[-1], str(batch)))
        store.close()
        return str(batch)

    def history(self) -> list[Generation]:
        """The kept generations, newest first (readable even when ``CURRENT`` is damaged)."""
        return list_generations(self.folder)

    def restore(self, generation: str) -> str:
        """Make a kept generation current again, as a new generation; returns the new one's name.

        Works when the current state cannot be opened: that is when one needs it.

        :raises StoreError: no such generation, or the store cannot be written.
        """
        with write_transaction(self.folder, f"restore {generation}", start=generation):
            pass
        return list_generations(self.folder)[0].name

    def remove(self, name: str) -> tuple[BatchInfo, Path]:
        """Retract a batch: its graph leaves the store, in one transaction; its records are kept
        as sorted TriG in ``retracted/`` and the store's history graph says when it was removed
        (``prov:invalidatedAtTime``). Returns the batch and the file its records went to.

        :raises UnknownName: no such batch.
        :raises StoreError: the store cannot be written.
        """
        info = self.batch(name)
        store = self.open()
        kept = self.data_dir / RETRACTED_FOLDER / f"{info.id}.trig"
        kept.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(kept, self.trig(info.iri))
        now = datetime.now(UTC)
        node = URIRef(info.iri)
        history = Graph(bind_namespaces="none")
        history.add((node, RDF.type, PROV.Bundle))
        history.add((node, PROV.invalidatedAtTime, _stamp(now)))
        if info.generated_at:
            history.add((node, PROV.generatedAtTime, _stamp(info.generated_at)))
        for source in info.sources:
            history.add((node, DCTERMS.source, Literal(source)))
        with store.transaction(f"remove {info.iri}") as tx:
            tx.drop(info.iri)
            tx.extend(quads(history, HISTORY_GRAPH))
        store.close()
        return info, kept

    def _import_legacy(self) -> None:
        text = read_small_file(self.legacy_path, MAX_LEGACY_BYTES)
        if text is None:
            return
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


def check_terms(graph: TripleSource) -> None:
    """Refuse a graph with an IRI the project does not accept (every entry to the store
    checks, not only the command line's readers: the Python API too).

    :raises BadInput: naming the IRI and what is wrong with it.
    """
    seen: set[str] = set()
    # each distinct term once, in the order the triples give them (a batch of 1,000 records
    # names 17,000 distinct terms 157,000 times)
    for term in dict.fromkeys(chain.from_iterable(graph)):
        node = term.datatype if isinstance(term, Literal) else term
        if isinstance(node, URIRef) and node not in seen:
            seen.add(node)
            problem = iri_problem(str(node))
            if problem is not None:
                raise BadInput(
                    f"refusing to store <{str(node)[:200]}>: {problem}",
                    hint="records name resources by http(s), urn, tag or mailto IRIs",
                )


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def count_enterprises(store: ox.Store, graph: str) -> int:
    """How many enterprises the named graph ``graph`` of ``store`` describes."""
    enterprise = "https://w3id.org/umkm-kg/ontology#Enterprise"
    answer = store.query(
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?e a <{enterprise}> }} }}"
    )
    assert isinstance(answer, ox.QuerySolutions)
    return int(next(iter(answer))[0].value)  # type: ignore[index]


def _stamp(when: datetime | str) -> Literal:
    text = when if isinstance(when, str) else when.isoformat(timespec="seconds")
    return Literal(text.replace("+00:00", "Z"), datatype=XSD.dateTime, normalize=False)


def new_batch(now: datetime) -> URIRef:
    """A fresh name for a batch's graph: its time, then a random part."""
    return URIRef(f"{RECORDS_GRAPH_PREFIX}{now:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:8]}")


def provenance(
    batch: URIRef, now: datetime, source_name: str | Sequence[str], shapes_version: str | None
) -> Graph:
    """What a batch's graph says of itself: a PROV bundle, when, from which files, which shapes."""
    out = Graph(bind_namespaces="none")
    out.add((batch, RDF.type, PROV.Bundle))
    out.add((batch, PROV.generatedAtTime, _stamp(now)))
    for name in [source_name] if isinstance(source_name, str) else source_name:
        out.add((batch, DCTERMS.source, Literal(Path(name).name or name)))
    if shapes_version:
        out.add((batch, DCTERMS.conformsTo, Literal(shapes_version)))
    return out
