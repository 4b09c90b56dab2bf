"""Where the graph lives: one interface (:class:`Store`) and its backends.

- :class:`EmbeddedStore`: pyoxigraph in this process, in memory (tests, the bundled graph alone);
- :class:`DiskStore`: the persistent store in the data directory, generations of an on-disk
  pyoxigraph store that readers open read-only and writers replace atomically (:mod:`.disk`);
- ``RemoteStore`` (:mod:`umkm_kg.store.remote`): any SPARQL 1.1 server through SPARQLWrapper.
"""

from __future__ import annotations

from .base import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Store
from .disk import DiskStore, Transaction
from .embedded import EmbeddedStore

__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "DiskStore",
    "EmbeddedStore",
    "Store",
    "Transaction",
]
