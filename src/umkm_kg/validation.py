"""Validating new records in context, and the whole graph, against the bundled SHACL shapes.

A batch is validated together with what it refers to, not with the whole registry: the data
graph handed to pySHACL is the batch, the ontology (classes and code lists) and the
descriptions of the existing resources the batch points at (countries, places, categories,
agencies, and the places that contain them). Its size depends on the batch, not on the graph.
pySHACL re-parses the text of a SHACL-SPARQL constraint for every focus node; the data graph
used here hands it prepared queries instead, parsed once per process (see PERFORMANCE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import IdentifiedNode, Identifier, Node

from . import resources
from .csvrecords import PREDICATE_COLUMNS, MappingProblem, Resolver, map_csv
from .namespaces import KG, PREFIXES, SHAPES_NS, UMKM
from .rdfinput import MAX_INPUT_BYTES, RecordFormat, parse_rdf, read_input
from .results import QueryForm

MAPPING_COMPONENT = SHAPES_NS["RecordMappingConstraintComponent"]
"""Component named in reports for cells that cannot be mapped (unknown names, formulas)."""
REFERENCE_COMPONENT = SHAPES_NS["UnknownReferenceConstraintComponent"]
"""Component named in reports for references to resources or terms the graph does not have."""

SCHEMA_CONTAINED_IN = URIRef("https://schema.org/containedInPlace")
_PLACEHOLDER = "TODO"


class Severity(StrEnum):
    """SHACL severities, most serious first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @classmethod
    def of(cls, iri: object) -> Severity:
        if iri == SH.Warning:
            return cls.WARNING
        return cls.INFO if iri == SH.Info else cls.VIOLATION

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    def label(self, lang: str) -> str:
        names = {"Violation": "pelanggaran", "Warning": "peringatan", "Info": "info"}
        return names[self.value] if lang == "id" else self.value.lower()


@dataclass(frozen=True)
class Text:
    """A message in English and Indonesian."""

    en: str
    id: str

    def __call__(self, lang: str) -> str:
        return self.id if lang == "id" else self.en


@dataclass(frozen=True, order=True)
class RecordRef:
    """Where a record comes from: a CSV row, or a subject and its line in an RDF file."""

    source: str
    row: int | None = None
    line: int | None = None
    subject: str | None = None

    def describe(self, lang: str) -> str:
        parts = [self.source]
        if self.row is not None:
            parts.append(f"{'baris' if lang == 'id' else 'row'} {self.row}")
        elif self.line is not None:
            parts.append(f"{'baris' if lang == 'id' else 'line'} {self.line}")
        text = ", ".join(parts)
        return f"{text} ({short(self.subject)})" if self.subject else text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: which field, what was expected, what was found."""

    severity: Severity
    field: str
    expected: Text
    found: Text
    message: Text
    focus: str | None = None
    path: str | None = None
    component: str | None = None
    shape: str | None = None

    def as_dict(self, lang: str) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "field": self.field,
            "expected": self.expected(lang),
            "found": self.found(lang),
            "message": self.message(lang),
            "focus": self.focus,
            "path": self.path,
            "component": self.component,
            "shape": self.shape,
        }


@dataclass(frozen=True)
class RecordProblems:
    """The problems of one record."""

    record: RecordRef
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation; ``graph`` is the SHACL validation report (``--report ttl``)."""

    conforms: bool
    records: tuple[RecordProblems, ...]
    graph: Graph = field(repr=False, compare=False)
    record_count: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for r in self.records for p in r.problems if p.severity is severity)

    @property
    def violation_count(self) -> int:
        return self.count(Severity.VIOLATION)

    @property
    def warning_count(self) -> int:
        return self.count(Severity.WARNING)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "records_checked": self.record_count,
            "violations": self.violation_count,
            "warnings": self.warning_count,
            "infos": self.count(Severity.INFO),
            "records": [
                {
                    "source": r.record.source,
                    "row": r.record.row,
                    "line": r.record.line,
                    "subject": r.record.subject,
                    "problems": [p.as_dict(lang) for p in r.problems],
                }
                for r in self.records
            ],
        }

    def text(self, lang: str = "en") -> str:
        """The report for people, grouped by record, in ``lang`` (``id`` or ``en``)."""
        id_ = lang == "id"
        lines = []
        marks = {Severity.VIOLATION: "✗", Severity.WARNING: "!", Severity.INFO: "i"}
        for group in self.records:
            lines.append(group.record.describe(lang) + ":")
            for p in group.problems:
                node = f" ({short(p.focus)})" if p.focus and p.focus != group.record.subject else ""
                lines.append(f"  {marks[p.severity]} {p.field}{node}: {p.message(lang)}")
                expected = "diharapkan" if id_ else "expected"
                found = "ditemukan" if id_ else "found"
                lines.append(f"      {expected}: {p.expected(lang)}; {found}: {p.found(lang)}")
        total = (
            f"{self.record_count} rekaman diperiksa: {self.violation_count} pelanggaran, "
            f"{self.warning_count} peringatan, {self.count(Severity.INFO)} info."
            if id_
            else f"{self.record_count} records checked: {self.violation_count} violations, "
            f"{self.warning_count} warnings, {self.count(Severity.INFO)} infos."
        )
        verdict = (
            ("Sesuai." if self.conforms else "Tidak sesuai.")
            if id_
            else ("Conforms." if self.conforms else "Does not conform.")
        )
        lines.append(f"{total} {verdict}")
        return "\n".join(lines) + "\n"

    def turtle(self) -> str:
        from .turtle import canonical_turtle

        return canonical_turtle(self.graph)


