"""What a push did: the chunks the server accepted, the one that failed, and what is missing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ...errors import RemoteError

Protocol = Literal["gsp", "update", "bulk"]
"""How the triples reached the server: Graph Store requests, SPARQL Update requests, or files
read by Virtuoso's bulk loader."""

DEFAULT_CHUNK_TRIPLES = 50_000


@dataclass(frozen=True)
class Chunk:
    """One request's (or bulk file's) worth of triples: the ``number``-th of ``of`` of ``graph``."""

    graph: str
    number: int
    of: int
    triples: int


@dataclass
class PushReport:
    """What a push did: the graphs it meant to load, the chunks loaded, the one that failed."""

    endpoint: str
    protocol: Protocol
    graphs: dict[str, int] = field(default_factory=dict)
    """Target graph IRI -> triples to load into it."""
    chunk_triples: int = DEFAULT_CHUNK_TRIPLES
    loaded: list[Chunk] = field(default_factory=list)
    failed: Chunk | None = None
    error: str | None = None

    @property
    def total_triples(self) -> int:
        return sum(self.graphs.values())

    @property
    def triples_sent(self) -> int:
        """Triples the server accepted."""
        return sum(chunk.triples for chunk in self.loaded)

    @property
    def chunks_ok(self) -> int:
        return len(self.loaded)

    @property
    def chunks_failed(self) -> int:
        return 0 if self.failed is None else 1

    @property
    def chunks_total(self) -> int:
        return sum(chunk_count(n, self.chunk_triples) for n in self.graphs.values())

    @property
    def complete(self) -> bool:
        return self.failed is None and self.triples_sent == self.total_triples

    def loaded_triples(self, graph: str) -> int:
        return sum(chunk.triples for chunk in self.loaded if chunk.graph == graph)

    def describe(self) -> list[str]:
        """One line per target graph: loaded fully, partly (which chunks), or not at all."""
        lines = []
        for graph, total in self.graphs.items():
            count = chunk_count(total, self.chunk_triples)
            done = [c.number for c in self.loaded if c.graph == graph]
            triples = self.loaded_triples(graph)
            if len(done) == count:
                chunks = "1 chunk" if count == 1 else f"{count} chunks"
                lines.append(f"loaded      <{graph}>: all {total:,} triples ({chunks})")
            elif not done:
                if self.failed is not None and self.failed.graph == graph:
                    rest = f", chunks 2-{count} not sent" if count > 1 else ""
                    why = f"chunk 1 failed{rest}"
                else:
                    why = "not sent"
                lines.append(f"not loaded  <{graph}>: 0 of {total:,} triples ({why})")
            else:
                last = max(done)
                rest = f", chunks {last + 2}-{count} not sent" if last + 1 < count else ""
                lines.append(
                    f"PARTLY      <{graph}>: {triples:,} of {total:,} triples (chunks 1-{last} "
                    f"of {count} loaded, chunk {last + 1} failed{rest})"
                )
        return lines


class PushIncomplete(RemoteError):
    """A push stopped midway; ``report`` says what the server holds now."""

    code = "push-incomplete"

    def __init__(self, message: str, report: PushReport, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.report = report


ProgressCallback = Callable[[Chunk, PushReport], None]
"""Called after each chunk the server accepted."""


def chunk_count(triples: int, size: int) -> int:
    return -(-triples // size)


def incomplete(report: PushReport, cause: RemoteError) -> PushIncomplete:
    """The error for a push that stopped at ``report.failed``, listing what was loaded."""
    failed = report.failed
    assert failed is not None
    lines = [
        f"push to {report.endpoint} stopped at chunk {failed.number} of {failed.of} of "
        f"<{failed.graph}>: {cause.message}",
        f"{report.chunks_ok} of {report.chunks_total} chunks loaded "
        f"({report.triples_sent:,} of {report.total_triples:,} triples):",
        *report.describe(),
    ]
    hint = cause.hint or "fix the cause and push again: each push replaces the target graphs"
    return PushIncomplete("\n".join(lines), report, hint=hint)
