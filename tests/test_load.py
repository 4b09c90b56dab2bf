"""``umkm-kg load``: a registry in one transaction, validated in context chunk by chunk, all or
nothing; ``--no-validate`` for a trusted dump."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import Runner
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import GENID, RECORDS_GRAPH_PREFIX
from umkm_kg.records import RecordsStore
from umkm_kg.records.load import load_records
from umkm_kg.store.disk import CURRENT

RECORDS = Path(__file__).parent / "data" / "records"
HEADER = "nama,nib,produk,kategori,tujuan_ekspor,lokasi,sumber,dilaporkan_oleh\n"
ENTERPRISE = "https://w3id.org/umkm-kg/ontology#Enterprise"


def _csv(tmp_path: Path, name: str, count: int, *, broken: set[int] = frozenset()) -> Path:  # type: ignore[assignment]
    rows = []
    for n in range(count):
        country = "Narnia" if n in broken else "MY"
        rows.append(
            f"Toko Muat {n},91200100{n:05d},Kue,handicraft,{country},Cipadu,Pendataan 2024,"
            "kg:org-disperindagkop-tangerang\n"
        )
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _version(data_dir: Path) -> str:
    return (data_dir / "store" / CURRENT).read_text(encoding="ascii")


def _enterprises(data_dir: Path) -> int:
    rows = (
        RecordsStore(data_dir)
        .dataset()
        .query(
            f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH ?g {{ ?e a <{ENTERPRISE}> }} "
            f'FILTER(STRSTARTS(STR(?g), "{RECORDS_GRAPH_PREFIX}")) }}'
        )
    )
    return int(next(iter(rows))[0].value)  # type: ignore[call-overload, index]


def test_a_csv_registry_loads_in_chunks_as_one_batch(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    result = runner("load", "--chunk", "7", str(_csv(tmp_path, "reg.csv", 30)))
    assert result.exit_code == 0, result.output
    assert "loaded 30 enterprises" in result.stderr
    [batch] = RecordsStore(data_dir).batches()
    assert batch.source == "reg.csv"
    assert _enterprises(data_dir) == 30
    # every chunk was checked against what the earlier ones wrote: the rows are distinct
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    assert kg.info().graphs[batch.iri] == batch.triples


def test_one_broken_row_anywhere_loads_nothing(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    runner("info", "--no-check")  # the store exists before
    before = _version(data_dir)
    result = runner("load", "--chunk", "5", str(_csv(tmp_path, "reg.csv", 20, broken={17})))
    assert result.exit_code == 1, result.output
    assert "row 19" in result.stdout and "Narnia" in result.stdout
    assert _version(data_dir) == before
    assert RecordsStore(data_dir).batches() == []


def test_a_repeated_row_across_chunks_is_a_duplicate(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "reg.csv", 6)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text.splitlines(keepends=True)[1], encoding="utf-8")
    result = runner("load", "--chunk", "3", str(path))
    assert result.exit_code == 1, result.output
    assert "already exists" in result.stderr or "already used" in result.stderr
    assert RecordsStore(data_dir).batches() == []


def test_rdf_records_may_point_at_records_later_in_the_file(runner: Runner, data_dir: Path) -> None:
    # with one subject per chunk, every reference goes to a record of another chunk
    result = runner("load", "--chunk", "1", str(RECORDS / "valid-enterprise.ttl"))
    assert result.exit_code == 0, result.output
    assert "loaded 1 enterprises" in result.stderr


def test_rdf_duplicating_the_article_is_refused(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    assert runner("load", str(RECORDS / "valid-enterprise.ttl")).exit_code == 0
    before = _version(data_dir)
    result = runner("load", str(RECORDS / "valid-enterprise.ttl"))
    assert result.exit_code == 1, result.output
    assert "already exists" in result.stderr
    assert _version(data_dir) == before


def test_rdf_violations_are_reported_by_subject(runner: Runner, data_dir: Path) -> None:
    bad = Path(__file__).parent / "data" / "invalid" / "bad-iso-code.ttl"
    result = runner("load", str(bad))
    assert result.exit_code == 1, result.output
    assert "Does not conform" in result.stdout
    assert RecordsStore(data_dir).batches() == []


def test_no_validate_loads_a_trusted_dump_and_skolemises_blank_nodes(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "dump.nt"
    dump.write_text(
        "<https://w3id.org/umkm-kg/id/enterprise-x> <http://www.w3.org/1999/02/22-rdf-syntax-"
        "ns#type> <https://w3id.org/umkm-kg/ontology#Enterprise> .\n"
        "<https://w3id.org/umkm-kg/id/enterprise-x> <https://schema.org/address> _:a .\n"
        '_:a <https://schema.org/streetAddress> "Jl. Merdeka 1" .\n',
        encoding="utf-8",
    )
    result = runner("load", "--no-validate", str(dump))
    assert result.exit_code == 0, result.output
    assert "not validated" in result.stderr
    store = RecordsStore(data_dir).dataset()
    [quad] = store.quads_for_pattern(None, ox.NamedNode("https://schema.org/streetAddress"), None)
    assert isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(GENID)
    [batch] = RecordsStore(data_dir).batches()
    assert batch.shapes_version is None  # not validated, so no shapes to claim conformance to
    generation = RecordsStore(data_dir).open().generation
    assert generation.meta["unvalidated"] == [batch.iri]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<https://e/a> <https://e/b", "line 1"),
        ("<< <https://e/a> <https://e/b> <https://e/c> >> <https://e/d> 1 .", "line 1"),
    ],
    ids=["syntax", "rdf-star"],
)
def test_unreadable_rdf_loads_nothing(
    runner: Runner, data_dir: Path, tmp_path: Path, text: str, message: str
) -> None:
    runner("info", "--no-check")
    before = _version(data_dir)
    path = tmp_path / "bad.ttl"
    path.write_text(text + "\n", encoding="utf-8")
    for flag in ("--validate", "--no-validate"):
        result = runner("load", flag, str(path))
        assert result.exit_code == 2, result.output
        assert "bad.ttl" in result.stderr
    assert _version(data_dir) == before


def test_unknown_format_and_missing_file_are_usage_errors(runner: Runner, tmp_path: Path) -> None:
    odd = tmp_path / "reg.ods"  # .xlsx is read now; OpenDocument sheets are not
    odd.write_bytes(b"PK")
    assert "unknown format" in runner("load", str(odd)).stderr
    assert runner("load", str(tmp_path / "none.nt")).exit_code == 2


def test_the_library_reports_progress_and_the_callers_graph_sees_the_load(
    data_dir: Path, tmp_path: Path
) -> None:
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    seen: list[tuple[str, int]] = []
    loaded = load_records(
        kg,
        [str(_csv(tmp_path, "reg.csv", 12))],
        data_dir,
        chunk=5,
        progress=lambda stage, done: seen.append((stage, done)),
    )
    assert loaded.graph is not None and loaded.conforms
    assert [done for _, done in seen] == [5, 10, 12]
    assert loaded.graph in kg.info().graphs  # the same KnowledgeGraph, refreshed


def test_info_validates_only_what_was_loaded_unvalidated(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    assert runner("load", str(_csv(tmp_path, "good.csv", 3))).exit_code == 0
    result = runner("info", "--json")
    assert result.exit_code == 0 and '"conforms": true' in result.stdout
    store = data_dir / "store"
    [verdict] = store.glob("*.check.json")
    assert '"rechecked": []' in verdict.read_text(encoding="utf-8")
    # a trusted dump that is not valid: info finds it, exit code 1
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        (Path(__file__).parent / "data" / "invalid" / "bad-iso-code.ttl").read_text(
            encoding="utf-8"
        ),
        encoding="utf-8",
    )
    refused = runner("load", str(bad))
    assert refused.exit_code == 1 and "1 records checked: 5 violations" in refused.output
    assert runner("load", "--no-validate", str(bad)).exit_code == 0
    result = runner("info")
    assert result.exit_code == 1
    assert "NO (5 violations)" in result.stdout  # violations, as the validating load counts
    checked = sorted(store.glob("*.check.json"))[-1].read_text(encoding="utf-8")
    assert RECORDS_GRAPH_PREFIX in checked


def test_ntriples_without_blank_nodes_take_the_bulk_loader(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    """The fast path (the bulk loader reads the file) gives the same graph as the stream."""
    dump = tmp_path / "plain.nt"
    dump.write_text(
        "<https://w3id.org/umkm-kg/id/enterprise-y> <http://www.w3.org/1999/02/22-rdf-syntax-"
        "ns#type> <https://w3id.org/umkm-kg/ontology#Enterprise> .\n"
        '<https://w3id.org/umkm-kg/id/enterprise-y> <https://schema.org/name> "Usaha Y" .\n',
        encoding="utf-8",
    )
    assert runner("load", "--no-validate", str(dump)).exit_code == 0
    [batch] = RecordsStore(data_dir).batches()
    assert batch.enterprises == 1 and batch.triples == 2 + 3  # and the provenance
    broken = tmp_path / "broken.nt"
    broken.write_text('<https://e/a> <https://e/b> "x\n', encoding="utf-8")
    before = _version(data_dir)
    result = runner("load", "--no-validate", str(broken))
    assert result.exit_code == 2 and "broken.nt" in result.stderr
    assert _version(data_dir) == before


@pytest.mark.parametrize("name", ["plain.nt", "blank.nt", "records.ttl"])
def test_iris_of_a_refused_scheme_never_reach_the_store(
    runner: Runner, data_dir: Path, tmp_path: Path, name: str
) -> None:
    """Issue 11, item 9: every entry to the store checks IRIs, the bulk loader's path too."""
    runner("info", "--no-check")
    before = _version(data_dir)
    blank = "_:b" if name == "blank.nt" else "<https://w3id.org/umkm-kg/id/enterprise-z>"
    path = tmp_path / name
    path.write_text(
        f"{blank} <https://schema.org/sameAs> <javascript:alert(1)> .\n", encoding="utf-8"
    )
    for flag in ("--no-validate", "--validate"):
        result = runner("load", flag, str(path))
        assert result.exit_code == 2, result.output
        assert "javascript:alert(1)" in result.stderr and "not allowed" in result.stderr
    assert _version(data_dir) == before


