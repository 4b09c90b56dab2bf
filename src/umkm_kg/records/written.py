"""Export destinations as records wrote them (``umkm:destinationAsWritten``), per named graph,
kept in the data folder's ``cache/`` so that an add does not read every claim of a registry.

The resolver counts a destination's written forms among its names (:mod:`.resolver`). A
registry of 100,000 enterprises holds 165,000 such claims: reading them is 7 s of a
1,000-record add on a quiet machine; the file keeps them per batch (:mod:`.graphcache`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import UMKM
from .graphcache import rows_per_graph

CACHE_FILE = "destinations-written.bin"
_FORMAT = 2
_DESTINATION = ox.NamedNode(str(UMKM.destination))
_AS_WRITTEN = ox.NamedNode(str(UMKM.destinationAsWritten))


def graph_destinations(store: ox.Store, graph: str) -> list[list[str]]:
    """[destination IRI, text as written] of each claim of the named graph ``graph``."""
    node = ox.NamedNode(graph)
    found: set[tuple[str, str]] = set()
    for quad in store.quads_for_pattern(None, _DESTINATION, None, node):
        claim, target = quad.subject, quad.object
        if not isinstance(target, ox.NamedNode) or isinstance(claim, ox.Triple):
            continue
        for written in store.quads_for_pattern(claim, _AS_WRITTEN, None, node):
            if isinstance(written.object, ox.Literal):
                found.add((target.value, written.object.value))
    return [list(pair) for pair in sorted(found)]


def cached_destinations(
    store: ox.Store, graphs: Mapping[str, int], cache: Path
) -> dict[str, set[str]]:
    """Destination IRI -> the texts claims of ``store`` (whose named graphs have the sizes
    ``graphs``) wrote for it: unchanged batches' from the file ``cache``, the rest read; the
    file is rewritten when anything was read (and kept when it cannot be)."""
    entries = rows_per_graph(
        graphs,
        cache,
        lambda graph: graph_destinations(store, graph),
        version=_FORMAT,
        width=2,
    )
    found: dict[str, set[str]] = {}
    for graph in graphs:
        for target, written in entries[graph]:
            found.setdefault(target, set()).add(written)
    return found
