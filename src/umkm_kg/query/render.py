"""Query results as text: a readable table, the W3C result formats, or RDF for graphs.

SELECT and ASK results: ``table`` (labels in the chosen language next to IRIs), ``csv`` and
``tsv`` (SPARQL 1.1 Query Results CSV and TSV Formats; SELECT only), ``json`` (SPARQL 1.1
Query Results JSON Format) and ``xml`` (SPARQL Query Results XML Format).
CONSTRUCT and DESCRIBE results: Turtle, N-Triples, JSON-LD or RDF/XML, written by
:mod:`umkm_kg.publish.export` so that the same graph always gives the same bytes.

A result cut by the row cap says so in the table's footer; the standard formats have no place
for such a note, so the command line says it on stderr (the exit code stays 0: the cut is the
one asked for with ``--max-rows``). A server that cuts an answer silently raises
:class:`~umkm_kg.errors.ResultTruncated` instead.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import BadInput
from ..formats import RdfFormat, ResultFormat
from ..formulas import is_formula, neutralise
from ..i18n import t as _t
from ..store import EmbeddedStore
from .catalogue import compact
from .results import QueryForm, QueryResult, Term, term_from_oxigraph, term_to_oxigraph
from .sparql import n3, safe_terms

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

Format = ResultFormat | RdfFormat

GRAPH_FORMATS = (RdfFormat.TURTLE, RdfFormat.NTRIPLES, RdfFormat.JSONLD, RdfFormat.RDFXML)
"""Formats for CONSTRUCT and DESCRIBE results."""
MAX_LABELLED = 500
"""IRIs of one table whose labels are looked up (one extra query)."""
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)


def default_format(form: QueryForm) -> Format:
    return RdfFormat.TURTLE if form.returns_graph else ResultFormat.TABLE


def resolve_format(name: str | None, form: QueryForm, path: str | None = None) -> Format:
    """The format for a ``form`` result: ``name``, else ``path``'s extension, else the default.

    Checked before the query runs: a whole-registry ASK should not run for minutes to be
    refused as CSV at the end.

    :raises BadInput: the format does not suit the query form.
    """
    choices: tuple[Format, ...] = GRAPH_FORMATS if form.returns_graph else tuple(ResultFormat)
    if name is None:
        suffix = path.rsplit(".", 1)[-1].lower() if path and "." in path else None
        found = [f for f in choices if suffix in f.extensions]
        return _suited(found[0], form) if found else default_format(form)
    wanted = name.lower().lstrip(".")
    for fmt in choices:
        if wanted == fmt.key or wanted in fmt.extensions:
            return _suited(fmt, form)
    kind = "graphs" if form.returns_graph else "tables of results"
    raise BadInput(
        f"{name!r} is not a format for {form.value} results",
        hint=f"{form.value} results are {kind}; choose one of: "
        + ", ".join(f.key for f in choices),
    )


def _suited(fmt: Format, form: QueryForm) -> Format:
    """``fmt``, unless it is a table format an ASK's one boolean cannot be written in."""
    if form is QueryForm.ASK and fmt in (ResultFormat.CSV, ResultFormat.TSV):
        raise BadInput(
            f"{fmt.key} is for SELECT results only", hint="write ASK results as table, json or xml"
        )
    return fmt


def render(
    result: QueryResult,
    fmt: Format,
    *,
    labels: Mapping[URIRef, str] | None = None,
    width: int = 100,
    lang: str = "en",
) -> str:
    """Write ``result`` as ``fmt``; ``labels`` (for tables) are shown next to their IRIs, the
    table's footer in ``lang``.

    :raises BadInput: the format does not suit the result (CSV/TSV of an ASK, a table of a graph).
    """
    if result.form.returns_graph:
        if not isinstance(fmt, RdfFormat) or fmt not in GRAPH_FORMATS:
            raise BadInput(f"a {result.form.value} result cannot be written as {fmt.key}")
        return graph_text(result, fmt)
    if fmt is ResultFormat.TABLE:
        return table(result, labels or {}, width=width, lang=lang)
    if fmt is ResultFormat.JSON:
        return results_json(result)
    if fmt is ResultFormat.XML:
        return results_xml(result)
    _suited(fmt, result.form)
    if fmt is ResultFormat.CSV:
        return results_csv(result)
    if fmt is ResultFormat.TSV:
        return results_tsv(result)
    raise BadInput(f"a {result.form.value} result cannot be written as {fmt.key}")


# --- the readable table ---------------------------------------------------------------------


def fetch_labels(kg: KnowledgeGraph, result: QueryResult, lang: str) -> dict[URIRef, str]:
    """Labels in ``lang`` (else untagged, else any) of the IRIs in ``result``, by one query."""
    iris = sorted({t for row in result.rows for t in row.values() if isinstance(t, URIRef)})
    return {iri: str(label) for iri, label in label_terms(kg, iris[:MAX_LABELLED], lang).items()}


def label_terms(kg: KnowledgeGraph, iris: list[URIRef], lang: str) -> dict[URIRef, Literal]:
    """The label picked for each of ``iris`` (as :func:`fetch_labels`), with its language tag."""
    store = kg.store
    if isinstance(store, EmbeddedStore):
        return _embedded_labels(store.oxigraph, iris, lang)
    written = safe_terms(iris)  # an IRI the strict writer refuses gets no label
    if not written:
        return {}
    paths = "|".join(f"<{p}>" for p in LABEL_PROPERTIES)
    answer = kg.query(
        f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {' '.join(written)} }} ?s {paths} ?l }}",
        max_rows=None,
    )
    found: dict[URIRef, list[Literal]] = {}
    for row in answer.rows:
        subject, label = row.get("s"), row.get("l")
        if isinstance(subject, URIRef) and isinstance(label, Literal):
            found.setdefault(subject, []).append(label)
    return {iri: _pick(labels, lang) for iri, labels in found.items()}