@dataclass
class RecordBatch:
    """Records read from one or more inputs, with where each node of the graph came from."""

    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    records: dict[IdentifiedNode, RecordRef] = field(default_factory=dict)
    fields: dict[tuple[IdentifiedNode, URIRef], str] = field(default_factory=dict)
    """The CSV column each (node, property) of a CSV record came from."""
    titles: dict[str, dict[str, str]] = field(default_factory=dict)
    """For each CSV source: the header each column key was written with."""
    problems: list[MappingProblem] = field(default_factory=list)
    record_count: int = 0
    _graph: Graph | None = field(default=None, repr=False)

    @classmethod
    def of(cls, graph: Graph, source: str = "<graph>") -> RecordBatch:
        """A batch of the triples of ``graph``, one record per subject."""
        batch = cls(triples=list(graph), sources=[source])
        for s in set(graph.subjects()):
            if isinstance(s, IdentifiedNode):
                batch.records[s] = RecordRef(source, subject=str(s))
        batch.record_count = len(batch.records)
        return batch

    def field_name(self, node: Node | None, predicate: Node | None) -> str | None:
        """The CSV column (as its header was written) of a property of a CSV record."""
        ref = self.records.get(node) if isinstance(node, IdentifiedNode) else None
        if ref is None or ref.row is None or predicate is None:
            return None
        key = self.fields.get((node, predicate)) or PREDICATE_COLUMNS.get(str(predicate))  # type: ignore[arg-type]
        return self.column(ref.source, key) if key else None

    def column(self, source: str, key: str) -> str:
        return self.titles.get(source, {}).get(key, key)

    @property
    def graph(self) -> Graph:
        """The records as an rdflib graph (built on first use)."""
        if self._graph is None:
            self._graph = Graph(bind_namespaces="none")
            for triple in self.triples:
                self._graph.add(triple)  # type: ignore[arg-type]
        return self._graph


# --- reading a batch ---------------------------------------------------------------------------


def read_batch(
    paths: Sequence[str],
    kg: Any,
    *,
    fmt: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> RecordBatch:
    """Read records from files (``-`` for standard input); CSV names are resolved against ``kg``.

    :raises BadInput: a file that cannot be read, parsed or accepted (exit code 2).
    """
    batch = RecordBatch()
    resolver: Resolver | None = None
    for path in paths:
        raw = read_input(path, fmt=fmt, max_bytes=max_bytes)
        batch.sources.append(raw.name)
        if raw.format is RecordFormat.CSV:
            resolver = resolver or Resolver.from_kg(kg)
            rows, batch.titles[raw.name] = map_csv(raw, resolver, batch.triples)
            for row in rows:
                ref = RecordRef(raw.name, row=row.row, subject=str(row.enterprise))
                for node in row.nodes:
                    batch.records.setdefault(node, ref)
                batch.fields.update(row.fields)  # type: ignore[arg-type]
                batch.problems.extend(row.problems)
                batch.record_count += 1
            continue
        parsed = parse_rdf(raw)
        batch.triples.extend(parsed.graph)
        for subject in set(parsed.graph.subjects()):
            if isinstance(subject, URIRef):
                batch.records.setdefault(
                    subject,
                    RecordRef(raw.name, line=parsed.lines.get(subject), subject=str(subject)),
                )
        batch.record_count += sum(1 for s in set(parsed.graph.subjects()) if isinstance(s, URIRef))
        _attach_blank_nodes(parsed.graph, batch.records)
    batch.triples = list(dict.fromkeys(batch.triples))
    return batch


def _attach_blank_nodes(graph: Graph, records: dict[IdentifiedNode, RecordRef]) -> None:
    # A blank node belongs to the record of the named subject that points at it.
    pending = [s for s in set(graph.subjects()) if isinstance(s, BNode)]
    for _ in range(len(pending) + 1):
        left = []
        for node in pending:
            parent = next((s for s in graph.subjects(None, node) if s in records), None)
            if isinstance(parent, IdentifiedNode):
                records[node] = records[parent]
            else:
                left.append(node)
        if len(left) == len(pending):
            break
        pending = left
    for node in pending:
        records[node] = RecordRef("?", subject=None)


# --- the data graph --------------------------------------------------------------------------


@cache
def shapes_graph() -> Graph:
    """The bundled shapes (parsed once; treat as read-only)."""
    return Graph(store="SimpleMemory").parse(resources.SHAPES, format="turtle")


@cache
def ontology_graph() -> Graph:
    """The bundled ontology with its code lists (parsed once; treat as read-only)."""
    return Graph().parse(resources.ONTOLOGY, format="turtle")


def shapes_version() -> str | None:
    """``owl:versionInfo`` of the shapes graph, recorded with every added batch."""
    for _, version in shapes_graph().subject_objects(OWL.versionInfo):
        return str(version)
    return None


@cache
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(namespaces))


class PreparedQueryGraph(Graph):
    """An rdflib graph whose ``query`` parses each distinct query text once.

    pySHACL sends the same SHACL-SPARQL text for every focus node with different bindings;
    rdflib would parse it (with pyparsing) every time. Same answers, 15-20 times faster.
    """

    _namespaces: tuple[tuple[str, str], ...] | None = None

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: dict[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str):
            if initNs is not None:
                namespaces = tuple(sorted((k, str(v)) for k, v in initNs.items()))
            else:
                if self._namespaces is None:
                    self._namespaces = tuple(sorted((k, str(v)) for k, v in self.namespaces()))
                namespaces = self._namespaces
            query_object = _prepared(query_object, namespaces)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def context_graph(batch: Iterable[tuple[Node, Node, Node]], kg: Any) -> Graph:
    """What the batch refers to in ``kg``: each resource's triples, the types of their values,
    and the places containing them (to tell that a destination lies in a country)."""
    triples = list(batch)
    subjects = {s for s, _, _ in triples}
    referenced = sorted(
        {o for _, p, o in triples if isinstance(o, URIRef) and p != RDF.type} - subjects
    )
    out = Graph(bind_namespaces="none")
    for start in range(0, len(referenced), 400):
        values = " ".join(f"<{iri}>" for iri in referenced[start : start + 400])
        result = kg.store.query(
            f"""CONSTRUCT {{ ?r ?p ?o . ?o a ?ot . ?x <{SCHEMA_CONTAINED_IN}> ?y . ?y a ?yt . }}
            WHERE {{ VALUES ?r {{ {values} }}
              {{ ?r ?p ?o OPTIONAL {{ ?o a ?ot }} }}
              UNION
              {{ ?r <{SCHEMA_CONTAINED_IN}>* ?x . ?x <{SCHEMA_CONTAINED_IN}> ?y
                 OPTIONAL {{ ?y a ?yt }} }}
            }}""",
            form=QueryForm.CONSTRUCT,
            max_rows=None,
        )
        if result.graph is not None:
            out += result.graph
    return out


