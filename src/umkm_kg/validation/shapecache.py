"""The compiled shapes kept in a data folder's ``cache/``, so that a command does not compile them.

Compiling the bundled shapes takes 0.15-0.4 s of every ``umkm-kg add`` (most of it rdflib's
SPARQL parser checking the SHACL-SPARQL constraints); reading them back takes a few
milliseconds. The file holds plain values only (``marshal``, checksummed, written atomically:
:mod:`umkm_kg.records.graphcache`) under a key made of the shapes file's bytes, the package's
and rdflib's versions and this module's format. A file with another key, damaged bytes or
anything that does not decode is ignored and the shapes are compiled again (and the file
rewritten): a cache is never trusted to be right, only to be what this code wrote for these
shapes.

Blank nodes of the shapes graph are written as their place in the order they first appear in
it, which is the order of the Turtle file (the parser's labels change with every parse); the
compiled shapes read back point at the blank nodes of this process's
:func:`~.data.shapes_graph`, so reports and findings read the same graph either way.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from .. import __version__, resources
from .engine import ALLOWED_SEVERITIES, CompiledShapes, _Shape, _SparqlCheck

CACHE_FILE = "compiled-shapes.bin"
_FORMAT = 1


def load_compiled(cache_dir: Path | None, shapes: Graph) -> CompiledShapes:
    """The bundled ``shapes`` compiled: read from ``cache_dir`` when a good file for them is
    there, else compiled and written there (when ``cache_dir`` is given).

    :raises Unsupported: the shapes need pySHACL (never cached).
    """
    from ..records.graphcache import load_cached, store_cached

    if cache_dir is None:
        return CompiledShapes(shapes, lenient=ALLOWED_SEVERITIES)
    key = cache_key()
    path = cache_dir / CACHE_FILE
    kept = load_cached(path, _FORMAT)
    if isinstance(kept, dict) and kept.get("key") == key:
        restored = decode(kept.get("shapes"), shapes)
        if restored is not None:
            return restored
    compiled = CompiledShapes(shapes, lenient=ALLOWED_SEVERITIES)
    store_cached(path, _FORMAT, {"key": key, "shapes": encode(compiled)})
    return compiled


def cache_key() -> str:
    """What the compiled shapes depend on: the shapes file, and the code that compiles them."""
    import rdflib

    digest = hashlib.sha256(resources.SHAPES.read_bytes()).hexdigest()
    return f"{digest} umkm-kg {__version__} rdflib {rdflib.__version__}"


def _blank_nodes(graph: Graph) -> list[BNode]:
    """The blank nodes of ``graph`` in the order they first appear."""
    seen: dict[BNode, None] = {}
    for triple in graph:
        for term in triple:
            if isinstance(term, BNode):
                seen.setdefault(term)
    return list(seen)


def encode(compiled: CompiledShapes) -> list[Any]:
    """``compiled`` as plain values for :mod:`marshal`."""
    blanks = {node: at for at, node in enumerate(_blank_nodes(compiled.graph))}

    def value(x: Any) -> Any:
        if isinstance(x, URIRef):
            return ["u", str(x)]
        if isinstance(x, BNode):
            return ["b", blanks[x]]
        if isinstance(x, Literal):
            return ["l", str(x), x.language or "", str(x.datatype or "")]
        if isinstance(x, bool | int | str) or x is None:
            return ["=", x]
        if isinstance(x, tuple | list):
            return [type(x).__name__, [value(v) for v in x]]
        if isinstance(x, set | frozenset):  # in an order that does not change between runs
            return [type(x).__name__, sorted((value(v) for v in x), key=repr)]
        if isinstance(x, re.Pattern):
            return ["re", x.pattern, x.flags]
        if isinstance(x, _Shape | _SparqlCheck):
            kind = "shape" if isinstance(x, _Shape) else "sparql"
            return [kind, [value(getattr(x, f.name)) for f in fields(x)]]
        raise TypeError(f"cannot cache {type(x).__name__}")

    return [
        value(sorted(compiled.lenient)),
        [value(shape) for shape in compiled.shapes.values()],
        [[value(shape.node), value(targets)] for shape, targets in compiled.targeted],
    ]


_COLLECTIONS: dict[str, Callable[[Iterable[Any]], Any]] = {
    "tuple": tuple,
    "list": list,
    "set": set,
    "frozenset": frozenset,
}


def decode(payload: Any, graph: Graph) -> CompiledShapes | None:
    """The compiled shapes :func:`encode` wrote, over ``graph``; None when ``payload`` is not
    such a thing (or names blank nodes ``graph`` does not have)."""
    blanks = _blank_nodes(graph)

    def value(x: list[Any]) -> Any:
        tag = x[0]
        if tag == "u":
            return URIRef(x[1])
        if tag == "b":
            return blanks[x[1]]
        if tag == "l":
            return Literal(x[1], lang=x[2] or None, datatype=URIRef(x[3]) if x[3] else None)
        if tag == "=":
            return x[1]
        if tag in _COLLECTIONS:
            return _COLLECTIONS[tag](value(v) for v in x[1])
        if tag == "re":
            return re.compile(x[1], x[2])
        if tag == "shape":
            return _Shape(*(value(v) for v in x[1]))
        if tag == "sparql":
            return _SparqlCheck(*(value(v) for v in x[1]))
        raise ValueError(tag)

    try:
        lenient, shapes, targeted = payload
        restored: dict[Any, _Shape] = {}
        for item in shapes:
            shape = value(item)
            if not isinstance(shape, _Shape):
                return None
            restored[shape.node] = shape
        targets = [(restored[value(node)], value(found)) for node, found in targeted]
        return CompiledShapes.restored(graph, frozenset(value(lenient)), restored, targets)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, re.error):
        return None
