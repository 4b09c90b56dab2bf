"""Answers kept per data version: the same answer back, a new one after any write, never a
stale one, and files that do not read back are ignored."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from umkm_kg.query.results import QueryForm
from umkm_kg.store import DiskStore

EX = "https://example.org/"
GRAPH = "https://w3id.org/umkm-kg/graph/records/test"
SELECT = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"


def _quad(n: int, value: ox.Literal | ox.NamedNode | None = None) -> ox.Quad:
    return ox.Quad(
        ox.NamedNode(f"{EX}s{n}"),
        ox.NamedNode(f"{EX}p"),
        value if value is not None else ox.Literal(str(n)),
        ox.NamedNode(GRAPH),
    )


@pytest.fixture
def store(tmp_path: Path) -> DiskStore:
    store = DiskStore.open(tmp_path / "store", bundled={})
    with store.transaction("seed") as tx:
        tx.extend(
            [
                _quad(1),
                _quad(2, ox.Literal("dua", language="id")),
                _quad(
                    3,
                    ox.Literal(
                        "3.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
                    ),
                ),
                _quad(4, ox.NamedNode(f"{EX}o")),
            ]
        )
    return store


def test_a_repeated_query_is_read_back_equal(store: DiskStore) -> None:
    first = store.query_cached(SELECT, form=QueryForm.SELECT)
    assert store.cache.get(store.version, SELECT, QueryForm.SELECT, 10_000) is not None
    kept = list((store.folder.parent / "cache" / store.version).glob("*.json"))
    assert len(kept) == 1
    second = store.query_cached(SELECT, form=QueryForm.SELECT)
    assert second.rows == first.rows and second.variables == first.variables
    assert [type(r["o"]) for r in second.rows] == [type(r["o"]) for r in first.rows]
    assert second.rows[1]["o"].language == "id"  # type: ignore[union-attr]


def test_a_write_gives_a_new_answer_and_drops_the_old_ones(store: DiskStore) -> None:
    before = store.query_cached(SELECT, form=QueryForm.SELECT)
    old = store.version
    with store.transaction("more") as tx:
        tx.extend([_quad(5)])
    after = store.query_cached(SELECT, form=QueryForm.SELECT)
    assert len(after.rows) == len(before.rows) + 1
    assert not (store.folder.parent / "cache" / old).exists()


def test_a_damaged_entry_is_recomputed(store: DiskStore) -> None:
    store.query_cached(SELECT, form=QueryForm.SELECT)
    [entry] = (store.folder.parent / "cache" / store.version).glob("*.json")
    entry.write_text('{"key": "something else", "rows": []}', encoding="utf-8")
    assert len(store.query_cached(SELECT, form=QueryForm.SELECT).rows) == 4
    entry.write_text("not json", encoding="utf-8")
    assert len(store.query_cached(SELECT, form=QueryForm.SELECT).rows) == 4


def test_graph_and_boolean_answers_and_row_caps_are_kept_apart(store: DiskStore) -> None:
    construct = f"CONSTRUCT {{ ?s <{EX}p> ?o }} WHERE {{ ?s <{EX}p> ?o }}"
    graph = store.query_cached(construct, form=QueryForm.CONSTRUCT)
    again = store.query_cached(construct, form=QueryForm.CONSTRUCT)
    assert graph.graph is not None and again.graph is not None
    assert set(again.graph) == set(graph.graph) and len(graph.graph) == 4
    kept = store.cache.get(store.version, construct, QueryForm.CONSTRUCT, 10_000)
    assert kept is not None and kept.graph is not None and set(kept.graph) == set(graph.graph)
    ask = store.query_cached(f"ASK {{ ?s <{EX}p> ?o }}", form=QueryForm.ASK)
    assert (
        store.query_cached(f"ASK {{ ?s <{EX}p> ?o }}", form=QueryForm.ASK).boolean
        is ask.boolean
        is True
    )
    cut = store.query_cached(SELECT, form=QueryForm.SELECT, max_rows=2)
    assert cut.truncated and len(cut.rows) == 2
    assert not store.query_cached(SELECT, form=QueryForm.SELECT).truncated


def test_volatile_queries_are_not_kept(store: DiskStore) -> None:
    store.query_cached("SELECT (NOW() AS ?t) WHERE {}", form=QueryForm.SELECT)
    assert not (store.folder.parent / "cache").exists()