def data_graph(batch: Graph, context: Graph) -> PreparedQueryGraph:
    """The graph pySHACL validates: ontology + context + batch."""
    graph = PreparedQueryGraph()
    for part in (ontology_graph(), context, batch):
        for triple in part:
            graph.add(triple)
    return graph


def run_shacl(graph: Graph) -> Graph:
    """Run pySHACL (no inference, in place) and return its report graph."""
    from pyshacl import validate as pyshacl_validate

    _, report, _ = pyshacl_validate(
        graph,
        shacl_graph=shapes_graph(),
        inference="none",
        inplace=True,
        allow_warnings=True,
        allow_infos=True,
    )
    assert isinstance(report, Graph)
    return report


# --- validating ------------------------------------------------------------------------------


class Engine(StrEnum):
    """How the shapes are checked: the fast evaluator (default) or pySHACL (the reference)."""

    FAST = "fast"
    PYSHACL = "pyshacl"


def shacl_report(
    triples: Sequence[Iterable[tuple[Node, Node, Node]]],
    focus: set[Node] | None,
    engine: Engine = Engine.FAST,
) -> tuple[Graph, Any]:
    """Validate the union of ``triples`` (restricted to ``focus`` nodes when given).

    Returns the SHACL report graph and an object with ``objects(s, p)`` over the data.
    """
    if engine is Engine.FAST:
        try:
            compiled = compiled_shapes()
        except Unsupported:
            compiled = None
        if compiled is not None:
            index = _Index(t for part in triples for t in part)
            runner = _SparqlRunner(index)
            return _report_graph(compiled.validate(index, focus, runner), compiled), index
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
    batch: RecordBatch | Graph, kg: Any, *, engine: Engine = Engine.FAST
) -> ValidationReport:
    """Validate a batch of records together with the resources of ``kg`` it refers to."""
    if isinstance(batch, Graph):
        batch = RecordBatch.of(batch)
    context = context_graph(batch.triples, kg)
    own: set[Node] = set(batch.records)
    shacl, data = shacl_report([ontology_graph(), context, batch.triples], own, engine)
    problems: list[tuple[RecordRef, Problem]] = []
    report = _new_report()
    unknown = _unknown_references(batch, context)
    for result in shacl.objects(None, SH.result):
        focus = shacl.value(result, SH.focusNode)
        if not isinstance(focus, IdentifiedNode) or focus not in own:
            continue  # a problem of the existing graph, not of this batch
        if shacl.value(result, SH.value) in unknown:
            continue  # already reported once, as an unknown reference
        problem = _shacl_problem(shacl, result, data, batch)
        problems.append((batch.records[focus], problem))
        _copy_result(shacl, result, report)
    for ref, problem in _own_checks(batch, unknown):
        problems.append((ref, problem))
        _add_result(report, problem)
    return _finish(problems, report, batch.record_count)


def validate_graph(kg: Any, *, engine: Engine = Engine.FAST) -> ValidationReport:
    """Validate the whole graph of ``kg`` (bundled data and added records)."""
    result = kg.store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", form=QueryForm.CONSTRUCT, max_rows=None
    )
    everything = result.graph if result.graph is not None else Graph()
    shacl, data = shacl_report([everything], None, engine)
    report = _new_report()
    problems = []
    batch = RecordBatch(sources=["graph"])
    for result_node in shacl.objects(None, SH.result):
        focus = shacl.value(result_node, SH.focusNode)
        ref = RecordRef("graph", subject=str(focus))
        problems.append((ref, _shacl_problem(shacl, result_node, data, batch)))
        _copy_result(shacl, result_node, report)
    subjects = {s for s in everything.subjects() if isinstance(s, URIRef)}
    return _finish(problems, report, len(subjects))


def result_keys(report: Graph) -> set[tuple[str, ...]]:
    """What identifies each result (focus, path, value, component, shape, severity): two
    validations found the same problems when these sets are equal."""
    keys = set()
    for r in report.objects(None, SH.result):
        keys.add(
            tuple(
                _path_key(report, report.value(r, p))
                for p in (
                    SH.focusNode,
                    SH.resultPath,
                    SH.value,
                    SH.sourceConstraintComponent,
                    SH.sourceShape,
                    SH.resultSeverity,
                )
            )
        )
    return keys


def _path_key(graph: Graph, node: Node | None) -> str:
    if not isinstance(node, BNode):
        return "" if node is None else node.n3()
    if graph.value(node, RDF.first) is not None:
        return "(" + " / ".join(_path_key(graph, n) for n in graph.items(node)) + ")"
    parts = sorted(f"{p.n3()} {_path_key(graph, o)}" for p, o in graph.predicate_objects(node))
    return "[" + "; ".join(parts) + "]"


@cache
def compiled_shapes() -> CompiledShapes:
    """The bundled shapes, compiled once for the fast evaluator.

    :raises Unsupported: the shapes need pySHACL.
    """
    return CompiledShapes(shapes_graph())


