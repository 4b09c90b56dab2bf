"""Queries in a child process: the same answers as in-process, and a time or memory limit that
really stops the query (the process is gone, no thread is left running)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from umkm_kg.errors import BadInput, QueryTimeout, ResourceLimit
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.results import QueryForm
from umkm_kg.store.worker import QueryWorker

# A cartesian product of the bundled data with itself, three times: minutes of work.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BIG = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"  # holds 1.5M rows to sort them


@pytest.fixture
def kg(data_dir: Path) -> KnowledgeGraph:
    graph = KnowledgeGraph.embedded(data_dir=data_dir)
    yield graph  # type: ignore[misc]
    graph.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(
    ("sparql", "form"),
    [
        ("SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c", QueryForm.SELECT),
        ("ASK { ?s a <https://w3id.org/umkm-kg/ontology#Enterprise> }", QueryForm.ASK),
        (
            "CONSTRUCT { ?s ?p ?o } WHERE "
            "{ ?s a <https://w3id.org/umkm-kg/ontology#Enterprise> ; ?p ?o }",
            QueryForm.CONSTRUCT,
        ),
    ],
    ids=["select", "ask", "construct"],
)
def test_the_child_gives_the_same_answers(
    kg: KnowledgeGraph, data_dir: Path, sparql: str, form: QueryForm
) -> None:
    assert kg.store.worker is not None  # type: ignore[attr-defined]
    isolated = kg.store.query(sparql, form=form)
    in_thread = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    here = in_thread.store.query(sparql, form=form)
    assert isolated.rows == here.rows and isolated.boolean == here.boolean
    if form is QueryForm.CONSTRUCT:
        assert isolated.graph is not None and here.graph is not None
        assert set(isolated.graph) == set(here.graph) and len(here.graph) > 10


def test_a_timeout_stops_the_query_for_good(kg: KnowledgeGraph) -> None:
    kg.query("ASK { ?s ?p ?o }")  # the child is running
    worker = kg.store.worker  # type: ignore[attr-defined]
    pid = worker._process.pid
    threads = threading.active_count()
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="longer than 1 s"):
        kg.query(SLOW, timeout=1.0)
    assert time.monotonic() - started < 5
    assert not _alive(pid)  # killed, not left burning CPU
    assert threading.active_count() == threads
    assert kg.query("ASK { ?s ?p ?o }").boolean is True  # a new child answers the next one


def test_a_query_past_the_memory_limit_is_stopped(data_dir: Path) -> None:
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    kg.store.worker = QueryWorker(memory=1024 * 2**20)  # type: ignore[attr-defined]
    started = time.monotonic()
    with pytest.raises(ResourceLimit, match="needed more than 1024 MiB"):
        kg.store.query(BIG, form=QueryForm.SELECT, timeout=120, max_rows=1)
    assert time.monotonic() - started < 60
    assert kg.query("ASK { ?s ?p ?o }").boolean is True
    kg.close()


def test_a_query_the_engine_refuses_is_bad_input(kg: KnowledgeGraph) -> None:
    with pytest.raises(BadInput, match="could not run the query"):
        kg.store.query("SELECT * WHERE { ?s ?p }", form=QueryForm.SELECT)


def test_close_stops_the_child(data_dir: Path) -> None:
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    kg.query("ASK { ?s ?p ?o }")
    pid = kg.store.worker._process.pid  # type: ignore[attr-defined]
    kg.close()
    assert not _alive(pid)


def test_checking_the_query_counts_against_the_limit(kg: KnowledgeGraph) -> None:
    """Regression: parsing and checking ran before the clock started (a 100 KB IN list took
    65 s with a 2 s limit); the limit now covers the whole query."""
    values = ", ".join(f'"v{n}"' for n in range(900))
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        kg.query(f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o IN ({values})) }}", timeout=0.001)
    assert time.monotonic() - started < 30
