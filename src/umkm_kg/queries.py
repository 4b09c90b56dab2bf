"""The saved-query catalogue (``queries/*.rq``) and the typed, validated binding of parameters.

Each file is one SPARQL query under a metadata header of ``#+`` comment lines, read as YAML
(grlc's convention, extended with typed parameters)::

    #+ title:
    #+   id: Eksportir ke suatu negara
    #+   en: Exporters to a country
    #+ description:
    #+   id: Usaha yang produknya diekspor ke negara yang dipilih.
    #+   en: Enterprises whose products are exported to the chosen country.
    #+ tags: [export, country]
    #+ parameters:
    #+   country:
    #+     type: iri
    #+     description: {id: Negara tujuan, en: Destination country}
    #+     default: kg:country-my
    #+     values_from_graph: |
    #+       SELECT ?value ?label WHERE { ?value a schema:Country ; rdfs:label ?label }

A parameter ``country`` binds the variable ``?country``. Types: ``iri``, ``string``,
``langstring``, ``integer``, ``decimal``, ``date``, ``boolean``, ``enum``. Allowed values are a
fixed list (``values``) or the ``?value`` column of a SELECT over the graph
(``values_from_graph``; the project's prefixes are predeclared). A parameter without a default
is required unless ``required: false``, in which case leaving it out leaves its variable free.
The files are parsed by :mod:`umkm_kg.queryfile`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from . import resources
from .errors import BadParameter, QueryFileError, UnknownQuery
from .i18n import Text
from .iri import iri_problem
from .namespaces import PREFIXES
from .results import QueryForm, QueryResult, Term
from .sparql import CheckedQuery, bind_values

PARAMETER_SCHEMES = ("http", "https", "urn")
"""IRI schemes a query parameter may use."""
MAX_TEXT = 500
"""Longest string a text parameter accepts."""

_CURIE = re.compile(r"^([A-Za-z][\w\-.]*)?:([\w\-.~%]*)$")
_LANG_SUFFIX = re.compile(r"^(.*)@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$", re.DOTALL)
_INTEGER = re.compile(r"^[+-]?[0-9]{1,30}$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_BOOLEAN = {"true": "true", "false": "false", "1": "true", "0": "false"}


class ParamType(StrEnum):
    """What a parameter's value is, and so how it is checked and written."""

    IRI = "iri"
    STRING = "string"
    LANGSTRING = "langstring"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    ENUM = "enum"

    @property
    def expected(self) -> str:
        """How the expected type reads in an error message."""
        return {
            ParamType.IRI: "an IRI (http, https or urn) or a prefixed name such as kg:country-my",
            ParamType.STRING: f"a text of at most {MAX_TEXT} characters",
            ParamType.LANGSTRING: "a text, optionally ending in a language tag such as @id",
            ParamType.INTEGER: "an integer such as 2015",
            ParamType.DECIMAL: "a decimal number such as 2.5",
            ParamType.DATE: "a date written YYYY-MM-DD",
            ParamType.BOOLEAN: "true or false",
            ParamType.ENUM: "one of the listed values",
        }[self]

    @property
    def example(self) -> str:
        return {
            ParamType.IRI: "kg:country-my",
            ParamType.STRING: "batik",
            ParamType.LANGSTRING: "batik@id",
            ParamType.INTEGER: "2015",
            ParamType.DECIMAL: "2.5",
            ParamType.DATE: "2015-12-31",
            ParamType.BOOLEAN: "true",
            ParamType.ENUM: "",
        }[self]


@dataclass(frozen=True)
class Choice:
    """One allowed value of a parameter, with its labels (for menus and for matching names)."""

    value: Term
    labels: tuple[Literal, ...] = ()

    def label(self, lang: str) -> str:
        """The label in ``lang``, else an untagged one, else any, else the value itself."""
        for wanted in (lang, None):
            for label in self.labels:
                if (label.language or None) == wanted:
                    return str(label)
        return str(self.labels[0]) if self.labels else compact(self.value)


