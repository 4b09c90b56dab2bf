"""What the home page shows: the graph's size, and the charts of its saved queries.

At registry scale these are whole-graph aggregates (``countries-ranked`` alone takes 9 s at
100,000 enterprises on the disk store), too slow to compute while a visitor waits. So they are
computed in a background thread once per data version, each with the server's longest query
time; the page waits a little for them (on a small graph they are ready at once) and shows
the rest as "being computed" until a later visit. The saved queries and the counts are
answered through the disk store's result cache (``DATA/cache``), so a restarted server reads
them back; and the server computes them as soon as it sees a new data version
(:mod:`.warming`), before a visitor asks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import UmkmError
from ..kg import KnowledgeGraph
from ..namespaces import RECORDS_GRAPH_PREFIX, UMKM
from ..query.catalogue import Chart, ChartKind
from ..query.results import QueryForm, QueryResult
from ..store import DiskStore, EmbeddedStore
from .results_view import chart_data

_BY_DISTRICT = f"""SELECT ?place (COUNT(DISTINCT ?enterprise) AS ?enterprises) WHERE {{
  ?enterprise a <{UMKM}Enterprise> ; <https://schema.org/location> ?place .
}} GROUP BY ?place ORDER BY DESC(?enterprises) ?place LIMIT 50"""
_BY_CATEGORY = f"""SELECT ?category (COUNT(DISTINCT ?enterprise) AS ?enterprises) WHERE {{
  ?enterprise a <{UMKM}Enterprise> ; <{UMKM}hasProduct> ?product .
  ?product <{UMKM}productCategory> ?category .
}} GROUP BY ?category ORDER BY DESC(?enterprises) ?category LIMIT 50"""

CHARTS: tuple[tuple[str, str, ChartKind, str], ...] = (
    ("stats_2015", "statistics-2015", ChartKind.BAR, ""),
    ("destinations", "countries-ranked", ChartKind.BAR, ""),
    ("destinations_map", "countries-ranked", ChartKind.MAP, ""),
    ("by_district", "", ChartKind.BAR, "place"),
    ("by_category", "", ChartKind.BAR, "category"),
)
"""Each chart: its title key, its saved query (or '' for one of the counts above), its kind,
and for the counts the variable of its bars."""
PENDING = "pending"


@dataclass
class _Version:
    """What has been computed for one data version: results by name, or why they failed."""

    results: dict[str, Any] = field(default_factory=dict)
    done: threading.Event = field(default_factory=threading.Event)


class HomeFigures:
    """The home page's summary and chart results, computed once per data version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[str, _Version] = {}

    def get(self, kg: KnowledgeGraph, *, wait: float, timeout: float | None) -> dict[str, Any]:
        """The results computed so far (a name maps to a result, an error message, or
        :data:`PENDING`), after waiting up to ``wait`` seconds for all of them."""
        key = data_version(kg)
        if key is None:  # a remote store may change at any time: nothing is kept
            state = _Version()
            _compute(kg, state, timeout)
            return dict(state.results)
        known = self._start(kg, key, timeout)
        known.done.wait(wait)
        return {name: known.results.get(name, PENDING) for name in (*_NAMES, "summary")}

    def warm(self, kg: KnowledgeGraph, *, timeout: float | None) -> threading.Event | None:
        """Start computing the figures of ``kg``'s data version unless that was done already
        (no waiting); the event is set when they are all there. None for a remote store."""
        key = data_version(kg)
        return None if key is None else self._start(kg, key, timeout).done

    def _start(self, kg: KnowledgeGraph, key: str, timeout: float | None) -> _Version:
        with self._lock:
            known = self._versions.get(key)
            if known is None:
                known = _Version()
                self._versions = {key: known}  # older versions are not asked for again
                thread = threading.Thread(
                    target=_compute, args=(kg, known, timeout), daemon=True, name="home-figures"
                )
                thread.start()
        return known


_NAMES = ("statistics-2015", "countries-ranked", "by_district", "by_category")


def data_version(kg: KnowledgeGraph) -> str | None:
    store = kg.store
    if isinstance(store, DiskStore):
        store.refresh()  # one small read: another process may have published a new version
        return store.version
    return "memory" if isinstance(store, EmbeddedStore) else None


def _compute(kg: KnowledgeGraph, state: _Version, timeout: float | None) -> None:
    """Fill ``state``: the summary first, then each chart's result (a failure is kept as its
    message, so that one slow aggregate leaves the others drawn)."""
    steps: list[tuple[str, Callable[[], Any]]] = [("summary", lambda: summary(kg))]
    steps += [(name, _runner(kg, name, timeout)) for name in _NAMES[:2]]
    steps += [
        ("by_district", lambda: _counted(kg, _BY_DISTRICT, timeout)),
        ("by_category", lambda: _counted(kg, _BY_CATEGORY, timeout)),
    ]
    try:
        for name, step in steps:
            if name.startswith("by_") and not _has_records(state):
                state.results[name] = None
                continue
            try:
                state.results[name] = step()
            except UmkmError as exc:
                state.results[name] = exc.message
    finally:
        state.done.set()


def _runner(kg: KnowledgeGraph, name: str, timeout: float | None) -> Callable[[], QueryResult]:
    return lambda: kg.run(name, timeout=timeout)


def _has_records(state: _Version) -> bool:
    found = state.results.get("summary")
    return isinstance(found, dict) and bool(found.get("records"))


def _counted(kg: KnowledgeGraph, sparql: str, timeout: float | None) -> QueryResult:
    """A count over the whole registry: on the disk store, kept once per data version."""
    if isinstance(kg.store, DiskStore):
        return kg.store.query_cached(sparql, form=QueryForm.SELECT, timeout=timeout, max_rows=None)
    return kg.query(sparql, timeout=timeout, max_rows=None)


def summary(kg: KnowledgeGraph) -> dict[str, Any]:
    """Triples, named graphs, enterprises, and whether records were added."""
    info = kg.info()
    return {
        "triples": info.triples,
        "graphs": len(info.graphs),
        "enterprises": info.classes.get(str(UMKM.Enterprise), 0),
        "records": any(g.startswith(RECORDS_GRAPH_PREFIX) for g in info.graphs),
    }


def charts(kg: KnowledgeGraph, figures: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The home page's charts from the computed ``figures``, labelled in ``lang``: each with
    its title key (:mod:`.page_text`) and its data, or with ``pending`` or ``error`` set.

    The 2015 statistics and the export destinations are drawn as their saved queries' chart
    metadata asks; the counts per neighbourhood and per product category appear once records
    are added (the article names no neighbourhood).
    """
    out: list[dict[str, Any]] = []
    for title, query, kind, category in CHARTS:
        found = figures.get(query or title)
        if found is None:  # no records yet
            continue
        entry: dict[str, Any] = {"title": title, "query": query}
        if found == PENDING:
            out.append({**entry, "pending": True})
            continue
        if isinstance(found, str):
            out.append({**entry, "error": found})
            continue
        if query:
            chart = next((c for c in kg.catalogue.get(query).charts if c.kind is kind), None)
        else:
            chart = Chart(kind, category, "enterprises")
        data = chart_data(kg, found, chart, lang) if chart is not None else None
        if data:
            out.append({**entry, **data})
    return out
