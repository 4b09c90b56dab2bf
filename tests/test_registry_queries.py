"""The registry's saved queries on the bundled data plus a small added batch (and an update):
places, size classes beside the 2015 figures, the newest batches, records with warnings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Runner

KG = "https://w3id.org/umkm-kg/id/"
HEADER = "nama,nib,produk,kategori,kelurahan,alamat,modal_usaha,kelas_usaha,dasar_kelas,sumber\n"
ROWS = [
    "Kue Basah Melati,9120001000901,Kue lapis,handicraft,Kreo,Jl. Kreo 1,250 juta,mikro,,P24",
    "Batik Dahlia,9120001000902,Batik cap,batik,Cipadu,,400 juta,kecil,2008,P24",
    "Tas Anyaman Mawar,9120001000903,Tas,handicraft,Cipadu,,,,,P24",
    # no NIB, and the name of an article enterprise in other letters (a probable duplicate
    # only if something else is shared: nothing is, so add takes it)
    "KERAJINAN LUMINTU,,Gelang,,Kreo,,,,,P24",
]


def _rows(runner: Runner, name: str, *params: str) -> list[dict[str, str]]:
    args = ["query", "run", name, "--format", "json"]
    for param in params:
        args += ["-p", param]
    result = runner(*args)
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    return [
        {k: v["value"].removeprefix(KG) for k, v in row.items()}
        for row in answer["results"]["bindings"]
    ]


@pytest.fixture
def registry(runner: Runner, tmp_path: Path) -> Runner:
    path = tmp_path / "batch.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in ROWS), encoding="utf-8")
    result = runner("add", str(path))
    assert result.exit_code == 0, result.output
    return runner


def test_enterprises_by_area_counts_each_enterprise_once_per_part(registry: Runner) -> None:
    rows = _rows(registry, "enterprises-by-area", "area=kg:city-tangerang")
    counts = {r["part"]: r["enterprises"] for r in rows}
    # Dewi Sambi Batik is in both kelurahan; Melati and Lumintu in Kreo, Dahlia and Mawar in
    # Cipadu (with refdata's kecamatan in between, the city's parts are those kecamatan)
    if "neighbourhood-kreo" in counts:
        assert counts["neighbourhood-kreo"] == "3" and counts["neighbourhood-cipadu"] == "3"
    banten = _rows(registry, "enterprises-by-area", "area=kg:province-banten")
    assert {"part": "city-tangerang", "label": "Kota Tangerang", "enterprises": "5"} in banten


def test_enterprises_in_area_lists_address_and_nib(registry: Runner) -> None:
    rows = _rows(registry, "enterprises-in-area", "area=kg:neighbourhood-kreo")
    assert [r["name"] for r in rows] == [
        "Dewi Sambi Batik",
        "KERAJINAN LUMINTU",
        "Kue Basah Melati",
    ]
    melati = rows[-1]
    assert melati["address"] == "Jl. Kreo 1" and melati["nib"] == "9120001000901"
    assert "nib" not in rows[1]


def test_enterprises_by_size_class(registry: Runner) -> None:
    rows = _rows(registry, "enterprises-by-size-class")
    assert [(r["name"], r["sizeClass"], r["scheme"]) for r in rows] == [
        ("Batik Dahlia", "size-2008-kecil", "scheme-size-2008"),
        ("Kue Basah Melati", "size-2021-mikro", "scheme-size-2021"),
    ]
    assert rows[1]["capital"] == "250000000"
    only = _rows(registry, "enterprises-by-size-class", "sizeClass=kg:size-2008-kecil")
    assert [r["name"] for r in only] == ["Batik Dahlia"]


def test_size_classes_next_to_the_2015_figures_keep_the_regimes_apart(registry: Runner) -> None:
    rows = _rows(registry, "size-classes-vs-2015")
    assert rows == [
        {"notation": "mikro", "statistics2015": "8132", "registry2008": "0", "registry2021": "1"},
        {"notation": "kecil", "statistics2015": "1502", "registry2008": "1", "registry2021": "0"},
        {"notation": "menengah", "statistics2015": "445", "registry2008": "0", "registry2021": "0"},
    ]


def test_newest_batches_come_first_and_name_what_they_revise(
    registry: Runner, tmp_path: Path
) -> None:
    path = tmp_path / "update.csv"
    path.write_text(HEADER + ROWS[2].replace("P24", "P25") + "\n", encoding="utf-8")
    assert registry("records", "update", str(path)).exit_code == 0
    rows = _rows(registry, "newest-batches")
    assert [r["sources"] for r in rows] == ["update.csv", "batch.csv"]
    assert [r["enterprises"] for r in rows] == ["1", "3"]
    assert rows[0]["revises"].endswith("#enterprise-tas-anyaman-mawar-9120001000903")
    assert "revises" not in rows[1]


def test_records_with_warnings(registry: Runner) -> None:
    rows = _rows(registry, "records-with-warnings")
    found = {(r["record"], r["warning"]) for r in rows}
    assert found == {
        ("enterprise-kerajinan-lumintu-kreo", "no-nib"),
        ("enterprise-kerajinan-lumintu-kreo", "same-name"),
        ("product-kerajinan-lumintu-kreo", "product-without-category"),
    }
