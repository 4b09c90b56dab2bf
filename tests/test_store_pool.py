"""The pool of query processes a server uses: the same answers, a slow query does not block
the others, and a query past its limit is killed and its process replaced."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from umkm_kg.errors import QueryTimeout
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.results import QueryForm
from umkm_kg.store import DiskStore
from umkm_kg.store.pool import WorkerPool
from umkm_kg.web.server import open_graph
from web_fixtures import SLOW

FAST = "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"


@pytest.fixture
def pooled(data_dir: Path) -> Iterator[tuple[KnowledgeGraph, WorkerPool]]:
    kg = open_graph(data_dir, workers=2)
    pool = kg.store.worker  # type: ignore[attr-defined]
    assert isinstance(pool, WorkerPool)
    yield kg, pool
    kg.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _path(kg: KnowledgeGraph) -> Path:
    store = kg.store
    assert isinstance(store, DiskStore)
    return store.folder / store.generation.name


def test_the_pool_answers_as_the_store_in_this_process(
    pooled: tuple[KnowledgeGraph, WorkerPool], data_dir: Path
) -> None:
    kg, _ = pooled
    here = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    assert kg.query(FAST).rows == here.query(FAST).rows and len(here.query(FAST).rows) > 5
    here.close()


def test_the_processes_are_started_before_the_first_query(
    pooled: tuple[KnowledgeGraph, WorkerPool],
) -> None:
    _, pool = pooled
    assert all(w.running for w in pool._workers)


def test_a_slow_query_leaves_the_other_process_answering(
    pooled: tuple[KnowledgeGraph, WorkerPool],
) -> None:
    kg, pool = pooled
    outcome: list[BaseException] = []

    def slow() -> None:
        try:
            kg.query(SLOW, timeout=3)
        except QueryTimeout as exc:
            outcome.append(exc)

    before = {w.pid for w in pool._workers}
    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    assert len([w for w in pool._workers if w._lock.locked()]) == 1
    for _ in range(3):
        assert kg.query(FAST, timeout=2).rows  # on the other process, meanwhile
    assert thread.is_alive()
    thread.join()
    assert outcome and "longer than 3 s" in str(outcome[0])
    killed = [pid for pid in before if pid is not None and not _alive(pid)]
    assert len(killed) == 1
    deadline = time.monotonic() + 10
    while not all(w.running for w in pool._workers) and time.monotonic() < deadline:
        time.sleep(0.05)  # its successor is started in the background
    assert all(w.running for w in pool._workers)


def test_a_query_that_finds_no_free_process_in_time_is_not_run(data_dir: Path) -> None:
    KnowledgeGraph.embedded(data_dir=data_dir, isolated=False).close()
    kg = open_graph(data_dir, workers=1)
    try:

        def slow() -> None:
            with pytest.raises(QueryTimeout):
                kg.query(SLOW, timeout=2)

        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.3)
        pool = kg.store.worker  # type: ignore[attr-defined]
        with pytest.raises(QueryTimeout, match=r"waited 0\.5 s for a free query process"):
            pool.query(_path(kg), FAST, form=QueryForm.SELECT, timeout=0.5, max_rows=None)
        thread.join()
    finally:
        kg.close()
