"""RDF/XML of a whole dump, written as sorted N-Triples lines stream past.

The lines come sorted (:class:`~umkm_kg.publish.linesort.LineSorter`), so each subject's triples
are together: pyoxigraph parses them back a block at a time and each subject becomes one
``rdf:Description`` (IRIs first, then blank nodes, in the lines' order; its properties in the
lines' order too). The body goes to a temporary file while the namespaces it uses are
collected, since the ``xmlns`` declarations come first: the project's prefixes, then ``ns1``,
``ns2``... for other namespaces, numbered as they first appear.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..errors import BadInput
from ..namespaces import PREFIXES

_NCNAME = re.compile(r"[^\W\d][\w.\-]*\Z")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\n\r\t]')
_TEXT_SPECIAL = re.compile("[&<>\r]")
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_BY_LENGTH = sorted(PREFIXES.values(), key=len, reverse=True)
_FLUSH = 1 << 20


def split(iri: str) -> tuple[str, str] | None:
    """Split an IRI into a namespace and an XML local name, preferring the project's prefixes."""
    for ns in _BY_LENGTH:
        if iri.startswith(ns) and _NCNAME.match(iri[len(ns) :]):
            return ns, iri[len(ns) :]
    cut = max(iri.rfind("#"), iri.rfind("/"))
    for end in range(cut + 1, len(iri)):
        if _NCNAME.match(iri[end:]):
            return iri[:end], iri[end:]
    return None


def write_rdfxml(
    blocks: Iterable[bytes], output: IO[bytes], *, temp_dir: Path | None = None
) -> None:
    """Write blocks of sorted N-Triples lines (no quoted triples) as RDF/XML.

    :raises BadInput: a predicate cannot be an XML element name, or a literal holds characters
        XML 1.0 cannot carry.
    """
    prefix_of = {ns: p for p, ns in PREFIXES.items()}
    used: dict[str, str] = {_RDF: prefix_of.get(_RDF, "rdf")}
    elements: dict[str, str] = {}  # predicate IRI -> element name: few predicates, many triples

    def element(iri: str) -> str:
        parts = split(iri)
        if parts is None:
            raise BadInput(f"<{iri}> cannot be written as an RDF/XML element name")
        ns, local = parts
        if ns not in used:
            used[ns] = prefix_of.get(ns) or f"ns{sum(n not in prefix_of for n in used) + 1}"
        name = elements[iri] = f"{used[ns]}:{local}"
        return name

    # lenient: the lines are pyoxigraph's own N-Triples, valid already (a third less CPU)
    triples = chain.from_iterable(
        ox.parse(b, format=ox.RdfFormat.N_TRIPLES, lenient=True) for b in blocks
    )
    with tempfile.TemporaryFile(prefix="umkm-kg-rdfxml-", dir=temp_dir) as body:
        parts: list[str] = []
        size = 0
        subject: object = None
        for triple in triples:
            s = triple.subject
            if s != subject:
                if subject is not None:
                    parts.append("  </rdf:Description>\n")
                if isinstance(s, ox.BlankNode):
                    parts.append(f"  <rdf:Description rdf:nodeID={_attribute(s.value)}>\n")
                else:
                    parts.append(f"  <rdf:Description rdf:about={_attribute(s.value)}>\n")
                subject = s
            p = triple.predicate.value
            name = elements.get(p) or element(p)
            text = _property(name, triple.object)
            parts.append(text)
            size += len(text)
            if size > _FLUSH:
                body.write("".join(parts).encode("utf-8"))
                parts.clear()
                size = 0
        if subject is not None:
            parts.append("  </rdf:Description>\n")
        body.write("".join(parts).encode("utf-8"))
        head = ['<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF']
        head.extend(
            f"\n  xmlns:{prefix}={quoteattr(ns)}"
            for ns, prefix in sorted(used.items(), key=lambda item: item[1])
        )
        output.write(("".join(head) + ">\n").encode("utf-8"))
        body.seek(0)
        shutil.copyfileobj(body, output)
    output.write(b"</rdf:RDF>\n")


def _attribute(value: str) -> str:
    """``quoteattr(value)``, without its work when there is nothing to escape (most IRIs)."""
    return quoteattr(value) if _ATTRIBUTE_SPECIAL.search(value) else f'"{value}"'


def _property(element: str, obj: object) -> str:
    if isinstance(obj, ox.NamedNode):
        return f"    <{element} rdf:resource={_attribute(obj.value)}/>\n"
    if isinstance(obj, ox.BlankNode):
        return f"    <{element} rdf:nodeID={_attribute(obj.value)}/>\n"
    assert isinstance(obj, ox.Literal)
    value = obj.value
    if _XML_INVALID.search(value):
        raise BadInput(f"the literal {obj} holds characters XML 1.0 cannot carry")
    text = escape(value, {"\r": "&#13;"}) if _TEXT_SPECIAL.search(value) else value
    if obj.language:
        return f"    <{element} xml:lang={_attribute(obj.language)}>{text}</{element}>\n"
    if obj.datatype.value != _XSD_STRING:
        return f"    <{element} rdf:datatype={_attribute(obj.datatype.value)}>{text}</{element}>\n"
    return f"    <{element}>{text}</{element}>\n"
