"""A label index in SQLite FTS5, beside the RDF store: names found by what they contain, not
by a scan.

``search-labels`` compares every ``rdfs:label`` and ``schema:name`` with the text searched for:
a full scan, 30 s and more at 100,000 enterprises. This index is kept outside RDF (an earlier
try kept it in the store as triples: loads were 2.7 times slower and the store 43 % bigger).
It holds, for every IRI with a label:

- its labels (``rdfs:label``, ``schema:name``, ``skos:prefLabel``, ``skos:altLabel``), folded
  for case and accents, in an FTS5 table of trigrams, one document per resource: a word of the
  text is found anywhere in a label, as the scan finds it, a word of one or two characters at
  the start of a word (:mod:`.labeltext`); the resource with the shortest label first;
- those labels, its codes (``umkm:iso3166Alpha2``) and the names a destination is written as
  (``umkm:destinationAsWritten`` of a claim, for its ``umkm:destination``) folded whole, and
  the last segment of its IRI: candidates for a parameter named in words (:meth:`names`);
- its classes (``rdf:type``), for showing what was found; and the graphs each comes from.

A generation of the disk store never changes, so its index is one file,
``DATA/cache/labels-v<FORMAT>-<generation>.sqlite``, made on first use: from the index of a
generation it descends from (or that descends from it), copied, with the labels of what the
writes between them changed read again (:func:`.labelbuild.update`; seconds at 100,000
enterprises), or else built from one scan of the store. It is written to a temporary file and
renamed into place under a file lock, so a reader never sees half an index and two processes
never make the same one at once; older generations' files are removed once a newer one is in
place. The in-memory graph (the bundled article) gets an in-memory index.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from filelock import FileLock

from ..errors import StoreError
from ..store import DiskStore, EmbeddedStore, Store
from ..store.disk import Generation, durable_replace, list_generations
from .labelbuild import FORMAT, SEARCHED, UpdateFacts, build, fill, update
from .labeltext import fingerprint, fold, holds, match_expression, query_words

__all__ = ["FORMAT", "LabelIndex", "Match", "fingerprint", "fold", "index_of", "index_path"]

BUILD_WAIT = 600.0
"""Seconds a process waits for another one making the same index before giving up."""
SQLITE = (3, 34, 0)
"""The first SQLite with FTS5's ``trigram`` tokenizer."""
REBUILD_SHARE = 0.25
"""An index is built from scratch rather than from an older one when the graphs changed
between them hold more than this share of the store's quads (a bulk load, say)."""


@dataclass(frozen=True)
class Match:
    """A resource found by its label: the label that matched best, and its classes."""

    resource: str
    label: str
    lang: str | None
    types: tuple[str, ...]


class LabelIndex:
    """One built index, open for reading: a file of a disk-store generation, or in memory.

    The file is opened at once and stays open, so it can still be read when a newer
    generation's index has replaced it (and its folder is gone).

    :raises sqlite3.Error: ``path`` cannot be opened.
    """

    def __init__(self, path: Path | None, memory: sqlite3.Connection | None = None) -> None:
        self.path = path
        if memory is None:
            assert path is not None
            # immutable: the file never changes once renamed into place (no locks, no journal).
            uri = f"file:{path}?mode=ro&immutable=1"
            memory = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._db = memory
        self._lock = threading.Lock()  # one connection, shared by a server's threads

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    def close(self) -> None:
        """Close the database (the index can no longer be searched)."""
        self._db.close()

    def search(
        self, text: str, *, limit: int, offset: int = 0, lang: str | None = None
    ) -> tuple[list[Match], int]:
        """A page of the resources whose labels hold every word of ``text`` (in any of its
        labels; a word of 3 characters or more anywhere, a shorter one as the start of a word),
        the shortest label first, then by IRI; and how many there are in all.

        ``lang`` chooses the language of the label shown (all languages are searched).
        """
        expression = match_expression(text)
        if expression is None:
            return [], 0
        with self._connection() as db:
            try:
                total = db.execute(
                    "SELECT COUNT(*) FROM words WHERE words MATCH ?", (expression,)
                ).fetchone()[0]
                # The most specific first: the shortest label (a category "Batik" before the
                # enterprises, products and claims that name it), then in IRI order.
                rids = [
                    row[0]
                    for row in db.execute(
                        """SELECT r.rid FROM words JOIN resource r ON r.rid = words.rowid
                           WHERE words MATCH ? ORDER BY r.weight, r.iri LIMIT ? OFFSET ?""",
                        (expression, limit, offset),
                    )
                ]
            except sqlite3.OperationalError:  # not a query FTS5 takes: nothing matches it
                return [], 0
            found = _described(db, rids)
        wanted = query_words(text)
        matches = []
        for rid in rids:
            iri, types, labels = found[rid]
            label, label_lang = _shown(labels, wanted, lang)
            matches.append(Match(iri, label, label_lang or None, tuple(types.split())))
        return matches, int(total)

    def names(self, text: str, *, limit: int) -> list[str]:
        """IRIs, in order, with a label, code or as-written name that folds to ``text``'s
        fold, or whose IRI's last segment does: at most ``limit`` of them."""
        if not fold(text):
            return []
        wanted = fingerprint(text)
        with self._connection() as db:
            rows = db.execute(
                """SELECT iri FROM resource WHERE segment = ?1 UNION
                   SELECT r.iri FROM label l JOIN resource r ON r.rid = l.rid WHERE l.folded = ?1
                   ORDER BY 1 LIMIT ?2""",
                (wanted, limit),
            ).fetchall()
        return [row[0] for row in rows]


