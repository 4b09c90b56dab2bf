"""``umkm-kg info``: what the graph holds and whether it conforms."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from ..errors import EXIT_NONCONFORMANT
from ..i18n import t
from ..kg import Info
from ..overview import Overview, overview
from ._common import out, settings


def register(app: typer.Typer) -> None:
    app.command("info")(info)


def info(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Validate the graph against the shapes.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the data folder, enterprises, added records and batches, triples, ontology version,
    conformance, the named graphs and the entities per class."""
    options = settings(ctx)
    kg = options.kg()
    summary = kg.info(validate=check)
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
    else:
        _plain(summary, overview(kg, summary, options.lang.value, options.endpoint), options.lang)
    if summary.conforms is False:
        raise typer.Exit(EXIT_NONCONFORMANT)


def _plain(summary: Info, seen: Overview, lang: str) -> None:
    """The summary in plain words: headline counts first, then graphs and classes by name."""

    def line(en: str, id: str, value: object) -> None:
        out.print(Text(f"{t(lang, en, id) + ':':<18}{value}"))

    if seen.endpoint is not None:
        line("endpoint", "endpoint", seen.endpoint)
    elif seen.data_dir is not None:
        line("data folder", "folder data", seen.data_dir)
    line("enterprises", "usaha", seen.enterprises)
    batch = t(lang, "batch" if seen.batches == 1 else "batches", "batch")
    line(
        "added records",
        "rekaman tambahan",
        t(
            lang,
            f"{seen.records} enterprises in {seen.batches} {batch}",
            f"{seen.records} usaha dalam {seen.batches} {batch}",
        ),
    )
    line("backend", "penyimpanan", summary.backend)
    line("triples", "tripel", summary.triples)
    line(
        "ontology version",
        "versi ontologi",
        summary.ontology_version or t(lang, "unknown", "tidak diketahui"),
    )
    if summary.conforms is not None:
        verdict = (
            t(lang, "yes", "ya")
            if summary.conforms
            else t(
                lang,
                f"NO ({summary.violations} violations)",
                f"TIDAK ({summary.violations} pelanggaran)",
            )
        )
        line("conforms", "sesuai shapes", verdict)
    if seen.graphs:
        graphs = Table(
            t(lang, "named graph", "graf bernama"), t(lang, "triples", "tripel"), box=None
        )
        for name, count in seen.graphs:
            graphs.add_row(Text(name), str(count))
        out.print(graphs)
    classes = Table(
        t(lang, "class", "kelas"),
        t(lang, "label", "label"),
        t(lang, "entities", "entitas"),
        box=None,
    )
    for name, label, count in seen.classes:
        classes.add_row(Text(name), Text(label), str(count))
    out.print(classes)
