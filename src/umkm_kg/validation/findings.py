"""Turning results into problems: SHACL results, mapping problems and the checks shapes cannot
make (unknown references, unknown ontology terms, template placeholders left in)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import IdentifiedNode, Node

from ..formulas import is_formula
from ..i18n import Text
from ..namespaces import KG, UMKM
from ..records.csvrecords import MappingProblem
from .batch import RecordBatch
from .data import ontology_graph, shapes_graph
from .engine import Index
from .report import (
    MAPPING_COMPONENT,
    OWNERSHIP_COMPONENT,
    REFERENCE_COMPONENT,
    Problem,
    RecordProblems,
    RecordRef,
    Severity,
    ValidationReport,
    expectation,
    found_text,
    short,
)

_PLACEHOLDER = "TODO"


def finish(
    problems: list[tuple[RecordRef, Problem]], report: Graph, record_count: int
) -> ValidationReport:
    grouped: dict[RecordRef, list[Problem]] = {}
    for ref, problem in problems:
        grouped.setdefault(ref, []).append(problem)
    records = tuple(
        RecordProblems(
            ref,
            tuple(
                sorted(
                    set(found),
                    key=lambda p: (
                        p.severity.rank,
                        p.field,
                        p.focus or "",
                        p.message.en,
                        p.found.en,
                    ),
                )
            ),
        )
        for ref, found in sorted(grouped.items(), key=lambda kv: _ref_key(kv[0]))
    )
    conforms = not any(p.severity is Severity.VIOLATION for _, p in problems)
    report_node = next(iter(report.subjects(RDF.type, SH.ValidationReport)))
    report.set((report_node, SH.conforms, Literal(conforms)))
    return ValidationReport(conforms, records, report, record_count)


def _ref_key(ref: RecordRef) -> tuple[str, int, str]:
    return (ref.source, ref.row or ref.line or 0, ref.subject or "")


def new_report() -> Graph:
    report = Graph(bind_namespaces="none")
    report.add((BNode("report"), RDF.type, SH.ValidationReport))
    return report


def add_result(report: Graph, problem: Problem) -> None:
    node = BNode()
    report.add((next(iter(report.subjects(RDF.type, SH.ValidationReport))), SH.result, node))
    report.add((node, RDF.type, SH.ValidationResult))
    if problem.focus:
        report.add((node, SH.focusNode, URIRef(problem.focus)))
    if problem.path:
        report.add((node, SH.resultPath, URIRef(problem.path)))
    report.add((node, SH.resultSeverity, SH[problem.severity.value]))
    report.add((node, SH.sourceConstraintComponent, URIRef(problem.component or "")))
    report.add((node, SH.value, Literal(problem.found.en)))
    report.add((node, SH.resultMessage, Literal(problem.message.en, lang="en")))
    report.add((node, SH.resultMessage, Literal(problem.message.id, lang="id")))


def shacl_problem(shacl: Graph, result: Node, data: Graph, batch: RecordBatch) -> Problem:
    focus = shacl.value(result, SH.focusNode)
    path = shacl.value(result, SH.resultPath)
    component = shacl.value(result, SH.sourceConstraintComponent)
    shape = shacl.value(result, SH.sourceShape)
    value = shacl.value(result, SH.value)
    messages = {
        (m.language or "en"): str(m)
        for m in shacl.objects(result, SH.resultMessage)
        if isinstance(m, Literal)
    }
    expected = expectation(shapes_graph(), ontology_graph(), shape, component)
    found = found_text(data, focus, path, component, value)
    named = path if path is not None else _first_path(shape)
    if named is None and value is not None and focus is not None:
        # a SPARQL constraint on the node: name the property that links it to the value
        named = next((p for p in _predicates(data, focus, value)), None)
    column = batch.field_name(focus, named)
    fallback = Text(
        f"expected {expected.en}, found {found.en}",
        f"diharapkan {expected.id}, ditemukan {found.id}",
    )
    return Problem(
        severity=Severity.of(shacl.value(result, SH.resultSeverity)),
        field=column or (short(str(named)) if isinstance(named, URIRef) else "-"),
        expected=expected,
        found=found,
        message=Text(messages.get("en") or fallback.en, messages.get("id") or fallback.id),
        focus=_node_text(focus),
        path=str(path) if isinstance(path, URIRef) else None,
        component=str(component) if component is not None else None,
        shape=str(shape) if isinstance(shape, URIRef) else None,
    )


def _predicates(data: Any, focus: Node, value: Node) -> list[Node]:
    if isinstance(data, Index):
        return [p for p, objects in data.out.get(focus, {}).items() if value in objects]
    return list(data.predicates(focus, value))


def _node_text(node: Node | None) -> str | None:
    if node is None:
        return None
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _source_of(batch: RecordBatch, problem: MappingProblem) -> str:
    ref = batch.records.get(URIRef(problem.focus or ""))
    return ref.source if ref else ""


def _first_path(shape: Node | None) -> Node | None:
    """For a node-level result (``sh:or`` of property shapes), the path of the first option."""
    shapes = shapes_graph()
    for parameter in (SH["or"], SH["and"], SH.xone):
        options = shapes.value(shape, parameter) if shape is not None else None  # type: ignore[arg-type]
        for option in shapes.items(options) if options is not None else ():
            path = shapes.value(option, SH.path)
            if isinstance(path, URIRef):
                return path
    return None


def unknown_references(batch: RecordBatch, context: Graph) -> set[URIRef]:
    """Resources of the graph's own namespace the batch points at but nobody describes."""
    subjects = {s for s, _, _ in batch.triples} | set(context.subjects())
    kg = str(KG)
    return {
        o
        for _, _, o in batch.triples
        if isinstance(o, URIRef) and o not in subjects and o.startswith(kg)
    }


