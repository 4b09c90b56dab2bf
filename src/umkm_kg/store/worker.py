"""Queries in a child process, so that a time or memory limit really stops them.

pyoxigraph cannot cancel a running query: a thread that runs one past its deadline goes on
burning CPU and memory until it finishes, which a long-running server cannot afford. A
:class:`QueryWorker` runs each query in a child process (``python -m umkm_kg.store.worker``)
that opens the store's generation read-only (a few milliseconds; a generation never changes),
under an address-space limit; at the deadline the child is killed, and a new one is started
for the next query. Answers come back as JSON lines (the encoding of :mod:`.cache`).

The child imports only pyoxigraph and this package's result types: it starts in about 0.2 s,
once, and then answers query after query.
"""

from __future__ import annotations

import json
import os
import resource
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from ..errors import BadInput, QueryTimeout, ResourceLimit
from ..query.results import QueryForm, QueryResult

DEFAULT_MEMORY = 4 * 1024**3
"""Bytes of address space a query's process may use."""


class QueryWorker:
    """One child process answering queries on a store path; killed and replaced at a limit."""

    def __init__(self, *, memory: int = DEFAULT_MEMORY) -> None:
        self.memory = memory
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def query(
        self,
        path: Path,
        sparql: str,
        *,
        form: QueryForm,
        timeout: float | None,
        max_rows: int | None,
    ) -> QueryResult:
        """Run ``sparql`` on the store at ``path`` (opened read-only by the child).

        :raises QueryTimeout: past ``timeout`` seconds (the child is killed).
        :raises ResourceLimit: the query needed more memory than allowed (the child died).
        :raises BadInput: the engine refused the query.
        """
        from .cache import decode_result

        request = json.dumps(
            {"path": str(path), "sparql": sparql, "form": form.value, "max_rows": max_rows}
        )
        with self._lock:  # one query at a time per worker; a server keeps a pool of them
            line = self._ask(request.encode("utf-8") + b"\n", timeout)
            if line is None:
                self._stop()
                raise QueryTimeout(
                    f"the query ran longer than {timeout:g} s and was stopped",
                    hint="narrow the query, or allow more time with --timeout",
                )
            if not line:
                self._stop()
                raise ResourceLimit(
                    f"the query needed more than {self.memory // 2**20} MiB and was stopped",
                    hint="narrow the query (fewer rows, no ORDER BY over a large result)",
                )
        answer = json.loads(line)
        if "error" in answer:
            raise BadInput(str(answer["error"]))
        return decode_result(answer)

    def start(self) -> None:
        """Start the child process now (if it is not running) rather than at the next query."""
        with self._lock:
            self._started()

    @property
    def pid(self) -> int | None:
        """The child's process id, while it runs."""
        return self._process.pid if self.running and self._process is not None else None

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._process is not None and self._process.poll() is None

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _ask(self, request: bytes, timeout: float | None) -> bytes | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        for attempt in (1, 2):
            process = self._started()
            stdin, stdout = process.stdin, process.stdout
            assert stdin is not None and stdout is not None
            try:
                stdin.write(request)
                stdin.flush()
            except OSError:  # the child died since the last query: start another, once
                self._stop()
                if attempt == 2:
                    raise
                continue
            return _read_line(stdout, deadline)
        return b""

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "umkm_kg.store.worker", str(self.memory)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
        return self._process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
            self._process = None

    def __del__(self) -> None:
        if getattr(self, "_process", None) is not None:
            self._stop()


def _read_line(stream: IO[bytes], deadline: float | None) -> bytes | None:
    """One line (b"" at end of file), or None past ``deadline``."""
    chunks = []
    fd = stream.fileno()
    while True:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            return None
        data = os.read(fd, 1 << 20)
        if not data:
            return b""
        chunks.append(data)
        if data.endswith(b"\n"):
            return b"".join(chunks)


# --- the child ---------------------------------------------------------------------------------


def _serve(memory: int) -> None:
    import pyoxigraph as ox

    from .cache import encode_result
    from .embedded import EmbeddedStore

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    stores: dict[str, Any] = {}
    never = threading.Event()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            store = stores.get(request["path"])
            if store is None:
                stores.clear()  # one generation at a time: the newest asked for
                store = stores[request["path"]] = ox.Store.read_only(request["path"])
            result = EmbeddedStore._run(
                store,
                request["sparql"],
                QueryForm(request["form"]),
                request["max_rows"],
                never,
                sort_in_python=True,  # it serves generations on disk only
            )
            answer: dict[str, Any] = encode_result(result)
        except MemoryError:
            os._exit(3)  # the parent reports the limit
        except (SyntaxError, ValueError, OSError) as exc:
            answer = {"error": f"the embedded store could not run the query: {exc}"}
        sys.stdout.buffer.write(json.dumps(answer).encode("utf-8") + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MEMORY)
