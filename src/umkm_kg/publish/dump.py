"""Dumps of the embedded store that stream through pyoxigraph, in bounded memory.

Each named graph is written by pyoxigraph (``Store.dump`` as N-Triples) into a
:class:`~umkm_kg.publish.linesort.LineSorter`, so the output is sorted (a function of the graph,
not of the store) without the registry ever being held in Python objects. The few lines that
mention a blank node are set aside and canonicalised (RDFC-1.0) on their own, with the small graphs
that are not in the store (the shapes): RDFC-1.0 names a blank node from the quads that mention
blank nodes only, so this gives the labels a canonicalisation of everything would give, and the
records (skolemised, without blank nodes) never go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from .jsonldstream import write_jsonld_lines
from .linesort import DEFAULT_RUN_BYTES, LineSorter
from .turtle import BlankNodes, TurtleWriter


@dataclass
class Source:
    """What a dump holds: named graphs of a store, plus a small dataset of other named graphs."""

    store: ox.Store
    graphs: list[str]
    extra: ox.Dataset = field(default_factory=ox.Dataset)
    run_bytes: int = DEFAULT_RUN_BYTES
    temp_dir: Path | None = None

    def sorter(self) -> LineSorter:
        return LineSorter(self.run_bytes, directory=self.temp_dir)


ProvenanceFn = Callable[[dict[str, int]], Iterable[ox.Quad]]
"""Given the triples per named graph, the quads describing the graphs (default graph)."""


class _GraphLines:
    """A binary writer for ``Store.dump``: whole lines into a sorter, blank-node lines set aside.

    With ``graph``, each line gets the graph name (N-Triples in, N-Quads out).
    """

    def __init__(self, sorter: LineSorter, graph: str, *, quads: bool) -> None:
        self._sorter = sorter
        self._node = ox.NamedNode(graph)
        self._suffix = f" <{graph}> .\n".encode() if quads else None
        self._tail = b""
        self.count = 0
        self.blank: list[ox.Quad] = []

    def write(self, chunk: bytes) -> int:
        data = self._tail + chunk if self._tail else bytes(chunk)
        cut = data.rfind(b"\n") + 1
        self._tail = data[cut:]
        whole = data[:cut]
        self.count += whole.count(b"\n")
        if b"_:" in whole:
            whole = self._set_aside(whole)
        if self._suffix is not None:
            # N-Triples escapes line breaks in literals, so " .\n" only ever ends a line.
            whole = whole.replace(b" .\n", self._suffix)
        self._sorter.add(whole)
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush (``Store.dump`` calls it)."""

    def _set_aside(self, lines: bytes) -> bytes:
        kept: list[bytes] = []
        for line in lines.split(b"\n")[:-1]:
            if b"_:" in line:
                (triple,) = ox.parse(line, format=ox.RdfFormat.N_TRIPLES)
                if isinstance(triple.subject, ox.BlankNode) or isinstance(
                    triple.object, ox.BlankNode
                ):
                    self.blank.append(
                        ox.Quad(triple.subject, triple.predicate, triple.object, self._node)
                    )
                    continue
            kept.append(line + b"\n")
        return b"".join(kept)


def _dump_graph(source: Source, graph: str, sorter: LineSorter, *, quads: bool) -> _GraphLines:
    lines = _GraphLines(sorter, graph, quads=quads)
    # pyoxigraph only calls write() and flush() on its output
    writer = cast(IO[bytes], lines)
    source.store.dump(writer, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    return lines


def _union(quads: Iterable[ox.Quad]) -> ox.Dataset:
    return ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)


def _text(dataset: ox.Dataset) -> bytes:
    return str(dataset).encode("utf-8")


def write_ntriples(source: Source, output: IO[bytes]) -> None:
    """The union of the graphs as N-Triples, lines sorted and unique."""
    with source.sorter() as sorter:
        held = list(source.extra)
        for graph in source.graphs:
            held.extend(_dump_graph(source, graph, sorter, quads=False).blank)
        canon = _union(held)
        canon.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        sorter.add(_text(canon))
        sorter.write_to(output)


def write_jsonld(source: Source, output: IO[bytes], context: dict[str, Any]) -> None:
    """The union of the graphs as JSON-LD with ``context`` inlined, one node object per line."""
    with source.sorter() as sorter:
        held = list(source.extra)
        for graph in source.graphs:
            held.extend(_dump_graph(source, graph, sorter, quads=False).blank)
        canon = _union(held)
        canon.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        sorter.add(_text(canon))
        write_jsonld_lines(sorter.lines(), output, context)


