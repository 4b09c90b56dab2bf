"""The fields an agency keeps: NIB, address down to kelurahan, year started, workers, business
capital and annual sales; size classes under PP 7/2021 by default, and a declared size class
that must agree with the capital or sales under its regime (DOMAIN.md's thresholds)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from conftest import Runner
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import KG, SCHEMA, UMKM
from umkm_kg.records.csvrecords import rupiah
from umkm_kg.validation import validate

HEADER = (
    "nama,nib,produk,kategori,alamat,kelurahan,tahun_mulai,tenaga_kerja,modal_usaha,"
    "omzet_tahunan,kelas_usaha,dasar_kelas,sumber\n"
)


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "fields.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_every_field_of_a_csv_row_becomes_its_property(
    runner: Runner, data_dir: Path, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "Kue Basah Melati,9120001000901,Kue lapis,handicraft,Jl. Kreo Raya No. 12,Kreo,2015,4,"
        "250 juta,Rp600.000.000,mikro,,Pendataan 2024",
    )
    result = runner("add", str(path))
    assert result.exit_code == 0, result.output
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    e = KG["enterprise-kue-basah-melati-9120001000901"]
    rows = kg.query(f"SELECT ?p ?o WHERE {{ <{e}> ?p ?o }}").rows
    found = {(str(r["p"]), str(r["o"]), getattr(r["o"], "datatype", None)) for r in rows}
    assert (str(SCHEMA.identifier), "9120001000901", None) in found
    assert (str(SCHEMA.address), "Jl. Kreo Raya No. 12", None) in found
    assert (str(SCHEMA.location), str(KG["neighbourhood-kreo"]), None) in found
    assert (str(SCHEMA.foundingDate), "2015", XSD.gYear) in found
    assert (str(UMKM.numberOfWorkers), "4", XSD.integer) in found
    assert (str(UMKM.businessCapital), "250000000", XSD.decimal) in found
    assert (str(UMKM.annualSales), "600000000", XSD.decimal) in found
    # no size scheme named: PP 7/2021
    assert (str(UMKM.sizeClass), str(KG["size-2021-mikro"]), None) in found


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("tahun_mulai", "20X5", "'20X5' is not a year"),
        ("tenaga_kerja", "empat", "'empat' is not a number of workers"),
        ("modal_usaha", "banyak", "'banyak' is not an amount in rupiah"),
        ("omzet_tahunan", "1.2.3", "'1.2.3' is not an amount in rupiah"),
        ("nib", "9120-001000901", "a NIB has 13 digits"),
        ("kelurahan", "Narnia", "unknown place 'Narnia'"),
    ],
)
def test_a_bad_field_is_reported_by_its_column(
    runner: Runner, tmp_path: Path, column: str, value: str, message: str
) -> None:
    cells = dict.fromkeys(HEADER.strip().split(","), "")
    cells.update(nama="Toko Uji", produk="Kue", kategori="handicraft", sumber="Pendataan 2024")
    cells[column] = value
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + ",".join(cells.values()) + "\n", encoding="utf-8")
    result = runner("validate", str(path))
    assert result.exit_code == 1, result.output
    assert f"{column}: {message}" in result.stdout


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("250000000", 250_000_000),
        ("Rp250.000.000", 250_000_000),
        ("Rp 250.000.000,00", 250_000_000),
        ("Rp10.000.000,-", 10_000_000),
        ("250 juta", 250_000_000),
        ("250 jt", 250_000_000),
        ("1,5 miliar", 1_500_000_000),
        ("1.500 juta", 1_500_000_000),
        ("2 milyar", 2_000_000_000),
        ("-5", None),
        ("1.2.3", None),
        ("lima juta", None),
        ("5 JUTA", 5_000_000),
        # regression: a dotless i matched the unit under IGNORECASE, then no table entry
        ("1 mılıar", None),
        ("1 MİLİAR", None),
    ],
)
def test_rupiah_amounts_are_read_as_clerks_write_them(text: str, amount: int | None) -> None:
    assert rupiah(text) == (None if amount is None else Decimal(amount))


def _enterprise(size: str, capital: int | None, sales: int | None, nib: str | None = None) -> Graph:
    graph = Graph()
    e = URIRef("https://example.org/enterprise-sized")
    graph.parse(
        data=f"""PREFIX schema: <https://schema.org/>
        PREFIX umkm: <https://w3id.org/umkm-kg/ontology#>
        PREFIX kg: <https://w3id.org/umkm-kg/id/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dct: <http://purl.org/dc/terms/>
        <{e}> a umkm:Enterprise ; schema:name "Usaha Ukur" ; dct:source "uji" ;
            rdfs:label "Usaha Ukur"@id, "Usaha Ukur"@en ; umkm:sizeClass kg:{size} .""",
        format="turtle",
    )
    if capital is not None:
        graph.add((e, UMKM.businessCapital, Literal(Decimal(capital), datatype=XSD.decimal)))
    if sales is not None:
        graph.add((e, UMKM.annualSales, Literal(Decimal(sales), datatype=XSD.decimal)))
    if nib is not None:
        graph.add((e, SCHEMA.identifier, Literal(nib)))
    return graph


JUTA, MILIAR = 10**6, 10**9


@pytest.mark.parametrize(
    ("size", "capital", "sales", "agrees"),
    [
        ("size-2021-mikro", 1 * MILIAR, None, True),  # "paling banyak": the bound is in
        ("size-2021-mikro", 1 * MILIAR + 1, None, False),
        ("size-2021-kecil", 1 * MILIAR, None, False),  # "lebih dari": the bound is out
        ("size-2021-kecil", 3 * MILIAR, 10 * MILIAR, True),
        ("size-2021-menengah", None, 50 * MILIAR, True),
        ("size-2021-menengah", None, 51 * MILIAR, False),
        ("size-2021-mikro", 3 * MILIAR, 1 * MILIAR, True),  # either criterion suffices ("atau")
        ("size-2021-mikro", 3 * MILIAR, 3 * MILIAR, False),
        ("size-2008-mikro", 60 * JUTA, None, False),  # micro under 2021, small under 2008
        ("size-2008-kecil", 60 * JUTA, None, True),
        ("size-2008-kecil", None, 2500 * JUTA, True),
        ("size-2008-menengah", 600 * JUTA, 2 * MILIAR, True),
        ("size-2008-menengah", 400 * JUTA, 2 * MILIAR, False),
        ("size-2021-kecil", None, None, True),  # no figures: nothing to disagree with
    ],
)
def test_a_declared_size_class_agrees_with_capital_or_sales_under_its_regime(
    kg: KnowledgeGraph, size: str, capital: int | None, sales: int | None, agrees: bool
) -> None:
    report = validate(_enterprise(size, capital, sales), kg)
    messages = [p.message.en for r in report.records for p in r.problems]
    disagrees = [m for m in messages if "does not agree with the business capital" in m]
    assert bool(disagrees) is not agrees, messages
    assert report.conforms is agrees
    if not agrees:
        assert f"kg:{size}" in disagrees[0]


def test_a_nib_in_rdf_records_has_thirteen_digits(kg: KnowledgeGraph) -> None:
    good = validate(_enterprise("size-2021-mikro", None, None, "9120001000901"), kg)
    assert good.conforms
    bad = validate(_enterprise("size-2021-mikro", None, None, "9120-00100"), kg)
    assert not bad.conforms
    assert any("13 digits" in p.message.en for r in bad.records for p in r.problems)