def test_the_python_api_checks_iris_too(data_dir: Path) -> None:
    from rdflib import Graph, URIRef

    from umkm_kg.errors import BadInput

    graph = Graph()
    graph.add(
        (
            URIRef("https://w3id.org/umkm-kg/id/enterprise-z"),
            URIRef("https://schema.org/url"),
            URIRef("file:///etc/passwd"),
        )
    )
    with pytest.raises(BadInput, match="'file', which is not allowed"):
        RecordsStore(data_dir).add(graph, "api", None)
    assert RecordsStore(data_dir).batches() == []


def _parts_dump(tmp_path: Path, tail: str) -> Path:
    """An N-Triples dump of 40 enterprises (plain lines) with ``tail`` in its middle and a
    blank node used before and after it, so that small parts put them in different ones."""
    kind = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    lines = [
        f"<https://w3id.org/umkm-kg/id/enterprise-p{n}> {kind} <{ENTERPRISE}> .\n"
        for n in range(40)
    ]
    lines.insert(
        3, "<https://w3id.org/umkm-kg/id/enterprise-p1> <https://schema.org/address> _:a .\n"
    )
    lines.insert(20, tail)
    lines.append('_:a <https://schema.org/streetAddress> "Jl. Merdeka 1" .\n')
    path = tmp_path / "parts.nt"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_ntriples_in_parts_make_the_graph_one_part_makes(
    runner: Runner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file cut into parts (some bulk-loaded as they are, some with blank nodes checked and
    skolemised) gives the whole file's graph: one skolem IRI for a blank node of two parts."""
    from umkm_kg.records import ntparts

    monkeypatch.setattr(ntparts, "PART_BYTES", 300)  # about 3 lines a part: 14 parts
    dump = _parts_dump(
        tmp_path, '<https://w3id.org/umkm-kg/id/enterprise-p2> <https://schema.org/name> "P2" .\n'
    )
    assert dump.stat().st_size > 10 * ntparts.PART_BYTES
    result = runner("load", "--no-validate", str(dump))
    assert result.exit_code == 0, result.output
    assert "loaded 40 enterprises" in result.stderr
    [batch] = RecordsStore(data_dir).batches()
    graph = ox.NamedNode(batch.iri)
    store = RecordsStore(data_dir).dataset()
    address = ox.NamedNode("https://schema.org/address")
    street = ox.NamedNode("https://schema.org/streetAddress")
    [link] = store.quads_for_pattern(None, address, None, graph)
    [where] = store.quads_for_pattern(None, street, None, graph)
    assert isinstance(link.object, ox.NamedNode) and link.object.value.startswith(GENID)
    assert where.subject == link.object
    assert batch.triples == 40 + 3 + 3  # the dump's, then the provenance


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ('<https://e/a> <https://e/b> "x\n', "line 21"),
        (
            "<https://e/a> <https://schema.org/url> <file:///etc/passwd> .\n",
            "'file', which is not allowed",
        ),
        (
            "<< <https://e/a> <https://e/b> <https://e/c> >> <https://e/d> <https://e/e> .\n",
            "triple",
        ),
    ],
    ids=["syntax", "scheme", "triple-term"],
)
def test_a_bad_line_in_a_later_part_loads_nothing(
    runner: Runner,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tail: str,
    expected: str,
) -> None:
    """Parts before it are already in the new generation: it is not published, and a syntax
    error's line is counted from the start of the file."""
    from umkm_kg.records import ntparts

    monkeypatch.setattr(ntparts, "PART_BYTES", 300)
    runner("info", "--no-check")
    before = _version(data_dir)
    dump = _parts_dump(tmp_path, tail)
    for flag in ("--no-validate", "--validate"):
        result = runner("load", flag, str(dump))
        assert result.exit_code == 2, result.output
        assert "parts.nt" in result.stderr and expected in result.stderr, result.stderr
    assert _version(data_dir) == before
    assert RecordsStore(data_dir).batches() == []


