"""Load the embedded graph into a remote store, in chunks, over HTTP.

Two protocols reach a store's write side:

- the SPARQL 1.1 Graph Store HTTP Protocol (``gsp``): the first chunk of a graph is sent with
  ``PUT`` (it replaces the graph), the following ones with ``POST`` (they add to it), as
  N-Triples;
- SPARQL 1.1 Update (``update``): ``CLEAR SILENT GRAPH`` then ``INSERT DATA`` chunks of at
  most :data:`UPDATE_CHUNK_MAX` triples. Virtuoso 7.2 compiles each ``INSERT DATA`` into SQL at
  a cost that grows faster than its size (20,000 triples: about 7 s in 250-triple requests,
  20-35 s in 1,000-triple ones) and refuses one of 2,000 ("SP031: length of generated SQL text
  has exceeded..."). The Graph Store Protocol is far faster for large graphs.

Either way a push *replaces* each target graph. Blank nodes are skolemised, for both protocols
alike, into IRIs under ``https://w3id.org/umkm-kg/.well-known/genid/`` (RDF 1.1 Concepts §3.5):
Virtuoso's ``INSERT DATA`` rejects blank nodes, and blank nodes sent in separate chunks would
otherwise become different nodes on the server.

A failure stops the push: :class:`PushIncomplete` says which chunks were loaded and which were
not, and carries the :class:`PushReport`.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Literal

import pyoxigraph as ox

from .errors import (
    BadInput,
    EndpointUnavailable,
    QueryTimeout,
    RemoteAuthError,
    RemoteError,
)
from .iri import check_iri
from .kg import KnowledgeGraph
from .namespaces import GENID
from .remote import AuthScheme, HttpClient
from .store import EmbeddedStore

"""Namespace of the IRIs that stand for blank nodes on the server (skolem IRIs)."""
DEFAULT_CHUNK_TRIPLES = 50_000
UPDATE_CHUNK_MAX = 250
"""Triples per ``INSERT DATA`` request (the fastest size on Virtuoso 7.2, measured)."""
DEFAULT_PUSH_TIMEOUT = 300.0
"""Seconds one chunk's request may take."""

Protocol = Literal["gsp", "update"]
ProtocolChoice = Literal["auto", "gsp", "update"]

_NTRIPLES = "application/n-triples"
_GSP_NAMES = ("store", "data", "rdf-graphs", "service")
_UPDATE_NAMES = ("update", "sparql-auth", "sparql", "statements")


@dataclass(frozen=True)
class Chunk:
    """One request's worth of triples: the ``number``-th of ``of`` chunks of ``graph``."""

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
        return sum(_chunk_count(n, self.chunk_triples) for n in self.graphs.values())

    @property
    def complete(self) -> bool:
        return self.failed is None and self.triples_sent == self.total_triples

    def loaded_triples(self, graph: str) -> int:
        return sum(chunk.triples for chunk in self.loaded if chunk.graph == graph)

    def describe(self) -> list[str]:
        """One line per target graph: loaded fully, partly (which chunks), or not at all."""
        lines = []
        for graph, total in self.graphs.items():
            count = _chunk_count(total, self.chunk_triples)
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


@dataclass
class _Source:
    target: str
    triples: int
    read: Callable[[], Iterator[ox.Triple]]


def push(
    source: KnowledgeGraph | EmbeddedStore,
    endpoint: str,
    graph: str | None,
    *,
    protocol: ProtocolChoice = "auto",
    user: str | None = None,
    password: str | None = None,
    auth: AuthScheme | None = None,
    chunk_triples: int = DEFAULT_CHUNK_TRIPLES,
    keep_graphs: bool = False,
    timeout: float = DEFAULT_PUSH_TIMEOUT,
    progress: ProgressCallback | None = None,
) -> PushReport:
    """Load the embedded graph into the store at ``endpoint``, replacing the target graphs.

    By default the union of the embedded named graphs goes into ``graph``. With
    ``keep_graphs`` each named graph (ontology, article, records batches) goes to the graph of
    the same IRI on the server, and ``graph`` receives only default-graph triples, if any.

    :raises BadInput: ``graph`` is missing or not an absolute IRI, or ``chunk_triples`` < 1.
    :raises RemoteAuthError: the credentials or the write are refused before any data is loaded.
    :raises EndpointUnavailable: the server cannot be reached (before any data is loaded).
    :raises PushIncomplete: a chunk failed; the message lists what was and was not loaded.
    """
    store = source.store if isinstance(source, KnowledgeGraph) else source
    if not isinstance(store, EmbeddedStore):
        raise BadInput("push reads the embedded graph; this knowledge graph is remote")
    if chunk_triples < 1:
        raise BadInput(f"--chunk-triples must be at least 1, not {chunk_triples}")
    if graph is not None:
        check_iri(graph, where="the graph name")
    sources = _sources(store.oxigraph, graph, keep_graphs)
    client = HttpClient(endpoint, user=user, password=password, auth=auth)
    client.prime(endpoint, timeout=min(timeout, 30.0))
    chosen: Protocol = _detect(endpoint, client, timeout) if protocol == "auto" else protocol
    if chosen == "update":
        chunk_triples = min(chunk_triples, UPDATE_CHUNK_MAX)
    report = PushReport(
        endpoint=endpoint,
        protocol=chosen,
        graphs={s.target: s.triples for s in sources},
        chunk_triples=chunk_triples,
    )
    for src in sources:
        count = _chunk_count(src.triples, chunk_triples)
        for number, triples in enumerate(_batches(src.read(), chunk_triples), start=1):
            chunk = Chunk(src.target, number, count, len(triples))
            try:
                _send(client, chosen, endpoint, chunk, triples, timeout)
            except RemoteError as exc:
                if not report.loaded and isinstance(exc, RemoteAuthError | EndpointUnavailable):
                    raise  # nothing was loaded: the plain cause says it best
                report.failed = chunk
                report.error = exc.message
                raise _incomplete(report, exc) from None
            report.loaded.append(chunk)
            if progress is not None:
                progress(chunk, report)
    return report


