"""Writing synthetic enterprises: as CSV rows, or as triples written straight to N-Triples,
N-Quads or Turtle text.

The triples are those :func:`umkm_kg.records.csvrecords.map_row` makes of the enterprise's CSV row
(tests/test_synth.py checks that they are the same set), made here without rdflib terms so that
a million enterprises take a minute, not an hour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from ..namespaces import KG, SCHEMA, UMKM
from ..records.csvrecords import Triple, slug
from ..records.resolver import short_name
from .records import Enterprise, curie
from .reference import AGENCY, Reference

CSV_HEADER: tuple[str, ...] = (
    "nama",
    "nib",
    "pemilik",
    "produk",
    "produk_en",
    "kategori",
    "tujuan_ekspor",
    "lokasi",
    "kelas_usaha",
    "dasar_kelas",
    "sumber",
    "dilaporkan_oleh",
)
"""The Indonesian headers of the columns written (:data:`~umkm_kg.records.csvcolumns.COLUMNS`)."""
CSV_KEYS: tuple[str, ...] = (
    "name",
    "identifier",
    "owner",
    "products",
    "products_en",
    "categories",
    "destinations",
    "location",
    "size_class",
    "size_scheme",
    "source",
    "reported_by",
)

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def literal(text: str, lang: str | None = None) -> str:
    """A literal in N-Triples (and Turtle) syntax."""
    body = text.translate(_ESCAPES) if ('"' in text or "\\" in text or "\n" in text) else text
    return f'"{body}"@{lang}' if lang else f'"{body}"'


def csv_cells(record: Enterprise) -> list[str]:
    """The CSV row of ``record``, in the order of :data:`CSV_HEADER`."""
    owners = [f"{h} {n}" if h else n for h, n in record.owners] + [
        curie(iri) for iri in record.owner_iris
    ]
    size = record.size
    cells = {
        "name": record.name,
        "identifier": record.nib,
        "owner": "; ".join(owners),
        "products": "; ".join(p for p, _ in record.products),
        "products_en": "; ".join(e for _, e in record.products),
        "categories": "; ".join(w for w, _ in record.categories),
        "destinations": "; ".join(w for w, _ in record.destinations),
        "location": record.location[0],
        "size_class": size[0] if size else "",
        "size_scheme": size[1] if size else "",
        "source": record.source,
        "reported_by": curie(AGENCY),
        **record.cells,
    }
    return [cells[k] for k in CSV_KEYS]


@dataclass(frozen=True)
class Syntax:
    """How IRIs are written: in full (N-Triples, N-Quads) or with the Turtle prefixes."""

    turtle: bool

    def iri(self, iri: str) -> str:
        if self.turtle:
            for prefix, namespace in TURTLE_PREFIXES.items():
                if iri.startswith(namespace):
                    return f"{prefix}:{iri[len(namespace) :]}"
        return f"<{iri}>"

    def kg(self, local: str) -> str:
        return f"kg:{local}" if self.turtle else f"<{KG}{local}>"


TURTLE_PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "umkm": str(UMKM),
    "schema": str(SCHEMA),
    "rdfs": str(RDFS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
}

Block = tuple[str, list[tuple[str, str]]]
"""A subject and its (predicate, object) pairs, in the syntax's text."""


