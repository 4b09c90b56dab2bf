"""Enterprise records added by staff: the records store, duplicates, and their text form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..store.disk import PAUSE_ENV
from .store import (
    LEGACY_BACKUP,
    LEGACY_FILE,
    BatchInfo,
    RecordsStore,
    bundled_graphs,
    check_data_dir,
)
from .trig import skolemise

if TYPE_CHECKING:
    from .duplicates import check_duplicates, find_duplicates, without_known_triples

_LAZY = {"check_duplicates", "find_duplicates", "without_known_triples"}
"""Imported on first use: they pull in rapidfuzz, which a query run has no use for."""

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import duplicates

        return getattr(duplicates, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
