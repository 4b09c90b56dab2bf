"""Enterprise records kept as CSV by agency staff, mapped to the same model as the article's data.

One row is one enterprise. Headers may be English or Indonesian (``name`` or ``nama``); a cell
may hold several values separated by ``;``; countries, places, categories, size classes and
agencies are given by name (Indonesian or English), code or IRI and resolved against the
knowledge graph. Rows whose first cell starts with ``#`` are comments. The columns are listed
in :data:`umkm_kg.records.csvcolumns.COLUMNS` (and in ``umkm-kg template enterprise --format csv``);
:mod:`~umkm_kg.records.csvcolumns` reads the rows and :mod:`~umkm_kg.records.resolver` resolves
the names.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from ..formulas import is_formula
from ..iri import iri_problem
from ..namespaces import KG, ORG, SCHEMA, UMKM
from .csvcolumns import CsvRow, read_rows, split_cell
from .rdfinput import RawInput
from .resolver import Resolver, expand_iri, normal, short_name, suggestion_among

Triple = tuple[Node, Node, Node]

_HONORIFICS = ("ibu", "bu", "bapak", "pak", "bpk", "mbak", "mas", "hj", "h", "haji", "hajjah")
_NIB = re.compile(r"^[0-9]{13}$")
# What a spreadsheet makes of a 13-digit number in a column not formatted as text:
# 9,12E+12 (or 9.12E+12), or the number without its leading zeros.
_NIB_AS_NUMBER = re.compile(r"^[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+$|^[0-9]{1,12}$")


def _nib_message(nib: str) -> tuple[str, str]:
    """Why a NIB is refused; a spreadsheet's number formatting gets a hint to format as text."""
    if _NIB_AS_NUMBER.match(nib.strip()):
        return (
            "a NIB has 13 digits; this one looks like a spreadsheet turned it into a number "
            "(scientific notation or lost leading digits): format the NIB column as text "
            "and type the NIB again",
            "NIB terdiri dari 13 angka; yang ini tampaknya diubah spreadsheet menjadi bilangan "
            "(notasi ilmiah atau angka depan hilang): format kolom NIB sebagai teks dan "
            "ketik ulang NIB-nya",
        )
    return ("a NIB has 13 digits", "NIB terdiri dari 13 angka")


_SIZE_WORDS = ("mikro", "kecil", "menengah")
_KBLI_CODE = re.compile(r"^([A-Ua-u]|[0-9]{2,5})$")
DEFAULT_SIZE_SCHEME = "2021"
"""The criteria of a size class whose record names none: PP No. 7 Tahun 2021, in force."""


@dataclass(frozen=True)
class MappingProblem:
    """A cell that cannot be mapped: an unknown name, a formula, a malformed value."""

    row: int
    column: str
    found: str
    expected_en: str
    expected_id: str
    message_en: str
    message_id: str
    focus: str | None = None
    severity: str = "Violation"


PREDICATE_COLUMNS: dict[str, str] = {
    str(RDFS.label): "name",
    str(SCHEMA.name): "name",
    str(SCHEMA.identifier): "identifier",
    str(SCHEMA.address): "address",
    str(SCHEMA.foundingDate): "year_started",
    str(UMKM.numberOfWorkers): "workers",
    str(UMKM.businessCapital): "capital",
    str(UMKM.annualSales): "annual_sales",
    str(SCHEMA.location): "location",
    str(UMKM.locationAsWritten): "location",
    str(UMKM.sizeClass): "size_class",
    str(ORG.classification): "business_field",
    str(UMKM.kbliCode): "business_field",
    str(UMKM.owner): "owner",
    str(UMKM.qualifiedOwnership): "owner",
    str(UMKM.ownershipHolder): "owner",
    str(UMKM.hasProduct): "products",
    str(UMKM.exportedProduct): "products",
    str(UMKM.productCategory): "categories",
    str(UMKM.destination): "destinations",
    str(UMKM.destinationAsWritten): "destinations",
    str(DCTERMS.source): "source",
    str(PROV.wasDerivedFrom): "source",
    str(PROV.wasAttributedTo): "reported_by",
}
"""The column a property of a mapped record comes from (for properties a row left out)."""


