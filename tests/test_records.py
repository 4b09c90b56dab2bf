"""The records store: all-or-nothing adds with provenance, duplicates refused, deterministic
TriG, generations kept as backups, a data folder outside the source tree, and safety under
concurrency and kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import DCTERMS, PROV

from conftest import Runner
from umkm_kg import resources
from umkm_kg.errors import StoreError
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import RECORDS_GRAPH_PREFIX
from umkm_kg.records import LEGACY_BACKUP, LEGACY_FILE, PAUSE_ENV, RecordsStore
from umkm_kg.store.disk import CURRENT, HISTORY
from umkm_kg.validation import shapes_version

RECORDS = Path(__file__).parent / "data" / "records"
HEADER = "nama,nib,produk,kategori,tujuan_ekspor,lokasi,sumber,dilaporkan_oleh\n"


def _csv(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _row(name: str, nib: str, place: str = "Cipadu") -> str:
    return f"{name},{nib},Kue,handicraft,MY,{place},Pendataan 2024,kg:org-disperindagkop-tangerang"


def _enterprises(data_dir: Path) -> set[str]:
    store = RecordsStore(data_dir).dataset()
    rows = store.query(
        "SELECT ?e WHERE { GRAPH ?g { ?e a <https://w3id.org/umkm-kg/ontology#Enterprise> } "
        f'FILTER(STRSTARTS(STR(?g), "{RECORDS_GRAPH_PREFIX}")) }}'
    )
    return {row["e"].value for row in rows}  # type: ignore[union-attr]


def _version(data_dir: Path) -> str:
    """The generation the store's readers open now."""
    return (data_dir / "store" / CURRENT).read_text(encoding="ascii")


def test_add_makes_one_named_graph_with_provenance(runner: Runner, data_dir: Path) -> None:
    result = runner("add", str(RECORDS / "valid-enterprises.csv"))
    assert result.exit_code == 0, result.output
    assert "added 2 records" in result.stderr
    store = RecordsStore(data_dir)
    [batch] = store.batches()
    assert batch.iri.startswith(RECORDS_GRAPH_PREFIX)
    assert batch.source == "valid-enterprises.csv"
    assert batch.shapes_version == shapes_version()
    assert batch.generated_at is not None and batch.generated_at.endswith("Z")
    # every command that reads the graph sees the article's data and the added records
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    found = kg.query(
        "SELECT ?name WHERE { <https://w3id.org/umkm-kg/id/enterprise-anyaman-pandan-sari-"
        "9120001000001> <https://schema.org/name> ?name }"
    )
    assert [str(r["name"]) for r in found.rows] == ["Anyaman Pandan Sari"]
    assert batch.iri in kg.info().graphs
    info = runner("info", "--no-check")
    assert f"triples:          {kg.info().triples}" in info.stdout


@pytest.mark.parametrize("path", sorted(RECORDS.glob("valid-*")), ids=lambda p: p.name)
def test_every_valid_sample_can_be_added(runner: Runner, data_dir: Path, path: Path) -> None:
    result = runner("add", str(path))
    assert result.exit_code == 0, result.output
    assert len(RecordsStore(data_dir).batches()) == 1


def test_several_files_are_one_batch(runner: Runner, data_dir: Path) -> None:
    files = [str(RECORDS / "valid-enterprise.ttl"), str(RECORDS / "valid-enterprise.jsonld")]
    assert runner("add", *files).exit_code == 0
    [batch] = RecordsStore(data_dir).batches()
    store = RecordsStore(data_dir).dataset()
    name = ox.NamedNode(batch.iri)
    sources = {
        q.object.value
        for q in store.quads_for_pattern(name, ox.NamedNode(str(DCTERMS.source)), None, name)
    }
    assert sources == {"valid-enterprise.ttl", "valid-enterprise.jsonld"}
    assert list(store.quads_for_pattern(name, ox.NamedNode(str(PROV.generatedAtTime)), None, name))


def test_a_batch_with_one_bad_record_adds_nothing(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path, "mixed.csv", [_row("Toko Baik", "9120001000301"), "Toko Buruk,1,,,Narnia,,,"]
    )
    result = runner("add", str(path))
    assert result.exit_code == 1
    assert "unknown export destination 'Narnia'" in result.stdout
    assert RecordsStore(data_dir).batches() == []


