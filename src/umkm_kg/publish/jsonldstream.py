"""JSON-LD of a whole dump, written as sorted N-Triples lines stream past: one node per line.

The lines come sorted (:class:`~umkm_kg.publish.linesort.LineSorter`), so each subject's triples
are together: pyoxigraph parses them back a block at a time, and each node object is compacted
(:class:`~umkm_kg.publish.jsonld.Compactor`) and written as soon as its subject ends, in one line
of JSON. Nothing but one node is held, and JSON's C encoder (which an indented layout would
forgo) writes it. Node objects follow the lines' order (subjects sorted as N-Triples terms:
``<IRI>`` first, then blank nodes by label); keys and values are sorted as in
:func:`~umkm_kg.publish.jsonld.compact_document`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import IO, Any

import pyoxigraph as ox

from .jsonld import Compactor, value_key

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def write_jsonld_lines(blocks: Iterable[bytes], output: IO[bytes], context: dict[str, Any]) -> None:
    """Write blocks of sorted N-Triples lines as a JSON-LD document with ``context`` inlined.

    The document is ``{"@context": ..., "@graph": [...]}``, the context indented, then one node
    object per line.
    """
    compactor = Compactor(context)
    head = json.dumps({"@context": context}, indent=2, ensure_ascii=False, sort_keys=True)
    output.write(head[: head.rindex("}")].rstrip().encode("utf-8"))
    output.write(b',\n  "@graph": [')
    first = True
    parts: list[str] = []
    for node in _nodes(_triples(blocks), compactor):
        parts.append(("\n    " if first else ",\n    ") + node)
        first = False
        if len(parts) >= 1000:
            output.write("".join(parts).encode("utf-8"))
            parts.clear()
    output.write("".join(parts).encode("utf-8"))
    output.write(b"\n  ]\n}\n" if not first else b"]\n}\n")


def _triples(blocks: Iterable[bytes]) -> Iterator[ox.Triple]:
    # lenient: the lines are pyoxigraph's own N-Triples, valid already (a third less CPU)
    return chain.from_iterable(
        ox.parse(b, format=ox.RdfFormat.N_TRIPLES, lenient=True) for b in blocks
    )


def _nodes(triples: Iterable[ox.Triple], compactor: Compactor) -> Iterator[str]:
    """One JSON text per subject of ``triples`` (which come grouped by subject)."""
    subject: ox.NamedNode | ox.BlankNode | None = None
    node: dict[str, list[Any]] = {}
    keys: dict[str, str] = {}  # predicate IRI -> key: few predicates, many triples
    for triple in triples:
        s = triple.subject
        assert not isinstance(s, ox.Triple)  # N-Triples lines of a dump hold no quoted triples
        if s != subject:
            if subject is not None:
                yield _node_json(compactor.node_id(subject), node)
            subject, node = s, {}
        p, o = triple.predicate.value, triple.object
        assert not isinstance(o, ox.Triple)
        if p == _RDF_TYPE and isinstance(o, ox.NamedNode):
            node.setdefault("@type", []).append(compactor.vocab(o.value))
            continue
        key = keys.get(p)
        if key is None:
            key = keys[p] = compactor.vocab(p)
        node.setdefault(key, []).append(compactor.value(o))
    if subject is not None:
        yield _node_json(compactor.node_id(subject), node)


def _node_json(node_id: str, node: dict[str, list[Any]]) -> str:
    body: dict[str, Any] = {"@id": node_id}
    for key, values in node.items():
        body[key] = values[0] if len(values) == 1 else sorted(values, key=value_key)
    return json.dumps(body, ensure_ascii=False, sort_keys=True)
