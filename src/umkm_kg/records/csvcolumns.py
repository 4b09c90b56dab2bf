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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import BadInput
from .rdfinput import RawInput, RecordFormat

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
        "business_field",
        "kbli",
        "business field: KBLI 2020 code (a section letter, or 2 to 5 digits: a longer code is "
        "classified under its 2-digit division and kept as written), KBLI title, or product "
        "category",
        "lapangan usaha: kode KBLI 2020 (huruf kategori, atau 2 sampai 5 angka: kode yang lebih "
        "panjang digolongkan ke golongan pokok 2 angkanya dan disimpan seperti ditulis), judul "
        "KBLI, atau kategori produk",
        "14",
        aliases=("kode_kbli", "lapangan_usaha"),
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
    """Parse the CSV text (or the sheet of an ``.xlsx`` workbook): comment rows skipped,
    headers mapped to column keys.

    CSV as a spreadsheet saves it is read too: a byte-order mark, ``;`` or ``,`` or tab
    between cells, CRLF line ends, and comment lines that came back quoted (``"# ...";;``).

    :raises BadInput: not UTF-8, not CSV, an unknown or repeated column, no ``name`` column.
    """
    if raw.format is RecordFormat.XLSX:
        from .xlsx import sheet_rows

        return table_from_cells(raw.name, sheet_rows(raw), unit="row")
    text = raw.text()
    lines = text.splitlines(keepends=True)
    # The header line decides the delimiter; a spreadsheet may write empty rows as ';;;;'.
    start = next((i for i, line in enumerate(lines) if _header_like(line)), None)
    if start is None:
        raise BadInput(f"{raw.name}: no header row", hint="see: umkm-kg template enterprise")
    delimiter = max(",;\t", key=lines[start].count)
    reader = csv.reader(lines[start:], delimiter=delimiter, strict=True)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        line = start
        for cells in reader:
            first, line = line + 1, start + reader.line_num
            yield first, cells

    try:
        return table_from_cells(raw.name, numbered())
    except csv.Error as exc:
        raise BadInput(f"{raw.name}, line {start + reader.line_num}: not valid CSV: {exc}") from exc


def table_from_cells(
    name: str, rows: Iterable[tuple[int, list[str]]], unit: str = "line"
) -> CsvTable:
    """The table of rows given as (``unit`` number: a file's line or a sheet's row, cells): the
    first row that is neither blank nor a comment is the header.

    :raises BadInput: an unknown or repeated column, no ``name`` column, no header row.
    """
    columns: list[Column | None] | None = None
    titles: dict[str, str] = {}
    table: list[CsvRow] = []
    for line, cells in rows:
        if not any(c.strip() for c in cells) or _comment(cells[0]):
            continue
        if columns is None:
            columns = _columns(f"{name}, {unit} {line}", cells)
            titles = {c.key: t.strip() for c, t in zip(columns, cells, strict=False) if c}
            continue
        values = {col.key: "" for col in columns if col is not None}
        extra = [c for c in cells[len(columns) :] if c.strip()]
        for column, cell in zip(columns, cells, strict=False):
            if column is not None:
                values[column.key] = cell
        row = CsvRow(line, values)
        if extra:
            row.cells["#extra"] = extra[0]
        table.append(row)
    if columns is None:
        raise BadInput(f"{name}: no header row", hint="see: umkm-kg template enterprise")
    return CsvTable(table, titles)


def _header_like(line: str) -> bool:
    return bool(line.strip(' \t\r\n,;"')) and not _comment(line)


def _comment(text: str) -> bool:
    # A comment line a spreadsheet saved comes back quoted: '"# One row per enterprise";;'.
    return text.lstrip().lstrip('"').lstrip().startswith("#")


def _columns(where: str, header: list[str]) -> list[Column | None]:
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
                f"{where}: unknown column {title!r}",
                hint=f"{hint}columns: {', '.join(c.key for c in COLUMNS)} "
                f"(or in Indonesian: {', '.join(c.indonesian for c in COLUMNS)})",
            )
        if column.key in seen:
            raise BadInput(f"{where}: column {column.key!r} is given twice")
        seen.add(column.key)
        columns.append(column)
    if "name" not in seen:
        raise BadInput(f"{where}: no 'name' (nama) column")
    return columns


def default_title(key: str, titles: dict[str, str]) -> str:
    """How to name column ``key``, which a file with headers ``titles`` does not have: in
    Indonesian when the file's headers are (``dilaporkan_oleh``), else by its key."""
    column = next((c for c in COLUMNS if c.key == key), None)
    if column is None:
        return key
    indonesian = {c.key: c.indonesian for c in COLUMNS}
    written = [header_key(title) for title in titles.values()]
    if any(w == indonesian.get(k) and w != k for k, w in zip(titles, written, strict=True)):
        return column.indonesian
    return key


def split_cell(cell: str) -> list[str]:
    """The values of a cell: split on ``;``, trimmed, empty ones dropped."""
    return [v.strip() for v in cell.split(SEPARATOR) if v.strip()]
