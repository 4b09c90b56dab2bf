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
``chart`` (one mapping or a list) asks the web pages to draw the rows: ``type`` ``bar`` or
``map`` (countries shaded), ``category`` and ``value`` two of the projected variables.
The files are parsed by :mod:`umkm_kg.query.queryfile`.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import resources
from ..errors import BadParameter, QueryFileError, UnknownQuery
from ..i18n import Text
from ..iri import iri_problem
from ..namespaces import PREFIXES
from .results import QueryForm, QueryResult, Term

if TYPE_CHECKING:
    from .catalogue_cache import QueryCache

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

    def convert(self, raw: str, choices: Sequence[Choice] | ValueLookup | None = None) -> Term:
        """Check a value given as text and return it as an RDF term.

        ``choices`` are the values found in the graph (for ``values_from_graph``): a list, or a
        :class:`ValueLookup` that asks the store. A value that is itself among them is taken as
        it is; otherwise it may be given by a label or the last segment of an IRI
        (``Malaysia``, ``country-my``), matched without regard to case.

        :raises BadParameter: naming the parameter, the expected type and an example.
        """
        text = raw.strip()
        if choices is None:
            term = self._parse(text)
        else:
            values = ListedValues(tuple(choices)) if isinstance(choices, Sequence) else choices
            try:
                parsed: Term | None = self._parse(text)
            except BadParameter:
                parsed = None
            if parsed is None or not values.contains(self, parsed):
                named = values.named(self, text)
                if named is not None:
                    return named
                known = values.choices(self, limit=10)
                listed = ", ".join(f"{c.label('en')} ({compact(c.value)})" for c in known)
                raise BadParameter(
                    f"parameter {self.name}: {raw!r} is not among the values found in the graph"
                    f" (known values: {listed or 'none'})",
                    hint=f"example: {self.name}="
                    f"{self.example or (compact(known[0].value) if known else '...')}",
                )
            term = parsed
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


class ValueLookup(Protocol):
    """The values found in the graph for ``values_from_graph`` parameters, asked one at a time."""

    def contains(self, parameter: Parameter, value: Term) -> bool:
        """Whether ``value`` is among the parameter's values."""
        ...

    def named(self, parameter: Parameter, text: str) -> Term | None:
        """The first value (in term order) with ``text`` as a label or as its IRI's last
        segment, compared without regard to case; ``None`` if there is none."""
        ...

    def choices(
        self, parameter: Parameter, *, search: str | None = None, limit: int = 50, offset: int = 0
    ) -> Sequence[Choice]:
        """A page of the values in term order, with their labels; ``search`` keeps those with a
        label or IRI segment containing it (without regard to case)."""
        ...


@dataclass(frozen=True)
class ListedValues:
    """A :class:`ValueLookup` over values already listed (a form's menu, a test's few)."""

    listed: tuple[Choice, ...]

    def contains(self, parameter: Parameter, value: Term) -> bool:
        return any(c.value == value for c in self.listed)

    def named(self, parameter: Parameter, text: str) -> Term | None:
        return next((c.value for c in sorted(self.listed, key=_order) if _names(c, text)), None)

    def choices(
        self, parameter: Parameter, *, search: str | None = None, limit: int = 50, offset: int = 0
    ) -> Sequence[Choice]:
        wanted = (search or "").casefold()
        found = [c for c in sorted(self.listed, key=_order) if _contains(c, wanted)]
        return tuple(found[offset : offset + limit])


def _order(choice: Choice) -> Term:
    return choice.value


def _contains(choice: Choice, wanted: str) -> bool:
    texts = [str(label) for label in choice.labels]
    if isinstance(choice.value, URIRef):
        texts.append(re.split(r"[/#]", str(choice.value))[-1])
    return any(wanted in t.casefold() for t in texts)


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


class ChartKind(StrEnum):
    """The charts a saved query's result can be drawn as (header key ``chart``)."""

    BAR = "bar"
    MAP = "map"
    """Countries shaded by a number; ``category`` holds the countries."""


