"""Differential test: the fast evaluator and pySHACL find the same results in mutated records.

A seeded mutator (no dependency) drops triples, rewrites literals (other language, no language,
ill-typed, negative, NaN), points objects at other resources and swaps predicates: the kinds of
mistakes the shapes exist to catch, and the corners where an evaluator may read SHACL otherwise.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.validation import Engine, RecordBatch, result_keys, validate

RECORDS = Path(__file__).parent / "data" / "records"
SEEDS = range(60)

Triple = tuple[Node, Node, Node]


def _literal_variant(rng: random.Random, value: Literal) -> Literal:
    choices = [
        Literal(str(value), lang=rng.choice(["id", "en", "ms"])),
        Literal(str(value)),
        Literal("not a number", datatype=XSD.integer),
        Literal("-3", datatype=XSD.integer),
        Literal("NaN", datatype=XSD.decimal),
        Literal("2.5", datatype=XSD.decimal),
        Literal(f"{value} {value}", datatype=value.datatype) if value.language is None else value,
    ]
    return rng.choice(choices)


def mutate(triples: list[Triple], rng: random.Random) -> list[Triple]:
    """``triples`` with one to three random mutations."""
    out = list(triples)
    objects = [o for _, _, o in out if isinstance(o, URIRef)]
    predicates = sorted({p for _, p, _ in out})
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(out))
        s, p, o = out[i]
        kind = rng.choice(["drop", "literal", "object", "predicate", "duplicate"])
        if kind == "drop":
            del out[i]
        elif kind == "literal" and isinstance(o, Literal):
            out[i] = (s, p, _literal_variant(rng, o))
        elif kind == "object" and objects:
            out[i] = (s, p, rng.choice(objects))
        elif kind == "predicate":
            out[i] = (s, rng.choice(predicates), o)
        elif kind == "duplicate" and isinstance(o, Literal):
            out.append((s, p, Literal(f"{o} (2)", lang=o.language, datatype=o.datatype)))
    return list(dict.fromkeys(out))


@pytest.mark.parametrize("seed", SEEDS)
def test_fast_evaluator_finds_what_pyshacl_finds_in_mutated_records(
    kg: KnowledgeGraph, seed: int
) -> None:
    rng = random.Random(seed)
    source = rng.choice(["valid-enterprise.ttl", "invalid-enterprise.ttl"])
    base = sorted(Graph().parse(RECORDS / source), key=lambda t: tuple(x.n3() for x in t))
    graph = Graph()
    for triple in mutate(base, rng):
        graph.add(triple)  # type: ignore[arg-type]
    batch = RecordBatch.of(graph, source)
    fast = validate(batch, kg)
    reference = validate(batch, kg, engine=Engine.PYSHACL)
    assert result_keys(fast.graph) == result_keys(reference.graph)
