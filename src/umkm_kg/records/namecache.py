"""The name index of a data folder's enterprises, kept in its ``cache/`` between commands.

The file holds each graph's names (so that a removed or shrunk batch costs one read of what
changed) and the index itself, frozen (:meth:`.similar.NameIndex.frozen`): at 100,000
enterprises it is read back in about 60 ms, where building it from the names took 0.9 s. Batches
added since the file was written are read from the store and indexed on top; the file is
written again once they hold more than a twentieth of the names (or another change needs a
rebuild), so an add does not rewrite 20 MB each time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import RECORDS_GRAPH_PREFIX
from .graphcache import cached_rows, load_cached, store_cached
from .similar import NameIndex, graph_names

_FORMAT = 2
_WIDTH = 3
REWRITE_SHARE = 20
"""The file is rewritten when the batches indexed on top of it hold more than
1/REWRITE_SHARE of its names."""


def cached_index(store: ox.Store, graphs: dict[str, int], cache: Path) -> NameIndex:
    """The enterprise names of ``store`` (whose named graphs have the sizes ``graphs``): those
    of unchanged graphs from the file ``cache``, the others read from the store; the file is
    rewritten when the index had to be rebuilt, or has grown by a twentieth.

    Reading every name of a registry costs seconds (30 s at 100,000 enterprises on a busy
    2-core machine: a literal is a look-up on disk); a batch adds a few names to the index.
    """
    kept = load_cached(cache, _FORMAT)
    parts = kept if isinstance(kept, dict) else {}
    stored = parts.get("graphs")
    base: dict[str, list[str]] = {}
    if isinstance(stored, dict):
        base = {g: part[1] for g, part in stored.items() if g in cached_rows(stored, graphs, 3)}
        base.update(_bundled(stored, graphs))
    rows = dict(base)
    for graph in graphs:
        if graph not in rows or not graph.startswith(RECORDS_GRAPH_PREFIX):
            rows[graph] = [x for row in graph_names(store, graph) for x in row]
    index = _on_top(parts, base, rows, graphs)
    if index is not None:
        return index
    index = NameIndex()
    index.extend(_unique(rows, sorted(graphs)))
    _write(cache, graphs, rows, index)
    return index


def _bundled(stored: dict[str, list[object]], graphs: dict[str, int]) -> dict[str, list[str]]:
    """The bundled graphs' names as the file has them (checked against the store later)."""
    found = {}
    for graph, part in stored.items():
        if graph.startswith(RECORDS_GRAPH_PREFIX) or graph not in graphs:
            continue
        if isinstance(part, list) and len(part) == 2 and isinstance(part[1], list):
            found[graph] = part[1]
    return found


def _on_top(
    parts: dict[str, object],
    base: dict[str, list[str]],
    rows: dict[str, list[str]],
    graphs: dict[str, int],
) -> NameIndex | None:
    """The file's index with the names of the graphs it has not seen added, if it still holds
    for the store: each of its graphs unchanged, and the new ones after them in the order
    names are indexed (the order tells equal scores apart)."""
    stored = parts.get("graphs")
    if not isinstance(stored, dict) or set(stored) - set(base):
        return None  # a graph of the file is gone or changed: rebuild
    if any(rows[g] != base[g] for g in base):
        return None  # a bundled graph changed with the package
    new = sorted(g for g in graphs if g not in base)
    last = max((g for g in base if base[g]), default="")
    if any(rows[g] and g < last for g in new):
        return None
    index = NameIndex.thawed(parts.get("index"))
    if index is None:
        return None
    stored_names = len(index.names)
    # a name the file's graphs already give an enterprise is indexed once
    index.extend(
        (iri, name, key)
        for iri, name, key in _unique(rows, new)
        if not any(index.iris[at] == iri and index.shown[at] == name for at in index.named(key))
    )
    if len(index.names) - stored_names > stored_names // REWRITE_SHARE:
        return None  # rebuilt in full below, and written again
    return index


def _unique(rows: dict[str, list[str]], order: list[str]) -> Iterator[tuple[str, str, str]]:
    """(IRI, name, key) of the graphs in ``order``, each (IRI, name) once."""
    seen: set[tuple[str, str]] = set()
    for graph in order:
        flat = rows[graph]
        for at in range(0, len(flat), _WIDTH):
            iri, name, key = flat[at : at + _WIDTH]
            if (iri, name) not in seen:
                seen.add((iri, name))
                yield iri, name, key


def _write(
    cache: Path, graphs: dict[str, int], rows: dict[str, list[str]], index: NameIndex
) -> None:
    payload = {
        "graphs": {g: [graphs[g], rows[g]] for g in sorted(graphs)},
        "index": index.frozen(),
    }
    store_cached(cache, _FORMAT, payload)
