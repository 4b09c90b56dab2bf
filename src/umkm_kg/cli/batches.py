"""``umkm-kg records list|show|remove|history|restore``: the batches, and the store's backups."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ..i18n import t
from ._common import out, settings

records_app = typer.Typer(
    help="The added batches of records, and the store's backups.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(records_app, name="records")


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
BatchArgument = Annotated[
    str, typer.Argument(metavar="BATCH", help="The batch: its graph IRI, id, or a unique start.")
]


@records_app.command("list")
def list_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Each batch: when it was added, from which files, how many enterprises and triples."""
    from ..records import RecordsStore

    lang = settings(ctx).lang.value
    batches = RecordsStore(settings(ctx).records_dir).batches()
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": b.id,
                        "graph": b.iri,
                        "added": b.generated_at,
                        "sources": list(b.sources),
                        "enterprises": b.enterprises,
                        "triples": b.triples,
                        "shapes_version": b.shapes_version,
                    }
                    for b in batches
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    table = Table(
        "batch",
        t(lang, "added", "ditambahkan"),
        t(lang, "from", "dari"),
        t(lang, "enterprises", "usaha"),
        t(lang, "triples", "tripel"),
        box=None,
    )
    for column in table.columns[:3]:
        column.overflow = "fold"
    for b in batches:
        table.add_row(
            escape(b.id),
            escape(b.generated_at or "?"),
            escape(", ".join(b.sources)),
            str(b.enterprises),
            str(b.triples),
        )
    out.print(table)
    count = len(batches)
    out.print(t(lang, f"{count} batch{'' if count == 1 else 'es'}", f"{count} batch"), markup=False)


@records_app.command("show")
def show_command(ctx: typer.Context, batch: BatchArgument) -> None:
    """Print one batch's records as sorted TriG."""
    from ..records import RecordsStore

    store = RecordsStore(settings(ctx).records_dir)
    typer.echo(store.trig(store.batch(batch).iri), nl=False)


@records_app.command("remove")
def remove_command(ctx: typer.Context, batch: BatchArgument) -> None:
    """Retract a batch: it leaves the store in one transaction; its records are kept in the
    data folder's retracted/ and the store's history graph says when it was removed."""
    from ..records import RecordsStore

    info, kept = RecordsStore(settings(ctx).records_dir).remove(batch)
    typer.echo(
        t(
            settings(ctx).lang.value,
            f"removed batch {info.id} ({info.enterprises} enterprises, {info.triples} triples); "
            f"its records are kept in {kept}",
            f"batch {info.id} dihapus ({info.enterprises} usaha, {info.triples} tripel); "
            f"rekamannya disimpan di {kept}",
        ),
        err=True,
    )


@records_app.command("history")
def history_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The store's kept generations (backups), newest first: when, and what changed."""
    from ..records import RecordsStore

    lang = settings(ctx).lang.value
    generations = RecordsStore(settings(ctx).records_dir).history()
    if as_json:
        typer.echo(json.dumps([dict(g.meta, name=g.name) for g in generations], indent=2))
        return
    table = Table(
        t(lang, "generation", "generasi"),
        t(lang, "written", "ditulis"),
        t(lang, "triples", "tripel"),
        t(lang, "change", "perubahan"),
        box=None,
    )
    table.columns[3].overflow = "fold"
    for g in generations:
        table.add_row(
            g.name,
            g.created or "?",
            str(g.meta.get("quads", "?")),
            escape(_change(g.change or "", lang)),
        )
    out.print(table)


@records_app.command("restore")
def restore_command(
    ctx: typer.Context,
    generation: Annotated[
        str, typer.Argument(metavar="GENERATION", help="A generation from `records history`.")
    ],
) -> None:
    """Make a kept generation the current state again (as a new generation: nothing is lost)."""
    from ..records import RecordsStore

    made = RecordsStore(settings(ctx).records_dir).restore(generation)
    typer.echo(
        t(
            settings(ctx).lang.value,
            f"restored {generation} as {made}",
            f"{generation} dipulihkan sebagai {made}",
        ),
        err=True,
    )


_CHANGES_ID = {
    "add": "tambah",
    "load": "muat",
    "remove": "hapus",
    "restore": "pulihkan",
    "import": "impor",
}


def _change(change: str, lang: str) -> str:
    """What a generation changed (``add <graph>``, ``bundled data``...) in ``lang``."""
    if lang != "id":
        return change
    if change == "bundled data":
        return "data bawaan"
    verb, _, rest = change.partition(" ")
    rest = rest.replace(" from ", " dari ") if verb == "load" else rest
    return f"{_CHANGES_ID[verb]} {rest}" if verb in _CHANGES_ID else change


@records_app.command("update")
def update_command(
    ctx: typer.Context,
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE",
            help="New versions of existing records (ttl, nt, nq, jsonld, rdf/xml, csv), or -.",
        ),
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="Input format (default: by extension).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate the new versions; write nothing.")
    ] = False,
    report: Annotated[
        str, typer.Option("--report", help="text, json, or ttl (the SHACL validation report).")
    ] = "text",
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the report: id or en.")
    ] = None,
) -> None:
    """Replace enterprises' records by new versions, in one transaction (all or nothing).

    Each enterprise in FILE must be a record of the store (the same IRI, or the same NIB). Its
    old description leaves its batch and is kept in the data folder's retracted/; the new one is
    validated in context and added as a new batch that says prov:wasRevisionOf the old version.
    Exit code 1 when a new version does not conform or duplicates another enterprise; 2 when an
    enterprise is no record (use add).
    """
    from ..errors import EXIT_NONCONFORMANT
    from ..records.update import update_records
    from .records import ReportFormat, _print

    options = settings(ctx)
    shown = "id" if (lang or options.lang.value) == "id" else "en"
    try:
        shape = ReportFormat(report)
    except ValueError:
        raise typer.BadParameter("choose text, json or ttl", param_hint="--report") from None
    updated = update_records(options.kg(), files, options.records_dir, fmt=fmt, dry_run=dry_run)
    if not updated.conforms or updated.report.records:
        _print(updated.report, shape, shown)
    if not updated.conforms:
        raise typer.Exit(EXIT_NONCONFORMANT)
    for old in updated.replaced:
        kept = f"; the old version is kept in {old.kept}" if old.kept else ""
        kept_id = f"; versi lama disimpan di {old.kept}" if old.kept else ""
        typer.echo(
            t(
                shown,
                f"<{old.new}> replaces <{old.old}> (from {old.batch}){kept}",
                f"<{old.new}> menggantikan <{old.old}> (dari {old.batch}){kept_id}",
            ),
            err=True,
        )
    if updated.graph is None:
        typer.echo(
            t(
                shown,
                "the new versions conform; nothing written (--dry-run)",
                "versi baru sesuai; tidak ada yang ditulis (--dry-run)",
            ),
            err=True,
        )
    else:
        count = len(updated.replaced)
        typer.echo(
            t(
                shown,
                f"updated {count} records as graph <{updated.graph}>",
                f"{count} rekaman diperbarui sebagai graf <{updated.graph}>",
            ),
            err=True,
        )