def _described(
    db: sqlite3.Connection, rids: Sequence[int]
) -> dict[int, tuple[str, str, list[tuple[str, str, int]]]]:
    """The IRI, classes and searched labels (text, language, kind) of each of ``rids``."""
    if not rids:
        return {}
    marks = ",".join("?" * len(rids))
    found: dict[int, tuple[str, str, list[tuple[str, str, int]]]] = {
        rid: (iri, types, [])
        for rid, iri, types in db.execute(
            f"SELECT rid, iri, types FROM resource WHERE rid IN ({marks})", rids
        )
    }
    kinds = ",".join(str(k) for k in SEARCHED)
    for rid, text, lang, kind in db.execute(
        f"SELECT rid, text, lang, kind FROM label WHERE rid IN ({marks}) AND kind IN ({kinds})",
        rids,
    ):
        found[rid][2].append((text, lang, kind))
    return found


def _shown(
    labels: list[tuple[str, str, int]], wanted: list[str], lang: str | None
) -> tuple[str, str]:
    """The label to show: one holding every word searched for, in ``lang`` where there is
    one, a label before an alternative one, the shortest first."""
    ranked = sorted(
        labels,
        key=lambda tlk: (
            not holds(tlk[0], wanted),
            lang is not None and tlk[1] not in (lang, ""),
            tlk[2],
            len(tlk[0]),
            tlk[0],
        ),
    )
    return (ranked[0][0], ranked[0][1]) if ranked else ("", "")


# --- the index of a store -------------------------------------------------------------------------

_MEMORY: weakref.WeakKeyDictionary[EmbeddedStore, tuple[tuple[int, int], LabelIndex]] = (
    weakref.WeakKeyDictionary()
)
_MEMORY_LOCK = threading.Lock()
_OPEN: weakref.WeakKeyDictionary[DiskStore, tuple[str, LabelIndex]] = weakref.WeakKeyDictionary()
_OPEN_LOCK = threading.Lock()
_FILE = re.compile(rf"^labels-v{FORMAT}-(g\d{{8}})\.sqlite$")


def index_of(store: Store, *, wait: bool = True) -> LabelIndex | None:
    """The label index of ``store``, made now if it has none yet; None for a remote store.

    With ``wait`` false, a disk-store generation whose index is not made yet and must be
    built from scratch (minutes at 100,000 enterprises) gets it built in a background thread,
    and None is returned meanwhile: a web server searches without it rather than keep a
    visitor waiting. One that can be made from a related generation's index (seconds) is
    made at once.

    :raises StoreError: the index of a disk-store generation cannot be written, or this
        Python's SQLite is older than :data:`SQLITE`.
    """
    if isinstance(store, (DiskStore, EmbeddedStore)) and sqlite3.sqlite_version_info < SQLITE:
        raise StoreError(
            f"the label index needs SQLite {'.'.join(map(str, SQLITE))} or newer (its "
            f"trigram tokenizer); this Python has {sqlite3.sqlite_version}",
            hint="use a Python built with a newer SQLite (Debian 12's has 3.40)",
        )
    if isinstance(store, DiskStore):
        if not wait and not index_path(store).is_file():
            store.refresh()
            if not index_path(store).is_file() and _nearest(store, store.version) is None:
                _build_behind(store)
                return None
        return _on_disk(store)
    if isinstance(store, EmbeddedStore):
        return _in_memory(store)
    return None


