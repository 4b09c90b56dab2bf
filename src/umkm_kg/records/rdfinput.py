"""Reading records from outside: untrusted bytes in, a checked rdflib graph out.

Nothing here touches the network or the file system beyond the one file asked for: JSON-LD
contexts are never fetched (the project's own context is replaced by the bundled copy, any
other remote context is refused), ``owl:imports`` is refused rather than followed, RDF/XML
with a DOCTYPE or entities is refused before it is parsed. Input size and nesting depth are
capped, and every IRI (datatypes too) passes :func:`umkm_kg.iri.check_iri`.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, XSD
from rdflib.term import IdentifiedNode

from .. import resources
from ..errors import BadInput, UmkmError
from ..formats import RdfFormat
from ..iri import iri_problem
from ..namespaces import BASE, PREFIXES
from ..query.results import term_from_oxigraph

MAX_INPUT_BYTES = 16 * 1024 * 1024
"""Largest input accepted (bytes); larger files are refused before parsing."""
MAX_DEPTH = 64
"""Deepest nesting accepted: JSON arrays/objects, XML elements, nested blank nodes."""

CONTEXT_IRIS: frozenset[str] = frozenset({BASE + "context.jsonld", BASE + "context"})
"""The project's own JSON-LD context IRIs, replaced by the bundled ``ontology/context.jsonld``."""

STDIN = "-"

TRIPLE_TERMS_REFUSED = (
    "RDF 1.2 triple terms and annotations (<<( s p o )>>, << s p o >>, {| |}, ~, "
    'rdf:annotation, rdf:parseType="Triple") are not accepted in records'
)
TRIPLE_TERMS_HINT = "state each fact as a plain triple; say where it comes from with dct:source"

_ALLOWED_DATATYPE_NAMESPACES = (str(XSD),)
_ALLOWED_DATATYPES = frozenset({str(RDF.langString), str(RDF) + "dirLangString"})


class RecordFormat(Enum):
    """Formats records may come in: five RDF syntaxes and the staff's CSV or ``.xlsx`` sheets.

    N-Quads is read as one batch: the graph names are dropped (``add`` stores the batch in a
    named graph of its own).
    """

    TURTLE = "ttl"
    NTRIPLES = "nt"
    NQUADS = "nq"
    JSONLD = "jsonld"
    RDFXML = "xml"
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def rdf(self) -> RdfFormat | None:
        """The matching :class:`RdfFormat` (``None`` for CSV and ``.xlsx``)."""
        if self.tabular:
            return None
        return RdfFormat.parse_name(self.value)

    @property
    def tabular(self) -> bool:
        """Rows of the documented columns (CSV or a workbook sheet), not RDF."""
        return self in (RecordFormat.CSV, RecordFormat.XLSX)

    @classmethod
    def names(cls) -> list[str]:
        return [f.value for f in cls]

    @classmethod
    def detect(cls, name: str, given: str | None = None) -> RecordFormat:
        """The format named by ``given`` (``--format``), else guessed from ``name``'s extension.

        :raises UnknownName: neither says a supported format.
        """
        if given is not None:
            return cls._from(given, given)
        if name == STDIN:
            raise BadInput(
                "cannot tell the format of standard input",
                hint=f"give --format, one of: {', '.join(cls.names())}",
            )
        suffix = name.rsplit(".", 1)[-1] if "." in Path(name).name else ""
        return cls._from(suffix, name)

    @classmethod
    def _from(cls, word: str, shown: str) -> RecordFormat:
        if word.lower().lstrip(".") in ("csv", "xlsx"):
            return cls(word.lower().lstrip("."))
        try:
            rdf = RdfFormat.from_name(word)
        except UmkmError:
            rdf = None
        for fmt in cls:
            if rdf is not None and fmt.rdf is rdf:
                return fmt
        raise BadInput(
            f"cannot read records from {shown!r}: unsupported format",
            hint=f"records may be: {', '.join(cls.names())} (give --format)",
        )


