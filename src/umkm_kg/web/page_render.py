"""What every page shares: the language, the template environment, the page and error
responses with their headers, and pagers."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from ..errors import UmkmError
from ..kg import KnowledgeGraph
from ..publish.site import html
from . import results_view
from .page_text import LANG_COOKIE, choose_lang, word

READ = ["GET", "HEAD"]
"""The methods of every page (HEAD too: link checkers and crawlers ask resources with it)."""
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
"""No inline script or style, no eval: every script is a file (Vega runs its interpreter)."""


def csp_with_style_nonce(nonce: str) -> str:
    """:data:`CSP` that also admits ``<style nonce>`` elements: CodeMirror writes its layout
    styles into one (``EditorView.cspNonce``); scripts stay files only."""
    return CSP.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")


_ENV = Environment(
    loader=PackageLoader("umkm_kg.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals.update(facts=html.facts, term=html.term)


def kg_of(request: Request) -> KnowledgeGraph:
    """The graph the app serves."""
    kg = request.app.state.kg
    assert isinstance(kg, KnowledgeGraph)
    return kg


def settings_of(request: Request) -> Any:
    """The app's :class:`~umkm_kg.web.settings.WebSettings`."""
    return request.app.state.settings


def lang_of(request: Request) -> str:
    """The page's language (:func:`.page_text.choose_lang`)."""
    default = getattr(settings_of(request), "lang", "en")
    return choose_lang(
        request.query_params.get("lang"),
        request.cookies,
        request.headers.get("accept-language"),
        default,
    )


def switch_url(request: Request, lang: str) -> str:
    """This page's URL in the other language."""
    other = "en" if lang == "id" else "id"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + "?" + urlencode([*params, ("lang", other)])


def render_page(
    request: Request,
    template: str,
    *,
    status: int = 200,
    title: str = "",
    style_nonce: bool = False,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered in the request's language, with the pages' headers; with
    ``style_nonce`` a fresh nonce for its style elements, ``csp_nonce`` in the template."""
    lang = lang_of(request)
    nonce = secrets.token_urlsafe(18) if style_nonce else ""
    body = _ENV.get_template(template).render(
        csp_nonce=nonce,
        lang=lang,
        t=lambda key: word(key, lang),
        title=title,
        switch_url=switch_url(request, lang),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(body, status_code=status)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Content-Security-Policy"] = csp_with_style_nonce(nonce) if nonce else CSP
    asked = request.query_params.get("lang")
    if asked == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def error_page(request: Request, exc: UmkmError, **context: Any) -> HTMLResponse:
    return render_page(
        request,
        "error.html",
        status=exc.http_status,
        title=word("error", lang_of(request)),
        message=exc.message,
        hint=exc.hint,
        **context,
    )


def pager(request: Request, paging: results_view.Paging, key: str = "page") -> dict[str, Any]:
    """Links to the previous and next pages, keeping the other parameters."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != key]

    def url(number: int) -> str:
        return request.url.path + "?" + urlencode([*params, (key, str(number))])

    return {
        "page": paging.page,
        "pages": paging.pages,
        "previous": url(paging.page - 1) if paging.page > 1 else "",
        "next": url(paging.page + 1) if paging.page < paging.pages else "",
    }


def int_param(raw: str | None, default: int) -> int:
    """A whole-number query parameter, ``default`` when it is missing or not one."""
    try:
        return max(0, int(raw or default))
    except ValueError:
        return default