def index_path(store: DiskStore, version: str | None = None) -> Path:
    """Where the index of a generation of ``store`` (by default its current one) is kept."""
    return store.cache.folder / f"labels-v{FORMAT}-{version or store.version}.sqlite"


def _on_disk(store: DiskStore) -> LabelIndex:
    store.refresh()
    while True:  # the generation and its store read together (a thread may move them on)
        version, oxigraph = store.version, store.oxigraph
        if store.version == version:
            break
    with _OPEN_LOCK:
        known = _OPEN.get(store)
        if known is not None and known[0] == version:
            return known[1]
    path = index_path(store, version)
    try:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(path) + ".lock", timeout=BUILD_WAIT):
                if not path.is_file():  # another process may have made it meanwhile
                    make_file(store, version, path, oxigraph)
        index = LabelIndex(path)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(
            f"cannot write the label index {path}: {exc}",
            hint="make the data folder's cache/ writable, or free some disk space",
        ) from exc
    with _OPEN_LOCK:  # an older generation's index closes once no search holds it
        _OPEN[store] = (version, index)
    return index


_BEHIND: set[Path] = set()
"""Index files being made by :func:`_build_behind` in this process."""
_BEHIND_LOCK = threading.Lock()


def _build_behind(store: DiskStore) -> None:
    """Make the current generation's index in a daemon thread, unless one already is."""
    path = index_path(store)
    with _BEHIND_LOCK:
        if path in _BEHIND:
            return
        _BEHIND.add(path)

    def run() -> None:
        try:
            _on_disk(store)
        except StoreError:
            pass  # an unwritable cache: searches keep going without the index
        finally:
            with _BEHIND_LOCK:
                _BEHIND.discard(path)

    threading.Thread(target=run, daemon=True, name="label-index").start()


def make_file(store: DiskStore, version: str, path: Path, oxigraph: ox.Store) -> UpdateFacts | None:
    """Make the index of generation ``version`` (whose store is ``oxigraph``) at ``path``:
    from a related generation's index where one is near enough, else from scratch; then
    remove the index files of older generations. The facts of an update, None for a build.

    :raises OSError, sqlite3.Error: the file cannot be written.
    """
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):  # a killed maker's (we hold the lock)
        leftover.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    facts: UpdateFacts | None = None
    try:
        Path(temporary).unlink()
        source = _nearest(store, version)
        if source is not None:
            facts = _updated(source[0], source[1], oxigraph, temporary, version)
        if facts is None:
            build(oxigraph, temporary, version=version)
        durable_replace(Path(temporary), path)  # a power cut leaves no half index in place
    finally:
        Path(temporary).unlink(missing_ok=True)
    _forget_older(path.parent, version)
    return facts


def _updated(
    source: Path, changed: set[str], oxigraph: ox.Store, temporary: str, version: str
) -> UpdateFacts | None:
    """Copy the index ``source`` to ``temporary`` and apply the change of the graphs
    ``changed``; None (and nothing written) where ``source`` cannot be read."""
    try:  # once open, the file may be removed by another process: it is still read whole
        with open(source, "rb") as reading, open(temporary, "wb") as out:
            _copy(reading.fileno(), out.fileno())
    except FileNotFoundError:
        return None
    db = sqlite3.connect(temporary)
    try:
        about = dict(db.execute("SELECT key, value FROM about").fetchall())
        if about.get("format") != str(FORMAT) or about.get("generation") != _generation(source):
            raise sqlite3.DatabaseError("not the index its name says")
        db.execute("PRAGMA journal_mode = OFF")  # a temporary file: renamed only once complete
        db.execute("PRAGMA synchronous = OFF")
        with db:
            facts = update(db, oxigraph, changed, version=version, most=REBUILD_SHARE)
    except sqlite3.DatabaseError:  # a damaged or foreign file: build from scratch instead
        facts = None
    db.close()
    if facts is None:
        Path(temporary).unlink(missing_ok=True)
    return facts