@pytest.mark.slow
def test_a_load_killed_while_its_parts_load_leaves_the_old_generation(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    """Parts already loaded are in a generation nobody reads: a kill then leaves the store as it
    was, and the next load cleans up and works."""
    import os
    import signal
    import subprocess
    import sys
    import time

    assert runner("info", "--no-check").exit_code == 0
    before = _version(data_dir)
    kind = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    dump = tmp_path / "many.nt"
    dump.write_text(
        "".join(
            f"<https://w3id.org/umkm-kg/id/enterprise-k{n}> {kind} <{ENTERPRISE}> .\n"
            for n in range(3000)
        ),
        encoding="utf-8",
    )
    # Parts of about 3 lines: a thousand bulk loads, far longer than the wait below.
    code = (
        "import sys; import umkm_kg.records.ntparts as parts; parts.PART_BYTES = 300; "
        "from umkm_kg.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "--data-dir",
            str(data_dir),
            "load",
            "--no-validate",
            str(dump),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    store = data_dir / "store"
    deadline = time.monotonic() + 120
    while not any(p.is_dir() and p.name > before.strip() for p in store.glob("g*")):
        assert process.poll() is None, process.communicate()[1].decode()
        assert time.monotonic() < deadline, "the load never started its generation"
        time.sleep(0.05)
    time.sleep(1.0)  # some parts loaded, most not
    assert process.poll() is None, "the load ended before it was killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert _version(data_dir) == before
    assert RecordsStore(data_dir).batches() == []
    again = tmp_path / "again.nt"
    again.write_text(
        f"<https://w3id.org/umkm-kg/id/enterprise-a> {kind} <{ENTERPRISE}> .\n", encoding="utf-8"
    )
    result = runner("load", "--no-validate", str(again))
    assert result.exit_code == 0, result.output
    [batch] = RecordsStore(data_dir).batches()
    assert batch.enterprises == 1
    names = sorted(p.name for p in store.iterdir() if p.is_dir())
    assert names == sorted(g.name for g in RecordsStore(data_dir).open().history())


def test_a_parsed_file_in_several_bulk_loaders_is_loaded_whole(
    runner: Runner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An N-Quads file given to one bulk loader per 2 quads: every quad in the batch graph, a
    blank node of two loaders one skolem IRI."""
    import umkm_kg.records.load as load

    monkeypatch.setattr(load, "STREAM_QUADS", 2)
    kind = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    lines = [
        f"<https://w3id.org/umkm-kg/id/enterprise-q{n}> {kind} <{ENTERPRISE}> <https://e/g> .\n"
        for n in range(7)
    ]
    lines.insert(
        1, "<https://w3id.org/umkm-kg/id/enterprise-q1> <https://schema.org/address> _:a .\n"
    )
    lines.append('_:a <https://schema.org/streetAddress> "Jl. Merdeka 1" <https://e/g> .\n')
    dump = tmp_path / "quads.nq"
    dump.write_text("".join(lines), encoding="utf-8")
    result = runner("load", "--no-validate", str(dump))
    assert result.exit_code == 0, result.output
    assert "loaded 7 enterprises" in result.stderr
    [batch] = RecordsStore(data_dir).batches()
    assert batch.triples == 9 + 3
    store = RecordsStore(data_dir).dataset()
    graph = ox.NamedNode(batch.iri)
    [link] = store.quads_for_pattern(None, ox.NamedNode("https://schema.org/address"), None, graph)
    [where] = store.quads_for_pattern(
        None, ox.NamedNode("https://schema.org/streetAddress"), None, graph
    )
    assert where.subject == link.object and link.object.value.startswith(GENID)
