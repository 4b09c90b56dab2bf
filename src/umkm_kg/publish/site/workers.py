"""Share independent work between forked processes, each with a copy of what the parent read.

The pages of a registry are independent of one another: with the index of the graph built once,
forked workers render interleaved slices of the resources and send back what they wrote. Where
fork is not available (Windows, macOS' default) or one worker is asked for, the work runs in
the calling process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 500
"""Fewer items than this per worker are not worth a process."""


def default_workers() -> int:
    """One worker per core this process may run on, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


@contextlib.contextmanager
def heap_frozen() -> Iterator[None]:
    """Keep what exists now out of the cyclic garbage collector's passes until the end.

    The graph read, its index and the page state are kept to the end of the build: the
    collections the pages cause need not walk them, and a forked worker's collections then
    leave the pages it shares with the parent unwritten (no copy of the parent's memory).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def in_parallel(
    work: Callable[[Sequence[T]], R],
    items: Sequence[T],
    workers: int,
    meanwhile: Callable[[], None] | None = None,
) -> list[R]:
    """``work`` applied to ``workers`` interleaved slices of ``items``, one forked process each.

    ``meanwhile`` runs in this process while the workers do (after ``work`` when there are no
    workers): the parent would otherwise only wait, and work that must stay in the process that
    opened the store (a dump reads it; a forked copy of an on-disk store is not safe to use)
    overlaps the pages instead of following them.

    :raises RuntimeError: a worker failed (its traceback is in the message).
    """
    workers = min(workers, max(1, len(items) // MIN_PER_WORKER))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        done = [work(items)]
        if meanwhile is not None:
            meanwhile()
        return done
    context = multiprocessing.get_context("fork")
    started = []
    for number in range(workers):
        parent, child = context.Pipe(duplex=False)
        process = context.Process(target=_run, args=(work, items[number::workers], child))
        process.start()
        child.close()
        started.append((process, parent))
    try:
        if meanwhile is not None:
            meanwhile()
    finally:
        results = _collect(started)
    return results


def _collect(started: list[tuple[Any, Connection]]) -> list[Any]:
    """The answers of the started workers, once each has ended.

    :raises RuntimeError: a worker failed.
    """
    results: list[Any] = []
    failures: list[str] = []
    for process, pipe in started:
        try:
            ok, value = pipe.recv()
        except EOFError:
            ok, value = False, "the worker ended without an answer"
        process.join()
        if ok:
            results.append(value)
        else:
            failures.append(value)
    if failures:
        raise RuntimeError("a site worker failed:\n" + "\n".join(failures))
    return results


def _run(work: Callable[[Sequence[Any]], Any], items: Sequence[Any], pipe: Connection) -> None:
    try:
        pipe.send((True, work(items)))
    except BaseException:  # sent to the parent, which raises it
        pipe.send((False, traceback.format_exc()))
    finally:
        pipe.close()
