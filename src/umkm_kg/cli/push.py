"""``umkm-kg push``: load the embedded graph into a remote SPARQL store."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import t
from ..publish.push import DEFAULT_CHUNK_TRIPLES, DEFAULT_SQL_PORT
from ._common import PASSWORD_ENV, USER_ENV, err, out, settings

if TYPE_CHECKING:
    from ..publish.push import Chunk, PushReport


class ProtocolName(StrEnum):
    auto = "auto"
    gsp = "gsp"
    update = "update"


class AuthName(StrEnum):
    digest = "digest"
    basic = "basic"


def register(app: typer.Typer) -> None:
    app.command("push")(push_command)


def push_command(
    ctx: typer.Context,
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="The server's write endpoint: Graph Store Protocol (e.g. .../store, "
            ".../sparql-graph-crud-auth) or SPARQL Update (e.g. .../update, .../sparql-auth).",
        ),
    ],
    graph: Annotated[
        str | None,
        typer.Option("--graph", help="Graph IRI to load into (replaced). Default: global --graph."),
    ] = None,
    protocol: Annotated[
        ProtocolName,
        typer.Option("--protocol", help="gsp, update, or auto (guess from the URL, or try)."),
    ] = ProtocolName.auto,
    auth: Annotated[
        AuthName | None,
        typer.Option(
            "--auth",
            help="HTTP authentication (default: $UMKM_KG_AUTH, else whatever the server asks). "
            "Credentials come from UMKM_KG_USER / UMKM_KG_PASSWORD only.",
        ),
    ] = None,
    keep_graphs: Annotated[
        bool,
        typer.Option(
            "--keep-graphs",
            help="Load each named graph (ontology, article, records batches) into the graph "
            "of the same IRI, instead of their union into --graph.",
        ),
    ] = False,
    chunk_triples: Annotated[
        int,
        typer.Option(
            "--chunk-triples", min=1, help="Triples per request (SPARQL Update: at most 250)."
        ),
    ] = DEFAULT_CHUNK_TRIPLES,
    bulk_dir: Annotated[
        Path | None,
        typer.Option(
            "--bulk-dir",
            help="Virtuoso only: write N-Triples files into this folder (one the server may "
            "read: DirsAllowed) and load them with its bulk loader through isql-vt, as the "
            "UMKM_KG_USER login (dba, or allowed to run ld_dir and rdf_loader_run). The "
            "fastest way to load millions of triples into a local Virtuoso.",
        ),
    ] = None,
    sql_port: Annotated[
        int,
        typer.Option("--sql-port", min=1, max=65535, help="Virtuoso's SQL port (--bulk-dir)."),
    ] = DEFAULT_SQL_PORT,
    loaders: Annotated[
        int,
        typer.Option("--loaders", min=1, help="Bulk loader sessions in parallel (--bulk-dir)."),
    ] = 1,
) -> None:
    """Load the graph (with added records) into a remote store, replacing the target graphs.

    Blank nodes are sent as skolem IRIs (https://w3id.org/umkm-kg/.well-known/genid/...).

    With --bulk-dir the endpoint only names the server's host.

    Exit code 3 if the server is unreachable, refuses the credentials or fails midway.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..kg import KnowledgeGraph
    from ..publish.push import BulkLoader, push
    from ..store.remote import AUTH_ENV, auth_scheme

    options = settings(ctx)
    kg = KnowledgeGraph.embedded(data_dir=options.records_dir, isolated=False)
    scheme = auth_scheme(auth.value if auth else os.environ.get(AUTH_ENV))
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("triples"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(
            t(options.lang.value, f"pushing to {endpoint}", f"mengirim ke {endpoint}"), total=None
        )

        def advance(chunk: Chunk, report: PushReport) -> None:
            bar.update(task, completed=report.triples_sent, total=report.total_triples)

        report = push(
            kg,
            endpoint,
            graph or (options.graphs[0] if options.graphs else None),
            protocol=protocol.value,
            user=os.environ.get(USER_ENV),
            password=os.environ.get(PASSWORD_ENV),
            auth=scheme,
            chunk_triples=chunk_triples,
            keep_graphs=keep_graphs,
            bulk=BulkLoader(bulk_dir, sql_port=sql_port, loaders=loaders) if bulk_dir else None,
            progress=advance,
        )
    out.print(
        t(
            options.lang.value,
            f"pushed {report.triples_sent:,} triples in {report.chunks_ok} chunks to {endpoint} "
            f"({report.protocol})",
            f"{report.triples_sent:,} tripel dikirim dalam {report.chunks_ok} bagian ke "
            f"{endpoint} ({report.protocol})",
        ),
        markup=False,
    )
    for line in report.describe():
        out.print(line, markup=False)
