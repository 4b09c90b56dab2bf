"""``umkm-kg synth``: write a synthetic registry of enterprises (benchmarks, tests, demos)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import t
from ..synth import STDOUT, SynthFormat, write_registry
from ._common import settings


def register(app: typer.Typer) -> None:
    app.command("synth")(synth_command)


def synth_command(
    ctx: typer.Context,
    enterprises: Annotated[
        int,
        typer.Option("--enterprises", "-n", min=0, metavar="N", help="How many enterprises."),
    ],
    seed: Annotated[
        int, typer.Option("--seed", metavar="S", help="Seed: the same N and S give the same bytes.")
    ] = 0,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write: FILE.ttl, .nt, .nq or .csv (the format follows the "
            "extension), or - for standard output (then give --format).",
        ),
    ] = STDOUT,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="ttl, nt, nq or csv (default: by FILE's extension)."),
    ] = None,
    broken_ratio: Annotated[
        float,
        typer.Option(
            "--broken-ratio",
            min=0.0,
            max=1.0,
            metavar="R",
            help="Plant one known problem in about R of the records (0 to 1).",
        ),
    ] = 0.0,
    manifest: Annotated[
        str | None,
        typer.Option(
            "--manifest",
            metavar="FILE",
            help="Write which records are broken, and how, as JSON lines.",
        ),
    ] = None,
    places: Annotated[
        str | None,
        typer.Option(
            "--places",
            metavar="FILE",
            help="Write the kelurahan to this Turtle file instead of into the registry "
            "(for CSV the default is FILE.places.ttl beside it).",
        ),
    ] = None,
) -> None:
    """Write a synthetic registry: Indonesian names, owners, NIBs, products, export claims,
    size classes and kelurahan of Kota Tangerang, plus the places the bundled graph lacks.

    The output validates against the bundled graph as it is (for CSV, together with its
    places file: umkm-kg validate FILE.places.ttl FILE.csv). Records are made up.
    """
    summary = write_registry(
        output,
        enterprises=enterprises,
        seed=seed,
        fmt=SynthFormat.parse(fmt) if fmt is not None else None,
        broken_ratio=broken_ratio,
        places=places,
        manifest=manifest,
    )
    lang = settings(ctx).lang.value
    shown = t(lang, "standard output", "keluaran standar") if output == STDOUT else output
    count = f"{summary.enterprises:,}"
    if broken_ratio:
        broken = t(
            lang,
            f" ({summary.broken:,} with a planted problem)",
            f" ({summary.broken:,} dengan masalah yang sengaja ditanam)",
        )
    else:
        broken = ""
    typer.echo(
        t(
            lang,
            f"wrote {count} synthetic enterprises{broken} to {shown}",
            f"{count} usaha sintetis{broken} ditulis ke {shown}",
        ),
        err=True,
    )
    if summary.places_path is not None:
        typer.echo(
            t(
                lang,
                f"wrote {summary.places:,} kelurahan to {summary.places_path}",
                f"{summary.places:,} kelurahan ditulis ke {summary.places_path}",
            ),
            err=True,
        )
        if output != STDOUT:
            typer.echo(
                t(lang, "validate with", "periksa dengan")
                + f": umkm-kg validate {summary.places_path} {output}",
                err=True,
            )
