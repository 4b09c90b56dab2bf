"""Label columns for results people read: ``?country`` gets ``?countryLabel`` beside it.

As the Wikidata Query Service's label service does: for each variable with an IRI among its
values, a column ``<variable>Label`` follows it, holding the IRI's label in the chosen
language (else an untagged one, else any), or nothing when it has none. A variable of that
name already in the query is left as the query made it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from .results import QueryForm, QueryResult, Term

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

LABEL_SUFFIX = "Label"
BATCH = 500
"""IRIs whose labels are asked for in one lookup."""


def with_labels(kg: KnowledgeGraph, result: QueryResult, lang: str) -> QueryResult:
    """``result`` with a label column beside each column of IRIs (SELECT results only)."""
    from dataclasses import replace

    from .render import label_terms

    if result.form is not QueryForm.SELECT:
        return result
    iris = sorted({t for row in result.rows for t in row.values() if isinstance(t, URIRef)})
    labels: dict[URIRef, Literal] = {}
    for start in range(0, len(iris), BATCH):
        labels.update(label_terms(kg, iris[start : start + BATCH], lang))
    labelled = [
        v
        for v in result.variables
        if v + LABEL_SUFFIX not in result.variables
        and any(isinstance(row.get(v), URIRef) for row in result.rows)
    ]
    variables: list[str] = []
    for v in result.variables:
        variables.append(v)
        if v in labelled:
            variables.append(v + LABEL_SUFFIX)
    rows: list[dict[str, Term]] = []
    for row in result.rows:
        new = dict(row)
        for v in labelled:
            value = row.get(v)
            if isinstance(value, URIRef) and value in labels:
                new[v + LABEL_SUFFIX] = labels[value]
        rows.append(new)
    return replace(result, variables=tuple(variables), rows=rows)
