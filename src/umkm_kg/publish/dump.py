"""Dumps of the embedded store that stream through pyoxigraph, in bounded memory.

Each named graph is written by pyoxigraph (``Store.dump`` as N-Triples) into
:class:`~umkm_kg.publish.linesort.LineSorter` s, or for TriG a
:class:`~umkm_kg.publish.linesort.GraphSorter` (one read for all the formats asked for:
:class:`Reading`), so the output is sorted (a function of the graph,
not of the store) without the registry ever being held in Python objects. The few lines that
mention a blank node are set aside and canonicalised (RDFC-1.0) on their own, with the small graphs
that are not in the store (the shapes): RDFC-1.0 names a blank node from the quads that mention
blank nodes only, so this gives the labels a canonicalisation of everything would give, and the
records (skolemised, without blank nodes) never go through it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from itertools import chain
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from .jsonldstream import write_jsonld_lines
from .linesort import DEFAULT_RUN_BYTES, GraphSorter, LineSorter
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


_BATCH = 1 << 20
"""Bytes of a graph's dump gathered before its lines go to the sorters."""

ProvenanceFn = Callable[[dict[str, int]], Iterable[ox.Quad]]
"""Given the triples per named graph, the quads describing the graphs (default graph)."""


class Lines(Enum):
    """The sorted lines a format is written from (one read of the store fills any of them)."""

    UNION = "union"
    """The union of the graphs as N-Triples: for N-Triples, Turtle, JSON-LD and RDF/XML."""
    NQUADS = "nquads"
    """N-Quads lines, the graph name last."""
    BY_GRAPH = "by-graph"
    """N-Quads lines with the graph name first, so that each graph's lines come together (TriG)."""


