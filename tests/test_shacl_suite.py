"""The fast evaluator against the W3C SHACL test suite (tests/data/shacl-suite), run from its
manifest as pySHACL runs it: every test of a feature the evaluator claims gives the expected
report; every other test is declared unsupported before anything runs (pySHACL then decides);
every query SHACL forbids is refused, SERVICE included, and never run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from umkm_kg.errors import ShapesInvalid
from umkm_kg.validation.engine import (
    CompiledShapes,
    Index,
    SparqlRunner,
    Unsupported,
    report_graph,
)

SUITE = Path(__file__).parent / "data" / "shacl-suite"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

# Features the evaluator leaves to pySHACL: sh:closed, sh:equals, sh:disjoint, sh:lessThan,
# sh:lessThanOrEquals, disjoint qualified shapes, custom constraint components, $shapesGraph.
UNSUPPORTED = {
    "core/complex/personexample",
    "core/node/closed-001",
    "core/node/closed-002",
    "core/node/disjoint-001",
    "core/node/equals-001",
    "core/node/qualified-001",
    "core/property/disjoint-001",
    "core/property/equals-001",
    "core/property/lessThan-001",
    "core/property/lessThan-002",
    "core/property/lessThanOrEquals-001",
    "core/property/qualifiedMinCountDisjoint-001",
    "core/property/qualifiedValueShape-001",
    "core/property/qualifiedValueShapesDisjoint-001",
    "sparql/component/optional-001",
    "sparql/component/nodeValidator-001",
    "sparql/component/propertyValidator-select-001",
    "sparql/component/validator-001",
    "sparql/pre-binding/shapesGraph-001",
    "sparql/pre-binding/unsupported-sparql-006",
}
_KEYS = (
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceConstraintComponent,
    SH.sourceShape,
    SH.resultSeverity,
)


@dataclass(frozen=True)
class SuiteTest:
    name: str
    manifest: Graph
    result: Node
    data: Graph
    shapes: Graph


def _parse(path: Path) -> Graph:
    # Literals as written: rdflib would turn "1"^^xsd:boolean into "true" (uniqueLang-002).
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        return Graph().parse(path, format="turtle", publicID=path.as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = before


def _tests(manifest: Path) -> Iterator[SuiteTest]:
    graph = _parse(manifest)
    node = next(graph.subjects(RDF.type, MF.Manifest))
    for included in graph.objects(node, MF.include):
        yield from _tests(Path(str(included).removeprefix("file://")))
    entries = graph.value(node, MF.entries)
    for entry in graph.items(entries) if entries is not None else ():
        action = graph.value(entry, MF.action)
        files = [graph.value(action, p) for p in (SHT.dataGraph, SHT.shapesGraph)]
        data, shapes = (
            graph if str(f) == manifest.as_uri() else _parse(Path(str(f).removeprefix("file://")))
            for f in files
        )
        name = str(manifest.relative_to(SUITE).with_suffix(""))
        yield SuiteTest(name, graph, graph.value(entry, MF.result), data, shapes)  # type: ignore[arg-type]


TESTS = [t for t in _tests(SUITE / "manifest.ttl")]


def _describe(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode) and graph.value(node, RDF.first) is not None:
        return "(" + " ".join(_describe(graph, n) for n in graph.items(node)) + ")"
    if isinstance(node, BNode) and (node, None, None) in graph:
        parts = sorted(f"{p.n3()} {_describe(graph, o)}" for p, o in graph.predicate_objects(node))
        return "[" + "; ".join(parts) + "]"
    return "_:" if isinstance(node, BNode) else node.n3()


def _results(report: Graph, node: Node) -> list[tuple[str, ...]]:
    """Each result by focus, path, value, component, shape and severity (pySHACL's comparison:
    blank nodes other than paths compare equal)."""
    keys = []
    for result in report.objects(node, SH.result):
        values = [report.value(result, p) for p in _KEYS]
        keys.append(
            tuple(
                _describe(report, v) if p == SH.resultPath else _describe(Graph(), v)
                for p, v in zip(_KEYS, values, strict=True)
            )
        )
    return sorted(keys)


def _run(test: SuiteTest) -> Graph:
    compiled = CompiledShapes(test.shapes)
    index = Index(iter(test.data))
    return report_graph(compiled.validate(index, None, SparqlRunner(index.out)), compiled)


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.name)
def test_w3c_suite(test: SuiteTest) -> None:
    if test.result == SHT.Failure:
        # SHACL asks for a failure: the evaluator refuses the shapes before running anything
        # (or, for features it does not implement, hands them to pySHACL).
        expected: type[Exception] = Unsupported if test.name in UNSUPPORTED else ShapesInvalid
        with pytest.raises(expected):
            _run(test)
        return
    if test.name in UNSUPPORTED:
        with pytest.raises(Unsupported):
            CompiledShapes(test.shapes)
        return
    report = _run(test)
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    expected_conforms = test.manifest.value(test.result, SH.conforms)
    assert report.value(node, SH.conforms) == Literal(bool(expected_conforms))
    assert _results(report, node) == _results(test.manifest, test.result)


def test_the_suite_is_all_there() -> None:
    assert len(TESTS) == 120
    assert len(UNSUPPORTED) < len(TESTS) / 5


SERVICE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <http://127.0.0.1:9/> { $this ?p ?o } }" ] .
"""


def test_service_is_refused_before_anything_runs() -> None:
    with pytest.raises(ShapesInvalid, match="SERVICE"):
        CompiledShapes(Graph().parse(data=SERVICE, format="turtle"))


def test_a_nan_decimal_is_out_of_any_range() -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode "NaN"^^<http://www.w3.org/2001/XMLSchema#decimal>,
            "c"^^<http://www.w3.org/2001/XMLSchema#byte>, 5 ; sh:minInclusive 1 .""",
        format="turtle",
    )
    compiled = CompiledShapes(shapes)
    results = compiled.validate(Index([]), None, None)
    assert sorted(str(r.value) for r in results) == ["NaN", "c"]
