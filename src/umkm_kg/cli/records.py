"""``umkm-kg validate``, ``add`` and ``template``: checking and adding enterprise records."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import EXIT_NONCONFORMANT, BadInput
from ..i18n import t
from ..records.rdfinput import MAX_INPUT_BYTES, RecordFormat
from ._common import Lang, settings

if TYPE_CHECKING:
    from ..validation import ValidationReport


class ReportFormat(StrEnum):
    """How a validation report is printed."""

    text = "text"
    json = "json"
    ttl = "ttl"


class TemplateFormat(StrEnum):
    """Formats of the record templates."""

    csv = "csv"
    ttl = "ttl"
    jsonld = "jsonld"
    xlsx = "xlsx"


FilesArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="FILE",
        help="Record files (ttl, nt, nq, jsonld, rdf/xml, csv, xlsx), or - for standard input.",
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help=f"Input format, one of: {', '.join(RecordFormat.names())} (default: by extension).",
    ),
]
ReportOption = Annotated[
    ReportFormat,
    typer.Option("--report", help="text, json, or ttl (the SHACL validation report)."),
]
LangOption = Annotated[
    Lang | None, typer.Option("--lang", help="Language of the report (default: the global one).")
]
MaxSizeOption = Annotated[
    int,
    typer.Option("--max-size", min=1, help="Largest input accepted, in MiB."),
]


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
    app.command("add")(add_command)
    app.command("load")(load_command)
    app.command("template")(template_command)


def validate_command(
    ctx: typer.Context,
    files: FilesArgument,
    fmt: FormatOption = None,
    report: ReportOption = ReportFormat.text,
    lang: LangOption = None,
    max_size: MaxSizeOption = MAX_INPUT_BYTES // (1024 * 1024),
) -> None:
    """Check records against the shapes, together with what they refer to in the graph.

    Exit code 0: the records conform (warnings allowed); 1: violations; 2: unreadable input.
    """
    shown = _lang(ctx, lang)
    result = _validate(ctx, files, fmt, max_size)
    _print(result, report, shown)
    if not result.conforms:
        raise typer.Exit(EXIT_NONCONFORMANT)


def add_command(
    ctx: typer.Context,
    files: FilesArgument,
    fmt: FormatOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and check duplicates; write nothing.")
    ] = False,
    allow_similar: Annotated[
        bool,
        typer.Option(
            "--allow-similar",
            help="Add records reported as probable duplicates (checked: they are other "
            "enterprises).",
        ),
    ] = False,
    report: ReportOption = ReportFormat.text,
    lang: LangOption = None,
    max_size: MaxSizeOption = MAX_INPUT_BYTES // (1024 * 1024),
) -> None:
    """Validate the whole batch, then add all of it to the records store, or none of it.

    The batch becomes one named graph with its provenance (when, from which files, against
    which shapes). Exit code 1 when a record does not conform or duplicates an enterprise, or
    is a probable duplicate (a similar name and the same owner, kelurahan or product) and
    --allow-similar is not given.
    """
    from ..records.add import add_records

    options = settings(ctx)
    shown = _lang(ctx, lang)
    added = add_records(
        options.kg(),
        files,
        options.records_dir,
        fmt=fmt,
        max_bytes=max_size * 1024 * 1024,
        dry_run=dry_run,
        allow_similar=allow_similar,
    )
    if not added.conforms or added.report.records:
        _print(added.report, report, shown)
    if not added.conforms:
        raise typer.Exit(EXIT_NONCONFORMANT)
    if added.refused_as_similar:
        count = len(added.similar)
        typer.echo(
            f"ditolak: {count} rekaman kemungkinan duplikat usaha yang sudah ada; tidak ada "
            "yang ditulis. Periksa; bila memang usaha lain, tambahkan dengan --allow-similar"
            if shown == "id"
            else f"refused: {count} records are probable duplicates of known enterprises; "
            "nothing written. Check them; if they are other enterprises, add again with "
            "--allow-similar",
            err=True,
        )
        raise typer.Exit(EXIT_NONCONFORMANT)
    records = added.records
    if added.graph is None:
        say = t(
            shown,
            f"{records} records conform; nothing written (--dry-run)",
            f"{records} rekaman sesuai; tidak ada yang ditulis (--dry-run)",
        )
    else:
        say = t(
            shown,
            f"added {records} records to {added.store} as graph <{added.graph}>",
            f"{records} rekaman ditambahkan ke {added.store} sebagai graf <{added.graph}>",
        )
    typer.echo(say, err=True)


def load_command(
    ctx: typer.Context,
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE", help="Registry files: ttl, nt, nq, trig, jsonld, xml, csv or xlsx."
        ),
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="Input format (default: by extension).")
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--validate/--no-validate",
            help="Validate in context and refuse duplicates (--no-validate: a trusted dump).",
        ),
    ] = True,
    chunk: Annotated[
        int, typer.Option("--chunk", min=1, help="Records validated together.")
    ] = 2000,
    report: ReportOption = ReportFormat.text,
    lang: LangOption = None,
) -> None:
    """Bulk-load a registry as one batch: all of it, or nothing.

    Exit code 1 when a record does not conform or duplicates an enterprise.
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..records.load import load_records
    from ._common import err

    options = settings(ctx)
    shown = _lang(ctx, lang)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,.0f}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(t(shown, "opening the store", "membuka penyimpanan"), total=None)

        def note(stage: str, done: int) -> None:
            bar.update(task, description=_stage(stage, shown), completed=done)

        loaded = load_records(
            options.kg(),
            files,
            options.records_dir,
            fmt=fmt,
            validate=check,
            chunk=chunk,
            progress=note,
        )
    if not loaded.conforms:
        _print(loaded.report(), report, shown)
        if loaded.stopped_early:
            typer.echo(
                t(
                    shown,
                    f"stopped after {loaded.violations} records with violations; nothing written",
                    f"berhenti setelah {loaded.violations} rekaman dengan pelanggaran; "
                    "tidak ada yang ditulis",
                ),
                err=True,
            )
        raise typer.Exit(EXIT_NONCONFORMANT)
    if loaded.validated:
        checked = t(shown, "validated", "divalidasi")
    else:
        checked = t(shown, "not validated (--no-validate)", "tidak divalidasi (--no-validate)")
    typer.echo(
        t(
            shown,
            f"loaded {loaded.enterprises:,} enterprises, {loaded.quads:,} triples, {checked}, "
            f"in {loaded.seconds:.1f} s as graph <{loaded.graph}>",
            f"{loaded.enterprises:,} usaha dimuat, {loaded.quads:,} tripel, {checked}, "
            f"dalam {loaded.seconds:.1f} dtk sebagai graf <{loaded.graph}>",
        ),
        err=True,
    )