class _SparqlRunner:
    """Runs a SHACL-SPARQL SELECT for many focus nodes at once on an Oxigraph copy of the data."""

    _SKOLEM = "urn:x-umkm-kg:bnode:"

    def __init__(self, index: _Index) -> None:
        self.index = index
        self._store: Any = None
        self._terms: dict[Node, str] = {}

    def _term(self, term: Node) -> str:
        """``term`` in N-Triples, blank nodes as IRIs (so that queries can name them)."""
        found = self._terms.get(term)
        if found is None:
            if isinstance(term, BNode):
                found = f"<{self._SKOLEM}{term}>"
            elif isinstance(term, Literal):
                text = (
                    str(term)
                    .replace("\\", "\\\\")
                    .replace('"', '\\"')
                    .replace("\n", "\\n")
                    .replace("\r", "\\r")
                )
                if term.language:
                    found = f'"{text}"@{term.language}'
                elif term.datatype is not None:
                    found = f'"{text}"^^<{term.datatype}>'
                else:
                    found = f'"{text}"'
            else:
                found = f"<{term}>"
            self._terms[term] = found
        return found

    def store(self) -> Any:
        import pyoxigraph as ox

        if self._store is None:
            term = self._term
            text = "".join(
                f"{term(s)} {term(p)} {term(o)} .\n"
                for s, by in self.index.out.items()
                for p, objects in by.items()
                for o in objects
            )
            self._store = ox.Store()
            self._store.load(text.encode("utf-8"), ox.RdfFormat.N_TRIPLES)
        return self._store

    def _back(self, term: Any) -> Node:
        from .results import term_from_oxigraph

        value = term_from_oxigraph(term)
        if isinstance(value, URIRef) and str(value).startswith(self._SKOLEM):
            return BNode(str(value)[len(self._SKOLEM) :])
        return value

    def __call__(self, query: str, nodes: list[Node]) -> Iterable[tuple[Node, dict[str, Node]]]:
        import re

        store = self.store()
        text = query.replace("$this", "?this")
        bulk = len(re.findall(r"\bSELECT\b", text, re.IGNORECASE)) == 1 and "{" in text
        groups = (
            [nodes[i : i + 500] for i in range(0, len(nodes), 500)]
            if bulk
            else [[n] for n in nodes]
        )
        for group in groups:
            values = " ".join(self._term(n) for n in group)
            if bulk:
                brace = text.index("{")
                sparql = f"{text[: brace + 1]} VALUES ?this {{ {values} }} {text[brace + 1 :]}"
            else:
                sparql = query.replace("$this", values)
            answer = store.query(sparql)
            names = [v.value for v in answer.variables]
            for solution in answer:
                row = {n: self._back(solution[n]) for n in names if solution[n] is not None}
                yield row.get("this", group[0]), row


def _report_graph(results: list[_Result], compiled: CompiledShapes) -> Graph:
    """A pySHACL-style report graph of the evaluator's results."""
    report = Graph(bind_namespaces="none")
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(not any(r.severity == SH.Violation for r in results))))
    for r in results:
        result = BNode()
        report.add((node, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, r.focus))  # type: ignore[arg-type]
        report.add((result, SH.sourceShape, r.shape))  # type: ignore[arg-type]
        report.add((result, SH.sourceConstraintComponent, r.component))
        report.add((result, SH.resultSeverity, r.severity))
        if r.value is not None:
            report.add((result, SH.value, r.value))  # type: ignore[arg-type]
        if r.constraint is not None:
            report.add((result, SH.sourceConstraint, r.constraint))  # type: ignore[arg-type]
        if r.path is not None:
            report.add((result, SH.resultPath, r.path))  # type: ignore[arg-type]
            if isinstance(r.path, BNode):
                _copy_result(compiled.graph, r.path, report, link=False)
        for message in r.messages:
            report.add((result, SH.resultMessage, message))
    return report


