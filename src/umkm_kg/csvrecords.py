"""Enterprise records kept as CSV by agency staff, mapped to the same model as the article's data.

One row is one enterprise. Headers may be English or Indonesian (``name`` or ``nama``); a cell
may hold several values separated by ``;``; countries, places, categories, size classes and
agencies are given by name (Indonesian or English), code or IRI and resolved against the
knowledge graph. Rows whose first cell starts with ``#`` are comments. The columns are listed
in :data:`COLUMNS` (and in ``umkm-kg template enterprise --format csv``).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS
from rdflib.term import Node

from .errors import BadInput
from .iri import iri_problem
from .namespaces import KG, PREFIXES, SCHEMA, UMKM
from .rdfinput import RawInput

Triple = tuple[Node, Node, Node]

SEPARATOR = ";"
"""Separates several values in one cell."""


@dataclass(frozen=True)
class Column:
    """One documented CSV column."""

    key: str
    indonesian: str
    en: str
    id: str
    example: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.key, self.indonesian, *self.aliases)


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "nama",
        "name of the enterprise as registered (required)",
        "nama usaha sesuai pendaftaran (wajib)",
        "Batik Sekar Jagad",
        required=True,
        aliases=("nama_usaha",),
    ),
    Column(
        "name_en",
        "nama_en",
        "English label, if different from the name",
        "label bahasa Inggris, bila berbeda dari nama",
        "",
    ),
    Column(
        "identifier",
        "nib",
        "NIB (Nomor Induk Berusaha), 13 digits",
        "NIB (Nomor Induk Berusaha), 13 angka",
        "9120001234567",
        aliases=("id_usaha",),
    ),
    Column(
        "owner",
        "pemilik",
        "owner(s): name with an optional honorific (ibu, bapak), or IRI",
        "pemilik: nama dengan sapaan (ibu, bapak) bila ada, atau IRI",
        "ibu Sekar",
    ),
    Column(
        "products",
        "produk",
        "products, in Indonesian",
        "produk, dalam bahasa Indonesia",
        "Batik tulis; Kain batik cap",
    ),
    Column(
        "products_en",
        "produk_en",
        "the same products in English, in the same order",
        "produk yang sama dalam bahasa Inggris, urutan sama",
        "Hand-drawn batik; Stamped batik cloth",
    ),
    Column(
        "categories",
        "kategori",
        "product categories: name, code or IRI (for all products)",
        "kategori produk: nama, kode atau IRI (untuk semua produk)",
        "batik",
    ),
    Column(
        "destinations",
        "tujuan_ekspor",
        "export destinations: country name (id or en), ISO 3166-1 alpha-2 code, or IRI",
        "tujuan ekspor: nama negara (id atau en), kode ISO 3166-1 alpha-2, atau IRI",
        "Malaysia; SG; Belanda",
        aliases=("tujuan",),
    ),
    Column(
        "location",
        "lokasi",
        "place of the enterprise: name or IRI of a place in the graph",
        "tempat usaha: nama atau IRI tempat dalam graf",
        "Kota Tangerang",
    ),
    Column(
        "size_class",
        "kelas_usaha",
        "size class: mikro, kecil, menengah (or IRI)",
        "kelas usaha: mikro, kecil, menengah (atau IRI)",
        "mikro",
    ),
    Column(
        "size_scheme",
        "dasar_kelas",
        "which criteria: 2008 (UU 20/2008) or 2021 (PP 7/2021)",
        "dasar kriteria: 2008 (UU 20/2008) atau 2021 (PP 7/2021)",
        "2021",
    ),
    Column(
        "source",
        "sumber",
        "where the record comes from: text, or the IRI of a document",
        "asal data: teks, atau IRI dokumen",
        "Formulir pendaftaran Disperindagkop 2024",
    ),
    Column(
        "reported_by",
        "dilaporkan_oleh",
        "agency reporting the record: name or IRI",
        "instansi pelapor: nama atau IRI",
        "kg:org-disperindagkop-tangerang",
    ),
)
_BY_HEADER: dict[str, Column] = {h: c for c in COLUMNS for h in c.headers}

_HONORIFICS = ("ibu", "bu", "bapak", "pak", "bpk", "mbak", "mas", "hj", "h", "haji", "hajjah")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NIB = re.compile(r"^[0-9]{13}$")
_CURIE = re.compile(r"^([a-z][a-z0-9]*):([^\s/][^\s]*)$")


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


@dataclass
class CsvRow:
    """One data row: its line in the file and its cells by column key."""

    row: int
    cells: dict[str, str]


@dataclass
class CsvTable:
    """The rows of a CSV input, and the header each column key was written with."""

    rows: list[CsvRow]
    titles: dict[str, str]


PREDICATE_COLUMNS: dict[str, str] = {
    str(RDFS.label): "name",
    str(SCHEMA.name): "name",
    str(SCHEMA.identifier): "identifier",
    str(SCHEMA.location): "location",
    str(UMKM.locationAsWritten): "location",
    str(UMKM.sizeClass): "size_class",
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


# --- reading -----------------------------------------------------------------------------------


def header_key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").casefold())


def read_rows(raw: RawInput) -> CsvTable:
    """Parse the CSV text: comment rows skipped, headers mapped to column keys.

    :raises BadInput: not UTF-8, not CSV, an unknown or repeated column, no ``name`` column.
    """
    text = raw.text()
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() and not _comment(line)), None)
    if start is None:
        raise BadInput(f"{raw.name}: no header row", hint="see: umkm-kg template enterprise")
    delimiter = max(",;\t", key=lines[start].count)
    reader = csv.reader(lines[start:], delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        columns = _columns(raw.name, header, start + 1)
        titles = {c.key: t.strip() for c, t in zip(columns, header, strict=False) if c}
        rows: list[CsvRow] = []
        line = start + 1
        for cells in reader:
            first, line = line + 1, start + reader.line_num
            if not any(c.strip() for c in cells) or _comment(cells[0]):
                continue
            values = {col.key: "" for col in columns if col is not None}
            extra = [c for c in cells[len(columns) :] if c.strip()]
            for column, cell in zip(columns, cells, strict=False):
                if column is not None:
                    values[column.key] = cell
            row = CsvRow(first, values)
            if extra:
                row.cells["#extra"] = extra[0]
            rows.append(row)
    except csv.Error as exc:
        raise BadInput(f"{raw.name}, line {start + reader.line_num}: not valid CSV: {exc}") from exc
    return CsvTable(rows, titles)


def _comment(text: str) -> bool:
    return text.lstrip().startswith("#")


def _columns(name: str, header: list[str], line: int) -> list[Column | None]:
    columns: list[Column | None] = []
    seen: set[str] = set()
    for title in header:
        key = header_key(title)
        if not key:
            columns.append(None)
            continue
        column = _BY_HEADER.get(key)
        if column is None:
            close = difflib.get_close_matches(key, list(_BY_HEADER), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise BadInput(
                f"{name}, line {line}: unknown column {title!r}",
                hint=f"{hint}columns: {', '.join(c.key for c in COLUMNS)} "
                f"(or in Indonesian: {', '.join(c.indonesian for c in COLUMNS)})",
            )
        if column.key in seen:
            raise BadInput(f"{name}, line {line}: column {column.key!r} is given twice")
        seen.add(column.key)
        columns.append(column)
    if "name" not in seen:
        raise BadInput(f"{name}, line {line}: no 'name' (nama) column")
    return columns


def split_cell(cell: str) -> list[str]:
    """The values of a cell: split on ``;``, trimmed, empty ones dropped."""
    return [v.strip() for v in cell.split(SEPARATOR) if v.strip()]


# --- resolving names against the graph ------------------------------------------------------------


def normal(text: str) -> str:
    """Lower case, no accents, single spaces: how names are compared."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def slug(text: str) -> str:
    """A readable IRI segment: ``Batik Sekar Jagad`` gives ``batik-sekar-jagad``."""
    words = re.sub(r"[^a-z0-9]+", "-", normal(text)).strip("-")
    return words or "x" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


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
_KEY_PREDICATES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
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
        for iri, cls, key in rows:
            self.known.add(iri)
            for kind, classes in _KINDS.items():
                if cls in classes:
                    self.names[kind].setdefault(normal(key), set()).add(iri)
                    self.names[kind].setdefault(normal(_local(iri)), set()).add(iri)

    @classmethod
    def from_kg(cls, kg: object) -> Resolver:
        """Read the keys from a :class:`~umkm_kg.kg.KnowledgeGraph`."""
        from .results import QueryForm
        from .store import Store

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
        return found.get(lang) or found.get("en") or _local(iri)

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


