"""Query results as HTTP responses: the negotiated format, and a cut result flagged as cut."""

from __future__ import annotations

import json

from fastapi.responses import Response

from ..formats import ResultFormat
from ..query.render import render, results_document
from ..query.results import QueryResult
from .negotiation import Format, content_type

TRUNCATED_HEADER = "X-UMKM-Truncated"
"""``true`` on an answer cut by the row cap (the JSON answers also carry ``"truncated"``)."""
NOTE_HEADER = "X-UMKM-Note"


def result_response(result: QueryResult, fmt: Format, *, cors: bool = False) -> Response:
    """``result`` written as ``fmt``; a cut result says so in a header and, in SPARQL JSON, in a
    top-level ``truncated`` member (which the format allows: readers ignore unknown members)."""
    if fmt is ResultFormat.JSON:
        document = results_document(result)
        if result.truncated:
            document["truncated"] = True
            document["note"] = result.note
        # Compact: with an indent, json.dumps runs its pure-Python encoder, ~10x slower.
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    else:
        body = render(result, fmt)
    headers = {"Vary": "Accept"}
    headers.update(truncation_headers(result))
    if cors:
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Expose-Headers"] = f"{TRUNCATED_HEADER}, {NOTE_HEADER}"
    return Response(body.encode("utf-8"), media_type=content_type(fmt), headers=headers)


def truncation_headers(result: QueryResult) -> dict[str, str]:
    """The headers that flag a cut result (none for a complete one)."""
    if not result.truncated:
        return {}
    note = (result.note or "the result was cut").encode("ascii", "replace").decode("ascii")
    return {TRUNCATED_HEADER: "true", NOTE_HEADER: note}
