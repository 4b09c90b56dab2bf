"""Where the bundled ontology, shapes, data and saved queries live.

In an installed wheel they sit in ``umkm_kg/_bundled/``; in a source checkout (editable install)
they are the top-level ``ontology/``, ``data/`` and ``queries/`` folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _root() -> Path:
    bundled = _PACKAGE / "_bundled"
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent.parent


ROOT = _root()
ONTOLOGY = ROOT / "ontology" / "umkm.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
JSONLD_CONTEXT = ROOT / "ontology" / "context.jsonld"
DATA = ROOT / "data" / "umkm.ttl"
QUERIES = ROOT / "queries"