def _local(iri: str) -> str:
    local = re.split(r"[/#]", iri)[-1]
    return local.split("-", 1)[1] if "-" in local else local


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


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
}
_WHAT = {
    "place": ("place", "tempat"),
    "category": ("product category", "kategori produk"),
    "size": ("size class", "kelas usaha"),
    "agency": ("agency", "instansi"),
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


class _RowMapping:
    """The triples and problems of one row (state for one call of :func:`map_row`)."""

    def __init__(self, resolver: Resolver, sink: list[Triple], row: CsvRow) -> None:
        self.resolver = resolver
        self.sink = sink
        self.row = row
        formulas = sorted(k for k, v in row.cells.items() if _is_formula(v))
        self.cells = {k: v for k, v in row.cells.items() if k not in formulas}
        self.name = self.cells.get("name", "").strip()
        self.key = slug(self.name) if self.name else f"row-{row.row}"
        nib = self.cells.get("identifier", "").strip()
        where = self.cells.get("location", "").strip()
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
        self.add(node, _T.LABEL, Literal(label_id, lang="id"), column)
        self.add(node, _T.LABEL, Literal(label_en or label_id, lang="en"), column)
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
                    self.sources.append((_T.SOURCE, Literal(value), "source"))
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
            iri, why = self.resolver.resolve(kind, value)
            if iri is not None:
                yield iri
                continue
            what_en, what_id = _WHAT[kind]
            detail = f" ({why})" if why else ""
            self.problem(
                column,
                value,
                _EXPECTED[kind],
                (
                    f"unknown {what_en} {value!r}{detail}",
                    f"{what_id} {value!r} tidak dikenal{detail}",
                ),
            )

    # --- the parts of a record ---

    def enterprise(self) -> MappedRow:
        enterprise = self.out.enterprise
        self.node(enterprise, _T.ENTERPRISE, "name", self.name, self.cell("name_en"))
        if self.name:
            self.add(enterprise, _T.NAME, Literal(self.name), "name")
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
                    ("a NIB has 13 digits", "NIB terdiri dari 13 angka"),
                )
            self.add(enterprise, _T.IDENTIFIER, Literal(nib), "identifier")
        for place in self.refs("place", "location"):
            self.add(enterprise, _T.LOCATION, URIRef(place), "location")
        if self.cell("location"):
            self.add(enterprise, _T.LOCATION_AS_WRITTEN, Literal(self.cell("location")), "location")
        self.size_class()
        self.owners()
        self.exports(self.products())
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

    def size_class(self) -> None:
        value, scheme = self.cell("size_class"), self.cell("size_scheme")
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
            if word not in ("mikro", "kecil", "menengah"):
                self.problem(
                    "size_class",
                    value,
                    _EXPECTED["size"],
                    (f"unknown size class {value!r}", f"kelas usaha {value!r} tidak dikenal"),
                )
                return
            iri = str(KG[f"size-{year.group(1)}-{word}"])
        self.iri(iri, "size_class", value, self.out.enterprise, _T.SIZE_CLASS)

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
            self.add(person, _T.NAME, Literal(person_name), "owner")
            if honorific:
                self.add(person, _T.HONORIFIC_PREFIX, Literal(honorific), "owner")
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
            iri, why = self.resolver.resolve("place", value)
            if iri is None:
                detail = f" ({why})" if why else ""
                self.problem(
                    "destinations",
                    value,
                    _EXPECTED["place"],
                    (
                        f"unknown export destination {value!r}{detail}",
                        f"tujuan ekspor {value!r} tidak dikenal{detail}",
                    ),
                )
                continue
            targets: list[URIRef | None] = [*products] or [None]
            for product in targets:
                part = _product_part(product, self.key)
                claim = KG[f"export-{self.key}{part}-{_local(iri)}"]
                self.node(
                    claim,
                    _T.EXPORT_CLAIM,
                    "destinations",
                    f"Klaim ekspor: {self.name} ke {self.resolver.label(iri, 'id')}",
                    f"Export claim: {self.name} to {self.resolver.label(iri, 'en')}",
                )
                self.add(claim, _T.EXPORTER, enterprise, "name")
                self.add(claim, _T.DESTINATION, URIRef(iri), "destinations")
                self.add(claim, _T.DESTINATION_AS_WRITTEN, Literal(value), "destinations")
                if product is not None:
                    self.add(claim, _T.EXPORTED_PRODUCT, product, "products")


def _is_formula(value: str) -> bool:
    # OWASP's list: a spreadsheet runs a cell starting with these as a formula.
    return value.startswith(_FORMULA_START) or value.strip().startswith(_FORMULA_START)


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
