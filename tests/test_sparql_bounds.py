"""The guard bounds the size and shape of a query before any engine sees it.

Long flat expressions, long property paths and deep nesting crash Oxigraph (a stack overflow,
exit 139) and make rdflib's parser recurse past Python's limit. The cases are the ``queries`` of
tests/data/hostile/manifest.json; most would take the test process down with them, so they run
only in subprocesses.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from umkm_kg.errors import BadInput
from umkm_kg.query.sparql import MAX_NESTING, check_size, inspect_query

MANIFEST = json.loads(
    (Path(__file__).parent / "data" / "hostile" / "manifest.json").read_text(encoding="utf-8")
)
QUERIES: list[dict[str, Any]] = MANIFEST["queries"]


def build(case: dict[str, Any]) -> str:
    """The query text a manifest case describes."""
    times = case["times"]
    if "open" in case:
        body = case["open"] * times + case["unit"] + case["close"] * times
    else:
        body = case["sep"].join([case["unit"]] * times)
    return case["prefix"] + body + case["suffix"]


_RUN_ALL = """
import json, sys
from umkm_kg.errors import UmkmError
from umkm_kg.kg import KnowledgeGraph
kg = KnowledgeGraph.embedded()
for name, text in json.load(sys.stdin):
    print(name, flush=True)
    try:
        kg.query(text, timeout=60, max_rows=1)
        print(json.dumps({"name": name, "exit": 0}), flush=True)
    except UmkmError as exc:
        print(json.dumps({"name": name, "exit": exc.exit_code, "message": str(exc)}), flush=True)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src")}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict[str, Any]]:
    """Every manifest query run through ``KnowledgeGraph.query`` in one subprocess."""
    cases = [[c["name"], build(c)] for c in QUERIES]
    done = subprocess.run(
        [sys.executable, "-c", _RUN_ALL],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    found = {}
    last = None
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            found[record["name"]] = record
        else:
            last = line
    assert done.returncode == 0, f"crashed ({done.returncode}) on {last}: {done.stderr[-2000:]}"
    return found


@pytest.mark.parametrize("case", QUERIES, ids=lambda c: c["name"])
def test_hostile_query_is_refused_or_runs(
    case: dict[str, Any], outcomes: dict[str, dict[str, Any]]
) -> None:
    got = outcomes[case["name"]]
    if case["outcome"] == "allowed":
        assert got["exit"] == 0, got
    else:
        assert got["exit"] == 2, got
        for message in case["messages"]:
            assert message in got["message"], got


@pytest.mark.parametrize("name", ["sum-10000", "or-10000", "path-sequence-10000"], ids=lambda n: n)
def test_the_issue_examples_exit_2_from_the_command_line(name: str, tmp_path: Path) -> None:
    case = next(c for c in QUERIES if c["name"] == name)
    query = tmp_path / "q.rq"
    query.write_text(build(case), encoding="utf-8")
    command = ["sparql", "-f", str(query)]
    done = subprocess.run(
        [sys.executable, "-m", "umkm_kg.cli", "--data-dir", str(tmp_path / "d"), *command],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert case["messages"][0] in done.stderr
    assert "Traceback" not in done.stderr
    assert "line 1, column" in done.stderr  # where the offending token is


@pytest.mark.parametrize("case", QUERIES, ids=lambda c: c["name"])
def test_the_size_check_is_linear_and_quick(case: dict[str, Any]) -> None:
    text = build(case)
    started = time.perf_counter()
    with contextlib.suppress(BadInput):
        check_size(text)
    assert time.perf_counter() - started < 2.0  # one pass over at most 256 KiB of tokens


def test_the_guard_walks_parse_trees_deeper_than_the_recursion_limit() -> None:
    # Nesting at the bound makes a parse tree hundreds of nodes deep: the walk must not recurse.
    text = "ASK { FILTER(" + "(" * (MAX_NESTING - 2) + "1" + ")" * (MAX_NESTING - 2) + ") }"
    limit = sys.getrecursionlimit()
    assert inspect_query(text).form.value == "ASK"
    assert sys.getrecursionlimit() == limit


def test_doubled_operators_and_hyphenated_names_are_not_unary_runs() -> None:
    ops = " || ".join(["?a != ?b", "?a <= ?b", "?a >= ?b", "?a && ?b"])
    check_size(f"ASK {{ ?a <p> ?b FILTER({ops}) }}")
    check_size('ASK { ?s <https://schema.org/name> "a-b-c" ; a <urn:x:a-b-c-d-e> }')
    check_size("PREFIX kg: <urn:x:> ASK { kg:a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r ?p ?o }")
