"""Load the embedded graph into a remote store: over HTTP in chunks, or by Virtuoso's bulk loader.

Three ways reach a store's write side:

- the SPARQL 1.1 Graph Store HTTP Protocol (``gsp``): the first chunk of a graph is sent with
  ``PUT`` (it replaces the graph), the following ones with ``POST`` (they add to it), as
  N-Triples;
- SPARQL 1.1 Update (``update``): ``CLEAR SILENT GRAPH`` then ``INSERT DATA`` chunks of at
  most :data:`UPDATE_CHUNK_MAX` triples. Virtuoso 7.2 compiles each ``INSERT DATA`` into SQL at
  a cost that grows faster than its size (20,000 triples: about 7 s in 250-triple requests,
  20-35 s in 1,000-triple ones) and refuses one of 2,000 ("SP031: length of generated SQL text
  has exceeded..."). The Graph Store Protocol is far faster for large graphs;
- Virtuoso's bulk loader (``bulk``, :mod:`.virtuoso`): files in a folder the server reads,
  loaded through ``isql``; the fastest for millions of triples on a local server.

Either way a push *replaces* each target graph. Blank nodes are skolemised, for every protocol
alike, into IRIs under ``https://w3id.org/umkm-kg/.well-known/genid/`` (RDF 1.1 Concepts §3.5):
Virtuoso's ``INSERT DATA`` rejects blank nodes, and blank nodes sent in separate chunks would
otherwise become different nodes on the server. The triples stream from the store in bounded
memory (:mod:`.source`), whatever the registry's size.

A failure stops the push: :class:`PushIncomplete` says which chunks were loaded and which were
not, and carries the :class:`PushReport`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Literal

from ...errors import BadInput, EndpointUnavailable, RemoteAuthError, RemoteError
from ...iri import check_iri
from ...kg import KnowledgeGraph
from ...store import EmbeddedStore
from ...store.remote import AuthScheme, HttpClient
from .http import UPDATE_CHUNK_MAX, detect, send
from .report import (
    DEFAULT_CHUNK_TRIPLES,
    Chunk,
    ProgressCallback,
    Protocol,
    PushIncomplete,
    PushReport,
    chunk_count,
    incomplete,
)
from .source import Target, blocks, chunks, plan, prefetched, skolemise
from .virtuoso import DEFAULT_SQL_PORT, BulkLoader, bulk_push

__all__ = [
    "DEFAULT_CHUNK_TRIPLES",
    "DEFAULT_PUSH_TIMEOUT",
    "DEFAULT_SQL_PORT",
    "UPDATE_CHUNK_MAX",
    "BulkLoader",
    "Chunk",
    "ProgressCallback",
    "Protocol",
    "ProtocolChoice",
    "PushIncomplete",
    "PushReport",
    "push",
    "skolemise",
]

DEFAULT_PUSH_TIMEOUT = 300.0
"""Seconds one chunk's request may take."""

ProtocolChoice = Literal["auto", "gsp", "update"]


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
    bulk: BulkLoader | None = None,
    progress: ProgressCallback | None = None,
) -> PushReport:
    """Load the embedded graph into the store at ``endpoint``, replacing the target graphs.

    By default the union of the embedded named graphs goes into ``graph``. With
    ``keep_graphs`` each named graph (ontology, article, records batches) goes to the graph of
    the same IRI on the server, and ``graph`` receives only default-graph triples, if any.
    With ``bulk`` the triples go through Virtuoso's bulk loader instead of HTTP (``endpoint``
    then only names the server's host; ``protocol`` and ``chunk_triples`` do not apply).

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
    targets = plan(store, graph, keep_graphs)
    for target in targets:
        check_iri(target.graph, where="the graph name")
    if bulk is not None:
        return bulk_push(
            store.oxigraph, targets, endpoint, bulk, user=user, password=password,
            progress=progress,
        )  # fmt: skip
    client = HttpClient(endpoint, user=user, password=password, auth=auth)
    client.prime(endpoint, timeout=min(timeout, 30.0))
    chosen: Protocol = "gsp" if protocol == "gsp" else "update"
    if protocol == "auto":
        chosen = "gsp" if detect(endpoint, client, timeout) == "gsp" else "update"
    if chosen == "update":
        chunk_triples = min(chunk_triples, UPDATE_CHUNK_MAX)
    report = PushReport(
        endpoint=endpoint,
        protocol=chosen,
        graphs={t.graph: t.triples for t in targets},
        chunk_triples=chunk_triples,
    )
    for target in targets:
        streams = (blocks(store.oxigraph, part) for part in target.parts)
        with contextlib.closing(prefetched(chunks(streams, chunk_triples))) as sent:
            _send_all(client, chosen, endpoint, target, sent, report, timeout, progress)
    return report


def _send_all(
    client: HttpClient,
    protocol: Protocol,
    endpoint: str,
    target: Target,
    bodies: Iterator[tuple[bytes, int]],
    report: PushReport,
    timeout: float,
    progress: ProgressCallback | None,
) -> None:
    count = chunk_count(target.triples, report.chunk_triples)
    for number, (body, triples) in enumerate(bodies, start=1):
        chunk = Chunk(target.graph, number, count, triples)
        try:
            send(client, protocol, endpoint, chunk, body, timeout)
        except RemoteError as exc:
            if not report.loaded and isinstance(exc, RemoteAuthError | EndpointUnavailable):
                raise  # nothing was loaded: the plain cause says it best
            report.failed = chunk
            report.error = exc.message
            raise incomplete(report, exc) from None
        report.loaded.append(chunk)
        if progress is not None:
            progress(chunk, report)
