"""Deterministic Turtle: the same graph always gives the same bytes, so git diffs stay readable.

Two writers: :func:`canonical_turtle` (rdflib's ``longturtle``, for the project's own files) and
:class:`TurtleWriter`, which writes sorted N-Triples lines as they stream past (for dumps of a
registry too large to hold in rdflib).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO

from rdflib import Graph

from ..namespaces import PREFIXES


def canonical_turtle(graph: Graph) -> str:
    """Serialise ``graph`` as sorted Turtle with the project's prefixes.

    Uses rdflib's ``longturtle`` writer (subjects, predicates and objects sorted; blank nodes
    nested) with ``canon=True``: blank nodes are relabelled canonically first, otherwise sibling
    blank nodes (two ``owl:AllDifferent`` nodes, say) come out in a hash-seed dependent order.
    A fresh graph keeps stray prefix bindings out of the output.
    """
    fresh = Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        fresh.bind(prefix, iri, override=True, replace=True)
    for triple in graph:
        fresh.add(triple)
    return fresh.serialize(format="longturtle", canon=True)


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = f"<{_RDF}type>"
_RDF_FIRST = f"<{_RDF}first>"
_RDF_REST = f"<{_RDF}rest>"
_RDF_NIL = f"<{_RDF}nil>"
# A conservative, ASCII-only subset of Turtle's PN_LOCAL: any other local name is written as
# a full IRI, which is always valid.
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?\Z")
# Turtle's shorthand for these datatypes reads back the same lexical form only when it matches.
_SHORTHAND = {
    f"<{_XSD}integer>": re.compile(r"[+-]?[0-9]+\Z"),
    f"<{_XSD}decimal>": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    f"<{_XSD}boolean>": re.compile(r"(?:true|false)\Z"),
}
_ESCAPE = re.compile(r"\\(.)")
_IRI_CACHE = 1 << 16
_FLUSH = 1 << 15
"""Pieces of output held before they are written (a few hundred kB)."""
_INDENT = "    "
_INNER = _INDENT * 2
_OBJECTS = f" ,\n{_INNER}"


@dataclass
class BlankNodes:
    """The blank nodes of what a :class:`TurtleWriter` writes, in N-Triples text.

    ``descriptions`` maps a label (``_:c14n0``) to the sorted (predicate, object) pairs it is the
    subject of; ``references`` counts the triples it is the object of. A blank node that is the
    object of exactly one triple, and not in ``labelled``, is written nested (``[ ... ]``, or
    ``( ... )`` for an RDF list) where it is used.
    """

    descriptions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    references: Counter[str] = field(default_factory=Counter)
    labelled: set[str] = field(default_factory=set)

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """Record one triple that mentions a blank node (give each triple once)."""
        if subject.startswith("_:"):
            self.descriptions.setdefault(subject, []).append((predicate, obj))
        if obj.startswith("_:"):
            self.references[obj] += 1

    def nestable(self, label: str) -> bool:
        return self.references[label] == 1 and label not in self.labelled


class TurtleWriter:
    """Write sorted N-Triples lines as Turtle, one block per subject, with prefixed names.

    The lines must be sorted and hold no triple whose subject is a blank node (those are in
    ``blanks``); each subject's block lists ``a`` first, then its predicates in order.
    """

    def __init__(self, prefixes: Mapping[str, str], blanks: BlankNodes | None = None) -> None:
        self.prefixes = dict(sorted(prefixes.items()))
        self._namespaces = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda x: -len(x[0]))
        self._by_namespace: dict[str, str] | None = None
        """Prefix by namespace, when every namespace ends with "/" or "#" (the usual case)."""
        if all(ns.endswith(("/", "#")) for ns in prefixes.values()):
            # the longest namespace first, as in the loop over ``_namespaces``
            self._by_namespace = {ns: p for ns, p in reversed(self._namespaces)}
        self._iris: dict[str, str] = {}
        self._heads: dict[str, str] = {}
        """A predicate's start of line (indent, name, space), by predicate."""
        self.blanks = blanks if blanks is not None else BlankNodes()
        self._written: set[str] = set()
        self._blocks = 0

    def header(self) -> str:
        """The PREFIX lines, sorted by prefix, and a blank line."""
        lines = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes.items())
        return lines + "\n"

    def write(self, lines: Iterable[bytes], output: IO[bytes]) -> None:
        """Write the blocks of ``lines`` (sorted N-Triples), then the blank nodes left over.

        Each item of ``lines`` is one or more whole lines. Lines whose subject is a blank node
        are skipped: those triples are in ``blanks``.
        """
        parts: list[str] = []  # the output's pieces, written a few hundred kB at a time
        subject = ""
        rows: list[str] = []  # the subject's lines, for :meth:`_block` if an object is blank
        groups: list[tuple[str, list[str]]] = []  # (predicate, objects as written)
        objects: list[str] = []
        last = ""
        simple = True  # no object is a blank node
        iris = self._iris
        name = self._name
        literal = self.literal
        for chunk in lines:
            # N-Triples escapes line breaks, so " .\n" only ever ends a line
            text = chunk.decode("utf-8").split(" .\n")
            text.pop()  # after the last line's end
            for row in text:
                s, p, o = row.split(" ", 2)
                if s != subject:
                    if rows:
                        self._end_subject(parts, subject, rows, groups, simple)
                        if len(parts) > _FLUSH:
                            output.write("".join(parts).encode("utf-8"))
                            parts = []
                    subject, rows, groups, last, simple = s, [], [], "", True
                    if s.startswith("_:"):
                        subject, rows = "", []  # in ``blanks``
                        continue
                rows.append(row)
                if not simple:
                    continue
                first = o[0]
                if first == "<":
                    rendered = iris.get(o) or name(o)
                elif first == '"':
                    # a plain or language-tagged literal without a line break is written as is
                    rendered = o if o[-1] != ">" and "\\n" not in o else literal(o)
                else:  # a blank node, maybe nested: the whole block by _block
                    simple = False
                    continue
                if p == last:
                    objects.append(rendered)
                else:
                    objects = [rendered]
                    groups.append((p, objects))
                    last = p
        if rows:
            self._end_subject(parts, subject, rows, groups, simple)
        for label in self._leftover_blank_nodes():
            self._written.add(label)
            self._start_block(parts)
            parts.append(self._block(label, self.blanks.descriptions[label]))
        output.write("".join(parts).encode("utf-8"))

    def _end_subject(
        self,
        parts: list[str],
        subject: str,
        rows: list[str],
        groups: list[tuple[str, list[str]]],
        simple: bool,
    ) -> None:
        """Add the block of an IRI subject to ``parts``: its ``groups`` of objects as written,
        or, when an object is a blank node (``simple`` false), :meth:`_block` of its ``rows``."""
        self._start_block(parts)
        if not simple:
            pairs = []
            for row in rows:
                _, p, o = row.split(" ", 2)
                pairs.append((p, o))
            parts.append(self._block(self.iri(subject), pairs))
            return
        heads = self._heads
        parts += (self._iris.get(subject) or self.iri(subject), "\n")
        typed = -1
        for index, (p, _) in enumerate(groups):
            if p == RDF_TYPE:
                typed = index
                break
        if typed > 0:  # "a" first, the rest in order
            groups.insert(0, groups.pop(typed))
        for p, objects in groups:
            head = heads.get(p)
            if head is None:
                head = f"{_INDENT}{'a' if p == RDF_TYPE else self.iri(p)} "
                if len(heads) < _IRI_CACHE:
                    heads[p] = head
            if len(objects) == 1:
                parts += (head, objects[0], " ;\n")
            else:  # the predicate on its own line, then one object a line
                parts += (head[:-1], "\n", _INNER, _OBJECTS.join(objects), " ;\n")
        parts.append(".\n")

    def _start_block(self, parts: list[str]) -> None:
        """A blank line in ``parts`` before a block, unless it is the first."""
        if self._blocks:
            parts.append("\n")
        self._blocks += 1

    def _leftover_blank_nodes(self) -> Iterable[str]:
        """Blank nodes not yet written: used more than once or not at all, then cycles."""
        labels = sorted(self.blanks.descriptions)
        for label in labels:
            if label not in self._written and not self.blanks.nestable(label):
                yield label
        for label in labels:
            if label not in self._written:
                yield label

    def _block(self, subject: str, pairs: list[tuple[str, str]]) -> str:
        return f"{subject}\n{self._properties(pairs, 0)}.\n"

    def _properties(self, pairs: list[tuple[str, str]], depth: int) -> str:
        indent = _INDENT * (depth + 1)
        groups: list[tuple[str, list[str]]] = []
        for p, o in pairs:
            if groups and groups[-1][0] == p:
                groups[-1][1].append(o)
            else:
                groups.append((p, [o]))
        groups.sort(key=lambda g: g[0] != RDF_TYPE)  # stable: "a" first, the rest in order
        out: list[str] = []
        for p, objects in groups:
            name = "a" if p == RDF_TYPE else self.iri(p)
            rendered = [self._object(o, depth + 2) for o in objects]
            if len(rendered) == 1 and not rendered[0].startswith("[\n"):
                out.append(f"{indent}{name} {rendered[0]} ;\n")
            else:
                inner = indent + _INDENT
                out.append(f"{indent}{name}\n{inner}" + f" ,\n{inner}".join(rendered) + " ;\n")
        return "".join(out)

    def _object(self, term: str, level: int) -> str:
        first = term[0]
        if first == "<":
            return self.iri(term)
        if first == '"':
            return self.literal(term)
        if term in self._written or not self.blanks.nestable(term):
            return term
        items = self._list(term)
        if items is not None:
            return "( " + " ".join(self._object(item, level + 1) for item in items) + " )"
        self._written.add(term)
        description = self.blanks.descriptions.get(term)
        if not description:
            return "[]"
        return "[\n" + self._properties(description, level) + _INDENT * level + "]"

    def _list(self, head: str) -> list[str] | None:
        """The items of the RDF list starting at ``head``, if it can be written as ``( ... )``."""
        items: list[str] = []
        nodes: list[str] = []
        node = head
        while node != _RDF_NIL:
            if not node.startswith("_:") or node in nodes or node in self._written:
                return None
            if node != head and not self.blanks.nestable(node):
                return None
            description = self.blanks.descriptions.get(node, [])
            if [p for p, _ in description] != [_RDF_FIRST, _RDF_REST]:
                return None
            nodes.append(node)
            items.append(description[0][1])
            node = description[1][1]
        self._written.update(nodes)
        return items

    def iri(self, token: str) -> str:
        """``<iri>`` as a prefixed name if a prefix covers it with a plain local name."""
        return self._iris.get(token) or self._name(token)

    def _name(self, token: str) -> str:
        """:meth:`iri` of a token not in the cache (put in it while it has room)."""
        name = token
        if token.startswith("<"):
            if self._by_namespace is not None:
                # a local name holds no "/" or "#", so only the namespace up to the last one fits
                cut = max(token.rfind("/"), token.rfind("#")) + 1
                prefix = self._by_namespace.get(token[1:cut])
                if prefix is not None and _LOCAL.match(token, cut, len(token) - 1):
                    name = f"{prefix}:{token[cut:-1]}"
            else:
                value = token[1:-1]
                for ns, prefix in self._namespaces:
                    if value.startswith(ns) and _LOCAL.match(value, len(ns)):
                        name = f"{prefix}:{value[len(ns) :]}"
                        break
        if len(self._iris) < _IRI_CACHE:
            self._iris[token] = name
        return name

    def literal(self, token: str) -> str:
        """An N-Triples literal in Turtle: bare numbers and booleans, prefixed datatypes."""
        if token.endswith('"'):
            return _string(token)
        if token.endswith(">"):
            cut = token.rfind('"^^<')
            lexical, datatype = token[: cut + 1], token[cut + 3 :]
            pattern = _SHORTHAND.get(datatype)
            if pattern is not None and pattern.match(lexical[1:-1]):
                return lexical[1:-1]
            return f"{_string(lexical)}^^{self.iri(datatype)}"
        cut = token.rfind('"')
        return _string(token[: cut + 1]) + token[cut + 1 :]


def _string(quoted: str) -> str:
    """An N-Triples string; one with line breaks as a Turtle long string, breaks kept."""
    if "\\n" not in quoted:
        return quoted
    body = _ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(0), quoted[1:-1])
    return f'"""{body}"""'


def _main(paths: list[str]) -> int:
    """Rewrite each Turtle file in place in canonical form (``make fmt``)."""
    for path in paths:
        graph = Graph(bind_namespaces="none")
        graph.parse(path, format="turtle")
        text = canonical_turtle(graph)
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                continue
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
