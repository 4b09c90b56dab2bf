"""Records from spreadsheets: .xlsx workbooks and CSV files as Excel saves them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import Runner
from umkm_kg.errors import BadInput
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records import xlsx
from umkm_kg.records.csvcolumns import read_rows
from umkm_kg.records.rdfinput import RawInput, RecordFormat
from umkm_kg.validation import read_batch

HEADER = ["nama", "nib", "pemilik", "produk", "kategori", "tujuan_ekspor", "lokasi", "sumber"]
ROW = [
    "Batik Sekar Uji",
    "9120001234567",
    "ibu Sekar",
    "Batik tulis",
    "batik",
    "Malaysia; SG",
    "Kota Tangerang",
    "Formulir 2024",
]


def _workbook(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = sheet
    for row in rows:
        first.append(row)
    book.save(path)
    return path


def _graph(paths: list[Path], kg: KnowledgeGraph) -> Graph:
    graph = Graph()
    for triple in read_batch([str(p) for p in paths], kg).triples:
        graph.add(triple)  # type: ignore[arg-type]
    return graph


def test_an_xlsx_sheet_maps_to_the_same_graph_as_csv(tmp_path: Path, kg: KnowledgeGraph) -> None:
    book = _workbook(
        tmp_path / "r.xlsx", [["# komentar"], HEADER, [*ROW[:1], 9120001234567, *ROW[2:]]]
    )
    text = tmp_path / "r.csv"
    text.write_text(
        "# komentar\n" + ",".join(HEADER) + "\n" + ",".join(f'"{c}"' for c in ROW) + "\n"
    )
    from_sheet, from_csv = _graph([book], kg), _graph([text], kg)
    assert len(from_sheet) > 10
    assert isomorphic(from_sheet, from_csv)


def test_the_sheet_named_usaha_is_read_before_the_first(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Catatan"
    notes.append(["this sheet is not records"])
    records = book.create_sheet("Usaha")
    records.append(HEADER)
    records.append(ROW)
    book.save(tmp_path / "two.xlsx")
    raw = RawInput(
        str(tmp_path / "two.xlsx"), (tmp_path / "two.xlsx").read_bytes(), RecordFormat.XLSX
    )
    table = read_rows(raw)
    assert [r.cells["name"] for r in table.rows] == ["Batik Sekar Uji"]
    assert table.rows[0].row == 2  # the sheet's own row number


def test_xlsx_rows_are_sheet_row_numbers_in_reports(tmp_path: Path, runner: Runner) -> None:
    rows: list[list[object]] = [HEADER, ROW, [], ["Batik Dua", "91200012345", *ROW[2:]]]
    book = _workbook(tmp_path / "r.xlsx", rows)
    result = runner("validate", str(book))
    assert result.exit_code == 1
    assert f"{book}, row 4" in result.stdout
    assert "format the NIB column as text" in result.stdout


@pytest.mark.parametrize("nib", ["9,12E+12", "9.12E+12", "912000123456"])
def test_a_nib_a_spreadsheet_reformatted_gets_a_hint(
    tmp_path: Path, runner: Runner, nib: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text("nama;nib;sumber\r\nBatik Tiga;" + nib + ";uji\r\n")
    result = runner("validate", str(path))
    assert result.exit_code == 1
    assert "format the NIB column as text" in result.stdout
    indonesian = runner("--lang", "id", "validate", str(path))
    assert "format kolom NIB sebagai teks" in indonesian.stdout


def test_a_malformed_nib_that_is_no_number_gets_no_spreadsheet_hint(
    tmp_path: Path, runner: Runner
) -> None:
    path = tmp_path / "r.csv"
    path.write_text("nama,nib,sumber\nBatik Tiga,NIB-12,uji\n")
    result = runner("validate", str(path))
    assert "a NIB has 13 digits" in result.stdout
    assert "as text" not in result.stdout


def test_csv_as_excel_saves_it_is_read(tmp_path: Path, kg: KnowledgeGraph, runner: Runner) -> None:
    # Excel (Indonesian locale) saves 'CSV UTF-8' with a BOM, ';' between cells, CRLF, quotes
    # around cells holding ';', trailing empty cells, and the template's comments as cells.
    excel = (
        '\ufeff"# Rekaman usaha untuk umkm-kg; ganti setiap TODO";;;;;;;\r\n'
        "# nama (name): nama usaha;;;;;;;\r\n"
        + ";".join(HEADER)
        + "\r\n"
        + ";".join(f'"{c}"' if ";" in c else c for c in ROW)
        + "\r\n;;;;;;;\r\n"
    ).encode("utf-8")
    path = tmp_path / "excel.csv"
    path.write_bytes(excel)
    plain = tmp_path / "plain.csv"
    plain.write_text(",".join(HEADER) + "\n" + ",".join(f'"{c}"' for c in ROW) + "\n")
    assert isomorphic(_graph([path], kg), _graph([plain], kg))
    table = read_rows(RawInput(str(path), excel, RecordFormat.CSV))
    assert [r.row for r in table.rows] == [4]
    assert runner("validate", str(path)).exit_code == 0


def test_the_csv_template_survives_a_spreadsheet_round_trip(tmp_path: Path, runner: Runner) -> None:
    template = runner("template", "enterprise", "--format", "csv").stdout
    # What Excel writes back: each comment becomes one quoted cell followed by empty ones.
    import csv

    rows = list(csv.reader(io.StringIO(template)))
    width = len(rows[-2])
    saved = io.StringIO()
    writer = csv.writer(saved, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(row + [""] * (width - len(row)))
    path = tmp_path / "saved.csv"
    path.write_bytes(b"\xef\xbb\xbf" + saved.getvalue().encode("utf-8"))
    result = runner("validate", str(path))
    assert "unknown column" not in result.output
    assert result.exit_code == 0, result.output


def test_add_and_load_accept_xlsx(tmp_path: Path, runner: Runner) -> None:
    book = _workbook(tmp_path / "a.xlsx", [HEADER, ROW])
    added = runner("add", str(book))
    assert added.exit_code == 0, added.output
    other = [*ROW]
    other[0], other[1] = "Batik Lain", "9120001234568"
    second = _workbook(tmp_path / "b.xlsx", [HEADER, other])
    loaded = runner("load", str(second))
    assert loaded.exit_code == 0, loaded.output
    assert "loaded 1 enterprises" in loaded.stderr
    listed = runner("records", "list", "--json")
    assert "a.xlsx" in listed.stdout and "b.xlsx" in listed.stdout


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _encrypted_flag(data: bytes) -> bytes:
    # Set bit 0 (encrypted) of the general-purpose flags in every central directory entry.
    out = bytearray(data)
    start = 0
    while (at := out.find(b"PK\x01\x02", start)) >= 0:
        out[at + 8] |= 0x1
        start = at + 4
    return bytes(out)


def _lying_sizes(data: bytes) -> bytes:
    # The central directory says every member unpacks to 10 bytes.
    out = bytearray(data)
    start = 0
    while (at := out.find(b"PK\x01\x02", start)) >= 0:
        out[at + 24 : at + 28] = (10).to_bytes(4, "little")
        start = at + 4
    return bytes(out)


_TYPES = {"[Content_Types].xml": b"<Types/>"}
HOSTILE = {
    "not-a-zip": (b"nama,nib\nA,1\n", "not a zip"),
    "ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "password-protected"),
    "plain-zip": (_zip({"a.txt": b"hello"}), "not an .xlsx workbook"),
    "zip-bomb": (_zip({**_TYPES, "xl/worksheets/sheet1.xml": bytes(50 * 1024 * 1024)}), "zip bomb"),
    "encrypted": (_encrypted_flag(_zip({**_TYPES, "xl/a.xml": b"x" * 100})), "encrypted"),
    "lying-sizes": (_lying_sizes(_zip({**_TYPES, "xl/a.xml": b"<x/>" * 1000})), "not an .xlsx"),
    "truncated": (_zip({**_TYPES, "xl/a.xml": b"<x/>" * 1000})[:-30], "not an .xlsx"),
    "no-workbook": (_zip(_TYPES), "not a readable .xlsx workbook"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_bad_workbook_is_refused_with_a_message(
    tmp_path: Path, runner: Runner, case: str
) -> None:
    data, message = HOSTILE[case]
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(data)
    # add and load share validate's reader; each is run on two of the cases.
    commands = ("validate", "add", "load") if case in ("zip-bomb", "ole") else ("validate",)
    for command in commands:
        result = runner(command, str(path))
        assert result.exit_code == 2, (command, result.output)
        assert message in result.stderr, (command, result.stderr)
        assert result.stderr.lstrip().startswith("error: ")
        assert "Traceback" not in result.output
    if len(commands) > 1:
        assert runner("records", "list", "--json").stdout.strip() in ("[]", "")


def test_a_sheet_over_the_cell_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _workbook(tmp_path / "big.xlsx", [HEADER, *[ROW] * 50])
    monkeypatch.setattr(xlsx, "MAX_CELLS", 100)
    raw = RawInput(str(book), book.read_bytes(), RecordFormat.XLSX)
    with pytest.raises(BadInput, match=r"more than the .* cells"):
        read_rows(raw)


@pytest.mark.parametrize(
    ("cell", "text"),
    [(9120001234567.0, "9120001234567"), (3, "3"), (1.5, "1.5"), (True, "true"), ("x", "x")],
)
def test_cells_read_as_the_text_a_csv_cell_would_hold(cell: object, text: str) -> None:
    assert xlsx.text(cell) == text


# --- the .xlsx template ------------------------------------------------------------------------

PLACE = """@prefix kg: <https://w3id.org/umkm-kg/id/> .
@prefix umkm: <https://w3id.org/umkm-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> .
kg:neighbourhood-uji-sukasari a umkm:Neighbourhood ;
    rdfs:label "Sukasari Uji"@id , "Sukasari Uji"@en ;
    dct:source "uji" ;
    schema:containedInPlace kg:city-tangerang .