class Emitter:
    """Turns enterprises into blocks of triples, in one syntax."""

    def __init__(self, reference: Reference, syntax: Syntax) -> None:
        self.reference = reference
        self.syntax = syntax
        t = syntax.iri
        self.TYPE = "a" if syntax.turtle else t(str(RDF.type))
        self.LABEL = t(str(RDFS.label))
        self.SOURCE = t(str(DCTERMS.source))
        self.ATTRIBUTED = t(str(PROV.wasAttributedTo))
        self.NAME = t(str(SCHEMA.name))
        self.IDENTIFIER = t(str(SCHEMA.identifier))
        self.LOCATION = t(str(SCHEMA.location))
        self.HONORIFIC = t(str(SCHEMA.honorificPrefix))
        self.PERSON = t(str(SCHEMA.Person))
        self.PRODUCT = t(str(SCHEMA.Product))
        self.ENTERPRISE = t(str(UMKM.Enterprise))
        self.OWNERSHIP = t(str(UMKM.Ownership))
        self.CLAIM = t(str(UMKM.ExportClaim))
        self.LOCATION_WRITTEN = t(str(UMKM.locationAsWritten))
        self.SIZE = t(str(UMKM.sizeClass))
        self.OWNER = t(str(UMKM.owner))
        self.QUALIFIED = t(str(UMKM.qualifiedOwnership))
        self.HOLDER = t(str(UMKM.ownershipHolder))
        self.HAS_PRODUCT = t(str(UMKM.hasProduct))
        self.CATEGORY = t(str(UMKM.productCategory))
        self.EXPORTER = t(str(UMKM.exporter))
        self.DESTINATION = t(str(UMKM.destination))
        self.DESTINATION_WRITTEN = t(str(UMKM.destinationAsWritten))
        self.EXPORTED = t(str(UMKM.exportedProduct))
        self.AGENCY = t(AGENCY)
        self._slugs: dict[str, str] = {}
        self._labels: dict[str, tuple[str, str]] = {}

    def triple_blocks(self, triples: Iterable[Triple]) -> list[Block]:
        """rdflib triples (the places) as blocks, subjects in the order they first come."""
        blocks: dict[str, list[tuple[str, str]]] = {}
        for s, p, o in triples:
            predicate = self.TYPE if p == RDF.type else self.syntax.iri(str(p))
            if isinstance(o, Literal):
                value = literal(str(o), o.language)
            else:
                value = self.syntax.iri(str(o))
            blocks.setdefault(self.syntax.iri(str(s)), []).append((predicate, value))
        return list(blocks.items())

    def _slug(self, text: str) -> str:
        found = self._slugs.get(text)
        if found is None:
            found = self._slugs[text] = slug(text)
        return found

    def _place_labels(self, iri: str) -> tuple[str, str]:
        found = self._labels.get(iri)
        if found is None:
            found = (self.reference.label(iri, "id"), self.reference.label(iri, "en"))
            self._labels[iri] = found
        return found

    def blocks(self, e: Enterprise) -> tuple[list[Block], list[str]]:
        """The triples of ``e`` grouped by subject, and the nodes a planted problem is on."""
        kg, iri = self.syntax.kg, self.syntax.iri
        key = e.key
        name = e.name
        enterprise = kg(f"enterprise-{key}")
        prov = [(self.SOURCE, literal(e.source)), (self.ATTRIBUTED, self.AGENCY)]
        own: list[tuple[str, str]] = [
            (self.TYPE, self.ENTERPRISE),
            (self.LABEL, literal(name, "id")),
            (self.LABEL, literal(name, "en")),
            *prov,
            (self.NAME, literal(name)),
            (self.IDENTIFIER, literal(e.cells.get("identifier", e.nib))),
            (self.LOCATION, iri(e.location[1])),
            (self.LOCATION_WRITTEN, literal(e.location[0])),
        ]
        if e.size is not None:
            own.append((self.SIZE, iri(e.size[2])))
        out: list[Block] = [(enterprise, own)]
        for honorific, person_name in e.owners:
            person_key = self._slug(person_name)
            person = kg(f"person-{person_key}-{key}")
            ownership = kg(f"ownership-{key}-{person_key}")
            shown = f"{honorific} {person_name}" if honorific else person_name
            about = [
                (self.TYPE, self.PERSON),
                (self.LABEL, literal(shown, "id")),
                (self.LABEL, literal(shown[:1].upper() + shown[1:], "en")),
                *prov,
                (self.NAME, literal(person_name)),
            ]
            if honorific:
                about.append((self.HONORIFIC, literal(honorific)))
            out.append((person, about))
            out.append(
                (
                    ownership,
                    [
                        (self.TYPE, self.OWNERSHIP),
                        (self.LABEL, literal(f"Kepemilikan {name} oleh {shown}", "id")),
                        (self.LABEL, literal(f"Ownership of {name} by {shown}", "en")),
                        *prov,
                        (self.HOLDER, person),
                    ],
                )
            )
            own += [(self.OWNER, person), (self.QUALIFIED, ownership)]
        own += [(self.OWNER, iri(i)) for i in e.owner_iris]
        categories = [(self.CATEGORY, iri(c)) for _, c in e.categories]
        products = []
        for label_id, label_en in e.products:
            part = f"-{self._slug(label_id)}" if len(e.products) > 1 else ""
            product = kg(f"product-{key}{part}")
            out.append(
                (
                    product,
                    [
                        (self.TYPE, self.PRODUCT),
                        (self.LABEL, literal(label_id, "id")),
                        (self.LABEL, literal(label_en, "en")),
                        *prov,
                        *categories,
                    ],
                )
            )
            own.append((self.HAS_PRODUCT, product))
            products.append((part, product))
        claims: dict[str, list[tuple[str, str]]] = {}
        by_place: dict[str, list[str]] = {}
        for written, place in e.destinations:
            place_id, place_en = self._place_labels(place)
            for part, product in products:
                claim = kg(f"export-{key}{part}-{short_name(place)}")
                if claim in claims:  # a second spelling of the same place
                    claims[claim].append((self.DESTINATION_WRITTEN, literal(written)))
                    continue
                claims[claim] = [
                    (self.TYPE, self.CLAIM),
                    (self.LABEL, literal(f"Klaim ekspor: {name} ke {place_id}", "id")),
                    (self.LABEL, literal(f"Export claim: {name} to {place_en}", "en")),
                    *prov,
                    (self.EXPORTER, enterprise),
                    (self.DESTINATION, iri(place)),
                    (self.DESTINATION_WRITTEN, literal(written)),
                    (self.EXPORTED, product),
                ]
                by_place.setdefault(place, []).append(claim)
        out += claims.items()
        broken = e.broken
        if broken is None:
            return out, []
        if broken.column == "destinations" and broken.check != "mapping":
            # the planted destination is the last one (see records.plant)
            return out, by_place[e.destinations[-1][1]]
        if broken.kind == "category-not-category":
            return out, [p for _, p in products]
        return out, [enterprise]
