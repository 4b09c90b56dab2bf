"""A batch describes only its own new resources (umkm_kg.validation.ownership).

The ``ownership`` cases of tests/data/hostile/manifest.json are statements about ontology
terms, shapes and existing resources, and identity statements towards them; each must be
refused by ``validate``, ``add`` and ``load`` alike (exit 1), with nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Runner
from umkm_kg.records import RecordsStore

HOSTILE = Path(__file__).parent / "data" / "hostile"
RECORDS = Path(__file__).parent / "data" / "records"
CASES = [
    c
    for c in json.loads((HOSTILE / "manifest.json").read_text(encoding="utf-8"))["cases"]
    if c.get("ownership")
]


def _current(data_dir: Path) -> str | None:
    current = data_dir / "store" / "CURRENT"
    return current.read_text(encoding="ascii") if current.is_file() else None


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["file"])
@pytest.mark.parametrize("command", ["add", "load"])
def test_foreign_statements_are_refused_and_nothing_is_written(
    case: dict[str, Any], command: str, runner: Runner, data_dir: Path
) -> None:
    # Regression: umkm:Enterprise rdfs:subClassOf owl:Nothing conformed and was stored.
    assert runner("info", "--no-check").exit_code == 0  # the store exists
    before = _current(data_dir)
    path = HOSTILE / case["file"]
    result = runner(command, str(path))
    if command == "load" and '"@context"' in path.read_text(encoding="utf-8"):
        # The bulk loader's JSON-LD reader cannot read the project's context: refused sooner.
        assert result.exit_code == 2 and "remote contexts" in result.stderr, result.output
    else:
        assert result.exit_code == 1, result.output
        assert case["messages"][0] in result.output
    assert _current(data_dir) == before
    assert RecordsStore(data_dir).batches() == []


def test_restated_facts_are_allowed_and_new_ones_about_existing_resources_are_not(
    runner: Runner, tmp_path: Path
) -> None:
    base = (RECORDS / "valid-enterprise.ttl").read_text(encoding="utf-8")
    restating = tmp_path / "restating.ttl"
    restating.write_text(base + '\nkg:country-au rdfs:label "Australia"@en .\n', encoding="utf-8")
    assert runner("validate", str(restating)).exit_code == 0
    changing = tmp_path / "changing.ttl"
    changing.write_text(base + '\nkg:country-au rdfs:label "Down Under"@en .\n', encoding="utf-8")
    result = runner("validate", str(changing))
    assert result.exit_code == 1
    assert "country-au> is already in the graph" in result.stdout


def test_a_batch_may_not_change_an_earlier_batch(runner: Runner, tmp_path: Path) -> None:
    assert runner("add", str(RECORDS / "valid-enterprise.ttl")).exit_code == 0
    again = tmp_path / "again.ttl"
    again.write_text(
        "PREFIX kg: <https://w3id.org/umkm-kg/id/>\nPREFIX schema: <https://schema.org/>\n"
        'kg:enterprise-sepatu-kulit-gaga-9120001000003 schema:name "Renamed" .\n',
        encoding="utf-8",
    )
    for command in ("validate", "add", "load"):
        result = runner(command, str(again))
        assert result.exit_code == 1, (command, result.output)
        assert "is already in the graph" in result.output


def test_same_as_an_outside_iri_is_allowed(runner: Runner, tmp_path: Path) -> None:
    linked = tmp_path / "linked.ttl"
    linked.write_text(
        (RECORDS / "valid-enterprise.ttl").read_text(encoding="utf-8")
        + "\nkg:enterprise-sepatu-kulit-gaga-9120001000003 "
        "<http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q1> .\n",
        encoding="utf-8",
    )
    result = runner("validate", str(linked))
    assert result.exit_code == 0, result.output
