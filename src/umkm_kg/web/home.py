"""What the home page shows: the graph's size, and the charts of its saved queries."""

from __future__ import annotations

from typing import Any

from ..kg import KnowledgeGraph
from ..namespaces import RECORDS_GRAPH_PREFIX, UMKM
from ..query.catalogue import Chart, ChartKind
from ..query.results import QueryForm, QueryResult
from ..store import DiskStore
from .results_view import chart_data

_BY_DISTRICT = f"""SELECT ?place (COUNT(DISTINCT ?enterprise) AS ?enterprises) WHERE {{
  ?enterprise a <{UMKM}Enterprise> ; <https://schema.org/location> ?place .
}} GROUP BY ?place ORDER BY DESC(?enterprises) ?place LIMIT 50"""
_BY_CATEGORY = f"""SELECT ?category (COUNT(DISTINCT ?enterprise) AS ?enterprises) WHERE {{
  ?enterprise a <{UMKM}Enterprise> ; <{UMKM}hasProduct> ?product .
  ?product <{UMKM}productCategory> ?category .
}} GROUP BY ?category ORDER BY DESC(?enterprises) ?category LIMIT 50"""


def _counted(kg: KnowledgeGraph, sparql: str) -> QueryResult:
    """A count over the whole registry: on the disk store, computed once per data version."""
    if isinstance(kg.store, DiskStore):
        return kg.store.query_cached(sparql, form=QueryForm.SELECT, max_rows=None)
    return kg.query(sparql, max_rows=None)


def summary(kg: KnowledgeGraph) -> dict[str, Any]:
    """Triples, named graphs, enterprises, and whether records were added."""
    info = kg.info()
    return {
        "triples": info.triples,
        "graphs": len(info.graphs),
        "enterprises": info.classes.get(str(UMKM.Enterprise), 0),
        "records": any(g.startswith(RECORDS_GRAPH_PREFIX) for g in info.graphs),
    }


def charts(kg: KnowledgeGraph, lang: str, *, with_records: bool) -> list[dict[str, Any]]:
    """The home page's charts, each with a title key (:mod:`.page_text`) and its data.

    The 2015 statistics and the export destinations come from the saved queries' own chart
    metadata; the counts per neighbourhood and per product category appear once records
    are added (the article names no neighbourhood).
    """
    out: list[dict[str, Any]] = []
    wanted = (
        ("statistics-2015", ChartKind.BAR, "stats_2015"),
        ("countries-ranked", ChartKind.BAR, "destinations"),
        ("countries-ranked", ChartKind.MAP, "destinations_map"),
    )
    results: dict[str, Any] = {}
    for name, kind, title in wanted:
        saved = kg.catalogue.get(name)
        chart = next((c for c in saved.charts if c.kind is kind), None)
        if chart is None:
            continue
        if name not in results:
            results[name] = kg.run(saved)
        data = chart_data(kg, results[name], chart, lang)
        if data:
            out.append({"title": title, "query": name, **data})
    if with_records:
        for sparql, category, title in (
            (_BY_DISTRICT, "place", "by_district"),
            (_BY_CATEGORY, "category", "by_category"),
        ):
            result = _counted(kg, sparql)
            data = chart_data(kg, result, Chart(ChartKind.BAR, category, "enterprises"), lang)
            if data:
                out.append({"title": title, "query": "", **data})
    return out
