"""The words of the web pages in Indonesian and English, and which language a request gets."""

from __future__ import annotations

from collections.abc import Mapping

from ..i18n import LANGUAGES, Text
from .accept import ranked

LANG_COOKIE = "umkm_lang"
"""Remembers the language a visitor switched to (``?lang=id`` or ``?lang=en``)."""

WORDS: dict[str, Text] = {
    "site": Text("UMKM knowledge graph", "Graf pengetahuan UMKM"),
    "home": Text("Home", "Beranda"),
    "queries": Text("Saved queries", "Kueri tersimpan"),
    "editor": Text("Query editor", "Penyunting kueri"),
    "validate": Text("Validate records", "Periksa rekaman"),
    "ontology": Text("Ontology", "Ontologi"),
    "switch": Text("Bahasa Indonesia", "English"),
    "intro": Text(
        "A linked-data knowledge graph of Indonesian micro, small and medium enterprises"
        " (UMKM), grown from one 2016 ANTARA article about the exporting UMKM of Kota"
        " Tangerang into a registry that agencies add records to.",
        "Graf pengetahuan data tertaut tentang usaha mikro, kecil dan menengah (UMKM) Indonesia,"
        " berawal dari satu berita ANTARA tahun 2016 tentang UMKM pengekspor di Kota Tangerang"
        " dan tumbuh menjadi daftar yang diisi rekaman oleh instansi.",
    ),
    "licence": Text("Licence", "Lisensi"),
    "size": Text("Size", "Ukuran"),
    "triples": Text("triples", "tripel"),
    "enterprises": Text("enterprises", "usaha"),
    "graphs": Text("named graphs", "graf bernama"),
    "search": Text("Search labels", "Cari label"),
    "search_button": Text("Search", "Cari"),
    "results_for": Text("Results for", "Hasil untuk"),
    "no_results": Text("Nothing found.", "Tidak ada yang ditemukan."),
    "stats_2015": Text(
        "UMKM of Kota Tangerang by size class, end of 2015",
        "UMKM Kota Tangerang menurut kelas usaha, akhir 2015",
    ),
    "destinations": Text(
        "Export destinations by number of enterprises", "Tujuan ekspor menurut jumlah usaha"
    ),
    "destinations_map": Text("Export destinations on the map", "Tujuan ekspor pada peta"),
    "by_district": Text("Enterprises per neighbourhood", "Usaha per kelurahan"),
    "by_category": Text("Enterprises per product category", "Usaha per kategori produk"),
    "pending": Text(
        "Being counted over the whole graph; reload the page in a while.",
        "Sedang dihitung atas seluruh graf; muat ulang halaman sebentar lagi.",
    ),
    "not_drawn": Text("Too small to draw at this scale:", "Terlalu kecil untuk digambar:"),
    "tags": Text("Tags", "Tag"),
    "parameters": Text("Parameters", "Parameter"),
    "run": Text("Run", "Jalankan"),
    "result": Text("Result", "Hasil"),
    "rows": Text("rows", "baris"),
    "truncated": Text("The result was cut:", "Hasil dipotong:"),
    "facts_cut": Text(
        "This resource has more facts than a page shows (the first {n}); its RDF formats"
        " hold the same ones.",
        "Sumber daya ini punya lebih banyak fakta daripada yang dapat ditampilkan ({n}"
        " pertama); format RDF-nya memuat fakta yang sama.",
    ),
    "download": Text("Download", "Unduh"),
    "share": Text("Link to this result", "Tautan ke hasil ini"),
    "sparql_text": Text("SPARQL", "SPARQL"),
    "chart": Text("Chart", "Grafik"),
    "map": Text("World map", "Peta dunia"),
    "filter": Text("Filter", "Saring"),
    "table": Text("Table", "Tabel"),
    "page": Text("Page", "Halaman"),
    "previous": Text("Previous", "Sebelumnya"),
    "next": Text("Next", "Berikutnya"),
    "more_values": Text("More values", "Nilai lainnya"),
    "no_menu": Text(
        "The values could not be listed in time: type a name, a code or an IRI",
        "Nilai tidak dapat didaftar tepat waktu: ketik nama, kode atau IRI",
    ),
    "prefixes_declared": Text(
        "The project's prefixes are declared for you.", "Prefiks proyek sudah dideklarasikan."
    ),
    "examples": Text("Examples from the catalogue", "Contoh dari katalog"),
    "query": Text("Query", "Kueri"),
    "show_as": Text("Show as", "Tampilkan sebagai"),
    "true": Text("true", "benar"),
    "false": Text("false", "salah"),
    "outgoing": Text("Facts", "Fakta"),
    "incoming": Text("Facts pointing here", "Fakta yang menunjuk ke sini"),
    "labels": Text("Labels", "Label"),
    "source": Text("Source", "Sumber"),
    "derived_from": Text("Derived from", "Berasal dari"),
    "paragraph": Text("paragraph", "paragraf"),
    "attributed_to": Text("attributed to", "dikaitkan kepada"),
    "interpretation": Text("This is an interpretation of the text", "Ini tafsiran atas teks"),
    "also_as": Text("Also as", "Juga sebagai"),
    "related": Text("Related queries", "Kueri terkait"),
    "validate_intro": Text(
        "Upload or paste records (CSV, Turtle or JSON-LD) to check them against the shapes, in"
        " the context of the graph. Nothing is stored unless you add them.",
        "Unggah atau tempel rekaman (CSV, Turtle atau JSON-LD) untuk diperiksa terhadap shape,"
        " dalam konteks graf. Tidak ada yang disimpan kecuali Anda menambahkannya.",
    ),
    "file": Text("File", "Berkas"),
    "or_paste": Text("or paste", "atau tempel"),
    "format": Text("Format", "Format"),
    "from_name": Text("from the file name", "dari nama berkas"),
    "check": Text("Check", "Periksa"),
    "add": Text("Check and add", "Periksa dan tambahkan"),
    "token": Text("Write token", "Token tulis"),
    "adding_off": Text(
        "Adding records from the web is off: the server was started without a write token.",
        "Menambah rekaman lewat web tidak aktif: server dijalankan tanpa token tulis.",
    ),
    "conforms": Text("The records conform.", "Rekaman sesuai."),
    "not_conforms": Text("The records do not conform.", "Rekaman tidak sesuai."),
    "added": Text("Added as batch", "Ditambahkan sebagai batch"),
    "expected": Text("expected", "diharapkan"),
    "found": Text("found", "ditemukan"),
    "field": Text("field", "kolom"),
    "problem": Text("problem", "masalah"),
    "error": Text("Error", "Galat"),
    "hint": Text("Hint", "Petunjuk"),
    "not_found": Text("Not found", "Tidak ditemukan"),
    "api_docs": Text("API documentation", "Dokumentasi API"),
    "api_intro": Text(
        "Every path of the HTTP API, drawn from the OpenAPI 3.1 document the server serves."
        " Each saved query is an endpoint; its parameters are the ones of its form.",
        "Setiap jalur API HTTP, diambil dari dokumen OpenAPI 3.1 yang disajikan server."
        " Setiap kueri tersimpan adalah satu endpoint; parameternya sama dengan formulirnya.",
    ),
    "openapi_document": Text("The OpenAPI document (JSON)", "Dokumen OpenAPI (JSON)"),
    "operations": Text("Operations", "Operasi"),
    "name": Text("Name", "Nama"),
    "location": Text("In", "Letak"),
    "required": Text("Required", "Wajib"),
    "optional": Text("optional", "opsional"),
    "type": Text("Type", "Tipe"),
    "values": Text("Values", "Nilai"),
    "default": Text("Default", "Bawaan"),
    "example": Text("Example", "Contoh"),
    "description": Text("Description", "Keterangan"),
    "request_body": Text("Request body", "Isi permintaan"),
    "responses": Text("Responses", "Tanggapan"),
    "status": Text("Status", "Status"),
    "media_types": Text("Media types", "Jenis media"),
    "form_page": Text("Form of this query", "Formulir kueri ini"),
    "example_call": Text("Example call with the defaults", "Contoh panggilan dengan nilai bawaan"),
    "authentication": Text("Authentication", "Autentikasi"),
    "yes": Text("yes", "ya"),
    "no": Text("no", "tidak"),
}


def word(key: str, lang: str) -> str:
    """The page text ``key`` in ``lang``."""
    return WORDS[key].get(lang)


def choose_lang(
    asked: str | None, cookies: Mapping[str, str], accept_language: str | None, default: str
) -> str:
    """The page language: ``?lang=``, else the remembered one, else Accept-Language, else
    ``default``."""
    for value in (asked, cookies.get(LANG_COOKIE)):
        if value in LANGUAGES:
            return value
    for tag in ranked(accept_language or ""):
        primary = tag.split("-", 1)[0].lower()
        if primary in LANGUAGES:
            return primary
    return default if default in LANGUAGES else "en"
