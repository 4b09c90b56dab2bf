"""The HTML pages over HTTP (Starlette's TestClient): language, forms, results, content
negotiation of resources, validation, escaping and paging."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic

from umkm_kg.errors import QueryFileError, QueryTimeout
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.queryfile import load_query_file
from umkm_kg.query.results import QueryResult
from umkm_kg.store import Store
from umkm_kg.web import WebSettings, create_app
from umkm_kg.web.accept import best_media_type, ranked
from umkm_kg.web.page_text import choose_lang
from umkm_kg.web.results_view import Paging, cell

DATA = Path(__file__).parent / "data"
LOCAL = "http://127.0.0.1"
"""The pages answer loopback names only (web-api's Host check): TestClient's own is refused."""


class _NoTime(Store):
    """A store whose every query runs past its limit (as a registry's aggregates can)."""

    label = "no time"

    def __init__(self, store: Store) -> None:
        self.inner = store

    def query(self, sparql: str, **options: Any) -> QueryResult:
        raise QueryTimeout("the query ran longer than 30 s and was stopped")


TOKEN = "a-write-token-of-some-length"


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(kg, settings=WebSettings()), base_url=LOCAL) as test_client:
        yield test_client


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


# --- language ---------------------------------------------------------------------------------


def test_language_comes_from_accept_language_then_sticks_once_switched(
    client: TestClient,
) -> None:
    page = client.get("/queries", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.8"})
    assert '<html lang="id">' in page.text and "Kueri tersimpan" in page.text
    page = client.get("/queries", headers={"Accept-Language": "fr, en;q=0.5, id;q=0.1"})
    assert '<html lang="en">' in page.text and "Saved queries" in page.text
    switched = client.get("/queries?lang=id", headers={"Accept-Language": "en"})
    assert '<html lang="id">' in switched.text
    assert "umkm_lang=id" in switched.headers["set-cookie"]
    again = client.get("/editor", headers={"Accept-Language": "en"})  # the cookie wins
    assert '<html lang="id">' in again.text
    client.cookies.clear()


def test_language_choice_rules() -> None:
    assert choose_lang(None, {}, "en;q=0.2, id;q=0.9", "en") == "id"
    assert choose_lang(None, {}, "id;q=0, en", "id") == "en"
    assert choose_lang(None, {}, "de", "id") == "id"
    assert choose_lang("xx", {"umkm_lang": "id"}, "en", "en") == "id"
    assert ranked("en;q=0.4, id-ID, *;q=0.1, fr;q=0") == ["id-ID", "en"]


# --- home and search --------------------------------------------------------------------------


def test_home_says_what_the_dataset_is_with_licence_size_and_charts(client: TestClient) -> None:
    page = client.get("/?lang=en")
    assert page.status_code == 200
    assert "CC BY 4.0" in page.text and "creativecommons.org/licenses/by/4.0" in page.text
    size = re.search(r'id="size">([\d,]+) triples', page.text)
    assert size and int(size.group(1).replace(",", "")) > 500
    kinds = re.findall(r'<figure class="chart" data-kind="(\w+)"', page.text)
    assert kinds == ["bar", "bar", "map"]  # statistics 2015, destinations as bars and map
    assert "Content-Security-Policy" in page.headers
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    assert "<script>" not in page.text  # every script is a file
    client.cookies.clear()


def test_a_chart_too_slow_to_count_leaves_the_home_page_standing(kg: KnowledgeGraph) -> None:
    from umkm_kg.web import home

    # No time at all for a query: every chart's query is stopped, the page still answers.
    found = home.HomeFigures().get(kg, wait=30, timeout=1e-9)
    assert "longer than" in found["countries-ranked"]
    assert isinstance(found["summary"], dict)  # the summary has no limit of its own
    shown = home.charts(kg, found, "en")
    assert [c["title"] for c in shown] == ["stats_2015", "destinations", "destinations_map"]
    assert all("longer than" in c["error"] for c in shown)
    pending = home.charts(kg, {**found, "countries-ranked": home.PENDING}, "en")
    assert [c.get("pending") for c in pending][1:] == [True, True]
    with TestClient(create_app(kg, settings=WebSettings(max_timeout=1e-9)), base_url=LOCAL) as web:
        page = web.get("/?lang=en")
        assert page.status_code == 200
        assert page.text.count('class="warning"') == 3 and "<figure" not in page.text


def test_search_finds_labels_in_both_languages(client: TestClient) -> None:
    english = client.get("/search?q=malaysia&lang=en")
    assert 'href="/id/country-my"' in english.text
    indonesian = client.get("/search?q=Uni%20Emirat&lang=id")
    assert 'href="/id/country-ae"' in indonesian.text
    client.cookies.clear()


# --- saved queries ----------------------------------------------------------------------------


def test_query_list_has_titles_and_tags_and_filters_by_tag(client: TestClient) -> None:
    page = client.get("/queries?lang=en")
    assert 'href="/queries/countries-ranked"' in page.text
    assert "Countries ranked by number of exporting enterprises" in page.text
    tagged = client.get("/queries?tag=statistics&lang=en")
    assert 'href="/queries/statistics-2015"' in tagged.text
    assert 'href="/queries/owners"' not in tagged.text
    client.cookies.clear()


def test_query_form_is_made_from_the_parameter_metadata(client: TestClient) -> None:
    stats = client.get("/queries/statistics-2015?lang=en").text
    assert re.search(r'<input id="p-year" name="year" type="number" step="1" value="2015"', stats)
    exporters = client.get("/queries/exporters-by-country?lang=id").text
    menu = re.search(r'<select id="p-country" name="country"[^>]*>(.*?)</select>', exporters, re.S)
    assert menu is not None
    chosen = '<option value="kg:country-my" selected>Malaysia (kg:country-my)</option>'
    assert chosen in menu.group(1)
    assert "Uni Emirat Arab (kg:country-ae)" in menu.group(1)  # labels in the page's language
    narrowed = client.get(
        "/queries/exporters-by-country", params={"_search_country": "arab", "_filter": "country"}
    ).text
    assert re.findall(r'<option value="([^"]+)"', narrowed) == ["kg:country-ae", "kg:country-sa"]
    assert 'id="result"' not in narrowed  # filtering the menu does not run the query
    client.cookies.clear()


def test_more_values_keeps_the_other_fields_of_the_form(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "More values" used to be a link to ?_offset_country=50 alone: the value chosen, the
    # search and the language were lost. It is a button that sends the whole form now.
    from umkm_kg.web import query_pages

    monkeypatch.setattr(query_pages, "MENU_PAGE", 2)  # nine destinations: pages of two
    with TestClient(create_app(kg), base_url=LOCAL) as web:

        def menu(params: dict[str, str]) -> tuple[str, list[str]]:
            page = web.get("/queries/exporters-by-country", params=params)
            assert page.status_code == 200
            found = re.search(r'<select id="p-country"[^>]*>(.*?)</select>', page.text, re.S)
            assert found is not None
            return page.text, re.findall(r'<option value="([^"]+)"', found.group(1))

        first, values = menu({"country": "kg:country-sg", "lang": "en"})
        assert '<button type="submit" class="more" name="_more" value="country"' in first
        assert len(values) == 3  # Singapore, chosen, before the first page of two
        form = {"country": "kg:country-sg", "_search_country": "", "_more": "country"}
        second, more = menu(form)
        assert '<input type="hidden" name="_offset_country" value="2">' in second
        assert '<option value="kg:country-sg" selected>' in second  # the choice is kept
        assert not set(more[1:]) & set(values[1:])  # the next page of values
        assert 'id="result"' not in second  # paging the menu does not run the query
        third, further = menu({**form, "_offset_country": "2", "_shown_country": ""})
        assert '<input type="hidden" name="_offset_country" value="4">' in third
        assert not set(further[1:]) & set(more[1:] + values[1:])
        # A new search starts at its first page, whatever page the menu was on.
        _, searched = menu(
            {**form, "_offset_country": "4", "_shown_country": "", "_search_country": "arab"}
        )
        assert searched == ["kg:country-ae", "kg:country-sa"]  # its two matches, not none
        # The old links (an offset alone) still page the menu.
        _, linked = menu({"_offset_country": "2"})
        assert linked[1:] == more[1:]


def test_a_menu_that_cannot_be_listed_in_time_becomes_a_text_field(kg: KnowledgeGraph) -> None:
    # A store the pages keep no menus for (neither in memory nor on disk) whose queries all
    # run out of time, as a registry's menus can; no real store times out on cue.
    slow = KnowledgeGraph(_NoTime(kg.store))
    with TestClient(create_app(slow), base_url=LOCAL) as web:
        page = web.get("/queries/exporters-by-country?lang=en")
        assert page.status_code == 200
        assert '<input id="p-country" name="country" type="text" value="kg:country-my"' in page.text
        assert "could not be listed in time" in page.text


def test_a_slow_menu_is_made_for_the_next_visit(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from umkm_kg.web import query_pages

    monkeypatch.setattr(query_pages, "MENU_WAIT", 0.0)  # no waiting: never ready at once
    with TestClient(create_app(kg), base_url=LOCAL) as web:
        first = web.get("/queries/exporters-by-country?lang=en").text
        assert "being listed for the next visit" in first
        assert 'type="text" value="kg:country-my"' in first
        monkeypatch.setattr(query_pages, "MENU_WAIT", 30.0)  # the next visit waits for it
        later = web.get("/queries/exporters-by-country?lang=en").text
        assert 'select id="p-country"' in later and "Malaysia (kg:country-my)" in later


def test_running_a_query_gives_a_linked_table_downloads_and_a_shareable_url(
    client: TestClient,
) -> None:
    page = client.get("/queries/exporters-by-country?country=kg:country-au&run=1&lang=en").text
    assert 'href="/id/enterprise-haura-hijab"' in page
    share = re.search(r'<a id="share" href="([^"]+)"', page)
    assert share is not None
    again = client.get(share.group(1).replace("&amp;", "&") + "&lang=en").text
    table = re.search(r'<table class="results">.*?</table>', page, re.S)
    assert table is not None and table.group(0) in again
    downloads = re.findall(r'href="(/queries/exporters-by-country\?[^"]*format=(\w+))"', page)
    assert {f for _, f in downloads} == {"table", "csv", "tsv", "json", "xml"}
    for href, fmt in downloads:
        answer = client.get(href.replace("&amp;", "&"))
        assert answer.status_code == 200, (fmt, answer.text)
        assert "attachment" in answer.headers["content-disposition"]
        assert "haura" in answer.text.lower()  # the IRI, or the label in the text table
    client.cookies.clear()


def test_a_graph_query_offers_the_rdf_formats(client: TestClient) -> None:
    page = client.get("/queries/enterprise-description?run=1&lang=en").text
    formats = set(re.findall(r"format=(\w+)", page))
    assert formats == {"ttl", "nt", "jsonld", "xml"}
    turtle = client.get("/queries/enterprise-description?format=ttl")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=turtle.text, format="turtle")) > 10
    client.cookies.clear()


def test_a_query_asking_for_a_chart_gets_one(client: TestClient) -> None:
    page = client.get("/queries/countries-ranked?run=1&lang=en").text
    assert re.findall(r'<figure class="chart" data-kind="(\w+)"', page) == ["bar", "map"]
    chart = re.search(r'data-chart="([^"]+)"', page)
    assert chart is not None and "Malaysia" in chart.group(1)
    client.cookies.clear()


def test_a_bad_parameter_is_a_400_page_with_the_message(client: TestClient) -> None:
    page = client.get("/queries/statistics-2015?year=twenty&run=1&lang=en")
    assert page.status_code == 400
    assert "parameter year" in page.text and "Traceback" not in page.text
    missing = client.get("/queries/countries-rankd")
    assert missing.status_code == 404 and "did you mean" in missing.text
    client.cookies.clear()


def test_values_are_escaped_in_every_page(client: TestClient) -> None:
    hostile = "<script>alert(1)</script>"
    page = client.get("/queries/exporters-by-country", params={"country": hostile, "run": "1"})
    assert hostile not in page.text and "&lt;script&gt;" in page.text
    editor = client.get("/editor", params={"query": f"SELECT * WHERE {{ }} # {hostile}"})
    assert hostile not in editor.text
    search = client.get("/search", params={"q": hostile})
    assert hostile not in search.text
    client.cookies.clear()


def test_only_http_iris_become_links() -> None:
    from rdflib import URIRef

    assert cell(URIRef("urn:isbn:123"), {})["href"] == ""
    assert cell(URIRef("javascript:alert(1)"), {})["href"] == ""
    assert cell(URIRef("https://example.org/x"), {})["href"] == "https://example.org/x"
    assert cell(URIRef("https://w3id.org/umkm-kg/id/country-my"), {})["href"] == "/id/country-my"


def test_a_chart_must_name_projected_variables(tmp_path: Path) -> None:
    query = tmp_path / "bad-chart.rq"
    query.write_text(
        "#+ title: {id: a, en: a}\n#+ description: {id: a, en: a}\n"
        "#+ chart: {type: bar, category: country, value: nothing}\n"
        "SELECT ?country (COUNT(*) AS ?n) WHERE { ?country ?p ?o } GROUP BY ?country\n",
        encoding="utf-8",
    )
    with pytest.raises(QueryFileError, match=r"bad-chart.rq:3: chart: value must be one of"):
        load_query_file(query)
    query.write_text(query.read_text().replace("type: bar", "type: pie"), encoding="utf-8")
    with pytest.raises(QueryFileError, match="type must be one of bar, map"):
        load_query_file(query)


# --- the editor -------------------------------------------------------------------------------


def test_editor_declares_the_prefixes_and_lists_examples(client: TestClient) -> None:
    page = client.get("/editor", params={"query": "SELECT ?e WHERE { ?e a umkm:Enterprise }"})
    assert page.status_code == 200
    rows = re.findall(r"<tr><td>", page.text)
    assert len(rows) == 7  # the article's enterprises, two of them unnamed makers
    broken = client.get("/editor", params={"query": "SELECT ?x WHERE {\n ?x a foo:Bar }"})
    assert broken.status_code == 400
    assert "foo" in broken.text and "(line 2)" in broken.text  # the user's own line numbers
    assert "/editor?query=" in page.text  # examples from the catalogue
    chart = client.get(
        "/editor",
        params={
            "query": "SELECT ?c (COUNT(*) AS ?n) WHERE { ?c a schema:Country ; ?p ?o } GROUP BY ?c",
            "view": "bar",
        },
    )
    assert '<figure class="chart" data-kind="bar"' in chart.text
    update = client.get("/editor", params={"query": "DELETE WHERE { ?s ?p ?o }"})
    assert update.status_code == 403 and 'id="message"' in update.text
    client.cookies.clear()


# --- resources --------------------------------------------------------------------------------


def test_resource_page_shows_facts_both_ways_labels_provenance_and_related_queries(
    client: TestClient,
) -> None:
    page = client.get("/id/enterprise-haura-hijab?lang=en", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Accept" in page.headers["vary"]
    assert "<h1>Haura Hijab</h1>" in page.text
    assert 'id="source"' in page.text and "Haura Hijab pemilik ibu Bunga" in page.text
    assert 'id="incoming"' in page.text and 'href="/id/export-haura-hijab-my"' in page.text
    assert 'href="/queries/enterprise-description?enterprise=kg%3Aenterprise-haura-hijab' in (
        page.text
    )
    client.cookies.clear()


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/html;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/*;q=0.3, text/turtle;q=0, */*;q=0.1", "text/html"),
        ("*/*", "text/html"),
        ("", "text/html"),
    ],
)
def test_content_negotiation_honours_q_values(client: TestClient, accept: str, media: str) -> None:
    answer = client.get("/id/country-my", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media
    assert "Accept" in answer.headers["vary"]


def test_every_rdf_format_of_a_resource_is_the_same_graph(client: TestClient) -> None:
    graphs = []
    for extension, name in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")):
        answer = client.get(f"/id/country-my.{extension}")
        assert answer.status_code == 200, extension
        graphs.append(Graph().parse(data=answer.content, format=name))
    assert len(graphs[0]) > 5
    assert all(isomorphic(graphs[0], g) for g in graphs[1:])


def test_a_resource_with_more_facts_than_a_page_says_so(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from umkm_kg.web import describe

    whole = client.get("/id/country-my?lang=en").text
    assert "more facts than a page shows" not in whole
    monkeypatch.setattr(describe, "MAX_OUTGOING", 3)
    cut = client.get("/id/country-my?lang=en").text
    assert "more facts than a page shows (the first 3)" in cut
    assert cut.count("<tr>") < whole.count("<tr>")
    client.cookies.clear()


def test_pages_of_facts_pointing_here_cover_them_all_once(kg: KnowledgeGraph) -> None:
    from umkm_kg.web.describe import describe

    iri = "https://w3id.org/umkm-kg/id/country-my"
    whole = describe(kg, iri, "en", limit=100)
    assert whole.incoming_facts == 5
    seen = []
    for offset in range(0, 6, 2):
        page = describe(kg, iri, "en", offset=offset, limit=2)
        seen += [(f.subject, f.predicate) for f in page.incoming_shown]
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == {(f.subject, f.predicate) for f in whole.incoming_shown}


def test_resources_answer_head_requests(client: TestClient) -> None:
    answer = client.head("/id/country-my", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-type"].startswith("text/turtle")
    assert client.head("/id/country-zz").status_code == 404


def test_unacceptable_and_unknown_resources(client: TestClient) -> None:
    assert client.get("/id/country-my", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/id/country-zz").status_code == 404
    assert client.get("/id/../../etc/passwd").status_code == 404
    assert client.get("/ontology/Enterprise").status_code == 200
    ontology = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert len(Graph().parse(data=ontology.text, format="turtle")) > 100


def test_static_files_stay_in_their_folder(client: TestClient) -> None:
    assert client.get("/static/vendor/vega/vega.min.js").status_code == 200
    assert client.get("/static/site/style.css").status_code == 200
    assert client.get("/static/../pages.py").status_code == 404
    assert client.get("/static/vendor/vega/LICENSE").status_code == 404  # no suffix served


# --- validation -------------------------------------------------------------------------------


def _csrf(client: TestClient) -> str:
    page = client.get("/validate")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return token.group(1)


def test_validation_reports_by_record_in_the_chosen_language(client: TestClient) -> None:
    token = _csrf(client)
    csv = (DATA / "records" / "invalid-enterprises.csv").read_bytes()
    for lang, words in (("en", "does not conform"), ("id", "tidak sesuai")):
        page = client.post(
            f"/validate?lang={lang}",
            data={"csrf_token": token, "action": "check"},
            files={"file": ("invalid-enterprises.csv", csv, "text/csv")},
        )
        assert page.status_code == 422
        assert words in page.text.lower()
        records = re.findall(r"<h3>(.*?)</h3>", page.text)
        assert records[0].startswith("invalid-enterprises.csv, ")  # no server folder shown
        assert ("baris 3" if lang == "id" else "row 3") in records[0]
    client.cookies.clear()


def test_a_broken_csv_is_a_400_with_the_message(client: TestClient) -> None:
    token = _csrf(client)
    page = client.post(
        "/validate",
        data={"csrf_token": token, "text": "nama,warna\nKue,biru\n", "format": "csv"},
    )
    assert page.status_code == 400
    assert "unknown column" in page.text and "pasted.csv" in page.text
    assert "/tmp/" not in _text(page.text)
    client.cookies.clear()


def test_posting_without_the_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/validate")
    page = client.post("/validate", data={"text": "x", "format": "ttl"})
    assert page.status_code == 403
    client.cookies.clear()


def test_adding_records_is_off_without_a_token(client: TestClient) -> None:
    token = _csrf(client)
    assert 'id="add"' not in client.get("/validate").text
    ttl = (DATA / "records" / "valid-enterprise.ttl").read_bytes()
    page = client.post(
        "/validate",
        data={"csrf_token": token, "action": "add"},
        files={"file": ("valid-enterprise.ttl", ttl, "text/turtle")},
    )
    assert page.status_code == 403
    client.cookies.clear()


def test_adding_records_needs_the_token_and_then_adds_them(tmp_path: Path) -> None:
    kg = KnowledgeGraph.embedded(data_dir=tmp_path / "data", isolated=False)
    settings = WebSettings(write_token=TOKEN)
    try:
        with TestClient(create_app(kg, settings=settings), base_url=LOCAL) as web:
            token = _csrf(web)
            ttl = (DATA / "records" / "valid-enterprise.ttl").read_bytes()
            form = {"csrf_token": token, "action": "add", "token": "wrong"}
            file = {"file": ("valid-enterprise.ttl", ttl, "text/turtle")}
            assert web.post("/validate", data=form, files=file).status_code == 401
            form["token"] = TOKEN
            page = web.post("/validate", data=form, files=file)
            assert page.status_code == 200, _text(page.text)
            assert 'id="added"' in page.text
            home = web.get("/?lang=en").text
            # with records, the enterprises per neighbourhood and per category are drawn too
            titles = re.findall(r"<h2>(.*?)</h2>", home)
            assert "Enterprises per neighbourhood" in titles
            assert "Enterprises per product category" in titles
    finally:
        kg.close()


# --- paging -----------------------------------------------------------------------------------


def test_paging_stays_within_the_pages() -> None:
    assert Paging.of("3", 100, 250).start == 200
    assert Paging.of("99", 100, 250).page == 3
    assert Paging.of("-4", 100, 250).page == 1
    assert Paging.of("x", 100, 0).pages == 1


def test_accept_header_matching() -> None:
    offers = ["text/html", "text/turtle", "application/ld+json"]
    assert best_media_type("text/turtle;q=0.9, text/html;q=0.1", offers) == "text/turtle"
    assert best_media_type("application/*", offers) == "application/ld+json"
    assert best_media_type("text/*;q=0.5, text/html;q=0", offers) == "text/turtle"
    assert best_media_type("image/png", offers) is None
    assert best_media_type(None, offers) == "text/html"


def test_vendored_assets_are_small_and_licensed() -> None:
    from importlib import resources as package_files

    vendor = package_files.files("umkm_kg.web") / "static" / "vendor"
    packages = [p for p in vendor.iterdir() if p.is_dir()]
    assert sorted(p.name for p in packages) == [
        "codemirror",
        "vega",
        "vega-interpreter",
        "world-atlas",
    ]
    total = 0
    for package in packages:
        names = [f.name for f in package.iterdir()]
        assert "LICENSE" in names, package.name
        total += sum(len(f.read_bytes()) for f in package.iterdir())
    assert total < 1100 * 1024  # README: 1006 KiB
    interpreter = (vendor / "vega-interpreter" / "vega-interpreter.js").read_text()
    assert not re.search(r"^(import|export) ", interpreter, re.M)  # a classic script
    assert "vega.expressionInterpreter = expression;" in interpreter
    # The map's dots: countries world-atlas draws at 1:50m but not at 1:110m (map_points.py).
    atlas = json.loads((vendor / "world-atlas" / "countries-110m.json").read_text())
    shapes = {g.get("id") for g in atlas["objects"]["countries"]["geometries"]}
    dots = json.loads((vendor.parent / "map-points.json").read_text())
    assert len(dots) > 50 and not shapes & {d["iso"] for d in dots}
    singapore = next(d for d in dots if d["iso"] == "702")
    assert abs(singapore["lon"] - 103.8) < 0.2 and abs(singapore["lat"] - 1.35) < 0.2
    licences = (vendor / "codemirror" / "LICENSE").read_text()
    assert "== codemirror-lang-sparql 2.1.0 (MIT) ==" in licences  # every bundled package
    assert "no licence file" not in licences