def skolemise(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.Literal:
    """A blank node's skolem IRI (same label, same IRI); other terms unchanged."""
    if isinstance(term, ox.BlankNode):
        return ox.NamedNode(GENID + term.value)
    return term


def _sources(store: ox.Store, graph: str | None, keep_graphs: bool) -> list[_Source]:
    default = ox.DefaultGraph()
    default_count = sum(1 for _ in store.quads_for_pattern(None, None, None, default))
    if not keep_graphs:
        if graph is None:
            raise BadInput("give the target graph IRI with --graph (or use --keep-graphs)")
        union = "SELECT DISTINCT ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        counted = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {union} }}")
        assert isinstance(counted, ox.QuerySolutions)
        total = int(next(iter(counted))["n"].value)

        def read_union() -> Iterator[ox.Triple]:
            rows = store.query(union)
            assert isinstance(rows, ox.QuerySolutions)
            for row in rows:
                yield ox.Triple(row["s"], row["p"], row["o"])

        return [_Source(graph, total, read_union)]
    sources = []
    for name in sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)):
        node = ox.NamedNode(name)
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, node))
        if count:
            sources.append(_Source(name, count, _reader(store, node)))
    if default_count:
        if graph is None:
            raise BadInput(
                f"the embedded store has {default_count} triples outside any named graph",
                hint="give --graph to say where they go",
            )
        sources.append(_Source(graph, default_count, _reader(store, default)))
    return sources


def _reader(
    store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph
) -> Callable[[], Iterator[ox.Triple]]:
    def read() -> Iterator[ox.Triple]:
        for quad in store.quads_for_pattern(None, None, None, graph):
            yield quad.triple

    return read


def _batches(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    iterator = iter(triples)
    while batch := list(islice(iterator, size)):
        yield batch


def _chunk_count(triples: int, size: int) -> int:
    return -(-triples // size)


def _ntriples(triples: list[ox.Triple]) -> bytes:
    skolemised = (
        ox.Triple(skolemise(t.subject), t.predicate, skolemise(t.object))  # type: ignore[arg-type]
        for t in triples
    )
    text = ox.serialize(skolemised, format=ox.RdfFormat.N_TRIPLES)
    assert text is not None
    return text


def _send(
    client: HttpClient,
    protocol: Protocol,
    endpoint: str,
    chunk: Chunk,
    triples: list[ox.Triple],
    timeout: float,
) -> None:
    body = _ntriples(triples)
    if protocol == "gsp":
        method = "PUT" if chunk.number == 1 else "POST"
        request = urllib.request.Request(
            _with_graph(endpoint, chunk.graph), data=body, method=method
        )
        request.add_header("Content-Type", _NTRIPLES)
    else:
        # N-Triples lines are valid SPARQL triples (same IRI, literal and escape syntax).
        update = f"INSERT DATA {{ GRAPH <{chunk.graph}> {{\n{body.decode()}}} }}"
        if chunk.number == 1:
            update = f"CLEAR SILENT GRAPH <{chunk.graph}> ;\n{update}"
        request = urllib.request.Request(endpoint, data=update.encode(), method="POST")
        request.add_header("Content-Type", "application/sparql-update")
    response = client.open(request, timeout=timeout, action=f"upload of chunk {chunk.number}")
    client.read(response, timeout=timeout)


def _with_graph(endpoint: str, graph: str) -> str:
    joiner = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{joiner}{urllib.parse.urlencode({'graph': graph})}"


def _detect(endpoint: str, client: HttpClient, timeout: float) -> Protocol:
    """Guess the protocol from the URL's last path segment, else try a no-op update."""
    last = urllib.parse.urlsplit(endpoint).path.rstrip("/").rsplit("/", 1)[-1].lower()
    if last in _GSP_NAMES or last.startswith("sparql-graph-crud"):
        return "gsp"
    if last in _UPDATE_NAMES:
        return "update"
    request = urllib.request.Request(endpoint, data=b"INSERT DATA { }", method="POST")
    request.add_header("Content-Type", "application/sparql-update")
    try:
        response = client.open(request, timeout=min(timeout, 30.0), action="protocol check")
    except (RemoteAuthError, EndpointUnavailable, QueryTimeout):
        raise
    except RemoteError:
        return "gsp"
    kind = response.headers.get("Content-Type", "")
    client.read(response, timeout=timeout)
    return "gsp" if kind.startswith("text/html") else "update"


def _incomplete(report: PushReport, cause: RemoteError) -> PushIncomplete:
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
