"""The persistent embedded store: generations of an on-disk pyoxigraph store.

One folder (``DATA/store``) holds::

    CURRENT           the name of the generation readers open, e.g. "g00000012"
    g00000012/        an on-disk pyoxigraph (RocksDB) store, never written once published
    g00000012.json    what it holds: graphs and their sizes, the change that made it, and
                      the graphs that write and the ones before it touched
    g00000012.lock    readers hold a shared lock on it while they have the generation open
    write.lock        one writer at a time

A write makes a new generation: a checkpoint of the current one (hard links, milliseconds),
opened read-write, changed, closed, described, then published by replacing ``CURRENT``
atomically. So readers never open a store another process is writing (pyoxigraph's read-only
mode is undefined then), a writer killed at any moment leaves ``CURRENT`` naming the old
generation, and the :data:`HISTORY` generations before the current one stay as backups that
:meth:`DiskStore.transaction` can start from again.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from filelock import FileLock, Timeout

from ..errors import BadInput, StoreError
from ..query.results import QueryForm, QueryResult
from .base import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT
from .cache import ResultCache
from .embedded import EmbeddedStore
from .worker import QueryWorker

if TYPE_CHECKING:
    from .pool import WorkerPool

CURRENT = "CURRENT"
WRITE_LOCK = "write.lock"
HISTORY = 4
"""Published generations kept besides the current one (backups, and room for slow readers)."""
WRITE_TIMEOUT = 60.0
"""Seconds a writer waits for another writer before giving up."""
PAUSE_ENV = "UMKM_KG_TEST_PAUSE_BEFORE_RENAME"
"""Test hook: seconds to sleep after a new generation is complete and before it is published
(lets the tests kill a writer at the worst moment)."""

MAX_META_BYTES = 16 * 1024 * 1024
"""Largest generation description read (they are a few kB)."""
BULK_BYTES = 16 * 1024 * 1024
"""Files larger than this are loaded with pyoxigraph's bulk loader."""
BULK_QUADS = 10_000
"""Lists of more quads than this are written with the bulk loader (see
:meth:`Transaction.extend`)."""
COMPACT_AFTER_FILES = 100
"""A generation with this many storage files more than twice the last compacted one's is
compacted before it is published (see :func:`_compact_if_needed`); each small write adds
about ten (one per index)."""

CHANGES_KEPT = 32
"""Writes a generation's description lists the touched graphs of (its own, then earlier)."""
CHANGES_GRAPHS = 1_000
"""A write touching more graphs than this is recorded as touching an unknown set."""

CACHE_FOLDER = "cache"
"""Beside the store folder: answers kept per generation (:mod:`.cache`)."""
_VOLATILE = re.compile(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)

_NAME = re.compile(r"^g(\d{8})$")


@dataclass(frozen=True)
class Generation:
    """One published state of the store: its name and what its description file says."""

    name: str
    meta: Mapping[str, Any]

    @property
    def number(self) -> int:
        return int(self.name[1:])

    @property
    def graphs(self) -> dict[str, int]:
        """Named graph IRI -> number of quads in it."""
        return dict(self.meta.get("graphs", {}))

    @property
    def created(self) -> str | None:
        return self.meta.get("created")

    @property
    def change(self) -> str | None:
        return self.meta.get("change")

    @property
    def touched(self) -> list[str] | None:
        """The named graphs its write added to, removed or replaced (None: not recorded)."""
        lineage = self.lineage
        return lineage[0][2] if lineage else None

    @property
    def lineage(self) -> list[tuple[str, str | None, list[str]]]:
        """Its write and the writes before it, newest first, as (generation, parent, named
        graphs touched), as far as they are recorded (``changes``, at most
        :data:`CHANGES_KEPT`): what files derived from a generation (the label index) need
        to follow the store, even past generations no longer kept.

        An older umkm-kg recorded none, and copies its parent's list: a list whose first
        entry is not this generation's is not its own.
        """
        entries = self.meta.get("changes")
        found: list[tuple[str, str | None, list[str]]] = []
        expected: str | None = self.name
        for entry in entries if isinstance(entries, list) else []:
            if expected is None or not isinstance(entry, dict):
                break
            touched, parent = entry.get("touched"), entry.get("parent")
            if entry.get("generation") != expected or not isinstance(touched, list):
                break
            found.append((expected, parent if isinstance(parent, str) else None, touched))
            expected = parent if isinstance(parent, str) else None
        return found