def _embedded_labels(store: ox.Store, iris: list[URIRef], lang: str) -> dict[URIRef, Literal]:
    """The same labels as the query, looked up in the store's index (no query to parse)."""
    properties = [ox.NamedNode(str(p)) for p in LABEL_PROPERTIES]
    picked: dict[URIRef, Literal] = {}
    for iri in iris:
        try:
            subject = ox.NamedNode(str(iri))
        except ValueError:  # not an IRI Oxigraph accepts: it can hold no label either
            continue
        labels = [
            term_from_oxigraph(quad.object)
            for p in properties
            for quad in store.quads_for_pattern(subject, p, None, None)
            if isinstance(quad.object, ox.Literal)
        ]
        if labels:
            picked[iri] = _pick(labels, lang)  # type: ignore[arg-type]
    return picked


def _pick(labels: list[Literal], lang: str) -> Literal:
    def rank(label: Literal) -> tuple[int, str]:
        tag = (label.language or "").lower()
        order = 0 if tag == lang or tag.startswith(lang + "-") else 1 if not tag else 2
        return order, str(label)

    return min(labels, key=rank)


def cell(term: Term | None, labels: Mapping[URIRef, str]) -> str:
    """How one value reads in a table: ``label (kg:id)`` for IRIs, the text for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        name = compact(term)
        label = labels.get(term)
        return f"{label} ({name})" if label else name
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def table(
    result: QueryResult, labels: Mapping[URIRef, str], *, width: int = 100, lang: str = "en"
) -> str:
    """A plain-text table; its last line counts the rows and says if the result was cut."""
    if result.form is QueryForm.ASK:
        return "true\n" if result.boolean else "false\n"
    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for variable in result.variables:
        grid.add_column(variable, overflow="fold")  # never cut an IRI short
    for row in result.rows:
        grid.add_row(*(Text(cell(row.get(v), labels)) for v in result.variables))
    count = len(result.rows)
    footer = _t(lang, f"{count} row{'' if count == 1 else 's'}", f"{count} baris")
    if result.truncated:
        why = result.note or _t(lang, "not all rows are shown", "tidak semua baris ditampilkan")
        footer += _t(lang, f" (result cut: {why})", f" (hasil dipotong: {why})")
    buffer = io.StringIO()
    # Cells are the data's own text: no markup, no emoji codes.
    console = Console(
        file=buffer, width=width, color_system=None, highlight=False, markup=False, emoji=False
    )
    console.print(grid)
    console.print(Text(footer))
    return buffer.getvalue()


# --- the W3C result formats -------------------------------------------------------------------


def results_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV: IRIs and literals as bare text, CRLF line ends.

    A value a spreadsheet would run as a formula (:mod:`umkm_kg.formulas`) is written with a
    leading ``'``, in TSV too.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(row.get(v)) for v in result.variables])
    return buffer.getvalue()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else neutralise(str(term))


def results_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: ``?var`` headers, values in SPARQL syntax, tabs and newlines escaped."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append(
            "\t".join(
                _tsv_value(t) if (t := row.get(v)) is not None else "" for v in result.variables
            )
        )
    return "\n".join(lines) + "\n"


def _tsv_value(term: Term) -> str:
    # A spreadsheet drops the quotes of a quoted cell and may then run what is inside.
    if isinstance(term, Literal) and is_formula(str(term)):
        safe = neutralise(str(term))
        term = (
            Literal(safe, lang=term.language)
            if term.language
            else Literal(safe, datatype=term.datatype)
        )
    return n3(term)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        value["datatype"] = str(term.datatype)
    return value


def results_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    return json.dumps(results_document(result), indent=2, ensure_ascii=False) + "\n"


def results_document(result: QueryResult) -> dict[str, Any]:
    """The SPARQL 1.1 Query Results JSON document of ``result``, as a dictionary."""
    document: dict[str, Any]
    if result.form is QueryForm.ASK:
        document = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {v: _json_term(t) for v in result.variables if (t := row.get(v)) is not None}
            for row in result.rows
        ]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return document


def _xml_term(term: Term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    attribute = ""
    if term.language:
        attribute = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype is not None and term.datatype != XSD.string:
        attribute = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attribute}>{escape(str(term))}</literal>"


def results_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    out.append('<sparql xmlns="http://www.w3.org/2005/sparql-results#">')
    if result.form is QueryForm.ASK:
        out.append("  <head/>")
        out.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("  <head>")
        out.extend(f"    <variable name={quoteattr(v)}/>" for v in result.variables)
        out.append("  </head>")
        out.append("  <results>")
        for row in result.rows:
            out.append("    <result>")
            for v in result.variables:
                term = row.get(v)
                if term is not None:
                    out.append(f"      <binding name={quoteattr(v)}>{_xml_term(term)}</binding>")
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


# --- graphs -------------------------------------------------------------------------------------


def graph_text(result: QueryResult, fmt: RdfFormat) -> str:
    """A CONSTRUCT or DESCRIBE result in an RDF format, the same bytes for the same graph."""
    from ..publish.export import serialize

    graph = result.graph if result.graph is not None else Graph()
    dataset = ox.Dataset(
        ox.Quad(term_to_oxigraph(s), term_to_oxigraph(p), term_to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in graph
    )
    return serialize(dataset, fmt).decode("utf-8")
