"""A pool of persistent query processes, for a server answering many queries at once.

Each :class:`~.worker.QueryWorker` is one child process that keeps the current generation open
read-only, so a query costs no process start. A query takes a free worker (waiting for one,
within its own time limit); a worker whose query runs past its deadline is killed, and a new
process is started at once in the background, so the next query finds it ready.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

from ..errors import QueryTimeout
from ..query.results import QueryForm, QueryResult
from .worker import DEFAULT_MEMORY, QueryWorker

DEFAULT_SIZE = 3
"""Query processes of a server: more than the 2 cores here, so a slow query leaves room."""


class WorkerPool:
    """``size`` :class:`QueryWorker` processes; same ``query`` signature as one worker."""

    def __init__(self, size: int = DEFAULT_SIZE, *, memory: int = DEFAULT_MEMORY) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.memory = memory
        self._workers = [QueryWorker(memory=memory) for _ in range(size)]
        self._free: queue.SimpleQueue[QueryWorker] = queue.SimpleQueue()
        for worker in self._workers:
            self._free.put(worker)
        self._closed = False

    def start(self) -> None:
        """Start every process now (each takes ~0.2 s), rather than at its first query."""
        threads = [threading.Thread(target=w.start, daemon=True) for w in self._workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def query(
        self,
        path: Path,
        sparql: str,
        *,
        form: QueryForm,
        timeout: float | None,
        max_rows: int | None,
    ) -> QueryResult:
        """Run ``sparql`` on the store at ``path`` in a free worker.

        :raises QueryTimeout: no worker came free, or the query ran, past ``timeout`` seconds.
        :raises ResourceLimit: the query needed more memory than a worker may use.
        :raises BadInput: the engine refused the query.
        """
        started = time.monotonic()
        try:
            worker = self._free.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"the query waited {timeout:g} s for a free query process and was not run",
                hint="the server is busy with other queries; try again, or allow more time",
            ) from None
        left = None if timeout is None else max(0.001, timeout - (time.monotonic() - started))
        try:
            return worker.query(path, sparql, form=form, timeout=left, max_rows=max_rows)
        finally:
            if not worker.running and not self._closed:
                # killed at its limit: start its successor now, not at the next query
                threading.Thread(target=worker.start, daemon=True).start()
            self._free.put(worker)

    def close(self) -> None:
        self._closed = True
        for worker in self._workers:
            worker.close()
