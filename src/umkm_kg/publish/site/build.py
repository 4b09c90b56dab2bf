"""Write the static linked-data site: pages, RDF files, ontology docs, queries, dumps, config."""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources as package_files
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from rdflib.namespace import RDFS

from ... import resources
from ...errors import BadInput, UmkmError
from ...formats import RdfFormat
from ...gcpause import collection_paused
from ...kg import KnowledgeGraph
from ...namespaces import ONTOLOGY_GRAPH, SCHEMA
from ...store import EmbeddedStore
from ..dataset import (
    DEFAULT_BASE_URL,
    DUMP_GRAPHS,
    DUMP_WITH_ONTOLOGY,
    DUMPS,
    dataset_iri,
    describe,
)
from ..export import (
    from_rdflib,
    jsonld_context,
    selected_graphs,
    serialize,
    serialize_graph,
    union,
    write_exports,
)
from ..jsonld import compact_document
from . import html, rdf
from .index import ResourceIndex
from .listing import Paging, chunks, class_slugs, incoming_page, listing_page, pager
from .ontology import ontology_terms, read_shapes
from .paths import (
    DEFAULT_ALTERNATES,
    ONTOLOGY_IRI,
    ONTOLOGY_PAGE,
    RESOURCE_FORMATS,
    page_stem,
    relative,
)
from .search import Entry, shards
from .views import Views
from .workers import default_workers, heap_frozen, in_parallel

VOCAB = str(SCHEMA)
"""``@vocab`` of the JSON-LD of every resource: schema.org terms bare, as search engines read
them; other terms as ``prefix:local`` with the project prefixes the resource uses."""

_COMMENT = str(RDFS.comment)
DUMP_COMPRESSION = 1
"""gzip level of the dumps: 12-25 times smaller than the text already, at 3-7 times the speed
of gzip's default level 6 (which saves a further quarter)."""


