"""Synthetic registries: they validate against the bundled graph as they are, the planted
problems are exactly what the validator finds, the records are what the CSV mapping makes,
and the same size and seed give the same bytes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from conftest import Runner
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import KG, SCHEMA, UMKM
from umkm_kg.records import find_duplicates
from umkm_kg.records.csvcolumns import COLUMNS, CsvRow
from umkm_kg.records.csvrecords import Triple, map_row, slug
from umkm_kg.records.resolver import Resolver
from umkm_kg.synth import (
    PLACES_GRAPH,
    SynthFormat,
    records_graph,
    source_text,
    synthesize,
    write_registry,
)
from umkm_kg.synth.emit import CSV_KEYS, Emitter, Syntax, csv_cells
from umkm_kg.synth.records import (
    MAPPING_BREAKAGES,
    SHAPES_BREAKAGES,
    Enterprise,
    Generator,
    plant,
)
from umkm_kg.synth.reference import CITY, Reference, bundled_reference
from umkm_kg.validation import ValidationReport, read_batch, validate
from umkm_kg.validation.report import REFERENCE_COMPONENT

FORMATS = [f.value for f in SynthFormat]
HEADERS = {c.key: c.indonesian for c in COLUMNS}


@pytest.fixture(scope="module")
def reference() -> Reference:
    return bundled_reference()


def _write(folder: Path, fmt: str, count: int, **options: object) -> tuple[list[str], Path]:
    path = folder / f"registry.{fmt}"
    manifest = folder / f"registry.{fmt}.broken.jsonl"
    summary = write_registry(
        str(path), enterprises=count, seed=11, manifest=str(manifest), **options
    )  # type: ignore[arg-type]
    files = [summary.places_path, str(path)] if summary.places_path else [str(path)]
    return files, manifest


def _validate(files: list[str], kg: KnowledgeGraph) -> ValidationReport:
    return validate(read_batch(files, kg, max_bytes=64 * 1024 * 1024), kg)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_generated_registry_conforms_with_nothing_added(
    kg: KnowledgeGraph, tmp_path: Path, fmt: str
) -> None:
    files, _ = _write(tmp_path, fmt, 250)
    report = _validate(files, kg)
    assert report.conforms
    assert report.records == ()  # not even a warning or an advice
    assert report.record_count >= 250


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_validator_reports_exactly_the_planted_records(
    kg: KnowledgeGraph, tmp_path: Path, fmt: str
) -> None:
    files, manifest = _write(tmp_path, fmt, 300, broken_ratio=0.25)
    planted = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]
    report = _validate(files, kg)
    assert not report.conforms
    kinds = SHAPES_BREAKAGES + (MAPPING_BREAKAGES if fmt == "csv" else ())
    assert {p["kind"] for p in planted} == {k.kind for k in kinds}
    assert 0.15 < len(planted) / 300 < 0.35
    flagged = {(r.record.row if fmt == "csv" else r.record.subject): r for r in report.records}
    if fmt == "csv":
        assert set(flagged) == {p["row"] for p in planted}
        for entry in planted:
            problems = flagged[entry["row"]].problems
            assert problems[0].severity.value == "Violation"
            assert HEADERS[entry["column"]] in {p.field for p in problems}, entry
            assert {p.focus for p in problems} >= set(entry["focus"]) - {None}
    else:
        assert set(flagged) == {f for p in planted for f in p["focus"]}
        for entry in planted:
            for focus in entry["focus"]:
                components = {p.component for p in flagged[focus].problems}
                if entry["check"] == "reference":
                    assert components == {str(REFERENCE_COMPONENT)}, entry
                else:
                    assert str(REFERENCE_COMPONENT) not in components, entry


def test_the_csv_alone_validates_its_kelurahan_are_reference_data(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    files, _ = _write(tmp_path, "csv", 20)
    report = _validate(files[1:], kg)
    assert report.conforms, [p.message.en for r in report.records for p in r.problems]


def _mapped(record: Enterprise, resolver: Resolver) -> set[Triple]:
    cells = dict(zip(CSV_KEYS, csv_cells(record), strict=True))
    sink: list[Triple] = []
    mapped = map_row(CsvRow(2, cells), resolver, sink)
    assert not mapped.problems, mapped.problems
    return set(sink)


def _emitted(emitter: Emitter, record: Enterprise) -> set[Triple]:
    blocks, _ = emitter.blocks(record)
    text = "".join(f"{s} {p} {o} .\n" for s, pairs in blocks for p, o in pairs)
    return set(Graph().parse(data=text, format="nt"))  # type: ignore[arg-type]


def test_the_triples_are_those_the_csv_mapping_makes(reference: Reference) -> None:
    emitter = Emitter(reference, Syntax(turtle=False))
    records = list(Generator(reference, 5, source_text(5)).enterprises(150))
    records += [plant(records[i], kind, reference) for i, kind in enumerate(SHAPES_BREAKAGES)]
    for record in records:
        assert _emitted(emitter, record) == _mapped(record, reference.resolver), record


def test_turtle_and_n_triples_hold_the_same_triples(reference: Reference) -> None:
    graphs = []
    for fmt in (SynthFormat.TURTLE, SynthFormat.NTRIPLES):
        out = io.StringIO()
        synthesize(out, fmt, enterprises=60, seed=2, broken_ratio=0.3, reference=reference)
        graphs.append(set(Graph().parse(data=out.getvalue(), format=fmt.value)))
    assert graphs[0] == graphs[1]


def test_n_quads_keep_records_and_places_in_their_own_graphs(reference: Reference) -> None:
    out = io.StringIO()
    summary = synthesize(out, SynthFormat.NQUADS, enterprises=30, seed=4, reference=reference)
    quads = list(ox.parse(out.getvalue().encode(), ox.RdfFormat.N_QUADS))
    graphs: dict[str, set[str]] = {}
    for quad in quads:
        graphs.setdefault(str(quad.graph_name.value), set()).add(str(quad.subject.value))  # type: ignore[union-attr]
    # every kelurahan is in the reference graph: no place needs writing
    assert set(graphs) == {records_graph(4)}
    assert summary.places == sum(p.new for p in reference.places) == 0
    assert PLACES_GRAPH not in graphs
    assert len(quads) == summary.triples


@pytest.mark.parametrize("fmt", list(SynthFormat))
def test_the_same_size_and_seed_give_the_same_bytes(reference: Reference, fmt: SynthFormat) -> None:
    def make(count: int, seed: int) -> tuple[str, str]:
        out, manifest = io.StringIO(), io.StringIO()
        synthesize(
            out,
            fmt,
            enterprises=count,
            seed=seed,
            broken_ratio=0.2,
            manifest=manifest,
            places=io.StringIO() if fmt is SynthFormat.CSV else None,
            reference=reference,
        )
        return out.getvalue(), manifest.getvalue()

    first = make(80, 9)
    assert make(80, 9) == first
    assert make(80, 10)[0] != first[0]
    # a bigger registry starts with the smaller one (after the comment naming the size)
    bigger = make(120, 9)[0].split("\n", 1)[1]
    assert bigger.startswith(first[0].split("\n", 1)[1])


def test_names_and_nibs_are_unique_and_no_country_is_named_twice(reference: Reference) -> None:
    country_of = {d.iri: group[0].iri for group in reference.countries for d in group}
    generator = Generator(reference, 3, source_text(3))
    records = list(generator.enterprises(3000))
    nibs = [r.nib for r in records]
    assert len(set(nibs)) == len(nibs) and all(len(n) == 13 and n.isdigit() for n in nibs)
    assert len({r.name for r in records}) == len(records)
    assert all(r.name_slug == slug(r.name) for r in records)
    for record in records:
        countries = [country_of[iri] for _, iri in record.destinations]
        assert len(countries) == len(set(countries)), record
    assert {r.location[1] for r in records} <= {p.iri for p in reference.places}
    with_honorific = sum(1 for r in records for h, _ in r.owners if h)
    assert with_honorific > 0.7 * sum(len(r.owners) for r in records)
    # past the words' combinations, a number keeps names apart
    name, _, _ = generator._name(generator.names + 7)
    assert name.endswith(" 2")


def test_no_two_owners_of_one_enterprise_share_a_name(reference: Reference) -> None:
    # seed 1 drew five such pairs in its first 100,000 records ("bapak Dedi Hakim" and
    # "mas Dedi Hakim"): one person to the mapping, with two labels, so the shapes refused it
    records = Generator(reference, 1, source_text(1)).enterprises(100_000)
    co_owned = [r for r in records if len(r.owners) > 1]
    assert len(co_owned) > 9000
    assert all(len({name for _, name in r.owners}) == len(r.owners) for r in co_owned)


def test_a_registry_has_no_duplicates_the_records_store_would_refuse(
    reference: Reference,
) -> None:
    out = io.StringIO()
    synthesize(out, SynthFormat.NTRIPLES, enterprises=600, seed=6, reference=reference)
    graph = Graph().parse(data=out.getvalue(), format="nt")
    assert find_duplicates(graph, []) == []
    described = set(graph.subjects(SCHEMA.containedInPlace, None)) | _bundled(reference)
    assert set(graph.objects(None, SCHEMA.location)) <= described


def _bundled(reference: Reference) -> set[object]:
    from rdflib import URIRef

    return {URIRef(p.iri) for p in reference.places if not p.new}


def test_places_are_the_kelurahan_of_the_city_in_the_reference_graph(
    reference: Reference, kg: KnowledgeGraph
) -> None:
    assert reference.place_triples() == []
    assert len(reference.places) == 104 and not any(p.new for p in reference.places)
    assert str(KG["neighbourhood-kreo"]) in {p.iri for p in reference.places}  # the article's
    inside = kg.query(
        f"SELECT DISTINCT ?n WHERE {{ ?n a <{UMKM.Neighbourhood}> ; "
        f"<{SCHEMA.containedInPlace}> ?d . ?d <{SCHEMA.containedInPlace}> <{CITY}> }}"
    )
    assert {str(n) for n in inside.column("n")} == {p.iri for p in reference.places}
    for place in reference.places:  # what the records write names that kelurahan alone
        assert reference.resolver.resolve("place", place.name)[0] == place.iri, place


# --- the command line --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_writes_each_format_and_it_validates(
    runner: Runner, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"registry.{fmt}"
    result = runner("synth", "--enterprises", "25", "--seed", "3", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert "wrote 25 synthetic enterprises" in result.stderr
    files = [str(path)]
    if fmt == "csv":
        places = tmp_path / "registry.places.ttl"
        assert places.exists() and f"validate with: umkm-kg validate {places}" in result.stderr
        files.insert(0, str(places))
    checked = runner("validate", *files)
    assert checked.exit_code == 0, checked.output


def test_the_command_writes_standard_output_with_a_format(runner: Runner) -> None:
    result = runner("synth", "-n", "2", "--format", "nq")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Synthetic UMKM registry")
    assert f"<{records_graph(0)}> .\n" in result.stdout


def test_the_command_writes_a_manifest(runner: Runner, tmp_path: Path) -> None:
    manifest = tmp_path / "broken.jsonl"
    args = ["synth", "-n", "40", "-o", str(tmp_path / "r.nt"), "--broken-ratio", "0.5"]
    result = runner(*args, "--manifest", str(manifest))
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in manifest.read_text().splitlines()]
    assert entries and f"({len(entries)} with a planted problem)" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "3", "-o", "registry.json"], "cannot tell the format of 'registry.json'"),
        (["-n", "3"], "cannot tell the format of standard output"),
        (["-n", "3", "-f", "csv"], "needs --places FILE"),
        (["-n", "3", "-f", "xml"], "unknown registry format 'xml'"),
        (["-n", "-1", "-f", "nq"], "--enterprises"),
        (["-n", "3", "-f", "nq", "--broken-ratio", "1.5"], "--broken-ratio"),
        (["-f", "nq"], "--enterprises"),
        (["-n", "3", "-o", "/nonexistent/folder/r.nq"], "cannot write /nonexistent/folder/r.nq"),
    ],
)
def test_bad_arguments_are_usage_errors(runner: Runner, args: list[str], message: str) -> None:
    result = runner("synth", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
