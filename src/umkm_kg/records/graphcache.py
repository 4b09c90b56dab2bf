"""Rows read from each named graph of the store, kept in a file of the data folder's ``cache/``
so that an add reads only the batches it has not seen.

A batch's graph only changes by losing records (``records update``), so its size tells whether
its cached rows still hold; the bundled graphs may change in place with the package, and are
small: they are always read. Used for enterprise names (:mod:`.similar`) and for destinations
as written (:mod:`.written`).

The files are Python's ``marshal`` format behind a header that names the format, the Python
version and a CRC-32 of the rest: JSON took 0.5 s to read back at 100,000 enterprises,
``marshal`` a fifth of that. A file another version wrote, or a damaged one, is not read
(``marshal`` is not meant for damaged bytes): the rows are read from the store again. The
checksum is against damage, not malice: whoever can write the cache can write the store.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..namespaces import RECORDS_GRAPH_PREFIX
from ..store.disk import atomic_write

_MAGIC = b"umkm-kg cache"


def _header(version: int) -> bytes:
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return b"%s %d %d %s\n" % (_MAGIC, version, marshal.version, python.encode("ascii"))


def load_cached(cache: Path, version: int) -> Any:
    """What :func:`store_cached` wrote into ``cache`` with this ``version`` of its format, or
    None: no file, another format or Python version, or damaged bytes."""
    try:
        data = cache.read_bytes()
    except OSError:
        return None
    head = _header(version)
    if not data.startswith(head) or len(data) < len(head) + 9:
        return None
    digest, body = data[len(head) : len(head) + 8], data[len(head) + 9 :]
    if b"%08x" % zlib.crc32(body) != digest:
        return None
    try:
        return marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None


def store_cached(cache: Path, version: int, payload: Any) -> None:
    """Write ``payload`` (plain values: dicts, lists, str, int, bytes) into ``cache``; a cache
    that cannot be written is left as it was (it is rebuilt)."""
    body = marshal.dumps(payload)
    digest = b"%08x" % zlib.crc32(body)
    with contextlib.suppress(OSError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cache, _header(version) + digest + b"\n" + body)


def cached_rows(kept: Any, graphs: Mapping[str, int], width: int) -> dict[str, list[str]]:
    """The rows of ``kept`` (a payload of :func:`rows_per_graph`'s form: graph -> [size, flat
    list of strings]) whose graph still has its size in ``graphs``; records graphs only."""
    entries: dict[str, list[str]] = {}
    if not isinstance(kept, dict):
        return entries
    for graph, part in kept.items():
        if not (isinstance(part, list) and len(part) == 2 and isinstance(part[1], list)):
            continue
        count, flat = part
        if (
            graph.startswith(RECORDS_GRAPH_PREFIX)
            and graphs.get(graph) == count
            and len(flat) % width == 0
        ):
            entries[graph] = flat
    return entries


def rows_per_graph(
    graphs: Mapping[str, int],
    cache: Path,
    read: Callable[[str], list[list[str]]],
    *,
    version: int,
    width: int,
) -> dict[str, list[list[str]]]:
    """Each graph of ``graphs`` (name -> size) with its rows of ``width`` strings: unchanged
    batches' from ``cache`` (written by this ``version`` of the file), the others by
    ``read(graph)``. The file is rewritten when anything was read, and kept as it was when it
    cannot be written."""
    kept = load_cached(cache, version)
    flat = cached_rows(kept, graphs, width)
    unread = [g for g in graphs if g not in flat]
    for graph in unread:
        flat[graph] = [x for row in read(graph) for x in row]
    payload = {g: [graphs[g], flat[g]] for g in sorted(graphs)}
    # The bundled graphs are read every time; the file changes only when a batch was read.
    if payload != kept:
        store_cached(cache, version, payload)
    return {graph: _rows(flat[graph], width) for graph in graphs}


def _rows(flat: list[str], width: int) -> list[list[str]]:
    return [flat[at : at + width] for at in range(0, len(flat), width)]