@dataclass
class SiteReport:
    """What :func:`build_site` wrote."""

    out_dir: Path
    pages: int = 0
    resources: int = 0
    queries: int = 0
    files: list[str] = field(default_factory=list)
    bytes: int = 0
    largest: tuple[int, str] = (0, "")
    """Size in bytes and path of the largest page (HTML file)."""
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each step (reading the graph, resource pages, dumps...)."""
    notes: list[str] = field(default_factory=list)


def build_site(
    kg: KnowledgeGraph,
    out_dir: Path,
    base_url: str = DEFAULT_BASE_URL,
    *,
    lang: str = "en",
    shapes: Path | None = None,
    sparql_endpoint: str | None = None,
    with_queries: bool = True,
    paging: Paging | None = None,
    workers: int | None = None,
    alternates: Sequence[RdfFormat] = DEFAULT_ALTERNATES,
) -> SiteReport:
    """Write the site for the dumped graphs (article, records, ontology) into ``out_dir``.

    ``shapes`` overrides the bundled shapes file (for tests); ``paging`` says how long lists
    get; ``workers`` how many processes render the resource pages (default: one per core, at
    most four). The site is the same whatever the number of workers. ``alternates`` are the RDF
    files written beside each resource page (Turtle and JSON-LD by default, N-Triples too if
    asked; the page embeds its JSON-LD whatever they are): content negotiation answers a
    format not written with the page. The dumps are gzip files.

    :raises BadInput: the graph is remote, the shapes cannot be read, or an alternate format
        is not one of Turtle, JSON-LD and N-Triples.
    """
    unknown = [f.key for f in alternates if f not in RESOURCE_FORMATS]
    if unknown:
        raise BadInput(
            f"a resource cannot be written as {', '.join(unknown)} beside its page",
            hint="choose among " + ", ".join(f.key for f in RESOURCE_FORMATS),
        )
    started = time.perf_counter()
    with collection_paused():
        site = _Site(
            kg,
            out_dir,
            base_url,
            lang,
            shapes or resources.SHAPES,
            sparql_endpoint,
            paging or Paging(),
        )
    site.workers = default_workers() if workers is None else workers
    site.alternates = tuple(f for f in RESOURCE_FORMATS if f in alternates)
    site.report.phases["read"] = time.perf_counter() - started
    # What does not need the resource pages (the dumps and the query and dataset pages read the
    # store) is written by this process while forked workers render the resource pages.
    beside = (
        ("dumps", site.dumps),
        ("queries", lambda: site.query_pages(with_queries)),
        ("ontology", site.ontology_page),
        ("dataset", site.dataset_page),
    )
    steps = (
        ("resources", lambda: site.resource_pages(lambda: site.timed(beside))),
        ("index", site.index_page),
        ("static", site.static_files),
    )
    with heap_frozen():
        site.timed(steps)
    report = site.report
    report.files.sort()
    report.seconds = time.perf_counter() - started
    return report


class _Site:
    def __init__(
        self,
        kg: KnowledgeGraph,
        out_dir: Path,
        base_url: str,
        lang: str,
        shapes: Path,
        sparql_endpoint: str | None,
        paging: Paging,
    ) -> None:
        self.kg = kg
        self.paging = paging
        self.workers = 1
        self.alternates: tuple[RdfFormat, ...] = RESOURCE_FORMATS
        self.out = out_dir
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.lang = lang
        self.sparql_endpoint = sparql_endpoint
        # Canonical blank-node labels make the order of blank nodes, and so the pages, stable.
        self.quads = _published_quads(kg)
        self.index = ResourceIndex(self.quads)
        self.shapes, self.shape_quads = read_shapes(shapes)
        self.pages = {
            iri: stem
            for iri in self.index.subjects()
            if (stem := page_stem(iri)) is not None and iri != ONTOLOGY_IRI
        }
        self.report = SiteReport(out_dir=out_dir)
        self.env = Environment(
            loader=PackageLoader("umkm_kg.publish.site", "templates"),
            autoescape=select_autoescape(["html"], default=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # the templates do not change during a build: no stat per page
        )
        self.env.filters["regex"] = re.escape
        self.env.globals.update(term=html.term, facts=html.facts, alternates_list=html.alternates)
        self.entries: list[dict[str, str]] = []
        self._views: dict[str, Views] = {}
        self._folders: set[str] = set()

    def timed(self, steps: Sequence[tuple[str, Callable[[], None]]]) -> None:
        """Run ``steps`` in turn, each one's seconds in the report's phases."""
        for name, step in steps:
            begun = time.perf_counter()
            step()
            self.report.phases[name] = time.perf_counter() - begun

    # --- writing -------------------------------------------------------------------------

    def write(self, path: str, data: bytes | str) -> None:
        blob = data.encode("utf-8") if isinstance(data, str) else data
        folder, _, _ = path.rpartition("/")
        if folder not in self._folders:
            (self.out / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        _write_file(os.path.join(self.out, path), blob)
        self.report.files.append(path)
        self.report.bytes += len(blob)
        if path.endswith(".html"):
            self.report.pages += 1
            self.report.largest = max(self.report.largest, (len(blob), path))

    @contextmanager
    def dump_file(self, fmt: RdfFormat) -> Iterator[IO[bytes]]:
        """The gzip file of the dump in ``fmt``, in place once it is whole."""
        path = next(d.path for d in DUMPS if d.fmt is fmt)
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        with (
            temporary.open("wb") as raw,
            # no name and no time in the header: the same graph gives the same bytes
            gzip.GzipFile("", "wb", DUMP_COMPRESSION, raw, mtime=0) as zipped,
        ):
            yield cast(IO[bytes], zipped)  # a binary file: write() is all the writers call
        os.replace(temporary, target)
        self.report.files.append(path)
        self.report.bytes += target.stat().st_size

    def render(self, template: str, page: str, **context: Any) -> None:
        views = self.views(page)
        html = self.env.get_template(template).render(
            lang=self.lang,
            root=views.link("index.html"),
            css=views.link("static/style.css"),
            views=views,
            **context,
        )
        self.write(page, html)

    def views(self, page: str) -> Views:
        """The views for ``page``: one per folder, since links are relative to the folder."""
        folder = os.path.dirname(page)
        views = self._views.get(folder)
        if views is None:
            views = Views(self.index, self.lang, page, lambda iri: iri in self.pages)
            self._views[folder] = views
        return views

    def rdf_files(
        self, stem: str, page: str, files: dict[RdfFormat, bytes | str]
    ) -> list[dict[str, str]]:
        """Write ``stem.ttl`` etc. (the formats of ``files``); return ``page``'s alternate links."""
        alternates = []
        for fmt in files:
            path = f"{stem}.{fmt.extension}"
            self.write(path, files[fmt])
            alternates.append(
                {"href": relative(path, page), "type": fmt.media_type, "key": fmt.key}
            )
        return alternates

    def resource_files(self, stem: str, page: str, quads: list[ox.Quad]) -> tuple[Any, Any]:
        """Write the resource's RDF files; return its alternates and its JSON-LD for the page.

        The ``.jsonld`` file holds the JSON-LD the page embeds, so both say the same.
        """
        triples = rdf.canonical_description(quads)
        prefixes = rdf.namespaces(triples)
        document = compact_document(triples, rdf.vocab_context(triples, VOCAB, prefixes))
        text = _compact_json(document)
        writers: dict[RdfFormat, Callable[[], bytes | str]] = {
            RdfFormat.TURTLE: lambda: rdf.turtle(triples, prefixes),
            RdfFormat.JSONLD: lambda: text + "\n",
            RdfFormat.NTRIPLES: lambda: rdf.ntriples(triples),
        }
        files = {fmt: writers[fmt]() for fmt in self.alternates}
        return self.rdf_files(stem, page, files), _script_json(text)

    # --- pages ---------------------------------------------------------------------------

    def resource_pages(self, meanwhile: Callable[[], None]) -> None:
        """Every resource's page and RDF files, in forked workers when there are many.

        ``meanwhile`` runs in this process as the workers render (after the pages without them).
        """
        items = list(self.pages.items())
        for report, entries in in_parallel(self._resources, items, self.workers, meanwhile):
            self.report.files.extend(report.files)
            self.report.bytes += report.bytes
            self.report.pages += report.pages
            self.report.resources += report.resources
            self.report.largest = max(self.report.largest, report.largest)
            self.entries.extend(entries)

    def _resources(
        self, items: Sequence[tuple[str, str]]
    ) -> tuple[SiteReport, list[dict[str, str]]]:
        """Write the pages of ``items`` (IRI, path); return what was written and their entries."""
        self.report, kept = SiteReport(out_dir=self.out), self.report
        self.entries, kept_entries = [], self.entries
        try:
            self._resource_pages(items)
            return self.report, self.entries
        finally:
            self.report, self.entries = kept, kept_entries

    def _resource_pages(self, items: Sequence[tuple[str, str]]) -> None:
        for iri, stem in items:
            node = ox.NamedNode(iri)
            page = stem + ".html"
            alternates, jsonld = self.resource_files(stem, page, self.index.description(node))
            views = self.views(page)
            labels = self.index.labels(iri)
            title = self.index.label(iri, self.lang)
            ontology_term = None
            if stem.startswith("ontology/"):
                ontology_term = {"shapes": self.shapes.on(iri)}
            incoming = chunks(self.index.incoming(node), self.paging.facts)
            files = [page] + [incoming_page(stem, n) for n in range(2, len(incoming) + 1)]
            self.render(
                "resource.html",
                page,
                title=title,
                resource=views.iri(iri),
                labels=[(tag, labels[tag]) for tag in ("id", "en", "") if tag in labels],
                types=[views.iri(t) for t in self.index.types(iri)],
                provenance=views.provenance(node),
                outgoing=views.groups(self.index.outgoing(node), page_node=node),
                incoming=views.groups(incoming[0], incoming=True),
                shown=len(incoming[0]),
                incoming_count=len(self.index.incoming(node)),
                pager=self._pager(files, 1, page),
                alternates=alternates,
                jsonld=jsonld,
                ontology_term=ontology_term,
            )
            for number, facts in enumerate(incoming[1:], start=2):
                here = files[number - 1]
                self.render(
                    "incoming.html",
                    here,
                    title=f"{title}: facts pointing here, page {number}",
                    resource=self.views(here).iri(iri),
                    label=title,
                    first=self.paging.facts * (number - 1) + 1,
                    incoming=self.views(here).groups(facts, incoming=True),
                    shown=len(facts),
                    incoming_count=len(self.index.incoming(node)),
                    pager=self._pager(files, number, here),
                )
            self._entry(iri, page)
            self.report.resources += 1

    @staticmethod
    def _pager(files: list[str], number: int, page: str) -> dict[str, Any] | None:
        """The pager of the facts pointing at a resource; page 1 is the resource page's section."""
        first = ("" if number == 1 else relative(files[0], page)) + "#incoming"
        return pager([first, *(relative(f, page) for f in files[1:])], number)

    def _entry(self, iri: str, page: str) -> None:
        types = self.index.types(iri)
        self.entries.append(
            {
                "href": page,
                "iri": iri,
                "id": self.index.label(iri, "id"),
                "en": self.index.label(iri, "en"),
                "type": self.index.label(types[0], "en") if types else "",
                "class": types[0] if types else "",
            }
        )

    def ontology_page(self) -> None:
        page = ONTOLOGY_PAGE + ".html"
        views = self.views(page)
        graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
        quads = [
            ox.Quad(q.subject, q.predicate, q.object) for q in self.quads if q.graph_name == graph
        ]
        ontology = ox.Dataset(quads)
        alternates = self.rdf_files(
            ONTOLOGY_PAGE, page, {fmt: serialize(ontology, fmt) for fmt in RESOURCE_FORMATS}
        )
        if self.shape_quads:
            self.write(
                "ontology/shapes.ttl", serialize(ox.Dataset(self.shape_quads), RdfFormat.TURTLE)
            )
        terms = []
        for term in ontology_terms(self.index):
            node = ox.NamedNode(term.iri)
            facts = self.index.outgoing(node)

            def values(prop: str, facts: list[Any] = facts) -> list[dict[str, Any]]:
                return [views.term(f.object) for f in facts if f.predicate.value == prop]

            terms.append(
                {
                    "kind": term.kind,
                    "term": views.iri(term.iri),
                    "anchor": term.iri.rsplit("#", 1)[-1],
                    "labels": self.index.labels(term.iri),
                    "comments": [v for v in values(_COMMENT) if v["kind"] == "literal"],
                    "domain": values(str(RDFS.domain)),
                    "range": values(str(RDFS.range)),
                    "parents": values(str(RDFS.subClassOf)) + values(str(RDFS.subPropertyOf)),
                    "shapes": self.shapes.on(term.iri),
                }
            )
        onto = ox.NamedNode(ONTOLOGY_IRI)
        self.render(
            "ontology.html",
            page,
            title=self.index.label(ONTOLOGY_IRI, self.lang),
            resource=views.iri(ONTOLOGY_IRI),
            header=views.groups(self.index.outgoing(onto)),
            terms=terms,
            shapes_file=views.link("ontology/shapes.ttl") if self.shape_quads else None,
            alternates=alternates,
            jsonld=_jsonld(self.index.description(onto)),
        )
        self.entries.append(
            {
                "href": page,
                "iri": ONTOLOGY_IRI,
                "id": self.index.label(ONTOLOGY_IRI, "id"),
                "en": self.index.label(ONTOLOGY_IRI, "en"),
                "type": "Ontology",
                "class": "",
            }
        )

    def dataset_page(self) -> None:
        description = describe(
            self.kg,
            base_url=self.base_url,
            sparql_endpoint=self.sparql_endpoint,
            stats=self.index.statistics(),
        )
        for fmt in RESOURCE_FORMATS:
            self.write(f"dataset.{fmt.extension}", serialize_graph(description, fmt))
        page = "dataset.html"
        views = self.views(page)
        quads = list(union(from_rdflib(description)))
        info = ResourceIndex(quads)
        ds = ox.NamedNode(str(dataset_iri(self.base_url)))
        local = Views(info, self.lang, page, lambda iri: iri in self.pages)
        self.render(
            "dataset.html",
            page,
            title=info.label(ds.value, self.lang),
            description=local.groups(info.outgoing(ds)),
            dumps=[
                {"href": views.link(d.path), "key": d.fmt.key, "type": d.fmt.media_type}
                for d in DUMPS
            ],
            alternates=[
                {"href": f"dataset.{fmt.extension}", "type": fmt.media_type, "key": fmt.key}
                for fmt in RESOURCE_FORMATS
            ],
            jsonld=_jsonld(quads),
        )

    def dumps(self) -> None:
        """The dumps in every format, streamed from one read of the store (``umkm-kg export``'s
        bytes, gzip-compressed)."""
        write_exports(
            self.kg,
            [d.fmt for d in DUMPS],
            self.dump_file,
            DUMP_GRAPHS,
            with_ontology=DUMP_WITH_ONTOLOGY,
        )
        context = json.dumps(jsonld_context(), indent=2, ensure_ascii=False, sort_keys=True)
        self.write("dumps/context.jsonld", context + "\n")

    def query_pages(self, run: bool) -> None:
        """One page per saved query, and their list (empty when ``run`` is false)."""
        from .queries import query_views

        listed = []
        try:
            catalogue = list(self.kg.catalogue) if run else []
        except UmkmError as exc:
            self.report.notes.append(f"no query pages: {exc.message}")
            catalogue = []
        for saved in catalogue:
            page = f"queries/{saved.name}.html"
            views = self.views(page)
            view = query_views(self.kg, saved, views)
            self.render("query.html", page, title=saved.title.get(self.lang), query=view)
            listed.append(
                {
                    "href": f"{saved.name}.html",
                    "title": saved.title.get(self.lang),
                    "description": saved.description.get(self.lang),
                }
            )
            self.report.queries += 1
        self.render("queries.html", "queries/index.html", title="Saved queries", queries=listed)

    def index_page(self) -> None:
        """The home page with the first resources of each class, the class listings, search."""
        self.entries.sort(key=lambda e: e["href"])
        by_class: dict[str, list[dict[str, str]]] = {}
        for entry in self.entries:
            by_class.setdefault(entry["class"], []).append(entry)
        slugs = class_slugs(list(by_class))
        groups = []
        for iri, entries in by_class.items():
            label = entries[0]["type"] or "Other"
            listing = self.class_listing(iri, label, slugs[iri], entries)
            groups.append(
                {
                    "label": label,
                    "count": len(entries),
                    "entries": entries[: self.paging.preview],
                    "listing": listing,
                }
            )
        groups.sort(key=lambda g: (str(g["label"]).lower(), str(g["listing"])))
        shards(
            [Entry(e["href"], e["en"], e["id"], e["type"]) for e in self.entries],
            self.paging.search,
            self.write,
        )
        self.render(
            "index.html",
            "index.html",
            title="UMKM knowledge graph",
            groups=groups,
            has_queries=self.report.queries > 0,
        )

    def class_listing(
        self, iri: str, label: str, slug: str, entries: list[dict[str, str]]
    ) -> str | None:
        """Write the pages listing a class's resources if the home page cannot show them all.

        Returns the first page's path, or ``None`` when the home page lists every one.
        """
        if len(entries) <= self.paging.preview:
            return None
        parts = chunks(entries, self.paging.listing)
        files = [listing_page(slug, n) for n in range(1, len(parts) + 1)]
        for number, part in enumerate(parts, start=1):
            page = files[number - 1]
            views = self.views(page)
            self.render(
                "listing.html",
                page,
                title=f"{label} ({number}/{len(parts)})" if len(parts) > 1 else label,
                label=label,
                cls=views.iri(iri) if iri else None,
                count=len(entries),
                first=self.paging.listing * (number - 1) + 1,
                entries=[{**e, "href": relative(e["href"], page)} for e in part],
                pager=pager([relative(f, page) for f in files], number),
            )
        return files[0]

    def static_files(self) -> None:
        static = package_files.files("umkm_kg.publish.site") / "static"
        for name in ("style.css", "search.js"):
            self.write(f"static/{name}", (static / name).read_bytes())
        extensions = [f.extension for f in RESOURCE_FORMATS]
        context = {
            "formats": [{"ext": f.extension, "type": f.media_type} for f in RdfFormat],
            "negotiated": [
                {"ext": f.extension, "type": f.media_type, "types": f.media_types}
                for f in RESOURCE_FORMATS
            ],
            "extensions": extensions,
        }
        self.write(".htaccess", self.env.get_template("htaccess.txt").render(**context))
        self.write("nginx.conf", self.env.get_template("nginx.conf.txt").render(**context))


