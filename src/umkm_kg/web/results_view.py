"""Query results as the pages show them: a page of labelled rows, chart data, download formats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ..formats import RdfFormat, ResultFormat
from ..kg import KnowledgeGraph
from ..namespaces import UMKM
from ..query.catalogue import Chart, ChartKind, compact
from ..query.render import GRAPH_FORMATS, fetch_labels
from ..query.results import QueryForm, QueryResult, Term
from ..query.sparql import safe_terms
from .describe import local_href
from .page_text import WORDS

PAGE_ROWS = 100
"""Rows of a result on one page."""
CHART_BARS = 50
"""Bars (or countries) a chart draws at most: the largest ones."""
_NUMBERS = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long}


@dataclass(frozen=True)
class Paging:
    """Which slice of a list a page shows."""

    page: int
    size: int
    total: int

    @classmethod
    def of(cls, raw: str | None, size: int, total: int) -> Paging:
        """The page asked for (``?page=``), kept within the pages there are."""
        try:
            page = int(raw or "1")
        except ValueError:
            page = 1
        pages = max(1, -(-total // size))
        return cls(min(max(page, 1), pages), size, total)

    @property
    def start(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def cell(term: Term | None, labels: Mapping[URIRef, str]) -> dict[str, str]:
    """One table cell: text, and a link only for http(s) IRIs (local ones to their page)."""
    if term is None:
        return {"text": "", "href": "", "title": ""}
    if isinstance(term, URIRef):
        iri = str(term)
        href = local_href(iri)
        return {"text": labels.get(term) or compact(term), "href": href, "title": iri}
    if isinstance(term, BNode):
        return {"text": f"_:{term}", "href": "", "title": ""}
    lang = term.language or "" if isinstance(term, Literal) else ""
    return {"text": str(term), "href": "", "title": "", "lang": lang}


def table(kg: KnowledgeGraph, result: QueryResult, lang: str, paging: Paging) -> dict[str, Any]:
    """The rows of one page of a SELECT result, labelled in ``lang``."""
    rows = result.rows[paging.start : paging.start + paging.size]
    shown = QueryResult(result.form, result.variables, rows)
    labels = fetch_labels(kg, shown, lang)
    return {
        "variables": list(result.variables),
        "rows": [[cell(row.get(v), labels) for v in result.variables] for row in rows],
    }


def number(term: Term | None) -> float | None:
    """The value of a numeric literal, else ``None``."""
    if isinstance(term, Literal) and term.datatype in _NUMBERS:
        try:
            return float(term.toPython())
        except (TypeError, ValueError):
            return None
    return None


def chart_data(
    kg: KnowledgeGraph, result: QueryResult, chart: Chart, lang: str
) -> dict[str, Any] | None:
    """What ``charts.js`` draws: the kind, and for each row its label, value and link."""
    rows = [
        (row.get(chart.category), number(row.get(chart.value)))
        for row in result.rows
        if row.get(chart.category) is not None
    ]
    kept = sorted(((c, v) for c, v in rows if v is not None), key=lambda cv: -cv[1])[:CHART_BARS]
    if not kept:
        return None
    shown = QueryResult(QueryForm.SELECT, ("c",), [{"c": c} for c, _ in kept if c is not None])
    labels = fetch_labels(kg, shown, lang)
    is_map = chart.kind is ChartKind.MAP
    english = fetch_labels(kg, shown, "en") if is_map else labels
    codes = country_codes(kg, [c for c, _ in kept if isinstance(c, URIRef)]) if is_map else {}
    data = []
    for category, value in kept:
        shown_cell = cell(category, labels)
        item = {"label": shown_cell["text"], "value": value, "href": shown_cell["href"]}
        if chart.kind is ChartKind.MAP and isinstance(category, URIRef):
            item["name"] = english.get(category, shown_cell["text"])  # world-atlas names
            if category in codes:
                item["iso"] = codes[category]  # world-atlas ids, and map-points.json's
        data.append(item)
    axis = WORDS[chart.value].get(lang) if chart.value in WORDS else chart.value
    return {
        "axis": axis,
        "kind": chart.kind.value,
        "category": chart.category,
        "value": chart.value,
        "data": data,
    }


def country_codes(kg: KnowledgeGraph, iris: list[URIRef]) -> dict[URIRef, str]:
    """The ISO 3166 numeric code of each of ``iris`` that has one, by one query."""
    written = safe_terms(iris)  # an IRI the strict writer refuses gets no code
    if not written:
        return {}
    answer = kg.query(
        f"SELECT ?c ?n WHERE {{ VALUES ?c {{ {' '.join(written)} }} "
        f"?c <{UMKM.iso3166Numeric}> ?n }}",
        max_rows=None,
    )
    codes: dict[URIRef, str] = {}
    for row in answer.rows:
        country, code = row.get("c"), row.get("n")
        if isinstance(country, URIRef) and isinstance(code, Literal):
            codes[country] = str(code)
    return codes


def download_formats(form: QueryForm) -> list[tuple[str, str]]:
    """``(key, label)`` of every format the command line writes ``form`` results as."""
    if form.returns_graph:
        formats: tuple[RdfFormat | ResultFormat, ...] = GRAPH_FORMATS
    elif form is QueryForm.ASK:
        formats = (ResultFormat.TABLE, ResultFormat.JSON, ResultFormat.XML)
    else:
        formats = tuple(ResultFormat)
    names = {
        "table": "text",
        "ttl": "Turtle",
        "nt": "N-Triples",
        "jsonld": "JSON-LD",
        "xml": "XML",
        "csv": "CSV",
        "tsv": "TSV",
        "json": "JSON",
    }
    if form.returns_graph:
        names["xml"] = "RDF/XML"
    return [(f.key, names.get(f.key, f.key)) for f in formats]