@dataclass(frozen=True)
class Parameter:
    """A typed query parameter; ``name`` is also the variable it binds."""

    name: str
    type: ParamType
    description: Text
    default: str | None = None
    allowed: tuple[str, ...] = ()
    values_from_graph: str | None = None
    required: bool = True
    example: str = ""
    lang: str | None = None

    @property
    def choices_query(self) -> str | None:
        """The ``values_from_graph`` SELECT with the project's prefixes declared."""
        return None if self.values_from_graph is None else with_prefixes(self.values_from_graph)

    def choices_from(self, result: QueryResult) -> tuple[Choice, ...]:
        """The allowed values listed by a ``choices_query`` result (``?value`` and ``?label``)."""
        labels: dict[Term, list[Literal]] = {}
        for row in result.rows:
            value = row.get("value")
            if value is None:
                continue
            found = labels.setdefault(value, [])
            label = row.get("label")
            if isinstance(label, Literal) and label not in found:
                found.append(label)
        return tuple(Choice(v, tuple(sorted(ls))) for v, ls in sorted(labels.items()))

    def convert(self, raw: str, choices: Sequence[Choice] | None = None) -> Term:
        """Check a value given as text and return it as an RDF term.

        ``choices`` are the values found in the graph (for ``values_from_graph``); a value may
        then also be given by its label or the last segment of its IRI (``Malaysia``,
        ``country-my``).

        :raises BadParameter: naming the parameter, the expected type and an example.
        """
        text = raw.strip()
        if choices is None:
            term = self._parse(text)
        else:
            named = [c.value for c in choices if _names(c, text)]
            if named:
                return named[0]
            try:
                found: Term | None = self._parse(text)
            except BadParameter:
                found = None
            if found is None or found not in {c.value for c in choices}:
                known = ", ".join(
                    f"{c.label('en')} ({compact(c.value)})" for c in list(choices)[:10]
                )
                raise BadParameter(
                    f"parameter {self.name}: {raw!r} is not among the values found in the graph"
                    f" (known values: {known or 'none'})",
                    hint=f"example: {self.name}="
                    f"{self.example or (compact(choices[0].value) if choices else '...')}",
                )
            term = found
        if self.allowed and term not in {self._parse(a) for a in self.allowed}:
            raise self.error(raw, f"not one of: {', '.join(self.allowed)}")
        return term

    def _parse(self, text: str) -> Term:
        if len(text) > MAX_TEXT:
            raise self.error(text, f"longer than {MAX_TEXT} characters")
        kind = self.type
        if kind is ParamType.IRI:
            return URIRef(self._iri(text))
        if kind in (ParamType.STRING, ParamType.ENUM):
            return Literal(text)
        if kind is ParamType.LANGSTRING:
            match = _LANG_SUFFIX.match(text)
            if match:
                return Literal(match.group(1), lang=match.group(2).lower())
            if self.lang:
                return Literal(text, lang=self.lang)
            raise self.error(text, "no language tag")
        if kind is ParamType.INTEGER and _INTEGER.match(text):
            return Literal(str(int(text)), datatype=XSD.integer)
        if kind is ParamType.DECIMAL and _DECIMAL.match(text):
            return Literal(_canonical_decimal(text), datatype=XSD.decimal)
        if kind is ParamType.DATE and _DATE.match(text):
            try:
                return Literal(date.fromisoformat(text).isoformat(), datatype=XSD.date)
            except ValueError:
                raise self.error(text, "not a calendar date") from None
        if kind is ParamType.BOOLEAN and text.lower() in _BOOLEAN:
            return Literal(_BOOLEAN[text.lower()], datatype=XSD.boolean)
        raise self.error(text)

    def _iri(self, text: str) -> str:
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        scheme = text.split(":", 1)[0].lower()
        curie = _CURIE.match(text)
        if scheme not in PARAMETER_SCHEMES and curie and (curie.group(1) or "") in PREFIXES:
            text = PREFIXES[curie.group(1) or ""] + curie.group(2)
            scheme = text.split(":", 1)[0].lower()
        if scheme not in PARAMETER_SCHEMES:
            raise self.error(text, "only http, https and urn IRIs, or the project's prefixes")
        problem = iri_problem(text)
        if problem is not None:
            raise self.error(text, problem)
        return text

    def error(self, value: str, problem: str | None = None) -> BadParameter:
        """A :class:`BadParameter` for ``value``, with the expected type and an example."""
        shown = value if len(value) <= 80 else value[:77] + "..."
        why = f" ({problem})" if problem else ""
        return BadParameter(
            f"parameter {self.name}: {shown!r} is not {self.type.expected}{why}",
            hint=f"example: {self.name}={self.example or self.type.example}",
        )


def with_prefixes(text: str) -> str:
    """``text`` with the project's prefixes declared before it."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + text


def _names(choice: Choice, text: str) -> bool:
    wanted = text.casefold()
    if any(str(label).casefold() == wanted for label in choice.labels):
        return True
    value = str(choice.value)
    return isinstance(choice.value, URIRef) and re.split(r"[/#]", value)[-1].casefold() == wanted


def _canonical_decimal(text: str) -> str:
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern has already matched
        raise ValueError(text) from None
    written = format(value.normalize(), "f")
    if "." not in written:
        written += ".0"
    return "0.0" if Decimal(written) == 0 else written


def compact(term: Term) -> str:
    """``kg:country-my`` for a term in one of the project's namespaces, else its N3 form."""
    if isinstance(term, URIRef):
        iri = str(term)
        best = max(
            ((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)),
            key=lambda pair: len(pair[1]),
            default=None,
        )
        if best is not None and re.fullmatch(r"[\w\-.]*", iri[len(best[1]) :]):
            return f"{best[0]}:{iri[len(best[1]) :]}"
        return f"<{iri}>"
    return str(term)


