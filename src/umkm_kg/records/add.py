"""Adding a batch of records: read, validate in context, refuse duplicates, write all or none.

The one sequence both the command line (``umkm-kg add``) and the web app call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import Text
from ..namespaces import SCHEMA, SHAPES_NS
from ..store import DiskStore
from .rdfinput import MAX_INPUT_BYTES
from .similar import Similar

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph
    from ..validation import RecordBatch, ValidationReport

SIMILAR_COMPONENT = SHAPES_NS["ProbableDuplicateConstraintComponent"]
"""Component named in reports for probable duplicates (:mod:`umkm_kg.records.similar`)."""


@dataclass(frozen=True)
class Added:
    """What an add did: the validation report, and the batch's graph when it was written."""

    report: ValidationReport
    records: int
    graph: str | None
    """The new named graph; None when the records do not conform or on a dry run."""
    store: Path | None = None
    similar: tuple[Similar, ...] = ()
    """Records that are probably enterprises already known (warnings in :attr:`report`)."""
    allow_similar: bool = False

    @property
    def conforms(self) -> bool:
        return self.report.conforms

    @property
    def refused_as_similar(self) -> bool:
        """The records conform but were not written: probable duplicates, not allowed."""
        return self.report.conforms and bool(self.similar) and not self.allow_similar


def add_records(
    kg: KnowledgeGraph,
    paths: Sequence[str],
    data_dir: Path,
    *,
    fmt: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
    dry_run: bool = False,
    allow_similar: bool = False,
) -> Added:
    """Validate the records in ``paths`` against ``kg``; if they conform, add them as one batch
    to the records store of ``data_dir`` (on a dry run, only check for duplicates).

    Records that do not conform are reported in :attr:`Added.report` and nothing is written;
    so are probable duplicates (:mod:`.similar`, warnings) unless ``allow_similar``.

    :raises BadInput: a file that cannot be read or parsed.
    :raises DuplicateRecord: a record repeats an enterprise already known (nothing written).
    :raises StoreError: the records store cannot be written.
    """
    import gc

    from ..gcpause import collection_paused

    # Readers of older generations left in reference cycles (by earlier commands of this
    # process) hold their generations' locks, so the write would keep those generations:
    # collected now, while there is little to walk (the collection after the batch is read
    # walks it all: 0.13 s at 100,000 enterprises).
    gc.collect()
    # A batch is tens of thousands of small objects without cycles, made beside the name
    # index's hundreds of thousands: the collector's passes over them took 0.3 s of an add
    # at 100,000 enterprises (650 collections), and found nothing to free (same peak memory).
    with collection_paused():
        return _add_records(kg, paths, data_dir, fmt, max_bytes, dry_run, allow_similar)


def _add_records(
    kg: KnowledgeGraph,
    paths: Sequence[str],
    data_dir: Path,
    fmt: str | None,
    max_bytes: int,
    dry_run: bool,
    allow_similar: bool,
) -> Added:
    from ..validation import read_batch, shapes_version, validate
    from .duplicates import check_duplicates
    from .similar import find_similar
    from .store import RecordsStore
    from .triples import BatchTriples

    batch = read_batch(paths, kg, fmt=fmt, max_bytes=max_bytes)
    store = RecordsStore(data_dir)
    # Duplicates first: a record that repeats a known enterprise is best told so, not that it
    # describes a resource it does not own (which validation would say of it).
    known, graphs = store.snapshot()  # one generation: the write checks nothing again if
    index, names = store.name_index((known, graphs))  # it is still the current one
    triples = BatchTriples(batch.triples)  # what the checks and the write read: no rdflib graph
    check_duplicates(triples, known, names=names)
    similar = tuple(find_similar(triples, known, index=index))
    report = with_similar(validate(batch, kg), batch, similar)
    if not report.conforms or dry_run or (similar and not allow_similar):
        return Added(report, batch.record_count, None, similar=similar, allow_similar=allow_similar)
    graph = store.add(triples, batch.sources, shapes_version(), names=names, checked=True)
    if isinstance(kg.store, DiskStore):
        kg.store.refresh()  # the caller's graph sees what it just added
    return Added(
        report, batch.record_count, graph, store.folder, similar, allow_similar=allow_similar
    )


def with_similar(
    report: ValidationReport, batch: RecordBatch, similar: tuple[Similar, ...]
) -> ValidationReport:
    """``report`` with a warning on each record that is a probable duplicate."""
    if not similar:
        return report
    from rdflib import URIRef

    from ..validation import Problem, RecordRef, Severity, short
    from ..validation.findings import add_result, finish

    problems = [(group.record, p) for group in report.records for p in group.problems]
    for found in similar:
        node = URIRef(found.record)
        ref = batch.records.get(node) or RecordRef("?", subject=found.record)
        problem = Problem(
            Severity.WARNING,
            batch.field_name(node, SCHEMA.name) or "name",
            Text("a new enterprise", "usaha baru"),
            Text(repr(found.name), repr(found.name)),
            found.message(short),
            focus=found.record,
            path=str(SCHEMA.name),
            component=str(SIMILAR_COMPONENT),
        )
        problems.append((ref, problem))
        add_result(report.graph, problem)
    return finish(problems, report.graph, report.record_count)
