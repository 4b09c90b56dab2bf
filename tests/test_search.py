"""``search``: the label index finds what ``search-labels`` scans for, a page at a time, and
treats every character of the text as text."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import URIRef

from conftest import Runner
from umkm_kg.cli import main
from umkm_kg.errors import BadParameter
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.graphvalues import GraphValues
from umkm_kg.query.search import SearchResult, search
from umkm_kg.synth import write_registry

KG = "https://w3id.org/umkm-kg/id/"
# The index finds a word anywhere in a label, as the scan for contained text does ("ekspor" in
# "pengekspor", "atik" in "batik"); tests/test_labelupdate.py compares more terms.
WORDS = ["batik", "malaysia", "tangerang", "kerajinan", "sepatu", "mebel", "hijab", "ekspor"]
WORDS += ["atik"]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """The bundled graph and 120 generated enterprises, loaded into a data folder."""
    folder = tmp_path_factory.mktemp("search")
    path = folder / "registry.nt"
    write_registry(str(path), enterprises=120, seed=9)
    assert main(["--data-dir", str(folder / "data"), "load", str(path)]) == 0
    kg = KnowledgeGraph.embedded(data_dir=folder / "data", isolated=False)
    yield kg
    kg.close()


def _scanned(kg: KnowledgeGraph, text: str) -> set[str]:
    rows = kg.run("search-labels", {"text": text}, max_rows=None).rows
    return {str(r["resource"]) for r in rows if isinstance(r.get("resource"), URIRef)}


def _all(kg: KnowledgeGraph, text: str, size: int = 7) -> list[str]:
    found: list[str] = []
    offset = 0
    while True:
        page = search(kg, text, limit=size, offset=offset)
        assert page.method == "index"
        found += [m.resource for m in page.matches]
        if not page.more:
            return found
        offset += size


@pytest.mark.parametrize("word", WORDS)
def test_the_index_finds_the_resources_the_scan_finds(kg: KnowledgeGraph, word: str) -> None:
    assert set(_all(kg, word)) == _scanned(kg, word)


@pytest.mark.parametrize("word", ["batik", "konveksi", "sandal", "tangerang", "kerajinan"])
def test_the_index_finds_what_the_scan_finds_in_a_registry(
    registry: KnowledgeGraph, word: str
) -> None:
    found = _all(registry, word, size=25)
    assert found, word
    assert set(found) == _scanned(registry, word)


def test_pages_hold_every_match_once_in_rank_order(registry: KnowledgeGraph) -> None:
    whole = search(registry, "batik", limit=1000)
    assert whole.total == len(whole.matches) > 10 and not whole.more
    paged = _all(registry, "batik", size=4)
    assert paged == [m.resource for m in whole.matches]
    last = search(registry, "batik", limit=4, offset=whole.total - 1)
    assert len(last.matches) == 1 and not last.more
    beyond = search(registry, "batik", limit=4, offset=whole.total + 10)
    assert beyond.matches == () and beyond.total == whole.total


def test_the_best_match_comes_first_and_says_its_class(kg: KnowledgeGraph) -> None:
    first = search(kg, "batik", limit=1).matches[0]
    assert first.resource == KG + "category-batik"  # the shortest label
    assert first.label == "Batik"
    assert first.types == (
        "http://www.w3.org/2004/02/skos/core#Concept",
        "https://w3id.org/umkm-kg/ontology#ProductCategory",
    )
    # then the enterprise (its name is shorter than its product's, claims' and mentions')
    assert search(kg, "batik", limit=1, offset=1).matches[0].resource == (
        KG + "enterprise-dewi-sambi-batik"
    )


def test_labels_are_shown_in_the_language_asked_for(kg: KnowledgeGraph) -> None:
    shown = {lang: search(kg, "uni emirat", limit=1, lang=lang).matches[0] for lang in ("id", "en")}
    assert shown["id"].resource == shown["en"].resource == KG + "country-ae"
    assert (shown["id"].label, shown["id"].lang) == ("Uni Emirat Arab", "id")
    assert (shown["en"].label, shown["en"].lang) == ("United Arab Emirates", "en")


def test_other_labels_and_accents_are_searched_too(kg: KnowledgeGraph) -> None:
    # skos:altLabel "Arab Republic of Egypt" (the scan reads rdfs:label and schema:name only)
    assert KG + "country-eg" in {m.resource for m in search(kg, "arab", limit=50).matches}
    assert search(kg, "MÉBEL", limit=50).matches == search(kg, "mebel", limit=50).matches


@pytest.mark.parametrize(
    "text",
    ['"batik"', "batik*", '"batik', "batik)", "(batik", "batik:", "^batik", "batik -", "{batik}"],
)
def test_fts_syntax_in_the_text_is_text(kg: KnowledgeGraph, text: str) -> None:
    assert search(kg, text, limit=50).matches == search(kg, "batik", limit=50).matches


@pytest.mark.parametrize(
    "text", ['"', "*", "NEAR(", "NEAR(batik", "batik OR", "NOT batik", "batik AND mebel"]
)
def test_fts_operators_are_words_and_never_an_error(kg: KnowledgeGraph, text: str) -> None:
    found = search(kg, text, limit=50)
    # As FTS syntax these would fail, or find batik labels ("NEAR(batik", "batik OR" ...): as
    # words, no label of the article has "near", "or", "not" or "and" beside batik.
    assert found.total == 0 and found.matches == ()


@pytest.mark.parametrize(
    ("text", "limit", "offset", "message"),
    [
        ("", 10, 0, "give the text to search for"),
        ("   ", 10, 0, "give the text to search for"),
        ("x" * 201, 10, 0, "longer than 200 characters"),
        ("batik", 0, 0, "a page holds 1 to 1000 matches"),
        ("batik", 1001, 0, "a page holds 1 to 1000 matches"),
        ("batik", 10, -1, "a page cannot start at -1"),
    ],
)
def test_bad_requests_are_refused(
    kg: KnowledgeGraph, text: str, limit: int, offset: int, message: str
) -> None:
    with pytest.raises(BadParameter, match=message):
        search(kg, text, limit=limit, offset=offset)


def test_the_command_pages_and_says_what_ran(runner: Runner) -> None:
    result = runner("search", "batik", "--limit", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert [r["resource"]["value"] for r in rows] == [
        KG + "category-batik",
        KG + "enterprise-dewi-sambi-batik",
    ]
    assert "label index (" in result.stderr and "next page: --offset 2" in result.stderr
    later = runner("search", "batik", "--limit", "2", "--offset", "6", "--format", "csv")
    assert later.exit_code == 0 and len(later.stdout.strip().splitlines()) == 2  # header + 1


@pytest.mark.parametrize("args", [[""], ["batik", "--limit", "0"], ["batik", "--offset", "-3"]])
def test_the_command_refuses_bad_input_with_exit_code_2(runner: Runner, args: list[str]) -> None:
    result = runner("search", *args)
    assert result.exit_code == 2 and "error:" in result.stderr


def test_a_result_renders_as_a_select_of_resource_label_and_type(kg: KnowledgeGraph) -> None:
    page: SearchResult = search(kg, "malaysia", limit=3)
    result = page.as_result()
    assert result.variables == ("resource", "label", "type")
    assert [str(r["resource"]) for r in result.rows] == [m.resource for m in page.matches]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Malaysia", "country-my"),
        ("malaysia", "country-my"),
        ("MY", "country-my"),  # umkm:iso3166Alpha2
        ("Perancis", "country-fr"),  # as the article writes it (umkm:destinationAsWritten)
        ("country-ae", "country-ae"),  # the IRI's last segment
        ("Atlantis", None),
    ],
)
def test_names_of_a_parameter_are_found_through_the_index(
    kg: KnowledgeGraph, registry: KnowledgeGraph, name: str, expected: str | None
) -> None:
    parameter = next(
        p for p in kg.catalogue.get("exporters-by-country").parameters if p.name == "country"
    )
    for graph in (kg, registry):
        value = GraphValues(graph.store).named(parameter, name)
        assert value == (URIRef(KG + expected) if expected else None), (graph, name)


def test_the_web_search_box_pages_through_the_index(
    registry: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from umkm_kg.web import WebSettings, create_app, results_view

    monkeypatch.setattr(results_view, "PAGE_ROWS", 5)
    whole = [m.resource for m in search(registry, "batik", limit=1000).matches]
    app = create_app(registry, settings=WebSettings(max_rows=1000, max_timeout=60))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        pages = [client.get("/search", params={"q": "batik", "page": n}) for n in (1, 2)]
        # a page beyond the last shows the last (as the other paged tables do)
        beyond = client.get("/search", params={"q": "batik", "page": 999})
    for page in [*pages, beyond]:
        assert page.status_code == 200
        assert f"{len(whole):,} " in page.text and "label index" in page.text
    shown = [[iri for iri in whole if f'title="{iri}"' in page.text] for page in [*pages, beyond]]
    assert shown[0] == whole[:5] and shown[1] == whole[5:10]
    last = (len(whole) - 1) // 5 * 5
    assert shown[2] == whole[last:]


def test_without_waiting_a_new_version_is_searched_while_its_index_is_made(
    tmp_path: Path,
) -> None:
    """The web's way (``wait=False``): the bounded query answers at once, the index is made
    in the background, and the next search uses it."""
    from umkm_kg.query.labelindex import index_path

    path = tmp_path / "registry.nt"
    write_registry(str(path), enterprises=30, seed=3)
    assert main(["--data-dir", str(tmp_path / "data"), "load", str(path)]) == 0
    kg = KnowledgeGraph.embedded(data_dir=tmp_path / "data", isolated=False)
    try:
        first = search(kg, "batik", wait=False)
        assert first.method == "sparql" and first.why and "being made" in first.why
        assert first.matches  # answered, not refused
        deadline = time.monotonic() + 120
        while not index_path(kg.store).is_file():  # type: ignore[arg-type]
            assert time.monotonic() < deadline, "the index was not made in the background"
            time.sleep(0.1)
        again = search(kg, "batik", wait=False)
        assert again.method == "index" and again.why is None
        assert {m.resource for m in first.matches} <= {
            m.resource for m in search(kg, "batik", limit=100).matches
        }
    finally:
        kg.close()


def test_without_waiting_a_version_whose_index_can_be_updated_is_searched_with_it(
    tmp_path: Path,
) -> None:
    """After a small write the new version's index is made from the last one at once (seconds
    at 100,000 enterprises), so the web's search does not fall back to the bounded query."""
    import pyoxigraph as ox

    from umkm_kg.query.labelindex import index_of

    kg = KnowledgeGraph.embedded(data_dir=tmp_path / "data", isolated=False)
    try:
        store = kg.store
        assert index_of(store) is not None
        graph = ox.NamedNode("https://w3id.org/umkm-kg/graph/records/test")
        label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
        with store.transaction("test: one more label") as tx:  # type: ignore[attr-defined]
            subject = ox.NamedNode(KG + "enterprise-zz")
            tx.extend([ox.Quad(subject, label, ox.Literal("Zebra Unik"), graph)])
        found = search(kg, "ebra", wait=False)
        assert found.method == "index" and found.why is None
        assert [m.resource for m in found.matches] == [KG + "enterprise-zz"]
    finally:
        kg.close()