@dataclass(frozen=True)
class RawInput:
    """The bytes of one input, with its display name and format."""

    name: str
    data: bytes
    format: RecordFormat

    def text(self) -> str:
        """The input decoded as UTF-8 (a leading byte-order mark is dropped).

        :raises BadInput: bytes that are not UTF-8 (with the line of the first one).
        """
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = self.data.count(b"\n", 0, exc.start) + 1
            raise BadInput(
                f"{self.name}, line {line}: not UTF-8 text (byte 0x{self.data[exc.start]:02x})",
                hint="save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
            ) from exc


@dataclass
class ParsedRdf:
    """Records parsed from one RDF input; ``lines`` gives the first line of each subject."""

    name: str
    graph: Graph
    lines: dict[IdentifiedNode, int] = field(default_factory=dict)


def read_input(path: str, *, fmt: str | None = None, max_bytes: int = MAX_INPUT_BYTES) -> RawInput:
    """Read one file (or standard input for ``-``), refusing anything over ``max_bytes``.

    :raises BadInput: unreadable, too big, or of an unsupported format.
    """
    record_format = RecordFormat.detect(path, fmt)
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    name = "<stdin>" if path == STDIN else path
    if len(data) > max_bytes:
        raise BadInput(
            f"{name}: larger than the {max_bytes // (1024 * 1024)} MiB input limit",
            hint="split the records into smaller files",
        )
    return RawInput(name=name, data=data, format=record_format)


def parse_rdf(raw: RawInput) -> ParsedRdf:
    """Parse an RDF input strictly and check every term.

    :raises BadInput: a syntax error (with its line), a refused IRI or datatype, shapes or
        ``owl:imports`` in the records, a DOCTYPE in RDF/XML, a remote JSON-LD context, too deep.
    """
    text = raw.text()
    prefixes: dict[str, str] = {}
    if raw.format is RecordFormat.JSONLD:
        quads: Iterable[ox.Quad] = _parse_jsonld(raw.name, text)
    elif raw.format is RecordFormat.RDFXML:
        _check_xml(raw.name, raw.data)
        quads = _parse_ox(raw.name, text, ox.RdfFormat.RDF_XML, prefixes)
    elif raw.format is RecordFormat.NTRIPLES:
        quads = _parse_ox(raw.name, text, ox.RdfFormat.N_TRIPLES, prefixes)
    elif raw.format is RecordFormat.NQUADS:
        quads = _parse_ox(raw.name, text, ox.RdfFormat.N_QUADS, prefixes)
    elif raw.format is RecordFormat.TURTLE:
        quads = _parse_ox(raw.name, text, ox.RdfFormat.TURTLE, prefixes)
    else:
        raise BadInput(f"{raw.name}: CSV records are not RDF (read them with csvrecords)")
    graph = Graph(bind_namespaces="none")
    for quad in quads:
        if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
            raise BadInput(f"{raw.name}: {TRIPLE_TERMS_REFUSED}", hint=TRIPLE_TERMS_HINT)
        graph.add(
            (
                cast(IdentifiedNode, term_from_oxigraph(quad.subject)),
                cast(URIRef, term_from_oxigraph(quad.predicate)),
                term_from_oxigraph(quad.object),
            )
        )
    lines = locate_subjects(text, graph, prefixes)
    check_records(graph, raw.name, lines)
    return ParsedRdf(name=raw.name, graph=graph, lines=lines)


def _parse_ox(name: str, text: str, fmt: ox.RdfFormat, prefixes: dict[str, str]) -> list[ox.Quad]:
    # No base IRI: a relative IRI is an error, not something resolved against a guess.
    try:
        # Fresh blank-node labels: "_:b1" in two files must stay two nodes.
        parser = ox.parse(
            text.encode("utf-8"),
            fmt,
            without_named_graphs=fmt != ox.RdfFormat.N_QUADS,
            rename_blank_nodes=True,
        )
        quads = list(parser)
        prefixes.update(parser.prefixes)
    except SyntaxError as exc:
        raise BadInput(f"{name}: {_syntax_message(exc)}") from exc
    except (ValueError, OSError) as exc:
        raise BadInput(f"{name}: {exc}") from exc
    return quads


