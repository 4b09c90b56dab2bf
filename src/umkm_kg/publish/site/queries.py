"""A saved query's page: its text and its answer on the bundled data (defaults for parameters)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ...errors import UmkmError
from ...formats import RdfFormat
from ...kg import KnowledgeGraph
from ...query.catalogue import SavedQuery
from ...query.results import QueryForm, term_to_oxigraph
from ..export import serialize_graph
from .views import View, Views

MAX_ROWS = 500
"""Rows shown on a query page; the page says when the answer was longer."""


def query_views(kg: KnowledgeGraph, saved: SavedQuery, views: Views) -> View:
    """Run ``saved`` with its defaults and describe it and its answer for the template."""
    lang = views.lang
    view: View = {
        "name": saved.name,
        "title": saved.title.get(lang),
        "description": saved.description.get(lang),
        "tags": list(saved.tags),
        "form": saved.form.value,
        "text": saved.body,
        "parameters": [
            {
                "name": p.name,
                "type": p.type.value,
                "description": p.description.get(lang),
                "default": p.default,
            }
            for p in saved.parameters
        ],
    }
    try:
        result = kg.run(saved, max_rows=MAX_ROWS)
    except UmkmError as exc:
        view["error"] = exc.message
        return view
    view["note"] = result.note
    if saved.form is QueryForm.ASK:
        view["boolean"] = bool(result.boolean)
    elif result.graph is not None:
        view["graph"] = serialize_graph(result.graph, RdfFormat.TURTLE).decode("utf-8")
    else:
        view["columns"] = list(result.variables)
        view["rows"] = [[_cell(row.get(v), views) for v in result.variables] for row in result.rows]
    return view


def _cell(term: Any, views: Views) -> View | None:
    if term is None:
        return None
    node = term_to_oxigraph(term)
    assert isinstance(node, ox.NamedNode | ox.BlankNode | ox.Literal)
    return views.term(node, depth=99)