def own_checks(
    batch: RecordBatch, unknown: Iterable[URIRef]
) -> Iterable[tuple[RecordRef, Problem]]:
    """Checks the shapes cannot make: mapping problems, unknown references and terms, blanks."""
    for m in batch.problems:
        yield (
            batch.records.get(URIRef(m.focus or ""))
            or RecordRef(batch.sources[0] if batch.sources else "?", row=m.row, subject=m.focus),
            Problem(
                severity=Severity(m.severity),
                field=batch.column(_source_of(batch, m), m.column),
                expected=Text(m.expected_en, m.expected_id),
                found=Text(m.found or "(nothing)", m.found or "(kosong)"),
                message=Text(m.message_en, m.message_id),
                focus=m.focus,
                component=str(MAPPING_COMPONENT),
            ),
        )
    unknown = set(unknown)
    terms = _ontology_terms()
    umkm = str(UMKM)

    def field_of(s: Node, p: Node) -> str:
        return batch.field_name(s, p) or short(str(p))

    formulas: set[tuple[Node, str]] = set()
    records, rdf_type = batch.records, RDF.type  # once: 56,000 triples in 1,000 CSV records
    for s, p, o in batch.triples:
        ref = records.get(s)  # type: ignore[call-overload]
        if ref is None:
            continue
        if o in unknown:
            yield ref, _reference_problem(s, p, o, field_of(s, p))
        if isinstance(p, URIRef) and str.startswith(p, umkm) and p not in terms:
            yield ref, _term_problem(s, p, p, "property", field_of(s, p))
        if p == rdf_type and isinstance(o, URIRef) and str.startswith(o, umkm) and o not in terms:
            yield ref, _term_problem(s, p, o, "class", field_of(s, p))
        if not isinstance(o, Literal):
            continue
        if str.startswith(o, _PLACEHOLDER):
            yield (
                ref,
                Problem(
                    Severity.VIOLATION,
                    field_of(s, p),
                    Text("a value in place of the template's TODO", "nilai pengganti TODO templat"),
                    Text(str(o), str(o)),
                    Text("the template placeholder was not filled in", "isian templat belum diisi"),
                    focus=str(s),
                    path=str(p),
                    component=str(MAPPING_COMPONENT),
                ),
            )
        if is_formula(str(o)) and (s, str(o)) not in formulas:
            # Every value, from every format, after CSV cells are split and normalised; once
            # per node (a CSV name is also its labels).
            formulas.add((s, str(o)))
            yield ref, _formula_problem(s, p, o, field_of(s, p))


def ownership_problems(
    batch: RecordBatch,
    kg: Any,
    own_graph: str | None = None,
    *,
    known: set[tuple[Node, Node, Node]] | None = None,
) -> Iterable[tuple[RecordRef, Problem]]:
    """Statements of the batch about ontology terms, shapes or existing resources (``known``:
    the stored statements outside ``own_graph`` about its subjects, when already read)."""
    from .ownership import foreign_statements

    fallback = RecordRef(batch.sources[0] if batch.sources else "?")
    for found in foreign_statements(batch.triples, kg, own_graph=own_graph, known=known):
        s, p, o = found.subject, found.predicate, found.object
        ref = batch.records.get(s) if isinstance(s, IdentifiedNode) else None
        shown = short(str(o))[:80]
        yield (
            ref or RecordRef(fallback.source, subject=str(s)),
            Problem(
                Severity.VIOLATION,
                batch.field_name(s, p) or short(str(p)),
                Text(
                    "statements about the batch's own new resources only",
                    "pernyataan hanya tentang sumber daya baru milik batch ini",
                ),
                Text(shown, shown),
                Text(found.reason, found.reason),
                focus=str(s),
                path=str(p),
                component=str(OWNERSHIP_COMPONENT),
            ),
        )


def _formula_problem(s: Node, p: Node, o: Literal, field_name: str) -> Problem:
    shown = str(o)[:60]
    return Problem(
        Severity.VIOLATION,
        field_name,
        Text(
            "text that does not start with = + - @, a tab or a carriage return",
            "teks yang tidak diawali = + - @, tab atau carriage return",
        ),
        Text(shown, shown),
        Text(
            "the value looks like a spreadsheet formula and is refused (CSV injection)",
            "nilai tampak seperti rumus spreadsheet dan ditolak (injeksi CSV)",
        ),
        focus=str(s),
        path=str(p),
        component=str(MAPPING_COMPONENT),
    )


@cache
def _ontology_terms() -> frozenset[Node]:
    return frozenset(ontology_graph().subjects())


def _reference_problem(s: Node, p: Node, o: Node, field_name: str) -> Problem:
    return Problem(
        Severity.VIOLATION,
        field_name,
        Text(
            "a resource that exists in the knowledge graph",
            "sumber daya yang ada di graf pengetahuan",
        ),
        Text(short(str(o)), short(str(o))),
        Text(
            f"{short(str(o))} is not in the knowledge graph (unknown reference)",
            f"{short(str(o))} tidak ada di graf pengetahuan (rujukan tidak dikenal)",
        ),
        focus=str(s),
        path=str(p),
        component=str(REFERENCE_COMPONENT),
    )


def _term_problem(s: Node, p: Node, term: URIRef, kind: str, field_name: str) -> Problem:
    kind_id = "properti" if kind == "property" else "kelas"
    return Problem(
        Severity.VIOLATION,
        field_name,
        Text(f"a {kind} of the umkm: ontology", f"{kind_id} dari ontologi umkm:"),
        Text(short(str(term)), short(str(term))),
        Text(f"unknown {kind} {short(str(term))}", f"{kind_id} {short(str(term))} tidak dikenal"),
        focus=str(s),
        path=str(p),
        component=str(REFERENCE_COMPONENT),
    )