class _GraphLines:
    """A binary writer for ``Store.dump``: whole lines into sorters, blank-node lines set aside.

    Each chunk of N-Triples goes, in the form each one holds, to the sorter of every
    :class:`Lines` kind in ``sorters``: as it is (the union) or the graph name last (N-Quads);
    and as it is to ``by_graph`` (grouped by graph), which has started this graph.
    """

    def __init__(
        self, sorters: dict[Lines, LineSorter], by_graph: GraphSorter | None, graph: str
    ) -> None:
        self._sorters = sorters
        self._by_graph = by_graph
        self._node = ox.NamedNode(graph)
        self._suffix = f" <{graph}> .\n".encode()
        self._chunks: list[bytes] = []
        self._held = 0
        self.count = 0
        self.blank: list[ox.Quad] = []

    def write(self, chunk: bytes) -> int:
        # pyoxigraph hands over a few kB at a time: the lines are cut and sorted a MiB at a time
        self._chunks.append(chunk)
        self._held += len(chunk)
        if self._held >= _BATCH:
            self._pass_on()
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush (``Store.dump`` calls it): :meth:`finish` passes the rest on."""

    def finish(self) -> None:
        """Pass on the lines still held (the dump is over: they end with a newline)."""
        self._pass_on()

    def _pass_on(self) -> None:
        data = b"".join(self._chunks)
        cut = data.rfind(b"\n") + 1
        self._chunks = [data[cut:]] if cut < len(data) else []
        self._held = len(data) - cut
        whole = data[:cut] if self._held else data
        self.count += whole.count(b"\n")
        if b"_:" in whole:
            whole = self._set_aside(whole)
        for kind, sorter in self._sorters.items():
            if kind is Lines.UNION:
                sorter.add(whole)
            else:
                # N-Triples escapes line breaks in literals, so " .\n" only ever ends a line.
                sorter.add(whole.replace(b" .\n", self._suffix))
        if self._by_graph is not None:
            self._by_graph.add(whole)

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


def _union(quads: Iterable[ox.Quad]) -> ox.Dataset:
    return ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)


def _text(dataset: ox.Dataset) -> bytes:
    return str(dataset).encode("utf-8")


def _canonical(quads: Iterable[ox.Quad]) -> ox.Dataset:
    canon = ox.Dataset(quads)
    canon.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return canon


class Reading:
    """The graphs of a :class:`Source` read once, as the sorted lines of the kinds asked for.

    Every named graph is dumped by pyoxigraph once, its lines going to one sorter per kind.
    The lines that mention a blank node are set aside and canonicalised (RDFC-1.0) with
    ``source.extra``: as one default graph for the union, with their graph names (and
    ``provenance``, in the default graph) for the quads kinds. Use it as a context manager, so
    that the sorted runs on disk are removed.
    """

    def __init__(self, source: Source, kinds: Iterable[Lines], provenance: ProvenanceFn) -> None:
        wanted = set(kinds)
        self.sorters = {
            kind: source.sorter() for kind in sorted(wanted - {Lines.BY_GRAPH}, key=_kind_order)
        }
        self.by_graph: GraphSorter | None = None
        """The lines of each named graph, the graphs in the order of their names."""
        if Lines.BY_GRAPH in wanted:
            self.by_graph = GraphSorter(source.run_bytes, directory=source.temp_dir)
        blank: list[ox.Quad] = []
        self.sizes = graph_sizes(source.extra)
        kept: list[ox.Quad] = []  # of the extra quads, those not given to by_graph
        extra: dict[str, list[bytes]] = {}  # the others' lines, by graph
        for q in source.extra:
            if self.by_graph is None or _default_or_blank(q):
                kept.append(q)
            else:
                line = f"{q.subject} {q.predicate} {q.object} .\n".encode()
                extra.setdefault(q.graph_name.value, []).append(line)
        stored = set(source.graphs)
        try:
            # in the order of their names (as TriG writes them), so that by_graph only appends
            for graph in sorted(stored | set(extra), key=_term_key):
                if self.by_graph is not None:
                    self.by_graph.start(graph)
                    self.by_graph.add(b"".join(extra.get(graph, [])))
                if graph not in stored:
                    continue
                dumped = _GraphLines(self.sorters, self.by_graph, graph)
                # pyoxigraph only calls write() and flush() on its output
                writer = cast(IO[bytes], dumped)
                source.store.dump(writer, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
                dumped.finish()
                blank.extend(dumped.blank)
                self.sizes[graph] = dumped.count
            self.union = ox.Dataset()
            """The union's triples that mention a blank node, canonicalised (also sorted in)."""
            if Lines.UNION in self.sorters:
                self.union = _canonical(_union([*source.extra, *blank]))
                self.sorters[Lines.UNION].add(_text(self.union))
            described = list(provenance(self.sizes))
            if Lines.NQUADS in self.sorters:
                quads = _canonical([*source.extra, *blank, *described])
                self.sorters[Lines.NQUADS].add(_text(quads))
            self.held = ox.Dataset()
            """The by-graph quads not in its sorter: the default graph and blank-node quads."""
            if self.by_graph is not None:
                self.held = _canonical([*kept, *blank, *described])
        except BaseException:
            self.close()
            raise
        self.graphs = list(source.graphs)

    def lines(self, kind: Lines) -> LineSorter:
        """The sorter holding the lines of ``kind`` (which must have been asked for)."""
        return self.sorters[kind]

    def graph_lines(self, graph: str) -> Iterator[bytes]:
        """Blocks of the sorted lines of ``graph`` (by-graph lines, which must have been asked
        for), without the ones in :attr:`held`."""
        if self.by_graph is None:
            raise ValueError("the by-graph lines were not asked for")
        return self.by_graph.blocks(graph)

    def close(self) -> None:
        """Remove the sorted runs on disk."""
        for sorter in self.sorters.values():
            sorter.close()
        if self.by_graph is not None:
            self.by_graph.close()

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kind_order(kind: Lines) -> int:
    return list(Lines).index(kind)


def write_ntriples(reading: Reading, output: IO[bytes]) -> None:
    """The union of the graphs as N-Triples, lines sorted and unique."""
    reading.lines(Lines.UNION).write_to(output)


def write_jsonld(reading: Reading, output: IO[bytes], context: dict[str, Any]) -> None:
    """The union of the graphs as JSON-LD with ``context`` inlined, one node object per line."""
    write_jsonld_lines(reading.lines(Lines.UNION).blocks(), output, context)


def write_nquads(reading: Reading, output: IO[bytes]) -> None:
    """The graphs as N-Quads with their provenance in the default graph, lines sorted."""
    reading.lines(Lines.NQUADS).write_to(output)


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
    _sort_pairs(blanks)
    sorter.add(b"".join(lines))


def _sort_pairs(blanks: BlankNodes) -> None:
    for pairs in blanks.descriptions.values():
        pairs.sort()


