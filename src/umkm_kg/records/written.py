"""Export destinations as records wrote them (``umkm:destinationAsWritten``), per named graph,
kept in the data folder's ``cache/`` so that an add does not read every claim of a registry.

The resolver counts a destination's written forms among its names (:mod:`.resolver`). A
registry of 100,000 enterprises holds 165,000 such claims: reading them is 7 s of a
1,000-record add on a quiet machine. A batch's graph only changes by losing records, so its
size tells whether its cached part still holds; the bundled graphs are small and always read.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import RECORDS_GRAPH_PREFIX, UMKM
from ..store.disk import atomic_write

CACHE_FILE = "destinations-written.json"
_FORMAT = 1
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
    entries: dict[str, list[list[str]]] = {}
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("format") == _FORMAT:
            for graph, part in kept["graphs"].items():
                pairs = part["pairs"]
                ok = all(isinstance(p, list) and len(p) == 2 for p in pairs)
                if graphs.get(graph) == part["count"] and ok:
                    entries[graph] = [[str(x) for x in p] for p in pairs]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        entries = {}  # no cache, or not one this version wrote: read everything
    entries = {g: v for g, v in entries.items() if g.startswith(RECORDS_GRAPH_PREFIX)}
    read = [g for g in graphs if g not in entries]
    for graph in read:
        entries[graph] = graph_destinations(store, graph)
    if read or set(entries) != set(graphs):
        text = json.dumps(
            {
                "format": _FORMAT,
                "graphs": {g: {"count": graphs[g], "pairs": entries[g]} for g in sorted(graphs)},
            },
            ensure_ascii=False,
        )
        with contextlib.suppress(OSError):  # a cache that cannot be written is rebuilt
            cache.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(cache, text)
    found: dict[str, set[str]] = {}
    for graph in graphs:
        for target, written in entries[graph]:
            found.setdefault(target, set()).add(written)
    return found
