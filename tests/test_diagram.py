"""The README's model diagram is the one generated from the ontology and data."""

from __future__ import annotations

import re
from pathlib import Path

from umkm_kg.publish.diagram import REUSED_EDGES, _instantiated, mermaid

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_diagram_is_current() -> None:
    block = re.search(r"```mermaid\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block is not None, "README.md has no mermaid block"
    assert block.group(1) == mermaid(), "run `make diagram` to refresh README.md"


def test_every_curated_reused_relation_is_in_the_data() -> None:
    from rdflib import Graph

    from umkm_kg import resources

    data = Graph()
    data.parse(resources.DATA, format="turtle")
    stale = [edge for edge in REUSED_EDGES if not _instantiated(data, *edge)]
    assert not stale, f"diagram edges the data no longer has: {stale}"


def test_diagram_draws_the_export_claim() -> None:
    text = mermaid()
    assert "umkm_ExportClaim --> umkm_Enterprise : exporter" in text
    assert "umkm_ExportClaim --> schema_Place : destination" in text