ChoiceSource = Callable[[Parameter, str], Sequence[Choice]]
"""Lists the values found in the graph for a ``values_from_graph`` parameter."""


@dataclass(frozen=True)
class SavedQuery:
    """One saved query, parsed once from ``queries/<name>.rq``."""

    name: str
    title: Text
    description: Text
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    form: QueryForm
    text: str
    path: Path | None = None
    variables: tuple[str, ...] = ()
    """The projected variables of a SELECT."""

    @property
    def body(self) -> str:
        """The SPARQL text without the metadata header."""
        lines = self.text.splitlines(keepends=True)
        return "".join(line for line in lines if not line.startswith("#+")).lstrip("\n")

    def parameter(self, name: str) -> Parameter:
        """:raises BadParameter: no such parameter (with a "did you mean" hint)."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = [p.name for p in self.parameters]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else None
        listed = ", ".join(known) or "none"
        raise BadParameter(
            f"query {self.name} has no parameter {name!r} (its parameters: {listed})", hint=hint
        )

    def bind(self, raw: Mapping[str, str], choices: ChoiceSource | None = None) -> dict[str, Term]:
        """Check the parameters given as text and convert them to RDF terms.

        Defaults fill in what is not given. ``choices`` lists the values found in the graph for
        ``values_from_graph`` parameters; without it those are checked for type only.

        :raises BadParameter: an unknown, missing or invalid parameter.
        """
        for name in raw:
            self.parameter(name)
        bindings: dict[str, Term] = {}
        for parameter in self.parameters:
            value = raw.get(parameter.name, parameter.default)
            if value is None:
                if parameter.required:
                    raise BadParameter(
                        f"query {self.name} needs parameter {parameter.name}: "
                        f"{parameter.type.expected}",
                        hint=f"example: {parameter.name}="
                        f"{parameter.example or parameter.type.example}",
                    )
                continue
            found = (
                choices(parameter, value)
                if choices is not None and parameter.values_from_graph
                else None
            )
            bindings[parameter.name] = parameter.convert(value, found)
        return bindings

    def sparql(self, bindings: Mapping[str, Term]) -> str:
        """The query text with ``bindings`` in a VALUES block (:func:`.sparql.bind_values`)."""
        checked = CheckedQuery(self.form, self.variables, frozenset())
        return bind_values(self.text, bindings, checked=checked)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description (for ``query list --format json`` and the web API)."""
        return {
            "name": self.name,
            "title": {"id": self.title.id, "en": self.title.en},
            "description": {"id": self.description.id, "en": self.description.en},
            "tags": list(self.tags),
            "form": self.form.value,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type.value,
                    "description": {"id": p.description.id, "en": p.description.en},
                    "default": p.default,
                    "required": p.required and p.default is None,
                    "values": list(p.allowed),
                    "values_from_graph": p.values_from_graph is not None,
                    "example": p.example or p.type.example,
                }
                for p in self.parameters
            ],
        }


@dataclass(frozen=True)
class Catalogue:
    """The saved queries by name."""

    queries: Mapping[str, SavedQuery] = field(default_factory=dict)

    def get(self, name: str) -> SavedQuery:
        """:raises UnknownQuery: no such query (with a "did you mean" hint)."""
        try:
            return self.queries[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self.queries), n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else "see: umkm-kg query list"
            raise UnknownQuery(f"no saved query is called {name!r}", hint=hint) from None

    def __getitem__(self, name: str) -> SavedQuery:
        return self.get(name)

    def __iter__(self) -> Iterator[SavedQuery]:
        return iter(self.queries[name] for name in sorted(self.queries))

    def __len__(self) -> int:
        return len(self.queries)

    def __contains__(self, name: object) -> bool:
        return name in self.queries

    def names(self) -> list[str]:
        return sorted(self.queries)


def load_catalogue(folder: Path | None = None) -> Catalogue:
    """Read every ``*.rq`` file of ``folder`` (default: the bundled ``queries/``), once.

    :raises QueryFileError: a file is malformed (its path and line are in the message).
    """
    return _load_catalogue((folder or resources.QUERIES).resolve())


@lru_cache(maxsize=8)
def _load_catalogue(folder: Path) -> Catalogue:
    from .queryfile import load_query_file  # the parser builds this module's records

    if not folder.is_dir():
        raise QueryFileError(f"{folder}: the saved-query folder does not exist")
    queries = {q.name: q for q in map(load_query_file, sorted(folder.glob("*.rq")))}
    return Catalogue(queries)
