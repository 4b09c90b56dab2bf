"""What synthetic records may refer to: the countries and product categories the bundled graph
knows, the kelurahan of Kota Tangerang (from the reference graph), the reporting agency, and the
names staff write for each, checked to resolve as the CSV mapping resolves them.

A place the bundled graph lacks would be written with the records (``Place.new``); since the
reference graph holds every kelurahan of Kota Tangerang, none is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..kg import KnowledgeGraph
from ..namespaces import KG, SCHEMA, UMKM
from ..query.results import QueryForm
from ..records.csvrecords import Triple
from ..records.resolver import Resolver, normal
from .vocabulary import PRODUCTS

CITY = str(KG["city-tangerang"])
AGENCY = str(KG["org-disperindagkop-tangerang"])
HOME_COUNTRY = str(KG["country-id"])
PLACES_SOURCE = "Daftar kelurahan Kota Tangerang (umkm-kg synth)"
KELURAHAN_COUNT = 104
"""Kota Tangerang's kelurahan (13 kecamatan), all in the reference graph."""


@dataclass(frozen=True)
class Destination:
    """A place records may export to, with the spellings that resolve to it."""

    iri: str
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    """A product category of the graph's scheme, its spellings, and products of that kind."""

    code: str
    iri: str
    spellings: tuple[str, ...]
    products: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Place:
    """A kelurahan of Kota Tangerang; ``new`` when the bundled graph does not have it."""

    name: str
    iri: str
    new: bool


@dataclass(frozen=True)
class Reference:
    """Everything a synthetic record may point at, in a fixed order (for determinism)."""

    countries: tuple[tuple[Destination, ...], ...]
    """Export destinations grouped by country (a country, then the places in it)."""
    categories: tuple[Category, ...]
    places: tuple[Place, ...]
    resolver: Resolver

    def label(self, iri: str, lang: str) -> str:
        return self.resolver.label(iri, lang)

    def place_triples(self) -> list[Triple]:
        """The kelurahan the bundled graph lacks, as ``umkm:Neighbourhood`` in Kota Tangerang."""
        return place_triples(self.places)


def place_triples(places: tuple[Place, ...]) -> list[Triple]:
    triples: list[Triple] = []
    for place in places:
        if not place.new:
            continue
        node = URIRef(place.iri)
        triples += [
            (node, RDF.type, UMKM.Neighbourhood),
            (node, RDFS.label, Literal(place.name, lang="en")),
            (node, RDFS.label, Literal(place.name, lang="id")),
            (node, DCTERMS.source, Literal(PLACES_SOURCE)),
            (node, SCHEMA.containedInPlace, URIRef(CITY)),
        ]
    return triples


@cache
def bundled_reference() -> Reference:
    """The reference data of the bundled graph (read once per process)."""
    kg = KnowledgeGraph.embedded(with_records=False)
    try:
        return reference_of(kg)
    finally:
        kg.close()


def reference_of(kg: KnowledgeGraph) -> Reference:
    """Read countries, categories and places from ``kg``; names are checked to resolve.

    :raises AssertionError: the graph lacks something the generator relies on (a bug).
    """
    resolver = Resolver.from_kg(kg)
    places = tuple(_places(kg, resolver))
    resolver.add_triples(place_triples(places))
    return Reference(_countries(kg, resolver), _categories(kg, resolver), places, resolver)


def _rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, str]]:
    result = kg.store.query(sparql, form=QueryForm.SELECT, max_rows=None)
    return [{k: str(v) for k, v in row.items()} for row in result.rows]


def _spellings(resolver: Resolver, kind: str, iri: str, candidates: list[str]) -> tuple[str, ...]:
    """The candidates that resolve to ``iri`` and nothing else, without repeats, sorted."""
    seen: dict[str, str] = {}
    for text in sorted(candidates):
        if resolver.resolve(kind, text)[0] == iri:
            seen.setdefault(normal(text), text)
    return tuple(sorted(seen.values()))


def _countries(kg: KnowledgeGraph, resolver: Resolver) -> tuple[tuple[Destination, ...], ...]:
    rows = _rows(
        kg,
        f"""SELECT ?country ?place ?text WHERE {{
            ?country a <{SCHEMA.Country}> .
            FILTER(?country != <{HOME_COUNTRY}>)
            ?place <{SCHEMA.containedInPlace}>* ?country .
            FILTER(?place = ?country || EXISTS {{ ?claim <{UMKM.destination}> ?place }})
            {{ ?place <{RDFS.label}> ?text }}
            UNION {{ ?place <{UMKM.iso3166Alpha2}> ?text }}
            UNION {{ ?claim2 <{UMKM.destination}> ?place ; <{UMKM.destinationAsWritten}> ?text }}
        }}""",
    )
    texts: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        texts.setdefault(row["country"], {}).setdefault(row["place"], []).append(row["text"])
    groups = []
    for country in sorted(texts):
        places = sorted(texts[country], key=lambda p: (p != country, p))
        group = tuple(
            Destination(p, spelled)
            for p in places
            if (spelled := _spellings(resolver, "place", p, texts[country][p]))
        )
        assert group and group[0].iri == country, f"{country} has no spelling that resolves"
        groups.append(group)
    return tuple(groups)


def _categories(kg: KnowledgeGraph, resolver: Resolver) -> tuple[Category, ...]:
    rows = _rows(
        kg,
        f"""SELECT ?category ?text WHERE {{
            ?category a <{UMKM.ProductCategory}> ;
                <http://www.w3.org/2004/02/skos/core#prefLabel> ?text .
            FILTER(LANG(?text) = "id")
        }}""",
    )
    labels: dict[str, list[str]] = {}
    for row in rows:
        labels.setdefault(row["category"], []).append(row["text"])
    categories = []
    for code, products in PRODUCTS.items():
        iri = str(KG[f"category-{code}"])
        assert iri in labels, f"the graph has no product category {iri}"
        spelled = _spellings(resolver, "category", iri, [code, *labels[iri]])
        assert spelled, f"no spelling of {iri} resolves"
        categories.append(Category(code, iri, spelled, products))
    return tuple(categories)


def _places(kg: KnowledgeGraph, resolver: Resolver) -> list[Place]:
    """The kelurahan of Kota Tangerang in the reference graph, in Kemendagri code order, each
    with the first of its name, "Kelurahan <name>" and its code that names it alone."""
    rows = _rows(
        kg,
        f"""SELECT ?place ?name ?code WHERE {{
            ?place a <{UMKM.Neighbourhood}> ;
                <{SCHEMA.containedInPlace}>+ <{CITY}> ;
                <{RDFS.label}> ?name ;
                <{UMKM.kemendagriCode}> ?code .
            FILTER(LANG(?name) = "id")
        }} ORDER BY ?code""",
    )
    places = []
    for row in rows:
        candidates = [row["name"], f"Kelurahan {row['name']}", row["code"]]
        written = next(c for c in candidates if resolver.resolve("place", c)[0] == row["place"])
        places.append(Place(written, row["place"], new=False))
    assert len(places) == KELURAHAN_COUNT, f"{len(places)} kelurahan in Kota Tangerang"
    return places