@dataclass
class Transaction:
    """A generation being written: read and change :attr:`store`, then leave the ``with``.

    Changes go through :meth:`load`, :meth:`extend` and :meth:`drop` so that the sizes of the
    graphs they touch are counted again; :attr:`meta` entries are kept with the generation.
    """

    store: ox.Store
    base: Generation | None
    meta: dict[str, Any] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)
    cancelled: bool = False
    bulk: bool = False
    """Set by a bulk load: the new generation is compacted before it is published."""

    def load(self, path: Path | str, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Bulk-load an RDF file (into ``graph``, or into the graphs an N-Quads/TriG file names).

        :raises BadInput: the file cannot be read or parsed (message has the line).
        """
        target = ox.NamedNode(graph) if graph else None
        # The bulk loader writes sorted files of its own in parallel: much faster for a
        # registry, but about 0.15 s of set-up even for the few kB of the bundled graphs.
        loader = self.store.bulk_load if Path(path).stat().st_size > BULK_BYTES else self.store.load
        self.bulk = self.bulk or loader == self.store.bulk_load
        try:
            if target is not None:
                loader(path=str(path), format=fmt, to_graph=target)
            else:
                loader(path=str(path), format=fmt)
        except (SyntaxError, ValueError, OSError) as exc:
            raise BadInput(f"{path}: {exc}") from exc
        if target is not None:
            self.touched.add(graph)  # type: ignore[arg-type]
        else:
            self.touched.update(_graph_names(self.store))

    def load_bytes(self, data: bytes, fmt: ox.RdfFormat, graph: str) -> None:
        """Bulk-load serialised triples held in memory (a part of a file) into ``graph``; may
        be called from several threads at once (pyoxigraph releases the GIL meanwhile).

        :raises SyntaxError: ``data`` does not parse (lines counted from its start).
        """
        self.bulk = True
        self.touched.add(graph)
        self.store.bulk_load(input=data, format=fmt, to_graph=ox.NamedNode(graph))

    def extend(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads (each in its named graph); ``bulk`` for many (millions): pyoxigraph's bulk
        loader writes them in parallel without holding them in memory, but costs about 0.15 s
        to set up, and the generation is compacted before it is published.

        A list of more than :data:`BULK_QUADS` quads (a batch of records) goes through the bulk
        loader too, without compaction: it adds as many storage files as a transactional
        insert, in a quarter of the time (56,000 quads into a store of 5.4 million: 0.6 s
        against 2.3 s with the flush). The loader is not atomic, and need not be: nothing is
        published before the transaction ends, and a failed one is removed.
        """

        def noted() -> Iterator[ox.Quad]:
            for quad in quads:
                if isinstance(quad.graph_name, ox.NamedNode):
                    self.touched.add(quad.graph_name.value)
                yield quad

        if bulk:
            self.bulk = True
            self.store.bulk_extend(noted())
        elif isinstance(quads, list) and len(quads) > BULK_QUADS:
            self.store.bulk_extend(noted())
        else:
            self.store.extend(noted())

    def drop(self, graph: str) -> None:
        """Remove a named graph and everything in it."""
        node = ox.NamedNode(graph)
        if self.store.contains_named_graph(node):
            self.store.remove_graph(node)
        self.touched.add(graph)
        self.dropped.add(graph)

    def cancel(self) -> None:
        """Publish nothing: the store stays as it was."""
        self.cancelled = True


class DiskStore(EmbeddedStore):
    """The current generation of the store in ``folder``, opened read-only.

    Every query first checks ``CURRENT`` (one small read) and moves to a newer generation, so
    a long-running reader sees what writers publish.

    :raises StoreError: the folder holds no store, or it cannot be opened.
    """

    sorts_in_python = True

    def __init__(self, folder: Path, *, isolated: bool = False) -> None:
        self.folder = Path(folder)
        self.worker: QueryWorker | WorkerPool | None = QueryWorker() if isolated else None
        self._lock: _SharedLock | None = None
        self._moving = threading.Lock()  # a server's threads may all see CURRENT change at once
        generation, store, lock = _open_current(self.folder)
        super().__init__(store, label=f"embedded ({self.folder})")
        self.cache = ResultCache(self.folder.parent / CACHE_FOLDER)
        self.generation = generation
        self._lock = lock

    @classmethod
    def open(
        cls, folder: Path, *, bundled: Mapping[str, Path] | None = None, isolated: bool = False
    ) -> DiskStore:
        """Open the store in ``folder``, creating it, and loading the ``bundled`` files (graph IRI
        -> Turtle file) into their graphs whenever they differ from what the store holds.

        ``isolated`` runs each query in a child process (:mod:`.worker`) that a time or memory
        limit really stops: for long-running processes. Without it a query runs in a thread of
        this process, which goes on after its deadline until it ends (fine for a command).

        :raises StoreError: the folder cannot be created or written to.
        """
        folder = Path(folder)
        current = _current(folder)
        stat = _stat_key(bundled or {})
        # Hashing the bundled files (2 MB with the reference graph) is skipped when their
        # sizes and modification times are those recorded with the fingerprint.
        if current is not None and current.meta.get("bundled_stat") == stat:
            return cls(folder, isolated=isolated)
        fingerprint = _fingerprint(bundled or {})
        if current is None or current.meta.get("bundled") != fingerprint:
            _write_bundled(folder, bundled or {}, fingerprint, stat)
        return cls(folder, isolated=isolated)

    @property
    def version(self) -> str:
        """Names the data the store holds: changes with every published write."""
        return self.generation.name

    def refresh(self) -> bool:
        """Move to the newest published generation; True if it changed."""
        try:
            name = _current_name(self.folder)
        except StoreError:
            return False  # the next open says what is wrong; keep answering from this one
        if name is None or name == self.generation.name:
            return False
        with self._moving:
            if _current_name(self.folder) == self.generation.name:
                return False  # another thread moved first
            generation, store, lock = _open_current(self.folder)
            old = self._lock
            self._store, self.generation, self._lock = store, generation, lock
            if old is not None:
                old.release()
        return True

    def query(
        self,
        sparql: str,
        *,
        form: QueryForm,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
    ) -> QueryResult:
        self.refresh()
        if self.worker is not None:
            return self.worker.query(
                self.folder / self.generation.name,
                sparql,
                form=form,
                timeout=timeout,
                max_rows=max_rows,
            )
        return super().query(sparql, form=form, timeout=timeout, max_rows=max_rows)

    def query_cached(
        self,
        sparql: str,
        *,
        form: QueryForm,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
    ) -> QueryResult:
        """:meth:`query`, answered from the cache of this data version when it was asked before
        (queries whose answer may change without the data, e.g. with ``NOW()``, always run)."""
        self.refresh()
        if _VOLATILE.search(sparql):
            return self.query(sparql, form=form, timeout=timeout, max_rows=max_rows)
        version = self.version
        found = self.cache.get(version, sparql, form, max_rows)
        if found is None:
            found = self.query(sparql, form=form, timeout=timeout, max_rows=max_rows)
            self.cache.put(version, sparql, form, max_rows, found)
        return found

    @contextlib.contextmanager
    def transaction(
        self, change: str, *, start: str | None = None, timeout: float = WRITE_TIMEOUT
    ) -> Iterator[Transaction]:
        """Write a new generation; it is published when the ``with`` block ends without error.

        ``start`` names an older generation to start from (a restore) instead of the current.

        :raises StoreError: another writer holds the lock longer than ``timeout`` seconds, or
            the generation cannot be written.
        """
        with write_transaction(self.folder, change, start=start, timeout=timeout) as tx:
            yield tx
        self.refresh()

    def history(self) -> list[Generation]:
        """The published generations still kept, newest first."""
        return list_generations(self.folder)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
        old, self._store = self._store, ox.Store()
        # Held by more than this name and getrefcount's argument, the store may be held by
        # garbage in a reference cycle, which a collection frees. Else dropping the name
        # closes the files, and the collection would only walk the caller's objects (0.13 s
        # of a 1,000-record add at 100,000 enterprises: the batch, its report, the names).
        held = sys.getrefcount(old) > 2
        del old  # drop the reference: pyoxigraph closes the files
        if held:
            gc.collect()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __del__(self) -> None:
        if getattr(self, "_lock", None) is not None:
            self._lock.release()  # type: ignore[union-attr]


# --- generations -------------------------------------------------------------------------------


def list_generations(folder: Path) -> list[Generation]:
    """The published (complete) generations in ``folder``, newest first."""
    found = []
    for name in _generation_dirs(folder):
        generation = _read_meta(folder, name)
        if generation is not None:
            found.append(generation)
    return sorted(found, key=lambda g: g.number, reverse=True)


def _generation_dirs(folder: Path) -> list[str]:
    try:
        return sorted(p.name for p in folder.iterdir() if _NAME.match(p.name) and p.is_dir())
    except FileNotFoundError:
        return []


def read_small_file(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes; None if it does not exist.

    A symbolic link, a FIFO, a device or a larger file is refused: the store trusts only its
    own small files (a FIFO would hang a reader, ``/dev/zero`` would be read for ever).

    :raises StoreError: the file is not a regular file, is too large, or cannot be read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(f"refusing to read {path}: it is a symbolic link") from exc
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StoreError(f"refusing to read {path}: not a regular file")
        data = os.read(fd, limit + 1)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if len(data) > limit:
        raise StoreError(f"refusing to read {path}: larger than {limit} bytes")
    return data


def _read_meta(folder: Path, name: str) -> Generation | None:
    data = read_small_file(folder / f"{name}.json", MAX_META_BYTES)
    if data is None:
        return None
    try:
        meta = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise StoreError(
            f"the store description {folder / name}.json is unreadable: {exc}"
        ) from exc
    problem = _meta_problem(meta)
    if problem:
        raise StoreError(
            f"the store description {folder / name}.json is damaged: {problem}",
            hint="restore an earlier generation (umkm-kg records restore)",
        )
    return Generation(name, meta)


def _meta_problem(meta: object) -> str | None:
    """What is wrong with the shape of a generation's description, or None."""
    if not isinstance(meta, dict):
        return "not a JSON object"
    graphs = meta.get("graphs", {})
    if not isinstance(graphs, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
        for k, v in graphs.items()
    ):
        return "'graphs' is not an object of graph names and counts"
    for key in ("created", "change", "bundled"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            return f"{key!r} is not text"
    for key in ("unvalidated", "changes"):
        if not isinstance(meta.get(key, []), list):
            return f"{key!r} is not a list"
    return None


def _current_name(folder: Path) -> str | None:
    """The generation ``CURRENT`` names; None when there is no store yet."""
    data = read_small_file(folder / CURRENT, 64)
    if data is None:
        return None
    name = data.decode("ascii", "replace").strip()
    if not _NAME.match(name):
        raise StoreError(
            f"{folder / CURRENT} does not name a generation: {name[:40]!r}",
            hint=f"write the name of one of the folders g00000001... in {folder} into it, "
            "e.g. the newest one",
        )
    return name


def _current(folder: Path) -> Generation | None:
    """The current generation; None when there is no store yet.

    :raises StoreError: ``CURRENT`` names a generation that is not there (never a reason to
        start an empty store: the records would seem gone).
    """
    name = _current_name(folder)
    if name is None:
        return None
    generation = _read_meta(folder, name)
    if generation is None:
        raise StoreError(
            f"{folder / CURRENT} names {name}, which is not in the store",
            hint="restore one that is: see umkm-kg records history",
        )
    return generation


def _open_current(folder: Path) -> tuple[Generation, ox.Store, _SharedLock | None]:
    # CURRENT may move on between reading it and locking its generation, and the generation
    # may then be collected: after the lock is held, its description must still be there.
    for _ in range(20):
        name = _current_name(folder)
        if name is None:
            raise StoreError(f"no store in {folder}")
        if (folder / name).is_symlink():
            raise StoreError(f"refusing to open {folder / name}: not a folder of the store")
        if not (folder / name).is_dir():
            if _current_name(folder) != name:
                continue  # CURRENT moved on meanwhile
            raise StoreError(
                f"{folder / CURRENT} names {name}, which is not in the store",
                hint="restore one that is: see umkm-kg records history",
            )
        lock = _SharedLock.take(folder / f"{name}.lock")
        generation = _read_meta(folder, name)
        if generation is None:
            if lock is not None:
                lock.release()
            time.sleep(0.01)
            continue
        try:
            store = ox.Store.read_only(str(folder / name))
        except OSError as exc:
            if lock is not None:
                lock.release()
            raise StoreError(
                f"cannot open the store generation {folder / name}: {exc}",
                hint="restore an earlier generation: see umkm-kg records history",
            ) from exc
        return generation, store, lock
    raise StoreError(f"the store in {folder} kept changing while it was opened; try again")


@contextlib.contextmanager
def write_transaction(
    folder: Path, change: str, *, start: str | None = None, timeout: float = WRITE_TIMEOUT
) -> Iterator[Transaction]:
    """The writer's side of :meth:`DiskStore.transaction` (also used to create the store)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / WRITE_LOCK), timeout=timeout)
        lock.acquire()
    except Timeout as exc:
        raise StoreError(
            f"another process has held the store's write lock for {timeout:g} s",
            hint=f"try again; if no other umkm-kg runs, delete {folder / WRITE_LOCK}",
        ) from exc
    except OSError as exc:
        raise StoreError(f"cannot write to the store in {folder}: {exc}") from exc
    # What exists before the transaction (a batch being added, a name index) cannot hold the
    # new generation's handle: the collections that must drop it need not walk it (1.7 s of
    # a 1,000-record add at 100,000 enterprises on a busy machine).
    gc.freeze()
    try:
        _collect(folder)
        base = _read_meta(folder, start) if start and _NAME.match(start) else None
        if start and base is None:
            raise StoreError(
                f"no generation {start[:40]!r} in {folder}",
                hint="see the kept ones with: umkm-kg records history",
            )
        if not start:
            base = _current(folder)
        numbers = [int(n[1:]) for n in _generation_dirs(folder)]
        name = f"g{max(numbers, default=0) + 1:08d}"
        path = folder / name
        store = _checkpoint(folder, base, path)
        tx = Transaction(store, base)
        try:
            yield tx
            if not tx.cancelled:
                store.flush()
                meta = _describe(tx, change)
                meta["changes"] = _changes(tx, name, meta)
                compacted = _compact_if_needed(tx, path)
        except BaseException:
            tx.store = store = None  # type: ignore[assignment]
            gc.collect()
            shutil.rmtree(path, ignore_errors=True)
            raise
        tx.store = store = None  # type: ignore[assignment]
        _closed(path)
        if tx.cancelled:
            shutil.rmtree(path, ignore_errors=True)
            return
        if compacted:
            meta["compacted_files"] = _storage_files(path)
        _publish(folder, name, meta)
        _collect(folder)
    except OSError as exc:
        raise StoreError(f"cannot write to the store in {folder}: {exc}") from exc
    finally:
        gc.unfreeze()
        lock.release()


def _checkpoint(folder: Path, base: Generation | None, path: Path) -> ox.Store:
    if base is None:
        return ox.Store(str(path))
    source = ox.Store.read_only(str(folder / base.name))
    source.backup(str(path))  # hard links where it can: immutable files are shared
    del source
    return ox.Store(str(path))


def _describe(tx: Transaction, change: str) -> dict[str, Any]:
    graphs = dict(tx.base.graphs) if tx.base is not None else {}
    for graph in tx.touched:
        answer = tx.store.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        count = int(next(iter(answer))[0].value)  # type: ignore[arg-type, index]
        before = graphs.get(graph, 0)
        if count < before and graph not in tx.dropped:
            # Only a drop takes quads away: anything else losing some is a bug; never publish it.
            raise StoreError(
                f"refusing to publish: the graph <{graph}> would shrink from {before} to "
                f"{count} quads without being removed; nothing was written"
            )
        if count:
            graphs[graph] = count
        else:
            graphs.pop(graph, None)
    meta = {key: value for key, value in (tx.base.meta.items() if tx.base else ())}
    meta.update(tx.meta)
    meta.update(
        created=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        change=change,
        parent=tx.base.name if tx.base else None,
        graphs=dict(sorted(graphs.items())),
        quads=sum(graphs.values()),
    )
    return meta


def _changes(tx: Transaction, name: str, meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``changes`` of a new generation: its write, then its base's (see
    :attr:`Generation.lineage`). A write touching very many graphs ends the list (what
    follows the store then starts again from scratch anyway)."""
    touched = sorted(tx.touched) if len(tx.touched) <= CHANGES_GRAPHS else None
    mine = {"generation": name, "parent": meta.get("parent"), "touched": touched}
    if touched is None or tx.base is None:
        return [mine]
    earlier = [{"generation": g, "parent": p, "touched": t} for g, p, t in tx.base.lineage]
    return [mine, *earlier][:CHANGES_KEPT]


def _storage_files(path: Path) -> int:
    return sum(1 for _ in path.glob("*.sst"))


def _compact_if_needed(tx: Transaction, path: Path) -> bool:
    """Compact the new generation after a bulk load, or once its files have multiplied.

    A bulk load into a store that already holds data, and many small writes, leave RocksDB
    files with overlapping key ranges that every lookup must probe: at 100,000 enterprises
    the saved queries ran about 3 times slower before compaction (``owners`` 31 s, 10 s
    after). Compacting rewrites the files (about 11 s there), so small writes skip it until
    they have added :data:`COMPACT_AFTER_FILES` files since the last compaction (the count
    is kept in the generation's description). Returns whether it compacted.
    """
    noted = tx.base.meta.get("compacted_files", 0) if tx.base is not None else 0
    last = noted if isinstance(noted, int) else 0
    files = _storage_files(path)
    if tx.bulk or files > 2 * last + COMPACT_AFTER_FILES:
        tx.store.optimize()
        return True
    return False


def _closed(path: Path) -> None:
    """Make sure the writer's handle on ``path`` is gone before readers may open it."""
    gc.collect()
    for _ in range(100):
        try:
            probe = ox.Store(str(path))  # RocksDB refuses a second writer while one is open
        except OSError:
            time.sleep(0.01)
            gc.collect()
            continue
        del probe
        gc.collect()
        return
    raise StoreError(f"the new store generation {path} is still open; nothing was published")


def _publish(folder: Path, name: str, meta: Mapping[str, Any]) -> None:
    atomic_write(folder / f"{name}.json", json.dumps(meta, indent=1, sort_keys=True) + "\n")
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        time.sleep(float(pause))
    atomic_write(folder / CURRENT, name + "\n")


def _collect(folder: Path) -> None:
    """Remove what no one needs: unfinished generations (a writer was killed) and published
    ones older than the :data:`HISTORY` kept, unless a reader still has them open. Nothing
    is removed while ``CURRENT`` is damaged: the generation it should name may be any."""
    try:
        current = _current(folder)
    except StoreError:
        return
    published = [g.name for g in list_generations(folder)]
    keep = set(published[: HISTORY + 1])
    if current is not None:
        keep.add(current.name)
    names = set(_generation_dirs(folder))
    names |= {p.stem for p in folder.glob("g*.lock") if _NAME.match(p.stem)}
    names |= {p.stem for p in folder.glob("g*.json") if _NAME.match(p.stem)}
    for name in sorted(names - keep):
        lock = folder / f"{name}.lock"
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a reader has it open
            os.close(fd)
            continue
        try:
            (folder / f"{name}.json").unlink(missing_ok=True)
            (folder / f"{name}.check.json").unlink(missing_ok=True)  # records.check's answer
            shutil.rmtree(folder / name, ignore_errors=True)
            lock.unlink(missing_ok=True)
        finally:
            os.close(fd)
    for leftover in folder.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)


def _graph_names(store: ox.Store) -> set[str]:
    return {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}


# --- the bundled graphs ------------------------------------------------------------------------


def _fingerprint(bundled: Mapping[str, Path]) -> str:
    digest = hashlib.sha256()
    for graph, path in sorted(bundled.items()):
        digest.update(graph.encode() + b"\0" + Path(path).read_bytes() + b"\0")
    return digest.hexdigest()


def bundled_format(path: Path) -> ox.RdfFormat:
    """The format of a bundled file: N-Triples for ``.nt`` (the reference graph), else Turtle."""
    return ox.RdfFormat.N_TRIPLES if Path(path).suffix == ".nt" else ox.RdfFormat.TURTLE


def _stat_key(bundled: Mapping[str, Path]) -> str:
    """The bundled files' names, sizes and modification times, as one string."""
    parts = []
    for graph, path in sorted(bundled.items()):
        info = Path(path).stat()
        parts.append(f"{graph}\0{path}\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _write_bundled(
    folder: Path, bundled: Mapping[str, Path], fingerprint: str, stat: str | None = None
) -> None:
    with write_transaction(folder, "bundled data") as tx:
        if tx.base is not None and tx.base.meta.get("bundled") == fingerprint:
            tx.cancel()  # another process did it meanwhile
            return
        for graph, path in sorted(bundled.items()):
            tx.drop(graph)
            tx.load(path, bundled_format(path), graph)
        tx.meta["bundled"] = fingerprint
        if stat is not None:
            tx.meta["bundled_stat"] = stat


# --- files -------------------------------------------------------------------------------------


class _SharedLock:
    """A shared ``flock`` on a generation's lock file, held while the generation is open."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def take(cls, path: Path) -> _SharedLock | None:
        """None where the lock file cannot be made (a read-only data folder: no writer either)."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                return None
        fcntl.flock(fd, fcntl.LOCK_SH)
        return cls(fd)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write ``path`` (text as UTF-8) so that readers see the old file or the new one, never a
    mix."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
        durable_replace(Path(temporary), path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def durable_replace(temporary: Path, path: Path) -> None:
    """Rename the complete file ``temporary`` to ``path`` so that after a crash or a power cut
    ``path`` is the old file or the whole new one: its bytes reach the disk before the rename,
    and the rename before this returns."""
    fd = os.open(temporary, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