@dataclass(frozen=True)
class Chart:
    """How to draw a SELECT's rows: ``category`` names each bar (or country), ``value`` its size.

    Written in the header as ``#+ chart: {type: bar, category: country, value: enterprises}``.
    """

    kind: ChartKind
    category: str
    value: str


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
    charts: tuple[Chart, ...] = ()
    """The charts the header asks for (the web pages draw them)."""

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

    def bind(self, raw: Mapping[str, str], values: ValueLookup | None = None) -> dict[str, Term]:
        """Check the parameters given as text and convert them to RDF terms.

        Defaults fill in what is not given. ``values`` answers for the values found in the graph
        (``values_from_graph`` parameters); without it those are checked for type only.

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
            lookup = values if parameter.values_from_graph else None
            bindings[parameter.name] = parameter.convert(value, lookup)
        return bindings

    def sparql(self, bindings: Mapping[str, Term]) -> str:
        """The query text with ``bindings`` in a VALUES block (:func:`.sparql.bind_values`).

        The text itself passed the read-only guard when the record was made (in this process,
        or in an earlier one by the same checker code on the same text: :mod:`.querycache`);
        a text with values bound is parsed and checked again.

        :raises BadParameter: a value cannot be written safely.
        """
        if not bindings:
            return self.text
        from .sparql import CheckedQuery, bind_values

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
            "charts": [
                {"type": c.kind.value, "category": c.category, "value": c.value}
                for c in self.charts
            ],
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


class Catalogue:
    """The saved queries by name; each file is read and checked when it is first asked for.

    A command that runs one query reads only that file (through :mod:`.querycache`); listing
    or iterating reads them all.
    """

    def __init__(self, files: Mapping[str, Path], *, cache: QueryCache | None = None) -> None:
        self.files = dict(files)
        self._cache = cache
        self._loaded: dict[str, SavedQuery] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> SavedQuery:
        """:raises UnknownQuery: no such query (with a "did you mean" hint).
        :raises QueryFileError: its file is malformed (path and line in the message).
        """
        path = self.files.get(name)
        if path is None:
            close = difflib.get_close_matches(name, list(self.files), n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else "see: umkm-kg query list"
            raise UnknownQuery(f"no saved query is called {name!r}", hint=hint) from None
        with self._lock:
            saved = self._loaded.get(name)
            if saved is None:
                if self._cache is None:
                    saved = _parse_file(path)
                else:
                    saved = self._cache.load(path, _parse_file)
                self._loaded[name] = saved
        return saved

    def __getitem__(self, name: str) -> SavedQuery:
        return self.get(name)

    def __iter__(self) -> Iterator[SavedQuery]:
        """Every query, by name.

        :raises QueryFileError: a file is malformed.
        """
        return iter([self.get(name) for name in self.names()])

    def __len__(self) -> int:
        return len(self.files)

    def __contains__(self, name: object) -> bool:
        return name in self.files

    def names(self) -> list[str]:
        return sorted(self.files)


def _parse_file(path: Path) -> SavedQuery:
    from .queryfile import load_query_file  # the parser builds this module's records

    return load_query_file(path)


def load_catalogue(folder: Path | None = None, *, cache: bool = True) -> Catalogue:
    """The saved queries of ``folder`` (default: the bundled ``queries/``): every ``*.rq`` file.

    Files are checked when first used; ``cache`` keeps checked records between processes
    (:mod:`.querycache`).

    :raises QueryFileError: the folder does not exist.
    """
    return _load_catalogue((folder or resources.QUERIES).resolve(), cache)


@lru_cache(maxsize=8)
def _load_catalogue(folder: Path, cache: bool) -> Catalogue:
    if not folder.is_dir():
        raise QueryFileError(f"{folder}: the saved-query folder does not exist")
    files = {path.stem: path for path in sorted(folder.glob("*.rq"))}
    if not cache:
        return Catalogue(files)
    from .catalogue_cache import QueryCache

    return Catalogue(files, cache=QueryCache(folder))
