"""RDF serialisation formats and SPARQL result formats, looked up by name, extension or media type.

One enum each, shared by ``export``, ``query --format`` and HTTP content negotiation.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from .errors import UnknownName


class _Lookup(Enum):
    """Shared lookups for the two format enums (values are ``(name, extensions, media types)``)."""

    @property
    def key(self) -> str:
        return str(self.value[0])

    @property
    def extensions(self) -> tuple[str, ...]:
        return tuple(self.value[1])

    @property
    def media_types(self) -> tuple[str, ...]:
        return tuple(self.value[2])

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @classmethod
    def names(cls) -> list[str]:
        return [f.key for f in cls]

    @classmethod
    def from_name(cls, name: str) -> _Lookup:
        """Find a format by its name or one of its extensions (``ttl``, ``turtle``, ``.nt``)."""
        wanted = name.lower().lstrip(".")
        for fmt in cls:
            if wanted == fmt.key or wanted in fmt.extensions:
                return fmt
        raise UnknownName(
            f"unknown format {name!r}", hint=f"choose one of: {', '.join(cls.names())}"
        )

    @classmethod
    def from_extension(cls, path: str) -> _Lookup:
        """Find a format from a file name's extension."""
        suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
        for fmt in cls:
            if suffix in fmt.extensions:
                return fmt
        raise UnknownName(
            f"cannot tell the format of {path!r} from its extension",
            hint=f"give --format, one of: {', '.join(cls.names())}",
        )

    @classmethod
    def from_media_type(cls, media_type: str) -> _Lookup:
        """Find a format from a media type (parameters such as ``;charset=utf-8`` are ignored)."""
        wanted = media_type.split(";", 1)[0].strip().lower()
        for fmt in cls:
            if wanted in fmt.media_types:
                return fmt
        raise UnknownName(f"unsupported media type {media_type!r}")


class RdfFormat(_Lookup):
    """RDF serialisation formats. ``quads`` formats keep named graphs."""

    TURTLE = ("ttl", ("ttl", "turtle"), ("text/turtle", "application/x-turtle"))
    NTRIPLES = ("nt", ("nt", "ntriples", "n-triples"), ("application/n-triples",))
    NQUADS = ("nq", ("nq", "nquads", "n-quads"), ("application/n-quads",))
    TRIG = ("trig", ("trig",), ("application/trig",))
    JSONLD = ("jsonld", ("jsonld", "json-ld"), ("application/ld+json",))
    RDFXML = ("xml", ("rdf", "xml", "rdfxml", "owl"), ("application/rdf+xml",))

    @property
    def is_quads(self) -> bool:
        return self in (RdfFormat.NQUADS, RdfFormat.TRIG)

    @property
    def oxigraph(self) -> Any:
        """The matching ``pyoxigraph.RdfFormat``."""
        import pyoxigraph as ox

        return {
            RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
            RdfFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
            RdfFormat.NQUADS: ox.RdfFormat.N_QUADS,
            RdfFormat.TRIG: ox.RdfFormat.TRIG,
            RdfFormat.JSONLD: ox.RdfFormat.JSON_LD,
            RdfFormat.RDFXML: ox.RdfFormat.RDF_XML,
        }[self]

    @property
    def rdflib_name(self) -> str:
        return {
            RdfFormat.TURTLE: "turtle",
            RdfFormat.NTRIPLES: "nt",
            RdfFormat.NQUADS: "nquads",
            RdfFormat.TRIG: "trig",
            RdfFormat.JSONLD: "json-ld",
            RdfFormat.RDFXML: "xml",
        }[self]

    @classmethod
    def parse_name(cls, name: str) -> RdfFormat:
        fmt = cls.from_name(name)
        assert isinstance(fmt, RdfFormat)
        return fmt

    @classmethod
    def for_path(cls, path: str) -> RdfFormat:
        fmt = cls.from_extension(path)
        assert isinstance(fmt, RdfFormat)
        return fmt


class ResultFormat(_Lookup):
    """Formats for SELECT and ASK results."""

    TABLE = ("table", ("txt",), ("text/plain",))
    CSV = ("csv", ("csv",), ("text/csv",))
    TSV = ("tsv", ("tsv",), ("text/tab-separated-values",))
    JSON = ("json", ("json", "srj"), ("application/sparql-results+json", "application/json"))
    XML = ("xml", ("xml", "srx"), ("application/sparql-results+xml",))

    @classmethod
    def parse_name(cls, name: str) -> ResultFormat:
        fmt = cls.from_name(name)
        assert isinstance(fmt, ResultFormat)
        return fmt
