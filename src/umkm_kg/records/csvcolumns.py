"""The documented columns of CSV enterprise records, and the reading of a CSV input into rows.

One row is one enterprise. Headers may be English or Indonesian (``name`` or ``nama``); a cell
may hold several values separated by ``;``. Rows whose first cell starts with ``#`` are
comments. The columns are listed in :data:`COLUMNS` (and in
``umkm-kg template enterprise --format csv``).
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass

from ..errors import BadInput
from .rdfinput import RawInput

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
    Column(
        "address",
        "alamat",
        "street address (the kelurahan goes in its own column)",
        "alamat jalan (kelurahan di kolomnya sendiri)",
        "Jl. Kreo Raya No. 12 RT 003/RW 004",
    ),
    Column(
        "kelurahan",
        "kelurahan",
        "kelurahan (or desa) of the enterprise: name or IRI of a place in the graph",
        "kelurahan (atau desa) tempat usaha: nama atau IRI tempat dalam graf",
        "Kreo",
        aliases=("desa", "village"),
    ),
    Column(
        "kecamatan",
        "kecamatan",
        "kecamatan (district) of the enterprise: name or IRI of a place in the graph",
        "kecamatan tempat usaha: nama atau IRI tempat dalam graf",
        "Larangan",
        aliases=("district",),
    ),
    Column(
        "year_started",
        "tahun_mulai",
        "year the enterprise started, four digits",
        "tahun usaha dimulai, empat angka",
        "2015",
        aliases=("tahun_berdiri", "founded"),
    ),
    Column(
        "workers",
        "tenaga_kerja",
        "number of workers, a whole number",
        "jumlah tenaga kerja, bilangan bulat",
        "4",
        aliases=("jumlah_tenaga_kerja", "employees"),
    ),
    Column(
        "capital",
        "modal_usaha",
        "business capital in rupiah, excluding land and buildings (net assets under UU 20/2008): "
        "250000000, Rp250.000.000 or 250 juta",
        "modal usaha dalam rupiah, tanpa tanah dan bangunan (kekayaan bersih menurut UU 20/2008): "
        "250000000, Rp250.000.000 atau 250 juta",
        "250 juta",
        aliases=("modal", "kekayaan_bersih"),
    ),
    Column(
        "annual_sales",
        "omzet_tahunan",
        "annual sales in rupiah: 600000000, Rp600.000.000, 600 juta or 1,2 miliar",
        "hasil penjualan tahunan dalam rupiah: 600000000, Rp600.000.000, 600 juta atau 1,2 miliar",
        "600 juta",
        aliases=("omzet", "penjualan_tahunan", "hasil_penjualan_tahunan"),
    ),
)
_BY_HEADER: dict[str, Column] = {h: c for c in COLUMNS for h in c.headers}


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
