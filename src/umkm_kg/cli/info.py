"""``umkm-kg info``: what the graph holds and whether it conforms."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from ..errors import EXIT_NONCONFORMANT
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
    """Show triples, named graphs, entities per class, ontology version and conformance."""
    kg = settings(ctx).kg()
    summary = kg.info(validate=check)
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
    else:
        out.print(f"backend:          {summary.backend}")
        out.print(f"triples:          {summary.triples}")
        out.print(f"ontology version: {summary.ontology_version or 'unknown'}")
        if summary.conforms is not None:
            verdict = "yes" if summary.conforms else f"NO ({summary.violations} violations)"
            out.print(f"conforms:         {verdict}")
        if summary.graphs:
            graphs = Table("named graph", "triples", box=None)
            for name, count in summary.graphs.items():
                graphs.add_row(name, str(count))
            out.print(graphs)
        classes = Table("class", "entities", box=None)
        for name, count in sorted(summary.classes.items()):
            classes.add_row(name, str(count))
        out.print(classes)
    if summary.conforms is False:
        raise typer.Exit(EXIT_NONCONFORMANT)
