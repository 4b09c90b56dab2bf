"""What a push sends: the embedded graphs as streams of N-Triples lines, in bounded memory.

Each target graph on the server gets one or more *parts*: a named graph of the embedded store
(dumped by pyoxigraph, in Rust, into a pipe) or, when the union of several graphs goes into one
target, each graph minus the triples of the graphs sent before it (a ``CONSTRUCT`` with
``FILTER NOT EXISTS``, largest graph first, so the big records batch streams unfiltered and the
small graphs are checked against it). No step holds the registry in memory: the union needs no
``DISTINCT`` table, and Python only sees blocks of bytes, parsing a line only when it holds a
blank node, which it rewrites as a skolem IRI (RDF 1.1 Concepts §3.5).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import pyoxigraph as ox

from ...errors import BadInput
from ...namespaces import GENID
from ...store import DiskStore, EmbeddedStore

BLOCK_BYTES = 4 * 1024 * 1024
"""Bytes read from the dump at a time."""

_NT = ox.RdfFormat.N_TRIPLES


@dataclass(frozen=True)
class Part:
    """Triples of one embedded graph (``None``: the default graph) that go to ``target``,
    less those of the graphs in ``minus`` (sent to the same target before)."""

    graph: str | None
    triples: int
    minus: tuple[str, ...] = ()


@dataclass
class Target:
    """One graph on the server and the parts that fill it, in order."""

    graph: str
    parts: list[Part] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(part.triples for part in self.parts)


def plan(store: EmbeddedStore, graph: str | None, keep_graphs: bool) -> list[Target]:
    """The target graphs of a push and what goes into each (graphs with no triples skipped).

    :raises BadInput: no target graph for the union, or for default-graph triples.
    """
    ox_store = store.oxigraph
    sizes = graph_sizes(store)
    default = _count(ox_store, "{ ?s ?p ?o }")
    if keep_graphs:
        targets = [Target(name, [Part(name, n)]) for name, n in sorted(sizes.items()) if n]
        if default:
            if graph is None:
                raise BadInput(
                    f"the embedded store has {default} triples outside any named graph",
                    hint="give --graph to say where they go",
                )
            targets.append(Target(graph, [Part(None, default)]))
        return targets
    if graph is None:
        raise BadInput("give the target graph IRI with --graph (or use --keep-graphs)")
    target = Target(graph)
    earlier: list[str] = []
    for name, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        if not size:
            continue
        minus = tuple(earlier)
        count = _count(ox_store, _pattern(name, minus)) if minus else size
        if count:
            target.parts.append(Part(name, count, minus))
        earlier.append(name)
    if default:
        count = _count(ox_store, _pattern(None, tuple(earlier)))
        if count:
            target.parts.append(Part(None, count, tuple(earlier)))
    return [target] if target.parts else []


def graph_sizes(store: EmbeddedStore) -> dict[str, int]:
    """Named graph IRI -> triples (from the generation's description on the disk store)."""
    if isinstance(store, DiskStore):
        store.refresh()
        return store.generation.graphs
    ox_store = store.oxigraph
    names = sorted(g.value for g in ox_store.named_graphs() if isinstance(g, ox.NamedNode))
    return {name: _count(ox_store, _pattern(name, ())) for name in names}


def blocks(store: ox.Store, part: Part) -> Iterator[bytes]:
    """The part's triples as N-Triples, in blocks of whole lines, blank nodes skolemised."""
    if part.minus:
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {_pattern(part.graph, part.minus)}"

        def write(out: BinaryIO) -> None:
            result = store.query(query)
            assert isinstance(result, ox.QueryTriples)
            result.serialize(out, _NT)

    else:
        source = ox.DefaultGraph() if part.graph is None else ox.NamedNode(part.graph)

        def write(out: BinaryIO) -> None:
            store.dump(out, _NT, from_graph=source)

    for block in _piped(write):
        yield _skolemised(block) if b"_:" in block else block


def chunks(parts: Iterable[Iterator[bytes]], size: int) -> Iterator[tuple[bytes, int]]:
    """Cut the concatenated blocks into bodies of ``size`` lines (the last one shorter)."""
    pending: list[bytes] = []
    count = 0
    for stream in parts:
        for block in stream:
            lines = block.count(b"\n")
            if count + lines < size:
                pending.append(block)
                count += lines
                continue
            split = block.split(b"\n")[:-1]
            start = 0
            while count + (len(split) - start) >= size:
                take = size - count
                pending.append(b"\n".join(split[start : start + take]) + b"\n")
                yield b"".join(pending), size
                pending, count = [], 0
                start += take
            if start < len(split):
                pending.append(b"\n".join(split[start:]) + b"\n")
                count = len(split) - start
    if count:
        yield b"".join(pending), count


def prefetched(
    items: Iterator[tuple[bytes, int]], depth: int = 1
) -> Generator[tuple[bytes, int], None, None]:
    """``items``, produced by a thread up to ``depth`` ahead: the next chunk is read from the
    store while the server digests this one (memory: ``depth`` + 1 chunks)."""
    ahead: queue.Queue[tuple[bytes, int] | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def run() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ahead.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ahead.put(None)
        except BaseException as exc:  # re-raised in the consumer's thread
            ahead.put(exc)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # stops the dump behind ``items`` when the consumer gave up

    thread = threading.Thread(target=run, name="umkm-push-prefetch", daemon=True)
    thread.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                ahead.get_nowait()
        thread.join()


def skolemise(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.Literal:
    """A blank node's skolem IRI (same label, same IRI); other terms unchanged."""
    if isinstance(term, ox.BlankNode):
        return ox.NamedNode(GENID + term.value)
    return term


def _skolemised(block: bytes) -> bytes:
    lines = block.split(b"\n")
    out = []
    for line in lines[:-1]:
        if b"_:" not in line:
            out.append(line + b"\n")
            continue
        triples = (
            ox.Triple(skolemise(t.subject), t.predicate, skolemise(t.object))  # type: ignore[arg-type]
            for t in ox.parse(line + b"\n", format=_NT)
        )
        text = ox.serialize(triples, format=_NT)
        assert text is not None
        out.append(text)
    return b"".join(out)


def _piped(write: Callable[[BinaryIO], None]) -> Iterator[bytes]:
    """Run ``write`` in a thread into a pipe; yield what it writes, in blocks of whole lines.

    Closing the generator early closes the pipe, which stops the writer (broken pipe).
    """
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with os.fdopen(write_fd, "wb", buffering=BLOCK_BYTES) as out:
                write(out)
        except BrokenPipeError:
            pass
        except BaseException as exc:  # re-raised in the reader's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="umkm-push-dump", daemon=True)
    thread.start()
    rest = b""
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            while data := pipe.read(BLOCK_BYTES):
                data = rest + data
                end = data.rfind(b"\n") + 1
                rest = data[end:]
                if end:
                    yield data[:end]
    finally:
        thread.join()
    if failure:
        raise failure[0]
    if rest:
        yield rest + b"\n"


def _pattern(graph: str | None, minus: tuple[str, ...]) -> str:
    inner = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    if not minus:
        return f"{{ {inner} }}"
    values = " ".join(f"<{name}>" for name in minus)
    return f"{{ {inner} FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} VALUES ?h {{ {values} }} }} }}"


def _count(store: ox.Store, pattern: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {pattern}")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)
