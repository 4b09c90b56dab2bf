"""Compare query results from different engines as RDF terms, after normalising known quirks.

Two answers are "the same" when, after :func:`canonical` on every term:

- blank nodes all read as one placeholder: engines label them differently, and a pushed graph
  holds them as skolem IRIs (``.../.well-known/genid/...``), which read as blank nodes too;
- numbers compare by value, whatever their numeric datatype and lexical form: Virtuoso
  normalises ``1.50`` to ``1.5``, Oxigraph writes doubles as ``2.5E0``, and the engines promote
  aggregates (SUM, AVG) to different numeric types;
- booleans read as the numbers 1 and 0: Virtuoso returns a computed boolean (``BIND(?a = ?b
  AS ?x)``, ``(true AS ?t)``) as ``xsd:integer`` 1/0;
- ``"s"^^xsd:string`` is the simple literal ``"s"``; language tags are lower-cased.

SELECT rows compare as sorted multisets (engines order ties differently); graphs compare with
:func:`rdflib.compare.isomorphic`. See /work/shared/SPARQL-SERVERS.md for the quirks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from umkm_kg.namespaces import GENID
from umkm_kg.query.results import QueryForm, QueryResult, Term

BLANK = BNode("blank")
"""What every blank node (and skolem IRI) reads as in a SELECT row."""

_NUMERIC_TYPES = (
    "integer decimal double float int long short byte nonNegativeInteger positiveInteger "
    "negativeInteger nonPositiveInteger unsignedLong unsignedInt unsignedShort unsignedByte"
)
_NUMERIC = {XSD[name] for name in _NUMERIC_TYPES.split()}


def canonical_number(lexical: str) -> str | None:
    """The plain decimal form of a number (``"2.5E0"`` -> ``"2.5"``), or None if not one."""
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return str(value)
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def canonical(term: Term | None, *, blanks: bool = True) -> Term | None:
    """The comparable form of one term (see the module docstring).

    ``blanks`` false keeps blank nodes distinct (for graphs, where isomorphism maps them).
    """
    if term is None:
        return None
    if isinstance(term, BNode):
        return BLANK if blanks else term
    if isinstance(term, URIRef):
        if str(term).startswith(GENID):
            return BLANK if blanks else BNode(str(term)[len(GENID) :])
        return term
    if isinstance(term, Literal):
        lexical = str(term)
        if term.language:
            return Literal(lexical, lang=term.language.lower())
        datatype = term.datatype
        if datatype is None or datatype == XSD.string:
            return Literal(lexical)
        if datatype == XSD.boolean:
            return Literal("1" if lexical.strip() in ("true", "1") else "0", datatype=XSD.decimal)
        if datatype in _NUMERIC:
            number = canonical_number(lexical)
            if number is not None:
                return Literal(number, datatype=XSD.decimal)
        return Literal(lexical, datatype=datatype)
    return term


@dataclass(frozen=True)
class Comparable:
    """A result reduced to what must agree across engines."""

    form: QueryForm
    boolean: bool | None = None
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    graph: Graph | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Comparable):
            return NotImplemented
        if self.form is not other.form or self.boolean != other.boolean:
            return False
        if self.variables != other.variables or self.rows != other.rows:
            return False
        if self.graph is None or other.graph is None:
            return self.graph is other.graph
        return isomorphic(self.graph, other.graph)

    __hash__ = None  # type: ignore[assignment]


def normalise(result: QueryResult) -> Comparable:
    """Reduce a result to a :class:`Comparable` (sorted rows of canonical terms, or a graph)."""
    if result.form is QueryForm.ASK:
        return Comparable(result.form, boolean=result.boolean)
    if result.form.returns_graph:
        graph = Graph(bind_namespaces="none")
        for triple in result.graph or ():
            graph.add(tuple(canonical(t, blanks=False) for t in triple))  # type: ignore[arg-type]
        return Comparable(result.form, graph=graph)
    rows = sorted(
        tuple(_key(canonical(row.get(name))) for name in result.variables) for row in result.rows
    )
    return Comparable(result.form, variables=tuple(result.variables), rows=tuple(rows))


def _key(term: Term | None) -> str:
    return "" if term is None else term.n3()


def difference(expected: QueryResult, actual: QueryResult, limit: int = 8) -> str:
    """Say how two results differ after normalising ('' when they agree)."""
    a, b = normalise(expected), normalise(actual)
    if a == b:
        return ""
    if a.form is not b.form:
        return f"forms differ: {a.form.value} vs {b.form.value}"
    if a.form is QueryForm.ASK:
        return f"ASK: expected {a.boolean}, got {b.boolean}"
    if a.graph is not None and b.graph is not None:
        _both, only_a, only_b = graph_diff(to_isomorphic(a.graph), to_isomorphic(b.graph))
        lines = [f"graphs differ: {len(a.graph)} vs {len(b.graph)} triples"]
        lines += ["  only expected: " + " ".join(t.n3() for t in x) for x in list(only_a)[:limit]]
        lines += ["  only actual:   " + " ".join(t.n3() for t in x) for x in list(only_b)[:limit]]
        return "\n".join(lines)
    if a.variables != b.variables:
        return f"variables differ: {a.variables} vs {b.variables}"
    missing = _multiset_minus(a.rows, b.rows)
    extra = _multiset_minus(b.rows, a.rows)
    lines = [f"rows differ: {len(a.rows)} expected, {len(b.rows)} got"]
    lines += [f"  missing: {row}" for row in missing[:limit]]
    lines += [f"  extra:   {row}" for row in extra[:limit]]
    return "\n".join(lines)


def _multiset_minus(
    left: tuple[tuple[str, ...], ...], right: tuple[tuple[str, ...], ...]
) -> list[tuple[str, ...]]:
    remaining = list(right)
    out = []
    for row in left:
        if row in remaining:
            remaining.remove(row)
        else:
            out.append(row)
    return out
