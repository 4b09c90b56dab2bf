"""The static site of a generated registry, with page sizes forced small: every list is split
over pages that link each other, no page holds more than its page size, nothing is lost."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic

from test_site import _check_links, _embedded, _pages, _parse, _rdf, _search_shards
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import KG, RECORDS_GRAPH_PREFIX, SCHEMA, UMKM
from umkm_kg.publish.site import Paging, SiteReport, build_site
from umkm_kg.publish.site.search import shard_key, tokens
from umkm_kg.synth import write_registry

ENTERPRISES = 240
PAGING = Paging(listing=40, preview=5, facts=15, search=30)
AGENCY = str(KG["org-disperindagkop-tangerang"])
"""The agency that reports every generated record: one fact per enterprise points at it."""


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The bundled graph plus generated enterprises (and their kelurahan) as a records batch."""
    path = tmp_path_factory.mktemp("registry") / "registry.nt"
    write_registry(str(path), enterprises=ENTERPRISES, seed=2016)
    kg = KnowledgeGraph.embedded(with_records=False)
    kg.store.load_file(path, RECORDS_GRAPH_PREFIX + "test", ox.RdfFormat.N_TRIPLES)  # type: ignore[attr-defined]
    return kg


@pytest.fixture(scope="module")
def built(
    registry: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, SiteReport]:
    out = tmp_path_factory.mktemp("registry-site")
    return out, build_site(registry, out, with_queries=False, paging=PAGING, workers=2)


@pytest.fixture(scope="module")
def site(built: tuple[Path, SiteReport]) -> Path:
    return built[0]


def _incoming_rows(root: ET.Element) -> list[str]:
    """The ``from`` cells of the facts-pointing-here table of a page."""
    section = next((e for e in root.iter("section") if e.get("id") == "incoming"), None) or next(
        root.iter("main")
    )
    table = next(t for t in section.iter("table") if t.get("class") == "facts")
    return [
        "".join(tr.findall("td")[0].itertext())
        for tr in table.iter("tr")
        if tr.find("td") is not None
    ]


def _next(root: ET.Element) -> str | None:
    nav = next((n for n in root.iter("nav") if n.get("class") == "pager"), None)
    links = [] if nav is None else [a.get("href") for a in nav.iter("a") if a.get("rel") == "next"]
    return links[0] if links else None


def _chain(first: Path) -> list[Path]:
    """The pages of a list, from ``first`` by each page's ``next`` link."""
    pages = [first]
    while (link := _next(_parse(pages[-1]))) is not None:
        pages.append((pages[-1].parent / link).resolve())
        assert len(pages) < 1000
    return pages


def _store_incoming(kg: KnowledgeGraph, iri: str) -> int:
    """Distinct triples with ``iri`` as object, straight from the store."""
    quads = kg.store.oxigraph.quads_for_pattern(None, None, ox.NamedNode(iri), None)  # type: ignore[attr-defined]
    return len({(q.subject, q.predicate) for q in quads})


def test_every_page_parses_and_every_link_resolves(site: Path) -> None:
    _check_links(site)


def test_the_report_names_the_largest_page(built: tuple[Path, SiteReport]) -> None:
    site, report = built
    sizes = {str(p.relative_to(site)): p.stat().st_size for p in _pages(site)}
    assert report.largest == max((size, name) for name, size in sizes.items())
    assert report.largest[0] < 200_000
    assert {"resources", "dumps", "index"} <= set(report.phases)


