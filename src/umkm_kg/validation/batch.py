"""Reading a batch of records from files: RDF parsed strictly, CSV rows mapped to the model."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.term import IdentifiedNode, Node

from ..records.csvcolumns import CsvRow, default_title, read_rows
from ..records.csvrecords import PREDICATE_COLUMNS, MappingProblem, map_row
from ..records.rdfinput import MAX_INPUT_BYTES, RawInput, parse_rdf, read_input
from ..records.resolver import Resolver
from .report import RecordRef


@dataclass
class RecordBatch:
    """Records read from one or more inputs, with where each node of the graph came from."""

    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    records: dict[IdentifiedNode, RecordRef] = field(default_factory=dict)
    fields: dict[tuple[IdentifiedNode, URIRef], str] = field(default_factory=dict)
    """The CSV column each (node, property) of a CSV record came from."""
    titles: dict[str, dict[str, str]] = field(default_factory=dict)
    """For each CSV source: the header each column key was written with."""
    problems: list[MappingProblem] = field(default_factory=list)
    record_count: int = 0
    _graph: Graph | None = field(default=None, repr=False)

    @classmethod
    def of(cls, graph: Graph, source: str = "<graph>") -> RecordBatch:
        """A batch of the triples of ``graph``, one record per subject."""
        batch = cls(triples=list(graph), sources=[source])
        for s in set(graph.subjects()):
            if isinstance(s, IdentifiedNode):
                batch.records[s] = RecordRef(source, subject=str(s))
        batch.record_count = len(batch.records)
        return batch

    def field_name(self, node: Node | None, predicate: Node | None) -> str | None:
        """The CSV column (as its header was written) of a property of a CSV record."""
        ref = self.records.get(node) if isinstance(node, IdentifiedNode) else None
        if ref is None or ref.row is None or predicate is None:
            return None
        key = self.fields.get((node, predicate)) or PREDICATE_COLUMNS.get(str(predicate))  # type: ignore[arg-type]
        return self.column(ref.source, key) if key else None

    def column(self, source: str, key: str) -> str:
        """The header of column ``key`` in ``source``; for a column the file does not have,
        its name in the language the file's headers are written in."""
        titles = self.titles.get(source, {})
        return titles[key] if key in titles else default_title(key, titles)

    def add_csv_rows(
        self, source: str, rows: Iterable[CsvRow], titles: dict[str, str], resolver: Resolver
    ) -> None:
        """Map CSV rows of ``source`` to records of this batch, names resolved by ``resolver``."""
        self.titles[source] = titles
        for row in rows:
            mapped = map_row(row, resolver, self.triples)
            ref = RecordRef(source, row=mapped.row, subject=str(mapped.enterprise))
            for node in mapped.nodes:
                self.records.setdefault(node, ref)
            self.fields.update(mapped.fields)  # type: ignore[arg-type]
            self.problems.extend(mapped.problems)
            self.record_count += 1

    @property
    def graph(self) -> Graph:
        """The records as an rdflib graph (built on first use)."""
        if self._graph is None:
            self._graph = Graph(bind_namespaces="none")
            for triple in self.triples:
                self._graph.add(triple)  # type: ignore[arg-type]
        return self._graph


# --- reading a batch ---------------------------------------------------------------------------


def read_batch(
    paths: Sequence[str],
    kg: Any,
    *,
    fmt: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> RecordBatch:
    """Read records from files (``-`` for standard input); CSV names are resolved against ``kg``
    and against the places, categories and agencies the batch's RDF files describe (so that
    ``places.ttl registry.csv`` can name places the graph does not have yet).

    :raises BadInput: a file that cannot be read, parsed or accepted (exit code 2).
    """
    batch = RecordBatch()
    tables = []
    for path in paths:
        raw = read_input(path, fmt=fmt, max_bytes=max_bytes)
        batch.sources.append(raw.name)
        if raw.format.tabular:
            tables.append(raw)
            continue
        add_rdf(batch, raw)
    if tables:
        resolver = Resolver.from_kg(kg)
        resolver.add_triples(batch.triples)
    for raw in tables:
        table = read_rows(raw)
        batch.add_csv_rows(raw.name, table.rows, table.titles, resolver)
    batch.triples = list(dict.fromkeys(batch.triples))
    return batch


def add_rdf(batch: RecordBatch, raw: RawInput) -> None:
    """Parse an RDF input and add its triples to ``batch``, one record per named subject.

    :raises BadInput: the input cannot be parsed or accepted.
    """
    parsed = parse_rdf(raw)
    batch.triples.extend(parsed.graph)
    subjects = {s for s in parsed.graph.subjects() if isinstance(s, URIRef)}
    for subject in subjects:
        batch.records.setdefault(
            subject, RecordRef(raw.name, line=parsed.lines.get(subject), subject=str(subject))
        )
    batch.record_count += len(subjects)
    _attach_blank_nodes(parsed.graph, batch.records)


def _attach_blank_nodes(graph: Graph, records: dict[IdentifiedNode, RecordRef]) -> None:
    """Give each blank node the record of the named subject that (through other blank nodes)
    points at it; one the batch's records do not reach gets an unknown record.

    Breadth first from the records, so linear in the triples (an RDF list of 8,000 items took
    44 s when each pass attached one more node).
    """
    children: dict[IdentifiedNode, list[BNode]] = {}
    for s, _, o in graph:
        if isinstance(o, BNode) and isinstance(s, IdentifiedNode):
            children.setdefault(s, []).append(o)
    queue = deque(s for s in children if not isinstance(s, BNode) and s in records)
    while queue:
        parent = queue.popleft()
        for node in children.get(parent, ()):
            if node not in records:
                records[node] = records[parent]
                queue.append(node)
    for subject in graph.subjects():
        if isinstance(subject, BNode) and subject not in records:
            records[subject] = RecordRef("?", subject=None)
