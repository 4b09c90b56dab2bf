"""Answers kept per data version: a repeated query on unchanged data is read, not run again.

A generation of the disk store never changes, so an answer computed on it stays right for as
long as it is current; the key is the generation's name with the query text, its form and the
row cap. Answers live in ``DATA/cache/<generation>/<sha256>.json`` (SPARQL-JSON-like terms, or
N-Triples for graph results), written atomically; the folders of other generations are removed
when a new one is first used. Nothing here is trusted beyond its checksum of the key: a file
that does not read back is ignored and recomputed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ..query.results import QueryForm, QueryResult, Term, plain_literal, term_from_oxigraph

MAX_ENTRY_BYTES = 8 * 1024 * 1024
"""Larger answers are not kept (they are cheap to recompute relative to their size)."""
_FORMAT = 1


class ResultCache:
    """Query answers of one data folder, keyed on the data version."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def key(self, version: str, sparql: str, form: QueryForm, max_rows: int | None) -> str:
        text = json.dumps([_FORMAT, version, form.value, max_rows, sparql])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(
        self, version: str, sparql: str, form: QueryForm, max_rows: int | None
    ) -> QueryResult | None:
        """The kept answer, or None."""
        key = self.key(version, sparql, form, max_rows)
        try:
            data = json.loads((self.folder / version / f"{key}.json").read_text(encoding="utf-8"))
            if data.get("key") != key:
                return None
            return decode_result(data)
        except (OSError, ValueError, KeyError, TypeError, SyntaxError):
            return None

    def put(
        self, version: str, sparql: str, form: QueryForm, max_rows: int | None, result: QueryResult
    ) -> None:
        """Keep ``result`` (silently not, where the folder cannot be written)."""
        key = self.key(version, sparql, form, max_rows)
        text = json.dumps({"key": key, **encode_result(result)}, ensure_ascii=False)
        if len(text) > MAX_ENTRY_BYTES:
            return
        with contextlib.suppress(OSError):
            folder = self.version_folder(version)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temporary, folder / f"{key}.json")
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

    def version_folder(self, version: str) -> Path:
        """The folder of ``version``'s kept files, made (and the other versions' removed) on
        first use.

        :raises OSError: it cannot be made.
        """
        folder = self.folder / version
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            self._forget_others(version)
        return folder

    def _forget_others(self, version: str) -> None:
        for other in self.folder.iterdir():
            if other.is_dir() and other.name != version:
                shutil.rmtree(other, ignore_errors=True)


def _term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    found = {"type": "literal", "value": str(term)}
    if term.language:
        found["lang"] = term.language
    elif term.datatype is not None:
        found["datatype"] = str(term.datatype)
    return found


def _from(found: dict[str, str]) -> Term:
    kind, value = found["type"], found["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind != "literal":
        raise ValueError(kind)
    return plain_literal(value, found.get("lang"), found.get("datatype"))


def encode_result(result: QueryResult) -> dict[str, Any]:
    """``result`` as JSON-ready data (terms as in SPARQL JSON results; graphs as N-Triples)."""
    encoded: dict[str, Any] = {
        "form": result.form.value,
        "truncated": result.truncated,
        "note": result.note,
    }
    if result.boolean is not None:
        encoded["boolean"] = result.boolean
    if result.graph is not None:
        encoded["ntriples"] = result.graph.serialize(format="nt")
    else:
        encoded["variables"] = list(result.variables)
        encoded["rows"] = [{k: _term(v) for k, v in row.items()} for row in result.rows]
    return encoded


def decode_result(data: dict[str, Any]) -> QueryResult:
    """The :class:`QueryResult` :func:`encode_result` made ``data`` of.

    :raises ValueError, KeyError, TypeError, SyntaxError: ``data`` is not such an encoding.
    """
    form = QueryForm(data["form"])
    result = QueryResult(form=form, truncated=bool(data["truncated"]), note=data.get("note"))
    if "boolean" in data:
        result.boolean = bool(data["boolean"])
    if "ntriples" in data:
        graph = Graph(bind_namespaces="none")
        for quad in ox.parse(data["ntriples"].encode("utf-8"), ox.RdfFormat.N_TRIPLES):
            graph.add(
                (
                    term_from_oxigraph(quad.subject),
                    term_from_oxigraph(quad.predicate),
                    term_from_oxigraph(quad.object),
                )  # type: ignore[arg-type]
            )
        result.graph = graph
    elif form is not QueryForm.ASK:
        result.variables = tuple(data["variables"])
        result.rows = [{k: _from(v) for k, v in row.items()} for row in data["rows"]]
    return result
