"""The RDF dataset of a query: its ``FROM`` / ``FROM NAMED`` clauses, and the protocol's
``default-graph-uri`` / ``named-graph-uri`` that replace them.

SPARQL 1.1 Protocol, 2.1.4: "If an RDF dataset is specified in both the protocol request and
the SPARQL query string, then the dataset in the protocol request must be used." So the
query's own dataset clauses are removed and the protocol's graphs written in their place; the
read-only check that follows refuses any graph outside the project's, as it does for ``FROM``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import URIRef

from ..errors import BadParameter
from .sparql import Token, safe_term, tokens

_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_MODIFIERS = frozenset({"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})


def has_dataset(text: str) -> bool:
    """Whether the query names its own dataset (a ``FROM`` or ``FROM NAMED`` clause)."""
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in tokens(text))


def with_dataset(text: str, default: Sequence[str] = (), named: Sequence[str] = ()) -> str:
    """``text`` with its dataset clauses replaced by ``FROM <g>`` for each of ``default`` and
    ``FROM NAMED <g>`` for each of ``named``; unchanged when both are empty.

    :raises BadParameter: a graph name is not a valid IRI.
    """
    if not default and not named:
        return text
    clauses = [f"FROM {_iri(g, 'default-graph-uri')}" for g in default]
    clauses += [f"FROM NAMED {_iri(g, 'named-graph-uri')}" for g in named]
    found = list(tokens(text))
    removed, at = _dataset_spans(found, len(text))
    kept = []
    pos = 0
    for start, end in removed:
        kept.append(text[pos:start])
        pos = end
    kept.append(text[pos:])
    rest = "".join(kept)
    shift = sum(end - start for start, end in removed if end <= at)
    at -= shift
    return f"{rest[:at]} {' '.join(clauses)}\n{rest[at:]}"


def _iri(value: str, name: str) -> str:
    return safe_term(URIRef(value.strip()), name=name)


def _dataset_spans(found: list[Token], length: int) -> tuple[list[tuple[int, int]], int]:
    """The (start, end) offsets of the top-level dataset clauses, and where new ones go."""
    depth = 0
    form: str | None = None
    skip_template = False
    spans: list[tuple[int, int]] = []
    insert: int | None = None
    i = 0
    while i < len(found):
        token = found[i]
        word = token.text.upper() if token.kind == "word" else ""
        if token.kind == "punct" and token.text in "{([":
            if depth == 0 and token.text == "{" and form is not None and insert is None:
                if skip_template:
                    skip_template = False  # CONSTRUCT's template: the dataset comes after it
                else:
                    insert = token.start
            depth += 1
        elif token.kind == "punct" and token.text in "})]":
            depth -= 1
        elif depth == 0 and form is None and word in _FORMS:
            form = word
            following = found[i + 1] if i + 1 < len(found) else None
            skip_template = word == "CONSTRUCT" and following is not None and following.text == "{"
        elif depth == 0 and form is not None and word == "FROM":
            end = i + 1
            if end < len(found) and found[end].text.upper() == "NAMED":
                end += 1
            if end < len(found):
                stop = found[end].start + len(found[end].text)
                spans.append((token.start, stop))
                if insert is None:
                    insert = token.start
                i = end + 1
                continue
        elif depth == 0 and form is not None and insert is None and word == "WHERE":
            insert = token.start
        elif depth == 0 and form is not None and insert is None and word in _MODIFIERS:
            insert = token.start  # DESCRIBE <iri> LIMIT 1: no WHERE at all
        i += 1
    if form is None:
        raise BadParameter("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE to give graphs to")
    return spans, length if insert is None else insert
