"""A label index in SQLite FTS5, beside the RDF store: names found by word, not by a scan.

``search-labels`` compares every ``rdfs:label`` and ``schema:name`` with the text searched for:
a full scan, 30 s and more at 100,000 enterprises. This index is kept outside RDF (an earlier
try kept it in the store as triples: loads were 2.7 times slower and the store 43 % bigger).
It holds, for every IRI with a label:

- its labels (``rdfs:label``, ``schema:name``, ``skos:prefLabel``, ``skos:altLabel``) in an
  FTS5 table whose words are folded for case and accents (``unicode61 remove_diacritics 2``),
  one document per resource, searched by word prefix, the resource with the shortest label
  first;
- those labels, its codes (``umkm:iso3166Alpha2``) and the names a destination is written as
  (``umkm:destinationAsWritten`` of a claim, for its ``umkm:destination``) folded whole, and
  the last segment of its IRI: candidates for a parameter named in words (:meth:`names`);
- its classes (``rdf:type``), for showing what was found.

A generation of the disk store never changes, so its index is one file,
``DATA/cache/<generation>/labels-v<FORMAT>.sqlite``, built on first use from one scan of those
properties (SQLite's own bounded cache, no set of the graph in memory), written to a temporary
file and renamed into place, so a reader never sees half an index; it goes with the rest of the
generation's cache. The in-memory graph (the bundled article) gets an in-memory index.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import tempfile
import threading
import time
import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from filelock import FileLock
from rdflib.namespace import RDF, RDFS, SKOS

from ..errors import StoreError
from ..namespaces import SCHEMA, UMKM
from ..store import DiskStore, EmbeddedStore, Store

FORMAT = 2
"""Changes whenever the file's tables change: an older file is not read, but built again."""
LABEL, ALT_LABEL, CODE = 0, 1, 2
"""Kinds of indexed text: a label or name, another label (SKOS), a code or as-written name."""
LABELS: tuple[tuple[str, int], ...] = (
    (str(RDFS.label), LABEL),
    (str(SCHEMA.name), LABEL),
    (str(SKOS.prefLabel), ALT_LABEL),
    (str(SKOS.altLabel), ALT_LABEL),
    (str(UMKM.iso3166Alpha2), CODE),
)
"""The properties whose literal values are indexed for their subject, with their kind."""
AS_WRITTEN = (str(UMKM.destination), str(UMKM.destinationAsWritten))
"""A claim's destination is also known by the name the claim writes it as."""
SEARCHED = (LABEL, ALT_LABEL)
"""The kinds a word search looks in (codes and as-written names only name a value)."""
BATCH = 5_000
"""Rows written to SQLite at once while building."""
BUILD_WAIT = 600.0
"""Seconds a process waits for another one building the same index before giving up."""

_SCHEMA = """
CREATE TABLE about(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resource(
  rid INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, segment INTEGER NOT NULL,
  types TEXT NOT NULL DEFAULT '', weight INTEGER NOT NULL DEFAULT 0);
CREATE TABLE label(
  rid INTEGER NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL, kind INTEGER NOT NULL,
  folded INTEGER NOT NULL);
CREATE TABLE typed(iri TEXT NOT NULL, type TEXT NOT NULL);
CREATE VIRTUAL TABLE words USING fts5(
  text, content='', detail='none', tokenize='unicode61 remove_diacritics 2');
"""
# One document of words per resource (all its labels): a search neither joins nor groups.
_WORDS = f"""
CREATE INDEX label_rid ON label(rid);
INSERT INTO words(rowid, text)
  SELECT rid, group_concat(text, ' ') FROM label WHERE kind IN ({LABEL}, {ALT_LABEL}) GROUP BY rid;
INSERT INTO words(words) VALUES('optimize');
UPDATE resource SET weight = coalesce((SELECT MIN(length(text)) FROM label
  WHERE label.rid = resource.rid AND kind IN ({LABEL}, {ALT_LABEL})), 0);
"""
_TYPES = """
CREATE INDEX typed_iri ON typed(iri);
UPDATE resource SET types = coalesce(
  (SELECT group_concat(type, ' ') FROM (
     SELECT DISTINCT type FROM typed WHERE typed.iri = resource.iri ORDER BY type)), '');
DROP TABLE typed;
"""
_NAMES = """
UPDATE resource SET segment = segment(iri);
CREATE INDEX label_folded ON label(folded);
CREATE INDEX resource_segment ON resource(segment);
"""


