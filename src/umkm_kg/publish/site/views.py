"""Plain dictionaries the templates read: terms, facts grouped by property, provenance.

The templates only format; every decision (what links where, which label, which language)
is taken here. Values are passed unescaped: the templates autoescape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyoxigraph as ox

from ...namespaces import ARTICLE_GRAPH, ONTOLOGY_GRAPH, RECORDS_GRAPH_PREFIX
from .index import PROVENANCE_PROPERTIES, Fact, ResourceIndex, Subject, compact
from .paths import page_stem, relative

View = dict[str, Any]
_PLAIN = {
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
}
MAX_DEPTH = 4
"""How deep blank nodes are shown inside one another."""


class Views:
    """Builds template views for the pages of one folder (links are relative to ``page``).

    The view of an IRI is made once and reused (with its markup, see :mod:`.html`) by every
    page of the folder: treat views as read-only.
    """

    def __init__(
        self, index: ResourceIndex, lang: str, page: str, has_page: Callable[[str], bool]
    ) -> None:
        self.index = index
        self.lang = lang
        self.page = page
        self._has_page = has_page
        self._iris: dict[str, View] = {}
        self._links: dict[str, str] = {}

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` goes: its page in the site, else the IRI itself if it is an
        http(s) IRI; '' (no link) for any other scheme (urn:, mailto:, or a javascript: that
        reached the data some other way)."""
        stem = page_stem(iri)
        if stem is not None and self._has_page(iri):
            return self.link(stem + ".html")
        return iri if iri.startswith(("http://", "https://")) else ""

    def link(self, target: str) -> str:
        """A link to a site file given relative to the root."""
        link = self._links.get(target)
        if link is None:
            link = self._links[target] = relative(target, self.page)
        return link

    def term(self, node: ox.NamedNode | ox.BlankNode | ox.Literal, depth: int = 0) -> View:
        if isinstance(node, ox.NamedNode):
            view = self._iris.get(node.value)
            if view is None:
                view = self._iris[node.value] = {
                    "kind": "iri",
                    "iri": node.value,
                    "label": self.index.label(node.value, self.lang),
                    "compact": compact(node.value),
                    "href": self.href(node.value),
                }
            return view
        if isinstance(node, ox.BlankNode):
            rows = self.groups(self.index.outgoing(node), depth + 1) if depth < MAX_DEPTH else []
            return {"kind": "blank", "rows": rows}
        datatype = node.datatype.value
        return {
            "kind": "literal",
            "text": node.value,
            "lang": node.language or "",
            "datatype": "" if datatype in _PLAIN else compact(datatype),
        }

    def iri(self, iri: str) -> View:
        return self.term(ox.NamedNode(iri))

    def graphs(self, names: Sequence[str]) -> list[View]:
        return [{"iri": n, "label": graph_label(n)} for n in names if n]

    def provenance(self, node: Subject) -> View | None:
        prov = self.index.provenance(node)
        if not prov and not prov.interpretation:
            return None
        notes = [n for n in prov.notes if n.language == self.lang] or prov.notes
        return {
            "sources": [self.iri(s) for s in prov.sources],
            "attributed_to": [self.iri(a) for a in prov.attributed_to],
            "paragraphs": prov.paragraphs,
            "sentences": [{"text": s.value, "lang": s.language or ""} for s in prov.sentences],
            "interpretation": prov.interpretation,
            "notes": [{"text": n.value, "lang": n.language or ""} for n in notes],
        }

    def groups(
        self,
        facts: Sequence[Fact],
        depth: int = 0,
        *,
        incoming: bool = False,
        page_node: Subject | None = None,
    ) -> list[View]:
        """Facts grouped by property; each value with its graphs and its claim's provenance.

        The claim node of a fact is its subject: the node whose PROV-O statements cover it.
        When that is ``page_node``, whose source the page shows once, the value only points there.
        """
        out: list[View] = []
        for fact in facts:
            p = fact.predicate.value
            if not out or out[-1]["property"]["iri"] != p:
                out.append({"property": self.iri(p), "values": []})
            shown = fact.subject if incoming else fact.object
            prov = None if p in PROVENANCE_PROPERTIES else self._claim(fact.subject)
            if prov is not None and fact.subject == page_node:
                prov["same"] = True
            out[-1]["values"].append(
                {
                    "value": self.term(shown, depth),
                    "graphs": self.graphs(fact.graphs),
                    "provenance": prov,
                }
            )
        return out

    def _claim(self, node: Subject) -> View | None:
        prov = self.index.provenance(node)
        if not prov:
            return None
        return {
            "sources": [self.iri(s) for s in prov.sources],
            "paragraphs": prov.paragraphs,
            "sentences": [{"text": s.value, "lang": s.language or ""} for s in prov.sentences],
            "interpretation": prov.interpretation,
        }


def graph_label(name: str) -> str:
    """A short name for a named graph."""
    if name == str(ARTICLE_GRAPH):
        return "article"
    if name == str(ONTOLOGY_GRAPH):
        return "ontology"
    if name.startswith(RECORDS_GRAPH_PREFIX):
        return "records " + name[len(RECORDS_GRAPH_PREFIX) :]
    return compact(name)
