"""Rows read from each named graph of the store, kept in a JSON file of the data folder's
``cache/`` so that an add reads only the batches it has not seen.

A batch's graph only changes by losing records (``records update``), so its size tells whether
its cached rows still hold; the bundled graphs may change in place with the package, and are
small: they are always read. Used for enterprise names (:mod:`.similar`) and for destinations
as written (:mod:`.written`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from ..namespaces import RECORDS_GRAPH_PREFIX
from ..store.disk import atomic_write


def rows_per_graph(
    graphs: Mapping[str, int],
    cache: Path,
    read: Callable[[str], list[list[str]]],
    *,
    version: int,
    field: str,
    width: int,
) -> dict[str, list[list[str]]]:
    """Each graph of ``graphs`` (name -> size) with its rows of ``width`` strings: unchanged
    batches' from ``cache`` (written by this ``version`` of the file, rows under ``field``),
    the others by ``read(graph)``. The file is rewritten when anything was read, and kept as
    it was when it cannot be written."""
    entries: dict[str, list[list[str]]] = {}
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("format") == version:
            for graph, part in kept["graphs"].items():
                rows = part[field]
                ok = all(isinstance(row, list) and len(row) == width for row in rows)
                if graphs.get(graph) == part["count"] and ok:
                    entries[graph] = [[str(x) for x in row] for row in rows]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        entries = {}  # no cache, or not one this version wrote: read everything
    entries = {g: v for g, v in entries.items() if g.startswith(RECORDS_GRAPH_PREFIX)}
    unread = [g for g in graphs if g not in entries]
    for graph in unread:
        entries[graph] = read(graph)
    if unread or set(entries) != set(graphs):
        text = json.dumps(
            {
                "format": version,
                "graphs": {g: {"count": graphs[g], field: entries[g]} for g in sorted(graphs)},
            },
            ensure_ascii=False,
        )
        with contextlib.suppress(OSError):  # a cache that cannot be written is rebuilt
            cache.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(cache, text)
    return {graph: entries[graph] for graph in graphs}
