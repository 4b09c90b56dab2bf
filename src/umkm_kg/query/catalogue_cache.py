"""A per-user cache of checked saved queries, so that a command does not re-parse every file.

Parsing and checking one ``.rq`` file with rdflib's SPARQL parser takes tens of milliseconds;
the catalogue has a score of them and every command starts a fresh process. A file's checked
record is kept in a JSON file in the user cache directory (``$UMKM_KG_CACHE``, else the
platform's, e.g. ``~/.cache/umkm-kg``), keyed on the file's path, size, ``mtime_ns`` and SHA-256,
and on the package version and the code that checks queries. Anything unexpected (no cache
directory, an unwritable one, a damaged or foreign file) makes the cache a miss, never an error.

The cache only saves work: a query still passes :mod:`umkm_kg.query.sparql`'s read-only check each
time it is run (see :meth:`umkm_kg.query.catalogue.SavedQuery.sparql`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..i18n import Text
from .catalogue import Chart, ChartKind, Parameter, ParamType, SavedQuery
from .results import QueryForm

CACHE_ENV = "UMKM_KG_CACHE"
"""A folder for the cache instead of the platform's user cache directory."""
FORMAT = 1
"""Bumped when the layout of a cached record changes."""

_CHECKER = (
    "query/catalogue.py",
    "query/queryfile.py",
    "query/sparql.py",
    "namespaces.py",
    "query/catalogue_cache.py",
)
"""The modules whose code decides what a checked record holds."""


def cache_dir() -> Path:
    """``$UMKM_KG_CACHE`` or the platform's per-user cache directory for umkm-kg."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("umkm-kg", appauthor=False)


class QueryCache:
    """The checked records of one folder of saved queries, read from and written to one file."""

    def __init__(self, folder: Path, directory: Path | None = None) -> None:
        self.folder = folder
        name = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()[:16]
        self.file = (directory or cache_dir()) / f"queries-{name}.json"
        self._stamp = _stamp()
        self._entries: dict[str, Any] | None = None

    def load(self, path: Path, parse: Callable[[Path], SavedQuery]) -> SavedQuery:
        """The record of ``path``: from the cache if the file is unchanged, else ``parse(path)``.

        :raises QueryFileError: from ``parse`` (a malformed file is never cached).
        """
        entries = self._read()
        key = str(path)
        try:
            stat = path.stat()
            data = path.read_bytes()
        except OSError:
            return parse(path)  # parse reports the file that cannot be read
        sha = hashlib.sha256(data).hexdigest()
        entry = entries.get(key)
        if (
            isinstance(entry, dict)
            and entry.get("size") == stat.st_size
            and entry.get("mtime_ns") == stat.st_mtime_ns
            and entry.get("sha256") == sha
        ):
            try:
                return _from_json(entry["query"])
            except (KeyError, TypeError, ValueError):
                pass  # a damaged entry: parse again and overwrite it
        saved = parse(path)
        entries[key] = {
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "sha256": sha,
            "query": _to_json(saved),
        }
        self._write(entries)
        return saved

    def _read(self) -> dict[str, Any]:
        if self._entries is None:
            self._entries = {}
            try:
                content = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return self._entries
            if isinstance(content, dict) and content.get("stamp") == self._stamp:
                entries = content.get("entries")
                if isinstance(entries, dict):
                    self._entries = entries
        return self._entries

    def _write(self, entries: dict[str, Any]) -> None:
        """Replace the cache file atomically; give up quietly if it cannot be written."""
        text = json.dumps({"stamp": self._stamp, "entries": entries}, ensure_ascii=False)
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.file.parent, prefix=".queries-")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(temporary, self.file)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            pass


def _stamp() -> str:
    """What must be equal for a cached record to be trusted: format, version and checker code."""
    from .. import __version__

    digest = hashlib.sha256(f"{FORMAT}\n{__version__}\n".encode())
    here = Path(__file__).parent.parent
    for module in _CHECKER:
        try:
            digest.update((here / module).read_bytes())
        except OSError:  # pragma: no cover - a module without its source (zipped install)
            digest.update(module.encode("utf-8"))
    return digest.hexdigest()


def _text(value: Text) -> dict[str, str]:
    return {"id": value.id, "en": value.en}


def _to_json(saved: SavedQuery) -> dict[str, Any]:
    return {
        "name": saved.name,
        "title": _text(saved.title),
        "description": _text(saved.description),
        "tags": list(saved.tags),
        "parameters": [
            {
                "name": p.name,
                "type": p.type.value,
                "description": _text(p.description),
                "default": p.default,
                "allowed": list(p.allowed),
                "values_from_graph": p.values_from_graph,
                "required": p.required,
                "example": p.example,
                "lang": p.lang,
            }
            for p in saved.parameters
        ],
        "form": saved.form.value,
        "text": saved.text,
        "path": None if saved.path is None else str(saved.path),
        "variables": list(saved.variables),
        "charts": [[c.kind.value, c.category, c.value] for c in saved.charts],
    }


def _from_json(data: dict[str, Any]) -> SavedQuery:
    """:raises KeyError, TypeError, ValueError: not a record written by :func:`_to_json`."""
    parameters = tuple(
        Parameter(
            name=str(p["name"]),
            type=ParamType(p["type"]),
            description=Text(**p["description"]),
            default=p["default"],
            allowed=tuple(p["allowed"]),
            values_from_graph=p["values_from_graph"],
            required=bool(p["required"]),
            example=str(p["example"]),
            lang=p["lang"],
        )
        for p in data["parameters"]
    )
    return SavedQuery(
        name=str(data["name"]),
        title=Text(**data["title"]),
        description=Text(**data["description"]),
        tags=tuple(data["tags"]),
        parameters=parameters,
        form=QueryForm(data["form"]),
        text=str(data["text"]),
        path=None if data["path"] is None else Path(data["path"]),
        variables=tuple(data["variables"]),
        charts=tuple(Chart(ChartKind(k), str(c), str(v)) for k, c, v in data["charts"]),
    )