def fold(text: str) -> str:
    """``text`` compared without regard to case, accents or compatibility forms, and trimmed.

    Two texts equal when lower-cased (as SPARQL's ``LCASE``) also fold alike, so folded equality
    finds every candidate that a ``LCASE`` comparison would accept, and maybe a few more.
    """
    if text.isascii():  # most labels: nothing to decompose, and casefold is lower
        return text.strip().lower()
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fingerprint(text: str) -> int:
    """A 64-bit number standing for ``fold(text)``: the index keeps these, not the texts, for
    names (a rare collision only adds a candidate, which the parameter's query then refuses)."""
    digest = hashlib.blake2b(fold(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def segment(iri: str) -> int:
    """The :func:`fingerprint` of the last segment of ``iri`` (after its last ``/`` or ``#``)."""
    return fingerprint(re.split(r"[/#]", iri)[-1])


def _words(text: str) -> list[str]:
    """The words of ``text`` as the ``unicode61`` tokenizer sees them: runs of letters, digits
    and private-use characters (the rest separates them)."""
    found, word = [], []
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if category[0] in "LN" or category == "Co":
            word.append(char)
        elif word:
            found.append("".join(word))
            word = []
    if word:
        found.append("".join(word))
    return found


def match_expression(text: str) -> str | None:
    """The FTS5 query finding labels with every word of ``text`` as a word prefix, or None
    when ``text`` has no letters or digits.

    Each word is written as an FTS5 string, so quotes, ``*``, ``NEAR(``, ``AND`` and the like
    in the text are words or separators, never FTS5 syntax.
    """
    words = _words(text)
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)


@dataclass(frozen=True)
class Match:
    """A resource found by its label: the label that matched best, and its classes."""

    resource: str
    label: str
    lang: str | None
    types: tuple[str, ...]


@dataclass(frozen=True)
class BuildFacts:
    """What building an index took and holds."""

    seconds: float
    resources: int
    labels: int
    size_bytes: int
    phases: tuple[tuple[str, float], ...] = ()
    """Seconds each step took: reading labels, classes, words, names, and writing the file."""


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
        """A page of the resources whose labels have every word of ``text`` as a word
        prefix (in any of its labels), the shortest label first, then by IRI; and how many
        there are in all.

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
            except sqlite3.OperationalError:  # a word SQLite would split further: none match
                return [], 0
            found = _described(db, rids)
        wanted = [fold(w) for w in _words(text)]
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
    """The label to show: one holding every word searched for (as word starts), in ``lang``
    where there is one, a label before an alternative one, the shortest first."""

    def holds(text: str) -> bool:
        words = [fold(w) for w in _words(text)]
        return all(any(w.startswith(x) for w in words) for x in wanted)

    ranked = sorted(
        labels,
        key=lambda tlk: (
            not holds(tlk[0]),
            lang is not None and tlk[1] not in (lang, ""),
            tlk[2],
            len(tlk[0]),
            tlk[0],
        ),
    )
    return (ranked[0][0], ranked[0][1]) if ranked else ("", "")


# --- building -----------------------------------------------------------------------------------


def build(store: ox.Store, path: Path | str) -> BuildFacts:
    """Write the index of ``store`` (the union of its graphs) into the new file ``path``."""
    started = time.perf_counter()
    db = sqlite3.connect(str(path))
    try:
        phases = _fill(db, store)
        resources = db.execute("SELECT COUNT(*) FROM resource").fetchone()[0]
        labels = db.execute("SELECT COUNT(*) FROM label").fetchone()[0]
        db.commit()
        mark = time.perf_counter()
        db.execute("VACUUM")
        phases.append(("file", time.perf_counter() - mark))
    finally:
        db.close()
    seconds = time.perf_counter() - started
    size = Path(path).stat().st_size
    return BuildFacts(seconds, int(resources), int(labels), size, tuple(phases))


def _fill(db: sqlite3.Connection, store: ox.Store) -> list[tuple[str, float]]:
    db.execute("PRAGMA journal_mode = OFF")  # a temporary file: renamed only once complete
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -65536")  # KiB: bounds the memory the build takes
    db.executescript(_SCHEMA)
    db.execute("INSERT INTO about VALUES ('format', ?)", (str(FORMAT),))
    phases: list[tuple[str, float]] = []
    mark = time.perf_counter()

    def done(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases.append((name, now - mark))
        mark = now

    for prop, kind in LABELS:
        quads = store.quads_for_pattern(None, ox.NamedNode(prop), None, None)
        _insert(db, ((q.subject, q.object, kind) for q in quads))
    _insert(db, _as_written(store))
    done("labels")
    _add_types(db, store)
    done("classes")
    db.executescript(_WORDS)
    done("words")
    db.create_function("segment", 1, segment, deterministic=True)
    db.executescript(_NAMES)
    done("names")
    return phases


def _as_written(store: ox.Store) -> Iterator[tuple[object, object, int]]:
    destination, written = (ox.NamedNode(p) for p in AS_WRITTEN)
    for quad in store.quads_for_pattern(None, written, None, None):
        for target in store.quads_for_pattern(quad.subject, destination, None, None):
            yield target.object, quad.object, CODE


def _insert(db: sqlite3.Connection, rows: Iterable[tuple[object, object, int]]) -> None:
    batch: list[tuple[str, str, str, int, int]] = []
    for subject, value, kind in rows:
        if not isinstance(subject, ox.NamedNode) or not isinstance(value, ox.Literal):
            continue
        label = value.value
        batch.append((subject.value, label, value.language or "", kind, fingerprint(label)))
        if len(batch) >= BATCH:
            _write(db, batch)
            batch = []
    _write(db, batch)


def _write(db: sqlite3.Connection, batch: list[tuple[str, str, str, int, int]]) -> None:
    db.executemany(  # the segment is computed once per resource, at the end
        "INSERT OR IGNORE INTO resource(iri, segment) VALUES (?, 0)", [(row[0],) for row in batch]
    )
    db.executemany(
        """INSERT INTO label(rid, text, lang, kind, folded)
           SELECT rid, ?2, ?3, ?4, ?5 FROM resource WHERE iri = ?1""",
        batch,
    )


def _add_types(db: sqlite3.Connection, store: ox.Store) -> None:
    # One scan of rdf:type, joined in SQLite (not a lookup in the store per resource).
    kind = ox.NamedNode(str(RDF.type))
    batch: list[tuple[str, str]] = []
    for quad in store.quads_for_pattern(None, kind, None, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            batch.append((quad.subject.value, quad.object.value))
            if len(batch) >= BATCH:
                db.executemany("INSERT INTO typed VALUES (?, ?)", batch)
                batch = []
    db.executemany("INSERT INTO typed VALUES (?, ?)", batch)
    db.executescript(_TYPES)


# --- the index of a store -------------------------------------------------------------------------

_MEMORY: weakref.WeakKeyDictionary[EmbeddedStore, tuple[tuple[int, int], LabelIndex]] = (
    weakref.WeakKeyDictionary()
)
_MEMORY_LOCK = threading.Lock()
_OPEN: weakref.WeakKeyDictionary[DiskStore, tuple[str, LabelIndex]] = weakref.WeakKeyDictionary()
_OPEN_LOCK = threading.Lock()


def index_of(store: Store, *, wait: bool = True) -> LabelIndex | None:
    """The label index of ``store``, built now if it has none yet; None for a remote store.

    With ``wait`` false, a disk-store generation whose index is not made yet gets it made in
    a background thread (minutes at 100,000 enterprises), and None is returned meanwhile: a
    web server searches without it rather than keep a visitor waiting.

    :raises StoreError: the index of a disk-store generation cannot be written.
    """
    if isinstance(store, DiskStore):
        if not wait and not index_path(store).is_file():
            _build_behind(store)
            return None
        return _on_disk(store)
    if isinstance(store, EmbeddedStore):
        return _in_memory(store)
    return None


def index_path(store: DiskStore, version: str | None = None) -> Path:
    """Where the index of a generation of ``store`` (by default its current one) is kept."""
    return store.cache.folder / (version or store.version) / f"labels-v{FORMAT}.sqlite"


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
            store.cache.version_folder(version)
            with FileLock(str(path) + ".lock", timeout=BUILD_WAIT):
                if not path.is_file():  # another process may have built it meanwhile
                    _build_file(oxigraph, path)
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
"""Index files being built by :func:`_build_behind` in this process."""
_BEHIND_LOCK = threading.Lock()


def _build_behind(store: DiskStore) -> None:
    """Build the current generation's index in a daemon thread, unless one already is."""
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


def _build_file(store: ox.Store, path: Path) -> None:
    """Build into a temporary file beside ``path``, then rename it into place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    os.close(handle)
    try:
        Path(temporary).unlink()
        build(store, temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _in_memory(store: EmbeddedStore) -> LabelIndex:
    oxigraph = store.oxigraph
    key = (id(oxigraph), len(oxigraph))  # the in-memory graph may be added to
    with _MEMORY_LOCK:
        known = _MEMORY.get(store)
        if known is not None and known[0] == key:
            return known[1]
        db = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(db, oxigraph)
        db.commit()
        index = LabelIndex(None, memory=db)
        _MEMORY[store] = (key, index)
        return index
