"""Literal checks of SHACL Core: ``sh:datatype`` and the range components (``sh:minInclusive``...).

The range components compare as SPARQL's ``<``/``<=`` do (SHACL 4.3): numbers with numbers,
strings with strings, booleans with booleans, date-times with date-times of the same kind. A
value that cannot be compared with the bound (another type, an ill-typed literal such as
``"c"^^xsd:byte`` or ``"NaN"^^xsd:decimal``, a language-tagged string) does not conform.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

_NUMERIC = frozenset(
    XSD[n]
    for n in (
        *("integer", "decimal", "float", "double", "long", "int", "short", "byte"),
        *("nonPositiveInteger", "negativeInteger", "nonNegativeInteger", "positiveInteger"),
        *("unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
    )
)
_TEMPORAL = {XSD.dateTime: datetime.datetime, XSD.date: datetime.date, XSD.time: datetime.time}
_RDFS_LITERAL = URIRef("http://www.w3.org/2000/01/rdf-schema#Literal")
_RDFS_DATATYPE = URIRef("http://www.w3.org/2000/01/rdf-schema#Datatype")
# rdflib's namespace attributes cost a lookup each time: sh:datatype is checked per value
_XSD_STRING = XSD.string
_LANG_STRING = RDF.langString


def datatype_ok(v: Node, rule: Node) -> bool:
    """``sh:datatype``, as pySHACL reads it (well-formed literals of the datatype)."""
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


def _comparable(term: Node) -> tuple[str, Any] | None:
    """(kind, Python value) of a literal SPARQL can order, or ``None``."""
    if not isinstance(term, Literal) or term.language or getattr(term, "ill_typed", False):
        return None
    datatype = term.datatype
    if datatype is None or datatype == XSD.string:
        return "string", str(term)
    value = term.toPython()
    if datatype in _NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return None
        if isinstance(value, Decimal) and not value.is_finite():
            return None  # xsd:decimal has no NaN or infinities: an ill-typed literal
        return "number", value
    if datatype == XSD.boolean:
        return ("boolean", value) if isinstance(value, bool) else None
    kind = _TEMPORAL.get(datatype)
    if kind is not None and type(value) is kind:
        # SPARQL cannot order a time zone against none: different kinds never compare.
        aware = getattr(value, "tzinfo", None) is not None
        return f"{datatype}{'+tz' if aware else ''}", value
    return None


def compare_ok(parameter: URIRef, value: Node, bound: Node) -> bool:
    """Whether ``value`` satisfies the range component ``parameter`` with ``bound``."""
    left, right = _comparable(value), _comparable(bound)
    if left is None or right is None or left[0] != right[0]:
        return False
    a, b = left[1], right[1]
    if parameter == SH.minInclusive:
        return bool(a >= b)
    if parameter == SH.maxInclusive:
        return bool(a <= b)
    if parameter == SH.minExclusive:
        return bool(a > b)
    return bool(a < b)
