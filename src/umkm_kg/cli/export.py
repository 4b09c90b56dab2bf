"""``umkm-kg export``: dumps in every RDF format, the dataset description, the static site."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated

import typer

from ..errors import BadInput
from ..formats import RdfFormat
from ..i18n import t
from ..iri import check_link
from ..publish.export import GraphSelection
from ..store.disk import durable_replace
from ._common import err, out, settings

app = typer.Typer(
    help="Export the graph: dumps (ttl, nt, nq, trig, jsonld, xml), the dataset description, "
    "or a static linked-data site.",
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help=f"One of: {', '.join(RdfFormat.names())} (default: from -o's extension, else ttl).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of stdout.", dir_okay=False
    ),
]
GraphOption = Annotated[
    GraphSelection,
    typer.Option(
        "--graph",
        help="Which data: the article, the added records, both (all), or the reference data.",
    ),
]
OntologyOption = Annotated[
    bool, typer.Option("--with-ontology", help="Include the ontology (graph/ontology).")
]
ShapesOption = Annotated[
    bool, typer.Option("--with-shapes", help="Include the SHACL shapes (graph/shapes).")
]


def _link(option: str) -> Callable[[str | None], str | None]:
    """A callback refusing a value of ``option`` that is not an http(s) URL: it is written
    into pages and descriptions as a link (``javascript:`` or a quote would run or break out)."""

    def check(value: str | None) -> str | None:
        return None if value is None else check_link(value, what=option)

    return check


BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="Where the site and dumps are published, an http(s) URL "
        "(default: https://w3id.org/umkm-kg/).",
        callback=_link("--base-url"),
    ),
]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--sparql-endpoint",
        help="A SPARQL endpoint serving the data (an http(s) URL), to state in the description.",
        callback=_link("--sparql-endpoint"),
    ),
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="export")


@app.callback(invoke_without_command=True)
def export_main(
    ctx: typer.Context,
    fmt: FormatOption = None,
    output: OutputOption = None,
    graph: GraphOption = GraphSelection.ALL,
    with_ontology: OntologyOption = False,
    with_shapes: ShapesOption = False,
) -> None:
    """Export the graph. Without a subcommand, the options below write a dump (as ``dump``)."""
    if ctx.invoked_subcommand is not None:
        return
    dump(ctx, fmt, output, graph, with_ontology, with_shapes)


@app.command("dump")
def dump(
    ctx: typer.Context,
    fmt: FormatOption = None,
    output: OutputOption = None,
    graph: GraphOption = GraphSelection.ALL,
    with_ontology: OntologyOption = False,
    with_shapes: ShapesOption = False,
) -> None:
    """Write the graph in one RDF format; the same graph always gives the same bytes.

    N-Quads and TriG keep the named graphs (and say where each comes from); the other
    formats write their union. JSON-LD is compacted with the project's context.
    """
    from ..publish.export import write_export

    chosen = _format(fmt, output)
    kg = settings(ctx).kg()
    with _target(output) as stream:
        write_export(
            kg, chosen, stream, graph, with_ontology=with_ontology, with_shapes=with_shapes
        )


@app.command("description")
def description(
    ctx: typer.Context,
    fmt: FormatOption = None,
    output: OutputOption = None,
    base_url: BaseUrlOption = None,
    sparql_endpoint: EndpointOption = None,
) -> None:
    """Write the dataset description (VoID, DCAT and schema.org Dataset) with computed counts."""
    from ..publish.dataset import DEFAULT_BASE_URL, describe
    from ..publish.export import serialize_graph

    chosen = _format(fmt, output)
    graph = describe(
        settings(ctx).kg(), base_url=base_url or DEFAULT_BASE_URL, sparql_endpoint=sparql_endpoint
    )
    _emit(serialize_graph(graph, chosen), output)


@app.command("site")
def site(
    ctx: typer.Context,
    directory: Annotated[
        Path,
        typer.Argument(help="Folder to write the site into (created if missing).", file_okay=False),
    ],
    base_url: BaseUrlOption = None,
    sparql_endpoint: EndpointOption = None,
    queries: Annotated[
        bool, typer.Option("--queries/--no-queries", help="Run the saved queries for their pages.")
    ] = True,
    alternates: Annotated[
        str,
        typer.Option(
            help="RDF files written beside each resource page, comma-separated "
            "(ttl, jsonld, nt); nt adds a file per resource and a fifth to a registry's site.",
        ),
    ] = "ttl,jsonld",
) -> None:
    """Write a static linked-data site for any static host.

    A page per resource (with its Turtle and JSON-LD, and N-Triples if asked), ontology docs,
    query pages, the gzip dumps and their description, and content negotiation for Apache and
    nginx.
    """
    from ..publish.dataset import DEFAULT_BASE_URL
    from ..publish.site import build_site

    state = settings(ctx)
    if directory.exists() and not directory.is_dir():
        raise BadInput(f"{directory} exists and is not a folder")
    report = build_site(
        state.kg(),
        directory,
        base_url or DEFAULT_BASE_URL,
        lang=state.lang.value,
        sparql_endpoint=sparql_endpoint,
        with_queries=queries,
        alternates=[RdfFormat.parse_name(n.strip()) for n in alternates.split(",") if n.strip()],
    )
    for note in report.notes:
        err.print(t(state.lang.value, "note: ", "catatan: ") + note, markup=False)
    out.print(
        t(
            state.lang.value,
            f"wrote {report.pages} pages ({report.resources} resources, {report.queries} "
            f"queries), {len(report.files)} files, {report.bytes / 1e6:.1f} MB in "
            f"{report.seconds:.1f} s to {directory}",
            f"{report.pages} halaman ditulis ({report.resources} sumber daya, {report.queries} "
            f"kueri), {len(report.files)} berkas, {report.bytes / 1e6:.1f} MB dalam "
            f"{report.seconds:.1f} dtk ke {directory}",
        ),
        markup=False,
    )


def _format(name: str | None, output: Path | None) -> RdfFormat:
    if name is not None:
        return RdfFormat.parse_name(name)
    if output is not None:
        return RdfFormat.for_path(output.name)
    return RdfFormat.TURTLE


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _emit(data: bytes, output: Path | None) -> None:
    """Write to stdout, or to ``output`` through a temporary file renamed into place."""
    with _target(output) as stream:
        stream.write(data)


@contextmanager
def _target(output: Path | None) -> Iterator[IO[bytes]]:
    """Stdout, or a temporary file renamed to ``output`` once everything is written."""
    if output is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    folder = output.resolve().parent
    if not folder.is_dir():
        raise BadInput(f"cannot write {output}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        # mkstemp makes the file private; give it the mode a plain write would have.
        os.chmod(temporary, output.stat().st_mode & 0o777 if output.exists() else _default_mode())
        durable_replace(Path(temporary), output)  # a backup survives a power cut whole
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise BadInput(f"cannot write {output}: {exc}") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
