"""A SELECT's final ORDER BY done in Python, for the on-disk store.

On a RocksDB-backed pyoxigraph store every comparison of the engine's sort reads the strings of
both terms from disk again: at 100,000 enterprises sorting the 165,000 export claims by claim
cost 10 s of CPU, reading them unsorted 0.8 s. The rows are decoded once anyway, so they are
sorted here, after the engine, by the same rules (SPARQL 1.1 section 15.1: unbound, then IRIs,
then literals; numbers by value, plain strings by code point). A key this module cannot order
exactly as Oxigraph does (blank nodes, language-tagged or other typed literals, strings and
numbers in one column) makes :func:`sorted_rows` give up, and the caller runs the query as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

Value = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None
"""One value of a solution, as pyoxigraph gives it (None: unbound)."""

_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = _XSD + "string"
_NUMBERS = frozenset(
    _XSD + name
    for name in [
        "integer", "decimal", "int", "long", "short", "byte", "unsignedInt", "unsignedLong",
        "unsignedShort", "unsignedByte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger",
    ]
)  # fmt: skip
_ORDER_BY = re.compile(
    r"\n[ \t]*ORDER[ \t]+BY"
    r"((?:[ \t]+(?:\?\w+|(?:ASC|DESC)[ \t]*\([ \t]*\?\w+[ \t]*\)))+)[ \t]*\s*\Z",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
"""The lexical forms of xsd:decimal (integers included); others are left to the engine."""
_KEY = re.compile(r"(?:(ASC|DESC)[ \t]*\()?[ \t]*\?(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class OrderBy:
    """A query split into its text without the final ORDER BY, and that ORDER BY's keys."""

    unsorted: str
    keys: tuple[tuple[str, bool], ...]
    """(variable, descending) pairs, most significant first."""


def split_order_by(sparql: str) -> OrderBy | None:
    """The query's last clause if it is an ORDER BY of plain variables on its own line, else None.

    Anything else (expressions, LIMIT or OFFSET after it, an ORDER BY only inside a sub-select)
    is left to the engine.
    """
    found = _ORDER_BY.search(sparql)
    if found is None:
        return None
    keys = tuple(
        (name, (direction or "").upper() == "DESC") for direction, name in _KEY.findall(found[1])
    )
    return OrderBy(sparql[: found.start()] + "\n", keys)


class Unorderable(Exception):
    """A value this module cannot place exactly as the engine would."""


@dataclass
class SortedRows:
    """The first rows of an answer in ORDER BY order, and how many rows the answer had."""

    rows: list[Sequence[Value]]
    total: int


_SORT_EVERY = 50_000
"""Rows gathered past the cap before they are sorted and cut back to it again."""


def sorted_rows(
    solutions: Iterable[Sequence[Value]],
    variables: Sequence[str],
    order: OrderBy,
    limit: int | None = None,
    *,
    key: Callable[[Any], Key] | None = None,
) -> SortedRows | None:
    """The rows of ``solutions`` (values in ``variables`` order) sorted by ``order``; None if
    this module cannot sort them exactly as the engine would.

    With a ``limit`` only that many rows are kept: the rows are sorted and cut back to the
    limit whenever ``_SORT_EVERY`` more have come, so memory is bounded by the limit, not by
    the answer (1.65 million export claims at a million enterprises). The sorts are stable, so
    rows equal on every key keep the engine's order. ``key`` places one value (default: a
    pyoxigraph term's :func:`_key`; :func:`rdflib_key` for rdflib terms).
    """
    place = key or _key
    try:
        columns = [variables.index(name) for name, _ in order.keys]
    except ValueError:  # ordered by a variable that is not projected
        return None
    kinds: list[set[int]] = [set() for _ in columns]
    kept: list[tuple[list[Key], Sequence[Value]]] = []
    total = 0
    try:
        for row in solutions:
            keys = [place(row[i]) for i in columns]
            for seen, (kind, _) in zip(kinds, keys, strict=True):
                if kind >= 3:
                    seen.add(kind)
            kept.append((keys, row))
            total += 1
            if limit is not None and len(kept) >= limit + _SORT_EVERY:
                _sort(kept, order)
                del kept[limit:]
    except Unorderable:
        return None
    if any(len(seen) > 1 for seen in kinds):  # strings and numbers in one column
        return None
    _sort(kept, order)
    return SortedRows([row for _, row in kept[:limit]], total)


def _sort(keyed: list[tuple[list[Key], Sequence[Value]]], order: OrderBy) -> None:
    """Sort in place, one stable pass per key from the least significant."""
    for position, (_, descending) in reversed(list(enumerate(order.keys))):
        keyed.sort(key=_nth(position), reverse=descending)


Key = tuple[int, str | Decimal]


def _nth(position: int) -> Callable[[tuple[list[Key], Sequence[Value]]], Key]:
    def key(pair: tuple[list[Key], Sequence[Value]]) -> Key:
        return pair[0][position]

    return key


def _key(term: Value) -> Key:
    if term is None:
        return (0, "")
    if isinstance(term, ox.NamedNode):
        return (2, term.value)
    if isinstance(term, ox.Literal) and term.language is None:
        datatype = term.datatype.value
        if datatype == _STRING:
            return (3, term.value)
        if datatype in _NUMBERS and _NUMBER.fullmatch(term.value):
            return (4, Decimal(term.value))
    raise Unorderable(str(term))


def rdflib_key(term: Any) -> Key:
    """:func:`_key` for an rdflib term (a remote server's answer), by the same rules."""
    from rdflib import Literal, URIRef

    if term is None:
        return (0, "")
    if isinstance(term, URIRef):
        return (2, str(term))
    if isinstance(term, Literal) and term.language is None:
        datatype = str(term.datatype) if term.datatype is not None else _STRING
        if datatype == _STRING:
            return (3, str(term))
        if datatype in _NUMBERS and _NUMBER.fullmatch(str(term)):
            return (4, Decimal(str(term)))
    raise Unorderable(str(term))