def write_turtle(reading: Reading, output: IO[bytes], prefixes: dict[str, str]) -> None:
    """The union of the graphs as Turtle, subjects sorted, blank nodes nested where used once."""
    blanks = BlankNodes()
    for q in reading.union:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            blanks.add(str(q.subject), str(q.predicate), str(q.object))
    _sort_pairs(blanks)
    writer = TurtleWriter(prefixes, blanks)
    output.write(writer.header().encode("utf-8"))
    # the union's lines with a blank-node subject are written nested, or last, by the writer
    writer.write(reading.lines(Lines.UNION).blocks(), output)


def write_trig(reading: Reading, output: IO[bytes], prefixes: dict[str, str]) -> None:
    """TriG: the default graph (the graphs' provenance) first, then each named graph.

    The by-graph lines come graph by graph, each graph's sorted; the blank-node lines were set
    aside and counted (blank nodes must be named, and the default graph's counts known, before
    the first graph is written). The named graphs follow in the order of their
    names as N-Quads terms (``<name>``). A graph with no blank node is written by pyoxigraph's
    Turtle writer from the sorted lines; one with blank nodes (the ontology) by
    :class:`~umkm_kg.publish.turtle.TurtleWriter`, which nests them.
    """
    by_graph: dict[str, list[ox.Quad]] = {}
    graphs_of: dict[str, set[str]] = {}
    for q in reading.held:
        name = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name.value)
        by_graph.setdefault(name, []).append(q)
        for term in (q.subject, q.object):
            if isinstance(term, ox.BlankNode):
                graphs_of.setdefault(str(term), set()).add(name)
    shared = {label for label, names in graphs_of.items() if len(names) > 1}
    named = sorted((set(by_graph) | set(reading.graphs) | set(reading.sizes)) - {""}, key=_term_key)
    writer = TurtleWriter(prefixes)
    output.write(writer.header().encode("utf-8"))
    if "" in by_graph:
        _write_graph(output, [], by_graph[""], prefixes, shared)
    for index, name in enumerate(named):
        if index or "" in by_graph:
            output.write(b"\n")
        output.write(f"<{name}> {{\n".encode())
        _write_graph(output, reading.graph_lines(name), by_graph.get(name, []), prefixes, shared)
        output.write(b"}\n")


def _term_key(name: str) -> str:
    return f"<{name}> "


def _default_or_blank(q: ox.Quad) -> bool:
    return isinstance(q.graph_name, ox.DefaultGraph) or _mentions_blank(q)


def _mentions_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _write_graph(
    output: IO[bytes],
    blocks: Iterable[bytes],
    blank: list[ox.Quad],
    prefixes: dict[str, str],
    shared: set[str],
) -> None:
    """One graph: blocks of sorted N-Triples lines, and the quads that mention blank nodes."""
    if blank:
        with LineSorter() as sorter:  # the blank-node quads of a graph are few
            blanks = BlankNodes(labelled=shared)
            _split_blank(blank, sorter, blanks)
            lines = (line + b"\n" for block in blocks for line in block.split(b"\n")[:-1])
            TurtleWriter(prefixes, blanks).write(heapq.merge(lines, sorter.lines()), output)
        return
    body = _AfterPrefixes(output)
    # chain, not a generator: pyoxigraph takes each triple without a Python step per triple;
    # lenient: the lines are pyoxigraph's own N-Triples, valid already (a third less CPU)
    triples = chain.from_iterable(
        ox.parse(b, format=ox.RdfFormat.N_TRIPLES, lenient=True) for b in blocks
    )
    # pyoxigraph only calls write() and flush() on its output
    ox.serialize(triples, cast(IO[bytes], body), ox.RdfFormat.TURTLE, prefixes=prefixes)
    body.close()


class _AfterPrefixes:
    """A binary writer that drops the ``@prefix`` lines pyoxigraph starts a document with.

    The TriG file declares its prefixes once, at the top; each graph's Turtle is its body.
    """

    def __init__(self, output: IO[bytes]) -> None:
        self._output = output
        self._head = b""
        self._in_head = True

    def write(self, chunk: bytes) -> int:
        if not self._in_head:
            return self._output.write(chunk)
        self._head += bytes(chunk)
        while self._in_head and b"\n" in self._head:
            line, _, rest = self._head.partition(b"\n")
            if line.startswith(b"@prefix "):
                self._head = rest
            else:
                self._in_head = False
        if not self._in_head:
            self._output.write(self._head)
            self._head = b""
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush (pyoxigraph calls it)."""

    def close(self) -> None:
        """Write what is held back (a document of prefixes only holds nothing else)."""
        if not self._head.startswith(b"@prefix "):
            self._output.write(self._head)
        self._head = b""
