"""The values of ``values_from_graph`` parameters, asked of the store one value at a time.

A registry holds tens of thousands of enterprises. Listing every allowed value to check one
would stop at the row cap and refuse the rest, so a value is checked by binding it into the
parameter's own query (``VALUES ?value``, one row is enough), a name by the same query wrapped
in a filter on the bound, lower-cased name, and a form lists the values a page at a time. Every
value reaches a query only through :func:`umkm_kg.query.sparql.bind_values`' safe ``VALUES`` block.

On the embedded store a name is first looked up in the label index (:mod:`.labelindex`): the few
IRIs with a label, code or IRI segment folding to it are bound into the parameter's query, which
decides as before. Only a name the index does not know makes the query read every value.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Literal, URIRef

from ..errors import BadParameter, StoreError
from ..store import DEFAULT_TIMEOUT, DiskStore, Store
from .catalogue import Choice, Parameter
from .results import QueryForm, QueryResult, Term
from .sparql import CheckedQuery, bind_rows, bind_values, check_read_only, inspect_query, tokens

MAX_PAGE = 1_000
"""The most values one page of choices may hold."""
NAMED_CANDIDATES = 200
"""The most IRIs the label index offers for one name (bound into the parameter's query)."""
ONE_BY_ONE = 8
"""Up to this many candidates are checked one query each, in order; more in one query."""

_VALUE_ONLY = CheckedQuery(QueryForm.SELECT, ("value",), frozenset())
"""What the checker says of the wrapping queries below (they project ``?value`` only)."""

# A label equal to the name, or an IRI whose last segment (after / or #) is the name.
_NAMED = """
  FILTER((isLiteral(?label) && LCASE(STR(?label)) = ?_wanted)
         || (isIRI(?value) && (STRENDS(LCASE(STR(?value)), CONCAT("/", ?_wanted))
                               || STRENDS(LCASE(STR(?value)), CONCAT("#", ?_wanted)))))
"""
_LABEL_ONLY = """
  FILTER(isLiteral(?label) && LCASE(STR(?label)) = ?_wanted)
"""
_SEARCH = """
  FILTER((isLiteral(?label) && CONTAINS(LCASE(STR(?label)), ?_search))
         || (isIRI(?value) && CONTAINS(LCASE(REPLACE(STR(?value), "^.*[/#]", "")), ?_search)))
"""


class GraphValues:
    """The :class:`~umkm_kg.query.catalogue.ValueLookup` of a store: one small query an answer."""

    def __init__(self, store: Store, *, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self.store = store
        self.timeout = timeout

    def contains(self, parameter: Parameter, value: Term) -> bool:
        """Whether the parameter's query finds ``value`` (bound as ``?value``)."""
        query = _query_of(parameter)
        try:
            sparql = bind_values(query, {"value": value}, checked=_inspected(query))
        except BadParameter:  # a value the strict writer refuses is not in the graph either
            return False
        return bool(self._select(sparql, max_rows=1).rows)

    def named(self, parameter: Parameter, text: str) -> Term | None:
        """The first value (in term order) with a label, or an IRI whose last segment, is
        ``text`` without regard to case."""
        wanted = text.strip().lower()
        if not wanted:
            return None
        test = _LABEL_ONLY if "/" in wanted or "#" in wanted else _NAMED
        query = _query_of(parameter)
        from .labelindex import index_of  # sqlite3: only when a value is looked up by name

        try:
            index = index_of(self.store)
        except StoreError:  # a data folder one may only read: the query alone decides
            index = None
        if index is not None:
            # The index folds case and accents, so its candidates include every value the
            # filter accepts by a label it holds; the filter then compares as SPARQL does.
            candidates = index.names(wanted, limit=NAMED_CANDIDATES)
            found = self._first_candidate(query, candidates, test, wanted)
            if found is not None:
                return found
        return self._first_named(query, test, wanted)

    def _first_candidate(
        self, query: str, candidates: list[str], test: str, wanted: str
    ) -> Term | None:
        """The first of ``candidates`` (IRIs in term order) that ``query`` names ``wanted``."""
        try:
            if len(candidates) <= ONE_BY_ONE:
                # One query per candidate, in order, each stopping at its first row: no
                # ORDER BY, so not every label of a popular value (a country written in
                # thousands of claims) is read to sort one row.
                for candidate in candidates:
                    value = {"value": URIRef(candidate)}
                    bound = bind_values(query, value, checked=_inspected(query))
                    found = self._first_named(bound, test, wanted, ordered=False)
                    if found is not None:
                        return found
                return None
            rows = [[URIRef(c)] for c in candidates]
            bound = bind_rows(query, ["value"], rows, checked=_inspected(query))
        except BadParameter:  # an IRI the strict writer refuses: the query alone decides
            return None
        return self._first_named(bound, test, wanted)

    def _first_named(
        self, query: str, test: str, wanted: str, *, ordered: bool = True
    ) -> Term | None:
        """The first value of ``query`` (in term order, or any if not ``ordered``) passing the
        name ``test``."""
        modifiers = "ORDER BY ?value LIMIT 1" if ordered else "LIMIT 1"
        wrapped = _wrap(query, "SELECT ?value", test, modifiers)
        try:
            sparql = bind_values(wrapped, {"_wanted": Literal(wanted)}, checked=_VALUE_ONLY)
        except BadParameter:  # control characters and the like: no label has them
            return None
        rows = self._select(sparql, max_rows=1).rows
        return rows[0].get("value") if rows else None

    def choices(
        self,
        parameter: Parameter,
        *,
        search: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[Choice, ...]:
        """A page of the parameter's values in term order, each with its labels.

        ``search`` keeps the values with a label, or an IRI segment, containing it (without
        regard to case).

        :raises BadParameter: ``limit`` is not 1 to :data:`MAX_PAGE`, or ``offset`` is negative.
        """
        if not 1 <= limit <= MAX_PAGE:
            raise BadParameter(f"a page holds 1 to {MAX_PAGE} values, not {limit}")
        if offset < 0:
            raise BadParameter(f"a page cannot start at {offset}")
        query = _query_of(parameter)
        page = f"ORDER BY ?value LIMIT {int(limit)} OFFSET {int(offset)}"
        wanted = (search or "").strip().lower()
        if wanted:
            wrapped = _wrap(query, "SELECT DISTINCT ?value", _SEARCH, page)
            sparql = bind_values(wrapped, {"_search": Literal(wanted)}, checked=_VALUE_ONLY)
        else:
            sparql = _wrap(query, "SELECT DISTINCT ?value", "", page)
            check_read_only(sparql)
        values = [
            row["value"] for row in self._select(sparql, max_rows=limit).rows if "value" in row
        ]
        if not values:
            return ()
        labelled = bind_rows(query, ["value"], [[v] for v in values], checked=_inspected(query))
        found = {c.value: c for c in parameter.choices_from(self._select(labelled, max_rows=None))}
        return tuple(found.get(v, Choice(v)) for v in values)

    def _select(self, sparql: str, *, max_rows: int | None) -> QueryResult:
        """Run a query the guard has just checked (by :func:`bind_values` or directly); on the
        disk store through the answers kept per data version, so that a menu made once (by a
        server's warmer, say) is not made again after a restart."""
        if isinstance(self.store, DiskStore):
            return self.store.query_cached(
                sparql, form=QueryForm.SELECT, timeout=self.timeout, max_rows=max_rows
            )
        return self.store.query(
            sparql, form=QueryForm.SELECT, timeout=self.timeout, max_rows=max_rows
        )


@lru_cache(maxsize=64)
def _inspected(query: str) -> CheckedQuery:
    """What the guard says of a parameter's own query, once per process (it does not change)."""
    return inspect_query(query)


def _query_of(parameter: Parameter) -> str:
    query = parameter.choices_query
    if query is None:
        raise BadParameter(f"parameter {parameter.name} has no values found in the graph")
    return query


def _wrap(query: str, select: str, test: str, modifiers: str) -> str:
    """``query`` (prologue and SELECT) as a sub-select, filtered by ``test`` and modified."""
    start = next(
        (t.start for t in tokens(query) if t.kind == "word" and t.text.upper() == "SELECT"),
        None,
    )
    if start is None:  # queryfile.py makes sure there is one
        raise BadParameter("the parameter's values_from_graph is not a SELECT query")
    prologue, body = query[:start], query[start:]
    return f"{prologue}{select} WHERE {{\n  {{ {body}\n  }}{test}}}\n{modifiers}\n"
