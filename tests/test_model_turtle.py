"""The bundled Turtle files parse the same with two parsers and are in canonical form."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from conftest_model import TURTLE_FILES, parse
from umkm_kg.namespaces import PREFIXES
from umkm_kg.publish.turtle import canonical_turtle
from umkm_kg.query.results import term_from_oxigraph

FILE_IDS = [f"{path.parent.name}/{path.name}" for path in TURTLE_FILES]


def oxigraph_graph(path: Path) -> Graph:
    """Parse ``path`` with Oxigraph's parser and convert the triples to rdflib terms."""
    graph = Graph()
    for quad in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
        assert isinstance(quad.graph_name, pyoxigraph.DefaultGraph), "Turtle has no named graphs"
        graph.add(
            (
                term_from_oxigraph(quad.subject),
                term_from_oxigraph(quad.predicate),
                term_from_oxigraph(quad.object),
            )
        )
    return graph


@pytest.mark.parametrize("path", TURTLE_FILES, ids=FILE_IDS)
def test_rdflib_and_oxigraph_parse_to_the_same_graph(path: Path) -> None:
    by_rdflib = parse(path)
    by_oxigraph = oxigraph_graph(path)
    assert len(by_rdflib) == len(by_oxigraph) > 0
    assert isomorphic(by_rdflib, by_oxigraph)


@pytest.mark.parametrize("path", TURTLE_FILES, ids=FILE_IDS)
def test_file_is_its_own_canonical_serialisation(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text == canonical_turtle(Graph().parse(data=text, format="turtle")), (
        f"{path} is not canonical: run `python tests/conftest_model.py {path}`"
    )


@pytest.mark.parametrize("path", TURTLE_FILES, ids=FILE_IDS)
def test_blank_nodes_cannot_reorder(path: Path) -> None:
    """longturtle sorts blank nodes by their random labels, so a file stays byte-stable only if
    no two blank nodes compete for a position: no two unreferenced (top-level) blank nodes, and
    no subject with two blank-node objects for the same predicate."""
    graph = parse(path)
    top_level = [
        s for s in set(graph.subjects()) if isinstance(s, BNode) and (None, None, s) not in graph
    ]
    assert len(top_level) <= 1
    siblings = Counter((s, p) for s, p, o in graph if isinstance(o, BNode))
    assert [key for key, count in siblings.items() if count > 1] == []


@pytest.mark.parametrize("path", TURTLE_FILES, ids=FILE_IDS)
def test_only_project_prefixes_are_declared(path: Path) -> None:
    declared = {
        line.split()[1].rstrip(":"): line.split()[2].strip("<>")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("PREFIX ")
    }
    assert declared.items() <= PREFIXES.items()
