"""Query results as plain records of rdflib terms, whichever backend produced them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

Term = Identifier
"""An RDF term as the library hands it out: ``URIRef``, ``BNode`` or ``Literal``."""


class QueryForm(StrEnum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


@dataclass
class QueryResult:
    """The answer to one query.

    ``truncated`` is true when a row cap or a server cut the answer; ``note`` then says why.
    A truncated result is never presented as complete.
    """

    form: QueryForm
    variables: tuple[str, ...] = ()
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False
    note: str | None = None

    def __len__(self) -> int:
        if self.form is QueryForm.ASK:
            return 1
        if self.graph is not None:
            return len(self.graph)
        return len(self.rows)

    def column(self, variable: str) -> list[Term | None]:
        """The values of one variable, row by row (``None`` where unbound)."""
        return [row.get(variable) for row in self.rows]


_XSD_STRING = str(XSD.string)  # looked up once: rdflib's namespace lookup cost 5 µs a literal


def plain_literal(value: str, lang: str | None, datatype: str | None) -> Literal:
    """Build an rdflib literal, treating ``xsd:string`` as a simple literal (RDF 1.1)."""
    if lang:
        return Literal(value, lang=lang.lower())
    if datatype is None or datatype == _XSD_STRING:
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


def term_from_oxigraph(term: object) -> Term:
    """Convert a pyoxigraph term to its rdflib equivalent."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return plain_literal(term.value, term.language, term.datatype.value)
    raise TypeError(f"unsupported term {term!r}")


def term_to_oxigraph(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to its pyoxigraph equivalent."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")
