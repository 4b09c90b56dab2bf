"""Results for people: label columns (--labels), predeclared prefixes, a plain info."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import Runner


def test_labels_add_a_label_column_beside_each_iri_column_in_csv(runner: Runner) -> None:
    plain = runner("query", "run", "countries-ranked", "--format", "csv")
    labelled = runner("query", "run", "countries-ranked", "--format", "csv", "--labels")
    assert labelled.exit_code == 0, labelled.output
    rows = list(csv.reader(io.StringIO(labelled.stdout)))
    assert rows[0] == ["country", "countryLabel", "enterprises"]
    by_country = {r[0]: r[1] for r in rows[1:]}
    assert by_country["https://w3id.org/umkm-kg/id/country-nl"] == "Netherlands"
    # without --labels the output is what it was
    assert plain.stdout.splitlines()[0] == "country,enterprises"
    assert [r[0] for r in rows] == [r[0] for r in csv.reader(io.StringIO(plain.stdout))]


def test_labels_follow_the_language(runner: Runner) -> None:
    result = runner(
        "--lang", "id", "query", "run", "countries-ranked", "--format", "tsv", "--labels"
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "?country\t?countryLabel\t?enterprises"
    assert any('\t"Belanda"@id\t' in line for line in lines)


def test_labels_in_json_are_language_tagged_literals(runner: Runner) -> None:
    result = runner("query", "run", "countries-ranked", "--format", "json", "--labels")
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == ["country", "countryLabel", "enterprises"]
    first = document["results"]["bindings"][0]
    assert first["countryLabel"]["type"] == "literal"
    assert first["countryLabel"]["xml:lang"] == "en"
    plain = json.loads(runner("query", "run", "countries-ranked", "--format", "json").stdout)
    assert plain["head"]["vars"] == ["country", "enterprises"]


def test_labels_leave_literal_columns_and_a_query_s_own_label_column(runner: Runner) -> None:
    query = (
        "SELECT ?e ?eLabel ?n WHERE { ?e a umkm:Enterprise ; schema:name ?n "
        'BIND("mine" AS ?eLabel) } ORDER BY ?e LIMIT 2'
    )
    result = runner("sparql", query, "--format", "csv", "--labels")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["e", "eLabel", "n"]  # no ?nLabel: ?n holds literals
    assert {r[1] for r in rows[1:]} == {"mine"}


def test_an_iri_without_a_label_gets_an_empty_label_cell(runner: Runner) -> None:
    result = runner(
        "sparql",
        "SELECT ?x WHERE { VALUES ?x { <urn:x:nolabel> kg:country-my } }",
        "--format",
        "csv",
        "--labels",
    )
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1:] == [
        ["urn:x:nolabel", ""],
        ["https://w3id.org/umkm-kg/id/country-my", "Malaysia"],
    ]


def test_ad_hoc_sparql_has_the_project_prefixes(runner: Runner) -> None:
    result = runner(
        "sparql",
        "SELECT (COUNT(?e) AS ?n) WHERE { ?e a umkm:Enterprise ; schema:name ?name }",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "5"


def test_a_query_s_own_prefix_wins_and_errors_keep_their_lines(runner: Runner) -> None:
    own = runner("sparql", "PREFIX kg: <urn:x:> SELECT (kg:a AS ?x) WHERE {}", "--format", "csv")
    assert own.stdout.splitlines()[1] == "urn:x:a"
    broken = runner("sparql", "SELECT ?x WHERE {\n  ?x a nope:Thing }")
    assert broken.exit_code == 2
    assert "line 2" in broken.stderr


@pytest.mark.parametrize("lang", ["en", "id"])
def test_info_speaks_plainly(runner: Runner, lang: str, data_dir: object) -> None:
    result = runner("--lang", lang, "info", "--no-check")
    assert result.exit_code == 0, result.output
    words = {
        "en": (
            "data folder:",
            "enterprises:      7",  # the article's five named and two unnamed makers
            "added records:    0 enterprises in 0 batches",
        ),
        "id": ("folder data:", "usaha:            7", "rekaman tambahan: 0 usaha dalam 0 batch"),
    }[lang]
    for expected in words:
        assert expected in result.stdout, result.stdout
    assert str(data_dir) in result.stdout
    assert "umkm:Enterprise" in result.stdout
    assert "https://w3id.org/umkm-kg/ontology#Enterprise" not in result.stdout
    assert " article " in result.stdout


def test_info_counts_added_records_and_batches(runner: Runner, tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "r.csv"
    path.write_text(
        "nama,nib,sumber,lokasi\nBatik A,9120001234501,uji,Kota Tangerang\n"
        "Batik B,9120001234502,uji,Kota Tangerang\n"
    )
    assert runner("add", str(path)).exit_code == 0
    result = runner("info", "--no-check")
    assert "enterprises:      9" in result.stdout
    assert "added records:    2 enterprises in 1 batch\n" in result.stdout
