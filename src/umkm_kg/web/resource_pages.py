"""Each resource at its own path (``/id/...``, ``/ontology``, ``/ontology/TERM``), as HTML or
RDF by content negotiation or extension."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..errors import UmkmError, UnknownName
from ..formats import RdfFormat
from ..kg import KnowledgeGraph
from ..publish.site.paths import ONTOLOGY_IRI, page_stem
from ..query.catalogue import compact
from . import describe as resource
from . import results_view
from .accept import best_media_type
from .page_render import READ, error_page, int_param, kg_of, lang_of, pager, render_page

router = APIRouter(include_in_schema=False)
_RDF_MEDIA = {fmt.media_type: fmt for fmt in resource.FORMATS}


def _resource(request: Request, iri: str, extension: str | None) -> Response:
    kg, lang = kg_of(request), lang_of(request)
    offers = ["text/html", *(f.media_type for f in resource.FORMATS)]
    chosen: str | None
    if extension is not None:
        fmt = next((f for f in resource.FORMATS if f.extension == extension), None)
        if fmt is None:
            return error_page(request, UnknownName(f"no format has the extension .{extension}"))
        chosen = fmt.media_type
    else:
        chosen = best_media_type(request.headers.get("accept"), offers)
    if chosen is None:
        listed = ", ".join(offers)
        return Response(
            f"none of the formats asked for in Accept is served; available: {listed}\n",
            status_code=406,
            media_type="text/plain",
            headers={"Vary": "Accept"},
        )
    try:
        if iri == ONTOLOGY_IRI and chosen != "text/html":
            quads = resource.ontology_quads(kg)
        else:
            offset = (int_param(request.query_params.get("page"), 1) - 1) * 100
            described = resource.describe(kg, iri, lang, offset=max(offset, 0), limit=100)
            quads = described.index.description(described.node)
    except UmkmError as exc:
        page = error_page(request, exc)
        page.headers["Vary"] = "Accept, Accept-Language, Cookie"
        return page
    if chosen != "text/html":
        fmt = _RDF_MEDIA[chosen]
        body = resource.serialize(quads, fmt)
        return Response(
            body,
            media_type=fmt.media_type + ("; charset=utf-8" if fmt is not RdfFormat.RDFXML else ""),
            headers={"Vary": "Accept"} if extension is None else {},
        )
    context = described.context()
    paging = results_view.Paging.of(request.query_params.get("page"), 100, described.incoming_facts)
    path = request.url.path
    context["alternates"] = [
        {"href": f"{path}.{f.extension}", "type": f.media_type, "key": f.key}
        for f in resource.FORMATS
    ]
    context["related"] = _related(kg, iri, lang)
    page = render_page(
        request,
        "resource.html",
        title=context.pop("title"),
        pager=pager(request, paging),
        **context,
    )
    page.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return page


def _related(kg: KnowledgeGraph, iri: str, lang: str) -> list[tuple[str, str]]:
    """Saved queries with an IRI parameter this resource can fill (the link runs it)."""
    from ..query.graphvalues import GraphValues

    values = GraphValues(kg.store)
    out = []
    for saved in kg.catalogue:
        for p in saved.parameters:
            if p.type.value != "iri" or p.values_from_graph is None:
                continue
            try:
                term = p.convert(iri)
                if not values.contains(p, term):
                    continue
            except UmkmError:
                continue
            link = urlencode({p.name: compact(term), "run": "1"})
            out.append((saved.title.get(lang), f"/queries/{saved.name}?{link}"))
    return out


@router.api_route("/id/{path:path}", methods=READ)
def id_page(request: Request, path: str) -> Response:
    """A resource of the graph at its own path, as HTML or RDF (by Accept or an extension)."""
    extension = None
    stem = path
    for fmt in resource.FORMATS:
        if path.endswith("." + fmt.extension):
            stem, extension = path[: -len(fmt.extension) - 1], fmt.extension
    try:
        iri = resource.iri_of_path("id/" + stem)
    except UmkmError as exc:
        return error_page(request, exc)
    return _resource(request, iri, extension)


@router.api_route("/ontology", methods=READ)
def ontology_page(request: Request) -> Response:
    """The ontology: its description as HTML, or the whole ontology graph in RDF."""
    return _resource(request, ONTOLOGY_IRI, None)


@router.api_route("/ontology/{term}", methods=READ)
def ontology_term_page(request: Request, term: str) -> Response:
    """One term of the ontology (``umkm:Enterprise`` is ``/ontology/Enterprise``)."""
    extension = None
    for fmt in resource.FORMATS:
        if term.endswith("." + fmt.extension):
            term, extension = term[: -len(fmt.extension) - 1], fmt.extension
    from ..namespaces import UMKM

    iri = str(UMKM) + term
    if page_stem(iri) != f"ontology/{term}":
        return error_page(request, UnknownName(f"the ontology has no term {term[:100]!r}"))
    return _resource(request, iri, extension)


@router.api_route("/ontology.{extension}", methods=READ)
def ontology_file(request: Request, extension: str) -> Response:
    return _resource(request, ONTOLOGY_IRI, extension)
