"""Bulk loading a registry: many records in one transaction, validated in context as they go.

``umkm-kg add`` is for a batch a clerk checks; ``umkm-kg load`` is for a registry of thousands
to millions of records (a dump of another system, a year of forms). Everything goes into one
new batch graph in one transaction on the disk store, so a load is published whole or not at
all. RDF files stream into the new generation (blank nodes skolemised per file on the way), then
their subjects are validated in chunks against the store as it will be, so a record may point
at one later in the file. CSV rows are mapped and validated chunk by chunk before they are
written. ``validate=False`` trusts the input: no shapes, no duplicate check.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ..errors import BadInput, DuplicateRecord, UmkmError
from ..formats import RdfFormat
from ..namespaces import GENID
from ..query.results import term_from_oxigraph
from ..store import DiskStore, EmbeddedStore, Transaction
from .duplicates import check_duplicates, graph_duplicates, without_known_triples
from .ntparts import checked_quads, load_ntriples
from .rdfinput import RecordFormat, read_input
from .store import RecordsStore, count_enterprises, new_batch, provenance
from .trig import quads, skolemise

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph
    from ..validation import RecordProblems, ValidationReport

CHUNK = 2_000
"""Records validated together (bounds the memory a load needs, whatever its size)."""
MAX_CSV_BYTES = 1024 * 1024 * 1024
"""Largest CSV file a load reads (RDF files stream and have no limit)."""
STREAM_QUADS = 500_000
"""Quads of a parsed file (not N-Triples) given to one bulk loader: one batch, so it holds
about 0.6 GiB at 100,000 enterprises instead of 1.8 (2,000,000 held 1.7)."""
STOP_AFTER = 1_000
"""Records with violations after which a load stops looking further (the report is long
enough to act on, and nothing will be written anyway)."""

Progress = Callable[[str, int], None]
"""Called with what is being done ("reading x.nt", "validating") and how many items so far."""


@dataclass
class Loaded:
    """What a load did: the batch's graph (None when nothing was written) and what it checked."""

    graph: str | None
    records: int = 0
    """Records checked (CSV rows; subjects of RDF files)."""
    enterprises: int = 0
    quads: int = 0
    seconds: float = 0.0
    validated: bool = True
    problems: list[RecordProblems] = field(default_factory=list)
    violations: int = 0
    """Records with a violation."""
    violation_count: int = 0
    """Violations found (a record may have several), as ``ValidationReport.violation_count``."""
    stopped_early: bool = False

    @property
    def conforms(self) -> bool:
        return self.violations == 0

    def report(self) -> ValidationReport:
        """The problems found, as a validation report (``--report``)."""
        from ..validation import ValidationReport

        return ValidationReport(
            conforms=self.conforms,
            records=tuple(self.problems),
            graph=Graph(),
            record_count=self.records,
        )


class _Invalid(Exception):
    """Raised inside the transaction so that nothing is published."""


