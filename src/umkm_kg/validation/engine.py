"""A fast evaluator of the bundled SHACL shapes, giving the same results as pySHACL.

pySHACL needs about 20 s for 1,000 CSV records with these shapes (nested shapes rebuild their
constraint objects for every value node). This evaluator implements the SHACL Core components
the shapes use over plain dictionaries, and SHACL-SPARQL constraints as one Oxigraph query per
constraint for all focus nodes. It reproduces pySHACL's results (same focus node, path, value,
component, shape and severity: checked by the tests and the benchmark) and gives way to pySHACL
when the shapes use anything it does not implement (:class:`Unsupported`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH
from rdflib.term import Node

from .data import shapes_graph
from .literals import compare_ok, datatype_ok
from .report import short
from .shacl_sparql import SparqlRunner, Unsupported, analyse

__all__ = ["CompiledShapes", "Index", "SparqlRunner", "Unsupported", "compiled_shapes"]


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
def compiled_shapes(cache_dir: Path | None = None) -> CompiledShapes:
    """The bundled shapes, compiled once for the fast evaluator (read from, or kept in,
    ``cache_dir`` when given: :mod:`.shapecache`).

    :raises Unsupported: the shapes need pySHACL.
    """
    from .shapecache import load_compiled

    return load_compiled(cache_dir, shapes_graph())


def report_graph(results: list[_Result], compiled: CompiledShapes) -> Graph:
    """A pySHACL-style report graph of the evaluator's results."""
    report = Graph(bind_namespaces="none")
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    failed = any(r.severity not in compiled.lenient for r in results)
    report.add((node, SH.conforms, Literal(not failed)))
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
                copy_result(compiled.graph, r.path, report, link=False)
        for message in r.messages:
            report.add((result, SH.resultMessage, message))
    return report


def copy_result(source: Graph, result: Node, target: Graph, *, link: bool = True) -> None:
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


ALLOWED_SEVERITIES = frozenset({SH.Warning, SH.Info})
"""Severities that do not make a shape fail (pySHACL's ``allow_warnings``)."""
_QUALIFIED_MIN = SH.QualifiedMinCountConstraintComponent
_QUALIFIED_MAX = SH.QualifiedMaxCountConstraintComponent

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


class Index:
    """Triples by subject and by object, with the class hierarchy, for quick lookups."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        self.out: dict[Node, dict[Node, list[Node]]] = {}
        self.inv: dict[Node, dict[Node, list[Node]]] = {}
        for s, p, o in triples:
            self.out.setdefault(s, {}).setdefault(p, []).append(o)
            self.inv.setdefault(o, {}).setdefault(p, []).append(s)
        self._supers: dict[Node, set[Node]] = {}
        self.verdicts: dict[tuple[int, int, Node, Node], bool] = {}
        """Whether a node conforms to a shape, as found so far (see
        :meth:`CompiledShapes.conforms`): the data does not change while it is validated."""

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
        return any(cls in self.supers(t) for t in self.objects(node, _TYPE))

    def instances(self, cls: Node) -> list[Node]:
        classes = [cls]
        seen = {cls}
        while classes:
            for sub in self.subjects(RDFS_SUBCLASS, classes.pop()):
                if sub not in seen:
                    seen.add(sub)
                    classes.append(sub)
        return list(dict.fromkeys(s for c in seen for s in self.subjects(_TYPE, c)))

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
RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")
# rdflib's namespace attributes cost a lookup each time: the hot paths use these constants.
_TYPE = RDF.type
_XSD_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")
_TARGETS = {
    SH.targetClass: "targetClass",
    SH.targetNode: "targetNode",
    SH.targetSubjectsOf: "targetSubjectsOf",
    SH.targetObjectsOf: "targetObjectsOf",
}
_REPORT_TERMS = frozenset({SH.ValidationReport, SH.ValidationResult})
_PATH_KINDS = (
    (SH.inversePath, "inv"),
    (SH.alternativePath, "alt"),
    (SH.zeroOrMorePath, "star"),
    (SH.oneOrMorePath, "plus"),
    (SH.zeroOrOnePath, "opt"),
)
_PATH_MARKS = {"star": "*", "plus": "+", "opt": "?"}
_NESTED = frozenset({"property", "sparql"})
"""Constraints whose results may have another severity than their shape's."""
_REGEX_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE}


