"""The HTML pages of ``umkm-kg serve``: home, saved queries, the query editor, resource pages
with content negotiation, and record validation, in Indonesian or English.

Handlers only read the request, call the core library (:class:`~umkm_kg.kg.KnowledgeGraph`,
the catalogue, :func:`~umkm_kg.validation.files.validate_files`,
:func:`~umkm_kg.records.add.add_records`) and render a template; a library error becomes the
page's message with the error's HTTP status, never a traceback.
"""

from __future__ import annotations

import hmac
import threading
from collections import OrderedDict
from functools import lru_cache
from importlib import resources as package_files
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..errors import BadInput, UmkmError, UnknownName
from ..formats import RdfFormat
from ..kg import KnowledgeGraph
from ..publish import dataset
from ..publish.site import html
from ..publish.site.paths import ONTOLOGY_IRI, page_stem
from ..query.catalogue import ChartKind, Choice, Parameter, SavedQuery, compact, with_prefixes
from ..query.render import fetch_labels, render, resolve_format
from ..query.results import QueryForm
from ..store import DiskStore, EmbeddedStore
from . import describe as resource
from . import home, results_view
from .accept import best_media_type
from .page_text import LANG_COOKIE, choose_lang, word
from .uploads import Upload, as_files, shown_name

router = APIRouter(include_in_schema=False)
_READ = ["GET", "HEAD"]  # HEAD too: link checkers and crawlers ask resources with it