def test_dry_run_writes_nothing(runner: Runner, data_dir: Path) -> None:
    result = runner("add", "--dry-run", str(RECORDS / "valid-enterprises.csv"))
    assert result.exit_code == 0, result.output
    assert "nothing written" in result.stderr
    assert RecordsStore(data_dir).batches() == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row("Toko Lain", "9120001000001")], "identifier '9120001000001', already used"),
        ([_row("anyaman  PANDAN sari", "9120001000777")], "repeats the enterprise"),
        (
            [_row("Toko Kembar", "9120001000401"), _row("Toko Kembar Dua", "9120001000401")],
            "identifier '9120001000401' is given to several records",
        ),
        (
            ["Haura Hijab,,,,,,Pendataan 2024,"],
            "the enterprise <https://w3id.org/umkm-kg/id/enterprise-haura-hijab> already exists",
        ),
    ],
    ids=["same-identifier", "same-name-and-place", "within-the-batch", "article-enterprise"],
)
def test_duplicates_are_refused(
    runner: Runner, data_dir: Path, tmp_path: Path, rows: list[str], message: str
) -> None:
    assert runner("add", str(RECORDS / "valid-enterprises.csv")).exit_code == 0
    before = _version(data_dir)
    path = _csv(tmp_path, "dup.csv", rows)
    for args in (("add", "--dry-run", str(path)), ("add", str(path))):
        result = runner(*args)
        assert result.exit_code == 1, result.output
        assert message in result.stderr
    assert _version(data_dir) == before


