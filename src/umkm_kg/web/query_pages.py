"""The saved queries (the catalogue, each query's form, result, chart and downloads) and the
ad-hoc query editor."""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..errors import BadInput, UmkmError
from ..formats import RdfFormat
from ..kg import KnowledgeGraph
from ..query.catalogue import (
    Chart,
    ChartKind,
    Choice,
    Parameter,
    SavedQuery,
    compact,
    with_prefixes,
)
from ..query.render import fetch_labels, render, resolve_format
from ..query.results import QueryForm
from ..store import DiskStore, EmbeddedStore
from . import results_view
from .page_render import (
    READ,
    error_page,
    int_param,
    kg_of,
    lang_of,
    pager,
    render_page,
    settings_of,
)
from .page_text import word

router = APIRouter(include_in_schema=False)


@router.api_route("/queries", methods=READ, response_class=HTMLResponse)
def queries_page(request: Request) -> HTMLResponse:
    """The catalogue: titles, descriptions and tags, a page at a time."""
    kg, lang = kg_of(request), lang_of(request)
    names = kg.catalogue.names()
    tag = request.query_params.get("tag")
    try:
        listed = [q for q in (kg.catalogue.get(n) for n in names) if not tag or tag in q.tags]
    except UmkmError as exc:
        return error_page(request, exc)
    paging = results_view.Paging.of(request.query_params.get("page"), 50, len(listed))
    return render_page(
        request,
        "queries.html",
        title=word("queries", lang),
        queries=listed[paging.start : paging.start + paging.size],
        tag=tag,
        pager=pager(request, paging),
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
            offset = _menu_offset(raw, p.name, search)
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
                offset=offset,
                more=len(choices) == MENU_PAGE,
            )
        out.append(field)
    return out


def _menu_offset(raw: dict[str, str], name: str, search: str | None) -> int:
    """Where the menu of parameter ``name`` starts: its ``_offset_`` field, one page further
    when its "more values" button was pressed, and 0 when its search text changed."""
    offset = int_param(raw.get(f"_offset_{name}"), 0)
    shown = raw.get(f"_shown_{name}")
    if shown is not None and shown != (search or ""):
        return 0  # a new search: its first page
    if raw.get("_more") == name:
        offset += MENU_PAGE
    return offset


MENU_PAGE = 50
"""Values a menu of graph values lists at once."""
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
    version = _menu_version(kg)
    if version is None:
        return kg.choices(p, search=search, limit=MENU_PAGE, offset=offset, timeout=MENU_WAIT)
    entry, new = _menu_entry(app_state, (version, query, p.name, search, offset))
    if new:
        threading.Thread(
            target=entry.fill, args=(kg, p, search, offset, timeout), daemon=True
        ).start()
    return entry.wait(MENU_WAIT)


def warm_menus(app_state: Any, kg: KnowledgeGraph, timeout: float | None) -> int:
    """Make the first page of every saved query's menus of graph values for the current data
    version, one after another in this thread (the server's warmer); returns how many."""
    version = _menu_version(kg)
    if version is None:
        return 0
    made = 0
    for saved in kg.catalogue:
        for p in saved.parameters:
            if p.values_from_graph is None:
                continue
            entry, new = _menu_entry(app_state, (version, saved.name, p.name, None, 0))
            if new:
                entry.fill(kg, p, None, 0, timeout)
                made += 1
    return made


def _menu_version(kg: KnowledgeGraph) -> str | None:
    """The data version menus are kept for; None where they are not kept (a remote store)."""
    store = kg.store
    if isinstance(store, DiskStore):
        return store.version
    # the bundled graph in memory does not change; a remote store may at any time
    return "memory" if isinstance(store, EmbeddedStore) else None


def _menu_entry(app_state: Any, key: tuple[object, ...]) -> tuple[_Menu, bool]:
    """The app's menu for ``key``, and whether it was just made (then the caller fills it)."""
    with _MENUS_LOCK:
        cache: OrderedDict[tuple[object, ...], Any] | None = getattr(app_state, "page_menus", None)
        if cache is None:
            cache = app_state.page_menus = OrderedDict()
        entry = cache.get(key)
        if entry is not None:
            return entry, False
        entry = cache[key] = _Menu()
        while len(cache) > MENU_CACHE:
            cache.popitem(last=False)
        return entry, True


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
            self.values = kg.choices(
                p, search=search, limit=MENU_PAGE, offset=offset, timeout=timeout
            )
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


@router.api_route("/queries/{name}", methods=READ, response_class=HTMLResponse)
def query_page(request: Request, name: str) -> Response:
    """One saved query: its form, and, once run, its result as a table, chart and downloads."""
    kg, lang, settings = kg_of(request), lang_of(request), settings_of(request)
    try:
        saved = kg.catalogue.get(name)
    except UmkmError as exc:
        return error_page(request, exc)
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
            return render_page(request, "query.html", title=saved.title.get(lang), **context)
        result = kg.run(saved, params, max_rows=settings.max_rows)
    except UmkmError as exc:
        return render_page(
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
    return render_page(request, "query.html", title=saved.title.get(lang), **context)


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
        out["pager"] = pager(request, paging)
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


def _editor(
    request: Request, lang: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    """The editor page; its CSP admits CodeMirror's style element by a nonce."""
    title = word("editor", lang)
    return render_page(
        request, "editor.html", status=status, title=title, style_nonce=True, **context
    )


@router.api_route("/editor", methods=READ, response_class=HTMLResponse)
def editor_page(request: Request) -> HTMLResponse:
    """Ad-hoc SPARQL with the project's prefixes declared; the answer as a table or a chart."""
    kg, lang, settings = kg_of(request), lang_of(request), settings_of(request)
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
        return _editor(request, lang, context)
    try:
        if len(text) > 100_000:
            raise BadInput("the query is longer than 100,000 characters")
        # The prefixes on the query's first line, so that a message's line numbers are the
        # user's own (only columns of the first line move).
        prefixed = with_prefixes("").replace("\n", " ") + text
        result = kg.query(prefixed, max_rows=settings.max_rows)
    except UmkmError as exc:
        context["error"] = {"message": exc.message, "hint": exc.hint}
        return _editor(request, lang, context, status=exc.http_status)
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
            chart = results_view.chart_data(
                kg, result, Chart(ChartKind(view), category, value), lang
            )
            context["charts"] = [chart] if chart else []
    context["view"] = view
    return _editor(request, lang, context)
