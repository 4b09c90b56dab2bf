"""Sorting the lines of a dump in bounded memory: sorted runs in temporary files, then a merge.

A dump of a registry is written line by line (N-Triples, N-Quads) by pyoxigraph; sorting the
lines makes the output a function of the graph alone (not of the store's insertion order).
At most ``run_bytes`` of text is held at a time: past that, the lines so far are sorted and
written to a temporary file (a run), and the runs are merged at the end (``heapq.merge``).
Duplicate lines are dropped, so the union of several graphs holds each triple once. The sorted
lines can be read more than once (several formats written from one read of the store).
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import IO

DEFAULT_RUN_BYTES = 64 * 1024 * 1024
"""Bytes of line text held in memory before a sorted run is written to disk."""


class LineSorter:
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
            self._lines = sorted(set(self._lines))
            self._sorted = True
        return self._lines

    def _spill(self) -> None:
        # Duplicates stay in the run: they end up side by side, and the merge drops them.
        self._lines.sort()
        # closed by close(), after the merge has read it
        run = tempfile.TemporaryFile(prefix="umkm-kg-sort-", dir=self.directory)  # noqa: SIM115
        try:
            run.writelines(self._lines)
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
        if self._lines:
            self._spill()
        for run in self._runs:
            run.seek(0)
        previous = b""
        for line in heapq.merge(*self._runs):
            if line != previous:
                yield line
                previous = line

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
        merged = self.lines()
        while batch := list(islice(merged, lines)):
            yield b"".join(batch)

    def write_to(self, output: IO[bytes]) -> None:
        """Write the sorted, unique lines to ``output``."""
        output.writelines(self._in_memory() if not self._runs else self.lines())

    def close(self) -> None:
        """Remove the runs on disk."""
        for run in self._runs:
            run.close()
        self._runs.clear()
        self._lines, self._size, self._sorted = [], 0, True

    def __enter__(self) -> LineSorter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
