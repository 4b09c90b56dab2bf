"""The HTML pages of ``umkm-kg serve``: home, search and the pages' own files here; the saved
queries and the editor (:mod:`.query_pages`), resources at their own paths
(:mod:`.resource_pages`) and record validation (:mod:`.validation_page`), in Indonesian or
English.

Handlers only read the request, call the core library (:class:`~umkm_kg.kg.KnowledgeGraph`,
the catalogue, :func:`~umkm_kg.validation.files.validate_files`,
:func:`~umkm_kg.records.add.add_records`) and render a template; a library error becomes the
page's message with the error's HTTP status, never a traceback.
"""

from __future__ import annotations

import threading
from importlib import resources as package_files
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import UmkmError
from ..publish import dataset
from ..query.search import search
from . import api_docs_pages, home, query_pages, resource_pages, results_view, validation_page
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
router.include_router(api_docs_pages.router)
router.include_router(query_pages.router)
router.include_router(resource_pages.router)
router.include_router(validation_page.router)

_STATIC = package_files.files("umkm_kg.web") / "static"
_SITE_STATIC = package_files.files("umkm_kg.publish.site") / "static"
_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
HOME_WAIT = 3.0
"""Seconds the home page waits for its figures before showing those not ready as pending."""
_HOME_LOCK = threading.Lock()


# --- static files -----------------------------------------------------------------------------


@router.api_route("/static/{path:path}", methods=READ)
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


# --- home and search ---------------------------------------------------------------------------


@router.api_route("/", methods=READ, response_class=HTMLResponse)
def home_page(request: Request) -> HTMLResponse:
    """What the dataset is, its licence and size, a search box and the charts."""
    kg, lang, settings = kg_of(request), lang_of(request), settings_of(request)
    with _HOME_LOCK:
        figures = getattr(request.app.state, "home_figures", None)
        if figures is None:
            figures = request.app.state.home_figures = home.HomeFigures()
    timeout = getattr(settings, "max_timeout", None)
    found = figures.get(kg, wait=HOME_WAIT, timeout=timeout)
    try:
        charts = home.charts(kg, found, lang)
    except UmkmError as exc:
        return error_page(request, exc)
    summary = found["summary"] if isinstance(found["summary"], dict) else None
    return render_page(
        request,
        "home.html",
        title=dataset.TITLE[lang],
        description=dataset.DESCRIPTION[lang],
        rights=dataset.RIGHTS[lang],
        licence=str(dataset.CC_BY),
        summary=summary,
        charts=charts,
    )


@router.api_route("/search", methods=READ, response_class=HTMLResponse)
def search_page(request: Request, q: str = "") -> HTMLResponse:
    """Resources whose labels (in either language) have the words searched for, a page at a
    time (:func:`~umkm_kg.query.search.search`)."""
    kg, lang = kg_of(request), lang_of(request)
    text = q.strip()[:200]
    found: dict[str, Any] | None = None
    links = None
    if text:
        size = results_view.PAGE_ROWS
        asked = max(1, int_param(request.query_params.get("page"), 1))
        try:
            result = search(kg, text, limit=size, offset=(asked - 1) * size, lang=lang, wait=False)
            if not result.matches and result.total:  # past the last page: show the last
                asked = -(-result.total // size)
                result = search(
                    kg, text, limit=size, offset=(asked - 1) * size, lang=lang, wait=False
                )
        except UmkmError as exc:
            return error_page(request, exc, q=text)
        # The remote fallback does not count its matches: the pages known so far, and one more.
        total = result.total if result.total is not None else result.offset + len(result.matches)
        total += 1 if result.total is None and result.more else 0
        paging = results_view.Paging(asked, size, max(total, result.offset + 1))
        page = result.as_result()
        found = results_view.table(kg, page, lang, results_view.Paging(1, size, len(page.rows)))
        found["truncated"] = None
        found["total"] = result.total if result.total is not None else len(result.matches)
        found["method"] = result.describe(lang)
        links = pager(request, paging)
    return render_page(
        request, "search.html", title=word("search", lang), q=text, found=found, pager=links
    )


@router.api_route("/index.html", methods=READ)
def index_html() -> RedirectResponse:
    return RedirectResponse("/", status_code=301)