def _finish(
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
                    key=lambda p: (p.severity.rank, p.field, p.message.en, p.found.en),
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


def _new_report() -> Graph:
    report = Graph(bind_namespaces="none")
    report.add((BNode("report"), RDF.type, SH.ValidationReport))
    return report


def _copy_result(source: Graph, result: Node, target: Graph, *, link: bool = True) -> None:
    if link:
        report = next(iter(target.subjects(RDF.type, SH.ValidationReport)))
        target.add((report, SH.result, result))  # type: ignore[arg-type]
    stack, seen = [result], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in source.predicate_objects(node):  # type: ignore[arg-type]
            target.add((node, p, o))  # type: ignore[arg-type]
            if isinstance(o, BNode):
                stack.append(o)


def _add_result(report: Graph, problem: Problem) -> None:
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


def _shacl_problem(shacl: Graph, result: Node, data: Graph, batch: RecordBatch) -> Problem:
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
    if isinstance(data, _Index):
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


def _unknown_references(batch: RecordBatch, context: Graph) -> set[URIRef]:
    """Resources of the graph's own namespace the batch points at but nobody describes."""
    subjects = {s for s, _, _ in batch.triples} | set(context.subjects())
    kg = str(KG)
    return {
        o
        for _, _, o in batch.triples
        if isinstance(o, URIRef) and o not in subjects and o.startswith(kg)
    }


def _own_checks(
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

    for s, p, o in batch.triples:
        ref = batch.records.get(s) if isinstance(s, IdentifiedNode) else None
        if ref is None:
            continue
        if o in unknown:
            yield ref, _reference_problem(s, p, o, field_of(s, p))
        for term, kind in ((p, "property"), (o if p == RDF.type else None, "class")):
            if isinstance(term, URIRef) and term.startswith(umkm) and term not in terms:
                yield ref, _term_problem(s, p, term, kind, field_of(s, p))
        if isinstance(o, Literal) and o.startswith(_PLACEHOLDER):
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


# --- what was expected, what was found -------------------------------------------------------


def short(iri: str | None) -> str:
    """``kg:country-my`` for a known namespace, else ``<iri>`` (blank nodes stay ``_:b``)."""
    if iri is None:
        return "-"
    if iri.startswith("_:"):
        return iri
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _name(term: Node, ontology: Graph, lang: str) -> str:
    labels = {
        (label.language or ""): str(label)
        for label in ontology.objects(term, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))  # type: ignore[arg-type]
        if isinstance(label, Literal)
    }
    label = labels.get(lang) or labels.get("en")
    return f"{label} ({short(str(term))})" if label else short(str(term))


def _values(shapes: Graph, shape: Node, parameter: URIRef) -> list[Node]:
    value = shapes.value(shape, parameter)  # type: ignore[arg-type]
    if value is None:
        return []
    if parameter in _LIST_PARAMETERS:
        return list(shapes.items(value))  # type: ignore[arg-type]
    return [value]


def expectation(shapes: Graph, ontology: Graph, shape: Node | None, component: Node | None) -> Text:
    """What a constraint asks for, in words, from its component and the shape's parameters."""
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")

    def param(local: str) -> list[Node]:
        return _values(shapes, shape, SH[local]) if shape is not None else []

    def one(local: str) -> str:
        found = param(local)
        return str(found[0]) if found else "?"

    if name == "MinCount":
        return Text(
            f"at least {one('minCount')} value(s)", f"paling sedikit {one('minCount')} nilai"
        )
    if name == "MaxCount":
        return Text(f"at most {one('maxCount')} value(s)", f"paling banyak {one('maxCount')} nilai")
    if name == "Class":
        cls = param("class")[0] if param("class") else SH.Class
        return Text(
            f"an existing {_name(cls, ontology, 'en')}", f"{_name(cls, ontology, 'id')} yang ada"
        )
    if name == "Datatype":
        dt = param("datatype")[0] if param("datatype") else None
        if dt == RDF.langString:
            return Text(
                "text with a language tag (@id or @en)", "teks bertag bahasa (@id atau @en)"
            )
        return Text(f"a value of type {short(str(dt))}", f"nilai bertipe {short(str(dt))}")
    if name == "In":
        listed = ", ".join(short(str(v)) for v in param("in"))
        return Text(f"one of: {listed}", f"salah satu dari: {listed}")
    if name == "Pattern":
        return Text(f"text matching {one('pattern')}", f"teks yang cocok dengan {one('pattern')}")
    if name == "NodeKind":
        kind = short(one("nodeKind")).removeprefix("sh:")
        return Text(f"a value of kind {kind}", f"nilai berjenis {kind}")
    if name == "QualifiedMinCount":
        inner = param("qualifiedValueShape")
        langs = [str(v) for v in _values(shapes, inner[0], SH.languageIn)] if inner else []
        if langs:
            tag = "/".join(f"@{t}" for t in langs)
            return Text(
                f"at least {one('qualifiedMinCount')} value(s) in {tag}",
                f"paling sedikit {one('qualifiedMinCount')} nilai dalam {tag}",
            )
    if name in ("Or", "Xone", "And"):
        options = [_option(shapes, o) for o in param(name.lower())]
        if options:
            word = {"Or": (" or ", " atau "), "Xone": (" or ", " atau "), "And": (" and ", " dan ")}
            return Text(
                "a value for " + word[name][0].join(options),
                "nilai untuk " + word[name][1].join(options),
            )
    if name == "UniqueLang":
        return Text("at most one value per language", "paling banyak satu nilai per bahasa")
    if name == "MinInclusive":
        return Text(
            f"a number of at least {one('minInclusive')}",
            f"angka paling sedikit {one('minInclusive')}",
        )
    messages = {
        (m.language or "en"): str(m)
        for m in shapes.objects(shape, SH.message)  # type: ignore[arg-type]
        if isinstance(m, Literal)
    }
    sparql = shapes.value(shape, SH.sparql)  # type: ignore[arg-type]
    if sparql is not None:
        messages = messages or {
            (m.language or "en"): str(m)
            for m in shapes.objects(sparql, SH.message)
            if isinstance(m, Literal)
        }
    en = messages.get("en", f"what {short(str(shape))} asks for")
    id_ = messages.get("id", f"yang diminta {short(str(shape))}")
    return Text(_unfilled(en), _unfilled(id_))


def _unfilled(message: str) -> str:
    import re

    return re.sub(r"\{[?$]\w+\}", "…", message)


def _option(shapes: Graph, option: Node) -> str:
    for parameter in (SH.path, SH["class"], SH.datatype):
        value = shapes.value(option, parameter)  # type: ignore[arg-type]
        if value is not None:
            return short(str(value))
    return short(str(option))


def found_text(
    data: Graph, focus: Node | None, path: Node | None, component: Node | None, value: Node | None
) -> Text:
    """What the record has: the offending value, or how many values there are."""
    if value is not None and value == focus and path is None:
        if str(component).endswith(("OrConstraintComponent", "XoneConstraintComponent")):
            return Text("none of them", "tidak satu pun")
        return Text("this node does not", "simpul ini tidak")
    if value is not None:
        text = short(str(value)) if isinstance(value, URIRef) else _literal(value)
        return Text(text, text)
    if isinstance(path, URIRef) and focus is not None:
        values = list(data.objects(focus, path))  # type: ignore[arg-type]
        if not values:
            return Text("nothing", "tidak ada")
        if str(component).endswith("QualifiedMinCountConstraintComponent"):
            shown = ", ".join(
                _literal(v) if isinstance(v, Literal) else short(str(v)) for v in values[:3]
            )
            return Text(shown, shown)
        return Text(f"{len(values)} value(s)", f"{len(values)} nilai")
    return Text("a record that does not conform", "rekaman yang tidak sesuai")


def _literal(value: Node) -> str:
    if isinstance(value, Literal):
        text = str(value) if len(str(value)) <= 80 else str(value)[:77] + "..."
        if value.language:
            return f'"{text}"@{value.language}'
        if value.datatype is not None:
            return f'"{text}"^^{short(str(value.datatype))}'
        return f'"{text}"'
    return str(value)


# --- a fast evaluator for the shapes -----------------------------------------------------------
#
# pySHACL needs about 20 s for 1,000 CSV records with these shapes (nested shapes rebuild their
# constraint objects per value node). This evaluator implements the SHACL Core components the
# shapes use, over plain dictionaries, and SHACL-SPARQL constraints as one Oxigraph query per
# constraint for all focus nodes. It reproduces pySHACL's results (same focus node, path, value,
# component, shape and severity; checked by the tests and the benchmark) and gives way to pySHACL
# when the shapes use anything it does not implement.

ALLOWED_SEVERITIES = frozenset({SH.Warning, SH.Info})
"""Severities that do not make a shape fail (pySHACL's ``allow_warnings``)."""

_NOT_CONSTRAINTS = frozenset(
    SH[n]
    for n in (
        "message",
        "severity",
        "name",
        "description",
        "order",
        "group",
        "defaultValue",
        "path",
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "deactivated",
        "flags",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "qualifiedValueShapesDisjoint",
        "declare",
        "prefixes",
        "select",
        "prefix",
        "namespace",
        "inversePath",
        "alternativePath",
        "zeroOrMorePath",
        "oneOrMorePath",
        "zeroOrOnePath",
    )
)
_SIMPLE = frozenset(
    SH[n]
    for n in (
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "minLength",
        "maxLength",
        "pattern",
        "languageIn",
        "uniqueLang",
        "in",
        "hasValue",
        "node",
        "property",
        "or",
        "and",
        "not",
        "xone",
        "qualifiedValueShape",
        "sparql",
    )
)
_LIST_PARAMETERS = frozenset({SH["in"], SH.languageIn, SH["or"], SH["and"], SH.xone})
_COMPONENT_OF: dict[URIRef, URIRef] = {
    p: URIRef(
        f"{SH}{str(p)[len(str(SH)) :][:1].upper()}{str(p)[len(str(SH)) + 1 :]}ConstraintComponent"
    )
    for p in _SIMPLE
    if p != SH.sparql
}
_COMPONENT_OF[SH["class"]] = SH.ClassConstraintComponent
_COMPONENT_OF[SH.sparql] = SH.SPARQLConstraintComponent
_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


class Unsupported(Exception):
    """The shapes use a SHACL feature the fast evaluator does not implement."""


@dataclass(frozen=True)
class _Result:
    focus: Node
    shape: Node
    component: URIRef
    severity: URIRef
    value: Node | None
    path: Node | None
    messages: tuple[Literal, ...]
    constraint: Node | None = None


@dataclass
class _Shape:
    node: Node
    path: Any
    path_node: Node | None
    severity: URIRef
    messages: tuple[Literal, ...]
    checks: list[tuple[str, Any, URIRef]]
    """(kind, prepared argument, constraint component) for each constraint of the shape."""
    deactivated: bool = False


class _Index:
    """Triples by subject and by object, with the class hierarchy, for quick lookups."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        self.out: dict[Node, dict[Node, list[Node]]] = {}
        self.inv: dict[Node, dict[Node, list[Node]]] = {}
        for s, p, o in triples:
            self.out.setdefault(s, {}).setdefault(p, []).append(o)
            self.inv.setdefault(o, {}).setdefault(p, []).append(s)
        self._supers: dict[Node, set[Node]] = {}

    def objects(self, s: Node, p: Node) -> list[Node]:
        return self.out.get(s, {}).get(p, [])

    def subjects(self, p: Node, o: Node) -> list[Node]:
        return self.inv.get(o, {}).get(p, [])

    def supers(self, cls: Node) -> set[Node]:
        found = self._supers.get(cls)
        if found is None:
            found, stack = {cls}, [cls]
            while stack:
                for parent in self.objects(stack.pop(), RDFS_SUBCLASS):
                    if parent not in found:
                        found.add(parent)
                        stack.append(parent)
            self._supers[cls] = found
        return found

    def is_instance(self, node: Node, cls: Node) -> bool:
        return any(cls in self.supers(t) for t in self.objects(node, RDF.type))

    def instances(self, cls: Node) -> list[Node]:
        classes = [cls]
        seen = {cls}
        while classes:
            for sub in self.subjects(RDFS_SUBCLASS, classes.pop()):
                if sub not in seen:
                    seen.add(sub)
                    classes.append(sub)
        return list(dict.fromkeys(s for c in seen for s in self.subjects(RDF.type, c)))

    def values(self, node: Node, path: Any) -> list[Node]:
        kind, arg = path
        if kind == "p":
            return self.objects(node, arg)
        if kind == "inv":
            return self.subjects(arg, node)
        if kind == "seq":
            nodes = [node]
            for step in arg:
                nodes = list(dict.fromkeys(v for n in nodes for v in self.values(n, step)))
            return nodes
        if kind == "alt":
            return list(dict.fromkeys(v for step in arg for v in self.values(node, step)))
        found: list[Node] = [node] if kind in ("star", "opt") else []
        frontier = [node]
        while frontier:
            following = [v for n in frontier for v in self.values(n, arg)]
            new = [v for v in dict.fromkeys(following) if v not in found]
            found.extend(new)
            frontier = new if kind != "opt" else []
        return found


RDFS_SUBCLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")


class CompiledShapes:
    """The shapes graph read once into plain records.

    :raises Unsupported: the shapes use a feature this evaluator does not implement.
    """

    def __init__(self, shapes: Graph) -> None:
        self.graph = shapes
        self.shapes: dict[Node, _Shape] = {}
        if (None, RDF.type, SH.ConstraintComponent) in shapes or (None, SH.rule, None) in shapes:
            raise Unsupported("custom constraint components or rules")
        for p in set(shapes.predicates()):
            if str(p).startswith(str(SH)) and p not in _SIMPLE | _NOT_CONSTRAINTS:
                raise Unsupported(short(str(p)))
        if any(v != Literal(False) for v in shapes.objects(None, SH.qualifiedValueShapesDisjoint)):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        self.targeted: list[tuple[_Shape, str, Node]] = []
        for s, p, o in shapes:
            if p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
                self.targeted.append((self.shape(s), str(p).rsplit("#", 1)[1], o))
        for klass in (RDFS_CLASS, OWL.Class):
            for s in shapes.subjects(RDF.type, klass):
                if (s, RDF.type, SH.NodeShape) in shapes or (
                    s,
                    RDF.type,
                    SH.PropertyShape,
                ) in shapes:
                    self.targeted.append((self.shape(s), "targetClass", s))
        self.prefixes = self._prefixes()

    def shape(self, node: Node) -> _Shape:
        found = self.shapes.get(node)
        if found is not None:
            return found
        g = self.graph
        path_node = g.value(node, SH.path)  # type: ignore[arg-type]
        checks = []
        for p, o in g.predicate_objects(node):  # type: ignore[arg-type]
            if p in _SIMPLE:
                checks.append(self._prepare(node, p, o))  # type: ignore[arg-type]
        found = _Shape(
            node=node,
            path=self._path(path_node) if path_node is not None else None,
            path_node=path_node,
            severity=g.value(node, SH.severity) or SH.Violation,  # type: ignore[arg-type,assignment]
            messages=tuple(m for m in g.objects(node, SH.message) if isinstance(m, Literal)),  # type: ignore[arg-type]
            checks=checks,
            deactivated=g.value(node, SH.deactivated) == Literal(True),  # type: ignore[arg-type]
        )
        self.shapes[node] = found
        return found

    def _prepare(self, shape: Node, p: URIRef, o: Node) -> tuple[str, Any, URIRef]:
        """A constraint as (kind, argument ready for checking, component IRI)."""
        import re

        g = self.graph
        kind = str(p)[len(str(SH)) :]
        component = _COMPONENT_OF.get(p, SH.SPARQLConstraintComponent)
        arg: Any = o
        if p in _LIST_PARAMETERS:
            arg = list(g.items(o))  # type: ignore[arg-type]
            if p == SH["in"]:
                arg = set(arg)
            elif p == SH.languageIn:
                arg = {str(a).lower() for a in arg}
        elif p in (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength):
            arg = int(o)  # type: ignore[call-overload]
        elif p == SH.pattern:
            flags = g.value(shape, SH.flags)  # type: ignore[arg-type]
            arg = re.compile(str(o), re.IGNORECASE if flags and "i" in str(flags) else 0)
        elif p == SH.uniqueLang:
            arg = o == Literal(True)
        elif p == SH.qualifiedValueShape:
            low, high = g.value(shape, SH.qualifiedMinCount), g.value(shape, SH.qualifiedMaxCount)  # type: ignore[arg-type]
            arg = (o, None if low is None else int(low), None if high is None else int(high))  # type: ignore[call-overload]
        elif p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            kind, arg = "range", (p, o)
        return kind, arg, component

    def _path(self, node: Node) -> Any:
        g = self.graph
        if isinstance(node, URIRef):
            return ("p", node)
        for predicate, kind in (
            (SH.inversePath, "inv"),
            (SH.alternativePath, "alt"),
            (SH.zeroOrMorePath, "star"),
            (SH.oneOrMorePath, "plus"),
            (SH.zeroOrOnePath, "opt"),
        ):
            arg = g.value(node, predicate)  # type: ignore[arg-type]
            if arg is None:
                continue
            if kind == "inv" and isinstance(arg, URIRef):
                return ("inv", arg)
            if kind == "inv":
                raise Unsupported("inverse of a complex path")
            if kind == "alt":
                return ("alt", tuple(self._path(n) for n in g.items(arg)))
            return (kind, self._path(arg))
        if g.value(node, RDF.first) is not None:  # type: ignore[arg-type]
            return ("seq", tuple(self._path(n) for n in g.items(node)))  # type: ignore[arg-type]
        raise Unsupported(f"path {node}")

    def _prefixes(self) -> dict[Node, str]:
        """PREFIX lines for each ``sh:prefixes`` value (SHACL 5.2.1)."""
        out: dict[Node, str] = {}
        g = self.graph
        for holder in set(g.objects(None, SH.prefixes)):
            lines = []
            for decl in g.objects(holder, SH.declare):  # type: ignore[arg-type]
                prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)  # type: ignore[arg-type]
                lines.append(f"PREFIX {prefix}: <{namespace}>")
            out[holder] = "\n".join(sorted(lines)) + "\n"
        return out

    # --- evaluation ---

    def validate(self, index: _Index, focus: set[Node] | None, sparql: Any = None) -> list[_Result]:
        """Every result for the focus nodes in ``focus`` (all targets when ``None``)."""
        results: list[_Result] = []
        pending_sparql: dict[tuple[Node, Node], list[Node]] = {}
        for shape, kind, target in self.targeted:
            if shape.deactivated:
                continue
            if kind == "targetClass":
                nodes = index.instances(target)
            elif kind == "targetNode":
                nodes = [target]
            elif kind == "targetSubjectsOf":
                nodes = list(dict.fromkeys(s for s, by in index.out.items() if target in by))
            else:
                nodes = list(dict.fromkeys(o for o, by in index.inv.items() if target in by))
            for node in nodes:
                if focus is None or node in focus:
                    self._check(shape, node, index, results, pending_sparql, sparql)
        for (shape_node, constraint), nodes in pending_sparql.items():
            results.extend(self._sparql(self.shapes[shape_node], constraint, nodes, sparql))
        return list(dict.fromkeys(results))

    def conforms(self, shape: _Shape, node: Node, index: _Index, sparql: Any) -> bool:
        if shape.severity in ALLOWED_SEVERITIES:
            return True
        found: list[_Result] = []
        pending: dict[tuple[Node, Node], list[Node]] = {}
        self._check(shape, node, index, found, pending, sparql)
        for (shape_node, constraint), nodes in pending.items():
            found.extend(self._sparql(self.shapes[shape_node], constraint, nodes, sparql))
        return all(r.severity in ALLOWED_SEVERITIES for r in found)

    def _check(
        self,
        shape: _Shape,
        focus: Node,
        index: _Index,
        out: list[_Result],
        pending: dict[tuple[Node, Node], list[Node]],
        sparql: Any,
    ) -> None:
        if shape.deactivated:
            return
        values = (
            [focus] if shape.path is None else list(dict.fromkeys(index.values(focus, shape.path)))
        )

        def fail(component: URIRef, value: Node | None) -> None:
            out.append(
                _Result(
                    focus,
                    shape.node,
                    component,
                    shape.severity,
                    value,
                    shape.path_node,
                    shape.messages,
                )
            )

        for kind, arg, component in shape.checks:
            if kind == "property":
                self._check(self.shape(arg), focus, index, out, pending, sparql)
            elif kind == "sparql":
                pending.setdefault((shape.node, arg), []).append(focus)
            elif kind == "minCount":
                if len(values) < arg:
                    fail(component, None)
            elif kind == "maxCount":
                if len(values) > arg:
                    fail(component, None)
            elif kind == "hasValue":
                if arg not in values:
                    fail(component, None)
            elif kind == "uniqueLang":
                langs = [
                    v.language.lower() for v in values if isinstance(v, Literal) and v.language
                ]
                for _ in sorted({t for t in langs if langs.count(t) > 1} if arg else ()):
                    fail(component, None)
            elif kind == "qualifiedValueShape":
                inner, low, high = self.shape(arg[0]), arg[1], arg[2]
                count = sum(1 for v in values if self.conforms(inner, v, index, sparql))
                if high is not None and count > high:
                    fail(SH.QualifiedMaxCountConstraintComponent, None)
                if low is not None and count < low:
                    fail(SH.QualifiedMinCountConstraintComponent, None)
            else:
                for value in values:
                    if not self._value_ok(kind, arg, value, index, sparql):
                        fail(component, value)

    def _value_ok(self, kind: str, arg: Any, v: Node, index: _Index, sparql: Any) -> bool:
        if kind == "class":
            return not isinstance(v, Literal) and index.is_instance(v, arg)
        if kind == "datatype":
            return _datatype_ok(v, arg)
        if kind == "nodeKind":
            return isinstance(v, _NODE_KINDS.get(arg, ()))
        if kind == "in":
            return v in arg
        if kind == "pattern":
            return not isinstance(v, BNode) and bool(arg.search(str(v)))
        if kind == "languageIn":
            lang = v.language.lower() if isinstance(v, Literal) and v.language else None
            return lang is not None and (lang in arg or lang.split("-")[0] in arg)
        if kind in ("minLength", "maxLength"):
            if isinstance(v, BNode):
                return False
            size, limit = len(str(v)), int(arg)
            return size >= limit if kind == "minLength" else size <= limit
        if kind == "range":
            return _compare_ok(arg[0], v, arg[1])
        if kind == "node":
            return self.conforms(self.shape(arg), v, index, sparql)
        if kind == "not":
            return not self.conforms(self.shape(arg), v, index, sparql)
        if kind == "or":
            return any(self.conforms(self.shape(a), v, index, sparql) for a in arg)
        if kind == "and":
            return all(self.conforms(self.shape(a), v, index, sparql) for a in arg)
        if kind == "xone":
            return [self.conforms(self.shape(a), v, index, sparql) for a in arg].count(True) == 1
        raise Unsupported(kind)

    def _sparql(
        self, shape: _Shape, constraint: Node, nodes: list[Node], run: Any
    ) -> list[_Result]:
        g = self.graph
        text = str(g.value(constraint, SH.select) or "")  # type: ignore[arg-type]
        if not text or run is None or g.value(constraint, SH.deactivated) == Literal(True):  # type: ignore[arg-type]
            if not text:
                raise Unsupported("SPARQL constraints other than sh:select")
            return []
        prefixes = "".join(
            self.prefixes.get(h, "")
            for h in g.objects(constraint, SH.prefixes)  # type: ignore[arg-type]
        )
        if shape.path is not None:
            if not isinstance(shape.path_node, URIRef):
                raise Unsupported("SPARQL constraint on a complex path")
            text = text.replace("$PATH", f"<{shape.path_node}>")
        text = text.replace("$currentShape", f"<{shape.node}>")
        if "$shapesGraph" in text:
            raise Unsupported("$shapesGraph")
        messages = shape.messages or tuple(
            m
            for m in g.objects(constraint, SH.message)
            if isinstance(m, Literal)  # type: ignore[arg-type]
        )
        results = []
        for focus, row in run(prefixes + text, nodes):
            value = row.get("value")
            path = row.get("path")
            if "failure" in row:
                value = None
            elif value is None and shape.path is None:
                value = focus
            results.append(
                _Result(
                    row.get("this") or focus,
                    shape.node,
                    SH.SPARQLConstraintComponent,
                    shape.severity,
                    value,
                    path if path is not None else shape.path_node,
                    tuple(_fill(m, row) for m in messages),
                    constraint,
                )
            )
        return results


RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")


def _fill(message: Literal, row: dict[str, Node]) -> Literal:
    text = str(message)
    for name, value in row.items():
        shown = short(str(value)) if isinstance(value, URIRef) else str(value)
        text = text.replace("{?" + name + "}", shown).replace("{$" + name + "}", shown)
    return Literal(text, lang=message.language)


def _datatype_ok(v: Node, rule: Node) -> bool:
    # pySHACL's reading of sh:datatype (value_constraints.DatatypeConstraintComponent).
    if not isinstance(v, Literal):
        return False
    from rdflib.namespace import RDFS, XSD

    if v.datatype == rule:
        return not getattr(v, "ill_typed", False)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return True
    return rule == RDF.langString and bool(v.language)


def _compare_ok(parameter: URIRef, v: Node, arg: Any) -> bool:
    if not isinstance(v, Literal) or not isinstance(arg, Literal):
        return False
    try:
        a, b = v.toPython(), arg.toPython()
        if parameter == SH.minInclusive:
            return bool(a >= b)
        if parameter == SH.maxInclusive:
            return bool(a <= b)
        if parameter == SH.minExclusive:
            return bool(a > b)
        return bool(a < b)
    except TypeError:
        return False