def _stage(stage: str, lang: str) -> str:
    """A stage of a load (``validating``, ``reading FILE``) in ``lang``."""
    if stage == "validating":
        return t(lang, stage, "memvalidasi")
    if stage.startswith("reading "):
        return t(lang, stage, "membaca " + stage.removeprefix("reading "))
    return stage


def template_command(
    ctx: typer.Context,
    kind: Annotated[
        str, typer.Argument(metavar="KIND", help="What to make a template of: enterprise.")
    ],
    fmt: Annotated[
        TemplateFormat, typer.Option("--format", "-f", help="csv, ttl, jsonld or xlsx.")
    ] = TemplateFormat.csv,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to FILE (required for xlsx on a terminal).",
            dir_okay=False,
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Print a blank record with comments (xlsx: with drop-down lists); fill it in, then
    validate or add it."""
    from ..records.templates import template_bytes

    kg = settings(ctx).kg() if fmt is not TemplateFormat.csv else None
    shown = _lang(ctx, lang)
    if output is None and fmt is TemplateFormat.xlsx and sys.stdout.isatty():
        raise BadInput(
            t(
                shown,
                "an .xlsx workbook is not text for a terminal",
                "buku kerja .xlsx bukan teks untuk terminal",
            ),
            hint=t(shown, "give -o FILE.xlsx", "berikan -o BERKAS.xlsx"),
        )
    data = template_bytes(kind, fmt.value, kg, shown)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise BadInput(
            t(
                shown,
                f"cannot write {output}: {exc.strerror or exc}",
                f"tidak dapat menulis {output}: {exc.strerror or exc}",
            )
        ) from exc


def _validate(
    ctx: typer.Context, files: list[str], fmt: str | None, max_size: int
) -> ValidationReport:
    from ..validation.files import validate_files

    kg = settings(ctx).kg()
    return validate_files(files, kg, fmt=fmt, max_bytes=max_size * 1024 * 1024)


def _lang(ctx: typer.Context, lang: Lang | None) -> str:
    from ._common import SHOWN_LANG

    chosen = (lang or settings(ctx).lang).value
    SHOWN_LANG.set(chosen)  # errors of this command speak the report's language
    return chosen


def _print(result: ValidationReport, report: ReportFormat, lang: str) -> None:
    # Plain echo, not rich: a report quotes user data ("rdfs:label:" would become an emoji).
    if report is ReportFormat.json:
        typer.echo(json.dumps(result.as_dict(lang), indent=2, ensure_ascii=False))
    elif report is ReportFormat.ttl:
        typer.echo(result.turtle(), nl=False)
    else:
        typer.echo(result.text(lang), nl=False)
