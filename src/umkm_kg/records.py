"""The records store: enterprise records added by staff, kept apart from the article's data.

One TriG file, ``records.trig`` in the data directory, holds one named graph per added batch
(``graph/records/<time>-<id>``) with its provenance inside it. Every write takes a file lock,
keeps the previous version as ``records.trig.bak``, and replaces the file atomically (temporary
file, fsync, rename, directory fsync): a reader, or a writer killed half-way, sees the old
file or the new one, never a mix. The output is deterministic: graphs sorted by name, one
triple per line, lines sorted.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from filelock import FileLock, Timeout
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from . import resources
from .errors import BadInput, DuplicateRecord, StoreError
from .namespaces import GENID, PREFIXES, RECORDS_GRAPH_PREFIX
from .results import term_to_oxigraph
from .store import EmbeddedStore

RECORDS_FILE = "records.trig"
BACKUP_FILE = RECORDS_FILE + ".bak"
LOCK_FILE = RECORDS_FILE + ".lock"
LOCK_TIMEOUT = 60.0
"""Seconds an ``add`` waits for another writer before giving up."""

PAUSE_ENV = "UMKM_KG_TEST_PAUSE_BEFORE_RENAME"
"""Test hook: seconds to sleep after the new file is written and before it replaces the old one
(lets the tests kill a writer at the worst moment)."""

"""Blank nodes of added records are skolemised under this prefix (RDF 1.1, section 3.5)."""

_HEADER = "# umkm-kg records store: one named graph per added batch. Written by umkm-kg.\n"
_GRAPH_LINE = re.compile(r"^GRAPH <([^>]+)> \{$")


@dataclass(frozen=True)
class BatchInfo:
    """One added batch: its graph name, when, from which file, against which shapes."""

    iri: str
    generated_at: str | None
    source: str | None
    shapes_version: str | None
    triples: int


class RecordsStore:
    """The TriG file of added records in ``data_dir``.

    :raises StoreError: ``data_dir`` is inside the installed package or the source tree.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).expanduser()
        check_data_dir(self.data_dir)
        self.path = self.data_dir / RECORDS_FILE
        self.backup_path = self.data_dir / BACKUP_FILE
        self.lock_path = self.data_dir / LOCK_FILE

    # --- reading -----------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.is_file()

    def read_text(self) -> str:
        """The store's current text ('' when nothing was added yet)."""
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"cannot read the records store {self.path}: {exc}") from exc

    def load_into(self, store: EmbeddedStore) -> None:
        """Add every batch to ``store``, each in its own named graph.

        :raises StoreError: the file is not valid TriG (it was edited by hand?).
        """
        text = self.read_text()
        if not text:
            return
        try:
            store.oxigraph.load(text.encode("utf-8"), ox.RdfFormat.TRIG)
        except SyntaxError as exc:
            raise StoreError(
                f"the records store {self.path} is damaged: {exc}",
                hint=f"restore the previous version from {self.backup_path}",
            ) from exc

    def dataset(self) -> ox.Store:
        """The added records in a fresh in-memory store."""
        store = EmbeddedStore()
        self.load_into(store)
        return store.oxigraph

    def batches(self) -> list[BatchInfo]:
        """The added batches, oldest first."""
        store = self.dataset()
        found = []
        for graph in sorted(store.named_graphs(), key=lambda g: str(g)):
            if not isinstance(graph, ox.NamedNode):
                continue
            values: dict[str, str] = {}
            for quad in store.quads_for_pattern(graph, None, None, graph):
                if not isinstance(quad.object, ox.Triple):
                    values[quad.predicate.value] = quad.object.value
            count = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
            found.append(
                BatchInfo(
                    iri=graph.value,
                    generated_at=values.get(str(PROV.generatedAtTime)),
                    source=values.get(str(DCTERMS.source)),
                    shapes_version=values.get(str(DCTERMS.conformsTo)),
                    triples=count,
                )
            )
        return found

    # --- writing -----------------------------------------------------------------------------

    def add(
        self,
        graph: Graph,
        source_name: str | Sequence[str],
        shapes_version: str | None,
        *,
        reference: ox.Store | None = None,
    ) -> str:
        """Append ``graph`` as one new named graph; return the graph's IRI.

        ``source_name`` names the file (or files) the records were read from.

        Duplicates are looked for, under the lock, in ``reference`` (the article's data), in the
        records already stored and within ``graph`` itself.

        :raises DuplicateRecord: an enterprise of ``graph`` is already known (nothing written).
        :raises StoreError: the lock is held too long, or the file cannot be written.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        batch = URIRef(f"{RECORDS_GRAPH_PREFIX}{now:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:8]}")
        try:
            with FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT):
                self._remove_leftovers()
                old = self.read_text()
                existing = self.dataset()
                problems = find_duplicates(graph, [s for s in (reference, existing) if s])
                if problems:
                    raise DuplicateRecord(
                        "; ".join(problems),
                        hint="change the identifier or name, or leave the record out",
                    )
                fresh = without_known_triples(graph, [s for s in (reference, existing) if s])
                block = _graph_block(
                    batch, _with_provenance(fresh, batch, now, source_name, shapes_version)
                )
                new = _merge(old, block)
                _check_trig(new)
                if old:
                    _atomic_write(self.backup_path, old)
                _atomic_write(self.path, new)
        except Timeout as exc:
            raise StoreError(
                f"another process has held the records store lock for {LOCK_TIMEOUT:g} s",
                hint=f"try again; if no other umkm-kg runs, delete {self.lock_path}",
            ) from exc
        except OSError as exc:
            raise StoreError(f"cannot write the records store {self.path}: {exc}") from exc
        return str(batch)

    def _remove_leftovers(self) -> None:
        # Temporary files of a writer that was killed; only called with the lock held.
        for leftover in self.data_dir.glob(".records.trig*.tmp"):
            leftover.unlink(missing_ok=True)


def check_data_dir(data_dir: Path) -> None:
    """Refuse a data directory inside the installed package or the source tree.

    :raises StoreError: naming the folder and what to use instead.
    """
    target = data_dir.expanduser().resolve()
    package = Path(__file__).resolve().parent
    forbidden = [package]
    if not (package / "_bundled").is_dir():  # a source checkout: its root holds pyproject.toml
        root = resources.ROOT.resolve()
        if (root / "pyproject.toml").is_file():
            forbidden.append(root)
    for place in forbidden:
        if target == place or target.is_relative_to(place):
            raise StoreError(
                f"refusing to keep records in {data_dir}: it is inside "
                f"{'the installed package' if place == package else 'the source tree'} ({place})",
                hint="choose a folder elsewhere with --data-dir or UMKM_KG_DATA",
            )


# --- duplicates --------------------------------------------------------------------------------

_ENTERPRISE = "https://w3id.org/umkm-kg/ontology#Enterprise"
IDENTIFIER_PREDICATES: tuple[str, ...] = ("https://schema.org/identifier",)
"""Properties whose value identifies an enterprise (the NIB, Nomor Induk Berusaha)."""
NAME_PREDICATE = "https://schema.org/name"
PLACE_PREDICATE = "https://schema.org/location"


@dataclass(frozen=True)
class _Keys:
    enterprises: set[str]
    identifiers: dict[str, str]
    names: dict[tuple[str, tuple[str, ...]], str]


def _normal(name: str) -> str:
    return " ".join(name.casefold().split())


def enterprise_keys(store: ox.Store) -> _Keys:
    """IRI, identifier and (name, places) of every enterprise in ``store`` (all graphs)."""
    enterprises = {
        q.subject.value
        for q in store.quads_for_pattern(
            None, ox.NamedNode(str(RDF.type)), ox.NamedNode(_ENTERPRISE)
        )
        if isinstance(q.subject, ox.NamedNode)
    }
    identifiers: dict[str, str] = {}
    names: dict[tuple[str, tuple[str, ...]], str] = {}
    values = " ".join(f"<{p}>" for p in IDENTIFIER_PREDICATES)
    rows = store.query(
        f"""SELECT ?e ?id WHERE {{ ?e a <{_ENTERPRISE}> . VALUES ?p {{ {values} }} ?e ?p ?id }}""",
        use_default_graph_as_union=True,
    )
    for row in rows:  # type: ignore[union-attr]
        identifiers.setdefault(str(row["id"].value).strip(), row["e"].value)
    rows = store.query(
        f"""SELECT ?e ?name (GROUP_CONCAT(STR(?place); separator=" ") AS ?places) WHERE {{
              ?e a <{_ENTERPRISE}> ; <{NAME_PREDICATE}> ?name .
              OPTIONAL {{ ?e <{PLACE_PREDICATE}> ?place }}
            }} GROUP BY ?e ?name""",
        use_default_graph_as_union=True,
    )
    for row in rows:  # type: ignore[union-attr]
        places = tuple(sorted(str(row["places"].value).split())) if row["places"] else ()
        names.setdefault((_normal(row["name"].value), places), row["e"].value)
    return _Keys(enterprises, identifiers, names)


def without_known_triples(graph: Graph, known: Iterable[ox.Store]) -> Graph:
    """``graph`` less the triples ``known`` already asserts, in any of its graphs.

    Queries see the union of the named graphs, and Oxigraph's union keeps one copy of a triple
    per graph: a record restating, say, a country's label would otherwise turn up twice in
    answers on the embedded store and once on a remote store loaded with the merge.
    Triples with blank nodes are kept (they are skolemised per batch, so never shared).
    """
    stores = list(known)
    kept = Graph(bind_namespaces="none")
    for triple in graph:
        if not any(isinstance(t, BNode) for t in triple):
            s, p, o = (term_to_oxigraph(t) for t in triple)  # type: ignore[arg-type]
            assert isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode)
            if any(next(store.quads_for_pattern(s, p, o, None), None) for store in stores):
                continue
        kept.add(triple)
    return kept


def find_duplicates(graph: Graph, known: Iterable[ox.Store]) -> list[str]:
    """Messages for each enterprise of ``graph`` that repeats one in ``known`` or in ``graph``.

    Two enterprises are the same when they share an identifier, or have the same name
    (ignoring case and spacing) and the same places (``schema:location``; none counts as a
    place set too).
    """
    ids, names = _graph_keys(graph)
    problems: list[str] = []
    for store in known:
        keys = enterprise_keys(store)
        for subject in graph.subjects(RDF.type, URIRef(_ENTERPRISE)):
            if str(subject) in keys.enterprises:
                problems.append(f"the enterprise <{subject}> already exists")
        repeated = {str(s) for s in graph.subjects(RDF.type, URIRef(_ENTERPRISE))}
        repeated &= keys.enterprises
        for value, found in sorted(ids.items()):
            other = keys.identifiers.get(value)
            for enterprise in sorted(found - repeated):
                if other is not None:
                    problems.append(
                        f"<{enterprise}> has identifier {value!r}, already used by <{other}>"
                    )
        for (name, places), found in sorted(names.items()):
            other = keys.names.get((name, places))
            for enterprise in sorted(found - repeated):
                if other is not None:
                    where = f" in {', '.join(f'<{p}>' for p in places)}" if places else ""
                    problems.append(
                        f"<{enterprise}> ({name!r}{where}) repeats the enterprise <{other}>"
                    )
    for value, found in sorted(ids.items()):
        if len(found) > 1:
            listed = ", ".join(f"<{e}>" for e in sorted(found))
            problems.append(f"identifier {value!r} is given to several records: {listed}")
    for (name, _), found in sorted(names.items()):
        if len(found) > 1:
            listed = ", ".join(f"<{e}>" for e in sorted(found))
            problems.append(f"several records have the name {name!r} and the same place: {listed}")
    return sorted(set(problems))


def _graph_keys(
    graph: Graph,
) -> tuple[dict[str, set[str]], dict[tuple[str, tuple[str, ...]], set[str]]]:
    by_id: dict[str, set[str]] = {}
    by_name: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for enterprise in graph.subjects(RDF.type, URIRef(_ENTERPRISE)):
        for predicate in IDENTIFIER_PREDICATES:
            for value in graph.objects(enterprise, URIRef(predicate)):
                by_id.setdefault(str(value).strip(), set()).add(str(enterprise))
        places = tuple(sorted(str(p) for p in graph.objects(enterprise, URIRef(PLACE_PREDICATE))))
        for name in graph.objects(enterprise, URIRef(NAME_PREDICATE)):
            by_name.setdefault((_normal(str(name)), places), set()).add(str(enterprise))
    return by_id, by_name


# --- the file format ---------------------------------------------------------------------------


def _with_provenance(
    graph: Graph,
    batch: URIRef,
    now: datetime,
    source_name: str | Sequence[str],
    shapes_version: str | None,
) -> Graph:
    out = skolemise(graph, str(batch).rsplit("/", 1)[-1])
    out.add((batch, RDF.type, PROV.Bundle))
    stamp = now.isoformat(timespec="seconds").replace("+00:00", "Z")
    out.add((batch, PROV.generatedAtTime, Literal(stamp, datatype=XSD.dateTime, normalize=False)))
    for name in [source_name] if isinstance(source_name, str) else source_name:
        out.add((batch, DCTERMS.source, Literal(Path(name).name or name)))
    if shapes_version:
        out.add((batch, DCTERMS.conformsTo, Literal(shapes_version)))
    return out


def skolemise(graph: Graph, scope: str) -> Graph:
    """Replace blank nodes by IRIs under :data:`GENID` (labels numbered in sorted order)."""
    labels: dict[BNode, URIRef] = {}

    def fix(term: object) -> object:
        if isinstance(term, BNode):
            if term not in labels:
                labels[term] = URIRef(f"{GENID}{scope}/b{len(labels)}")
            return labels[term]
        return term

    out = Graph(bind_namespaces="none")
    for s, p, o in sorted(graph, key=lambda t: tuple(str(x) for x in t)):
        out.add((fix(s), p, fix(o)))  # type: ignore[arg-type]
    return out


_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?$")
_NAMESPACES = sorted(((iri, p) for p, iri in PREFIXES.items()), key=lambda x: -len(x[0]))


def _iri(iri: str) -> str:
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _term(term: object) -> str:
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Literal):
        body = f'"{_escape(str(term))}"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{body}^^{_iri(str(term.datatype))}"
        return body
    raise TypeError(f"records are skolemised before writing, not {term!r}")


def _lines(graph: Graph) -> Iterator[str]:
    rows = []
    for subject, predicate, obj in graph:
        verb = "a" if predicate == RDF.type else _term(predicate)
        rows.append((_term(subject), verb != "a", verb, _term(obj)))
    for s, _, p, o in sorted(set(rows)):
        yield f"{s} {p} {o} ."


def _graph_block(name: URIRef, graph: Graph) -> str:
    # One triple per line (literals escape their newlines), so a block ends at the first
    # line that is exactly "}" and blocks can be merged without parsing them.
    body = "".join(line + "\n" for line in _lines(graph))
    return f"GRAPH <{name}> {{\n{body}}}\n"


def _blocks(text: str) -> dict[str, str]:
    blocks: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        match = _GRAPH_LINE.match(line.rstrip("\n"))
        if current is None and match:
            current, lines = match.group(1), [line]
        elif current is not None:
            lines.append(line)
            if line.rstrip("\n") == "}":
                blocks[current] = "".join(lines)
                current = None
    return blocks


def _merge(old: str, block: str) -> str:
    blocks = _blocks(old)
    name = _GRAPH_LINE.match(block.split("\n", 1)[0])
    assert name is not None
    blocks[name.group(1)] = block
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    return _HEADER + prefixes + "".join("\n" + blocks[key] for key in sorted(blocks))


def _check_trig(text: str) -> None:
    try:
        ox.Store().load(text.encode("utf-8"), ox.RdfFormat.TRIG)
    except SyntaxError as exc:  # a bug of ours: never write it
        raise BadInput(f"refusing to write records that do not parse back: {exc}") from exc


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a mix."""
    directory = path.parent
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        pause = os.environ.get(PAUSE_ENV)
        if pause and path.name == RECORDS_FILE:
            time.sleep(float(pause))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # some platforms cannot open a directory; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
