"""The persistent store: generations written aside and published atomically, readers that move
to the newest one, a bounded history that a reader's open generation survives, restores."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from umkm_kg.errors import StoreError
from umkm_kg.query.results import QueryForm
from umkm_kg.records import bundled_graphs
from umkm_kg.store import DiskStore
from umkm_kg.store.disk import CURRENT, HISTORY, list_generations, write_transaction

EX = "https://example.org/"
GRAPH = "https://w3id.org/umkm-kg/graph/records/test"


def _quad(n: int, graph: str = GRAPH) -> ox.Quad:
    return ox.Quad(
        ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(n)), ox.NamedNode(graph)
    )


def _count(store: DiskStore) -> int:
    result = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}p> ?o }}", form=QueryForm.SELECT
    )
    return int(result.rows[0]["n"])  # type: ignore[call-overload]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "store"


def test_first_open_builds_the_bundled_graphs(folder: Path) -> None:
    store = DiskStore.open(folder, bundled=bundled_graphs())
    assert set(store.generation.graphs) == set(bundled_graphs())
    assert store.generation.meta["quads"] == len(store.oxigraph) > 1000
    again = DiskStore.open(folder, bundled=bundled_graphs())
    assert again.version == store.version  # nothing rebuilt when nothing changed


def test_changed_bundled_files_are_reloaded(folder: Path, tmp_path: Path) -> None:
    small = tmp_path / "small.ttl"
    small.write_text(f"<{EX}a> <{EX}p> 1 .\n", encoding="utf-8")
    first = DiskStore.open(folder, bundled={GRAPH: small})
    small.write_text(f"<{EX}a> <{EX}p> 1 , 2 .\n", encoding="utf-8")
    second = DiskStore.open(folder, bundled={GRAPH: small})
    assert second.version != first.version
    assert second.generation.graphs == {GRAPH: 2}


def test_a_reader_moves_to_what_a_writer_publishes(folder: Path) -> None:
    reader = DiskStore.open(folder, bundled={})
    writer = DiskStore(folder)
    with writer.transaction("one") as tx:
        tx.extend([_quad(1)])
    assert _count(reader) == 1  # the query itself looked at CURRENT
    assert reader.generation.graphs == {GRAPH: 1}
    assert reader.generation.change == "one"


def test_a_writer_in_another_process_is_seen_by_a_running_reader(folder: Path) -> None:
    reader = DiskStore.open(folder, bundled={})
    code = (
        "import sys, pyoxigraph as ox; from pathlib import Path;"
        "from umkm_kg.store import DiskStore;"
        "s = DiskStore(Path(sys.argv[1]));"
        "tx_ctx = s.transaction('child');"
        "tx = tx_ctx.__enter__();"
        f"tx.extend([ox.Quad(ox.NamedNode('{EX}c'), ox.NamedNode('{EX}p'), ox.Literal('x'),"
        f" ox.NamedNode('{GRAPH}'))]);"
        "del tx; tx_ctx.__exit__(None, None, None)"
    )
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, timeout=120)
    assert _count(reader) == 1


def test_an_error_inside_the_transaction_publishes_nothing(folder: Path) -> None:
    store = DiskStore.open(folder, bundled={})
    before = store.version
    with pytest.raises(RuntimeError), store.transaction("broken") as tx:
        tx.extend([_quad(1)])
        raise RuntimeError("half-way")
    assert store.version == before and _count(store) == 0
    assert [g.name for g in list_generations(folder)] == [before]
    assert len([p for p in folder.iterdir() if p.is_dir()]) == 1  # the unfinished one is gone


def test_a_cancelled_transaction_publishes_nothing(folder: Path) -> None:
    store = DiskStore.open(folder, bundled={})
    before = store.version
    with store.transaction("cancelled") as tx:
        tx.extend([_quad(1)])
        tx.cancel()
    assert store.version == before and _count(store) == 0


def test_history_is_bounded_and_an_old_generation_can_be_restored(folder: Path) -> None:
    store = DiskStore.open(folder, bundled={})
    for n in range(HISTORY + 3):
        with store.transaction(f"add {n}") as tx:
            tx.extend([_quad(n)])
    history = store.history()
    assert len(history) == HISTORY + 1
    assert [g.change for g in history] == [f"add {n}" for n in range(HISTORY + 2, 1, -1)]
    oldest = history[-1]
    with store.transaction("restore", start=oldest.name):
        pass
    assert _count(store) == oldest.graphs[GRAPH] == 3
    assert store.generation.meta["parent"] == oldest.name


def test_a_generation_open_in_a_reader_is_not_collected(folder: Path) -> None:
    old_reader = DiskStore.open(folder, bundled={})
    pinned = old_reader.version
    writer = DiskStore(folder)
    # the old reader does not query meanwhile, so it keeps its generation open
    for n in range(HISTORY + 3):
        with writer.transaction(f"add {n}") as tx:
            tx.extend([_quad(n)])
    assert (folder / pinned).is_dir()
    assert len(old_reader.oxigraph) == 0  # still readable
    old_reader.close()
    with writer.transaction("one more") as tx:
        tx.extend([_quad(99)])
    assert not (folder / pinned).exists()


def test_leftovers_of_a_killed_writer_are_removed_by_the_next(folder: Path) -> None:
    store = DiskStore.open(folder, bundled={})
    (folder / "g00000099").mkdir()
    (folder / ".CURRENT.x.tmp").write_text("g00000099", encoding="ascii")
    with store.transaction("next") as tx:
        tx.extend([_quad(1)])
    assert not (folder / "g00000099").exists()
    assert not list(folder.glob(".*.tmp"))
    assert store.version == "g00000002"  # the discarded, never published name is free again


def test_a_missing_store_is_reported(folder: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        DiskStore(folder)


def test_an_unwritable_folder_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("not a folder", encoding="utf-8")
        target = blocker / "store"
    else:
        tmp_path.chmod(0o500)
        target = tmp_path / "store"
    with pytest.raises(StoreError, match=r"cannot (read|write)"):
        DiskStore.open(target, bundled={})


def test_writers_wait_for_each_other(folder: Path) -> None:
    store = DiskStore.open(folder, bundled={})
    with write_transaction(folder, "holder") as tx:
        with (
            pytest.raises(StoreError, match="write lock"),
            write_transaction(folder, "waiter", timeout=0.2),
        ):
            pass
        tx.extend([_quad(1)])
    assert (folder / CURRENT).read_text(encoding="ascii").strip() == "g00000002"
    assert _count(store) == 1


# --- the store trusts only its own small, regular files (issue 11, item 2) ----------------------


@pytest.mark.parametrize("kind", ["symlink", "fifo", "device", "huge"])
def test_current_must_be_a_small_regular_file(folder: Path, tmp_path: Path, kind: str) -> None:
    DiskStore.open(folder, bundled={})
    current = folder / CURRENT
    current.unlink()
    if kind == "symlink":
        target = tmp_path / "elsewhere"
        target.write_text("g00000001\n", encoding="ascii")
        current.symlink_to(target)
    elif kind == "fifo":
        os.mkfifo(current)
    elif kind == "device":
        current.symlink_to("/dev/zero")
    else:
        current.write_text("g00000001" + " " * 100_000, encoding="ascii")
    with pytest.raises(StoreError, match=r"refusing to read|larger than"):
        DiskStore(folder)  # and returns at once: a FIFO is not waited on, /dev/zero not read


def test_a_linked_generation_folder_is_refused(folder: Path, tmp_path: Path) -> None:
    store = DiskStore.open(folder, bundled={})
    real = tmp_path / "outside"
    (folder / store.version).rename(real)
    (folder / store.version).symlink_to(real)
    with pytest.raises(StoreError, match="not a folder of the store"):
        DiskStore(folder)


def test_a_description_that_is_not_ours_is_refused(folder: Path) -> None:
    store = DiskStore.open(folder, bundled={})
    (folder / f"{store.version}.json").write_text('["graphs"]', encoding="utf-8")
    with pytest.raises(StoreError, match="is damaged: not a JSON object"):
        DiskStore(folder)


def test_a_transaction_that_loses_quads_is_not_published(folder: Path) -> None:
    """The last guard against data loss: in the graphs a transaction writes to, only an
    explicit drop may take quads away."""
    store = DiskStore.open(folder, bundled={})
    with store.transaction("seed") as tx:
        tx.extend([_quad(1), _quad(2)])
    before = store.version
    with pytest.raises(StoreError, match="would shrink"), store.transaction("buggy") as tx:
        tx.store.remove(_quad(1))  # as a bug would, behind the transaction's back
        tx.extend([_quad(2)])  # a write to the same graph that adds nothing new
    assert store.version == before and _count(store) == 2


def test_current_naming_a_missing_generation_says_so(folder: Path) -> None:
    DiskStore.open(folder, bundled={})
    (folder / CURRENT).write_text("g00000042\n", encoding="ascii")
    with pytest.raises(StoreError, match="names g00000042, which is not in the store"):
        DiskStore(folder)
    assert not (folder / "g00000042.lock").exists()


def test_a_bulk_write_is_compacted_and_small_writes_are_not(folder: Path) -> None:
    """Compaction (see store/disk.py) merges the storage files a bulk load leaves overlapping;
    small writes keep the last compaction's figure until the files have multiplied."""
    with write_transaction(folder, "first") as tx:
        tx.extend([_quad(n) for n in range(50)])
    with write_transaction(folder, "bulk") as tx:
        tx.extend((_quad(n) for n in range(50, 5000)), bulk=True)
    (bulk,) = [g for g in list_generations(folder) if g.change == "bulk"]
    files = sorted(p.name for p in (folder / bulk.name).glob("*.sst"))
    assert bulk.meta["compacted_files"] == len(files) > 0
    with write_transaction(folder, "small") as tx:
        tx.extend([_quad(9999)])
    (small,) = [g for g in list_generations(folder) if g.change == "small"]
    assert small.meta["compacted_files"] == bulk.meta["compacted_files"]
    assert _count(DiskStore(folder)) == 5001