def _syntax_message(exc: SyntaxError) -> str:
    message = str(exc.msg or exc)
    if exc.lineno and "line" not in message:
        return f"line {exc.lineno}: {message}"
    return message


# --- JSON-LD ---------------------------------------------------------------------------------

# One token at a time, never backtracking over what a token has consumed: a string (closed or
# not: an unclosed one runs to the end and json.loads reports it) or a bracket. Matching strings
# on their own and removing them first was quadratic on a text of unclosed quotes.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text`` (strings are skipped).

    Linear in the length of ``text``.
    """
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        bracket = match.group()
        if bracket in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in ("]", "}"):
            depth -= 1
    return deepest


_Lazy = Callable[[], Any]


def _refuse_loader(url: str, options: object = None) -> dict[str, Any]:
    raise BadInput(f"refused to fetch {url!r}: records may not load remote documents")


def _local_context() -> Any:
    try:
        document = json.loads(resources.JSONLD_CONTEXT.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # a packaging fault, not the user's
        raise BadInput(f"the bundled JSON-LD context cannot be read: {exc}") from exc
    return document["@context"]


def _replace_contexts(node: Any, name: str, local: _Lazy) -> Any:
    """Swap the project's context IRI for the bundled copy; refuse any other remote context."""
    if isinstance(node, list):
        return [_replace_contexts(item, name, local) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@context":
            result[key] = _context_value(value, name, local)
        elif key == "@import":
            raise BadInput(f"{name}: JSON-LD '@import' of {value!r} refused (no remote contexts)")
        else:
            result[key] = _replace_contexts(value, name, local)
    return result


def _context_value(value: Any, name: str, local: _Lazy) -> Any:
    if isinstance(value, list):
        return [_context_value(item, name, local) for item in value]
    if isinstance(value, str):
        if value in CONTEXT_IRIS:
            return local()
        raise BadInput(
            f"{name}: remote JSON-LD @context {value!r} refused",
            hint=f"use the project's context <{BASE}context.jsonld> or an inline @context",
        )
    return _replace_contexts(value, name, local)


def _parse_jsonld(name: str, text: str) -> list[ox.Quad]:
    from pyld import jsonld  # type: ignore[import-untyped]

    depth = json_depth(text)
    if depth > MAX_DEPTH:
        raise BadInput(f"{name}: JSON nested {depth} levels deep (at most {MAX_DEPTH} allowed)")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{name}, line {exc.lineno}: not valid JSON: {exc.msg}") from exc
    document = _replace_contexts(document, name, _local_context)
    dropped: list[str] = []

    def on_dropped(key: str | None) -> None:
        if key is not None:  # None: a term the context maps to null on purpose (``_comment``)
            dropped.append(key)

    try:
        processor = jsonld.JsonLdProcessor(on_property_dropped=on_dropped)
        expanded = processor.expand(document, _jsonld_options())
    except BadInput:
        raise
    except jsonld.JsonLdError as exc:
        raise BadInput(f"{name}: not valid JSON-LD: {_jsonld_cause(exc)}") from exc
    except RecursionError as exc:
        raise BadInput(f"{name}: JSON-LD nested too deeply") from exc
    if dropped:
        keys = ", ".join(sorted(set(dropped))[:5])
        raise BadInput(
            f"{name}: JSON-LD keys that map to no IRI: {keys}",
            hint="use the project's @context, or full IRIs as keys",
        )
    _check_expanded_ids(expanded, name)
    try:
        nquads = jsonld.to_rdf(expanded, {**_jsonld_options(), "format": "application/n-quads"})
    except jsonld.JsonLdError as exc:
        raise BadInput(f"{name}: not valid JSON-LD: {_jsonld_cause(exc)}") from exc
    try:
        quads = list(
            ox.parse(str(nquads).encode("utf-8"), ox.RdfFormat.N_QUADS, rename_blank_nodes=True)
        )
    except SyntaxError as exc:
        raise BadInput(f"{name}: JSON-LD gives invalid RDF: {exc.msg}") from exc
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise BadInput(f"{name}: named graphs are not accepted in records")
    return quads


def _jsonld_options() -> dict[str, Any]:
    # A fresh resolver with its own cache: pyld's shared cache must not leak between inputs.
    from pyld import jsonld  # type: ignore[import-untyped]

    # base None: relative IRIs stay relative (and are refused) instead of being resolved
    # against pyld's made-up default base, http://example.org/base/.
    return {
        "base": None,
        "documentLoader": _refuse_loader,
        "contextResolver": jsonld.ContextResolver(jsonld.LRUCache(maxsize=8), _refuse_loader),
    }


def _jsonld_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None and not isinstance(exc.__cause__, BadInput):
        exc = exc.__cause__
    if isinstance(exc.__cause__, BadInput):
        return exc.__cause__.message
    return str(getattr(exc, "message", None) or exc).splitlines()[0]


def _check_expanded_ids(node: Any, name: str) -> None:
    # pyld silently drops triples whose subject or object is a relative IRI: refuse instead.
    if isinstance(node, list):
        for item in node:
            _check_expanded_ids(item, name)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@id", "@type"):
                for iri in value if isinstance(value, list) else [value]:
                    if isinstance(iri, str) and not iri.startswith("_:") and ":" not in iri:
                        raise BadInput(f"{name}: relative IRI {iri!r} in {key} (give full IRIs)")
            elif key != "@value":
                _check_expanded_ids(value, name)


# --- RDF/XML ---------------------------------------------------------------------------------


def _check_xml(name: str, data: bytes) -> None:
    """Refuse DOCTYPE, entities and external references; cap element depth."""
    import xml.etree.ElementTree as StdET

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    depth = 0
    try:
        for event, element in SafeET.iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            depth += 1 if event == "start" else -1
            if event == "start":
                _check_xml_attributes(name, element.attrib)
            if depth > MAX_DEPTH:
                raise BadInput(f"{name}: XML nested more than {MAX_DEPTH} elements deep")
    except DefusedXmlException as exc:
        raise BadInput(
            f"{name}: RDF/XML with a DOCTYPE, entities or external references is refused ({exc})"
        ) from exc
    except StdET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise BadInput(f"{name}, line {line}: not well-formed XML: {exc}") from exc


_RDF_NS = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_PARSE_TYPES = frozenset({"Literal", "Resource", "Collection"})


def _check_xml_attributes(name: str, attributes: dict[str, str]) -> None:
    # RDF 1.2 annotations (rdf:annotation, rdf:annotationNodeID) and rdf:parseType="Triple"
    # make triple terms; the parser drops some of them silently: refuse them before it runs.
    if _RDF_NS + "annotation" in attributes or _RDF_NS + "annotationNodeID" in attributes:
        raise BadInput(f"{name}: {TRIPLE_TERMS_REFUSED}", hint=TRIPLE_TERMS_HINT)
    parse_type = attributes.get(_RDF_NS + "parseType")
    if parse_type is not None and parse_type not in _PARSE_TYPES:
        if parse_type == "Triple":
            raise BadInput(f"{name}: {TRIPLE_TERMS_REFUSED}", hint=TRIPLE_TERMS_HINT)
        raise BadInput(
            f"{name}: rdf:parseType={parse_type!r} is not accepted",
            hint="use rdf:parseType Literal, Resource or Collection",
        )


# --- checks on the parsed graph --------------------------------------------------------------


def check_records(graph: Graph, name: str, lines: dict[IdentifiedNode, int] | None = None) -> None:
    """Refuse shapes, ``owl:imports``, unsafe IRIs, unknown datatypes and deep nesting.

    :raises BadInput: naming the record's line where known.
    """
    lines = lines or {}
    # Two sets: an IRI accepted as a resource (say the object of schema:url) is not thereby an
    # accepted datatype. One shared set made the datatype check depend on the order rdflib
    # yields triples in, which is hash order.
    iris: set[str] = set()
    datatypes: set[str] = set()

    def where(subject: object) -> str:
        line = lines.get(subject) if isinstance(subject, IdentifiedNode) else None
        return f"{name}, line {line}" if line else name

    for s, p, o in graph:
        if p == OWL.imports:
            raise BadInput(f"{where(s)}: owl:imports is refused in records (nothing is fetched)")
        for term in (s, p, o):
            if isinstance(term, URIRef):
                iri = str(term)
                if iri in iris:
                    continue
                if iri.startswith(str(SH)):
                    raise BadInput(
                        f"{where(s)}: records may not carry SHACL shapes (found <{iri}>)"
                    )
                _check_term_iri(iri, where(s))
                iris.add(iri)
            elif isinstance(term, Literal) and term.datatype is not None:
                datatype = str(term.datatype)
                if datatype in datatypes:
                    continue
                _check_term_iri(datatype, where(s))
                if not (
                    datatype.startswith(_ALLOWED_DATATYPE_NAMESPACES)
                    or datatype in _ALLOWED_DATATYPES
                ):
                    raise BadInput(
                        f"{where(s)}: unsupported datatype <{datatype}>",
                        hint="use an XML Schema datatype such as xsd:string, xsd:date",
                    )
                datatypes.add(datatype)
    depth = blank_node_depth(graph)
    if depth > MAX_DEPTH:
        raise BadInput(f"{name}: blank nodes nested more than {MAX_DEPTH} levels deep")


def _check_term_iri(iri: str, where: str) -> None:
    problem = iri_problem(iri)
    if problem is not None:
        shown = iri if len(iri) <= 120 else iri[:117] + "..."
        raise BadInput(f"{where}: refused IRI <{shown}>: {problem}")


def blank_node_depth(graph: Graph) -> int:
    """How deep blank nodes nest under named subjects (list tails ``rdf:rest`` not counted)."""
    children: dict[BNode, list[BNode]] = {}
    roots: list[BNode] = []
    for s, p, o in graph:
        if isinstance(o, BNode) and p != RDF.rest:
            if isinstance(s, BNode):
                children.setdefault(s, []).append(o)
            else:
                roots.append(o)
    deepest = 0
    seen: set[BNode] = set()
    level = [r for r in roots]
    depth = 0
    while level:
        depth += 1
        deepest = depth
        following: list[BNode] = []
        for node in level:
            if node in seen:
                continue
            seen.add(node)
            following.extend(children.get(node, ()))
        level = [n for n in following if n not in seen]
        if depth > MAX_DEPTH:
            break
    return deepest


_LINE_START = re.compile(r"^\s*(<[^>\s]*>|[A-Za-z][\w.\-]*:[^\s;,]*|:[^\s;,]*)")


def locate_subjects(
    text: str, graph: Graph, prefixes: dict[str, str] | None = None
) -> dict[IdentifiedNode, int]:
    """The first line where each IRI subject of ``graph`` appears, best effort.

    A line that starts with the subject (Turtle, N-Triples) wins; otherwise the first mention
    of its full or prefixed IRI (JSON-LD, RDF/XML).
    """
    known = {**PREFIXES, **(prefixes or {})}
    forms: dict[str, URIRef] = {}
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    for subject in subjects:
        for form in _forms(str(subject), known):
            forms.setdefault(form, subject)
    lines: dict[IdentifiedNode, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE_START.match(line)
        if match:
            found = forms.get(match.group(1))
            if found is not None and found not in lines:
                lines[found] = number
    missing = subjects - set(lines)
    if missing:
        # One pass over the text's IRI-like runs (in quotes, attributes, brackets), each looked
        # up: searching the text once per subject was quadratic.
        at_line, counted = 1, 0
        for match in _IRI_RUN.finditer(text):
            run = match.group()
            found = forms.get(run) or forms.get(run.rstrip("."))
            if found is not None and found in missing:
                at_line += text.count("\n", counted, match.start())
                counted = match.start()
                lines[found] = at_line
                missing.discard(found)
                if not missing:
                    break
    return lines


# Maximal runs of characters an IRI or a prefixed name may hold; a mention ends where the run
# does ("kg:a" does not match inside "kg:ab").
_IRI_RUN = re.compile(r"""[^\s"'<>{}\[\],;()=`^|\\]+""")


def _forms(iri: str, prefixes: dict[str, str]) -> Iterator[str]:
    yield f"<{iri}>"
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            yield f"{prefix}:{iri[len(namespace) :]}"
    yield iri
