"""Validating records in context, and the whole graph, against the bundled SHACL shapes.

    batch = read_batch(["records.csv"], kg)   # parse and map, names resolved against kg
    report = validate(batch, kg)              # batch + the context it refers to
    print(report.text("id"))

A batch is validated with the ontology and the existing resources it refers to, never with the
whole registry (:mod:`.data`); the shapes are checked by a fast evaluator that gives pySHACL's
results (:mod:`.engine`), with pySHACL (and a prepared-query cache) as reference and fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import IdentifiedNode, Node

from ..query.results import QueryForm
from .batch import RecordBatch, read_batch
from .data import (
    PreparedQueryGraph,
    context_graph,
    data_graph,
    ontology_graph,
    run_shacl,
    shapes_graph,
    shapes_version,
)
from .engine import (
    CompiledShapes,
    Index,
    SparqlRunner,
    Unsupported,
    compiled_shapes,
    copy_result,
    report_graph,
    result_keys,
)
from .findings import (
    add_result,
    finish,
    new_report,
    own_checks,
    ownership_problems,
    shacl_problem,
    unknown_references,
)
from .report import Problem, RecordProblems, RecordRef, Severity, ValidationReport, short

__all__ = [
    "CompiledShapes",
    "Engine",
    "PreparedQueryGraph",
    "Problem",
    "RecordBatch",
    "RecordProblems",
    "RecordRef",
    "Severity",
    "Unsupported",
    "ValidationReport",
    "compiled_shapes",
    "context_graph",
    "data_graph",
    "ontology_graph",
    "read_batch",
    "result_keys",
    "run_shacl",
    "shacl_report",
    "shapes_graph",
    "shapes_version",
    "short",
    "validate",
    "validate_graph",
]


class Engine(StrEnum):
    """How the shapes are checked: the fast evaluator (default) or pySHACL (the reference)."""

    FAST = "fast"
    PYSHACL = "pyshacl"


def shacl_report(
    triples: Sequence[Iterable[tuple[Node, Node, Node]]],
    focus: set[Node] | None,
    engine: Engine = Engine.FAST,
    *,
    shapes_cache: Path | None = None,
) -> tuple[Graph, Any]:
    """Validate the union of ``triples`` (restricted to ``focus`` nodes when given), with the
    compiled shapes kept in the folder ``shapes_cache`` when given.

    Returns the SHACL report graph and an object with ``objects(s, p)`` over the data.
    """
    if engine is Engine.FAST:
        try:
            compiled = compiled_shapes(shapes_cache)
        except Unsupported:
            compiled = None
        if compiled is not None:
            index = Index(t for part in triples for t in part)
            try:
                results = compiled.validate(index, focus, SparqlRunner(index.out))
            except Unsupported:
                pass  # found only while running (a query Oxigraph refuses): pySHACL decides
            else:
                return report_graph(results, compiled), index
    graph = PreparedQueryGraph()
    for part in triples:
        for triple in part:
            graph.add(triple)
    report = run_shacl(graph)
    if focus is not None:
        for result in list(report.objects(None, SH.result)):
            if report.value(result, SH.focusNode) not in focus:
                report.remove((None, SH.result, result))
    return report, graph


def validate(
    batch: RecordBatch | Graph,
    kg: Any,
    *,
    engine: Engine = Engine.FAST,
    own_graph: str | None = None,
) -> ValidationReport:
    """Validate a batch of records together with the resources of ``kg`` it refers to.

    Statements about what the batch does not own are violations
    (:mod:`~umkm_kg.validation.ownership`); ``own_graph`` names the batch's graph when ``kg``
    already holds it (a load validates what it has written).
    """
    if isinstance(batch, Graph):
        batch = RecordBatch.of(batch)
    context = context_graph(batch.triples, kg)
    own: set[Node] = set(batch.records)
    data_dir = getattr(kg, "data_dir", None)
    cache = data_dir / "cache" if isinstance(data_dir, Path) else None
    shacl, data = shacl_report(
        [ontology_graph(), context, batch.triples], own, engine, shapes_cache=cache
    )
    problems: list[tuple[RecordRef, Problem]] = []
    report = new_report()
    unknown = unknown_references(batch, context)
    for result in shacl.objects(None, SH.result):
        focus = shacl.value(result, SH.focusNode)
        if not isinstance(focus, IdentifiedNode) or focus not in own:
            continue  # a problem of the existing graph, not of this batch
        if shacl.value(result, SH.value) in unknown:
            continue  # already reported once, as an unknown reference
        problem = shacl_problem(shacl, result, data, batch)
        problems.append((batch.records[focus], problem))
        copy_result(shacl, result, report)
    # The context holds every stored statement about the batch's subjects (and the values
    # they point at): the ownership check need not look them up again, unless in a load,
    # where it leaves the batch's own graph out.
    known = set(context) if own_graph is None else None
    owned = ownership_problems(batch, kg, own_graph, known=known)
    for ref, problem in [*own_checks(batch, unknown), *owned]:
        problems.append((ref, problem))
        add_result(report, problem)
    return finish(problems, report, batch.record_count)


def validate_graph(kg: Any, *, engine: Engine = Engine.FAST) -> ValidationReport:
    """Validate the whole graph of ``kg`` (bundled data and added records)."""
    result = kg.store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", form=QueryForm.CONSTRUCT, max_rows=None
    )
    everything = result.graph if result.graph is not None else Graph()
    shacl, data = shacl_report([everything], None, engine)
    report = new_report()
    problems = []
    batch = RecordBatch(sources=["graph"])
    for result_node in shacl.objects(None, SH.result):
        focus = shacl.value(result_node, SH.focusNode)
        ref = RecordRef("graph", subject=str(focus))
        problems.append((ref, shacl_problem(shacl, result_node, data, batch)))
        copy_result(shacl, result_node, report)
    subjects = {s for s in everything.subjects() if isinstance(s, URIRef)}
    return finish(problems, report, len(subjects))