def test_same_name_in_another_place_is_not_a_duplicate(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    assert (
        runner("add", str(_csv(tmp_path, "a.csv", [_row("Toko Sama", "", "Cipadu")]))).exit_code
        == 0
    )
    other = str(_csv(tmp_path, "b.csv", [_row("Toko Sama", "", "Kreo")]))
    # not a sure duplicate, but a probable one (the same product): added once the clerk says so
    result = runner("add", other)
    assert result.exit_code == 1, result.output
    assert "probable duplicate" in result.stdout and "already" not in result.output
    result = runner("add", "--allow-similar", other)
    assert result.exit_code == 0, result.output
    assert len(_enterprises(data_dir)) == 2


def test_output_is_sorted_deterministic_and_backed_up(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    assert runner("add", str(RECORDS / "valid-enterprise.ttl")).exit_code == 0
    first = RecordsStore(data_dir).trig()
    first_version = _version(data_dir)
    assert runner("add", str(RECORDS / "valid-enterprises.csv")).exit_code == 0
    second = RecordsStore(data_dir).trig()
    assert second.startswith(first.split("\nGRAPH", 1)[0])  # same header
    blocks = second.split("\nGRAPH <")[1:]
    names = [b.split(">", 1)[0] for b in blocks]
    assert names == sorted(names) and len(names) == 2
    for block in blocks:
        lines = block.splitlines()[1:-1]
        assert lines == sorted(lines, key=_line_key), "triples are written sorted"
    ox.Dataset(ox.parse(second.encode(), ox.RdfFormat.TRIG))  # valid TriG
    # the state before the second add is kept, whole, as a backup generation
    history = RecordsStore(data_dir).open().history()
    assert first_version.strip() in [g.name for g in history[1:]]
    [kept] = [g for g in history if g.name == first_version.strip()]
    batches = RecordsStore(data_dir).batches()
    assert {k: v for k, v in kept.graphs.items() if k.startswith(RECORDS_GRAPH_PREFIX)} == {
        batches[0].iri: batches[0].triples
    }
    backup = ox.Store.read_only(str(data_dir / "store" / kept.name))
    assert len(backup) == kept.meta["quads"]
    # the same records in another store give the same lines (apart from the batch's name/time)
    other = tmp_path / "other"
    assert (
        runner("--data-dir", str(other), "add", str(RECORDS / "valid-enterprise.ttl")).exit_code
        == 0
    )
    assert _normalised(first) == _normalised(RecordsStore(other).trig())


def test_history_is_bounded(runner: Runner, data_dir: Path, tmp_path: Path) -> None:
    for i in range(HISTORY + 3):
        path = _csv(tmp_path, f"h{i}.csv", [_row(f"Toko Riwayat {i}", f"91200090000{i:02d}")])
        assert runner("add", str(path)).exit_code == 0
    history = RecordsStore(data_dir).open().history()
    assert len(history) == HISTORY + 1
    assert history[0].name == _version(data_dir).strip()
    folders = [p for p in (data_dir / "store").iterdir() if p.is_dir()]
    assert len(folders) == HISTORY + 1


def _line_key(line: str) -> tuple[str, bool, str, str]:
    s, p, rest = line.split(" ", 2)
    return (s, p != "a", p, rest)


def _normalised(text: str) -> list[str]:
    import re

    text = re.sub(r"records/[0-9TZ]+-[0-9a-f]+", "records/BATCH", text)
    text = re.sub(r"genid/[0-9TZ]+-[0-9a-f]+", "genid/BATCH", text)
    return [line for line in text.splitlines() if "generatedAtTime" not in line]


def test_data_dir_inside_the_source_tree_is_refused(runner: Runner) -> None:
    inside = resources.ROOT / ".tmp" / "records-here"
    result = runner("--data-dir", str(inside), "add", str(RECORDS / "valid-enterprise.ttl"))
    assert result.exit_code == 2
    assert "refusing to keep records in" in result.stderr
    assert not inside.exists()


def test_data_dir_inside_the_package_is_refused() -> None:
    package = Path(resources.__file__).resolve().parent
    with pytest.raises(StoreError, match="installed package"):
        RecordsStore(package / "records")


def test_a_damaged_old_records_file_says_how_to_recover(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / LEGACY_FILE).write_text("GRAPH <x> { oops", encoding="utf-8")
    with pytest.raises(StoreError, match="damaged") as info:
        KnowledgeGraph.embedded(data_dir=data_dir)
    assert LEGACY_BACKUP in str(info.value)
    assert (data_dir / LEGACY_FILE).read_text(encoding="utf-8") == "GRAPH <x> { oops"


def test_an_old_records_file_is_imported_once(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    batch = RECORDS_GRAPH_PREFIX + "20240101T000000000000Z-0000abcd"
    enterprise = "https://w3id.org/umkm-kg/id/enterprise-lama"
    (data_dir / LEGACY_FILE).write_text(
        f"GRAPH <{batch}> {{\n<{enterprise}> a <https://w3id.org/umkm-kg/ontology#Enterprise> .\n"
        f'<{enterprise}> <https://schema.org/name> "Usaha Lama" .\n}}\n',
        encoding="utf-8",
    )
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    assert _enterprises(data_dir) == {enterprise}
    assert kg.info().graphs[batch] == 2
    assert not (data_dir / LEGACY_FILE).exists()
    assert (data_dir / (LEGACY_FILE + ".imported")).is_file()
    version = _version(data_dir)
    KnowledgeGraph.embedded(data_dir=data_dir)
    assert _version(data_dir) == version


def test_a_damaged_current_pointer_is_reported(data_dir: Path) -> None:
    KnowledgeGraph.embedded(data_dir=data_dir)
    (data_dir / "store" / CURRENT).write_text("../../etc\n", encoding="ascii")
    with pytest.raises(StoreError, match="does not name a generation"):
        KnowledgeGraph.embedded(data_dir=data_dir)


# --- processes ---------------------------------------------------------------------------------


def _add_process(
    data_dir: Path, path: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    code = "import sys; from umkm_kg.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--data-dir", str(data_dir), "add", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
def test_concurrent_adds_lose_no_record(tmp_path: Path) -> None:
    data_dir = tmp_path / "shared"
    files = [
        _csv(
            tmp_path,
            f"batch{i}.csv",
            [_row(f"Toko Proses {i} {j}", f"91200020{i:02d}{j:03d}") for j in range(5)],
        )
        for i in range(4)
    ]
    processes = [_add_process(data_dir, f) for f in files]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    assert len(RecordsStore(data_dir).batches()) == 4
    assert len(_enterprises(data_dir)) == 20


def _wait_for_unpublished_generation(data_dir: Path, process: subprocess.Popen[bytes]) -> None:
    """Wait until the add has written its new generation, complete but not yet published."""
    deadline = time.monotonic() + 120
    store = data_dir / "store"
    while time.monotonic() < deadline:
        current = _version(data_dir).strip() if (store / CURRENT).is_file() else ""
        if any(p.stem > current for p in store.glob("g*.json")):
            return
        assert process.poll() is None, process.communicate()[1].decode()
        time.sleep(0.05)
    raise AssertionError("the add never wrote its new generation")


@pytest.mark.slow
def test_a_killed_add_leaves_the_store_readable_and_unchanged(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    assert runner("add", str(RECORDS / "valid-enterprise.ttl")).exit_code == 0
    before = _version(data_dir)
    path = _csv(
        tmp_path, "big.csv", [_row(f"Toko Besar {j}", f"9120003{j:06d}") for j in range(300)]
    )
    process = _add_process(data_dir, path, {PAUSE_ENV: "60"})
    _wait_for_unpublished_generation(data_dir, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert _version(data_dir) == before
    assert len(RecordsStore(data_dir).batches()) == 1  # readable
    # the next add cleans up what the killed one left and works
    result = runner("add", str(_csv(tmp_path, "next.csv", [_row("Toko Sesudah", "9120004000001")])))
    assert result.exit_code == 0, result.output
    assert not list((data_dir / "store").glob(".*.tmp"))
    names = sorted(p.name for p in (data_dir / "store").iterdir() if p.is_dir())
    assert names == sorted(g.name for g in RecordsStore(data_dir).open().history())
    assert len(RecordsStore(data_dir).batches()) == 2


@pytest.mark.slow
def test_a_first_add_killed_leaves_no_store(data_dir: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path, "first.csv", [_row("Toko Pertama", "9120005000001")])
    process = _add_process(data_dir, path, {PAUSE_ENV: "60"})
    _wait_for_unpublished_generation(data_dir, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert RecordsStore(data_dir).batches() == []
    assert KnowledgeGraph.embedded(data_dir=data_dir).info().triples > 0


@pytest.mark.slow
def test_kills_at_any_moment_leave_old_or_new_never_a_mix(data_dir: Path, tmp_path: Path) -> None:
    seed = _csv(tmp_path, "seed.csv", [_row("Toko Awal", "9120006000001")])
    assert _add_process(data_dir, seed).wait(timeout=300) == 0
    expected = 1
    for attempt, delay in enumerate((1.0, 2.0, 3.0)):
        before = _version(data_dir)
        rows = [_row(f"Toko Acak {attempt} {j}", f"91200070{attempt}{j:04d}") for j in range(200)]
        process = _add_process(data_dir, _csv(tmp_path, f"r{attempt}.csv", rows))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        if _version(data_dir) != before:
            expected += 200  # the add finished before the kill: all of it is there
        assert len(_enterprises(data_dir)) == expected  # readable, never half a batch


def test_restated_article_triples_do_not_duplicate_answers(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    """Regression: Oxigraph's union of named graphs keeps one copy of a triple per graph, so a
    record restating a country's label listed Australia twice on the embedded store (once on a
    remote store loaded with the merge). ``add`` now leaves out triples already asserted."""
    restating = tmp_path / "restating.ttl"
    restating.write_text(
        (RECORDS / "valid-enterprise.ttl").read_text(encoding="utf-8")
        + '\nkg:country-au rdfs:label "Australia"@en .\n',
        encoding="utf-8",
    )
    assert runner("add", str(restating)).exit_code == 0
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    labels = kg.query(
        'SELECT ?l WHERE { <https://w3id.org/umkm-kg/id/country-au> ?p ?l FILTER(lang(?l) = "en") }'
    )
    assert len(labels.rows) == len({r["l"] for r in labels.rows}) >= 1
    stored = RecordsStore(data_dir).trig()
    assert "country-au> <http://www.w3.org/2000/01/rdf-schema#label>" not in stored
    # the record's own facts are all there
    assert "enterprise-sepatu-kulit-gaga-9120001000003" in stored


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_an_old_records_file_must_be_a_regular_file(
    data_dir: Path, tmp_path: Path, kind: str
) -> None:
    data_dir.mkdir(parents=True)
    legacy = data_dir / LEGACY_FILE
    if kind == "symlink":
        secret = tmp_path / "secret.trig"
        secret.write_text(
            f"GRAPH <{RECORDS_GRAPH_PREFIX}x> {{ <urn:x:a> <urn:x:b> <urn:x:c> . }}\n",
            encoding="utf-8",
        )
        legacy.symlink_to(secret)
    else:
        os.mkfifo(legacy)
    with pytest.raises(StoreError, match="refusing to read"):
        KnowledgeGraph.embedded(data_dir=data_dir)