def test_a_batch_written_with_the_bulk_loader_is_whole_and_not_compacted(folder: Path) -> None:
    from umkm_kg.store.disk import BULK_QUADS

    with write_transaction(folder, "bulk") as tx:
        tx.extend((_quad(n) for n in range(3000)), bulk=True)
    with write_transaction(folder, "batch") as tx:
        tx.extend([_quad(n, GRAPH + "-2") for n in range(BULK_QUADS + 1)])
    batch, bulk = list_generations(folder)[:2]
    assert batch.graphs == {GRAPH: 3000, GRAPH + "-2": BULK_QUADS + 1}
    assert batch.meta["compacted_files"] == bulk.meta["compacted_files"]
    assert _count(DiskStore(folder)) == 3000 + BULK_QUADS + 1  # once per graph
    # a failure after the loader wrote leaves the store as it was
    with pytest.raises(RuntimeError), write_transaction(folder, "broken") as tx:
        tx.extend([_quad(n, GRAPH + "-3") for n in range(BULK_QUADS + 1)])
        raise RuntimeError("half-way")
    assert list_generations(folder)[0].graphs == batch.graphs


def _open_files(folder: Path) -> list[str]:
    """The files of ``folder`` this process has open (Linux: /proc/self/fd)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder.resolve()) + "/g"):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/self/fd")
def test_close_closes_the_files_and_collects_only_when_the_store_is_held(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    DiskStore.open(folder, bundled=bundled_graphs()).close()
    collections: list[int] = []
    collect = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(1) or collect(*args))
    store = DiskStore(folder)
    assert _open_files(folder)
    store.close()
    assert not _open_files(folder) and not collections  # nothing else held it: no collection
    # held only by garbage in a reference cycle: collected, and the files closed all the same
    store = DiskStore(folder)
    cycle: list[object] = [store.oxigraph]
    cycle.append(cycle)
    del cycle
    store.close()
    assert collections and not _open_files(folder)
