"""The static site: well-formed pages, no broken internal links, embedded JSON-LD equal to the
Turtle files, hostile labels escaped, content negotiation configured for every format."""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from test_export import SAMPLE_SHAPES, sample_kg
from umkm_kg.errors import BadInput
from umkm_kg.formats import RdfFormat
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.publish.dataset import DUMP_GRAPHS, DUMP_WITH_ONTOLOGY
from umkm_kg.publish.export import export
from umkm_kg.publish.site import SiteReport, build_site
from umkm_kg.publish.site.paths import RESOURCE_FORMATS
from umkm_kg.publish.site.search import shard_key, tokens
from umkm_kg.query.catalogue import Catalogue, load_catalogue

QUERIES = Path(__file__).parent / "data" / "export-queries"


class _SampleKG(KnowledgeGraph):
    """The sample graph with the test queries as its catalogue."""

    @property
    def catalogue(self) -> Catalogue:
        return load_catalogue(QUERIES)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteReport]:
    out = tmp_path_factory.mktemp("site")
    kg = _SampleKG(sample_kg().store)
    return out, build_site(kg, out, shapes=SAMPLE_SHAPES, alternates=RESOURCE_FORMATS)


@pytest.fixture(scope="module")
def site(built: tuple[Path, SiteReport]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the bundled ontology, shapes, article data and saved queries."""
    out = tmp_path_factory.mktemp("bundled-site")
    build_site(KnowledgeGraph.embedded(with_records=False), out)
    return out


@pytest.fixture(params=["sample", "bundled"])
def any_site(request: pytest.FixtureRequest) -> Path:
    """Each site in turn, for the checks every site must pass."""
    return Path(request.getfixturevalue("site" if request.param == "sample" else "bundled"))


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _parse(page: Path) -> ET.Element:
    # The pages are written as polyglot HTML: an XML parser accepts them, and fails on any
    # unclosed, misnested or unescaped markup.
    text = page.read_text(encoding="utf-8")
    return ET.fromstring(re.sub(r"^<!DOCTYPE html>\s*", "", text))


def _links(root: ET.Element) -> Iterator[str]:
    for element in root.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None:
                yield value


def _ids(root: ET.Element) -> set[str]:
    return {e.get("id", "") for e in root.iter()} - {""}


def test_the_report_counts_what_was_written(built: tuple[Path, SiteReport]) -> None:
    site, report = built
    assert report.pages == len(_pages(site))
    assert report.resources >= 25
    assert report.queries == 2
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()) == report.files


def test_every_page_is_well_formed(any_site: Path) -> None:
    pages = _pages(any_site)
    assert len(pages) > 30
    for page in pages:
        try:
            root = _parse(page)
        except ET.ParseError as exc:  # pragma: no cover - the message names the page
            pytest.fail(f"{page.relative_to(any_site)}: {exc}")
        assert root.tag == "html"
        assert root.get("lang") == "en"


def test_the_well_formedness_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html>\n<html><body><p>unclosed <b>bold</p></body></html>")
    with pytest.raises(ET.ParseError):
        _parse(page)


def _check_links(site: Path) -> None:
    """Every page parses, and each of its internal links and anchors resolves inside ``site``."""
    parsed = {page.resolve(): _parse(page) for page in _pages(site)}
    ids = {page: _ids(root) for page, root in parsed.items()}
    for page, root in parsed.items():
        for link in _links(root):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            target = page if not parts.path else page.parent / unquote(parts.path)
            where = f"{page.relative_to(site.resolve())} -> {link}"
            assert target.resolve().is_file(), where
            assert site.resolve() in target.resolve().parents, where
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids[target.resolve()], where


def test_every_internal_link_resolves(any_site: Path) -> None:
    _check_links(any_site)


def test_the_link_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<html><a href="b.html#here">b</a></html>')
    (tmp_path / "b.html").write_text('<html><p id="there">b</p></html>')
    with pytest.raises(AssertionError, match=r"a\.html -> b\.html#here"):
        _check_links(tmp_path)


def test_resource_pages_mirror_iris_and_have_alternates(site: Path) -> None:
    page = site / "id" / "toko-contoh.html"
    root = _parse(page)
    alternates = {
        e.get("type"): e.get("href") for e in root.iter("link") if e.get("rel") == "alternate"
    }
    assert alternates == {
        "text/turtle": "toko-contoh.ttl",
        "application/ld+json": "toko-contoh.jsonld",
        "application/n-triples": "toko-contoh.nt",
    }
    assert (site / "ontology" / "Enterprise.html").is_file()
    assert (site / "ontology.html").is_file()


def test_resource_pages_have_turtle_and_jsonld_unless_told(bundled: Path) -> None:
    """The default alternates: no N-Triples file per resource (the dumps have N-Triples)."""
    page = bundled / "id" / "org-disperindagkop-tangerang.html"
    links = [e.get("href") for e in _parse(page).iter("link") if e.get("rel") == "alternate"]
    assert links == ["org-disperindagkop-tangerang.ttl", "org-disperindagkop-tangerang.jsonld"]
    assert list(bundled.glob("id/*.jsonld")) and not list(bundled.glob("id/*.nt"))


def _rdf(path: Path) -> Graph:
    fmt = RdfFormat.for_path(path.name)
    return Graph().parse(path, format=fmt.rdflib_name)


def _embedded(page: Path) -> list[str]:
    return [
        e.text or "" for e in _parse(page).iter("script") if e.get("type") == "application/ld+json"
    ]


def test_alternate_files_hold_the_same_facts(any_site: Path) -> None:
    for turtle in sorted(any_site.glob("id/*.ttl")):
        expected = _rdf(turtle)
        assert len(expected) > 0, turtle
        for fmt in (RdfFormat.JSONLD, RdfFormat.NTRIPLES):
            other = turtle.with_suffix("." + fmt.extension)
            if fmt is RdfFormat.NTRIPLES and not other.exists():
                continue  # not written by default (which sites have it is tested above)
            assert isomorphic(_rdf(other), expected), other


def test_embedded_jsonld_parses_to_the_turtle_facts(any_site: Path) -> None:
    pyld = pytest.importorskip("pyld.jsonld")
    checked = 0
    for page in [*sorted(any_site.glob("id/*.html")), *sorted(any_site.glob("ontology/*.html"))]:
        blocks = _embedded(page)
        assert len(blocks) == 1, page
        document = json.loads(blocks[0])
        expected = _rdf(page.with_suffix(".ttl"))
        by_rdflib = Graph().parse(data=blocks[0], format="json-ld")
        assert isomorphic(by_rdflib, expected), page
        nquads = pyld.to_rdf(document, {"format": "application/n-quads"})
        by_pyld = Graph().parse(data=nquads, format="nquads")
        assert isomorphic(by_pyld, expected), page
        checked += 1
    assert checked > 25


def test_embedded_jsonld_uses_schema_org_terms(site: Path) -> None:
    document = json.loads(_embedded(site / "id" / "toko-contoh.html")[0])
    nodes = {n["@id"]: n for n in document["@graph"]}
    shop = nodes["kg:toko-contoh"]
    assert "Organization" in shop["@type"]
    assert shop["founder"] == {"@id": "kg:ibu-contoh"}


def test_dataset_page_embeds_the_description(any_site: Path) -> None:
    blocks = _embedded(any_site / "dataset.html")
    described = Graph().parse(data=blocks[0], format="json-ld")
    assert isomorphic(described, _rdf(any_site / "dataset.ttl"))
    assert "https://schema.org/Dataset" in blocks[0] or '"Dataset"' in blocks[0]


def test_hostile_labels_are_escaped(site: Path) -> None:
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
        assert "<b>bold" not in text, page
    shop = (site / "id" / "toko-contoh.html").read_text(encoding="utf-8")
    assert "Toko &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in shop
    query = (site / "queries" / "enterprises.html").read_text(encoding="utf-8")
    assert "Enterprises &lt;with a hostile title&gt;" in query


def test_facts_show_links_provenance_and_incoming(site: Path) -> None:
    shop = (site / "id" / "toko-contoh.html").read_text(encoding="utf-8")
    assert 'href="ibu-contoh.html"' in shop  # schema:founder
    assert 'href="../ontology/exports.html"' in shop  # property linked to its doc page
    assert "Sample article" in shop  # the source, by label
    country = _parse(site / "id" / "singapore.html")
    text = "".join(country.itertext())
    assert "Facts pointing here" in text
    assert "¶8" in text  # the export claim's paragraph, from the claim node
    assert "Singapura" in text


def test_ontology_documentation(site: Path) -> None:
    root = _parse(site / "ontology.html")
    ids = _ids(root)
    for term in ("Enterprise", "Export", "exports", "product", "destination", "count"):
        assert term in ids, term
    text = "".join(root.itertext())
    assert "umkmsh:EnterpriseShape" in text
    assert "sh:class umkm:Export" in text  # the property shape on umkm:exports
    assert "sh:maxCount 1, sh:minCount 1" in text
    exports = next(e for e in root.iter("article") if e.get("id") == "exports")
    assert "domain" in "".join(exports.itertext()) and "range" in "".join(exports.itertext())
    assert (site / "ontology" / "shapes.ttl").is_file()


def test_query_pages_show_text_and_result(site: Path) -> None:
    root = _parse(site / "queries" / "enterprises.html")
    text = "".join(root.itertext())
    assert "SELECT ?enterprise ?label" in text
    assert "Toko Contoh" in text and "Usaha Baru" in text
    rows = [r for r in root.iter("tr") if r.find("td") is not None]
    assert len(rows) == 3  # two labels of the shop, one of the records batch's enterprise
    ask = "".join(_parse(site / "queries" / "has-enterprises.html").itertext())
    assert "yes" in ask
    listing = _parse(site / "queries" / "index.html")
    assert {a.get("href") for a in listing.iter("a")} >= {
        "enterprises.html",
        "has-enterprises.html",
    }


def _search_shards(site: Path) -> dict[str, list[dict[str, str]]]:
    """The entries of each token list of the search index, read back as search.js reads them."""
    folder = site / "search"
    manifest = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    rows = []
    for number in range(1, -(-manifest["entries"] // manifest["chunk"]) + 1):
        chunk = json.loads((folder / f"entries-{number}.json").read_text(encoding="utf-8"))
        assert 0 < len(chunk) <= manifest["chunk"]
        rows.extend(chunk)
    assert len(rows) == manifest["entries"]
    entries = [
        {"href": h, "en": en, "id": i or en, "type": manifest["types"][t]} for h, en, i, t in rows
    ]
    out = {}
    for key, count in manifest["shards"].items():
        gaps = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        numbers = list(accumulate(gaps))
        assert len(numbers) == count and numbers == sorted(set(numbers)), key
        out[key] = [entries[n] for n in numbers]
    files = 1 + len(manifest["shards"]) + -(-manifest["entries"] // manifest["chunk"])
    assert len(list(folder.iterdir())) == files
    return out


def _search_entries(site: Path) -> dict[str, dict[str, str]]:
    return {e["href"]: e for shard in _search_shards(site).values() for e in shard}


def test_search_index_has_both_languages(site: Path) -> None:
    shards = _search_shards(site)
    shop = next(e for e in shards["to"] if e["href"] == "id/toko-contoh.html")
    assert shop["id"] == "Toko Contoh" and shop["en"] == "Sample Shop"
    assert shop in shards["sa"] and shop in shards["co"]  # Sample, Contoh


def test_search_index_shards_by_token_prefix(any_site: Path) -> None:
    for key, entries in _search_shards(any_site).items():
        for entry in entries:
            assert key in {shard_key(t) for t in tokens(entry["en"] + " " + entry["id"])}, entry


def test_search_tokens_drop_accents_and_case() -> None:
    assert tokens("Kafé «Ibu» Siti-Rahmah 2") == ["kafe", "ibu", "siti", "rahmah", "2"]
    assert shard_key("ıb") == "_131b"


def test_search_index(any_site: Path) -> None:
    entries = _search_entries(any_site)
    assert (
        len(entries)
        == len(list(any_site.glob("id/*.html"))) + len(list(any_site.glob("ontology/*.html"))) + 1
    )  # and the ontology page
    for href in entries:
        assert (any_site / href).is_file()
    assert (any_site / "static" / "search.js").is_file()
    index = _parse(any_site / "index.html")
    assert any(e.get("id") == "search" for e in index.iter("input"))


def test_content_negotiation_configuration(any_site: Path) -> None:
    htaccess = (any_site / ".htaccess").read_text(encoding="utf-8")
    nginx = (any_site / "nginx.conf").read_text(encoding="utf-8")
    for fmt in RdfFormat:
        for config in (htaccess, nginx):
            assert fmt.media_type in config and f" {fmt.extension}" in config.replace(".", " ")
    for fmt in (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES):
        assert f"$1.{fmt.extension} [L]" in htaccess
        assert f'".{fmt.extension}";' in nginx
    assert "$1.html [L]" in htaccess
    assert "RewriteEngine On" in htaccess and "Vary Accept" in htaccess
    assert "map $http_accept" in nginx and "try_files" in nginx


def _dump(site: Path, fmt: RdfFormat) -> bytes:
    return gzip.decompress((site / "dumps" / f"umkm-kg.{fmt.extension}.gz").read_bytes())


def test_dumps_and_context_are_published(any_site: Path) -> None:
    for fmt in RdfFormat:
        assert _dump(any_site, fmt)
    context = json.loads((any_site / "dumps" / "context.jsonld").read_text(encoding="utf-8"))
    dump = json.loads(_dump(any_site, RdfFormat.JSONLD))
    assert dump["@context"] == context["@context"]


def test_dumps_are_the_bytes_umkm_kg_export_writes_gzipped(site: Path) -> None:
    kg = _SampleKG(sample_kg().store)
    for fmt in RdfFormat:
        expected = export(kg, fmt, DUMP_GRAPHS, with_ontology=DUMP_WITH_ONTOLOGY)
        assert _dump(site, fmt) == expected, fmt


def test_links_are_relative_so_the_site_moves(any_site: Path) -> None:
    for page in _pages(any_site):
        for link in _links(_parse(page)):
            assert not link.startswith("/"), (page, link)


def test_the_same_graph_gives_the_same_site(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(
        _SampleKG(sample_kg().store), again, shapes=SAMPLE_SHAPES, alternates=RESOURCE_FORMATS
    )
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert (site / name).read_bytes() == (again / name).read_bytes(), name


def test_fewer_alternates_leave_the_pages_whole(tmp_path: Path) -> None:
    build_site(
        _SampleKG(sample_kg().store), tmp_path, shapes=SAMPLE_SHAPES, alternates=[RdfFormat.TURTLE]
    )
    assert list(tmp_path.glob("id/*.ttl")) and not list(tmp_path.glob("id/*.nt"))
    assert not list(tmp_path.glob("id/*.jsonld"))
    _check_links(tmp_path)
    shop = _parse(tmp_path / "id" / "toko-contoh.html")
    assert [e.get("href") for e in shop.iter("link") if e.get("rel") == "alternate"] == [
        "toko-contoh.ttl"
    ]
    assert _embedded(tmp_path / "id" / "toko-contoh.html")  # the page still embeds its JSON-LD


def test_an_alternate_must_be_a_resource_format(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot be written as"):
        build_site(_SampleKG(sample_kg().store), tmp_path, alternates=[RdfFormat.RDFXML])


def test_only_http_iris_become_links(tmp_path: Path) -> None:
    """Issue 11, item 9: a javascript: (or any non-http) IRI that reaches the data is shown,
    never written as a link."""
    import pyoxigraph as ox

    kg = KnowledgeGraph.embedded(with_records=False)
    enterprise = ox.NamedNode("https://w3id.org/umkm-kg/id/enterprise-haura-hijab")
    graph = ox.NamedNode("https://w3id.org/umkm-kg/graph/records/test")
    kg.store.oxigraph.extend(
        [
            ox.Quad(enterprise, ox.NamedNode("https://schema.org/sameAs"),
                    ox.NamedNode("javascript:alert(1)"), graph),
            ox.Quad(enterprise, ox.NamedNode("https://schema.org/email"),
                    ox.NamedNode("mailto:haura@example.org"), graph),
        ]
    )  # fmt: skip
    build_site(kg, tmp_path)
    page = (tmp_path / "id" / "enterprise-haura-hijab.html").read_text(encoding="utf-8")
    assert "javascript:alert(1)" in page  # shown
    assert 'href="javascript:' not in page and 'href="mailto:' not in page
    for other in _pages(tmp_path):
        assert 'href="javascript:' not in other.read_text(encoding="utf-8"), other