@dataclass(frozen=True)
class _SparqlCheck:
    """A SHACL-SPARQL constraint of one shape, its query ready to run."""

    constraint: Node
    query: str
    bulk: bool
    messages: tuple[Literal, ...]


class CompiledShapes:
    """The shapes graph read once into plain records.

    ``lenient`` holds the severities that do not make a node fail a shape (pySHACL's
    ``allow_warnings``/``allow_infos``); SHACL itself has none.

    :raises Unsupported: the shapes use a feature this evaluator does not implement.
    :raises ShapesInvalid: a SPARQL constraint SHACL forbids, or one that could reach the network.
    """

    def __init__(self, shapes: Graph, *, lenient: frozenset[URIRef] = frozenset()) -> None:
        self.graph = shapes
        self.lenient = lenient
        self.shapes: dict[Node, _Shape] = {}
        if (None, RDF.type, SH.ConstraintComponent) in shapes or (None, SH.rule, None) in shapes:
            raise Unsupported("custom constraint components or rules")
        # Expected results in the shapes graph (as the W3C test files have) are not shapes.
        reports = {s for t in _REPORT_TERMS for s in shapes.subjects(RDF.type, t)}
        reports |= set(shapes.objects(None, SH.result))
        known = _SIMPLE | _NOT_CONSTRAINTS
        for s, p in set(shapes.subject_predicates()):
            if p not in known and s not in reports and str(p).startswith(str(SH)):
                raise Unsupported(short(str(p)))
        if any(v != Literal(False) for v in shapes.objects(None, SH.qualifiedValueShapesDisjoint)):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        self.prefixes = self._prefixes()
        targets: dict[Node, list[tuple[str, Node]]] = {}
        for s, p, o in shapes:
            if p in _TARGETS:
                targets.setdefault(s, []).append((_TARGETS[p], o))  # type: ignore[index]
        for klass in (RDFS_CLASS, OWL.Class):
            for s in shapes.subjects(RDF.type, klass):
                if (s, RDF.type, SH.NodeShape) in shapes or (
                    s,
                    RDF.type,
                    SH.PropertyShape,
                ) in shapes:
                    targets.setdefault(s, []).append(("targetClass", s))
        self.targeted = [(self.shape(s), found) for s, found in targets.items()]
        for node in list(self.shapes):  # compile every shape reachable from a target now
            self._reach(node, set())

    @classmethod
    def restored(
        cls,
        shapes: Graph,
        lenient: frozenset[URIRef],
        compiled: dict[Node, _Shape],
        targeted: list[tuple[_Shape, list[tuple[str, Node]]]],
    ) -> CompiledShapes:
        """Shapes compiled before (:mod:`.shapecache`), over the same ``shapes`` graph."""
        self = cls.__new__(cls)
        self.graph, self.lenient, self.shapes, self.targeted = shapes, lenient, compiled, targeted
        self.prefixes = self._prefixes()
        return self

    def _reach(self, node: Node, seen: set[Node]) -> None:
        if node in seen:
            return
        seen.add(node)
        for kind, arg, _ in self.shape(node).checks:
            if kind in ("property", "node", "not"):
                self._reach(arg, seen)
            elif kind in ("or", "and", "xone"):
                for option in arg:
                    self._reach(option, seen)
            elif kind == "qualifiedValueShape":
                self._reach(arg[0], seen)

    def shape(self, node: Node) -> _Shape:
        found = self.shapes.get(node)
        if found is not None:
            return found
        g = self.graph
        path_node = g.value(node, SH.path)  # type: ignore[arg-type]
        path = self._path(path_node) if path_node is not None else None
        found = _Shape(
            node=node,
            path=path,
            path_node=path_node,
            severity=g.value(node, SH.severity) or SH.Violation,  # type: ignore[arg-type,assignment]
            messages=tuple(m for m in g.objects(node, SH.message) if isinstance(m, Literal)),  # type: ignore[arg-type]
            checks=[],
            deactivated=_is_true(g.value(node, SH.deactivated)),  # type: ignore[arg-type]
        )
        self.shapes[node] = found  # before the checks: shapes may refer to themselves
        for p, o in g.predicate_objects(node):  # type: ignore[arg-type]
            if p in _SIMPLE:
                check = self._prepare(found, p, o)  # type: ignore[arg-type]
                if check is not None:
                    found.checks.append(check)
        return found

    def _prepare(self, shape: _Shape, p: URIRef, o: Node) -> tuple[str, Any, URIRef] | None:
        """A constraint as (kind, argument ready for checking, component IRI)."""
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
            arg = self._regex(shape.node, o)
        elif p == SH.uniqueLang:
            arg = _is_true(o)
        elif p == SH.qualifiedValueShape:
            low, high = (
                g.value(shape.node, SH.qualifiedMinCount),
                g.value(  # type: ignore[arg-type]
                    shape.node,  # type: ignore[arg-type]
                    SH.qualifiedMaxCount,
                ),
            )
            arg = (o, None if low is None else int(low), None if high is None else int(high))  # type: ignore[call-overload]
        elif p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            kind, arg = "range", (p, o)
        elif p == SH.sparql:
            if _is_true(g.value(o, SH.deactivated)):  # type: ignore[arg-type]
                return None
            arg = self._sparql_check(shape, o)
        return kind, arg, component

    def _regex(self, shape: Node, pattern: Node) -> re.Pattern[str]:
        flags = str(self.graph.value(shape, SH.flags) or "")  # type: ignore[arg-type]
        if any(f not in _REGEX_FLAGS for f in flags):
            raise Unsupported(f"sh:flags {flags!r}")
        try:
            return re.compile(str(pattern), sum(_REGEX_FLAGS[f] for f in set(flags)))
        except re.error:
            raise Unsupported(
                f"an XPath regular expression Python cannot read: {pattern}"
            ) from None

    def _sparql_check(self, shape: _Shape, constraint: Node) -> _SparqlCheck:
        g = self.graph
        text = g.value(constraint, SH.select)  # type: ignore[arg-type]
        if text is None:
            raise Unsupported("SPARQL constraints other than sh:select")
        query = str(text)
        if "$shapesGraph" in query or "?shapesGraph" in query:
            raise Unsupported("$shapesGraph")
        if shape.path is not None:
            query = query.replace("$PATH", _path_sparql(shape.path))
        if "$currentShape" in query:
            if not isinstance(shape.node, URIRef):
                raise Unsupported("$currentShape of a blank node shape")
            query = query.replace("$currentShape", f"<{shape.node}>")
        holders = g.objects(constraint, SH.prefixes)  # type: ignore[arg-type]
        query = "".join(self.prefixes.get(h, "") for h in holders) + query
        messages = shape.messages or tuple(
            m
            for m in g.objects(constraint, SH.message)  # type: ignore[arg-type]
            if isinstance(m, Literal)
        )
        return _SparqlCheck(constraint, query, analyse(query), messages)

    def _path(self, node: Node) -> Any:
        g = self.graph
        if isinstance(node, URIRef):
            return ("p", node)
        # A list is a sequence path whatever else the node says (pySHACL and the W3C suite's
        # path-strange tests read it so).
        if g.value(node, RDF.first) is not None:  # type: ignore[arg-type]
            return ("seq", tuple(self._path(n) for n in g.items(node)))  # type: ignore[arg-type]
        for predicate, kind in _PATH_KINDS:
            arg = g.value(node, predicate)  # type: ignore[arg-type]
            if arg is None:
                continue
            if kind == "inv":
                return _inverse(self._path(arg))
            if kind == "alt":
                return ("alt", tuple(self._path(n) for n in g.items(arg)))
            return (kind, self._path(arg))
        raise Unsupported(f"path {node}")

    def _prefixes(self) -> dict[Node, str]:
        """PREFIX lines for each ``sh:prefixes`` value (SHACL 5.2.1), through ``owl:imports``."""
        out: dict[Node, str] = {}
        g = self.graph
        for holder in set(g.objects(None, SH.prefixes)):
            lines, seen, stack = set(), set(), [holder]
            while stack:
                node = stack.pop()
                if node in seen:
                    continue
                seen.add(node)
                stack.extend(g.objects(node, OWL.imports))
                for decl in g.objects(node, SH.declare):
                    prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                    lines.add(f"PREFIX {prefix}: <{namespace}>")
            out[holder] = "\n".join(sorted(lines)) + "\n"
        return out

    # --- evaluation ---

    def validate(self, index: Index, focus: set[Node] | None, sparql: Any = None) -> list[_Result]:
        """Every result for the focus nodes in ``focus`` (all targets when ``None``).

        :raises Unsupported: a SPARQL constraint Oxigraph could not run for some focus node.
        """
        results: list[_Result] = []
        pending: dict[tuple[Node, _SparqlCheck], list[Node]] = {}
        for shape, targets in self.targeted:
            if shape.deactivated:
                continue
            nodes: dict[Node, None] = {}  # the focus nodes of a shape are a set (SHACL 2.1.3)
            for kind, target in targets:
                if kind == "targetClass":
                    nodes.update(dict.fromkeys(index.instances(target)))
                elif kind == "targetNode":
                    nodes[target] = None
                elif kind == "targetSubjectsOf":
                    nodes.update(dict.fromkeys(s for s, by in index.out.items() if target in by))
                else:
                    nodes.update(dict.fromkeys(o for o, by in index.inv.items() if target in by))
            for node in nodes:
                if focus is None or node in focus:
                    self._check(shape, node, index, results, pending, sparql)
        for (shape_node, check), waiting in pending.items():
            results.extend(self._sparql(self.shapes[shape_node], check, waiting, sparql))
        return results

    def conforms(self, shape: _Shape, node: Node, index: Index, sparql: Any) -> bool:
        """Whether ``node`` conforms to ``shape`` (asked by sh:node, sh:or, qualified shapes..:
        the same value is asked about by many focus nodes, so each answer is kept)."""
        if shape.severity in self.lenient:
            return True
        key = (id(self), id(sparql), shape.node, node)
        found = index.verdicts.get(key)
        if found is None:
            found = index.verdicts[key] = self._conforms(shape, node, index, sparql)
        return found

    def _conforms(self, shape: _Shape, node: Node, index: Index, sparql: Any) -> bool:
        if not any(kind in _NESTED for kind, _, _ in shape.checks):
            return self._passes(shape, node, index, sparql)
        found: list[_Result] = []
        pending: dict[tuple[Node, _SparqlCheck], list[Node]] = {}
        self._check(shape, node, index, found, pending, sparql)
        for (shape_node, check), nodes in pending.items():
            found.extend(self._sparql(self.shapes[shape_node], check, nodes, sparql))
        return all(r.severity in self.lenient for r in found)

    def _passes(self, shape: _Shape, focus: Node, index: Index, sparql: Any) -> bool:
        """:meth:`_check` of a shape whose every result would have its severity (no
        sh:property, no SPARQL), stopping at the first failure: whether there is none."""
        if shape.deactivated:
            return True
        values = [focus] if shape.path is None else _distinct(index.values(focus, shape.path))
        for kind, arg, _ in shape.checks:
            if kind == "minCount":
                if len(values) < arg:
                    return False
            elif kind == "maxCount":
                if len(values) > arg:
                    return False
            elif kind == "hasValue":
                if arg not in values:
                    return False
            elif kind == "uniqueLang":
                langs = [
                    v.language.lower() for v in values if isinstance(v, Literal) and v.language
                ]
                if arg and len(set(langs)) < len(langs):
                    return False
            elif kind == "qualifiedValueShape":
                inner, low, high = self.shape(arg[0]), arg[1], arg[2]
                count = sum(1 for v in values if self.conforms(inner, v, index, sparql))
                if (high is not None and count > high) or (low is not None and count < low):
                    return False
            else:
                for value in values:
                    if not self._value_ok(kind, arg, value, index, sparql):
                        return False
        return True

    def _check(
        self,
        shape: _Shape,
        focus: Node,
        index: Index,
        out: list[_Result],
        pending: dict[tuple[Node, _SparqlCheck], list[Node]],
        sparql: Any,
    ) -> None:
        if shape.deactivated:
            return
        values = [focus] if shape.path is None else _distinct(index.values(focus, shape.path))

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
                # SHACL 2.3: a property shape's value nodes are the focus nodes of its sh:property.
                inner = self.shape(arg)
                for value in values:
                    self._check(inner, value, index, out, pending, sparql)
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
                    fail(_QUALIFIED_MAX, None)
                if low is not None and count < low:
                    fail(_QUALIFIED_MIN, None)
            else:
                for value in values:
                    if not self._value_ok(kind, arg, value, index, sparql):
                        fail(component, value)

    def _value_ok(self, kind: str, arg: Any, v: Node, index: Index, sparql: Any) -> bool:
        if kind == "class":
            return not isinstance(v, Literal) and index.is_instance(v, arg)
        if kind == "datatype":
            return datatype_ok(v, arg)
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
            return compare_ok(arg[0], v, arg[1])
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
        self, shape: _Shape, check: _SparqlCheck, nodes: list[Node], run: Any
    ) -> list[_Result]:
        if run is None:
            return []
        results = []
        for focus, row in run(check.query, list(dict.fromkeys(nodes)), check.bulk):
            if row.get("failure") == Literal(True):
                raise Unsupported("a SPARQL constraint reported a failure")
            value = row.get("value")
            path = row.get("path")
            if value is None and shape.path is None:
                value = focus
            results.append(
                _Result(
                    focus,
                    shape.node,
                    SH.SPARQLConstraintComponent,
                    shape.severity,
                    value,
                    path if path is not None else shape.path_node,
                    tuple(_fill(m, row) for m in check.messages),
                    check.constraint,
                )
            )
        return results


