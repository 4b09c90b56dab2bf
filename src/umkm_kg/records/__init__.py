"""Enterprise records added by staff: the records store, duplicates, and their text form."""

from __future__ import annotations

from ..store.disk import PAUSE_ENV
from .duplicates import check_duplicates, find_duplicates, without_known_triples
from .store import (
    LEGACY_BACKUP,
    LEGACY_FILE,
    BatchInfo,
    RecordsStore,
    bundled_graphs,
    check_data_dir,
)
from .trig import skolemise

__all__ = [
    "LEGACY_BACKUP",
    "LEGACY_FILE",
    "PAUSE_ENV",
    "BatchInfo",
    "RecordsStore",
    "bundled_graphs",
    "check_data_dir",
    "check_duplicates",
    "find_duplicates",
    "skolemise",
    "without_known_triples",
]
