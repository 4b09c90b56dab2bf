"""Sorting the lines of a dump in bounded memory: sorted runs in temporary files, then a merge.

A dump of a registry is written line by line (N-Triples, N-Quads) by pyoxigraph; sorting the
lines makes the output a function of the graph alone (not of the store's insertion order).
At most ``run_bytes`` of text is held at a time: past that, the lines so far are sorted and
written to a temporary file (a run), and the runs are merged at the end, a block of lines at a
time (:func:`merge_blocks`: no Python step per line). Duplicate lines are dropped, so the union
of several graphs holds each triple once. The sorted lines can be read more than once (several
formats written from one read of the store).
"""

from __future__ import annotations

import tempfile
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

DEFAULT_RUN_BYTES = 64 * 1024 * 1024
"""Bytes of line text held in memory before a sorted run is written to disk."""
READ_BYTES = 1024 * 1024
"""Bytes read from each run at a time by the merge."""


class LineSorter:
    """Collect newline-terminated lines (bytes), then give them back sorted and unique.

    Use it as a context manager, so that the runs on disk are removed.
    """

    def __init__(self, run_bytes: int = DEFAULT_RUN_BYTES, *, directory: Path | None = None):
        self.run_bytes = max(1, run_bytes)
        self.directory = directory
        self._pending: list[bytes] = []
        self._size = 0
        self._runs: list[IO[bytes]] = []
        self._sorted: list[bytes] = []
        """The lines sorted so far, when none went to disk (kept for the next reader)."""

    def add(self, lines: bytes) -> None:
        """Add complete lines: ``lines`` is empty or ends with a newline."""
        if not lines:
            return
        self._pending.append(lines)
        self._size += len(lines)
        if self._size >= self.run_bytes:
            self._spill()

    @property
    def runs(self) -> int:
        """How many sorted runs went to disk so far."""
        return len(self._runs)

    def _sorted_pending(self) -> list[bytes]:
        data = b"".join(self._pending)
        self._pending, self._size = [], 0
        lines = data.split(b"\n")
        lines.pop()  # the empty string after the last newline
        return sorted(set(lines))

    def _in_memory(self) -> list[bytes]:
        """Every line, sorted, when none went to disk (sorted once, then kept)."""
        if self._pending:
            fresh = self._sorted_pending()
            self._sorted = sorted(set(self._sorted).union(fresh)) if self._sorted else fresh
        return self._sorted

    def _spill(self) -> None:
        lines = self._sorted_pending()
        if self._sorted:  # lines sorted for an earlier reader, then more were added
            lines = sorted(set(self._sorted).union(lines))
            self._sorted = []
        # closed by close(), after the merge has read it
        run = tempfile.TemporaryFile(prefix="umkm-kg-sort-", dir=self.directory)  # noqa: SIM115
        try:
            run.write(b"\n".join(lines))
            run.write(b"\n")
            run.seek(0)
        except BaseException:
            run.close()
            raise
        self._runs.append(run)

    def lines(self) -> Iterator[bytes]:
        """The lines added, sorted (as bytes), each once and with its newline."""
        if not self._runs:
            for line in self._in_memory():
                yield line + b"\n"
            return
        for block in self._merged():
            for line in block:
                yield line + b"\n"

    def _merged(self) -> Iterator[list[bytes]]:
        """The runs on disk (the lines held spilled first) merged: sorted lists of lines."""
        if self._pending:
            self._spill()
        for run in self._runs:
            run.seek(0)
        return merge_blocks([run_lines(run) for run in self._runs])

    def blocks(self, lines: int = 20_000) -> Iterator[bytes]:
        """The lines of :meth:`lines`, ``lines`` at a time joined into one bytes object.

        For readers that hand whole blocks to a parser: no Python step per line when the lines
        fit in memory (no runs on disk).
        """
        if not self._runs:
            ordered = self._in_memory()
            for start in range(0, len(ordered), lines):
                yield b"\n".join(ordered[start : start + lines]) + b"\n"
            return
        for merged in self._merged():
            for start in range(0, len(merged), lines):
                yield b"\n".join(merged[start : start + lines]) + b"\n"

    def write_to(self, output: IO[bytes]) -> None:
        """Write the sorted, unique lines to ``output``."""
        if not self._runs:
            lines = self._in_memory()
            if lines:
                output.write(b"\n".join(lines))
                output.write(b"\n")
            return
        for merged in self._merged():
            output.write(b"\n".join(merged))
            output.write(b"\n")

    def close(self) -> None:
        """Remove the runs on disk."""
        for run in self._runs:
            run.close()
        self._runs.clear()
        self._pending, self._size, self._sorted = [], 0, []

    def __enter__(self) -> LineSorter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def run_lines(run: IO[bytes], size: int = READ_BYTES) -> Iterator[list[bytes]]:
    """The lines of a run (without their newlines), ``size`` bytes read at a time, as lists."""
    tail = b""
    while chunk := run.read(size):
        data = tail + chunk if tail else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            tail = data
            continue
        tail = data[cut + 1 :]
        yield data[:cut].split(b"\n")
    if tail:
        yield [tail]


def merge_blocks(runs: list[Iterator[list[bytes]]]) -> Iterator[list[bytes]]:
    """Sorted runs (each given as sorted lists of lines) merged: sorted lists, each line once.

    Each step takes, from every run, the lines up to the least of the runs' last lines held
    (every line up to that one is then held), and sorts them together (Timsort merges sorted
    stretches in C); duplicates, always within one step, are dropped. A line of a step is
    greater than every line of the steps before, so the lists given, one after the other, are
    the merge.
    """
    held: list[tuple[list[bytes], Iterator[list[bytes]]]] = []
    for run in runs:
        first = _next_lines(run)
        if first is not None:
            held.append((first, run))
    while held:
        bound = min(part[-1] for part, _ in held)
        taken: list[bytes] = []
        kept: list[tuple[list[bytes], Iterator[list[bytes]]]] = []
        for part, run in held:
            cut = bisect_right(part, bound)
            taken.extend(part[:cut])
            rest = part[cut:] or _next_lines(run)
            if rest is not None:
                kept.append((rest, run))
        held = kept
        taken.sort()
        yield list(dict.fromkeys(taken))


def _next_lines(run: Iterator[list[bytes]]) -> list[bytes] | None:
    """The run's next lines (a list not empty), or ``None`` at its end."""
    return next((part for part in run if part), None)
