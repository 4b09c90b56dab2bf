"""SHACL-SPARQL constraints: which queries may run (SHACL 5.3.1), and running them on Oxigraph.

A query SHACL forbids (MINUS, VALUES, SERVICE, a sub-query that drops ``$this``, ``AS`` a
pre-bound variable) or that could reach outside the data (SERVICE, FROM) is refused before
anything runs (:class:`~umkm_kg.errors.ShapesInvalid`), never handed to pySHACL. ``$this`` is
pre-bound by substituting the focus node into the query text, one query per focus node; a query
where joining a ``VALUES ?this`` block gives the same solutions (``$this`` only in triple
patterns and top-level filters, no sub-query, no slicing, aggregates grouped by ``$this``) runs
once for up to 500 focus nodes instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node, Variable

from ..errors import ShapesInvalid

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue


class Unsupported(Exception):
    """The shapes use a SHACL feature the fast evaluator does not implement."""


PREBOUND = frozenset({"this", "shapesGraph", "currentShape"})
_FORBIDDEN = {
    "MinusGraphPattern": "MINUS",
    "ServiceGraphPattern": "SERVICE",
    "InlineData": "VALUES",
}
# Where $this may stand for a VALUES join to equal pre-binding: in triple patterns of groups,
# unions and optionals (a join is a join), or anywhere in a filter of the top-level group.
_STRUCTURE = frozenset(
    {"GroupGraphPatternSub.part", "GroupOrUnionGraphPattern.graph", "OptionalGraphPattern.graph"}
)
_SKIP = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_TOKENS = re.compile(
    rf"({_SKIP})|(\bbound\s*\(\s*[?$]this\s*\))|([?$]this\b)|([{{}}])|\b(SELECT|WHERE)\b",
    re.IGNORECASE,
)


def _walk(
    node: Any,
    path: tuple[str, ...],
    names: list[tuple[CompValue, tuple[str, ...]]],
    found: list[tuple[str, tuple[str, ...]]],
) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        names.append((node, path))
        for key, value in node.items():
            _walk(value, (*path, f"{node.name}.{key}"), names, found)
    elif isinstance(node, Variable):
        found.append((str(node), path))
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for value in node:
            _walk(value, path, names, found)


def _has(node: CompValue, key: str) -> bool:
    # CompValue.get answers the key itself for a missing key.
    return key in node and bool(node[key])


def analyse(text: str) -> bool:
    """Check a SHACL-SPARQL SELECT; ``True`` when it may run for many focus nodes at once.

    :raises ShapesInvalid: SHACL forbids the query, or it could reach the network or files.
    :raises Unsupported: the evaluator cannot pre-bind ``$this`` in it.
    """
    # rdflib's SPARQL grammar is built on import (60 ms): only when shapes are compiled
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except Exception as error:  # pyparsing's errors share no useful base class
        raise ShapesInvalid(f"a SHACL-SPARQL constraint does not parse: {error}") from None
    query = tree[1]
    if query.name != "SelectQuery":
        raise ShapesInvalid("sh:select must hold a SELECT query")
    names: list[tuple[CompValue, tuple[str, ...]]] = []
    variables: list[tuple[str, tuple[str, ...]]] = []
    _walk(query, ("SelectQuery",), names, variables)
    for node, _ in names:
        if node.name in _FORBIDDEN:
            raise ShapesInvalid(
                f"a SHACL-SPARQL constraint uses {_FORBIDDEN[node.name]}, which SHACL 5.3.1 "
                "forbids (and SERVICE would query another server)"
            )
        if node.name == "SubSelect":
            projected: list[tuple[str, tuple[str, ...]]] = []
            _walk(node["projection"] if _has(node, "projection") else [], (), [], projected)
            if not any(v == "this" and p[-1:] == ("vars.var",) for v, p in projected):
                raise ShapesInvalid("a sub-query of a SHACL-SPARQL constraint must return $this")
    if _has(query, "valuesClause"):
        raise ShapesInvalid("a SHACL-SPARQL constraint uses VALUES, which SHACL 5.3.1 forbids")
    if _has(query, "datasetClause"):
        raise ShapesInvalid(
            "a SHACL-SPARQL constraint names a dataset (FROM), which may load files"
        )
    for name, where in variables:
        if name in PREBOUND and where[-1:] in (("Bind.var",), ("vars.evar",)):
            raise ShapesInvalid(f"a SHACL-SPARQL constraint assigns the pre-bound ${name}")
    trial = substitute(text, "<urn:x-umkm-kg:focus>")
    try:
        parseQuery(trial)
    except Exception:
        raise Unsupported("$this cannot be substituted into this query") from None
    return _bulk_safe(query, names, variables)


def _bulk_safe(
    query: CompValue,
    names: list[tuple[CompValue, tuple[str, ...]]],
    variables: list[tuple[str, tuple[str, ...]]],
) -> bool:
    if any(n.name == "SubSelect" for n, _ in names) or _has(query, "limitoffset"):
        return False
    this = [p for v, p in variables if v == "this"]
    grouped = any(len(p) > 1 and p[1] == "SelectQuery.groupby" for p in this)
    aggregates = any(n.name.startswith("Aggregate_") for n, _ in names)
    if (aggregates or _has(query, "groupby") or _has(query, "having")) and not grouped:
        return False
    if "projection" in query and not any(p[1:2] == ("SelectQuery.projection",) for p in this):
        return False  # the rows could not be told apart by focus node
    for path in this:
        if path[1] != "SelectQuery.where":
            continue
        steps = path[2:]
        if (
            steps[:1] == ("GroupGraphPatternSub.part",)
            and steps[1:2]
            and steps[1].startswith("Filter.")
        ):
            continue
        for step in steps:
            if step == "TriplesBlock.triples":
                break
            if step not in _STRUCTURE:
                return False
    return True


def substitute(text: str, term: str) -> str:
    """``text`` with ``$this`` pre-bound to ``term`` (SHACL 5.3.1.1), as query text.

    In the WHERE clause ``$this`` becomes the term (``bound($this)`` is true); the outer
    projection and modifiers keep ``?this``, bound by a trailing VALUES; a sub-query returns it
    as ``(term AS ?this)``.
    """
    out: list[str] = []
    depth = 0
    where_done = False
    projection: str | None = None  # "top" or "sub" while inside a SELECT's projection
    selects = 0
    position = 0
    for match in _TOKENS.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        token = match.group(0)
        if match.group(1):
            out.append(token)
        elif match.group(5):
            if match.group(5).upper() == "SELECT":
                selects += 1
                projection = "top" if selects == 1 else "sub"
            else:
                projection = None
            out.append(token)
        elif match.group(4):
            projection = None
            depth += 1 if token == "{" else -1
            where_done = where_done or depth == 0
            out.append(token)
        elif projection == "top" or where_done or depth == 0:
            out.append("?this" if match.group(3) else token)
        elif projection == "sub":
            out.append(f"({term} AS ?this)")
        else:
            out.append("(true)" if match.group(2) else term)
    out.append(text[position:])
    return "".join(out) + f"\nVALUES ?this {{ {term} }}"


def _first_brace(text: str) -> int:
    for match in _TOKENS.finditer(text):
        if match.group(0) == "{":
            return match.start()
    raise Unsupported("a SELECT without a WHERE clause")


class SparqlRunner:
    """Runs a SHACL-SPARQL SELECT for many focus nodes on an Oxigraph copy of the data."""

    _SKOLEM = "urn:x-umkm-kg:bnode:"

    def __init__(self, out: dict[Node, dict[Node, list[Node]]]) -> None:
        self.out = out
        self._store: Any = None
        self._terms: dict[Node, str] = {}

    def term(self, term: Node) -> str:
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
            term = self.term
            text = "".join(
                f"{term(s)} {term(p)} {term(o)} .\n"
                for s, by in self.out.items()
                for p, objects in by.items()
                for o in objects
            )
            self._store = ox.Store()
            self._store.load(text.encode("utf-8"), ox.RdfFormat.N_TRIPLES)
        return self._store

    def _back(self, term: Any) -> Node:
        from ..query.results import term_from_oxigraph

        value = term_from_oxigraph(term)
        if isinstance(value, URIRef) and str(value).startswith(self._SKOLEM):
            return BNode(str(value)[len(self._SKOLEM) :])
        return value

    def __call__(
        self, query: str, nodes: list[Node], bulk: bool
    ) -> Iterable[tuple[Node, dict[str, Node]]]:
        """Each solution, with the focus node it is for.

        :raises Unsupported: Oxigraph refused the query as written for one of the nodes.
        """
        store = self.store()
        if bulk:
            brace = _first_brace(query)
            for start in range(0, len(nodes), 500):
                values = " ".join(self.term(n) for n in nodes[start : start + 500])
                sparql = f"{query[: brace + 1]} VALUES ?this {{ {values} }} {query[brace + 1 :]}"
                yield from self._run(store, sparql, None)
        else:
            for node in nodes:
                yield from self._run(store, substitute(query, self.term(node)), node)

    def _run(
        self, store: Any, sparql: str, node: Node | None
    ) -> Iterator[tuple[Node, dict[str, Node]]]:
        try:
            answer = store.query(sparql)
        except SyntaxError as error:
            raise Unsupported(f"Oxigraph cannot run the query: {error}") from None
        names = [v.value for v in answer.variables]
        for solution in answer:
            row = {n: self._back(solution[n]) for n in names if solution[n] is not None}
            focus = row.get("this", node)
            if focus is None:
                raise Unsupported("a solution without $this")
            yield focus, row
