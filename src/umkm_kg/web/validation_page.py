"""Record validation from the web: upload or paste records, read the report by record, and
add them only with the server's write token (and the form's CSRF token)."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..errors import BadInput, UmkmError
from ..kg import KnowledgeGraph
from .page_render import READ, kg_of, lang_of, render_page, settings_of
from .page_text import word
from .uploads import Upload, as_files, shown_name

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 8 * 1024 * 1024
"""Bytes of records the validation page accepts (pasted or uploaded)."""


def _validate_context(request: Request) -> dict[str, Any]:
    from .csrf import form_token

    return {
        "writable": bool(getattr(settings_of(request), "write_token", None)),
        "csrf": form_token(request),
    }


@router.api_route("/validate", methods=READ, response_class=HTMLResponse)
def validate_page(request: Request) -> HTMLResponse:
    """The form to upload or paste records."""
    return render_page(
        request,
        "validate.html",
        title=word("validate", lang_of(request)),
        **_validate_context(request),
    )


_EXTENSIONS = {"csv": "csv", "ttl": "ttl", "turtle": "ttl", "jsonld": "jsonld", "json": "jsonld"}


@router.post("/validate", response_class=HTMLResponse)
async def validate_post(request: Request) -> Response:
    """Check the records sent and show the report by record; add them if asked and allowed."""
    from .csrf import require_csrf

    lang = lang_of(request)
    context = _validate_context(request)
    title = word("validate", lang)
    try:
        await require_csrf(request)
        form = await request.form(max_part_size=MAX_UPLOAD)
        upload = form.get("file")
        pasted = form.get("text")
        fmt = str(form.get("format") or "")
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
        kg = kg_of(request)
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
        return render_page(
            request,
            "validate.html",
            status=exc.http_status,
            title=title,
            error={"message": exc.message, "hint": exc.hint},
            **context,
        )
    return render_page(
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

    expected = getattr(settings_of(request), "write_token", None)
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