@dataclass
class MappedRow:
    """What one row became: its nodes, which column each triple came from, its problems."""

    row: int
    enterprise: URIRef
    nodes: set[URIRef] = field(default_factory=set)
    fields: dict[tuple[URIRef, URIRef], str] = field(default_factory=dict)
    problems: list[MappingProblem] = field(default_factory=list)


def slug(text: str) -> str:
    """A readable IRI segment: ``Batik Sekar Jagad`` gives ``batik-sekar-jagad``."""
    words = re.sub(r"[^a-z0-9]+", "-", normal(text)).strip("-")
    return words or "x" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


# --- mapping rows to RDF -----------------------------------------------------------------------

_EXPECTED = {
    "place": (
        "a country or place of the knowledge graph: its name (Indonesian or English), "
        "ISO 3166-1 alpha-2 code (e.g. MY) or IRI",
        "negara atau tempat dalam graf: namanya (bahasa Indonesia atau Inggris), "
        "kode ISO 3166-1 alpha-2 (mis. MY) atau IRI",
    ),
    "category": (
        "a product category of the graph: its name, code (e.g. batik) or IRI",
        "kategori produk dalam graf: nama, kode (mis. batik) atau IRI",
    ),
    "size": (
        "mikro, kecil or menengah, with size_scheme 2008 or 2021 (or the IRI of a size class)",
        "mikro, kecil atau menengah, dengan dasar_kelas 2008 atau 2021 (atau IRI kelas usaha)",
    ),
    "agency": (
        "an agency of the graph: its name or IRI",
        "instansi dalam graf: nama atau IRI-nya",
    ),
    "field": (
        "a KBLI 2020 section letter (e.g. C) or code of 2 to 5 digits (e.g. 14 or 14111), "
        "a KBLI title, or a product category",
        "huruf kategori KBLI 2020 (mis. C) atau kode 2 sampai 5 angka (mis. 14 atau 14111), "
        "judul KBLI, atau kategori produk",
    ),
}
_WHAT = {
    "place": ("place", "tempat"),
    "category": ("product category", "kategori produk"),
    "size": ("size class", "kelas usaha"),
    "agency": ("agency", "instansi"),
    "field": ("business field (KBLI)", "lapangan usaha (KBLI)"),
}


class _T:
    """The terms rows are mapped to, made once (rdflib makes a new term on every attribute use)."""

    SOURCE = DCTERMS.source
    WAS_ATTRIBUTED_TO = PROV.wasAttributedTo
    WAS_DERIVED_FROM = PROV.wasDerivedFrom
    TYPE = RDF.type
    LABEL = RDFS.label
    PERSON = SCHEMA.Person
    PRODUCT = SCHEMA.Product
    HONORIFIC_PREFIX = SCHEMA.honorificPrefix
    IDENTIFIER = SCHEMA.identifier
    LOCATION = SCHEMA.location
    NAME = SCHEMA.name
    ENTERPRISE = UMKM.Enterprise
    EXPORT_CLAIM = UMKM.ExportClaim
    OWNERSHIP = UMKM.Ownership
    DESTINATION = UMKM.destination
    DESTINATION_AS_WRITTEN = UMKM.destinationAsWritten
    EXPORTED_PRODUCT = UMKM.exportedProduct
    EXPORTER = UMKM.exporter
    HAS_PRODUCT = UMKM.hasProduct
    LOCATION_AS_WRITTEN = UMKM.locationAsWritten
    OWNER = UMKM.owner
    OWNERSHIP_HOLDER = UMKM.ownershipHolder
    PRODUCT_CATEGORY = UMKM.productCategory
    QUALIFIED_OWNERSHIP = UMKM.qualifiedOwnership
    SIZE_CLASS = UMKM.sizeClass
    CLASSIFICATION = ORG.classification
    KBLI_CODE = UMKM.kbliCode


