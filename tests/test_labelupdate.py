"""The label index of a new generation, made from the older one's by applying the write's
change, answers exactly as one built from scratch; and the index finds what the scan finds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import URIRef

from umkm_kg.cli import main
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.labelbuild import build, contents
from umkm_kg.query.labelindex import LabelIndex, index_of, index_path
from umkm_kg.query.search import search
from umkm_kg.store import DiskStore
from umkm_kg.synth import write_registry

RECORDS = Path(__file__).parent / "data" / "records" / "valid-enterprises.csv"
TERMS = [
    "batik", "anyaman", "pandan", "sari", "kreo", "cipadu", "malaysia", "singapura",
    "belanda", "ekspor", "tikar", "ba", "t", "tas anyaman", "indah", "mikro", "joko",
]  # fmt: skip
"""Words of the bundled data, the registry, and the records added and removed."""
ADDED = "https://w3id.org/umkm-kg/id/enterprise-anyaman-pandan-sari-9120001000001"


@pytest.fixture(scope="module")
def registry_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("registry") / "registry.nt"
    write_registry(str(path), enterprises=300, seed=3)
    return path


@pytest.fixture(scope="module")
def registry(
    registry_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """300 generated enterprises beside the bundled graphs, in a data folder."""
    data = tmp_path_factory.mktemp("scan") / "data"
    assert main(["--data-dir", str(data), "load", "--no-validate", str(registry_file)]) == 0
    kg = KnowledgeGraph.embedded(data_dir=data, isolated=False)
    yield kg
    kg.close()


def _about(path: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return dict(db.execute("SELECT key, value FROM about").fetchall())


def _answers(index: LabelIndex) -> dict[str, object]:
    """Everything the index answers for :data:`TERMS`, and what it holds."""
    found: dict[str, object] = {}
    for term in TERMS:
        matches, total = index.search(term, limit=1000)
        found[term] = (total, [(m.resource, m.label, m.lang, m.types) for m in matches])
        found["name " + term] = index.names(term, limit=1000)
    return found


def _same_as_rebuilt(store: DiskStore, tmp_path: Path) -> str:
    """Check the current generation's index against one built from scratch; its source."""
    made = index_of(store)
    assert made is not None and made.path == index_path(store)
    fresh = tmp_path / f"fresh-{store.version}.sqlite"
    build(store.oxigraph, str(fresh), version=store.version)
    rebuilt = LabelIndex(fresh)
    assert _answers(made) == _answers(rebuilt)
    with sqlite3.connect(made.path) as a, sqlite3.connect(fresh) as b:
        assert contents(a) == contents(b)
        a.execute("INSERT INTO words(words) VALUES('integrity-check')")  # raises if damaged
    rebuilt.close()
    about = _about(made.path)
    assert about["generation"] == store.version
    return about["source"]


def test_an_index_made_from_the_last_one_answers_as_one_built_again(
    registry_file: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(data_dir), "load", "--no-validate", str(registry_file)]) == 0
    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    store = kg.store
    assert isinstance(store, DiskStore)
    loaded = store.version
    assert _same_as_rebuilt(store, tmp_path) == ""  # the first one is built

    assert main(["--data-dir", str(data_dir), "add", str(RECORDS)]) == 0
    store.refresh()
    added = store.version
    assert _same_as_rebuilt(store, tmp_path) == loaded  # made from the loaded one's
    assert not index_path(store, loaded).exists()  # and that one removed
    assert ADDED in _indexed(kg, "anyaman pandan sari")

    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "records", "list", "--json"]) == 0
    batches = json.loads(capsys.readouterr().out)
    batch = next(b for b in batches if "valid-enterprises.csv" in json.dumps(b))
    assert main(["--data-dir", str(data_dir), "records", "remove", batch["id"]]) == 0
    store.refresh()
    removed = store.version
    assert _same_as_rebuilt(store, tmp_path) == added
    assert ADDED not in _indexed(kg, "anyaman pandan sari")

    assert main(["--data-dir", str(data_dir), "records", "restore", added]) == 0
    store.refresh()
    # the restored generation descends from `added`; the index of `removed` is the nearest
    assert _same_as_rebuilt(store, tmp_path) == removed
    assert ADDED in _indexed(kg, "anyaman pandan sari")
    assert store.generation.touched == []

    # an enterprise's record replaced by a new version (same NIB, a new name)
    lines = RECORDS.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    renamed = tmp_path / "renamed.csv"
    row = lines[header + 1].replace("Anyaman Pandan Sari", "Anyaman Pandan Lestari", 1)
    renamed.write_text(lines[header] + "\n" + row + "\n", encoding="utf-8")
    restored = store.version
    assert main(["--data-dir", str(data_dir), "records", "update", str(renamed)]) == 0
    store.refresh()
    assert _same_as_rebuilt(store, tmp_path) == restored
    assert "lestari" in search(kg, "pandan lestari", limit=5).matches[0].label.lower()
    assert ADDED not in _indexed(kg, "anyaman pandan sari")
    # a write of most of the store (the registry's batch removed) is built from scratch
    registry = next(b for b in batches if "registry.nt" in json.dumps(b))
    assert main(["--data-dir", str(data_dir), "records", "remove", registry["id"]]) == 0
    store.refresh()
    assert _same_as_rebuilt(store, tmp_path) == ""
    kg.close()


