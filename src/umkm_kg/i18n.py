"""Texts in the two languages the tool speaks: Indonesian (``id``) and English (``en``)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Text:
    """A text in English and Indonesian (``Text(en, id)``, or by keyword)."""

    en: str
    id: str

    def get(self, lang: str) -> str:
        """The Indonesian text for ``lang == "id"``, else the English one."""
        return self.id if lang == "id" else self.en


def t(lang: str, en: str, id: str) -> str:
    """``id`` when ``lang`` is Indonesian, else ``en``: a message written in both at its source."""
    return id if lang == "id" else en


# --- messages of the library's errors, in Indonesian -----------------------------------------
#
# The library raises its errors in English (``errors.py``); the command line shows them in the
# language asked for. Each entry is an English phrase of those messages (a regular expression;
# its groups are the parts that quote the user's data, kept as they are) and its Indonesian
# form. Entries are applied in order, so a longer phrase comes before a shorter one it holds.

_PHRASES_ID: tuple[tuple[str, str], ...] = (
    # where
    (r"\(line (\d+), column (\d+)\)", r"(baris \1, kolom \2)"),
    (r"\(line (\d+)\)", r"(baris \1)"),
    (r", line (\d+)", r", baris \1"),
    (r", row (\d+), column ", r", baris \1, kolom "),
    (r", row (\d+):", r", baris \1:"),
    (r", sheet ('[^']*')", r", lembar \1"),
    # reading files
    (
        r"^cannot read records from (.*): unsupported format$",
        r"tidak dapat membaca rekaman dari \1: format tidak didukung",
    ),
    (
        r"^records may be: (.*) \(give --format\)$",
        r"rekaman boleh berformat: \1 (berikan --format)",
    ),
    (
        r"^cannot tell the format of standard input$",
        "format masukan standar tidak dapat ditentukan",
    ),
    (r"^give --format, one of: ", "berikan --format, salah satu dari: "),
    (r"^cannot read (.*?): (.*)$", r"tidak dapat membaca \1: \2"),
    (r"\bNo such file or directory$", "berkas atau folder tidak ada"),
    (r"\bPermission denied$", "izin ditolak"),
    (r"\bIs a directory$", "berupa folder"),
    (r": larger than the (\d+) MiB input limit$", r": lebih besar dari batas masukan \1 MiB"),
    (r"^split the records into smaller files$", "pecah rekaman menjadi berkas yang lebih kecil"),
    (r": not UTF-8 text \(byte ", ": bukan teks UTF-8 (bita "),
    (
        r"^save the file as UTF-8 \(in a spreadsheet: 'CSV UTF-8'\)$",
        "simpan berkas sebagai UTF-8 (di spreadsheet: 'CSV UTF-8')",
    ),
    (r": no header row$", ": tidak ada baris judul kolom"),
    (r"^see: umkm-kg template enterprise$", "lihat: umkm-kg template enterprise"),
    (r": unknown column ('[^']*')$", r": kolom \1 tidak dikenal"),
    (r"columns: (.*) \(or in Indonesian: (.*)\)$", r"kolom: \2 (atau dalam bahasa Inggris: \1)"),
    (r"^did you mean ('[^']*')\? kolom: ", r"maksud Anda \1? kolom: "),
    (r"^columns: ", "kolom: "),
    (r": column ('[^']*') is given twice$", r": kolom \1 diberikan dua kali"),
    (r": no 'name' \(nama\) column$", ": tidak ada kolom 'nama' (name)"),
    (r": not valid CSV: ", ": bukan CSV yang sah: "),
    (
        r"^fix the row, or load with validation to see every problem$",
        "perbaiki baris itu, atau muat dengan validasi untuk melihat semua masalah",
    ),
    # workbooks
    (r": the workbook has no sheet$", ": buku kerja tidak punya lembar"),
    (r"\bFile is not a zip file\b", "berkas bukan arsip zip"),
    (
        r": a password-protected workbook or an old \.xls file, which cannot be read$",
        ": buku kerja berkata sandi atau berkas .xls lama, yang tidak dapat dibaca",
    ),
    (
        r": not a readable \.xlsx workbook \(its reader stopped: (.*); the file is damaged, or needs more than (\d+) GiB to read\)$",
        r": bukan buku kerja .xlsx yang dapat dibaca (pembacanya berhenti: \1; berkas rusak, atau memerlukan lebih dari \2 GiB untuk dibaca)",
    ),
    (
        r": not a readable \.xlsx workbook \((.*)\)$",
        r": bukan buku kerja .xlsx yang dapat dibaca (\1)",
    ),
    (
        r": reading the workbook took longer than (\d+) s$",
        r": membaca buku kerja memakan waktu lebih dari \1 dtk",
    ),
    (
        r" claims ([\d,]+) strings in ([\d,]+) bytes: refused as damaged or hostile$",
        r" mengaku berisi \1 teks dalam \2 bita: ditolak sebagai rusak atau berbahaya",
    ),
    (r": not an \.xlsx workbook \((.*)\)$", r": bukan buku kerja .xlsx (\1)"),
    (r": a zip archive, but not an \.xlsx workbook$", ": arsip zip, tetapi bukan buku kerja .xlsx"),
    (r": the workbook is encrypted$", ": buku kerja dienkripsi"),
    (
        r": the workbook holds more than ([\d,]+) files$",
        r": buku kerja berisi lebih dari \1 berkas",
    ),
    (
        r" unpacks to ([\d,]+) bytes from ([\d,]+) \(more than (\d+) times\): refused as a zip bomb$",
        r" terurai menjadi \1 bita dari \2 (lebih dari \3 kali): ditolak sebagai bom zip",
    ),
    (
        r": the workbook unpacks to ([\d,]+) bytes, more than the (\d+) MiB read$",
        r": buku kerja terurai menjadi \1 bita, lebih dari \2 MiB yang dibaca",
    ),
    (
        r": ([\d,]+) rows × ([\d,]+) columns is more than the ([\d,]+) rows or ([\d,]+) cells read from a sheet$",
        r": \1 baris × \2 kolom melebihi \3 baris atau \4 sel yang dibaca dari satu lembar",
    ),
    (
        r"^save the workbook again as 'Excel Workbook \(\.xlsx\)' without a password, or as CSV UTF-8$",
        "simpan ulang buku kerja sebagai 'Excel Workbook (.xlsx)' tanpa kata sandi, atau sebagai CSV UTF-8",
    ),
    (
        r"^split the records into several workbooks, or remove empty formatted rows$",
        "pecah rekaman menjadi beberapa buku kerja, atau hapus baris kosong yang berformat",
    ),
    (r"^split the records into several workbooks$", "pecah rekaman menjadi beberapa buku kerja"),
    # the configuration file
    (r"^no configuration file (.*)$", r"berkas konfigurasi \1 tidak ada"),
    (r"^see: umkm-kg\.toml in the README$", "lihat: umkm-kg.toml di README"),
    (r": unknown setting ('[^']*')$", r": pengaturan \1 tidak dikenal"),
    (r"^settings: ", "pengaturan: "),
    (r"^lang is one of: ", "lang salah satu dari: "),
    (
        r": (\w+) must be a non-empty string, not (.*)$",
        r": \1 harus teks yang tidak kosong, bukan \2",
    ),
    (r" is not an http\(s\) URL$", " bukan URL http(s)"),
    (
        r": graph must be an IRI or a list of IRIs, not (.*)$",
        r": graph harus IRI atau daftar IRI, bukan \1",
    ),
    (r": graph ('[^']*') is not an IRI \((.*)\)$", r": graph \1 bukan IRI (\2)"),
    (r": not a TOML file: ", ": bukan berkas TOML: "),
    (r"^cannot read the configuration file ", "tidak dapat membaca berkas konfigurasi "),
    # saved queries, parameters, formats
    (r"^no saved query is called ('[^']*')$", r"tidak ada kueri tersimpan bernama \1"),
    (r"^did you mean ('[^']*')\?", r"maksud Anda \1?"),
    (r"^see: umkm-kg query list$", "lihat: umkm-kg query list"),
    (
        r"^parameter (\S+): ('.*') is not among the values found in the graph",
        r"parameter \1: \2 tidak termasuk nilai yang ada dalam graf",
    ),
    (r" \(known values: none\)", " (nilai yang dikenal: tidak ada)"),
    (r" \(known values: ", " (nilai yang dikenal: "),
    (r"^example: ", "contoh: "),
    (
        r"^query (\S+) has no parameter ('[^']*') \(its parameters: none\)$",
        r"kueri \1 tidak punya parameter \2 (tidak ada parameternya)",
    ),
    (
        r"^query (\S+) has no parameter ('[^']*') \(its parameters: (.*)\)$",
        r"kueri \1 tidak punya parameter \2 (parameternya: \3)",
    ),
    (r"^query (\S+) needs parameter (\S+): ", r"kueri \1 memerlukan parameter \2: "),
    (r"^parameter (\S+) is given twice$", r"parameter \1 diberikan dua kali"),
    (r"^-p (.*): write -p name=value$", r"-p \1: tulis -p nama=nilai"),
    (r"^parameter (\S+): ('.*') is not ", r"parameter \1: \2 bukan "),
    (r"\(not one of: ", "(bukan salah satu dari: "),
    (r"\(longer than (\d+) characters\)", r"(lebih dari \1 karakter)"),
    (r"\(no language tag\)", "(tanpa tag bahasa)"),
    (r"\(not a calendar date\)", "(bukan tanggal kalender)"),
    (
        r"\(only http, https and urn IRIs, or the project's prefixes\)",
        "(hanya IRI http, https dan urn, atau awalan proyek)",
    ),
    (r"^parameter (\S+): ", r"parameter \1: "),
    (
        r"an IRI \(http, https or urn\) or a prefixed name such as ",
        "sebuah IRI (http, https atau urn) atau nama berawalan seperti ",
    ),
    (r"a text of at most (\d+) characters", r"teks paling banyak \1 karakter"),
    (r"an integer such as ", "bilangan bulat seperti "),
    (r"a decimal number such as ", "bilangan desimal seperti "),
    (r"a date written YYYY-MM-DD", "tanggal ditulis YYYY-MM-DD"),
    (r"\btrue or false\b", "true atau false"),
    (r"one of the listed values", "salah satu nilai yang tercantum"),
    (r" is not a valid IRI$", " bukan IRI yang sah"),
    (r"^('[^']*') is not a format for (\w+) results$", r"\1 bukan format untuk hasil \2"),
    (
        r"^(\w+) results are graphs; choose one of: ",
        r"hasil \1 berupa graf; pilih salah satu dari: ",
    ),
    (
        r"^(\w+) results are tables of results; choose one of: ",
        r"hasil \1 berupa tabel; pilih salah satu dari: ",
    ),
    (r"^a (\w+) result cannot be written as (\w+)$", r"hasil \1 tidak dapat ditulis sebagai \2"),
    (r"^(\w+) is for SELECT results only$", r"\1 hanya untuk hasil SELECT"),
    (r"^write ASK results as table, json or xml$", "tulis hasil ASK sebagai table, json atau xml"),
    (r"^unknown format ('[^']*')$", r"format \1 tidak dikenal"),
    (r"^unknown template ('[^']*')$", r"templat \1 tidak dikenal"),
    (r"^choose one of: ", "pilih salah satu dari: "),
    # the SPARQL guard
    (r"^the query is not valid SPARQL: ", "kueri bukan SPARQL yang sah: "),
    (r"^not valid SPARQL: ", "bukan SPARQL yang sah: "),
    (r"\bExpected (\w+)", r"diharapkan \1"),
    (
        r"^SPARQL Update is not allowed: queries are read-only$",
        "SPARQL Update tidak diizinkan: kueri hanya-baca",
    ),
    (r"^use SELECT, ASK, CONSTRUCT or DESCRIBE$", "gunakan SELECT, ASK, CONSTRUCT atau DESCRIBE"),
    (
        r"^SERVICE is not allowed: queries may not call other endpoints$",
        "SERVICE tidak diizinkan: kueri tidak boleh memanggil endpoint lain",
    ),
    (r"^(.*) is not allowed in a read-only query$", r"\1 tidak diizinkan dalam kueri hanya-baca"),
    (
        r"^FROM <(.*)> points outside the knowledge graph$",
        r"FROM <\1> menunjuk ke luar graf pengetahuan",
    ),
    (
        r"^the query ran longer than ([\d.]+) s and was stopped$",
        r"kueri berjalan lebih dari \1 dtk dan dihentikan",
    ),
    (
        r"^narrow the query, or allow more time with --timeout$",
        "persempit kueri, atau beri waktu lebih dengan --timeout",
    ),
    (
        r"^the query needed more than (\d+) MiB and was stopped$",
        r"kueri memerlukan lebih dari \1 MiB dan dihentikan",
    ),
    (
        r"^the query is (.*) characters long \(at most (.*)\)$",
        r"panjang kueri \1 karakter (paling banyak \2)",
    ),
    # remote servers
    (r"^cannot reach (\S+): ", r"tidak dapat menghubungi \1: "),
    (r"\bConnection refused\b", "Sambungan ditolak"),
    (
        r"^check the URL and that the server is running$",
        "periksa URL-nya dan bahwa server berjalan",
    ),
    # the store, batches, duplicates
    (r"^no batch is named ('[^']*')$", r"tidak ada batch bernama \1"),
    (r"^several batches match ('[^']*')$", r"beberapa batch cocok dengan \1"),
    (r"^batches: (.*) \(see umkm-kg records list\)$", r"batch: \1 (lihat umkm-kg records list)"),
    (
        r"^batches: \(none\) \(see umkm-kg records list\)$",
        "batch: (tidak ada) (lihat umkm-kg records list)",
    ),
    (r"the enterprise <([^>]*)> already exists", r"usaha <\1> sudah ada"),
    (
        r"<([^>]*)> has identifier ('[^']*'), already used by <([^>]*)>",
        r"<\1> memakai identitas \2, yang sudah dipakai <\3>",
    ),
    (
        r"identifier ('[^']*') is given to several records: ",
        r"identitas \1 diberikan ke beberapa rekaman: ",
    ),
    (r"\) repeats the enterprise <", ") mengulang usaha <"),
    (
        r"^change the identifiers? or names?, or leave (the record|those records) out$",
        "ubah identitas atau nama, atau keluarkan rekaman itu",
    ),
    (
        r"^another process has held the store's write lock for ([\d.]+) s$",
        r"proses lain memegang kunci tulis penyimpanan selama \1 dtk",
    ),
    (r"^no generation ('[^']*') in (.*)$", r"tidak ada generasi \1 di \2"),
    (
        r"^see the kept ones with: umkm-kg records history$",
        "lihat yang disimpan dengan: umkm-kg records history",
    ),
    (
        r"^cannot load (.*): unknown format ('[^']*')$",
        r"tidak dapat memuat \1: format \2 tidak dikenal",
    ),
    (r"^a load reads (.*) \(give --format\)$", r"load membaca \1 (berikan --format)"),
    (r"^(.*) exists and is not a folder$", r"\1 ada dan bukan folder"),
)


@functools.cache
def _compiled_id() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The phrases compiled, on the first message translated (20 ms a process otherwise)."""
    return tuple((re.compile(p), r) for p, r in _PHRASES_ID)


def translate(message: str, lang: str) -> str:
    """A message of the library (written in English) in ``lang``; a phrase the catalogue does
    not know stays English."""
    if lang != "id":
        return message
    lines = []
    for line in message.split("\n"):
        for pattern, replacement in _compiled_id():
            line = pattern.sub(replacement, line)
        lines.append(line)
    return "\n".join(lines)