_ENV = Environment(
    loader=PackageLoader("umkm_kg.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals.update(facts=html.facts, term=html.term)
_STATIC = package_files.files("umkm_kg.web") / "static"
_SITE_STATIC = package_files.files("umkm_kg.publish.site") / "static"
_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
_RDF_MEDIA = {fmt.media_type: fmt for fmt in resource.FORMATS}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
"""No inline script or style, no eval: every script is a file (Vega runs its interpreter)."""
HOME_WAIT = 3.0
"""Seconds the home page waits for its figures before showing those not ready as pending."""
MAX_UPLOAD = 8 * 1024 * 1024
"""Bytes of records the validation page accepts (pasted or uploaded)."""


# --- the parts every page shares --------------------------------------------------------------


def _kg(request: Request) -> KnowledgeGraph:
    kg = request.app.state.kg
    assert isinstance(kg, KnowledgeGraph)
    return kg


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _lang(request: Request) -> str:
    default = getattr(_settings(request), "lang", "en")
    return choose_lang(
        request.query_params.get("lang"),
        request.cookies,
        request.headers.get("accept-language"),
        default,
    )


def _switch_url(request: Request, lang: str) -> str:
    """This page's URL in the other language."""
    other = "en" if lang == "id" else "id"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + "?" + urlencode([*params, ("lang", other)])


def _page(
    request: Request, template: str, *, status: int = 200, title: str = "", **context: Any
) -> HTMLResponse:
    lang = _lang(request)
    body = _ENV.get_template(template).render(
        lang=lang,
        t=lambda key: word(key, lang),
        title=title,
        switch_url=_switch_url(request, lang),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(body, status_code=status)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Content-Security-Policy"] = CSP
    asked = request.query_params.get("lang")
    if asked == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def _error(request: Request, exc: UmkmError, **context: Any) -> HTMLResponse:
    return _page(
        request,
        "error.html",
        status=exc.http_status,
        title=word("error", _lang(request)),
        message=exc.message,
        hint=exc.hint,
        **context,
    )


def _pager(request: Request, paging: results_view.Paging, key: str = "page") -> dict[str, Any]:
    """Links to the previous and next pages, keeping the other parameters."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != key]

    def url(page: int) -> str:
        return request.url.path + "?" + urlencode([*params, (key, str(page))])

    return {
        "page": paging.page,
        "pages": paging.pages,
        "previous": url(paging.page - 1) if paging.page > 1 else "",
        "next": url(paging.page + 1) if paging.page < paging.pages else "",
    }


# --- static files -----------------------------------------------------------------------------


@router.api_route("/static/{path:path}", methods=_READ)
def static(path: str) -> Response:
    """The pages' scripts, styles and vendored libraries (``site/`` is the static site's CSS)."""
    parts = path.split("/")
    if not path or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return Response("not found\n", status_code=404, media_type="text/plain")
    folder = _SITE_STATIC if parts[0] == "site" else _STATIC
    target = folder.joinpath(*(parts[1:] if parts[0] == "site" else parts))
    suffix = "." + parts[-1].rsplit(".", 1)[-1] if "." in parts[-1] else ""
    if suffix not in _TYPES or not target.is_file():
        return Response("not found\n", status_code=404, media_type="text/plain")
    return Response(
        target.read_bytes(),
        media_type=_TYPES[suffix],
        headers={"Cache-Control": "public, max-age=3600"},
    )


# --- home and search --------------------------------------------------------------------------


@router.api_route("/", methods=_READ, response_class=HTMLResponse)
def home_page(request: Request) -> HTMLResponse:
    """What the dataset is, its licence and size, a search box and the charts."""
    kg, lang, settings = _kg(request), _lang(request), _settings(request)
    with _MENUS_LOCK:
        figures = getattr(request.app.state, "home_figures", None)
        if figures is None:
            figures = request.app.state.home_figures = home.HomeFigures()
    timeout = getattr(settings, "max_timeout", None)
    found = figures.get(kg, wait=HOME_WAIT, timeout=timeout)
    try:
        charts = home.charts(kg, found, lang)
    except UmkmError as exc:
        return _error(request, exc)
    summary = found["summary"] if isinstance(found["summary"], dict) else None
    return _page(
        request,
        "home.html",
        title=dataset.TITLE[lang],
        description=dataset.DESCRIPTION[lang],
        rights=dataset.RIGHTS[lang],
        licence=str(dataset.CC_BY),
        summary=summary,
        charts=charts,
    )


@router.api_route("/search", methods=_READ, response_class=HTMLResponse)
def search_page(request: Request, q: str = "") -> HTMLResponse:
    """Resources whose label (in either language) contains the text, a page at a time."""
    kg, lang = _kg(request), _lang(request)
    text = q.strip()[:200]
    found: dict[str, Any] | None = None
    pager = None
    if text:
        try:
            result = kg.run("search-labels", {"text": text}, max_rows=_settings(request).max_rows)
        except UmkmError as exc:
            return _error(request, exc, q=text)
        paging = results_view.Paging.of(
            request.query_params.get("page"), results_view.PAGE_ROWS, len(result.rows)
        )
        found = results_view.table(kg, result, lang, paging)
        found["truncated"] = result.note if result.truncated else None
        found["total"] = len(result.rows)
        pager = _pager(request, paging)
    return _page(
        request, "search.html", title=word("search", lang), q=text, found=found, pager=pager
    )


# --- saved queries ----------------------------------------------------------------------------


@router.api_route("/queries", methods=_READ, response_class=HTMLResponse)
def queries_page(request: Request) -> HTMLResponse:
    """The catalogue: titles, descriptions and tags, a page at a time."""
    kg, lang = _kg(request), _lang(request)
    names = kg.catalogue.names()
    tag = request.query_params.get("tag")
    try:
        listed = [q for q in (kg.catalogue.get(n) for n in names) if not tag or tag in q.tags]
    except UmkmError as exc:
        return _error(request, exc)
    paging = results_view.Paging.of(request.query_params.get("page"), 50, len(listed))
    return _page(
        request,
        "queries.html",
        title=word("queries", lang),
        queries=listed[paging.start : paging.start + paging.size],
        tag=tag,
        pager=_pager(request, paging),
    )


def _fields(
    app_state: Any,
    kg: KnowledgeGraph,
    saved: SavedQuery,
    raw: dict[str, str],
    lang: str,
    timeout: float | None,
) -> list[Any]:
    """The form's inputs, from the parameters' metadata (``timeout``: for making menus)."""
    out = []
    for p in saved.parameters:
        value = raw.get(p.name, p.default or "")
        field: dict[str, Any] = {
            "name": p.name,
            "type": p.type.value,
            "description": p.description.get(lang),
            "value": value,
            "required": p.required and p.default is None,
            "options": [],
            "example": p.example or p.type.example,
        }
        if p.allowed:
            field["options"] = [(a, a) for a in p.allowed]
        elif p.type.value == "boolean":
            field["options"] = [("true", word("true", lang)), ("false", word("false", lang))]
        elif p.values_from_graph is not None:
            search = raw.get(f"_search_{p.name}") or None
            offset = _int(raw.get(f"_offset_{p.name}"), 0)
            try:
                choices = _choices(app_state, kg, saved.name, p, search, offset, timeout)
            except UmkmError as exc:  # a text field then: the query still runs with a name
                field["menu_error"] = exc.message
                out.append(field)
                continue
            options = [(compact(c.value), c.label(lang)) for c in choices]
            if value and value not in {o[0] for o in options} and not search:
                options.insert(0, (value, value))
            field.update(
                options=options,
                search=search or "",
                graph_values=True,
                more_offset=offset + 50 if len(choices) == 50 else None,
            )
        out.append(field)
    return out


MENU_CACHE = 256
"""Menus of values found in the graph kept per server (each a page of 50 values)."""
MENU_WAIT = 5.0
"""Seconds a form waits for a menu; past that it shows a text field, and the menu is made in
the background (with the server's longest query time) for the next visit."""
_MENUS_LOCK = threading.Lock()  # handlers run in a thread pool


def _choices(
    app_state: Any,
    kg: KnowledgeGraph,
    query: str,
    p: Parameter,
    search: str | None,
    offset: int,
    timeout: float | None,
) -> tuple[Choice, ...]:
    """A page of a parameter's values for its menu, kept while the data does not change.

    Finding them reads the parameter's whole ``values_from_graph`` query (``exporters-by-country``
    lists every destination as written: 2.6 s at 10,000 enterprises on the disk store, past 30 s
    at 100,000), and every visit to the form asks for the same first page.

    :raises UmkmError: the menu is not ready within :data:`MENU_WAIT` seconds, or failed.
    """
    store = kg.store
    if isinstance(store, DiskStore):
        version: str | None = store.version
    else:  # the bundled graph in memory does not change; a remote store may at any time
        version = "memory" if isinstance(store, EmbeddedStore) else None
    if version is None:
        return kg.choices(p, search=search, limit=50, offset=offset, timeout=MENU_WAIT)
    with _MENUS_LOCK:
        cache: OrderedDict[tuple[object, ...], Any] | None = getattr(app_state, "page_menus", None)
        if cache is None:
            cache = app_state.page_menus = OrderedDict()
        key = (version, query, p.name, search, offset)
        entry = cache.get(key)
        if entry is None:
            entry = cache[key] = _Menu()
            threading.Thread(
                target=entry.fill, args=(kg, p, search, offset, timeout), daemon=True
            ).start()
            while len(cache) > MENU_CACHE:
                cache.popitem(last=False)
    return entry.wait(MENU_WAIT)


class _Menu:
    """One menu being made in the background, and then its values or its failure."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.values: tuple[Choice, ...] = ()
        self.error: UmkmError | None = None

    def fill(
        self,
        kg: KnowledgeGraph,
        p: Parameter,
        search: str | None,
        offset: int,
        timeout: float | None,
    ) -> None:
        try:
            self.values = kg.choices(p, search=search, limit=50, offset=offset, timeout=timeout)
        except UmkmError as exc:
            self.error = exc
        finally:
            self.done.set()

    def wait(self, seconds: float) -> tuple[Choice, ...]:
        """:raises UmkmError: not ready in ``seconds``, or it failed."""
        if not self.done.wait(seconds):
            from ..errors import QueryTimeout

            raise QueryTimeout(
                f"listing the values takes longer than {seconds:g} s; they are being listed"
                " for the next visit"
            )
        if self.error is not None:
            raise self.error
        return self.values


def _int(raw: str | None, default: int) -> int:
    try:
        return max(0, int(raw or default))
    except ValueError:
        return default


@router.api_route("/queries/{name}", methods=_READ, response_class=HTMLResponse)
def query_page(request: Request, name: str) -> Response:
    """One saved query: its form, and, once run, its result as a table, chart and downloads."""
    kg, lang, settings = _kg(request), _lang(request), _settings(request)
    try:
        saved = kg.catalogue.get(name)
    except UmkmError as exc:
        return _error(request, exc)
    query = request.query_params
    params = {k: v for k, v in query.items() if k in {p.name for p in saved.parameters} and v != ""}
    fmt = query.get("format")
    context: dict[str, Any] = {"saved": saved, "formats": results_view.download_formats(saved.form)}
    try:
        if fmt:
            return _download(kg, saved, params, fmt, lang, settings.max_rows)
        context["fields"] = _fields(
            request.app.state, kg, saved, dict(query.items()), lang, settings.max_timeout
        )
        if query.get("run") is None:
            return _page(request, "query.html", title=saved.title.get(lang), **context)
        result = kg.run(saved, params, max_rows=settings.max_rows)
    except UmkmError as exc:
        return _page(
            request,
            "query.html",
            status=exc.http_status,
            title=saved.title.get(lang),
            error={"message": exc.message, "hint": exc.hint},
            **context,
        )
    shared = [(k, v) for k, v in params.items()] + [("run", "1")]
    context["share"] = f"{request.url.path}?{urlencode(shared)}"
    context["downloads"] = [
        (label, f"{request.url.path}?{urlencode([*params.items(), ('format', key)])}")
        for key, label in context["formats"]
    ]
    context["res"] = _result_context(request, kg, result, lang)
    if result.form is QueryForm.SELECT:
        context["charts"] = [
            c for c in (results_view.chart_data(kg, result, ch, lang) for ch in saved.charts) if c
        ]
    return _page(request, "query.html", title=saved.title.get(lang), **context)


def _result_context(request: Request, kg: KnowledgeGraph, result: Any, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {"result_form": result.form.value}
    if result.form is QueryForm.ASK:
        out["boolean"] = word("true" if result.boolean else "false", lang)
    elif result.form.returns_graph:
        text = render(result, RdfFormat.TURTLE)
        out["graph_text"] = text if len(text) < 200_000 else text[:200_000] + "\n# ...\n"
        out["count"] = len(result)
    else:
        paging = results_view.Paging.of(
            request.query_params.get("page"), results_view.PAGE_ROWS, len(result.rows)
        )
        out["table"] = results_view.table(kg, result, lang, paging)
        out["count"] = len(result.rows)
        out["pager"] = _pager(request, paging)
    out["truncated"] = result.note if result.truncated else None
    return out


def _download(
    kg: KnowledgeGraph, saved: SavedQuery, params: dict[str, str], fmt: str, lang: str, rows: int
) -> Response:
    chosen = resolve_format(fmt, saved.form)
    result = kg.run(saved, params, max_rows=rows)
    labels = fetch_labels(kg, result, lang) if chosen.key == "table" else None
    text = render(result, chosen, labels=labels)
    media = chosen.media_type
    return Response(
        text,
        media_type=media + ("; charset=utf-8" if "charset" not in media else ""),
        headers={"Content-Disposition": f'attachment; filename="{saved.name}.{chosen.extension}"'},
    )


# --- the query editor -------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _example(saved: SavedQuery) -> str | None:
    """The saved query as an editor example: with its defaults bound (a VALUES block), or
    ``None`` when a parameter has no default."""
    try:
        return saved.body if not saved.parameters else saved.sparql(saved.bind({}))
    except UmkmError:
        return None


@router.api_route("/editor", methods=_READ, response_class=HTMLResponse)
def editor_page(request: Request) -> HTMLResponse:
    """Ad-hoc SPARQL with the project's prefixes declared; the answer as a table or a chart."""
    kg, lang, settings = _kg(request), _lang(request), _settings(request)
    text = request.query_params.get("query", "")
    examples = [
        (saved.name, saved.title.get(lang), example)
        for saved in kg.catalogue
        if (example := _example(saved)) is not None
    ]
    context: dict[str, Any] = {"query": text, "examples": examples}
    if not text.strip():
        default = next((e[2] for e in examples if e[0] == "countries-ranked"), "")
        context["query"] = default
        return _page(request, "editor.html", title=word("editor", lang), **context)
    try:
        if len(text) > 100_000:
            raise BadInput("the query is longer than 100,000 characters")
        # The prefixes on the query's first line, so that a message's line numbers are the
        # user's own (only columns of the first line move).
        prefixed = with_prefixes("").replace("\n", " ") + text
        result = kg.query(prefixed, max_rows=settings.max_rows)
    except UmkmError as exc:
        context["error"] = {"message": exc.message, "hint": exc.hint}
        return _page(
            request, "editor.html", status=exc.http_status, title=word("editor", lang), **context
        )
    context["res"] = _result_context(request, kg, result, lang)
    view = request.query_params.get("view", "table")
    if result.form is QueryForm.SELECT and result.variables:
        category = request.query_params.get("x") or result.variables[0]
        numeric = [
            v
            for v in result.variables
            if any(results_view.number(r.get(v)) is not None for r in result.rows[:50])
        ]
        value = request.query_params.get("y") or (numeric[0] if numeric else "")
        context["chart_columns"] = {"x": category, "y": value, "variables": result.variables}
        if view in ("bar", "map") and value in result.variables and category in result.variables:
            from ..query.catalogue import Chart

            chart = results_view.chart_data(
                kg, result, Chart(ChartKind(view), category, value), lang
            )
            context["charts"] = [chart] if chart else []
    context["view"] = view
    return _page(request, "editor.html", title=word("editor", lang), **context)


# --- resource pages ---------------------------------------------------------------------------


def _resource(request: Request, iri: str, extension: str | None) -> Response:
    kg, lang = _kg(request), _lang(request)
    offers = ["text/html", *(f.media_type for f in resource.FORMATS)]
    chosen: str | None
    if extension is not None:
        fmt = next((f for f in resource.FORMATS if f.extension == extension), None)
        if fmt is None:
            return _error(request, UnknownName(f"no format has the extension .{extension}"))
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
            offset = (_int(request.query_params.get("page"), 1) - 1) * 100
            described = resource.describe(kg, iri, lang, offset=max(offset, 0), limit=100)
            quads = described.index.description(described.node)
    except UmkmError as exc:
        page = _error(request, exc)
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
    page = _page(
        request,
        "resource.html",
        title=context.pop("title"),
        pager=_pager(request, paging),
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


@router.api_route("/id/{path:path}", methods=_READ)
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
        return _error(request, exc)
    return _resource(request, iri, extension)


@router.api_route("/ontology", methods=_READ)
def ontology_page(request: Request) -> Response:
    """The ontology: its description as HTML, or the whole ontology graph in RDF."""
    return _resource(request, ONTOLOGY_IRI, None)


@router.api_route("/ontology/{term}", methods=_READ)
def ontology_term_page(request: Request, term: str) -> Response:
    """One term of the ontology (``umkm:Enterprise`` is ``/ontology/Enterprise``)."""
    extension = None
    for fmt in resource.FORMATS:
        if term.endswith("." + fmt.extension):
            term, extension = term[: -len(fmt.extension) - 1], fmt.extension
    from ..namespaces import UMKM

    iri = str(UMKM) + term
    if page_stem(iri) != f"ontology/{term}":
        return _error(request, UnknownName(f"the ontology has no term {term[:100]!r}"))
    return _resource(request, iri, extension)


@router.api_route("/ontology.{extension}", methods=_READ)
def ontology_file(request: Request, extension: str) -> Response:
    return _resource(request, ONTOLOGY_IRI, extension)


# --- validation -------------------------------------------------------------------------------


def _validate_context(request: Request) -> dict[str, Any]:
    from .csrf import form_token

    return {
        "writable": bool(getattr(_settings(request), "write_token", None)),
        "csrf": form_token(request),
    }


@router.api_route("/validate", methods=_READ, response_class=HTMLResponse)
def validate_page(request: Request) -> HTMLResponse:
    """The form to upload or paste records."""
    return _page(
        request,
        "validate.html",
        title=word("validate", _lang(request)),
        **_validate_context(request),
    )


_EXTENSIONS = {"csv": "csv", "ttl": "ttl", "turtle": "ttl", "jsonld": "jsonld", "json": "jsonld"}


@router.post("/validate", response_class=HTMLResponse)
async def validate_post(request: Request) -> Response:
    """Check the records sent and show the report by record; add them if asked and allowed."""
    from .csrf import require_csrf

    lang = _lang(request)
    context = _validate_context(request)
    title = word("validate", lang)
    try:
        await require_csrf(request)
    except UmkmError as exc:
        return _page(
            request,
            "validate.html",
            status=exc.http_status,
            title=title,
            error={"message": exc.message, "hint": exc.hint},
            **context,
        )
    form = await request.form(max_part_size=MAX_UPLOAD)
    upload = form.get("file")
    pasted = form.get("text")
    fmt = str(form.get("format") or "")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_UPLOAD + 1)
            name = Path(upload.filename).name
        elif isinstance(pasted, str) and pasted.strip():
            data = pasted.encode("utf-8")
            name = f"pasted.{_EXTENSIONS.get(fmt, 'ttl')}"
            if fmt not in _EXTENSIONS:
                raise BadInput("say which format the pasted records are in (CSV, Turtle, JSON-LD)")
        else:
            raise BadInput("choose a file or paste records to check")
        if len(data) > MAX_UPLOAD:
            raise BadInput(f"the records are larger than {MAX_UPLOAD // (1024 * 1024)} MB")
        context["source"] = name
        adding = form.get("action") == "add"
        kg = _kg(request)
        chosen = _EXTENSIONS.get(fmt) if fmt else None
        with as_files([Upload(name, data, None)]) as paths:
            try:
                if adding:
                    token = str(form.get("token") or "")
                    added = await run_in_threadpool(_add, request, kg, paths, chosen, token, lang)
                    report, context["added"] = added.report, added.graph
                else:
                    from ..validation.files import validate_files

                    report = await run_in_threadpool(validate_files, paths, kg, fmt=chosen)
            except UmkmError as exc:
                exc.message = _shown(exc.message, paths[0])
                raise
            context["report"] = _report(report, lang, paths[0])
    except UmkmError as exc:
        return _page(
            request,
            "validate.html",
            status=exc.http_status,
            title=title,
            error={"message": exc.message, "hint": exc.hint},
            **context,
        )
    return _page(
        request, "validate.html", status=200 if report.conforms else 422, title=title, **context
    )


def _shown(text: str, path: str) -> str:
    """``text`` naming the file as it was sent, not as it was written in a temporary folder."""
    return text.replace(path, shown_name(path))


def _add(
    request: Request, kg: KnowledgeGraph, paths: list[str], fmt: str | None, token: str, lang: str
) -> Any:
    """Add the records as one batch, if the server has a write token and it was given.

    :raises HttpProblem: 403 when adding is off, 401 when the token is wrong.
    """
    from ..records.add import add_records
    from .problems import HttpProblem

    expected = getattr(_settings(request), "write_token", None)
    if not expected:
        raise HttpProblem(403, word("adding_off", lang))
    if not hmac.compare_digest(token.encode("utf-8"), str(expected).encode("utf-8")):
        raise HttpProblem(
            401, "the write token is wrong", hint="give the token the server was started with"
        )
    if kg.data_dir is None:
        raise BadInput("this server has no records store to add to (started without a data folder)")
    return add_records(kg, paths, kg.data_dir, fmt=fmt)


def _report(report: Any, lang: str, path: str) -> dict[str, Any]:
    """The report grouped by record, as ``umkm-kg validate`` prints it (``path``: the file
    written for the upload, named as it was sent)."""
    from ..validation.report import short

    records = []
    for group in report.records:
        records.append(
            {
                "record": _shown(group.record.describe(lang), path),
                "problems": [
                    {
                        "severity": p.severity.label(lang),
                        "level": p.severity.value,
                        "field": p.field,
                        "focus": short(p.focus)
                        if p.focus and p.focus != group.record.subject
                        else "",
                        "message": p.message.get(lang),
                        "expected": p.expected.get(lang),
                        "found": p.found.get(lang),
                    }
                    for p in group.problems
                ],
            }
        )
    summary = report.text(lang).rstrip("\n").rsplit("\n", 1)[-1]
    return {"conforms": report.conforms, "records": records, "summary": summary}


@router.api_route("/index.html", methods=_READ)
def index_html() -> RedirectResponse:
    return RedirectResponse("/", status_code=301)
