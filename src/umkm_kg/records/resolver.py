"""Names, codes and IRIs written in records, resolved against the knowledge graph's places,
product categories, size classes and agencies.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from ..iri import iri_problem
from ..namespaces import PREFIXES, UMKM

_CURIE = re.compile(r"^([a-z][a-z0-9]*):([^\s/][^\s]*)$")


def normal(text: str) -> str:
    """Lower case, no accents, single spaces: how names are compared."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


_KINDS: dict[str, tuple[str, ...]] = {
    "place": (
        "https://schema.org/Country",
        "https://schema.org/City",
        "https://schema.org/AdministrativeArea",
        "https://schema.org/Place",
        str(UMKM.Neighbourhood),
    ),
    "category": (str(UMKM.ProductCategory),),
    "size": (str(UMKM.SizeClass),),
    "agency": (
        "http://www.w3.org/ns/org#FormalOrganization",
        "http://www.w3.org/ns/org#OrganizationalUnit",
        "https://schema.org/GovernmentOrganization",
        "https://schema.org/Organization",
    ),
}
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_KEY_PREDICATES = (
    _LABEL,
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "https://schema.org/name",
    str(UMKM.iso3166Alpha2),
)


class Resolver:
    """Names, codes and labels of the graph's places, categories, size classes and agencies."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        """``rows`` are (resource IRI, class IRI, key text) triples."""
        self.names: dict[str, dict[str, set[str]]] = {kind: {} for kind in _KINDS}
        self.labels: dict[str, dict[str, str]] = {}
        self.known: set[str] = set()
        self._add_rows(rows)

    def _add_rows(self, rows: Iterable[tuple[str, str, str]]) -> None:
        for iri, cls, key in rows:
            self.known.add(iri)
            for kind, classes in _KINDS.items():
                if cls in classes:
                    self.names[kind].setdefault(normal(key), set()).add(iri)
                    self.names[kind].setdefault(normal(short_name(iri)), set()).add(iri)

    def add_triples(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        """Also resolve the places, categories, size classes and agencies ``triples`` describe
        (the RDF records of a batch, for the CSV rows of the same batch)."""
        types: dict[str, set[str]] = {}
        keys: dict[str, list[str]] = {}
        labels: dict[str, dict[str, str]] = {}
        for s, p, o in triples:
            predicate = str(p)
            if predicate == _TYPE:
                types.setdefault(str(s), set()).add(str(o))
            elif predicate in _KEY_PREDICATES:
                keys.setdefault(str(s), []).append(str(o))
                if predicate == _LABEL:
                    lang = getattr(o, "language", None) or ""
                    labels.setdefault(str(s), {}).setdefault(lang, str(o))
        classes = {c for kinds in _KINDS.values() for c in kinds}
        named = {iri: sorted(found & classes) for iri, found in types.items() if found & classes}
        self._add_rows(
            (iri, cls, key)
            for iri, found in named.items()
            for cls in found
            for key in keys.get(iri, ())
        )
        for iri in named:
            for lang, text in labels.get(iri, {}).items():
                self.labels.setdefault(iri, {}).setdefault(lang, text)

    @classmethod
    def from_kg(cls, kg: object) -> Resolver:
        """Read the keys from a :class:`~umkm_kg.kg.KnowledgeGraph`."""
        from ..query.results import QueryForm
        from ..store import Store

        store = getattr(kg, "store", None)
        assert isinstance(store, Store)
        classes = " ".join(f"<{c}>" for kinds in _KINDS.values() for c in kinds)
        keys = " ".join(f"<{p}>" for p in _KEY_PREDICATES)
        result = store.query(
            f"""SELECT DISTINCT ?r ?class ?key ?label ?lang WHERE {{
                VALUES ?class {{ {classes} }}
                ?r a ?class .
                {{ VALUES ?p {{ {keys} }} ?r ?p ?key }}
                UNION {{ ?claim <{UMKM.destination}> ?r ; <{UMKM.destinationAsWritten}> ?key }}
                UNION {{ ?r <http://www.w3.org/2000/01/rdf-schema#label> ?label
                         BIND(LANG(?label) AS ?lang) }}
            }}""",
            form=QueryForm.SELECT,
            max_rows=None,
        )
        rows: list[tuple[str, str, str]] = []
        labels: dict[str, dict[str, str]] = {}
        for row in result.rows:
            iri, klass = str(row["r"]), str(row["class"])
            if "key" in row:
                rows.append((iri, klass, str(row["key"])))
            elif "label" in row:
                labels.setdefault(iri, {}).setdefault(str(row.get("lang", "")), str(row["label"]))
        resolver = cls(rows)
        resolver.labels = labels
        return resolver

    def label(self, iri: str, lang: str) -> str:
        found = self.labels.get(iri, {})
        return found.get(lang) or found.get("en") or short_name(iri)

    def resolve(self, kind: str, value: str) -> tuple[str | None, str | None]:
        """``(iri, None)`` when ``value`` names one resource, else ``(None, why)``."""
        iri = expand_iri(value)
        if iri is not None:
            problem = iri_problem(iri)
            return (iri, None) if problem is None else (None, problem)
        found = self.names[kind].get(normal(value), set())
        if len(found) == 1:
            return next(iter(found)), None
        if len(found) > 1:
            return None, "ambiguous: " + ", ".join(sorted(_curie(f) for f in found))
        close = difflib.get_close_matches(normal(value), list(self.names[kind]), n=1, cutoff=0.75)
        return None, (f"did you mean {close[0]!r}?" if close else None)


def expand_iri(value: str) -> str | None:
    """``value`` as an IRI if it is written as one (``<...>``, ``https://...``, ``kg:...``)."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.IGNORECASE) or text.startswith("urn:"):
        return text
    match = _CURIE.match(text)
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + match.group(2)
    return None


def short_name(iri: str) -> str:
    """The last segment of an IRI without its kind prefix: ``kg:country-my`` gives ``my``."""
    local = re.split(r"[/#]", iri)[-1]
    return local.split("-", 1)[1] if "-" in local else local


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"
