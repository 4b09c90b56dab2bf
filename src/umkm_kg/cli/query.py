"""``umkm-kg query list|show|run`` (the saved queries) and ``umkm-kg sparql`` (ad-hoc queries)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from ..errors import BadInput, BadParameter, UmkmError
from ..i18n import t
from ..query.catalogue import load_catalogue
from ._common import Lang, Settings, err, out, settings

if TYPE_CHECKING:
    from rdflib import URIRef

    from ..query.render import Format
    from ..query.results import QueryResult

query_app = typer.Typer(
    help="List, show and run the saved SPARQL queries (queries/*.rq).", no_args_is_help=True
)

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="SELECT/ASK: table (default), csv, tsv, json, xml. "
        "CONSTRUCT/DESCRIBE: ttl (default), nt, jsonld, xml.",
    ),
]
LangOption = Annotated[
    Lang | None, typer.Option("--lang", help="Language of labels (default: the global --lang).")
]
LabelsOption = Annotated[
    bool,
    typer.Option(
        "--labels",
        help="CSV, TSV, JSON, XML: add a column ?xLabel beside each column ?x of IRIs, "
        "with labels in the --lang language.",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the result to this file.", dir_okay=False),
]


def register(app: typer.Typer) -> None:
    app.add_typer(query_app, name="query")
    app.command("sparql")(sparql)


@query_app.command("list")
def list_queries(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List the saved queries: name, form, parameters and title."""
    lang = settings(ctx).lang.value
    catalogue = load_catalogue()
    if fmt == "json":
        out.print_json(json.dumps([q.as_dict() for q in catalogue]))
        return
    if fmt != "table":
        raise BadInput(
            t(lang, f"unknown list format {fmt!r}", f"format daftar {fmt!r} tidak dikenal"),
            hint=t(lang, "choose table or json", "pilih table atau json"),
        )
    from rich.table import Table

    grid = Table(box=None)
    grid.add_column(t(lang, "name", "nama"), no_wrap=True)
    grid.add_column(t(lang, "form", "bentuk"), no_wrap=True)
    grid.add_column(t(lang, "parameters", "parameter"))
    grid.add_column(t(lang, "title", "judul"))
    for saved in catalogue:
        params = ", ".join(p.name for p in saved.parameters)
        grid.add_row(saved.name, saved.form.value, params, Text(saved.title.get(lang)))
    out.print(grid)


@query_app.command("show")
def show(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The query's name.")]
) -> None:
    """Show a saved query: title, description, parameters and its SPARQL text."""
    lang = settings(ctx).lang.value
    saved = load_catalogue().get(name)
    out.print(Text(f"{saved.name} ({saved.form.value})"), style="bold")
    out.print(Text(saved.title.get(lang)))
    out.print(Text(saved.description.get(lang)))
    if saved.tags:
        out.print(Text(t(lang, "tags: ", "tag: ") + ", ".join(saved.tags)))
    for p in saved.parameters:
        facts = [p.type.value]
        if p.default is not None:
            facts.append(t(lang, "default ", "bawaan ") + str(p.default))
        elif p.required:
            facts.append(t(lang, "required", "wajib"))
        if p.allowed:
            facts.append(t(lang, "one of ", "salah satu dari ") + ", ".join(p.allowed))
        if p.values_from_graph:
            facts.append(t(lang, "values found in the graph", "nilai yang ada dalam graf"))
        out.print(Text(f"  -p {p.name}=...  ({'; '.join(facts)}) {p.description.get(lang)}"))
    out.print()
    out.print(Text(saved.body.rstrip()))


@query_app.command("run")
def run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The query's name (see: umkm-kg query list).")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as name=value (repeatable)."),
    ] = None,
    fmt: FormatOption = None,
    lang: LangOption = None,
    labels: LabelsOption = False,
    output: OutputOption = None,
) -> None:
    """Run a saved query, e.g. query run exporters-by-country -p country=Malaysia."""
    from ..query.render import resolve_format

    options = settings(ctx)
    saved = load_catalogue().get(name)
    chosen = resolve_format(fmt, saved.form, str(output) if output else None)
    params = parse_params(param or [])
    result = options.kg().run(saved, params, timeout=options.timeout, max_rows=options.max_rows)
    emit(options, result, chosen, lang, output, label_columns=labels)


def sparql(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(help="The SPARQL query text.")] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Read the query from this .rq file.", dir_okay=False),
    ] = None,
    fmt: FormatOption = None,
    lang: LangOption = None,
    labels: LabelsOption = False,
    output: OutputOption = None,
) -> None:
    """Run an ad-hoc read-only SPARQL query (no updates, SERVICE, LOAD or outside FROM).

    The project's prefixes are declared already: kg:, umkm:, schema:, rdfs:, skos:, org:...
    """
    lang_ = (lang or settings(ctx).lang).value
    if (query is None) == (file is None):
        raise BadInput(
            t(
                lang_,
                "give either a query or --file FILE.rq",
                "berikan kueri atau --file BERKAS.rq",
            ),
            hint="umkm-kg sparql 'ASK {}'",
        )
    if file is not None:
        try:
            query = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(
                t(lang_, f"{file}: cannot be read: {exc}", f"{file}: tidak dapat dibaca: {exc}")
            ) from exc
    assert query is not None
    from ..query.render import resolve_format
    from ..query.sparql import predeclare, unshift

    options = settings(ctx)
    text, shift = predeclare(query)
    try:
        result = options.kg().query(text, timeout=options.timeout, max_rows=options.max_rows)
    except UmkmError as exc:
        exc.message = unshift(exc.message, shift)
        raise
    chosen = resolve_format(fmt, result.form, str(output) if output else None)
    emit(options, result, chosen, lang, output, label_columns=labels)


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``["country=Malaysia"]`` -> ``{"country": "Malaysia"}``.

    :raises BadParameter: a pair without ``=`` or a name given twice.
    """
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise BadParameter(f"-p {pair!r}: write -p name=value", hint="example: -p country=my")
        if name in params:
            raise BadParameter(f"parameter {name} is given twice")
        params[name] = value
    return params


def emit(
    options: Settings,
    result: QueryResult,
    fmt: Format,
    lang: Lang | None,
    output: Path | None,
    *,
    label_columns: bool = False,
) -> None:
    """Write a result to stdout or ``output``; say on stderr when it was cut."""
    from ..formats import ResultFormat
    from ..query.render import fetch_labels, render

    labels: dict[URIRef, str] = {}
    shown = (lang or options.lang).value
    if fmt is ResultFormat.TABLE and not result.form.returns_graph:
        labels = fetch_labels(options.kg(), result, shown)
    elif label_columns:
        from ..query.labels import with_labels

        result = with_labels(options.kg(), result, shown)
    # A pipe or a file has no width of its own: do not fold tables at 80 columns there.
    width = out.width if output is None and out.is_terminal else 160
    text = render(result, fmt, labels=labels, width=width, lang=shown)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            raise BadInput(
                t(shown, f"cannot write {output}: {exc}", f"tidak dapat menulis {output}: {exc}")
            ) from exc
    else:
        out.file.write(text)
        out.file.flush()
    if result.truncated:
        why = result.note or t(shown, "not all rows are shown", "tidak semua baris ditampilkan")
        err.print(t(shown, "warning: the result was cut: ", "peringatan: hasil dipotong: ") + why)
