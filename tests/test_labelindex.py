"""The label index: what it folds, how it splits words, and where a disk store keeps it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.labelbuild import FORMAT, build
from umkm_kg.query.labelindex import (
    fingerprint,
    fold,
    index_of,
    index_path,
    match_expression,
)
from umkm_kg.query.search import search
from umkm_kg.store import DiskStore

KG = "https://w3id.org/umkm-kg/id/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RECORDS = ox.NamedNode("https://w3id.org/umkm-kg/graph/records/test")


def test_fold_ignores_case_accents_and_compatibility_forms() -> None:
    assert fold("  Café ﬁNE ") == fold("cafe fine") == "cafe fine"
    assert fingerprint("PERANCIS") == fingerprint("perancis") != fingerprint("prancis")


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("Batik tulis", '"batik" "tulis"'),
        ('"batik" NEAR( x*', '"batik" "near" "\x1e\x1ex"'),
        ("kue_lapis ba", '"kue" "lapis" "\x1eba"'),
        ("Café CAFE", '"cafe"'),
        ('" * ( ) : ^ -', None),
    ],
)
def test_the_text_becomes_quoted_folded_words_never_fts_syntax(
    text: str, expression: str | None
) -> None:
    assert match_expression(text) == expression


def _store(labels: dict[str, list[ox.Literal]]) -> ox.Store:
    store = ox.Store()
    for name, values in labels.items():
        subject = ox.NamedNode(KG + name)
        store.add(ox.Quad(subject, TYPE, ox.NamedNode(KG + "Thing"), RECORDS))
        for value in values:
            store.add(ox.Quad(subject, LABEL, value, RECORDS))
    return store


def test_a_built_file_finds_words_inside_labels_and_short_ones_at_word_starts(
    tmp_path: Path,
) -> None:
    store = _store(
        {
            "enterprise-a": [ox.Literal("Batik Tulis Sambi", language="id")],
            "enterprise-b": [ox.Literal("Tulis Batik", language="en")],
            "enterprise-c": [ox.Literal("Pembatik Kreo")],  # "batik" inside a word: found
            "enterprise-d": [ox.Literal("Mébel Jati")],
            "enterprise-e": [ox.Literal("Pengekspor Kopi"), ox.Literal("Kopi Ekspor")],
        }
    )
    path = tmp_path / "labels.sqlite"
    facts = build(store, str(path))
    assert (facts.resources, facts.labels) == (5, 6)
    assert facts.size_bytes == path.stat().st_size > 0
    from umkm_kg.query.labelindex import LabelIndex

    index = LabelIndex(path)

    def found(text: str) -> set[str]:
        return {m.resource.removeprefix(KG) for m in index.search(text, limit=10)[0]}

    assert found("BATIK tul") == {"enterprise-a", "enterprise-b"}
    assert found("batik") == {"enterprise-a", "enterprise-b", "enterprise-c"}
    assert found("atik") == {"enterprise-a", "enterprise-b", "enterprise-c"}
    assert found("ba") == {"enterprise-a", "enterprise-b"}  # short: at a word's start only
    assert found("b") == {"enterprise-a", "enterprise-b"}
    assert found("kr pe") == {"enterprise-c"} == found("embat k")
    assert found("ati") == {"enterprise-a", "enterprise-b", "enterprise-c", "enterprise-d"}
    assert found("tulis sambi") == {"enterprise-a"}
    assert found("ekspor") == {"enterprise-e"}
    assert found("bel jat") == {"enterprise-d"}  # accents folded; "jat" inside "jati"
    assert found("sambi kopi") == set()  # every word in the same resource's labels
    assert index.search("batik", limit=10)[1] == 3
    # the label shown is the one holding the words
    (shown,) = index.search("pengekspor", limit=10)[0]
    assert shown.label == "Pengekspor Kopi"
    assert all(m.types == (KG + "Thing",) for m in index.search("batik", limit=10)[0])
    assert [m.resource for m in index.search("mebel", limit=10)[0]] == [KG + "enterprise-d"]
    assert index.names("mebel jati", limit=5) == [KG + "enterprise-d"]
    assert index.names("ENTERPRISE-C", limit=5) == [KG + "enterprise-c"]  # the IRI's segment
    assert index.names("mebel", limit=5) == []  # a name is compared whole


def test_a_generation_gets_its_index_once_and_a_new_one_its_own(data_dir: Path) -> None:
    from umkm_kg.kg import KnowledgeGraph

    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    store = kg.store
    assert isinstance(store, DiskStore)
    first = index_of(store)
    assert first is not None and first.path == index_path(store)
    assert first.path == data_dir / "cache" / f"labels-v{FORMAT}-{store.version}.sqlite"
    built = first.path.stat().st_mtime_ns
    again = index_of(store)
    assert again is not None and again.path == first.path
    assert first.path.stat().st_mtime_ns == built  # read, not built again
    assert not list(first.path.parent.glob(".*.tmp"))
    old = store.version
    with store.transaction("test: one more enterprise") as tx:
        tx.extend(
            [ox.Quad(ox.NamedNode(KG + "enterprise-zz"), LABEL, ox.Literal("Zebra Unik"), RECORDS)]
        )
    assert store.version != old
    newer = index_of(store)
    assert newer is not None and newer.path != first.path
    assert [m.resource for m in newer.search("zebra", limit=5)[0]] == [KG + "enterprise-zz"]
    assert not first.path.exists()  # removed once the newer one is in place
    assert first.search("zebra", limit=5) == ([], 0)  # yet still open, and unchanged
    kg.close()


def test_a_cache_folder_that_cannot_be_written_is_a_store_error_and_search_goes_on(
    data_dir: Path,
) -> None:
    from umkm_kg.errors import StoreError
    from umkm_kg.kg import KnowledgeGraph

    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    (data_dir / "cache").write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot write the label index"):
        index_of(kg.store)
    # search then asks the store itself, and says so
    found = search(kg, "malaysia", limit=50)
    assert found.method == "sparql" and "cannot write the label index" in found.note
    assert KG + "country-my" in {m.resource for m in found.matches}
    kg.close()


def _search_in_child(data_dir: Path, queue: object) -> None:
    from umkm_kg.kg import KnowledgeGraph

    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    index = index_of(kg.store)
    assert index is not None
    queue.put((str(index.path), index.search("malaysia", limit=3)[1]))  # type: ignore[attr-defined]


def test_processes_building_at_once_share_one_complete_index(data_dir: Path) -> None:
    import multiprocessing

    from umkm_kg.kg import KnowledgeGraph

    KnowledgeGraph.embedded(data_dir=data_dir, isolated=False).close()  # makes the store
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    children = [context.Process(target=_search_in_child, args=(data_dir, queue)) for _ in range(3)]
    for child in children:
        child.start()
    answers = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    assert len({path for path, _ in answers}) == 1
    assert {count for _, count in answers} == {6}
    made = Path(answers[0][0])
    assert sorted(p.name for p in made.parent.glob("labels-*")) == [made.name, made.name + ".lock"]
    assert not list(made.parent.glob(".*.tmp"))


def test_what_a_killed_maker_left_is_removed(data_dir: Path) -> None:
    import os
    import time

    from umkm_kg.kg import KnowledgeGraph

    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    store = kg.store
    assert isinstance(store, DiskStore)
    path = index_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    mine = path.parent / f".{path.name}.killed.tmp"  # this version's: its maker holds the lock
    mine.write_bytes(b"half an index")
    older = path.parent / ".labels-v3-g00000001.sqlite.killed.tmp"
    older.write_bytes(b"half an index")
    recent = path.parent / ".labels-v3-g00000002.sqlite.writing.tmp"  # may be being written
    recent.write_bytes(b"half an index")
    long_ago = time.time() - 3600
    os.utime(older, (long_ago, long_ago))
    assert index_of(store) is not None
    assert not mine.exists() and not older.exists() and recent.exists()
    kg.close()


def test_an_index_is_copied_by_hand_where_the_kernel_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from umkm_kg.query.labelindex import _copy

    source, copy = tmp_path / "a", tmp_path / "b"
    source.write_bytes(bytes(range(256)) * 9000)

    def refuse(*args: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refuse)
    with open(source, "rb") as reading, open(copy, "wb") as out:
        _copy(reading.fileno(), out.fileno())
    assert copy.read_bytes() == source.read_bytes()


def test_an_sqlite_without_trigrams_is_a_store_error_and_search_goes_on(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from umkm_kg.errors import StoreError

    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    with pytest.raises(StoreError, match=r"needs SQLite 3\.34\.0 or newer"):
        index_of(kg.store)
    found = search(kg, "malaysia", limit=50)
    assert found.method == "sparql" and "needs SQLite" in found.note
    assert KG + "country-my" in {m.resource for m in found.matches}


def test_ascii_text_splits_into_the_words_the_general_rule_finds() -> None:
    import string

    from umkm_kg.query.labeltext import spelled_words, words

    every = "".join(chr(c) for c in range(128))
    for text in [every, string.printable, "kue_lapis-legit 2024 (Rp5.000)", "a", ""]:
        assert words(text) == spelled_words(text), text
    assert words("Mébel_Jati") == spelled_words("Mébel_Jati") == ["Mébel", "Jati"]
