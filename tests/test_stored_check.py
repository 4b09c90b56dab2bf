"""The check of stored records (``info`` after a ``load --no-validate``, a validating ``load``)
finds what validating the same records on ``add`` finds: the same records, the same problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Runner
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records import RecordsStore
from umkm_kg.records.load import Loaded, validate_stored_graph
from umkm_kg.store import DiskStore
from umkm_kg.synth import write_registry
from umkm_kg.validation import Severity, ValidationReport, read_batch, validate
from umkm_kg.validation.stored import StoredRecords

Finding = tuple[str | None, str | None, str | None, str | None, str]


def _findings(records: object) -> set[Finding]:
    """(focus, path, component, shape, severity) of every problem."""
    return {
        (p.focus, p.path, p.component, p.shape, p.severity.value)
        for group in records  # type: ignore[attr-defined]
        for p in group.problems
    }


def _violating(records: object) -> set[str | None]:
    return {
        group.record.subject
        for group in records  # type: ignore[attr-defined]
        if any(p.severity is Severity.VIOLATION for p in group.problems)
    }


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, object]]]:
    folder = tmp_path_factory.mktemp("broken")
    path, manifest = folder / "registry.nt", folder / "broken.jsonl"
    write_registry(str(path), enterprises=400, seed=5, broken_ratio=0.05, manifest=str(manifest))
    planted = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]
    assert planted  # the registry has problems to find
    return path, planted


@pytest.fixture(scope="module")
def on_add(registry: tuple[Path, list[dict[str, object]]], kg: KnowledgeGraph) -> ValidationReport:
    """What validating the registry as one batch finds (``umkm-kg add``'s validation)."""
    report = validate(read_batch([str(registry[0])], kg, max_bytes=64 * 1024 * 1024), kg)
    assert not report.conforms
    return report


def _stored(data_dir: Path, registry: Path, runner: Runner) -> tuple[DiskStore, str]:
    assert runner("load", "--no-validate", str(registry)).exit_code == 0
    [batch] = RecordsStore(data_dir).batches()
    store = DiskStore(data_dir / "store")
    return store, batch.iri


@pytest.mark.parametrize("chunk", [2_000, 37])
def test_the_stored_check_finds_what_add_finds(
    registry: tuple[Path, list[dict[str, object]]],
    on_add: ValidationReport,
    runner: Runner,
    data_dir: Path,
    chunk: int,
) -> None:
    path, planted = registry
    store, graph = _stored(data_dir, path, runner)
    loaded = Loaded(graph=graph)
    validate_stored_graph(KnowledgeGraph(store), store.oxigraph, graph, path.name, loaded, chunk)
    assert loaded.violations == len(_violating(on_add.records))
    assert loaded.violation_count == on_add.violation_count
    assert _violating(loaded.problems) == _violating(on_add.records)
    assert _violating(loaded.problems) == {f for p in planted for f in p["focus"]}  # type: ignore[attr-defined]
    assert _findings(loaded.problems) == _findings(on_add.records)
    assert loaded.records == on_add.record_count + 1  # and the batch, described by the load


def test_records_pointed_at_by_many_are_checked_from_every_side(
    registry: tuple[Path, list[dict[str, object]]],
    on_add: ValidationReport,
    runner: Runner,
    data_dir: Path,
) -> None:
    """With every record a hub, no chunk holds what points at its records: it is looked up."""
    path, _ = registry
    store, graph = _stored(data_dir, path, runner)
    records = StoredRecords(store.oxigraph, graph, hub=0)
    found = [records.validate(part, path.name) for part in records.chunks(50)]
    problems = [group for report in found for group in report.records]
    assert _findings(problems) == _findings(on_add.records)


def test_info_and_a_validating_load_count_the_same_violations(
    registry: tuple[Path, list[dict[str, object]]],
    on_add: ValidationReport,
    runner: Runner,
    data_dir: Path,
) -> None:
    path, _ = registry
    expected = on_add.violation_count  # violations, as for the bundled graphs, not records
    assert expected > len(_violating(on_add.records))  # some record has two
    refused = runner("load", str(path))
    assert refused.exit_code == 1
    assert RecordsStore(data_dir).batches() == []  # nothing written
    assert runner("load", "--no-validate", str(path)).exit_code == 0
    result = runner("info", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["violations"] == expected


def test_statements_about_what_others_own_are_found_as_on_add(
    kg: KnowledgeGraph, runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    """Ownership is checked against the rest of the store, the records' own graph left out."""
    dump = tmp_path / "foreign.ttl"
    dump.write_text(
        "@prefix kg: <https://w3id.org/umkm-kg/id/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix umkm: <https://w3id.org/umkm-kg/ontology#> .\n"
        'kg:enterprise-haura-hijab schema:name "Haura Lain" .\n'
        "kg:enterprise-x owl:sameAs kg:enterprise-haura-hijab .\n"
        'umkm:Enterprise rdfs:label "Usaha"@id .\n',
        encoding="utf-8",
    )
    on_add = validate(read_batch([str(dump)], kg), kg)
    expected = {f for f in _findings(on_add.records) if f[2] and "ForeignStatement" in f[2]}
    assert len(expected) == 3  # each of the three statements
    store, graph = _stored(data_dir, dump, runner)
    loaded = Loaded(graph=graph)
    validate_stored_graph(KnowledgeGraph(store), store.oxigraph, graph, dump.name, loaded)
    found = {f for f in _findings(loaded.problems) if f[2] and "ForeignStatement" in f[2]}
    assert found == expected


def test_the_check_keeps_the_compiled_shapes_in_the_data_folder(
    registry: tuple[Path, list[dict[str, object]]], runner: Runner, data_dir: Path
) -> None:
    """``info`` after a ``load --no-validate`` reads the shapes compiled by an earlier process,
    as ``add`` does, instead of compiling them in every process."""
    kept = data_dir / "cache" / "compiled-shapes.bin"
    _stored(data_dir, registry[0], runner)
    assert not kept.exists()
    assert runner("info", "--json").exit_code == 1
    assert kept.stat().st_size > 0


def test_a_validating_load_keeps_the_compiled_shapes_in_the_data_folder(
    registry: tuple[Path, list[dict[str, object]]], runner: Runner, data_dir: Path
) -> None:
    assert runner("load", str(registry[0])).exit_code == 1  # the planted problems
    assert (data_dir / "cache" / "compiled-shapes.bin").stat().st_size > 0
