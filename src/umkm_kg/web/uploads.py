"""Records sent over HTTP, as the files the library reads: a body, or the files of a form.

The library's record readers take file names (``umkm-kg validate FILE...``); a request's
records are written to a private temporary folder first, under a safe name that keeps the
extension the format is told by, and the folder is removed afterwards.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from ..records.rdfinput import RecordFormat
from .problems import HttpProblem

MEDIA_TYPES: dict[str, RecordFormat] = {
    "text/turtle": RecordFormat.TURTLE,
    "application/x-turtle": RecordFormat.TURTLE,
    "application/n-triples": RecordFormat.NTRIPLES,
    "application/n-quads": RecordFormat.NQUADS,
    "application/ld+json": RecordFormat.JSONLD,
    "application/rdf+xml": RecordFormat.RDFXML,
    "text/csv": RecordFormat.CSV,
}
"""Request media types of records, and the format each is read as."""
MAX_FILES = 20
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
TEMP_PREFIX = "umkm-kg-http-"


@dataclass(frozen=True)
class Upload:
    """One input: its bytes, a display name and, if the request said it, its format."""

    name: str
    data: bytes
    format: RecordFormat | None


async def read_uploads(request: Request) -> list[Upload]:
    """The records of a request: its body (``Content-Type`` names the format), or the ``file``
    fields of a ``multipart/form-data`` form (each by its file name's extension).

    :raises HttpProblem: 415 for another media type, 400 for an empty request.
    """
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    uploads: list[Upload] = []
    if media == "multipart/form-data":
        form = await request.form(max_files=MAX_FILES)
        for value in form.getlist("file"):
            if isinstance(value, UploadFile):
                name = value.filename or "records"
                part = (value.content_type or "").split(";", 1)[0].strip().lower()
                uploads.append(Upload(name, await value.read(), MEDIA_TYPES.get(part)))
    elif media in MEDIA_TYPES:
        fmt = MEDIA_TYPES[media]
        uploads.append(Upload(f"request.{fmt.value}", await request.body(), fmt))
    else:
        listed = ", ".join(MEDIA_TYPES)
        raise HttpProblem(
            415,
            f"records must be sent as one of {listed}, or as files of a multipart/form-data "
            f"form (field 'file'), not {media or 'no Content-Type'}",
            hint="for example: curl -H 'Content-Type: text/csv' --data-binary @records.csv",
        )
    if not uploads or all(not u.data.strip() for u in uploads):
        raise HttpProblem(400, "the request holds no records", code="bad-input")
    return uploads


@contextlib.contextmanager
def as_files(uploads: list[Upload]) -> Iterator[list[str]]:
    """Write ``uploads`` into a new private folder; yield their paths; remove the folder."""
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    try:
        paths = []
        for index, upload in enumerate(uploads):
            stem = _SAFE_NAME.sub("_", Path(upload.name).name).strip("._") or "records"
            if upload.format is not None and not stem.lower().endswith(f".{upload.format.value}"):
                stem = f"{stem}.{upload.format.value}"
            path = folder / f"{index:02d}-{stem}"
            path.write_bytes(upload.data)
            paths.append(str(path))
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def shown_name(path: str) -> str:
    """The name a client sent for a file written by :func:`as_files`."""
    name = Path(path).name
    return name.split("-", 1)[1] if re.match(r"^\d{2}-", name) else name
