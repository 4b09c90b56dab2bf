"""Content negotiation: the ``Accept`` header (with its q-values) or a ``format`` parameter.

RFC 9110, 12.5.1: each media range may carry a weight ``q`` (0 to 1, default 1; ``q=0`` means
"not acceptable"), and the most specific range that matches a type gives that type's weight.
Among the formats offered, the one with the highest weight wins; ties go to the order of the
offer (the server's preference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import UnknownName
from ..formats import RdfFormat, ResultFormat
from ..query.results import QueryForm
from .problems import HttpProblem

Format = ResultFormat | RdfFormat

SELECT_FORMATS: tuple[Format, ...] = (
    ResultFormat.JSON,
    ResultFormat.XML,
    ResultFormat.CSV,
    ResultFormat.TSV,
)
ASK_FORMATS: tuple[Format, ...] = (ResultFormat.JSON, ResultFormat.XML)
GRAPH_FORMATS: tuple[Format, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.NTRIPLES,
    RdfFormat.JSONLD,
    RdfFormat.RDFXML,
)
EXTRA_MEDIA_TYPES: dict[Format, tuple[str, ...]] = {
    RdfFormat.NTRIPLES: ("text/plain",),  # what N-Triples was served as before RDF 1.1
}
"""Media types also accepted for a format (never sent as the ``Content-Type``). Not
``application/xml``: browsers ask for it above ``*/*``, and would get XML before JSON."""


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed entries are skipped."""
    ranges = []
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        kind, slash, sub = parts[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for parameter in parts[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def _media_types(fmt: Format) -> tuple[str, ...]:
    return fmt.media_types + EXTRA_MEDIA_TYPES.get(fmt, ())


def _weight(fmt: Format, ranges: Sequence[MediaRange]) -> float:
    # The most specific range matching the format's own media type gives its weight; other
    # names of the format count only when named exactly (application/json for SPARQL JSON),
    # so that "application/*, application/sparql-results+json;q=0" does refuse SPARQL JSON.
    primary = fmt.media_type
    matching = [r for r in ranges if r.matches(primary)]
    best = -1.0
    if matching:
        top = max(r.specificity for r in matching)
        best = max(r.q for r in matching if r.specificity == top)
    for alias in _media_types(fmt)[1:]:
        exact = [r.q for r in ranges if r.specificity == 2 and r.matches(alias)]
        if exact and best < 0:
            best = max(exact)
    return max(best, 0.0)


def offers(form: QueryForm) -> tuple[Format, ...]:
    """The formats a result of ``form`` can be sent in, the default first."""
    if form.returns_graph:
        return GRAPH_FORMATS
    return ASK_FORMATS if form is QueryForm.ASK else SELECT_FORMATS


def choose(offered: Sequence[Format], accept: str | None, name: str | None = None) -> Format:
    """The format to answer in: ``name`` (a ``format`` parameter: a name such as ``json`` or
    ``ttl``, or a media type) if given, else the best of ``offered`` for ``accept``, else
    (nothing offered is acceptable) the first of ``offered``.

    :raises HttpProblem: 406 when ``name`` is a format that cannot hold this result, 400 when it
        is no format at all.
    """
    listed = ", ".join(f.key for f in offered)
    if name:
        wanted = name.strip().lower()
        for fmt in offered:
            if wanted == fmt.key or wanted in fmt.extensions or wanted in _media_types(fmt):
                return fmt
        try:
            ResultFormat.from_name(wanted)
        except UnknownName:
            try:
                RdfFormat.from_name(wanted)
            except UnknownName:
                raise HttpProblem(
                    400, f"unknown format {name[:60]!r}", hint=f"choose one of: {listed}"
                ) from None
        raise HttpProblem(
            406,
            f"this result cannot be written as {name[:60]!r}",
            hint=f"choose one of: {listed}",
        )
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    weights = [(_weight(fmt, ranges), -i, fmt) for i, fmt in enumerate(offered)]
    weight, _, best = max(weights, key=lambda w: (w[0], w[1]))
    # RFC 9110, 12.5.1: a server may disregard an Accept it cannot satisfy and send its
    # default. Real clients rely on it: rdflib's SPARQLStore with returnFormat="json" accepts
    # only SPARQL JSON, and still reads the Turtle of a CONSTRUCT by its Content-Type.
    return best if weight > 0 else offered[0]


def content_type(fmt: Format) -> str:
    """The ``Content-Type`` an answer in ``fmt`` is sent with."""
    media = fmt.media_type
    if media.startswith("text/") or media.endswith(("+json", "+xml", "/json", "/n-triples")):
        return f"{media}; charset=utf-8"
    return media
