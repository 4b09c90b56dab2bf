"""Adding a batch of records: read, validate in context, refuse duplicates, write all or none.

The one sequence both the command line (``umkm-kg add``) and the web app call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..store import DiskStore
from .rdfinput import MAX_INPUT_BYTES

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph
    from ..validation import ValidationReport


@dataclass(frozen=True)
class Added:
    """What an add did: the validation report, and the batch's graph when it was written."""

    report: ValidationReport
    records: int
    graph: str | None
    """The new named graph; None when the records do not conform or on a dry run."""
    store: Path | None = None

    @property
    def conforms(self) -> bool:
        return self.report.conforms


def add_records(
    kg: KnowledgeGraph,
    paths: Sequence[str],
    data_dir: Path,
    *,
    fmt: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
    dry_run: bool = False,
) -> Added:
    """Validate the records in ``paths`` against ``kg``; if they conform, add them as one batch
    to the records store of ``data_dir`` (on a dry run, only check for duplicates).

    Records that do not conform are reported in :attr:`Added.report` and nothing is written.

    :raises BadInput: a file that cannot be read or parsed.
    :raises DuplicateRecord: a record repeats an enterprise already known (nothing written).
    :raises StoreError: the records store cannot be written.
    """
    from ..validation import read_batch, shapes_version, validate
    from .duplicates import check_duplicates
    from .store import RecordsStore

    batch = read_batch(paths, kg, fmt=fmt, max_bytes=max_bytes)
    store = RecordsStore(data_dir)
    # Duplicates first: a record that repeats a known enterprise is best told so, not that it
    # describes a resource it does not own (which validation would say of it).
    check_duplicates(batch.graph, store.dataset())
    report = validate(batch, kg)
    if not report.conforms or dry_run:
        return Added(report, batch.record_count, None)
    graph = store.add(batch.graph, batch.sources, shapes_version())
    if isinstance(kg.store, DiskStore):
        kg.store.refresh()  # the caller's graph sees what it just added
    return Added(report, batch.record_count, graph, store.folder)