def _jsonld(quads: list[ox.Quad]) -> Markup:
    """The JSON-LD of ``quads`` for a page's ``<script>`` element."""
    triples = rdf.canonical_description(quads)
    document = compact_document(triples, rdf.vocab_context(triples, VOCAB))
    return _script_json(_compact_json(document))


def _published_quads(kg: KnowledgeGraph) -> list[ox.Quad]:
    """The quads of the published dumps, read once from the store, blank nodes canonical.

    :raises BadInput: the graph is not the embedded one.
    """
    store = kg.store
    if not isinstance(store, EmbeddedStore):
        raise BadInput(
            "the site is written from the embedded graph, not a remote endpoint",
            hint="run without --endpoint",
        )
    quads: list[ox.Quad] = []
    for name in selected_graphs(store, DUMP_GRAPHS, with_ontology=DUMP_WITH_ONTOLOGY):
        quads.extend(store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(name)))
    return rdf.canonical_blank_nodes(quads)


def _write_file(path: str, blob: bytes) -> None:
    """Write ``blob`` to ``path``, leaving the file alone if it holds those bytes already.

    A changed file is replaced by a new one: renaming a temporary file over each of a hundred
    thousand existing files, or truncating them, made a rebuild several times slower (ext4
    flushes the old data first). A site served while it is rebuilt can show a page before
    its neighbours are rewritten: build into a new folder and swap the folders if that matters.
    """
    try:
        file = open(path, "xb")  # noqa: SIM115 - closed below, on both paths
    except FileExistsError:
        with open(path, "rb") as old:
            if old.read() == blob:
                return
        os.unlink(path)
        file = open(path, "xb")  # noqa: SIM115
    with file:
        file.write(blob)


def _compact_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _script_json(text: str) -> Markup:
    """JSON text for a ``<script>`` element: ``<``, ``>`` and ``&`` escaped so no text ends it."""
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # escaped above for the script context