def load_records(
    kg: KnowledgeGraph,
    paths: Sequence[str],
    data_dir: Path,
    *,
    fmt: str | None = None,
    validate: bool = True,
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> Loaded:
    """Load the records of ``paths`` (Turtle, N-Triples, N-Quads, TriG, RDF/XML, CSV) into the
    store of ``data_dir`` as one batch.

    :raises BadInput: a file that cannot be read or parsed (nothing written).
    :raises DuplicateRecord: a record repeats a known enterprise (nothing written).
    :raises StoreError: the store cannot be written.
    """
    from ..validation import shapes_version

    started = time.monotonic()
    note = progress or (lambda stage, done: None)
    records = RecordsStore(data_dir)
    store = records.open()
    now = datetime.now(UTC)
    batch = new_batch(now)
    loaded = Loaded(graph=None, validated=validate)
    formats = [_format(path, fmt) for path in paths]
    try:
        with store.transaction(f"load {batch} from {', '.join(map(str, paths))}") as tx:
            _fill(tx, paths, formats, str(batch), loaded, validate, chunk, note, store.cache.folder)
            tx.extend(
                quads(
                    provenance(
                        batch, now, [str(p) for p in paths], shapes_version() if validate else None
                    ),
                    str(batch),
                )
            )
            unvalidated = set(tx.meta.get("unvalidated", []))
            if not validate:
                unvalidated.add(str(batch))
            tx.meta["unvalidated"] = sorted(unvalidated)
    except _Invalid:
        loaded.seconds = time.monotonic() - started
        return loaded
    loaded.graph = str(batch)
    loaded.quads = store.generation.graphs.get(str(batch), 0)
    if isinstance(kg.store, DiskStore):
        kg.store.refresh()
    loaded.seconds = time.monotonic() - started
    return loaded


def _fill(
    tx: Transaction,
    paths: Sequence[str],
    formats: Sequence[RdfFormat | None],
    batch: str,
    loaded: Loaded,
    validate: bool,
    chunk: int,
    note: Progress,
    shapes_cache: Path,
) -> None:
    # A function of its own, so that every reference to the transaction's store it made (the
    # context graph, query iterators) is gone when it returns: the store must be closed before
    # the new generation is published.
    from ..kg import KnowledgeGraph

    context = KnowledgeGraph(EmbeddedStore(tx.store), data_dir=None)
    rdf_files = 0
    for index, (path, kind) in enumerate(zip(paths, formats, strict=True)):
        if kind is None:
            _load_csv(context, tx, path, batch, loaded, validate, chunk, note)
        else:
            _load_rdf(tx, path, kind, batch, f"{batch.rsplit('/', 1)[-1]}/f{index}", note)
            rdf_files += 1
    if validate and rdf_files:
        source = ", ".join(Path(p).name for p in paths)
        validate_stored_graph(
            context, tx.store, batch, source, loaded, chunk, note, shapes_cache=shapes_cache
        )
        problems = graph_duplicates(tx.store, batch)
        if problems:
            more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
            raise DuplicateRecord(
                "; ".join(problems[:20]) + more,
                hint="change the identifiers or names, or leave those records out",
            )
    if not loaded.conforms:
        raise _Invalid
    loaded.enterprises = count_enterprises(tx.store, batch)


def _format(path: str, given: str | None) -> RdfFormat | None:
    """The RDF format of ``path`` (from ``given`` or its extension); None for CSV and xlsx.

    :raises BadInput: neither names a format a load reads.
    """
    word = given or (path.rsplit(".", 1)[-1] if "." in Path(path).name else "")
    if word.lower() in ("csv", "xlsx"):
        return None
    try:
        return RdfFormat.parse_name(word)
    except UmkmError:
        raise BadInput(
            f"cannot load {path}: unknown format {word!r}",
            hint="a load reads ttl, nt, nq, trig, jsonld, xml, csv or xlsx (give --format)",
        ) from None


def _load_rdf(
    tx: Transaction,
    path: str,
    kind: RdfFormat,
    graph: str,
    scope: str,
    note: Progress,
) -> None:
    genid = f"{GENID}{scope}/"
    shown = f"reading {Path(path).name}"
    count = 0
    if kind is RdfFormat.NTRIPLES:
        # In parts, on both cores; the bulk loader reads the parts with nothing to skolemise
        # or refuse as they are (see ntparts).
        note(shown, 0)
        load_ntriples(tx, path, graph, genid)
        return

    def stream() -> Iterator[ox.Quad]:
        nonlocal count
        try:
            quads = ox.parse(path=path, format=kind.oxigraph)
            for quad in checked_quads(quads, path, genid, graph):
                yield quad
                count += 1
                if count % 100_000 == 0:
                    note(shown, count)
        except SyntaxError as exc:
            raise BadInput(f"{path}: {exc}") from exc
        except OSError as exc:
            raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from exc

    # One bulk loader per STREAM_QUADS: a loader holds up to three batches of a million quads
    # (1.8 GiB at 100,000 enterprises); one of fewer quads holds one.
    quads = stream()
    for first in quads:
        tx.extend(itertools.chain((first,), itertools.islice(quads, STREAM_QUADS - 1)), bulk=True)
    note(shown, count)


def validate_stored_graph(
    context: KnowledgeGraph,
    store: ox.Store,
    graph: str,
    source: str,
    loaded: Loaded,
    chunk: int = CHUNK,
    note: Progress | None = None,
    shapes_cache: Path | None = None,
) -> None:
    """Validate the subjects of the named graph ``graph`` of ``store``, ``chunk`` at a time,
    in the context of ``context`` (whose store is ``store``); count them and their problems in
    ``loaded``. The compiled shapes are kept in the folder ``shapes_cache`` when given."""
    from ..validation import Unsupported, compiled_shapes
    from ..validation.stored import StoredRecords

    try:
        compiled_shapes(shapes_cache)
    except Unsupported:  # shapes only pySHACL can check: through rdflib graphs
        _validate_stored_slowly(context, store, graph, source, loaded, chunk, note)
        return
    records = StoredRecords(store, graph, shapes_cache=shapes_cache)
    for part in records.chunks(chunk):
        _note_report(loaded, records.validate(part, source))
        if note is not None:
            note("validating", loaded.records)
        if loaded.stopped_early:
            return


def _validate_stored_slowly(
    context: KnowledgeGraph,
    store: ox.Store,
    graph: str,
    source: str,
    loaded: Loaded,
    chunk: int,
    note: Progress | None,
) -> None:
    from ..validation import RecordBatch, RecordRef, validate

    target = ox.NamedNode(graph)
    answer = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    subjects = [row[0] for row in answer]  # type: ignore[union-attr]
    for start in range(0, len(subjects), chunk):
        # A chunk's records, and what points at them from elsewhere in the load: a shape may
        # look at a record from the other side (an ownership is referenced by one enterprise).
        part = RecordBatch(sources=[source])
        for subject in subjects[start : start + chunk]:
            for quad in store.quads_for_pattern(subject, None, None, target):
                part.triples.append(_triple(quad))
            for quad in store.quads_for_pattern(None, None, subject, target):
                part.triples.append(_triple(quad))
            node = term_from_oxigraph(subject)
            part.records[node] = RecordRef(source, subject=str(node))  # type: ignore[index]
        part.triples = list(dict.fromkeys(part.triples))
        part.record_count = len(part.records)
        report = validate(part, context, own_graph=graph)
        _note_report(loaded, report)
        if note is not None:
            note("validating", loaded.records)
        if loaded.stopped_early:
            return


def _load_csv(
    context: KnowledgeGraph,
    tx: Transaction,
    path: str,
    graph: str,
    loaded: Loaded,
    validate_rows: bool,
    chunk: int,
    note: Progress,
) -> None:
    from ..validation import RecordBatch, Severity, validate
    from .csvcolumns import read_rows
    from .resolver import Resolver

    raw = read_input(path, fmt="csv", max_bytes=MAX_CSV_BYTES)
    if raw.data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # a workbook (or an old .xls)
        raw = replace(raw, format=RecordFormat.XLSX)
    table = read_rows(raw)
    resolver = Resolver.from_kg(context)
    scope = graph.rsplit("/", 1)[-1]
    for start in range(0, len(table.rows), chunk):
        batch = RecordBatch(sources=[raw.name])
        batch.add_csv_rows(raw.name, table.rows[start : start + chunk], table.titles, resolver)
        batch.triples = list(dict.fromkeys(batch.triples))
        if validate_rows:
            report = validate(batch, context, own_graph=graph)
            _note_report(loaded, report)
        else:
            broken = [p for p in batch.problems if p.severity == Severity.VIOLATION.value]
            if broken:
                first = broken[0]
                raise BadInput(
                    f"{raw.name}, row {first.row}, column {first.column}: {first.message_en}",
                    hint="fix the row, or load with validation to see every problem",
                )
            loaded.records += batch.record_count
        note(f"reading {Path(path).name}", loaded.records)
        if loaded.stopped_early:
            return
        if not loaded.conforms:
            continue  # keep checking, write nothing
        if validate_rows:
            check_duplicates(batch.graph, tx.store)
        fresh = without_known_triples(batch.graph, [tx.store]) if validate_rows else batch.graph
        tx.extend(quads(skolemise(fresh, f"{scope}/r{start}"), graph))


def _triple(quad: ox.Quad) -> tuple[Node, Node, Node]:
    return (
        term_from_oxigraph(quad.subject),
        term_from_oxigraph(quad.predicate),
        term_from_oxigraph(quad.object),
    )


def _note_report(loaded: Loaded, report: ValidationReport) -> None:
    from ..validation import Severity

    loaded.records += report.record_count
    for group in report.records:
        loaded.problems.append(group)
        found = sum(p.severity is Severity.VIOLATION for p in group.problems)
        loaded.violation_count += found
        loaded.violations += found > 0
    if loaded.violations >= STOP_AFTER:
        loaded.stopped_early = True