def _copy(reading: int, out: int) -> None:
    """Copy one open file into another, in the kernel where it can (a clone of the blocks on
    file systems that share them)."""
    size = os.fstat(reading).st_size
    done = 0
    try:
        while done < size:
            copied = os.copy_file_range(reading, out, size - done)
            if copied == 0:
                break
            done += copied
    except OSError:  # not offered here (another kernel, another file system): by hand
        os.lseek(reading, done, os.SEEK_SET)
        os.lseek(out, done, os.SEEK_SET)
        while chunk := os.read(reading, 1 << 20):
            view = memoryview(chunk)
            while view:
                view = view[os.write(out, view) :]


def _generation(path: Path) -> str | None:
    found = _FILE.match(path.name)
    return found.group(1) if found else None


def _nearest(store: DiskStore, version: str) -> tuple[Path, set[str]] | None:
    """The index file of a generation related to ``version`` whose graphs differ least from
    it, and the graphs that differ; None where none is near enough to be worth updating."""
    kept = {g.name: g for g in list_generations(store.folder)}
    target = kept.get(version)
    if target is None:
        return None
    best: tuple[int, Path, set[str]] | None = None
    for candidate in store.cache.folder.glob(f"labels-v{FORMAT}-g*.sqlite"):
        name = _generation(candidate)
        if name is None or name == version:
            continue
        changed = changed_between(target, name, kept)
        if changed is None:
            continue
        source = kept[name].graphs if name in kept else {}
        weight = sum(max(source.get(g, 0), target.graphs.get(g, 0)) for g in changed)
        if best is None or weight < best[0]:
            best = (weight, candidate, changed)
    quads = max(sum(target.graphs.values()), 1)
    if best is None or best[0] > REBUILD_SHARE * quads:
        return None
    return best[1], best[2]


def changed_between(
    target: Generation, source: str, kept: Mapping[str, Generation]
) -> set[str] | None:
    """The named graphs that may differ between generation ``source`` and ``target``: those
    the writes on the way from one to the other, through their latest common ancestor,
    touched (:attr:`.Generation.lineage`); None where the way is not known."""
    up = _line(target)
    if any(name == source for name, _ in up):
        down: list[tuple[str, list[str] | None]] = [(source, None)]
    elif source in kept:
        down = _line(kept[source])
    else:
        return None
    ancestors = {name for name, _ in up}
    common = next((name for name, _ in down if name in ancestors), None)
    if common is None:
        return None
    changed: set[str] = set()
    for line in (up, down):
        for name, touched in line:
            if name == common:
                break
            if touched is None:
                return None
            changed.update(touched)
    return changed


def _line(generation: Generation) -> list[tuple[str, list[str] | None]]:
    """The generation and its recorded ancestors, newest first, each with the graphs its
    write touched; the oldest one known last, with None (what made it is not recorded)."""
    lineage = generation.lineage
    line: list[tuple[str, list[str] | None]] = [(name, list(t)) for name, _, t in lineage]
    oldest = lineage[-1][1] if lineage else generation.name
    if oldest is not None:
        line.append((oldest, None))
    return line


def _forget_older(folder: Path, version: str) -> None:
    """Remove the index files of generations older than ``version`` (a search that has one
    open goes on reading it), and what killed makers left long ago."""
    number = int(version[1:])
    for candidate in folder.glob(f"labels-v{FORMAT}-g*.sqlite"):
        name = _generation(candidate)
        if name is not None and int(name[1:]) < number:
            candidate.unlink(missing_ok=True)
    for leftover in folder.glob(".labels-v*.tmp"):
        with contextlib.suppress(OSError):  # a maker writes its file all along: not this old
            if time.time() - leftover.stat().st_mtime > BUILD_WAIT:
                leftover.unlink()
    for candidate in folder.glob(f"labels-v{FORMAT}-g*.sqlite.lock"):
        name = _generation(candidate.with_suffix(""))
        if name is not None and int(name[1:]) < number - 8:  # long done with
            candidate.unlink(missing_ok=True)


def _in_memory(store: EmbeddedStore) -> LabelIndex:
    oxigraph = store.oxigraph
    key = (id(oxigraph), len(oxigraph))  # the in-memory graph may be added to
    with _MEMORY_LOCK:
        known = _MEMORY.get(store)
        if known is not None and known[0] == key:
            return known[1]
        db = sqlite3.connect(":memory:", check_same_thread=False)
        fill(db, oxigraph)
        db.commit()
        index = LabelIndex(None, memory=db)
        _MEMORY[store] = (key, index)
        return index
