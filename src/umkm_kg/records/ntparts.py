"""An N-Triples file into a batch graph, in parts cut at line ends, loaded two at a time.

pyoxigraph's bulk loader parses a file in one thread on a 2-core machine (it splits the input
only with 4 cores or more), holds up to three batches of a million quads, and reads a file
into a named graph more slowly than the same bytes handed to it in memory. Cut into parts of
:data:`PART_BYTES`, a registry is parsed on both cores, and what the load holds is bounded by
the parts in flight, whatever the size of the file.

A part with nothing to skolemise or refuse (no blank node, no triple term, no IRI of a refused
scheme, see :func:`plain`) is handed to the bulk loader as it is; any other part is parsed here
and every triple checked (:func:`checked_quads`), so a blank node of one part is the same
skolem IRI as in any other. A part is a whole number of lines, so each parses alone; the line
of a syntax error is counted from the start of the file.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import BadInput
from ..iri import ALLOWED_SCHEMES, iri_problem
from ..store import Transaction
from .rdfinput import TRIPLE_TERMS_HINT, TRIPLE_TERMS_REFUSED

PART_BYTES = 64 * 1024 * 1024
"""Bytes of a part (about 360,000 triples of a synthetic registry: one batch of the loader)."""
WORKERS = 2
"""Parts loaded at once (the machine this is measured on has 2 cores)."""

SCHEMES = tuple(f"{scheme}:" for scheme in sorted(ALLOWED_SCHEMES))
"""What an IRI of a loaded file may start with (the parser has checked the rest of it)."""
_OTHER_IRI = re.compile(rb"<(?!(?:" + b"|".join(re.escape(x.encode()) for x in SCHEMES) + rb"))")
_LINE = re.compile(r"\bline (\d+)")


def plain(data: bytes) -> bool:
    """Whether N-Triples ``data`` surely has no blank node, no triple term and no IRI of a
    refused scheme (False where it cannot tell, e.g. a "<" inside a literal)."""
    return data.find(b"_:") < 0 and data.find(b"<<") < 0 and not _OTHER_IRI.search(data)


def checked_quads(quads: Iterable[ox.Quad], path: str, genid: str, graph: str) -> Iterator[ox.Quad]:
    """``quads`` moved into ``graph``, blank nodes skolemised under ``genid``.

    :raises BadInput: an IRI of a refused scheme, or a triple term.
    """
    target = ox.NamedNode(graph)
    for quad in quads:
        subject, obj = quad.subject, quad.object
        for node in (subject, quad.predicate, obj):
            if isinstance(node, ox.NamedNode) and not node.value.startswith(SCHEMES):
                raise BadInput(
                    f"{path}: refusing to store <{node.value[:200]}>: "
                    f"{iri_problem(node.value) or 'not an accepted IRI'}"
                )
        if isinstance(subject, ox.BlankNode):
            subject = ox.NamedNode(genid + subject.value)
        if isinstance(obj, ox.BlankNode):
            obj = ox.NamedNode(genid + obj.value)
        elif isinstance(obj, ox.Triple) or isinstance(subject, ox.Triple):
            raise BadInput(f"{path}: {TRIPLE_TERMS_REFUSED}", hint=TRIPLE_TERMS_HINT)
        yield ox.Quad(subject, quad.predicate, obj, target)


def load_ntriples(tx: Transaction, path: str, graph: str, genid: str) -> None:
    """Load the N-Triples file ``path`` into ``graph`` of ``tx``, blank nodes skolemised
    under ``genid``.

    :raises BadInput: the file cannot be read, does not parse (with its line), or holds an IRI
        of a refused scheme or a triple term; what was loaded of it is left to the transaction
        (which publishes nothing when this is raised).
    """
    try:
        with open(path, "rb") as handle:
            _load_parts(tx, handle, path, graph, genid)
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from exc


def _load_parts(tx: Transaction, handle: BinaryIO, path: str, graph: str, genid: str) -> None:
    room = threading.Semaphore(WORKERS + 1)  # parts read and not yet loaded
    failed = threading.Event()
    done: list[Future[None]] = []

    def load(part: bytes, start: int) -> None:
        try:
            if not failed.is_set():
                _load_part(tx, part, start, path, graph, genid)
        except BaseException:
            failed.set()
            raise
        finally:
            room.release()

    with ThreadPoolExecutor(WORKERS, thread_name_prefix="ntparts") as pool:
        start = 0
        while not failed.is_set():
            room.acquire()
            part = handle.read(PART_BYTES)
            if not part:
                room.release()
                break
            part += handle.readline()  # up to the end of the line
            done.append(pool.submit(load, part, start))
            start += len(part)
            del part  # the worker holds the only reference: freed once loaded
    _raise_first(done)


def _raise_first(done: list[Future[None]]) -> None:
    """Raise the first failure of ``done``, in file order, holding no future meanwhile.

    A failure's traceback holds the frames it passes through: a future (which holds the
    failure) left in one of them would be a reference cycle, and keep the transaction's store
    open after the failure is handled, until the garbage collector came by.
    """
    errors = [future.exception() for future in done]
    done.clear()
    error = next((e for e in errors if e is not None), None)
    errors.clear()
    if error is not None:
        try:
            raise error
        finally:
            error = None


def _load_part(tx: Transaction, part: bytes, start: int, path: str, graph: str, genid: str) -> None:
    try:
        if plain(part):
            tx.load_bytes(part, ox.RdfFormat.N_TRIPLES, graph)
        else:
            quads = ox.parse(input=part, format=ox.RdfFormat.N_TRIPLES)
            tx.extend(checked_quads(quads, path, genid, graph), bulk=True)
    except SyntaxError as exc:
        raise BadInput(f"{path}: {_from_file_start(str(exc), path, start)}") from exc


def _from_file_start(message: str, path: str, start: int) -> str:
    """``message`` of a part starting at byte ``start``, its line numbers counted from the
    start of the file."""
    if start == 0:
        return message
    before = 0
    with open(Path(path), "rb") as handle:
        while handle.tell() < start:
            block = handle.read(min(16 * 1024 * 1024, start - handle.tell()))
            if not block:
                break
            before += block.count(b"\n")
    return _LINE.sub(lambda m: f"line {int(m.group(1)) + before}", message)