def write_nquads(source: Source, output: IO[bytes], provenance: ProvenanceFn) -> None:
    """The graphs as N-Quads with ``provenance(sizes)`` in the default graph, lines sorted."""
    with source.sorter() as sorter:
        held = list(source.extra)
        sizes = graph_sizes(source.extra)
        for graph in source.graphs:
            lines = _dump_graph(source, graph, sorter, quads=True)
            held.extend(lines.blank)
            sizes[graph] = lines.count
        held.extend(provenance(sizes))
        canon = ox.Dataset(held)
        canon.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        sorter.add(_text(canon))
        sorter.write_to(output)


def graph_sizes(dataset: ox.Dataset) -> dict[str, int]:
    """Triples per named graph of ``dataset``."""
    sizes: dict[str, int] = {}
    for q in dataset:
        if isinstance(q.graph_name, ox.NamedNode):
            sizes[q.graph_name.value] = sizes.get(q.graph_name.value, 0) + 1
    return sizes


def _line(q: ox.Quad) -> bytes:
    return f"{q.subject} {q.predicate} {q.object} .\n".encode()


def _split_blank(quads: Iterable[ox.Quad], sorter: LineSorter, blanks: BlankNodes) -> None:
    """Blank-node subjects to ``blanks``; the rest to ``sorter`` (and references counted)."""
    lines: list[bytes] = []
    for q in quads:
        subject, obj = str(q.subject), str(q.object)
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            blanks.add(subject, str(q.predicate), obj)
        if not isinstance(q.subject, ox.BlankNode):
            lines.append(_line(q))
    for pairs in blanks.descriptions.values():
        pairs.sort()
    sorter.add(b"".join(lines))


def write_turtle(source: Source, output: IO[bytes], prefixes: dict[str, str]) -> None:
    """The union of the graphs as Turtle, subjects sorted, blank nodes nested where used once."""
    with source.sorter() as sorter:
        held = list(source.extra)
        for graph in source.graphs:
            held.extend(_dump_graph(source, graph, sorter, quads=False).blank)
        canon = _union(held)
        canon.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        blanks = BlankNodes()
        _split_blank(canon, sorter, blanks)
        writer = TurtleWriter(prefixes, blanks)
        output.write(writer.header().encode("utf-8"))
        writer.write(sorter.lines(), output)


def write_trig(
    source: Source, output: IO[bytes], prefixes: dict[str, str], provenance: ProvenanceFn
) -> None:
    """TriG: the default graph (``provenance``) first, then each named graph in IRI order.

    Blank nodes must be named before the first graph is written, so they are found first by a
    query (a scan inside pyoxigraph), and each graph's size is counted by one.
    """
    held = list(source.extra)
    sizes = graph_sizes(source.extra)
    for graph in source.graphs:
        held.extend(_blank_quads(source.store, graph))
        sizes[graph] = _count(source.store, graph)
    held.extend(provenance(sizes))
    canon = ox.Dataset(held)
    canon.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    by_graph: dict[str, list[ox.Quad]] = {}
    graphs_of: dict[str, set[str]] = {}
    for q in canon:
        name = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name.value)
        by_graph.setdefault(name, []).append(q)
        for term in (q.subject, q.object):
            if isinstance(term, ox.BlankNode):
                graphs_of.setdefault(str(term), set()).add(name)
    shared = {label for label, names in graphs_of.items() if len(names) > 1}
    names = sorted(set(by_graph) | set(source.graphs))
    writer = TurtleWriter(prefixes)
    output.write(writer.header().encode("utf-8"))
    in_store = set(source.graphs)
    for index, name in enumerate(names):
        with source.sorter() as sorter:
            blanks = BlankNodes(labelled=shared)
            _split_blank(by_graph.get(name, []), sorter, blanks)
            if name in in_store:
                _dump_graph(source, name, sorter, quads=False)  # its blank-node lines are in held
            if index:
                output.write(b"\n")
            if name:
                output.write(f"<{name}> {{\n".encode())
            TurtleWriter(prefixes, blanks).write(sorter.lines(), output)
            if name:
                output.write(b"}\n")


def _blank_quads(store: ox.Store, graph: str) -> Iterator[ox.Quad]:
    node = ox.NamedNode(graph)
    answer = store.query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o "
        "FILTER(isBlank(?s) || isBlank(?o)) } }"
    )
    assert isinstance(answer, ox.QuerySolutions)
    for row in answer:
        s, p, o = row[0], row[1], row[2]
        assert isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode)
        assert o is not None and not isinstance(o, ox.Variable)
        yield ox.Quad(s, p, o, node)


def _count(store: ox.Store, graph: str) -> int:
    answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(answer, ox.QuerySolutions)
    (row,) = list(answer)
    value = row[0]
    assert isinstance(value, ox.Literal)
    return int(value.value)
