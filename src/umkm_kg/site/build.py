"""Write the static linked-data site: pages, RDF files, ontology docs, queries, dumps, config."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from importlib import resources as package_files
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from rdflib.namespace import RDFS

from .. import resources
from ..dataset import DEFAULT_BASE_URL, DUMPS, dataset_iri, describe, dump_content
from ..errors import UmkmError
from ..export import (
    canonical,
    from_rdflib,
    jsonld_context,
    jsonld_document,
    serialize,
    serialize_graph,
    union,
)
from ..formats import RdfFormat
from ..kg import KnowledgeGraph
from ..namespaces import ONTOLOGY_GRAPH, PREFIXES, SCHEMA
from .index import ResourceIndex
from .ontology import ontology_terms, read_shapes
from .paths import ONTOLOGY_IRI, ONTOLOGY_PAGE, RESOURCE_FORMATS, page_stem
from .views import Views

SCHEMA_CONTEXT: dict[str, Any] = {
    "@vocab": str(SCHEMA),
    **{p: ns for p, ns in PREFIXES.items() if p != "schema"},
}
"""Context of the JSON-LD embedded in pages: schema.org terms bare, as search engines read them."""

_COMMENT = str(RDFS.comment)


@dataclass
class SiteReport:
    """What :func:`build_site` wrote."""

    out_dir: Path
    pages: int = 0
    resources: int = 0
    queries: int = 0
    files: list[str] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0
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
) -> SiteReport:
    """Write the site for the dumped graphs (article, records, ontology) into ``out_dir``.

    ``shapes`` overrides the bundled shapes file (for tests).

    :raises BadInput: the graph is remote or the shapes cannot be read.
    """
    started = time.perf_counter()
    site = _Site(kg, out_dir, base_url, lang, shapes or resources.SHAPES, sparql_endpoint)
    site.resource_pages()
    site.ontology_page()
    site.dataset_page()
    site.dumps()
    site.query_pages(with_queries)
    site.index_page()
    site.static_files()
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
    ) -> None:
        self.kg = kg
        self.out = out_dir
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.lang = lang
        self.sparql_endpoint = sparql_endpoint
        # Canonical blank-node labels make the order of blank nodes, and so the pages, stable.
        self.dataset = canonical(dump_content(kg))
        self.index = ResourceIndex(self.dataset)
        self.shapes, self.shape_quads = read_shapes(shapes)
        self.pages = {
            iri: stem
            for iri in self.index.subjects()
            if (stem := page_stem(iri)) is not None and iri != ONTOLOGY_IRI
        }
        self.report = SiteReport(out_dir=out_dir)
        self.env = Environment(
            loader=PackageLoader("umkm_kg.site", "templates"),
            autoescape=select_autoescape(["html"], default=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["regex"] = re.escape
        self.entries: list[dict[str, str]] = []

    # --- writing -------------------------------------------------------------------------

    def write(self, path: str, data: bytes | str) -> None:
        blob = data.encode("utf-8") if isinstance(data, str) else data
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(blob)
        os.replace(temporary, target)
        self.report.files.append(path)
        self.report.bytes += len(blob)
        if path.endswith(".html"):
            self.report.pages += 1

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
        return Views(self.index, self.lang, page, lambda iri: iri in self.pages)

    def rdf_files(self, stem: str, quads: list[ox.Quad], page: str) -> list[dict[str, str]]:
        """Write ``stem.ttl`` etc.; return the ``<link rel="alternate">`` list for ``page``."""
        dataset = ox.Dataset(quads)
        alternates = []
        for fmt in RESOURCE_FORMATS:
            path = f"{stem}.{fmt.extension}"
            self.write(path, serialize(dataset, fmt))
            alternates.append(
                {"href": self.views(page).link(path), "type": fmt.media_type, "key": fmt.key}
            )
        return alternates

    # --- pages ---------------------------------------------------------------------------

    def resource_pages(self) -> None:
        for iri, stem in self.pages.items():
            node = ox.NamedNode(iri)
            page = stem + ".html"
            quads = self.index.description(node)
            alternates = self.rdf_files(stem, quads, page)
            views = self.views(page)
            labels = self.index.labels(iri)
            term = None
            if stem.startswith("ontology/"):
                term = {"shapes": self.shapes.on(iri)}
            self.render(
                "resource.html",
                page,
                title=self.index.label(iri, self.lang),
                resource=views.iri(iri),
                labels=[(tag, labels[tag]) for tag in ("id", "en", "") if tag in labels],
                types=[views.iri(t) for t in self.index.types(iri)],
                provenance=views.provenance(node),
                outgoing=views.groups(self.index.outgoing(node), page_node=node),
                incoming=views.groups(self.index.incoming(node), incoming=True),
                alternates=alternates,
                jsonld=_script_json(jsonld_document(canonical(quads), SCHEMA_CONTEXT)),
                term=term,
            )
            self._entry(iri, page)
            self.report.resources += 1

    def _entry(self, iri: str, page: str) -> None:
        types = self.index.types(iri)
        self.entries.append(
            {
                "href": page,
                "iri": iri,
                "id": self.index.label(iri, "id"),
                "en": self.index.label(iri, "en"),
                "type": self.index.label(types[0], "en") if types else "",
            }
        )

    def ontology_page(self) -> None:
        page = ONTOLOGY_PAGE + ".html"
        views = self.views(page)
        graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
        quads = [
            ox.Quad(q.subject, q.predicate, q.object)
            for q in self.dataset.quads_for_graph_name(graph)
        ]
        alternates = self.rdf_files(ONTOLOGY_PAGE, quads, page)
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
            jsonld=_script_json(
                jsonld_document(canonical(self.index.description(onto)), SCHEMA_CONTEXT)
            ),
        )
        self.entries.append(
            {
                "href": page,
                "iri": ONTOLOGY_IRI,
                "id": self.index.label(ONTOLOGY_IRI, "id"),
                "en": self.index.label(ONTOLOGY_IRI, "en"),
                "type": "Ontology",
            }
        )

    def dataset_page(self) -> None:
        description = describe(
            self.kg, base_url=self.base_url, sparql_endpoint=self.sparql_endpoint
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
            jsonld=_script_json(jsonld_document(canonical(quads), SCHEMA_CONTEXT)),
        )

    def dumps(self) -> None:
        for dump in DUMPS:
            self.write(dump.path, serialize(self.dataset, dump.fmt))
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
        self.entries.sort(key=lambda e: e["href"])
        groups: dict[str, list[dict[str, str]]] = {}
        for entry in self.entries:
            groups.setdefault(entry["type"] or "Other", []).append(entry)
        self.write(
            "search-index.json",
            json.dumps(self.entries, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        )
        self.render(
            "index.html",
            "index.html",
            title="UMKM knowledge graph",
            groups=sorted(groups.items(), key=lambda g: g[0].lower()),
            has_queries=self.report.queries > 0,
        )

    def static_files(self) -> None:
        static = package_files.files("umkm_kg.site") / "static"
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


def _script_json(document: dict[str, Any]) -> Markup:
    """JSON for a ``<script>`` element: ``<``, ``>`` and ``&`` escaped so no text can end it."""
    text = json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True)
    safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(safe)  # escaped above for the script context
