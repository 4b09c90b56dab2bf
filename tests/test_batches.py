"""``umkm-kg records``: listing, showing and removing batches; the kept generations and restores."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from conftest import Runner
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records import RecordsStore

RECORDS = Path(__file__).parent / "data" / "records"
ENTERPRISE = "https://w3id.org/umkm-kg/id/enterprise-anyaman-pandan-sari-9120001000001"


def _two_batches(runner: Runner) -> list[dict[str, object]]:
    assert runner("add", str(RECORDS / "valid-enterprises.csv")).exit_code == 0
    assert runner("add", str(RECORDS / "valid-enterprise.ttl")).exit_code == 0
    result = runner("records", "list", "--json")
    assert result.exit_code == 0, result.output
    listed: list[dict[str, object]] = json.loads(result.stdout)
    return listed


def test_list_shows_each_batch_with_its_counts(runner: Runner) -> None:
    first, second = _two_batches(runner)
    assert first["sources"] == ["valid-enterprises.csv"] and first["enterprises"] == 2
    assert second["sources"] == ["valid-enterprise.ttl"] and second["enterprises"] == 1
    assert str(first["added"]).endswith("Z")
    table = runner("records", "list")
    assert "2 batches" in table.stdout


def test_show_prints_one_batch_as_trig(runner: Runner) -> None:
    first, _ = _two_batches(runner)
    result = runner("records", "show", str(first["id"]))
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(result.stdout.encode(), ox.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == {first["graph"]}  # type: ignore[union-attr]
    assert "kg:enterprise-anyaman-pandan-sari-9120001000001 " in result.stdout


def test_a_batch_is_named_by_iri_id_or_a_unique_start(runner: Runner) -> None:
    first, _ = _two_batches(runner)
    for name in (str(first["graph"]), str(first["id"]), str(first["id"])[:-3]):
        assert runner("records", "show", name).exit_code == 0, name
    ambiguous = runner("records", "show", "20")
    assert ambiguous.exit_code == 2 and "several batches match" in ambiguous.stderr
    unknown = runner("records", "show", "nope")
    assert unknown.exit_code == 2 and "no batch is named 'nope'" in unknown.stderr


def test_remove_retracts_a_batch_and_keeps_its_records(runner: Runner, data_dir: Path) -> None:
    first, second = _two_batches(runner)
    shown = runner("records", "show", str(first["id"])).stdout
    result = runner("records", "remove", str(first["id"]))
    assert result.exit_code == 0, result.output
    assert [b.id for b in RecordsStore(data_dir).batches()] == [second["id"]]
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    assert not kg.query(f"ASK {{ <{ENTERPRISE}> ?p ?o }}").boolean
    kept = data_dir / "retracted" / f"{first['id']}.trig"
    assert kept.read_text(encoding="utf-8") == shown
    removed = kg.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> "
        f"SELECT ?when WHERE {{ <{first['graph']}> prov:invalidatedAtTime ?when }}"
    )
    assert len(removed.rows) == 1
    # the enterprise may be added again once its batch is gone
    assert runner("add", str(RECORDS / "valid-enterprises.csv")).exit_code == 0


def test_history_lists_backups_and_restore_brings_one_back(runner: Runner, data_dir: Path) -> None:
    first, _ = _two_batches(runner)
    before = json.loads(runner("records", "history", "--json").stdout)[0]["name"]
    assert runner("records", "remove", str(first["id"])).exit_code == 0
    result = runner("records", "restore", before)
    assert result.exit_code == 0, result.output
    assert len(RecordsStore(data_dir).batches()) == 2
    history = json.loads(runner("records", "history", "--json").stdout)
    assert history[0]["change"] == f"restore {before}" and history[0]["parent"] == before
    refused = runner("records", "restore", "../../etc")
    assert refused.exit_code == 2 and "no generation" in refused.stderr


def test_a_damaged_current_is_mended_by_a_restore(runner: Runner, data_dir: Path) -> None:
    _two_batches(runner)
    history = json.loads(runner("records", "history", "--json").stdout)
    current = data_dir / "store" / "CURRENT"
    current.write_text("g00000099\n", encoding="ascii")  # names nothing
    broken = runner("records", "list")
    assert broken.exit_code == 2 and "not in the store" in broken.stderr
    assert runner("add", str(RECORDS / "valid-enterprise.ttl")).exit_code == 2  # no new store
    listed = runner("records", "history", "--json")
    assert listed.exit_code == 0 and json.loads(listed.stdout) == history
    assert runner("records", "restore", history[0]["name"]).exit_code == 0
    assert len(RecordsStore(data_dir).batches()) == 2
