"""CSV enterprise records: headers in two languages, several values per cell, names resolved
against the graph, and rows mapped to the same model as the article's enterprises."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from umkm_kg.errors import BadInput
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import KG, UMKM
from umkm_kg.records.csvcolumns import COLUMNS, CsvRow, read_rows
from umkm_kg.records.csvrecords import MappedRow, Triple, map_csv, map_row, slug
from umkm_kg.records.rdfinput import RawInput, RecordFormat
from umkm_kg.records.resolver import Resolver


@pytest.fixture(scope="module")
def resolver(kg: KnowledgeGraph) -> Resolver:
    return Resolver.from_kg(kg)


def _raw(text: str, name: str = "r.csv") -> RawInput:
    return RawInput(name, text.encode("utf-8"), RecordFormat.CSV)


def _map(text: str, resolver: Resolver) -> tuple[Graph, list[MappedRow]]:
    triples: list[Triple] = []
    rows, _ = map_csv(_raw(text), resolver, triples)
    graph = Graph()
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    return graph, rows


ROW_EN = (
    "name,identifier,owner,products,categories,destinations,location,size_class,size_scheme,"
    "source,reported_by\n"
    "Batik Sekar,9120001000100,ibu Sekar,Batik tulis; Kain batik,batik,Malaysia; SG,Cipadu,"
    "mikro,2021,Pendataan 2024,kg:org-disperindagkop-tangerang\n"
)
ROW_ID = (
    "nama,nib,pemilik,produk,kategori,tujuan_ekspor,lokasi,kelas_usaha,dasar_kelas,sumber,"
    "dilaporkan_oleh\n"
    "Batik Sekar,9120001000100,ibu Sekar,Batik tulis; Kain batik,Batik,Malaysia; Singapura,"
    "kg:neighbourhood-cipadu,mikro,2021,Pendataan 2024,Dinas Perindustrian Perdagangan dan "
    "Koperasi Kota Tangerang\n"
)


def test_english_and_indonesian_headers_give_the_same_graph(resolver: Resolver) -> None:
    english, _ = _map(ROW_EN, resolver)
    indonesian, _ = _map(ROW_ID, resolver)
    # destinationAsWritten and locationAsWritten keep what was written, so compare the rest
    written = (UMKM.destinationAsWritten, UMKM.locationAsWritten)
    for graph in (english, indonesian):
        for p in written:
            graph.remove((None, p, None))
    assert isomorphic(english, indonesian)


def test_several_values_per_cell_make_several_nodes(resolver: Resolver) -> None:
    graph, rows = _map(ROW_EN, resolver)
    enterprise = rows[0].enterprise
    assert enterprise == KG["enterprise-batik-sekar-9120001000100"]
    assert len(set(graph.objects(enterprise, UMKM.hasProduct))) == 2
    claims = set(graph.subjects(UMKM.exporter, enterprise))
    assert len(claims) == 4  # two products x two destinations
    destinations = {graph.value(c, UMKM.destination) for c in claims}
    assert destinations == {KG["country-my"], KG["country-sg"]}
    assert not rows[0].problems


def test_semicolon_separated_files_are_read_too(resolver: Resolver) -> None:
    text = 'nama;tujuan_ekspor;sumber\nToko Kue;"Malaysia; Brunei";Pendataan\n'
    graph, rows = _map(text, resolver)
    claims = set(graph.subjects(UMKM.exporter, rows[0].enterprise))
    assert {graph.value(c, UMKM.destination) for c in claims} == {
        KG["country-my"],
        KG["country-bn"],
    }


@pytest.mark.parametrize(
    ("written", "country"),
    [
        ("MY", "country-my"),
        ("my", "country-my"),
        ("Malaysia", "country-my"),
        ("Belanda", "country-nl"),
        ("Netherlands", "country-nl"),
        ("Arab Saudi", "country-sa"),
        ("Perancis", "country-fr"),  # as the article writes it
        ("Dubay", "city-dubai"),  # as the article writes it: a city, in the UAE
        ("kg:country-th", "country-th"),
        ("https://w3id.org/umkm-kg/id/country-au", "country-au"),
    ],
)
def test_destinations_by_name_code_or_iri(resolver: Resolver, written: str, country: str) -> None:
    iri, why = resolver.resolve("place", written)
    assert iri == str(KG[country]), why


def test_unknown_country_is_reported_by_row_and_column(resolver: Resolver) -> None:
    text = "# komentar\nnama,tujuan_ekspor\nToko A,Malaysia\nToko B,Narnia; Malaysa\n"
    _, rows = _map(text, resolver)
    assert rows[0].problems == []
    problems = rows[1].problems
    assert [(p.row, p.column, p.found) for p in problems] == [
        (4, "destinations", "Narnia"),
        (4, "destinations", "Malaysa"),
    ]
    assert "unknown export destination 'Narnia'" in problems[0].message_en
    assert "tujuan ekspor 'Narnia' tidak dikenal" in problems[0].message_id
    assert "did you mean 'Malaysia' (kg:country-my)?" in problems[1].message_en
    assert "mungkin maksudnya 'Malaysia' (kg:country-my)?" in problems[1].message_id


def test_size_class_needs_its_criteria(resolver: Resolver) -> None:
    triples: list[Triple] = []
    ok = map_row(
        CsvRow(2, {"name": "A", "size_class": "kecil", "size_scheme": "2008"}), resolver, triples
    )
    assert (ok.enterprise, UMKM.sizeClass, KG["size-2008-kecil"]) in triples
    # no criteria named: PP 7/2021, the regime in force; criteria that are neither: refused
    missing = map_row(CsvRow(3, {"name": "B", "size_class": "kecil"}), resolver, triples)
    assert missing.problems == []
    assert (missing.enterprise, UMKM.sizeClass, KG["size-2021-kecil"]) in triples
    named = map_row(CsvRow(5, {"name": "D", "size_class": "mikro 2008"}), resolver, triples)
    assert (named.enterprise, UMKM.sizeClass, KG["size-2008-mikro"]) in triples
    unknown = map_row(
        CsvRow(6, {"name": "E", "size_class": "kecil", "size_scheme": "2015"}), resolver, triples
    )
    assert [p.column for p in unknown.problems] == ["size_scheme"]
    wrong = map_row(
        CsvRow(4, {"name": "C", "size_class": "besar", "size_scheme": "2021"}), resolver, triples
    )
    assert [p.column for p in wrong.problems] == ["size_class"]


@pytest.mark.parametrize("cell", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_cells_are_refused(resolver: Resolver, cell: str) -> None:
    triples: list[Triple] = []
    row = map_row(CsvRow(2, {"name": "A", "source": cell}), resolver, triples)
    assert [p.column for p in row.problems] == ["source"]
    assert "formula" in row.problems[0].message_en
    assert not any(cell.strip() in str(o) for _, _, o in triples)


def test_unknown_column_suggests_the_right_one() -> None:
    with pytest.raises(BadInput, match="unknown column 'Tujuan Eksport'") as info:
        read_rows(_raw("nama,Tujuan Eksport\nA,MY\n"))
    assert info.value.hint is not None and "did you mean 'tujuan_ekspor'" in info.value.hint


def test_headers_ignore_case_spaces_and_hyphens() -> None:
    table = read_rows(_raw("Nama,Tujuan Ekspor,kelas-usaha\nA,MY,mikro\n"))
    assert table.rows[0].cells == {"name": "A", "destinations": "MY", "size_class": "mikro"}


def test_a_file_needs_a_name_column() -> None:
    with pytest.raises(BadInput, match="no 'name'"):
        read_rows(_raw("nib,lokasi\n9120001000100,Cipadu\n"))


def test_row_numbers_are_file_lines() -> None:
    text = '# a\n# b\nnama,produk\nA,"kue\nlapis"\n\nB,roti\n'
    table = read_rows(_raw(text))
    assert [r.row for r in table.rows] == [4, 7]
    assert table.titles["name"] == "nama"


def test_minted_iris_are_deterministic(resolver: Resolver) -> None:
    first, _ = _map(ROW_EN, resolver)
    second, _ = _map(ROW_EN, resolver)
    assert set(first) == set(second)
    assert slug("Dewi Sambi Batik") == "dewi-sambi-batik"
    assert slug("Café Máría") == "cafe-maria"


def test_every_column_has_both_header_names_and_help() -> None:
    for column in COLUMNS:
        assert column.key and column.indonesian and column.en and column.id


def test_a_row_has_the_shape_of_the_articles_enterprises(
    resolver: Resolver, kg: KnowledgeGraph
) -> None:
    """The row for Haura Hijab, as staff would type it, uses the article's properties."""
    text = (
        "nama,pemilik,produk,produk_en,kategori,tujuan_ekspor,sumber\n"
        "Haura Hijab,ibu Bunga,Hijab Haura Hijab,Haura Hijab hijabs,hijab,"
        "Malaysia; Australia; Dubay; Arab Saudi,ANTARA 2016\n"
    )
    graph, _ = _map(text, resolver)
    article = Graph().parse(Path(__file__).parent.parent / "data" / "umkm.ttl")

    def predicates(g: Graph, cls: URIRef) -> set[URIRef]:
        return {p for s in g.subjects(RDF.type, cls) for p in g.predicates(s)}  # type: ignore[misc]

    schema = "https://schema.org/"
    for cls in (UMKM.Enterprise, UMKM.ExportClaim, UMKM.Ownership, URIRef(schema + "Person")):
        ours = predicates(graph, cls)
        theirs = predicates(article, cls)
        # the article's nodes also say where in the text they come from; ours say dct:source
        extra = {p for p in ours - theirs if not str(p).startswith("http://purl.org/dc/terms/")}
        assert not extra, (cls, extra)