class _RowMapping:
    """The triples and problems of one row (state for one call of :func:`map_row`)."""

    def __init__(self, resolver: Resolver, sink: list[Triple], row: CsvRow) -> None:
        self.resolver = resolver
        self.sink = sink
        self.row = row
        # A whole cell that is a formula is left out of the mapping; a value that becomes one
        # only once split or stripped of an honorific ("ibu =HYPERLINK(...)", "a; =1+1") is
        # caught with every other literal of the batch (validation.findings.own_checks).
        formulas = sorted(k for k, v in row.cells.items() if is_formula(v))
        self.cells = {k: v for k, v in row.cells.items() if k not in formulas}
        self.name = self.cells.get("name", "").strip()
        self.key = slug(self.name) if self.name else f"row-{row.row}"
        nib = self.cells.get("identifier", "").strip()
        where = next(
            (
                v
                for c in ("location", "kelurahan", "kecamatan")
                if (v := self.cells.get(c, "").strip())
            ),
            "",
        )
        if nib:
            self.key = f"{self.key}-{slug(nib)}"
        elif where:
            self.key = f"{self.key}-{slug(where)}"
        self.out = MappedRow(row.row, KG[f"enterprise-{self.key}"])
        self.sources: list[tuple[URIRef, Node, str]] | None = None
        for column in formulas:
            self.problem(
                column,
                row.cells[column][:60],
                ("text, a name, a code or an IRI", "teks, nama, kode atau IRI"),
                (
                    "the cell looks like a spreadsheet formula and is refused (CSV injection)",
                    "sel tampak seperti rumus spreadsheet dan ditolak (injeksi CSV)",
                ),
            )

    def cell(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def add(self, s: URIRef, p: URIRef, o: Node, column: str) -> None:
        self.sink.append((s, p, o))
        self.out.nodes.add(s)
        self.out.fields.setdefault((s, p), column)

    def node(self, node: URIRef, cls: URIRef, column: str, label_id: str, label_en: str) -> None:
        self.add(node, _T.TYPE, cls, column)
        self.add(node, _T.LABEL, _text(label_id, "id"), column)
        self.add(node, _T.LABEL, _text(label_en or label_id, "en"), column)
        self.provenance(node)

    def problem(
        self, column: str, found: str, expected: tuple[str, str], message: tuple[str, str]
    ) -> None:
        self.out.problems.append(
            MappingProblem(
                self.row.row,
                column,
                found,
                expected[0],
                expected[1],
                message[0],
                message[1],
                str(self.out.enterprise),
            )
        )

    def provenance(self, node: URIRef) -> None:
        """Give ``node`` the row's source and reporting agency (resolved once per row)."""
        if self.sources is None:
            self.sources = []
            for value in split_cell(self.cells.get("source", "")):
                iri = expand_iri(value)
                if iri is None:
                    self.sources.append((_T.SOURCE, _text(value), "source"))
                elif self.iri_ok(iri, "source", value):
                    self.sources.append((_T.WAS_DERIVED_FROM, URIRef(iri), "source"))
            for agency in self.refs("agency", "reported_by"):
                self.sources.append((_T.WAS_ATTRIBUTED_TO, URIRef(agency), "reported_by"))
        for predicate, term, column in self.sources:
            self.add(node, predicate, term, column)

    def iri(self, iri: str, column: str, value: str, node: URIRef, p: URIRef) -> None:
        if self.iri_ok(iri, column, value):
            self.add(node, p, URIRef(iri), column)

    def iri_ok(self, iri: str, column: str, value: str) -> bool:
        problem = iri_problem(iri)
        if problem is not None:
            self.problem(
                column,
                value,
                ("an http(s) IRI", "IRI http(s)"),
                (f"refused IRI: {problem}", f"IRI ditolak: {problem}"),
            )
        return problem is None

    def refs(self, kind: str, column: str) -> Iterator[str]:
        """The IRIs named in a cell; unknown names are reported, not guessed."""
        for value in split_cell(self.cells.get(column, "")):
            found = self.resolver.lookup(kind, value)
            if found.iri is not None:
                yield found.iri
                continue
            what_en, what_id = _WHAT[kind]
            self.problem(
                column,
                value,
                _EXPECTED[kind],
                (
                    f"unknown {what_en} {value!r}{_detail(found.why_en)}",
                    f"{what_id} {value!r} tidak dikenal{_detail(found.why_id)}",
                ),
            )

    # --- the parts of a record ---

    def enterprise(self) -> MappedRow:
        enterprise = self.out.enterprise
        self.node(enterprise, _T.ENTERPRISE, "name", self.name, self.cell("name_en"))
        if self.name:
            self.add(enterprise, _T.NAME, _text(self.name), "name")
        else:
            self.problem(
                "name",
                "",
                ("a name", "sebuah nama"),
                ("the record has no name", "rekaman tidak punya nama"),
            )
        nib = self.cell("identifier")
        if nib:
            if not _NIB.match(nib):
                self.problem(
                    "identifier",
                    nib,
                    ("13 digits", "13 angka"),
                    _nib_message(nib),
                )
            else:  # (the shapes would say it again of the literal)
                self.add(enterprise, _T.IDENTIFIER, _text(nib), "identifier")
        for place in self.refs("place", "location"):
            self.add(enterprise, _T.LOCATION, URIRef(place), "location")
        if self.cell("location"):
            self.add(enterprise, _T.LOCATION_AS_WRITTEN, _text(self.cell("location")), "location")
        self.size_class()
        self.business_fields()
        self.owners()
        self.exports(self.products())
        self.details()
        if "#extra" in self.row.cells:
            self.problem(
                "#extra",
                self.row.cells["#extra"],
                (
                    "no more cells than the header has columns",
                    "jumlah sel tidak melebihi jumlah kolom",
                ),
                (
                    "the row has more cells than the header",
                    "baris punya lebih banyak sel daripada header",
                ),
            )
        return self.out

    def details(self) -> None:
        """Address, kelurahan and kecamatan, year started, workers, capital and sales."""
        enterprise = self.out.enterprise
        if self.cell("address"):
            self.add(enterprise, SCHEMA.address, _text(self.cell("address")), "address")
        for column in ("kelurahan", "kecamatan"):
            for place in self.refs("place", column):
                self.add(enterprise, _T.LOCATION, URIRef(place), column)
        year = self.cell("year_started")
        if year and re.fullmatch(r"[12][0-9]{3}", year):
            self.add(
                enterprise, SCHEMA.foundingDate, Literal(year, datatype=XSD.gYear), "year_started"
            )
        elif year:
            self.problem(
                "year_started",
                year,
                ("a year of four digits, e.g. 2015", "tahun empat angka, mis. 2015"),
                (f"{year!r} is not a year", f"{year!r} bukan tahun"),
            )
        workers = self.cell("workers")
        if workers and re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})*|[0-9]+", workers):
            count = Literal(workers.replace(".", ""), datatype=XSD.integer)
            self.add(enterprise, UMKM.numberOfWorkers, count, "workers")
        elif workers:
            self.problem(
                "workers",
                workers,
                ("a whole number, e.g. 4", "bilangan bulat, mis. 4"),
                (
                    f"{workers!r} is not a number of workers",
                    f"{workers!r} bukan jumlah tenaga kerja",
                ),
            )
        for column, predicate in (
            ("capital", UMKM.businessCapital),
            ("annual_sales", UMKM.annualSales),
        ):
            text = self.cell(column)
            if not text:
                continue
            amount = rupiah(text)
            if amount is None:
                self.problem(
                    column,
                    text,
                    (
                        "an amount in rupiah: 250000000, Rp250.000.000, 250 juta or 1,5 miliar",
                        "jumlah rupiah: 250000000, Rp250.000.000, 250 juta atau 1,5 miliar",
                    ),
                    (f"{text!r} is not an amount in rupiah", f"{text!r} bukan jumlah rupiah"),
                )
                continue
            self.add(enterprise, predicate, Literal(amount, datatype=XSD.decimal), column)

    def size_class(self) -> None:
        value, scheme = self.cell("size_class"), self.cell("size_scheme")
        if not scheme and not re.search(r"(2008|2021)", value):
            scheme = DEFAULT_SIZE_SCHEME  # PP 7/2021 unless the record names UU 20/2008
        if not value:
            return
        iri = expand_iri(value)
        if iri is None:
            year = re.search(r"(2008|2021)", scheme or value)
            word = normal(re.sub(r"(2008|2021)", " ", value)).removeprefix("usaha ")
            if year is None:
                self.problem(
                    "size_scheme",
                    scheme,
                    _EXPECTED["size"],
                    (
                        "say which criteria the size class follows (2008 or 2021)",
                        "sebutkan dasar kriteria kelas usaha (2008 atau 2021)",
                    ),
                )
                return
            if word not in _SIZE_WORDS:
                close = suggestion_among(word, _SIZE_WORDS)
                self.problem(
                    "size_class",
                    value,
                    _EXPECTED["size"],
                    (
                        f"unknown size class {value!r}"
                        + _detail(close and f"did you mean {close!r}?"),
                        f"kelas usaha {value!r} tidak dikenal"
                        + _detail(close and f"mungkin maksudnya {close!r}?"),
                    ),
                )
                return
            iri = str(KG[f"size-{year.group(1)}-{word}"])
        self.iri(iri, "size_class", value, self.out.enterprise, _T.SIZE_CLASS)

    def business_fields(self) -> None:
        """``org:classification``: the KBLI section or division; a KBLI code is also kept as
        written (``umkm:kbliCode``), so a 5-digit code loses nothing."""
        enterprise = self.out.enterprise
        for value in split_cell(self.cells.get("business_field", "")):
            code = value.upper() if _KBLI_CODE.match(value) else None
            # KBLI codes nest: the first two digits of a 3- to 5-digit code are its division
            wanted = code[:2] if code and code.isdigit() else value
            found = list(self._field(wanted, value))
            for field_iri in found:
                self.add(enterprise, _T.CLASSIFICATION, URIRef(field_iri), "business_field")
            if found and code:
                self.add(enterprise, _T.KBLI_CODE, _text(code), "business_field")

    def _field(self, wanted: str, value: str) -> Iterator[str]:
        found = self.resolver.lookup("field", wanted)
        if found.iri is not None:
            yield found.iri
            return
        what_en, what_id = _WHAT["field"]
        self.problem(
            "business_field",
            value,
            _EXPECTED["field"],
            (
                f"unknown {what_en} {value!r}{_detail(found.why_en)}",
                f"{what_id} {value!r} tidak dikenal{_detail(found.why_id)}",
            ),
        )

    def owners(self) -> None:
        enterprise = self.out.enterprise
        for value in split_cell(self.cells.get("owner", "")):
            iri = expand_iri(value)
            if iri is not None:
                self.iri(iri, "owner", value, enterprise, _T.OWNER)
                continue
            honorific, person_name = _honorific(value)
            person = KG[f"person-{slug(person_name)}-{self.key}"]
            shown = f"{honorific} {person_name}" if honorific else person_name
            self.node(person, _T.PERSON, "owner", shown, shown[:1].upper() + shown[1:])
            self.add(person, _T.NAME, _text(person_name), "owner")
            if honorific:
                self.add(person, _T.HONORIFIC_PREFIX, _text(honorific), "owner")
            ownership = KG[f"ownership-{self.key}-{slug(person_name)}"]
            self.node(
                ownership,
                _T.OWNERSHIP,
                "owner",
                f"Kepemilikan {self.name} oleh {shown}",
                f"Ownership of {self.name} by {shown}",
            )
            self.add(ownership, _T.OWNERSHIP_HOLDER, person, "owner")
            self.add(enterprise, _T.OWNER, person, "owner")
            self.add(enterprise, _T.QUALIFIED_OWNERSHIP, ownership, "owner")

    def products(self) -> list[URIRef]:
        names_id = split_cell(self.cells.get("products", ""))
        names_en = split_cell(self.cells.get("products_en", ""))
        if names_en and len(names_en) != len(names_id):
            self.problem(
                "products_en",
                self.cell("products_en"),
                (
                    f"{len(names_id)} English names, one per product",
                    f"{len(names_id)} nama bahasa Inggris, satu per produk",
                ),
                (
                    "products and products_en do not have the same number of values",
                    "jumlah nilai produk dan produk_en tidak sama",
                ),
            )
            names_en = []
        categories = list(self.refs("category", "categories"))
        if not names_id and categories:
            names_id, names_en = [f"Produk {self.name}"], [f"{self.name} products"]
        products = []
        for i, label in enumerate(names_id):
            local = f"product-{self.key}"
            if len(names_id) > 1:
                local += f"-{slug(label)}"
            product = KG[local]
            self.node(product, _T.PRODUCT, "products", label, names_en[i] if names_en else label)
            for category in categories:
                self.add(product, _T.PRODUCT_CATEGORY, URIRef(category), "categories")
            self.add(self.out.enterprise, _T.HAS_PRODUCT, product, "products")
            products.append(product)
        return products

    def exports(self, products: list[URIRef]) -> None:
        enterprise = self.out.enterprise
        for value in dict.fromkeys(split_cell(self.cells.get("destinations", ""))):
            found = self.resolver.lookup("place", value)
            iri = found.iri
            if iri is None:
                self.problem(
                    "destinations",
                    value,
                    _EXPECTED["place"],
                    (
                        f"unknown export destination {value!r}{_detail(found.why_en)}",
                        f"tujuan ekspor {value!r} tidak dikenal{_detail(found.why_id)}",
                    ),
                )
                continue
            targets: list[URIRef | None] = [*products] or [None]
            for product in targets:
                part = _product_part(product, self.key)
                claim = KG[f"export-{self.key}{part}-{short_name(iri)}"]
                self.node(
                    claim,
                    _T.EXPORT_CLAIM,
                    "destinations",
                    f"Klaim ekspor: {self.name} ke {self.resolver.label(iri, 'id')}",
                    f"Export claim: {self.name} to {self.resolver.label(iri, 'en')}",
                )
                self.add(claim, _T.EXPORTER, enterprise, "name")
                self.add(claim, _T.DESTINATION, URIRef(iri), "destinations")
                self.add(claim, _T.DESTINATION_AS_WRITTEN, _text(value), "destinations")
                if product is not None:
                    self.add(claim, _T.EXPORTED_PRODUCT, product, "products")