"""


def _lists(book: openpyxl.Workbook) -> dict[str, list[str]]:
    """The drop-down lists of the first sheet, by the header of the column they check."""
    sheet = book.worksheets[0]
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found: dict[str, list[str]] = {}
    for check in sheet.data_validations.dataValidation:
        column = str(check.sqref).split(":")[0].rstrip("0123456789")
        source, cells = check.formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        values = [c.value for (c,) in book[source.strip("'")][f"{first}:{last}"]]
        found[str(headers[column])] = [str(v) for v in values]
    return found


def test_the_xlsx_template_offers_the_graphs_values(
    tmp_path: Path, runner: Runner, kg: KnowledgeGraph
) -> None:
    from umkm_kg.records.resolver import Resolver

    path = tmp_path / "t.xlsx"
    assert runner("template", "enterprise", "--format", "xlsx", "-o", str(path)).exit_code == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["enterprises", "lists", "help"]
    assert book["lists"].sheet_state == "hidden"
    lists = _lists(book)
    assert set(lists) == {
        "categories",
        "destinations",
        "location",
        "size_class",
        "size_scheme",
        "reported_by",
    }
    assert "Malaysia" in lists["destinations"] and "Indonesia" not in lists["destinations"]
    assert "Tangerang City" in lists["location"] and "Malaysia" not in lists["location"]
    assert lists["size_class"] == ["mikro", "kecil", "menengah"]
    assert lists["size_scheme"] == ["2008", "2021"]
    resolver = Resolver.from_kg(kg)
    kinds = {
        "categories": "category",
        "destinations": "place",
        "location": "place",
        "reported_by": "agency",
    }
    for column, kind in kinds.items():
        for value in lists[column]:
            assert resolver.resolve(kind, value)[0] is not None, (column, value)
    sheet = book["enterprises"]
    nib = next(c for c in sheet[1] if c.value == "identifier")
    assert sheet.cell(row=2, column=nib.column).number_format == "@"


def test_a_filled_xlsx_template_validates(tmp_path: Path, runner: Runner) -> None:
    path = tmp_path / "t.xlsx"
    runner("--lang", "id", "template", "enterprise", "--format", "xlsx", "-o", str(path))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["usaha", "daftar", "petunjuk"]
    lists = _lists(book)
    sheet = book["usaha"]
    filled = {
        "nama": "Batik Isian",
        "nib": "9120001234599",
        "sumber": "uji",
        "produk": "Batik tulis",
        "dilaporkan_oleh": lists["dilaporkan_oleh"][0],
    }
    filled.update({k: v[0] for k, v in lists.items() if k != "dilaporkan_oleh"})
    for cell in sheet[1]:
        sheet.cell(row=2, column=cell.column, value=filled.get(str(cell.value), ""))
    book.save(path)
    result = runner("validate", str(path))
    assert result.exit_code == 0, result.output


def test_the_xlsx_template_follows_places_added_to_the_graph(
    tmp_path: Path, runner: Runner
) -> None:
    places = tmp_path / "places.ttl"
    places.write_text(PLACE)
    assert runner("add", str(places)).exit_code == 0
    path = tmp_path / "t.xlsx"
    runner("template", "enterprise", "--format", "xlsx", "-o", str(path))
    assert "Sukasari Uji" in _lists(openpyxl.load_workbook(path))["location"]


def test_the_xlsx_template_goes_to_standard_output_when_it_is_a_pipe(data_dir: Path) -> None:
    import subprocess
    import sys

    piped = subprocess.run(
        [sys.executable, "-m", "umkm_kg.cli", "template", "enterprise", "--format", "xlsx"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert piped.stdout.startswith(b"PK")
    book = openpyxl.load_workbook(io.BytesIO(piped.stdout))
    assert book.sheetnames[0] == "enterprises"


# --- fuzzing the workbook reader ---------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = _workbook(tmp_path_factory.mktemp("fuzz") / "seed.xlsx", [HEADER, ROW, ROW])
    return path.read_bytes()


def test_a_damaged_workbook_is_bad_input_or_rows_never_a_crash(workbook_bytes: bytes) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    edits = st.lists(
        st.tuples(st.integers(0, len(workbook_bytes) - 1), st.integers(0, 255)), max_size=8
    )

    @given(edits, st.integers(0, len(workbook_bytes)))
    @settings(max_examples=150, deadline=None)
    def check(changes: list[tuple[int, int]], keep: int) -> None:
        data = bytearray(workbook_bytes)
        for at, value in changes:
            data[at] = value
        raw = RawInput("fuzz.xlsx", bytes(data[:keep] if keep else data), RecordFormat.XLSX)
        try:
            table = read_rows(raw)
        except BadInput as exc:
            assert exc.exit_code == 2 and exc.message.startswith("fuzz.xlsx")
        else:
            assert all(isinstance(v, str) for r in table.rows for v in r.cells.values())

    check()


def test_a_workbook_with_damaged_xml_is_bad_input_or_rows_never_a_crash(
    workbook_bytes: bytes,
) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        members = {m.filename: archive.read(m) for m in archive.infolist()}
    names = sorted(members)

    @given(
        st.sampled_from(names),
        st.lists(
            st.tuples(st.integers(0, 10**6), st.sampled_from(b'<>"=/ &;x9\x00\xff')), max_size=6
        ),
        st.integers(0, 10**6),
    )
    @settings(max_examples=60, deadline=None)  # each example starts the reader process
    def check(name: str, changes: list[tuple[int, int]], cut: int) -> None:
        data = bytearray(members[name])
        for at, value in changes:
            data[at % len(data)] = value
        damaged = {**members, name: bytes(data[: cut % (len(data) + 1)] or data)}
        raw = RawInput("fuzz.xlsx", _zip(damaged), RecordFormat.XLSX)
        try:
            table = read_rows(raw)
        except BadInput as exc:
            assert exc.exit_code == 2 and exc.message.startswith("fuzz.xlsx")
        else:
            assert all(isinstance(v, str) for r in table.rows for v in r.cells.values())

    check()


def test_records_far_down_a_sheet_keep_their_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for column, (title, value) in enumerate(zip(HEADER, ROW, strict=True), start=3):
        sheet.cell(row=200_000, column=column, value=title)
        sheet.cell(row=200_001, column=column, value=value)
    book.save(tmp_path / "far.xlsx")
    raw = RawInput("far.xlsx", (tmp_path / "far.xlsx").read_bytes(), RecordFormat.XLSX)
    table = read_rows(raw)
    assert [(r.row, r.cells["name"]) for r in table.rows] == [(200_001, "Batik Sekar Uji")]


def test_a_sheet_whose_used_area_is_too_wide_is_refused_before_it_is_read(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=1, column=1, value="nama")
    sheet.cell(row=1_000_000, column=16_000, value="x")  # two cells, 16 billion in between
    book.save(tmp_path / "wide.xlsx")
    raw = RawInput("wide.xlsx", (tmp_path / "wide.xlsx").read_bytes(), RecordFormat.XLSX)
    with pytest.raises(BadInput, match="cells read from a sheet"):
        read_rows(raw)


def _with_shared_strings(workbook: bytes, count: str, target: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        members = {m.filename: archive.read(m) for m in archive.infolist()}
    members[target] = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        f'main" count="{count}" uniqueCount="{count}"><si><t>a</t></si></sst>'
    ).encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/{target}" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'.encode(),
    )
    rels = "xl/_rels/workbook.xml.rels"
    members[rels] = members[rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="' + target.removeprefix("xl/").encode() + b'"/>'
        b"</Relationships>",
    )
    return _zip(members)


@pytest.mark.parametrize("target", ["xl/sharedStrings.xml", "xl/strings-elsewhere.xml"])
def test_shared_strings_claiming_billions_are_refused_before_calamine_reserves_them(
    workbook_bytes: bytes, target: str
) -> None:
    # Regression: calamine reserved 96 GB for uniqueCount="4000000000" and aborted the process.
    hostile = _with_shared_strings(workbook_bytes, "4000000000", target)
    with pytest.raises(BadInput, match="claims 4,000,000,000 strings"):
        read_rows(RawInput("sst.xlsx", hostile, RecordFormat.XLSX))
    honest = _with_shared_strings(workbook_bytes, "1", target)
    assert [
        r.cells["name"] for r in read_rows(RawInput("sst.xlsx", honest, RecordFormat.XLSX)).rows
    ]


def test_a_reader_that_dies_is_bad_input_and_the_caller_lives_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # calamine runs in a child process under an address-space limit; one far too small stands
    # for a damaged file that makes native code over-allocate or panic.
    book = _workbook(tmp_path / "r.xlsx", [HEADER, ROW])
    monkeypatch.setattr(xlsx, "READER_MEMORY", 8 * 1024**2)
    raw = RawInput("r.xlsx", book.read_bytes(), RecordFormat.XLSX)
    with pytest.raises(BadInput, match="its reader stopped"):
        read_rows(raw)
    monkeypatch.undo()
    assert [r.cells["name"] for r in read_rows(raw).rows] == ["Batik Sekar Uji"]


def test_load_reads_a_workbook_whatever_its_name(tmp_path: Path, runner: Runner) -> None:
    book = _workbook(tmp_path / "a.xlsx", [HEADER, ROW])
    renamed = book.rename(tmp_path / "registry.dat")
    loaded = runner("load", "--format", "xlsx", str(renamed))
    assert loaded.exit_code == 0, loaded.output
    assert "loaded 1 enterprises" in loaded.stderr
