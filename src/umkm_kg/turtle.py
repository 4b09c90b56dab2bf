"""Deterministic Turtle: the same graph always gives the same bytes, so git diffs stay readable."""

from __future__ import annotations

from rdflib import Graph

from .namespaces import PREFIXES


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
