"""The parser of one saved-query file: its ``#+`` YAML header and SPARQL text, checked into a
:class:`~umkm_kg.query.catalogue.SavedQuery` (the header format is described in
:mod:`umkm_kg.query.catalogue`).

Every mistake is reported with the file and the line of the header key it concerns.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import BadInput, BadParameter, ForbiddenQuery, QueryFileError
from ..i18n import Text
from .catalogue import Chart, ChartKind, Parameter, ParamType, SavedQuery, with_prefixes
from .sparql import CheckedQuery, inspect_query, line_col, where_brace

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def load_query_file(path: Path) -> SavedQuery:
    """Parse one saved query file.

    :raises QueryFileError: the header or the query is malformed (file and line in the message).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(f"{path}: cannot be read: {exc}") from exc
    return _QueryFile(path, text).parse()


_TOP_KEYS = ("title", "description", "tags", "parameters", "chart")
_CHART_KEYS = ("type", "category", "value")
_PARAMETER_KEYS = (
    "type",
    "description",
    "default",
    "values",
    "values_from_graph",
    "required",
    "example",
    "lang",
)


class _QueryFile:
    """The parsing of one file, which knows the file line of each header line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.header: list[str] = []
        self.lines: list[int] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith("#+"):
                body = line[2:]
                self.header.append(body[1:] if body.startswith(" ") else body)
                self.lines.append(number)
            elif line.strip() and not line.startswith("#"):
                break

    def fail(self, message: str, *path: str, line: int | None = None) -> QueryFileError:
        line = line or self.line_of(*path)
        return QueryFileError(f"{self.path}:{line}: {message}")

    def line_of(self, *path: str) -> int:
        """The file line of a (nested) header key, or of the header's first line."""
        start = 0
        for key in path:
            pattern = re.compile(rf"^\s*(?:- )?{re.escape(key)}\s*:")
            for index in range(start, len(self.header)):
                if pattern.match(self.header[index]):
                    start = index
                    break
        return self.lines[start] if self.lines else 1

    def parse(self) -> SavedQuery:
        name = self.path.stem
        if not _NAME.match(name):
            raise self.fail(f"query name {name!r} is not kebab-case (like exporters-by-country)")
        if not self.header:
            raise self.fail("no metadata header (#+ title: ...) at the top", line=1)
        try:
            meta = yaml.safe_load("\n".join(self.header))
        except yaml.MarkedYAMLError as exc:
            lines = [
                self.lines[min(mark.line, len(self.lines) - 1)]
                for mark in (exc.problem_mark, exc.context_mark)
                if mark is not None
            ] or [self.lines[0]]
            opened = f" ({exc.context} on line {lines[-1]})" if exc.context and lines[1:] else ""
            raise self.fail(
                f"the #+ header is not valid YAML: {exc.problem or exc}{opened}", line=lines[0]
            ) from None
        except yaml.YAMLError as exc:
            raise self.fail(f"the #+ header is not valid YAML: {exc}") from None
        if not isinstance(meta, dict):
            raise self.fail("the #+ header must be a mapping of keys (title, description, ...)")
        self._check_keys(meta, _TOP_KEYS)
        try:
            checked = inspect_query(self.text, source=str(self.path))
        except (BadInput, ForbiddenQuery) as exc:
            raise QueryFileError(exc.message, hint=exc.hint) from None
        parameters = tuple(
            self._parameter(str(key), spec, checked)
            for key, spec in self._mapping(meta.get("parameters") or {}, "parameters").items()
        )
        tags = meta.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise self.fail("tags must be a list of words", "tags")
        query = SavedQuery(
            name=name,
            title=self._text(meta.get("title"), "title"),
            description=self._text(meta.get("description"), "description"),
            tags=tuple(tags),
            parameters=parameters,
            form=checked.form,
            text=self.text,
            path=self.path,
            variables=checked.variables,
            charts=self._charts(meta.get("chart"), checked),
        )
        self._check_binding(query)
        return query

    def _check_keys(self, meta: Mapping[Any, Any], allowed: Sequence[str], *path: str) -> None:
        for key in meta:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                extra = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(f"unknown header key {key!r}{extra}", *path, str(key))

    def _mapping(self, value: object, *path: str) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{path[-1]} must be a mapping", *path)
        return value

    def _text(self, value: object, *path: str) -> Text:
        if isinstance(value, dict) and all(
            isinstance(value.get(k), str) and value[k].strip() for k in ("id", "en")
        ):
            self._check_keys(value, ("id", "en"), *path)
            return Text(id=value["id"].strip(), en=value["en"].strip())
        raise self.fail(f"{path[-1]} needs an 'id' and an 'en' text", *path)

    def _charts(self, value: object, checked: CheckedQuery) -> tuple[Chart, ...]:
        """``chart:`` is one mapping or a list of them, each naming two projected variables."""
        if value is None:
            return ()
        specs = value if isinstance(value, list) else [value]
        charts = []
        for spec in specs:
            spec = self._mapping(spec, "chart")
            self._check_keys(spec, _CHART_KEYS, "chart")
            try:
                kind = ChartKind(str(spec.get("type")))
            except ValueError:
                kinds = ", ".join(k.value for k in ChartKind)
                raise self.fail(f"chart: type must be one of {kinds}", "chart", "type") from None
            names = []
            for key in ("category", "value"):
                name = spec.get(key)
                if not isinstance(name, str) or name not in checked.variables:
                    listed = ", ".join(checked.variables) or "none (not a SELECT)"
                    raise self.fail(
                        f"chart: {key} must be one of the query's variables ({listed})",
                        "chart",
                        key,
                    )
                names.append(name)
            charts.append(Chart(kind, names[0], names[1]))
        return tuple(charts)

    def _parameter(self, name: str, spec: object, checked: CheckedQuery) -> Parameter:
        where = ("parameters", name)
        if not _VARIABLE.match(name):
            raise self.fail(f"parameter name {name!r} is not a SPARQL variable name", *where)
        if name not in checked.mentioned:
            raise self.fail(f"parameter {name} binds ?{name}, which the query never uses", *where)
        spec = self._mapping(spec, *where)
        self._check_keys(spec, _PARAMETER_KEYS, *where)
        try:
            kind = ParamType(str(spec.get("type")))
        except ValueError:
            types = ", ".join(t.value for t in ParamType)
            raise self.fail(
                f"parameter {name}: type must be one of {types}", *where, "type"
            ) from None
        allowed = spec.get("values") or []
        if not isinstance(allowed, list):
            raise self.fail(f"parameter {name}: values must be a list", *where, "values")
        if kind is ParamType.ENUM and not allowed:
            raise self.fail(f"parameter {name}: an enum needs a list of values", *where)
        source = spec.get("values_from_graph")
        if source is not None:
            try:
                if inspect_query(with_prefixes(str(source))).variables[:1] != ("value",):
                    raise BadInput("it must be a SELECT whose first column is ?value")
            except (BadInput, ForbiddenQuery) as exc:
                raise self.fail(
                    f"parameter {name}: values_from_graph: {exc.message}",
                    *where,
                    "values_from_graph",
                ) from None
        default = spec.get("default")
        parameter = Parameter(
            name=name,
            type=kind,
            description=self._text(spec.get("description"), *where, "description"),
            default=None if default is None else _yaml_text(default),
            allowed=tuple(_yaml_text(v) for v in allowed),
            values_from_graph=None if source is None else str(source),
            required=bool(spec.get("required", default is None)),
            example=_yaml_text(spec.get("example", default if default is not None else "")),
            lang=spec.get("lang"),
        )
        if not parameter.example and parameter.allowed:
            parameter = replace(parameter, example=parameter.allowed[0])
        checks = [("values", v) for v in parameter.allowed]
        if parameter.default is not None:
            checks.append(("default", parameter.default))
        for key, value in checks:
            try:
                parameter.convert(value)
            except BadParameter as exc:
                raise self.fail(f"bad {key}: {exc.message}", *where, key) from None
        return parameter

    def _check_binding(self, query: SavedQuery) -> None:
        """Bind every parameter once with its example, so a query that cannot take values fails
        when the catalogue is read rather than when a user runs it."""
        if not query.parameters:
            return
        try:
            query.sparql({p.name: p.convert(p.example or p.type.example) for p in query.parameters})
        except BadParameter as exc:
            raise self.fail(f"bad example: {exc.message}", "parameters") from None
        except (BadInput, ForbiddenQuery):
            try:
                line = line_col(self.text, where_brace(self.text))[0]
            except BadInput:
                line = None
            raise self.fail(
                "parameters need a WHERE group that can start with a VALUES block (the short "
                "form CONSTRUCT WHERE { ... } cannot: write CONSTRUCT { ... } WHERE { ... })",
                line=line,
            ) from None


def _yaml_text(value: object) -> str:
    """A YAML scalar as the text a user would type (YAML reads ``true`` and ``2015`` as values)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
