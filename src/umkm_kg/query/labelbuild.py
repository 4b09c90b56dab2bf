"""Writing the label index: in full from one scan of a store, or from an older index by
applying what a write changed.

Every row says which named graph it comes from (``placed``: resource and graph), so a write's
change is applied without a scan: the resources placed in the graphs it added, removed or
replaced, and the subjects those graphs now hold, have all their labels, classes and document
read again from the new store (a resource's labels may come from several graphs). The rest of
the index is the older one's, copied.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS, SKOS

from ..namespaces import SCHEMA, UMKM
from .labeltext import document, fingerprint, segment

FORMAT = 3
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
DEFAULT_GRAPH = ""
"""The name the index gives the default graph."""

_KINDS = ",".join(str(k) for k in SEARCHED)
_SCHEMA = """
CREATE TABLE about(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE graph(gid INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE resource(
  rid INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, segment INTEGER NOT NULL,
  types TEXT NOT NULL DEFAULT '', weight INTEGER NOT NULL DEFAULT 0);
CREATE TABLE label(
  rid INTEGER NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL, kind INTEGER NOT NULL,
  folded INTEGER NOT NULL, gid INTEGER NOT NULL);
CREATE TABLE placed(rid INTEGER NOT NULL, gid INTEGER NOT NULL, PRIMARY KEY(rid, gid))
  WITHOUT ROWID;
CREATE TABLE raw(
  iri TEXT NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL, kind INTEGER NOT NULL,
  folded INTEGER NOT NULL, gid INTEGER NOT NULL);
CREATE TABLE typed(iri TEXT NOT NULL, type TEXT NOT NULL, gid INTEGER NOT NULL);
CREATE TABLE seen(iri TEXT NOT NULL, gid INTEGER NOT NULL);
CREATE VIRTUAL TABLE words USING fts5(
  text, content='', detail='full', tokenize='trigram case_sensitive 1');
"""
# The labels as read, numbered by resource in one pass of SQLite's own (in IRI order, so the
# unique index of IRIs is written in order), rather than looked up row by row.
_NUMBERED = """
INSERT INTO resource(iri, segment) SELECT DISTINCT iri, 0 FROM raw ORDER BY iri;
INSERT INTO label(rid, text, lang, kind, folded, gid)
  SELECT r.rid, raw.text, raw.lang, raw.kind, raw.folded, raw.gid
  FROM raw JOIN resource r ON r.iri = raw.iri;
DROP TABLE raw;
"""
# The resource with the shortest label first: a category "Batik" before the enterprises,
# products and claims that name it.
_WEIGHT = f"""
UPDATE resource SET weight = coalesce((SELECT MIN(length(text)) FROM label
  WHERE label.rid = resource.rid AND kind IN ({_KINDS})), 0);
"""
# Each resource's distinct classes in order, joined in one pass (not a lookup per resource).
_TYPES = """
UPDATE resource SET types = classes.types FROM (
  SELECT rid, group_concat(type, ' ') AS types FROM (
    SELECT DISTINCT r.rid AS rid, t.type AS type FROM typed t JOIN resource r ON r.iri = t.iri
    ORDER BY r.rid, t.type)
  GROUP BY rid) AS classes
WHERE classes.rid = resource.rid;
"""
_PLACED = """
INSERT OR IGNORE INTO placed SELECT rid, gid FROM label;
INSERT OR IGNORE INTO placed SELECT r.rid, t.gid FROM typed t JOIN resource r ON r.iri = t.iri;
INSERT OR IGNORE INTO placed SELECT r.rid, s.gid FROM seen s JOIN resource r ON r.iri = s.iri;
CREATE INDEX placed_gid ON placed(gid);
DROP TABLE typed;
DROP TABLE seen;
"""
_NAMES = """
UPDATE resource SET segment = segment(iri);
CREATE INDEX label_folded ON label(folded);
CREATE INDEX resource_segment ON resource(segment);
"""


@dataclass(frozen=True)
class BuildFacts:
    """What building an index took and holds."""

    seconds: float
    resources: int
    labels: int
    size_bytes: int
    phases: tuple[tuple[str, float], ...] = ()
    """Seconds each step took: reading labels, classes, words, names, and writing the file."""


@dataclass(frozen=True)
class UpdateFacts:
    """What applying a write's change to a copied index took."""

    seconds: float
    graphs: int
    """Named graphs the change added, removed or replaced."""
    resources: int
    """Resources whose labels were read again."""


def build(store: ox.Store, path: str, *, version: str = "") -> BuildFacts:
    """Write the index of ``store`` (the union of its graphs) into the new file ``path``."""
    started = time.perf_counter()
    db = sqlite3.connect(path)
    try:
        phases = fill(db, store, version=version)
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


def fill(db: sqlite3.Connection, store: ox.Store, *, version: str = "") -> list[tuple[str, float]]:
    """Create the index's tables in the empty database ``db`` and fill them from ``store``;
    the seconds each step took."""
    db.execute("PRAGMA journal_mode = OFF")  # a temporary file: renamed only once complete
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -65536")  # KiB: bounds the memory the build takes
    db.executescript(_SCHEMA)
    db.executemany(
        "INSERT INTO about VALUES (?, ?)",
        [("format", str(FORMAT)), ("generation", version), ("source", "")],
    )
    graphs = _Graphs(db)
    phases: list[tuple[str, float]] = []
    mark = time.perf_counter()

    def done(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases.append((name, now - mark))
        mark = now

    for prop, kind in LABELS:
        quads = store.quads_for_pattern(None, ox.NamedNode(prop), None, None)
        _insert(db, graphs, ((q.subject, q.object, kind, q.graph_name) for q in quads))
    _insert(db, graphs, _as_written(db, graphs, store))
    db.executescript(_NUMBERED)
    done("labels")
    _add_types(db, graphs, store)
    done("classes")
    db.execute("CREATE INDEX label_rid ON label(rid)")
    _add_documents(db)
    db.executescript(_WEIGHT)
    done("words")
    db.executescript(_PLACED)
    done("graphs")
    db.create_function("segment", 1, segment, deterministic=True)
    db.executescript(_NAMES)
    done("names")
    return phases


class _Graphs:
    """The index's numbers for graph names, made as graphs are met."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.known: dict[str, int] = {iri: gid for gid, iri in db.execute("SELECT * FROM graph")}

    def gid(self, graph: object) -> int:
        iri = graph.value if isinstance(graph, ox.NamedNode) else DEFAULT_GRAPH
        found = self.known.get(iri)
        if found is None:
            found = self.db.execute("INSERT INTO graph(iri) VALUES (?)", (iri,)).lastrowid
            assert found is not None
            self.known[iri] = found
        return found

    def existing(self, iris: Iterable[str]) -> list[int]:
        return [self.known[iri] for iri in iris if iri in self.known]


def _as_written(
    db: sqlite3.Connection, graphs: _Graphs, store: ox.Store
) -> Iterator[tuple[object, object, int, object]]:
    destination, written = (ox.NamedNode(p) for p in AS_WRITTEN)
    seen: list[tuple[str, int]] = []
    for quad in store.quads_for_pattern(None, written, None, None):
        for target in store.quads_for_pattern(quad.subject, destination, None, None):
            yield target.object, quad.object, CODE, quad.graph_name
            if isinstance(target.object, ox.NamedNode):
                seen.append((target.object.value, graphs.gid(target.graph_name)))
        if len(seen) >= BATCH:
            db.executemany("INSERT INTO seen VALUES (?, ?)", seen)
            seen = []
    db.executemany("INSERT INTO seen VALUES (?, ?)", seen)


def _insert(
    db: sqlite3.Connection, graphs: _Graphs, rows: Iterable[tuple[object, object, int, object]]
) -> None:
    batch: list[tuple[str, str, str, int, int, int]] = []
    for subject, value, kind, graph in rows:
        if not isinstance(subject, ox.NamedNode) or not isinstance(value, ox.Literal):
            continue
        label = value.value
        lang = value.language or ""
        batch.append((subject.value, label, lang, kind, fingerprint(label), graphs.gid(graph)))
        if len(batch) >= BATCH:
            _write(db, batch)
            batch = []
    _write(db, batch)


def _write(db: sqlite3.Connection, batch: list[tuple[str, str, str, int, int, int]]) -> None:
    db.executemany("INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)", batch)


def _add_types(db: sqlite3.Connection, graphs: _Graphs, store: ox.Store) -> None:
    # One scan of rdf:type, joined in SQLite (not a lookup in the store per resource).
    kind = ox.NamedNode(str(RDF.type))
    batch: list[tuple[str, str, int]] = []
    for quad in store.quads_for_pattern(None, kind, None, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            batch.append((quad.subject.value, quad.object.value, graphs.gid(quad.graph_name)))
            if len(batch) >= BATCH:
                db.executemany("INSERT INTO typed VALUES (?, ?, ?)", batch)
                batch = []
    db.executemany("INSERT INTO typed VALUES (?, ?, ?)", batch)
    db.executescript(_TYPES)


def _add_documents(db: sqlite3.Connection) -> None:
    """One document of words per resource (all its labels): a search neither joins nor
    groups."""
    rows = db.execute(f"SELECT rid, text FROM label WHERE kind IN ({_KINDS}) ORDER BY rid")
    batch: list[tuple[int, str]] = []
    rid: int | None = None
    texts: list[str] = []
    for found, text in rows:
        if found != rid:
            if rid is not None:
                batch.append((rid, document(texts)))
            rid, texts = found, []
        texts.append(text)
        if len(batch) >= BATCH:
            db.executemany("INSERT INTO words(rowid, text) VALUES (?, ?)", batch)
            batch = []
    if rid is not None:
        batch.append((rid, document(texts)))
    db.executemany("INSERT INTO words(rowid, text) VALUES (?, ?)", batch)
    db.execute("INSERT INTO words(words) VALUES('optimize')")


# --- applying a change -------------------------------------------------------------------------


def update(
    db: sqlite3.Connection,
    store: ox.Store,
    changed: Iterable[str],
    *,
    version: str = "",
    most: float = 1.0,
) -> UpdateFacts | None:
    """Make the index in ``db`` (a copy of an older generation's) that of ``store``, where
    only the named graphs ``changed`` differ (added, removed or replaced); or nothing, and
    None, where they hold more than the share ``most`` of the index's resources (a build
    from scratch is then as quick)."""
    started = time.perf_counter()
    changed = sorted(set(changed))
    graphs = _Graphs(db)
    db.create_function("segment", 1, segment, deterministic=True)
    touched: set[str] = set()
    gids = graphs.existing(changed)
    for start in range(0, len(gids), 500):
        part = gids[start : start + 500]
        touched.update(
            iri
            for (iri,) in db.execute(
                f"""SELECT DISTINCT r.iri FROM placed p JOIN resource r ON r.rid = p.rid
                    WHERE p.gid IN ({",".join("?" * len(part))})""",
                part,
            )
        )
    for graph in changed:
        touched.update(_subjects(store, ox.NamedNode(graph)))
    if len(touched) > most * db.execute("SELECT COUNT(*) FROM resource").fetchone()[0]:
        return None
    for iri in sorted(touched):
        _refresh(db, graphs, store, iri)
    # What it was made from: a built index has no source.
    db.execute(
        "INSERT OR REPLACE INTO about SELECT 'source', value FROM about WHERE key = 'generation'"
    )
    db.execute("UPDATE about SET value = ? WHERE key = 'generation'", (version,))
    return UpdateFacts(time.perf_counter() - started, len(changed), len(touched))


def _subjects(store: ox.Store, graph: ox.NamedNode) -> set[str]:
    """The resources ``graph`` gives a label, a class or an as-written name."""
    found: set[str] = set()
    for prop in [p for p, _ in LABELS] + [str(RDF.type)]:
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, graph):
            if isinstance(quad.subject, ox.NamedNode):
                found.add(quad.subject.value)
    destination, written = (ox.NamedNode(p) for p in AS_WRITTEN)
    for quad in store.quads_for_pattern(None, destination, None, graph):
        if isinstance(quad.object, ox.NamedNode):
            found.add(quad.object.value)
    for quad in store.quads_for_pattern(None, written, None, graph):
        for target in store.quads_for_pattern(quad.subject, destination, None, None):
            if isinstance(target.object, ox.NamedNode):
                found.add(target.object.value)
    return found


def _refresh(db: sqlite3.Connection, graphs: _Graphs, store: ox.Store, iri: str) -> None:
    """Read the labels, classes and document of ``iri`` again from ``store``."""
    known = db.execute("SELECT rid FROM resource WHERE iri = ?", (iri,)).fetchone()
    rid: int | None = known[0] if known else None
    if rid is not None:
        old = [t for (t,) in db.execute(_SEARCHED_TEXTS, (rid,))]
        if old:  # a contentless table forgets a row given the text it was made of
            db.execute(
                "INSERT INTO words(words, rowid, text) VALUES('delete', ?, ?)",
                (rid, document(old)),
            )
        db.execute("DELETE FROM label WHERE rid = ?", (rid,))
        db.execute("DELETE FROM placed WHERE rid = ?", (rid,))
    rows, places, types = _read(graphs, store, ox.NamedNode(iri))
    if not rows:
        if rid is not None:
            db.execute("DELETE FROM resource WHERE rid = ?", (rid,))
        return
    if rid is None:
        rid = db.execute(
            "INSERT INTO resource(iri, segment) VALUES (?, segment(?))", (iri, iri)
        ).lastrowid
    db.executemany(
        "INSERT INTO label(rid, text, lang, kind, folded, gid) VALUES (?, ?, ?, ?, ?, ?)",
        [(rid, *row) for row in rows],
    )
    db.executemany("INSERT INTO placed VALUES (?, ?)", [(rid, gid) for gid in sorted(places)])
    searched = [row[0] for row in rows if row[2] in SEARCHED]
    db.execute(
        "UPDATE resource SET types = ?, weight = ? WHERE rid = ?",
        (" ".join(sorted(types)), min((len(t) for t in searched), default=0), rid),
    )
    if searched:
        db.execute("INSERT INTO words(rowid, text) VALUES (?, ?)", (rid, document(searched)))


_SEARCHED_TEXTS = f"SELECT text FROM label WHERE rid = ? AND kind IN ({_KINDS})"


def _read(
    graphs: _Graphs, store: ox.Store, node: ox.NamedNode
) -> tuple[list[tuple[str, str, int, int, int]], set[int], set[str]]:
    """The label rows (text, language, kind, fingerprint, graph), the graphs and the classes of
    ``node`` in ``store``, as :func:`fill` finds them."""
    rows: list[tuple[str, str, int, int, int]] = []
    places: set[int] = set()

    def add(value: object, kind: int, graph: object) -> None:
        if isinstance(value, ox.Literal):
            gid = graphs.gid(graph)
            text = value.value
            rows.append((text, value.language or "", kind, fingerprint(text), gid))
            places.add(gid)

    for prop, kind in LABELS:
        for quad in store.quads_for_pattern(node, ox.NamedNode(prop), None, None):
            add(quad.object, kind, quad.graph_name)
    destination, written = (ox.NamedNode(p) for p in AS_WRITTEN)
    for target in store.quads_for_pattern(None, destination, node, None):
        claimed = False
        for quad in store.quads_for_pattern(target.subject, written, None, None):
            add(quad.object, CODE, quad.graph_name)
            claimed = True
        if claimed:
            places.add(graphs.gid(target.graph_name))
    types: set[str] = set()
    for quad in store.quads_for_pattern(node, ox.NamedNode(str(RDF.type)), None, None):
        if isinstance(quad.object, ox.NamedNode):
            types.add(quad.object.value)
            places.add(graphs.gid(quad.graph_name))
    return rows, places, types


def contents(db: sqlite3.Connection) -> dict[str, object]:
    """What the index holds, independent of its row numbers: for comparing two indexes."""
    resources = sorted(db.execute("SELECT iri, segment, types, weight FROM resource"))
    labels = sorted(
        db.execute(
            """SELECT r.iri, l.text, l.lang, l.kind, l.folded, g.iri FROM label l
               JOIN resource r ON r.rid = l.rid JOIN graph g ON g.gid = l.gid"""
        )
    )
    placed = sorted(
        db.execute(
            """SELECT r.iri, g.iri FROM placed p JOIN resource r ON r.rid = p.rid
               JOIN graph g ON g.gid = p.gid"""
        )
    )
    return {"resources": resources, "labels": labels, "placed": placed}
