"""``records update``: a new version of an enterprise's record replaces the old one in one
transaction, says ``prov:wasRevisionOf`` it, and the old version is kept."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from conftest import Runner
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records import RecordsStore
from umkm_kg.store.disk import CURRENT

HEADER = "nama,nib,pemilik,produk,kategori,tujuan_ekspor,kelurahan,modal_usaha,kelas_usaha,sumber\n"
MELATI = "Kue Basah Melati,9120001000901,ibu Melati,Kue lapis,handicraft,MY,Kreo,250 juta,mikro,P24"
DAHLIA = "Batik Dahlia,9120001000902,ibu Dahlia,Batik cap,batik,,Cipadu,,,P24"
E = "https://w3id.org/umkm-kg/id/enterprise-kue-basah-melati-9120001000901"


def _csv(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _version(data_dir: Path) -> str:
    return (data_dir / "store" / CURRENT).read_text(encoding="ascii")


def _objects(data_dir: Path, subject: str, predicate: str) -> set[str]:
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    rows = kg.query(f"SELECT ?o WHERE {{ <{subject}> <{predicate}> ?o }}").rows
    return {str(r["o"]) for r in rows}


def test_a_new_version_replaces_the_old_one_which_is_kept(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    assert runner("add", str(_csv(tmp_path, "a.csv", MELATI, DAHLIA))).exit_code == 0
    [old_batch] = RecordsStore(data_dir).batches()
    new = MELATI.replace("Kue lapis,handicraft,MY", "Kue lapis; Bolu,handicraft,SG")
    new = new.replace("250 juta,mikro,P24", "3 miliar,kecil,P25")
    result = runner("records", "update", str(_csv(tmp_path, "b.csv", new)))
    assert result.exit_code == 0, result.output
    assert f"<{E}> replaces <{E}>" in result.stderr
    # the enterprise has the new description only
    assert _objects(data_dir, E, "https://w3id.org/umkm-kg/ontology#sizeClass") == {
        "https://w3id.org/umkm-kg/id/size-2021-kecil"
    }
    assert _objects(data_dir, E, "https://w3id.org/umkm-kg/ontology#businessCapital") == {
        "3000000000"
    }
    products = _objects(data_dir, E, "https://w3id.org/umkm-kg/ontology#hasProduct")
    assert len(products) == 2
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    claims = kg.query(
        f"SELECT ?c ?d WHERE {{ ?c <https://w3id.org/umkm-kg/ontology#exporter> <{E}> ; "
        "<https://w3id.org/umkm-kg/ontology#destination> ?d }"
    ).rows
    assert {str(r["d"]).rsplit("-", 1)[-1] for r in claims} == {"sg"}  # no claim to MY left
    # the other enterprise of the old batch stays where it was
    batches = {b.iri: b for b in RecordsStore(data_dir).batches()}
    assert old_batch.iri in batches and batches[old_batch.iri].enterprises == 1
    [new_batch] = [b for b in batches.values() if b.iri != old_batch.iri]
    store = RecordsStore(data_dir).dataset()
    revises = ox.NamedNode("http://www.w3.org/ns/prov#wasRevisionOf")
    [revision] = store.quads_for_pattern(ox.NamedNode(new_batch.iri), revises, None, None)
    version = revision.object.value  # type: ignore[union-attr]
    assert version == f"{old_batch.iri}#enterprise-kue-basah-melati-9120001000901"
    history = ox.NamedNode("https://w3id.org/umkm-kg/graph/history")
    said = {
        q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        for q in store.quads_for_pattern(ox.NamedNode(version), None, None, history)
    }
    assert {"invalidatedAtTime", "isReplacedBy", "isPartOf", "subject", "source"} <= said
    # the old version is kept, as TriG that parses, with what it said
    [kept] = (data_dir / "retracted").glob("*.trig")
    text = kept.read_text(encoding="utf-8")
    old = ox.Dataset(ox.parse(text.encode(), ox.RdfFormat.TRIG))
    assert any(q.object.value.endswith("country-my") for q in old)  # type: ignore[union-attr]
    assert "250000000" in text
    assert "Dahlia" not in text
    assert "conforms:         yes" in runner("info").stdout


def test_the_only_record_of_a_batch_takes_the_batch_with_it(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    assert runner("add", str(_csv(tmp_path, "a.csv", MELATI))).exit_code == 0
    [old_batch] = RecordsStore(data_dir).batches()
    result = runner("records", "update", str(_csv(tmp_path, "b.csv", MELATI.replace("P24", "P25"))))
    assert result.exit_code == 0, result.output
    [batch] = RecordsStore(data_dir).batches()
    assert batch.iri != old_batch.iri and batch.enterprises == 1


def test_a_record_found_by_its_nib_may_change_its_name(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    assert runner("add", str(_csv(tmp_path, "a.csv", MELATI, DAHLIA))).exit_code == 0
    renamed = MELATI.replace("Kue Basah Melati", "Kue Basah Melati Jaya")
    result = runner("records", "update", str(_csv(tmp_path, "b.csv", renamed)))
    assert result.exit_code == 0, result.output
    assert _objects(data_dir, E, "https://schema.org/name") == set()
    other = E.replace("melati-", "melati-jaya-")
    assert _objects(data_dir, other, "https://schema.org/name") == {"Kue Basah Melati Jaya"}


def test_an_update_that_does_not_conform_writes_nothing(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    assert runner("add", str(_csv(tmp_path, "a.csv", MELATI, DAHLIA))).exit_code == 0
    before = _version(data_dir)
    # micro under PP 7/2021 with Rp3 miliar of capital: the size class disagrees
    bad = MELATI.replace("250 juta,mikro", "3 miliar,mikro")
    for args in (("--dry-run",), ()):
        result = runner("records", "update", *args, str(_csv(tmp_path, "b.csv", bad)))
        assert result.exit_code == 1, result.output
        assert "does not agree with the business capital" in result.stdout
    assert _version(data_dir) == before
    assert _objects(data_dir, E, "https://w3id.org/umkm-kg/ontology#businessCapital") == {
        "250000000"
    }
    assert not (data_dir / "retracted").exists()
    good = MELATI.replace("P24", "P25")
    result = runner("records", "update", "--dry-run", str(_csv(tmp_path, "c.csv", good)))
    assert result.exit_code == 0, result.output
    assert "nothing written" in result.stderr
    assert _version(data_dir) == before


def test_only_records_can_be_updated(runner: Runner, data_dir: Path, tmp_path: Path) -> None:
    assert runner("add", str(_csv(tmp_path, "a.csv", DAHLIA))).exit_code == 0
    before = _version(data_dir)
    result = runner("records", "update", str(_csv(tmp_path, "b.csv", MELATI)))
    assert result.exit_code == 2, result.output
    assert "is no enterprise of the records store" in result.stderr
    article = tmp_path / "haura.ttl"
    article.write_text(
        "<https://w3id.org/umkm-kg/id/enterprise-haura-hijab> a "
        '<https://w3id.org/umkm-kg/ontology#Enterprise> ; <https://schema.org/name> "Haura" .\n',
        encoding="utf-8",
    )
    result = runner("records", "update", str(article))
    assert result.exit_code == 2, result.output
    assert "not in a batch of records" in result.stderr
    assert _version(data_dir) == before


def test_a_place_the_batch_brought_stays_for_the_new_version(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    places = tmp_path / "places.ttl"
    places.write_text(
        """PREFIX kg: <https://w3id.org/umkm-kg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX umkm: <https://w3id.org/umkm-kg/ontology#>
kg:neighbourhood-sudimara-test a umkm:Neighbourhood ; rdfs:label "Sudimara Uji"@id ,
    "Sudimara Uji"@en ; schema:containedInPlace kg:city-tangerang ; rdfs:comment "uji" ;
    <http://purl.org/dc/terms/source> "uji" .
""",
        encoding="utf-8",
    )
    row = MELATI.replace(",Kreo,", ",Sudimara Uji,")
    result = runner("add", str(places), str(_csv(tmp_path, "a.csv", row)))
    assert result.exit_code == 0, result.output
    result = runner("records", "update", str(_csv(tmp_path, "b.csv", row.replace("P24", "P25"))))
    assert result.exit_code == 0, result.output
    assert _objects(data_dir, E, "https://schema.org/location") == {
        "https://w3id.org/umkm-kg/id/neighbourhood-sudimara-test"
    }
    place = "https://w3id.org/umkm-kg/id/neighbourhood-sudimara-test"
    assert _objects(data_dir, place, "https://schema.org/containedInPlace")