def test_a_generation_that_does_not_say_what_its_write_touched_gets_its_index_built(
    data_dir: Path, tmp_path: Path
) -> None:
    import pyoxigraph as ox

    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    store = kg.store
    assert isinstance(store, DiskStore)
    index_of(store)
    first = store.version
    graph = ox.NamedNode("https://w3id.org/umkm-kg/graph/records/test")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    with store.transaction("test: one more label") as tx:
        subject = ox.NamedNode("https://w3id.org/umkm-kg/id/enterprise-zz")
        tx.extend([ox.Quad(subject, label, ox.Literal("Zebra Unik"), graph)])
    meta = store.folder / f"{store.version}.json"
    described = json.loads(meta.read_text(encoding="utf-8"))
    assert described["parent"] == first
    assert described["changes"][0] == {
        "generation": store.version,
        "parent": first,
        "touched": [graph.value],
    }
    del described["changes"]  # as a generation written before writes said so
    meta.write_text(json.dumps(described), encoding="utf-8")
    assert _same_as_rebuilt(store, tmp_path) == ""
    kg.close()


def test_a_generation_that_copied_its_parents_record_of_a_change_gets_its_index_built(
    data_dir: Path, tmp_path: Path
) -> None:
    """An older umkm-kg writing to the store copies the parent's description, ``changes``
    included: that list is not this write's."""
    import pyoxigraph as ox

    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    store = kg.store
    assert isinstance(store, DiskStore)
    first = store.version
    with store.transaction("test: nothing") as tx:
        tx.meta["note"] = "an empty write"
    index_of(store)
    assert store.generation.touched == []
    graph = ox.NamedNode("https://w3id.org/umkm-kg/graph/records/test")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    with store.transaction("test: one more label") as tx:
        subject = ox.NamedNode("https://w3id.org/umkm-kg/id/enterprise-zz")
        tx.extend([ox.Quad(subject, label, ox.Literal("Zebra Unik"), graph)])
    meta = store.folder / f"{store.version}.json"
    described = json.loads(meta.read_text(encoding="utf-8"))
    parent = json.loads((store.folder / f"{described['parent']}.json").read_text("utf-8"))
    assert described["parent"] != first
    described["changes"] = parent["changes"]
    meta.write_text(json.dumps(described), encoding="utf-8")
    assert _same_as_rebuilt(store, tmp_path) == ""
    assert search(kg, "zebra", limit=5).total == 1
    kg.close()


def test_many_writes_without_a_search_still_update_the_last_index(
    data_dir: Path, tmp_path: Path
) -> None:
    """Past the generations the store keeps, each description still lists what the writes
    before it touched."""
    import pyoxigraph as ox

    from umkm_kg.store.disk import HISTORY

    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    store = kg.store
    assert isinstance(store, DiskStore)
    index_of(store)
    first = store.version
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for n in range(HISTORY + 3):
        graph = ox.NamedNode(f"https://w3id.org/umkm-kg/graph/records/test-{n}")
        with store.transaction(f"test: write {n}") as tx:
            subject = ox.NamedNode(f"https://w3id.org/umkm-kg/id/enterprise-zz{n}")
            tx.extend([ox.Quad(subject, label, ox.Literal(f"Zebra Unik {n}"), graph)])
            if n == 2:
                tx.drop(f"https://w3id.org/umkm-kg/graph/records/test-{n - 1}")
    assert first not in {g.name for g in store.history()}  # no longer kept
    assert _same_as_rebuilt(store, tmp_path) == first
    assert search(kg, "zebra unik", limit=20).total == HISTORY + 2
    kg.close()


def _scanned(kg: KnowledgeGraph, text: str) -> set[str]:
    """Resources with a label containing ``text`` (lower-cased), by a SPARQL scan of the four
    label properties the index holds."""
    sparql = f"""
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX schema: <https://schema.org/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT DISTINCT ?resource WHERE {{
      {{ ?resource rdfs:label ?name }} UNION {{ ?resource schema:name ?name }}
      UNION {{ ?resource skos:prefLabel ?name }} UNION {{ ?resource skos:altLabel ?name }}
      FILTER(isIRI(?resource) && CONTAINS(LCASE(STR(?name)), "{text.lower()}"))
    }}"""
    from umkm_kg.query.results import QueryForm

    rows = kg.store.query(sparql, form=QueryForm.SELECT, max_rows=None).rows
    return {str(row["resource"]) for row in rows}


def _indexed(kg: KnowledgeGraph, text: str) -> set[str]:
    found: set[str] = set()
    offset = 0
    while True:
        page = search(kg, text, limit=1000, offset=offset)
        assert page.method == "index"
        found.update(m.resource for m in page.matches)
        if not page.more:
            return found
        offset += 1000


@pytest.mark.parametrize(
    "text", ["ekspor", "batik", "atik", "tik", "sari", "jaya", "ang", "mebel", "kota", "Ikan"]
)
def test_the_index_finds_what_the_scan_finds(registry: KnowledgeGraph, text: str) -> None:
    found = _indexed(registry, text)
    assert found == _scanned(registry, text)
    # search-labels reads rdfs:label and schema:name only: what the index finds besides is
    # named so by a SKOS label
    rows = registry.run("search-labels", {"text": text}, max_rows=None).rows
    saved = {str(r["resource"]) for r in rows if isinstance(r.get("resource"), URIRef)}
    assert saved <= found
    if text in ("ekspor", "atik", "jaya"):
        assert saved == found and found


def test_ekspor_finds_pengekspor(registry: KnowledgeGraph) -> None:
    labels = [m.label.lower() for m in search(registry, "ekspor", limit=1000).matches]
    assert any("pengekspor" in label for label in labels), labels[:20]
