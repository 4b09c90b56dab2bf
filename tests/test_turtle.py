"""Canonical Turtle: the same graph gives the same bytes in every process."""

from __future__ import annotations

import os
import subprocess
import sys

from rdflib import Graph

from umkm_kg.publish.turtle import canonical_turtle

SIBLING_BLANK_NODES = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <http://example.org/> .
[] a owl:AllDifferent ; owl:distinctMembers (ex:a ex:b) .
[] a owl:AllDifferent ; owl:distinctMembers (ex:c ex:d) .
[] a owl:AllDifferent ; owl:distinctMembers (ex:e ex:f) .
"""

SCRIPT = (
    "import sys; from rdflib import Graph; from umkm_kg.publish.turtle import canonical_turtle; "
    "g = Graph(); g.parse(data=sys.stdin.read(), format='turtle'); "
    "sys.stdout.write(canonical_turtle(g))"
)


def test_sibling_blank_nodes_serialise_the_same_under_any_hash_seed() -> None:
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            input=SIBLING_BLANK_NODES,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_canonical_turtle_is_idempotent_and_uses_project_prefixes() -> None:
    graph = Graph()
    graph.parse(data=SIBLING_BLANK_NODES, format="turtle")
    text = canonical_turtle(graph)
    again = Graph()
    again.parse(data=text, format="turtle")
    assert canonical_turtle(again) == text
    assert "PREFIX owl: <http://www.w3.org/2002/07/owl#>" in text
    assert "ns1:" not in text  # ex: is not a project prefix, so it is written in full
