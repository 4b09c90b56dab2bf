"""Sorting the lines of a dump in bounded memory: sorted runs in temporary files, then a merge.

A dump of a registry is written line by line (N-Triples, N-Quads) by pyoxigraph; sorting the
lines makes the output a function of the graph alone (not of the store's insertion order).
At most ``run_bytes`` of text is held at a time: past that, the lines so far are sorted and
written to a temporary file (a run), and the runs are merged at the end, a block at a time.
Duplicate lines are dropped, so the union of several graphs holds each triple once. The sorted
lines can be read more than once (several formats written from one read of the store).
"""

from __future__ import annotations

import bisect
import operator
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import IO, Self

DEFAULT_RUN_BYTES = 64 * 1024 * 1024
"""Bytes of line text held in memory before a sorted run is written to disk."""
_MERGE_BYTES = 16 * 1024 * 1024
"""Bytes of line text read from the runs at a time, shared among them, when merging."""
_WRITE_LINES = 10_000
"""Lines joined into one write (about a MiB of N-Triples)."""


class _Closing(ABC):
    """``with`` for a sorter: ``close`` (its temporary files removed) when the block ends."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Remove the sorter's temporary files."""


class LineSorter(_Closing):
    """Collect newline-terminated lines (bytes), then give them back sorted and unique.

    Use it as a context manager, so that the runs on disk are removed.
    """

    def __init__(self, run_bytes: int = DEFAULT_RUN_BYTES, *, directory: Path | None = None):
        self.run_bytes = max(1, run_bytes)
        self.directory = directory
        self._lines: list[bytes] = []
        """The lines not yet in a run, each with its newline (sorted and unique if
        ``_sorted``: kept so for the next reader when no run went to disk)."""
        self._size = 0
        self._sorted = True
        self._runs: list[IO[bytes]] = []

    def add(self, lines: bytes) -> None:
        """Add complete lines: ``lines`` is empty or ends with a newline."""
        if not lines:
            return
        # N-Triples and N-Quads escape every control character, so the only line breaks
        # (of the two bytes.splitlines knows, \n and \r) end lines.
        self._lines += lines.splitlines(keepends=True)
        self._size += len(lines)
        self._sorted = False
        if self._size >= self.run_bytes:
            self._spill()

    @property
    def runs(self) -> int:
        """How many sorted runs went to disk so far."""
        return len(self._runs)

    def _in_memory(self) -> list[bytes]:
        """Every line, sorted and unique, when none went to disk (sorted once, then kept)."""
        if not self._sorted:
            self._lines.sort()
            # a scan in C for neighbours alike: most dumps have no duplicate to drop
            if any(map(operator.eq, self._lines, islice(self._lines, 1, None))):
                self._lines = list(dict.fromkeys(self._lines))
            self._sorted = True
        return self._lines

    def spill(self) -> None:
        """Write the lines held in memory to a sorted run on disk, if there are any."""
        if self._lines:
            self._spill()

    def _spill(self) -> None:
        # Duplicates stay in the run: they end up side by side, and the merge drops them.
        self._lines.sort()
        # closed by close(), after the merge has read it
        run = tempfile.TemporaryFile(prefix="umkm-kg-sort-", dir=self.directory)  # noqa: SIM115
        try:
            _write_lines(run, self._lines)
            run.seek(0)
        except BaseException:
            run.close()
            raise
        self._runs.append(run)
        self._lines, self._size, self._sorted = [], 0, True

    def lines(self) -> Iterator[bytes]:
        """The lines added, sorted (as bytes), each once and with its newline."""
        if not self._runs:
            yield from self._in_memory()
            return
        for block in self._merged():
            yield from block

    def _merged(self) -> Iterator[list[bytes]]:
        """The runs merged, as lists of sorted, unique lines (a few MiB each).

        A block at a time rather than a line at a time: each run's next part is read, every
        run's lines up to the least of the parts' last lines (the lines that no part still to
        be read can come before) are taken, and their concatenation, a few sorted sequences,
        is sorted by ``list.sort``, which merges such sequences in C.
        """
        self.spill()
        part = max(1, _MERGE_BYTES // len(self._runs))
        runs = list(self._runs)
        for run in runs:
            run.seek(0)
        parts = [run.readlines(part) for run in runs]
        starts = [0] * len(runs)
        previous = b""
        while True:
            open_ = [i for i, lines in enumerate(parts) if lines]
            if not open_:
                return
            bound = min(parts[i][-1] for i in open_)
            block: list[bytes] = []
            for i in open_:
                lines, start = parts[i], starts[i]
                end = bisect.bisect_right(lines, bound, start)
                block += lines[start:end]
                if end == len(lines):
                    parts[i], starts[i] = runs[i].readlines(part), 0
                else:
                    starts[i] = end
            block.sort()
            # duplicates end up side by side (also across blocks: each ends at the bound)
            if block[0] == previous or any(map(operator.eq, block, islice(block, 1, None))):
                block = [line for line in dict.fromkeys(block) if line != previous]
            if block:
                previous = block[-1]
                yield block

    def blocks(self, lines: int = 20_000) -> Iterator[bytes]:
        """The lines of :meth:`lines`, ``lines`` at a time joined into one bytes object.

        For readers that hand whole blocks to a parser: no Python step per line when the lines
        fit in memory (no runs on disk).
        """
        if not self._runs:
            ordered = self._in_memory()
            for start in range(0, len(ordered), lines):
                yield b"".join(ordered[start : start + lines])
            return
        for block in self._merged():
            for start in range(0, len(block), lines):
                yield b"".join(block[start : start + lines])

    def write_to(self, output: IO[bytes]) -> None:
        """Write the sorted, unique lines to ``output``."""
        if not self._runs:
            _write_lines(output, self._in_memory())
            return
        for block in self._merged():
            _write_lines(output, block)

    def close(self) -> None:
        """Remove the runs on disk."""
        for run in self._runs:
            run.close()
        self._runs.clear()
        self._lines, self._size, self._sorted = [], 0, True


def _write_lines(output: IO[bytes], lines: list[bytes]) -> None:
    """Write ``lines`` joined a few thousand at a time: ``writelines`` makes one buffered
    write per line, which costs more than copying the lines once more."""
    for start in range(0, len(lines), _WRITE_LINES):
        output.write(b"".join(lines[start : start + _WRITE_LINES]))


class GraphSorter(_Closing):
    """The lines of one graph after another, each graph's sorted and unique, in bounded memory.

    The graphs are given in the order they are read back in (:meth:`start` each, then
    :meth:`add` its lines). A graph's lines go through a :class:`LineSorter`; when the next
    graph starts, they are written sorted after the previous graph's into one temporary file,
    or, if they went to sorted runs on disk (past ``run_bytes``), left in those runs, to be
    merged as they are read. No lines are merged across graphs. Use it as a context manager,
    so that the file and runs are removed.
    """

    def __init__(self, run_bytes: int = DEFAULT_RUN_BYTES, *, directory: Path | None = None):
        self.run_bytes = run_bytes
        self.directory = directory
        self._file: IO[bytes] | None = None
        self._spans: dict[str, tuple[int, int] | LineSorter] = {}
        """Where each graph's lines are: (start, end) offsets in the file, or sorted runs."""
        self._graph = ""
        self._sorter: LineSorter | None = None

    def start(self, graph: str) -> None:
        """Take the lines of ``graph`` from now on (a graph is given once, in its turn)."""
        self._end()
        if graph in self._spans:
            raise ValueError(f"graph {graph} given twice")
        self._graph = graph
        self._sorter = LineSorter(self.run_bytes, directory=self.directory)

    def add(self, lines: bytes) -> None:
        """Add complete lines of the graph last started (as :meth:`LineSorter.add`)."""
        if self._sorter is None:
            raise ValueError("no graph started")
        self._sorter.add(lines)

    def _end(self) -> None:
        sorter = self._sorter
        if sorter is None:
            return
        self._sorter = None
        if sorter.runs:
            sorter.spill()
            self._spans[self._graph] = sorter
            return
        with sorter:
            if self._file is None:
                # closed by close()
                self._file = tempfile.TemporaryFile(  # noqa: SIM115
                    prefix="umkm-kg-graphs-", dir=self.directory
                )
            start = self._file.seek(0, 2)
            sorter.write_to(self._file)
            self._spans[self._graph] = (start, self._file.tell())

    def graphs(self) -> list[str]:
        """The graphs given so far, in their order."""
        self._end()
        return list(self._spans)

    def blocks(self, graph: str, size: int = 1 << 20) -> Iterator[bytes]:
        """The sorted lines of ``graph`` (none if it was not given), about ``size`` bytes of
        whole lines at a time."""
        self._end()
        span = self._spans.get(graph)
        if isinstance(span, LineSorter):
            yield from span.blocks()
            return
        if self._file is None or span is None:
            return
        start, end = span
        tail = b""
        while start < end:
            self._file.seek(start)
            data = tail + self._file.read(min(size, end - start))
            start = self._file.tell()
            cut = data.rfind(b"\n") + 1
            tail = data[cut:]
            if cut:
                yield data[:cut]
        if tail:  # only if a line added did not end with a newline
            yield tail

    def close(self) -> None:
        """Remove the file and runs on disk."""
        if self._sorter is not None:
            self._sorter.close()
            self._sorter = None
        if self._file is not None:
            self._file.close()
            self._file = None
        for span in self._spans.values():
            if isinstance(span, LineSorter):
                span.close()
        self._spans.clear()

