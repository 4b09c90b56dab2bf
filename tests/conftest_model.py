"""Shared helpers for the modelling tests (tests/test_model_*.py).

Not a pytest conftest: the test modules import what they need from here. Run as a script
(``python tests/conftest_model.py``) to rewrite the bundled Turtle files in canonical form.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from rdflib import Graph

from umkm_kg.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "umkm.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
DATA = ROOT / "data" / "umkm.ttl"
TURTLE_FILES = (ONTOLOGY, SHAPES, DATA)
INVALID_DIR = Path(__file__).resolve().parent / "data" / "invalid"

try:  # the project module, once another engineer has moved the function there
    from umkm_kg.turtle import canonical_turtle  # type: ignore[import-not-found]
except ImportError:

    def canonical_turtle(graph: Graph) -> str:
        """Serialise ``graph`` as longturtle with exactly the project prefixes.

        ``canon=True`` relabels blank nodes from their content, so that nested blank nodes
        (SHACL property shapes, OWL lists) come out in the same order on every run.
        """
        out = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            out.bind(prefix, namespace, override=True, replace=True)
        out += graph
        return out.serialize(format="longturtle", canon=True)


@cache
def parse(path: Path) -> Graph:
    """Parse one Turtle file with rdflib (cached: treat the result as read-only)."""
    return Graph().parse(path, format="turtle")


def merged(*paths: Path) -> Graph:
    """A new graph holding the triples of all ``paths``."""
    graph = Graph()
    for path in paths:
        graph += parse(path)
    return graph


def normalise(path: Path) -> bool:
    """Rewrite ``path`` in canonical form; return True if it changed."""
    text = path.read_text(encoding="utf-8")
    canonical = canonical_turtle(Graph().parse(data=text, format="turtle"))
    if canonical == text:
        return False
    path.write_text(canonical, encoding="utf-8")
    return True


if __name__ == "__main__":
    for file in [Path(arg) for arg in sys.argv[1:]] or TURTLE_FILES:
        print(f"{file}: {'rewritten' if normalise(file) else 'already canonical'}")