@functools.lru_cache(maxsize=1 << 16)
def _text(value: str, lang: str | None = None) -> Literal:
    """A plain or language-tagged literal, made once per text: half a batch's literals
    repeat another (sources, written places, honorifics, labels), and rdflib takes
    microseconds to make one."""
    return Literal(value, lang=lang)


def _detail(why: str | None) -> str:
    return f" ({why})" if why else ""


_AMOUNT = re.compile(
    r"^(?:rp\.?\s*)?([0-9][0-9.,\s]*?)\s*(ribu|rb|juta|jt|miliar|milyar|triliun)?$", re.IGNORECASE
)
_MULTIPLIERS = {
    "ribu": 10**3,
    "rb": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "triliun": 10**12,
}
_GROUPED = re.compile(r"^[0-9]{1,3}(?:([.,\s])[0-9]{3})?(?:\1[0-9]{3})*$")


def rupiah(text: str) -> Decimal | None:
    """An amount in rupiah as clerks write it, or None.

    >>> [str(rupiah(t)) for t in ("250000000", "Rp250.000.000,00", "250 juta", "1,5 miliar")]
    ['250000000', '250000000', '250000000', '1500000000']
    """
    found = _AMOUNT.match(re.sub(r"[.,]-$", "", text.strip()))  # "Rp10.000,-"
    if found is None:
        return None
    number, unit = found.group(1).strip(), found.group(2) or ""
    if not unit.isascii():
        return None  # "mılıar": IGNORECASE matches the dotless i, the table does not
    unit = unit.lower()
    if not unit:
        number = re.sub(r"(?<=[0-9]{3}),[0-9]{1,2}$", "", number)  # Rp250.000.000,00
        if not (number.isdigit() or _GROUPED.match(number)):
            return None
        return Decimal(re.sub(r"[.,\s]", "", number))
    # "1,5 juta" and "1.5 juta" are decimals; "1.500 juta" is grouped in thousands
    if re.fullmatch(r"[0-9]+[.,][0-9]{3}", number) and "." in number:
        number = number.replace(".", "")
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", number):
        return None
    amount = Decimal(number.replace(",", ".")) * _MULTIPLIERS[unit]
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def _product_part(product: URIRef | None, key: str) -> str:
    if product is None:
        return ""
    local = str(product).rsplit("/", 1)[-1].removeprefix(f"product-{key}")
    return local


def _honorific(value: str) -> tuple[str, str]:
    words = value.split()
    if len(words) > 1 and words[0].casefold().rstrip(".") in _HONORIFICS:
        return words[0], " ".join(words[1:])
    return "", value.strip()


def map_row(row: CsvRow, resolver: Resolver, sink: list[Triple]) -> MappedRow:
    """Append the triples of one row to ``sink``; return its nodes, fields and problems."""
    return _RowMapping(resolver, sink, row).enterprise()


def map_csv(
    raw: RawInput, resolver: Resolver, sink: list[Triple]
) -> tuple[list[MappedRow], dict[str, str]]:
    """Map every row of a CSV input, appending the triples to ``sink``; also return the
    header each column key was written with.

    :raises BadInput: the file cannot be read as CSV records (see :func:`read_rows`).
    """
    table = read_rows(raw)
    return [map_row(row, resolver, sink) for row in table.rows], table.titles
