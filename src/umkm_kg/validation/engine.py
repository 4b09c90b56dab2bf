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
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH
from rdflib.term import Node

from .data import shapes_graph
from .report import short


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


class SparqlRunner:
    """Runs a SHACL-SPARQL SELECT for many focus nodes at once on an Oxigraph copy of the data."""

    _SKOLEM = "urn:x-umkm-kg:bnode:"

    def __init__(self, index: Index) -> None:
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
        from ..results import term_from_oxigraph

        value = term_from_oxigraph(term)
        if isinstance(value, URIRef) and str(value).startswith(self._SKOLEM):
            return BNode(str(value)[len(self._SKOLEM) :])
        return value

    def __call__(self, query: str, nodes: list[Node]) -> Iterable[tuple[Node, dict[str, Node]]]:

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


def report_graph(results: list[_Result], compiled: CompiledShapes) -> Graph:
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
_QUALIFIED_MIN = SH.QualifiedMinCountConstraintComponent
_QUALIFIED_MAX = SH.QualifiedMaxCountConstraintComponent
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


class Index:
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
# rdflib's namespace attributes cost a lookup each time: the hot paths use these constants.
_TYPE = RDF.type
_LANG_STRING = RDF.langString
_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
_RDFS_LITERAL = URIRef("http://www.w3.org/2000/01/rdf-schema#Literal")
_RDFS_DATATYPE = URIRef("http://www.w3.org/2000/01/rdf-schema#Datatype")


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

    def validate(self, index: Index, focus: set[Node] | None, sparql: Any = None) -> list[_Result]:
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

    def conforms(self, shape: _Shape, node: Node, index: Index, sparql: Any) -> bool:
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
        index: Index,
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
    if v.datatype == rule:
        return not getattr(v, "ill_typed", False)
    if rule == _RDFS_LITERAL:
        return True
    if rule == _RDFS_DATATYPE and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == _XSD_STRING:
        return True
    return rule == _LANG_STRING and bool(v.language)


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