def test_facts_pointing_at_a_popular_resource_are_paged_and_complete(
    site: Path, registry: KnowledgeGraph
) -> None:
    page = site / "id" / "org-disperindagkop-tangerang.html"
    root = _parse(page)
    first = _incoming_rows(root)
    assert len(first) == PAGING.facts
    others = _chain(page)[1:]
    expected = _store_incoming(registry, AGENCY)
    assert len(others) == -(-expected // PAGING.facts) - 1 >= 10
    rows = list(first)
    for number, other in enumerate(others, start=2):
        assert other == (page.parent / f"org-disperindagkop-tangerang/_in-{number}.html").resolve()
        more = _incoming_rows(_parse(other))
        assert 0 < len(more) <= PAGING.facts
        rows.extend(more)
    assert len(rows) == expected  # every fact pointing here, each on one page
    middle = "".join(_parse(others[len(others) // 2]).find(".//nav[@class='pager']").itertext())  # type: ignore[union-attr]
    assert "…" in middle and len(middle) < 200  # a window of pages, not all of them
    assert "facts point here" in "".join(root.itertext())


def test_no_resource_page_lists_more_than_a_page_of_incoming_facts(site: Path) -> None:
    for page in sorted(site.glob("id/**/*.html")):
        root = _parse(page)
        if any(s.get("id") == "incoming" for s in root.iter("section")) or "_in-" in page.name:
            assert len(_incoming_rows(root)) <= PAGING.facts, page


def test_class_listings_are_paged_and_list_every_member(site: Path) -> None:
    index = _parse(site / "index.html")
    more = [a for a in index.iter("a") if a.get("href", "").startswith("list/")]
    enterprise = next(a for a in more if "Enterprise" in "".join(a.itertext()))
    for ul in index.find(".//section[@id='all']").iter("ul"):  # type: ignore[union-attr]
        assert len(ul.findall("li")) <= PAGING.preview
    pages = _chain(site / enterprise.get("href", ""))
    listed: list[str] = []
    for page in pages:
        items = [a.get("href", "") for a in _parse(page).find(".//ul[@class='listing']").iter("a")]  # type: ignore[union-attr]
        assert 0 < len(items) <= PAGING.listing
        listed.extend(str((page.parent / h).resolve().relative_to(site.resolve())) for h in items)
    enterprises = {
        str(p.relative_to(site))
        for p in site.glob("id/enterprise-*.html")
        if (None, RDF.type, URIRef(UMKM.Enterprise)) in _rdf(p.with_suffix(".ttl"))
    }
    assert len(listed) == len(set(listed)) == len(enterprises) >= ENTERPRISES
    assert len(pages) == -(-len(enterprises) // PAGING.listing)
    assert set(listed) == enterprises


def test_search_index_is_chunked_and_finds_every_page_by_each_token(site: Path) -> None:
    manifest = json.loads((site / "search" / "index.json").read_text(encoding="utf-8"))
    assert manifest["chunk"] == PAGING.search < manifest["entries"]
    shards = _search_shards(site)
    by_href = {e["href"]: e for shard in shards.values() for e in shard}
    assert set(by_href) >= {str(p.relative_to(site)) for p in site.glob("id/*.html")}
    for href, entry in by_href.items():
        for token in tokens(entry["en"] + " " + entry["id"]):
            assert entry in shards[shard_key(token)], (href, token)
    sizes = [p.stat().st_size for p in (site / "search").iterdir()]
    assert sum(sizes) < 200 * len(by_href)  # each entry once, and a few bytes per token


def test_registry_pages_embed_the_jsonld_of_their_turtle(site: Path) -> None:
    pages = sorted(site.glob("id/*.html"))[::25]
    assert len(pages) > 40
    for page in pages:
        expected = _rdf(page.with_suffix(".ttl"))
        assert isomorphic(Graph().parse(data=_embedded(page)[0], format="json-ld"), expected)
        assert isomorphic(_rdf(page.with_suffix(".jsonld")), expected)


def test_one_process_writes_the_same_site_as_two(
    site: Path, registry: KnowledgeGraph, tmp_path: Path
) -> None:
    report = build_site(registry, tmp_path, with_queries=False, paging=PAGING, workers=1)
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    assert files == report.files
    for name in files:
        assert (site / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_a_rebuild_leaves_unchanged_files_alone(
    site: Path, registry: KnowledgeGraph, tmp_path: Path
) -> None:
    build_site(registry, tmp_path, with_queries=False, paging=PAGING)
    page = tmp_path / "id" / "org-disperindagkop-tangerang.html"
    stale = tmp_path / "index.html"
    stale.write_text("stale", encoding="utf-8")
    before = page.stat().st_mtime_ns
    build_site(registry, tmp_path, with_queries=False, paging=PAGING)
    assert page.stat().st_mtime_ns == before
    assert stale.read_bytes() == (site / "index.html").read_bytes()


def test_a_record_page_says_who_reported_it(site: Path) -> None:
    page = next(iter(sorted(site.glob("id/enterprise-*.html"))))
    source = _parse(page).find(".//section[@id='source']/p")
    assert source is not None
    text = "".join(source.itertext())
    assert text.startswith("Attributed to Tangerang City Agency"), text  # no stray "; "


def test_a_source_all_facts_share_is_said_once(site: Path) -> None:
    page = _parse(next(iter(sorted(site.glob("id/enterprise-*.html")))))
    table = next(t for t in page.iter("table") if t.get("class") == "facts")
    caption = table.find("caption")
    assert caption is not None and "records test" in "".join(caption.itertext())
    assert [th.text for th in table.iter("th") if th.get("scope") == "col"] == [
        "property",
        "value",
    ]
    assert not [td for td in table.iter("td") if td.get("class") == "prov"]


def test_the_index_counts_what_the_dataset_statistics_count(registry: KnowledgeGraph) -> None:
    from umkm_kg.publish.dataset import statistics
    from umkm_kg.publish.site.build import _published_quads
    from umkm_kg.publish.site.index import ResourceIndex

    quads = _published_quads(registry)
    blank = ox.BlankNode("b")  # a class member and a class only a blank node has
    quads += [
        ox.Quad(blank, ox.NamedNode(f"{RDF}type"), ox.NamedNode("http://example.org/v#Kind")),
        ox.Quad(ox.NamedNode(f"{KG}x"), ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{SCHEMA}X")),
    ]
    counted = ResourceIndex(quads).statistics()
    assert counted == statistics(quads)
    assert "http://example.org/v#" in counted.vocabularies
    assert counted.classes[f"{SCHEMA}X"] == 1
