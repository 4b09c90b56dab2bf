"""Shared helpers for the modelling tests (tests/test_model_*.py).

Not a pytest conftest: the test modules import what they need from here. Run as a script
(``python tests/conftest_model.py``) to rewrite the bundled Turtle files in canonical form
with :func:`umkm_kg.publish.turtle.canonical_turtle`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal
from rdflib.namespace import SH

from umkm_kg.publish.turtle import canonical_turtle

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "umkm.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
DATA = ROOT / "data" / "umkm.ttl"
TURTLE_FILES = (ONTOLOGY, SHAPES, DATA)
INVALID_DIR = Path(__file__).resolve().parent / "data" / "invalid"


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


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, reduced to what the tests look at."""

    severity: str
    """``Violation``, ``Warning`` or ``Info``."""
    focus: str
    shape: str
    messages: tuple[tuple[str, str], ...]
    """(language tag, text) pairs. pyshacl 0.40 drops the tag of SPARQL-constraint messages
    when it substitutes ``{?value}``, so those come back with tag ``""``."""

    def mentions(self, text: str) -> bool:
        return any(text in message for _, message in self.messages)


def validate(data_graph: Graph, ont_graph: Graph | None = None) -> tuple[bool, list[Result]]:
    """Validate with the bundled shapes, no inference; return (conforms, results)."""
    shapes = Graph()
    shapes += parse(SHAPES)  # a copy: pyshacl adds triples to the shapes graph it is given
    conforms, report, _ = pyshacl_validate(
        data_graph, shacl_graph=shapes, ont_graph=ont_graph, inference="none"
    )
    results = []
    for node in report.subjects(SH.resultSeverity, None):
        messages = tuple(
            sorted(
                (m.language or "", str(m))
                for m in report.objects(node, SH.resultMessage)
                if isinstance(m, Literal)
            )
        )
        results.append(
            Result(
                severity=str(report.value(node, SH.resultSeverity)).removeprefix(str(SH)),
                focus=str(report.value(node, SH.focusNode)),
                shape=str(report.value(node, SH.sourceShape)),
                messages=messages,
            )
        )
    return bool(conforms), results


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
