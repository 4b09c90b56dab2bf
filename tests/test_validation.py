"""Validating records in context: reports by record in two languages, exit codes, templates,
and the fast evaluator finding exactly what pySHACL finds."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from conftest import Runner
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import KG
from umkm_kg.records.csvcolumns import COLUMNS
from umkm_kg.validation import (
    Engine,
    context_graph,
    ontology_graph,
    read_batch,
    result_keys,
    shacl_report,
    validate,
    validate_graph,
)

ROOT = Path(__file__).parent.parent
RECORDS = Path(__file__).parent / "data" / "records"
VALID = sorted(RECORDS.glob("valid-*"))
INVALID_MODEL = sorted((Path(__file__).parent / "data" / "invalid").glob("*.ttl"))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_records_conform(runner: Runner, path: Path) -> None:
    result = runner("validate", str(path))
    assert result.exit_code == 0, result.output
    assert "Conforms." in result.stdout


def test_records_from_standard_input(runner: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (RECORDS / "valid-enterprise.ttl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    result = runner("validate", "-", "--format", "ttl")
    assert result.exit_code == 0, result.output
    assert "<stdin>" not in result.stdout  # nothing to report


def test_csv_problems_are_grouped_by_row_with_field_expected_and_found(runner: Runner) -> None:
    result = runner("validate", str(RECORDS / "invalid-enterprises.csv"))
    assert result.exit_code == 1
    text = result.stdout
    rows = re.findall(r"invalid-enterprises\.csv, row (\d+)", text)
    assert rows == ["3", "4", "5", "6"]
    row3 = text.split("row 3")[1].split("row 4")[0]
    assert "categories: unknown product category 'makanan ringan'" in row3
    assert "destinations: unknown export destination 'Narnia'" in row3
    assert "found: Narnia" in row3
    row4 = text.split("row 4")[1].split("row 5")[0]
    assert "identifier: a NIB has 13 digits" in row4 and "found: 12345" in row4
    assert "size_scheme: say which criteria" in row4
    row5 = text.split("row 5")[1].split("row 6")[0]
    assert "source: the cell looks like a spreadsheet formula" in row5
    row6 = text.split("row 6")[1]
    assert "owner: The owner must be a person (schema:Person): kg:country-my is not." in row6
    assert "location: The enterprise's schema:location must be a place" in row6
    assert "found: kg:category-batik" in row6
    assert "Does not conform." in text


def test_the_same_report_in_indonesian(runner: Runner) -> None:
    result = runner("--lang", "id", "validate", str(RECORDS / "invalid-enterprises.csv"))
    assert result.exit_code == 1
    text = result.stdout
    assert "invalid-enterprises.csv, baris 3" in text
    assert "tujuan ekspor 'Narnia' tidak dikenal" in text
    assert "diharapkan: negara atau tempat dalam graf" in text
    assert "ditemukan: Narnia" in text
    assert "Pemilik harus seorang schema:Person: kg:country-my bukan orang." in text
    assert "Tidak sesuai." in text
    # --lang on the command wins over the global option
    english = runner(
        "--lang", "id", "validate", "--lang", "en", str(RECORDS / "invalid-enterprises.csv")
    )
    assert "unknown export destination 'Narnia'" in english.stdout


def test_rdf_problems_name_the_subject_and_its_line(runner: Runner) -> None:
    result = runner("validate", str(RECORDS / "invalid-enterprise.ttl"))
    assert result.exit_code == 1
    text = result.stdout
    assert "invalid-enterprise.ttl, line 8 (kg:enterprise-tanpa-label-inggris):" in text
    assert "rdfs:label: Needs an English rdfs:label" in text
    assert "umkm:sizeClass: kg:size-2021-raksasa is not in the knowledge graph" in text
    assert "invalid-enterprise.ttl, line 16 (kg:product-tanpa-label-inggris):" in text
    assert "kg:category-elektronik is not in the knowledge graph" in text
    # an unknown country is reported once, as unknown, not again by every shape it fails
    assert text.count("kg:country-zz") == 2  # the message and "found"


def test_json_report(runner: Runner) -> None:
    result = runner("validate", "--report", "json", str(RECORDS / "invalid-enterprises.csv"))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert report["records_checked"] == 4
    first = report["records"][0]
    assert first["row"] == 3 and first["subject"] == str(
        KG["enterprise-kue-lapis-legit-9120001000010"]
    )
    fields = {p["field"] for p in first["problems"]}
    assert {"categories", "destinations"} <= fields
    assert all({"severity", "expected", "found", "message"} <= set(p) for p in first["problems"])


def test_turtle_report_is_a_shacl_validation_report(runner: Runner) -> None:
    result = runner("validate", "--report", "ttl", str(RECORDS / "invalid-enterprise.ttl"))
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.conforms, Literal(False)) in report
    # umkmsh:label-en is reached through two shapes of the enterprise: reported twice, as pySHACL
    # does and the W3C suite's validation-reports/shared test asks (not merged into one).
    assert len(set(report.objects(None, SH.result))) == 6
    assert (None, SH.focusNode, KG["enterprise-tanpa-label-inggris"]) in report


def test_warnings_alone_exit_zero(runner: Runner, tmp_path: Path) -> None:
    path = tmp_path / "warn.csv"
    path.write_text(
        "nama,produk,tujuan_ekspor,sumber\nToko Kue,Kue,MY,Pendataan\n", encoding="utf-8"
    )
    result = runner("validate", str(path))
    assert result.exit_code == 0, result.output
    assert "A product should have at least one product category" in result.stdout
    assert "0 violations, 1 warnings" in result.stdout


def test_unreadable_input_exits_two(runner: Runner, tmp_path: Path) -> None:
    assert runner("validate", str(tmp_path / "missing.ttl")).exit_code == 2
    assert runner("validate", str(ROOT / "tests" / "data" / "hostile" / "xxe.rdf")).exit_code == 2


@pytest.mark.parametrize("fmt", ["csv", "ttl", "jsonld"])
def test_templates_fail_until_filled_in_then_validate(
    runner: Runner, tmp_path: Path, fmt: str
) -> None:
    result = runner("template", "enterprise", "--format", fmt)
    assert result.exit_code == 0, result.output
    blank = tmp_path / f"blank.{fmt}"
    blank.write_text(result.stdout, encoding="utf-8")
    if fmt == "csv":
        assert result.stdout.startswith("#")
        cells = {
            "name": "Toko Contoh",
            "name_en": "Sample Shop",
            "identifier": "9120001000999",
            "owner": "ibu Contoh",
            "products": "Kue",
            "products_en": "Cakes",
            "categories": "handicraft",
            "business_field": "32",
            "destinations": "MY",
            "location": "Kota Tangerang",
            "size_class": "mikro",
            "size_scheme": "2021",
            "source": "Pendataan 2024",
            "reported_by": "kg:org-disperindagkop-tangerang",
        }
        # the blank row, filled column by column (whatever columns the template has)
        filled = result.stdout.replace(
            "," * (len(COLUMNS) - 1), ",".join(cells.get(c.key, "") for c in COLUMNS)
        )
    else:
        unfilled = runner("validate", str(blank))
        assert unfilled.exit_code == 1
        assert "the template placeholder was not filled in" in unfilled.stdout
        filled = result.stdout.replace('"TODO NIB 13 angka"', '"9120001000999"')
        filled = re.sub(r'"TODO[^"]*"', '"Contoh"', filled).replace("-todo", "-contoh")
    path = tmp_path / f"filled.{fmt}"
    path.write_text(filled, encoding="utf-8")
    checked = runner("validate", str(path))
    assert checked.exit_code == 0, checked.output
    assert "Conforms." in checked.stdout


def test_template_in_indonesian_has_indonesian_headers(runner: Runner) -> None:
    result = runner("template", "enterprise", "--lang", "id")
    header = next(line for line in result.stdout.splitlines() if not line.startswith("#"))
    assert header.startswith("nama,nama_en,nib,pemilik")


def test_unknown_template_is_a_usage_error(runner: Runner) -> None:
    result = runner("template", "person")
    assert result.exit_code == 2
    assert "unknown template 'person'" in result.stderr


def test_the_context_is_what_the_batch_refers_to(kg: KnowledgeGraph) -> None:
    batch = read_batch([str(RECORDS / "valid-enterprises.csv")], kg)
    context = context_graph(batch.triples, kg)
    subjects = set(context.subjects())
    assert KG["country-sg"] in subjects and KG["neighbourhood-cipadu"] in subjects
    assert KG["city-tangerang"] in subjects  # Cipadu lies in it
    assert KG["enterprise-haura-hijab"] not in subjects
    assert len(context) < 200


def test_whole_graph_conforms(kg: KnowledgeGraph) -> None:
    report = validate_graph(kg)
    assert report.conforms, report.text()
    assert kg.info(validate=True).conforms is True


def _same(triples: list, focus: set | None) -> None:  # type: ignore[type-arg]
    fast, _ = shacl_report(triples, focus, Engine.FAST)
    reference, _ = shacl_report(triples, focus, Engine.PYSHACL)
    assert result_keys(fast) == result_keys(reference)


@pytest.mark.parametrize("path", INVALID_MODEL, ids=lambda p: p.name)
def test_fast_evaluator_finds_what_pyshacl_finds_in_the_model_corpus(path: Path) -> None:
    data = Graph().parse(ROOT / "data" / "umkm.ttl")
    _same([ontology_graph(), data, Graph().parse(path)], None)


@pytest.mark.parametrize("path", sorted(RECORDS.iterdir()), ids=lambda p: p.name)
def test_fast_evaluator_finds_what_pyshacl_finds_in_records(kg: KnowledgeGraph, path: Path) -> None:
    batch = read_batch([str(path)], kg)
    _same([ontology_graph(), context_graph(batch.triples, kg), batch.triples], set(batch.records))


@pytest.mark.slow
def test_fast_evaluator_finds_what_pyshacl_finds_in_a_generated_batch(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    from umkm_kg.synth import write_registry

    path = tmp_path / "batch.csv"
    summary = write_registry(str(path), enterprises=150, seed=7, broken_ratio=0.3)
    assert summary.places_path is not None
    batch = read_batch([summary.places_path, str(path)], kg)
    fast = validate(batch, kg)
    reference = validate(batch, kg, engine=Engine.PYSHACL)
    assert result_keys(fast.graph) == result_keys(reference.graph)
    assert fast.violation_count == reference.violation_count > 0


def test_csv_rows_validated_in_chunks_report_as_one_batch(tmp_path: Path) -> None:
    # Regression: a CSV was validated as one batch (93k rows took 10.5 GB); in chunks, the
    # report must be the one the whole batch gives.
    from umkm_kg.validation import read_batch
    from umkm_kg.validation.files import validate_files

    rows = ["nama,pemilik,produk,tujuan_ekspor,sumber"]
    rows += [f"Usaha {i},ibu Sekar {i},Batik,Malaysia,form-{i}" for i in range(5)]
    rows += ["Usaha X,ibu =HYPERLINK(1),Batik,Atlantis,form-x", ",,,,"]
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    kg = KnowledgeGraph.embedded()
    whole = validate(read_batch([str(path)], kg), kg)
    for chunk in (1, 2, 3, 100):
        chunked = validate_files([str(path)], kg, chunk=chunk)
        assert chunked.as_dict() == whole.as_dict()
        assert chunked.conforms is False