def _distinct(values: list[Node]) -> list[Node]:
    """``values`` without repeats, in order (most value lists have one value or none: those
    are handed back as they are, and must not be changed)."""
    return values if len(values) < 2 else list(dict.fromkeys(values))


def _is_true(node: Node | None) -> bool:
    """Whether ``node`` is the literal ``true`` (SHACL names no other form: ``"1"`` is not it)."""
    return isinstance(node, Literal) and node.datatype == _XSD_BOOLEAN and str(node) == "true"


def _inverse(path: Any) -> Any:
    """The inverse of a compiled path, pushed down to its predicates."""
    kind, arg = path
    if kind == "p":
        return ("inv", arg)
    if kind == "inv":
        return ("p", arg)
    if kind == "seq":
        return ("seq", tuple(_inverse(step) for step in reversed(arg)))
    if kind == "alt":
        return ("alt", tuple(_inverse(step) for step in arg))
    return (kind, _inverse(arg))


def _path_sparql(path: Any) -> str:
    """A compiled path as a SPARQL property path (for ``$PATH``)."""
    kind, arg = path
    if kind == "p":
        return f"<{arg}>"
    if kind == "inv":
        return f"^<{arg}>"
    if kind in ("seq", "alt"):
        return "(" + ("/" if kind == "seq" else "|").join(_path_sparql(a) for a in arg) + ")"
    return f"({_path_sparql(arg)}){_PATH_MARKS[kind]}"


def _fill(message: Literal, row: dict[str, Node]) -> Literal:
    text = str(message)
    for name, value in row.items():
        shown = short(str(value)) if isinstance(value, URIRef) else str(value)
        text = text.replace("{?" + name + "}", shown).replace("{$" + name + "}", shown)
    return Literal(text, lang=message.language)
