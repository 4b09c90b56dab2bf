"""The records store: enterprise records added by staff, kept apart from the article's data.

Records live in the persistent store of the data directory (:class:`~umkm_kg.store.DiskStore`,
``DATA/store``), beside the bundled ontology and article: one named graph per added batch
(``graph/records/<time>-<id>``) with its provenance inside it. Every add is one transaction:
validated and checked for duplicates against the store as it is under the write lock, then
published as a new generation of the store, or not at all. A reader, or a writer killed
half-way, sees the old state or the new one, never a mix; the last generations stay as backups.

The human-reviewable form is a sorted TriG text (:meth:`RecordsStore.trig`): graphs sorted by
name, one triple per line, lines sorted. A ``records.trig`` left by an earlier version is
imported into the store once, then kept as ``records.trig.imported``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from . import resources
from .errors import DuplicateRecord, StoreError
from .namespaces import ARTICLE_GRAPH, GENID, ONTOLOGY_GRAPH, PREFIXES, RECORDS_GRAPH_PREFIX
from .results import term_from_oxigraph, term_to_oxigraph
from .store import DiskStore
from .store.disk import PAUSE_ENV, write_transaction

__all__ = ["PAUSE_ENV", "BatchInfo", "RecordsStore", "bundled_graphs", "check_data_dir"]

STORE_FOLDER = "store"
LEGACY_FILE = "records.trig"
"""The records file of earlier versions, imported into the store on first use."""
LEGACY_BACKUP = LEGACY_FILE + ".bak"
IMPORTED_SUFFIX = ".imported"

_HEADER = "# umkm-kg records: one named graph per added batch. Written by umkm-kg.\n"


def bundled_graphs() -> dict[str, Path]:
    """The graphs every store holds, from the files shipped with the package."""
    return {str(ONTOLOGY_GRAPH): resources.ONTOLOGY, str(ARTICLE_GRAPH): resources.DATA}


@dataclass(frozen=True)
class BatchInfo:
    """One added batch: its graph name, when, from which file, against which shapes."""

    iri: str
    generated_at: str | None
    source: str | None
    shapes_version: str | None
    triples: int


class RecordsStore:
    """The added records of the store in ``data_dir``.

    :raises StoreError: ``data_dir`` is inside the installed package or the source tree.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).expanduser()
        check_data_dir(self.data_dir)
        self.folder = self.data_dir / STORE_FOLDER
        self.legacy_path = self.data_dir / LEGACY_FILE

    # --- reading -----------------------------------------------------------------------------

    def open(self) -> DiskStore:
        """The store, created on first use with the bundled graphs (and an earlier version's
        ``records.trig``), refreshed when the bundled files changed.

        :raises StoreError: the store cannot be created, or the old records file is damaged.
        """
        store = DiskStore.open(self.folder, bundled=bundled_graphs())
        if self.legacy_path.is_file():
            self._import_legacy()
            store.refresh()
        return store

    def dataset(self) -> ox.Store:
        """The whole store as it is now (read-only): bundled graphs and records."""
        if not (self.folder / "CURRENT").is_file():
            return ox.Store()
        return DiskStore(self.folder).oxigraph

    def batches(self) -> list[BatchInfo]:
        """The added batches, oldest first."""
        store = self.dataset()
        found = []
        for graph in sorted(store.named_graphs(), key=lambda g: str(g)):
            if not isinstance(graph, ox.NamedNode) or not graph.value.startswith(
                RECORDS_GRAPH_PREFIX
            ):
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

    def trig(self) -> str:
        """The records as sorted, deterministic TriG ('' when nothing was added yet)."""
        store = self.dataset()
        blocks = []
        for batch in self.batches():
            node = ox.NamedNode(batch.iri)
            graph = Graph(bind_namespaces="none")
            for quad in store.quads_for_pattern(None, None, None, node):
                graph.add(
                    (
                        term_from_oxigraph(quad.subject),
                        term_from_oxigraph(quad.predicate),
                        term_from_oxigraph(quad.object),
                    )
                )
            blocks.append(_graph_block(URIRef(batch.iri), graph))
        if not blocks:
            return ""
        prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
        return _HEADER + prefixes + "".join("\n" + block for block in blocks)

    # --- writing -----------------------------------------------------------------------------

    def add(
        self,
        graph: Graph,
        source_name: str | Sequence[str],
        shapes_version: str | None,
    ) -> str:
        """Add ``graph`` as one new named graph, in one transaction; return the graph's IRI.

        ``source_name`` names the file (or files) the records were read from. Duplicates are
        looked for, under the write lock, in the whole store and within ``graph`` itself.

        :raises DuplicateRecord: an enterprise of ``graph`` is already known (nothing written).
        :raises StoreError: the lock is held too long, or the store cannot be written.
        """
        store = self.open()
        now = datetime.now(UTC)
        batch = URIRef(f"{RECORDS_GRAPH_PREFIX}{now:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:8]}")
        with store.transaction(f"add {batch}") as tx:
            check_duplicates(graph, tx.store)
            fresh = without_known_triples(graph, [tx.store])
            records = _with_provenance(fresh, batch, now, source_name, shapes_version)
            tx.extend(_quads(records, str(batch)))
        store.close()
        return str(batch)

    def _import_legacy(self) -> None:
        text = self.legacy_path.read_bytes()
        try:
            quads = list(ox.parse(text, ox.RdfFormat.TRIG))
        except SyntaxError as exc:
            raise StoreError(
                f"the records file {self.legacy_path} is damaged: {exc}",
                hint=f"restore the previous version from {self.data_dir / LEGACY_BACKUP}",
            ) from exc
        outside = sorted(
            {
                str(q.graph_name)
                for q in quads
                if not (
                    isinstance(q.graph_name, ox.NamedNode)
                    and q.graph_name.value.startswith(RECORDS_GRAPH_PREFIX)
                )
            }
        )
        if outside:
            raise StoreError(
                f"the records file {self.legacy_path} has data outside the records graphs: "
                + ", ".join(outside[:3]),
                hint="move those statements into a graph under " + RECORDS_GRAPH_PREFIX,
            )
        with write_transaction(self.folder, f"import {self.legacy_path}") as tx:
            tx.extend(quads)
        self.legacy_path.rename(self.legacy_path.with_name(LEGACY_FILE + IMPORTED_SUFFIX))


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


def check_duplicates(graph: Graph, *known: ox.Store) -> None:
    """Refuse ``graph`` if an enterprise in it repeats one in ``known`` or in ``graph``.

    :raises DuplicateRecord: naming each repeated enterprise and what it repeats.
    """
    problems = find_duplicates(graph, known)
    if problems:
        raise DuplicateRecord(
            "; ".join(problems), hint="change the identifier or name, or leave the record out"
        )


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


def _quads(graph: Graph, name: str) -> Iterator[ox.Quad]:
    node = ox.NamedNode(name)
    for s, p, o in graph:
        yield ox.Quad(term_to_oxigraph(s), term_to_oxigraph(p), term_to_oxigraph(o), node)  # type: ignore[arg-type]
