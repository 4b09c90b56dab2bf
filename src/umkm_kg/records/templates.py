"""Blank enterprise records to fill in: CSV, Turtle or JSON-LD, with comments.

The Turtle and JSON-LD templates are one CSV row of placeholders mapped by
:mod:`umkm_kg.records.csvrecords`, so that every format describes an enterprise the same way. Every
``TODO`` must be replaced: validation reports any ``TODO`` left in a value.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..errors import UnknownName
from ..namespaces import PREFIXES
from .csvcolumns import COLUMNS, SEPARATOR, CsvRow
from .csvrecords import Triple, map_row
from .resolver import Resolver

KINDS = ("enterprise",)
TEXT_FORMATS = ("csv", "ttl", "jsonld")
FORMATS = (*TEXT_FORMATS, "xlsx")
CONTEXT_IRI = "https://w3id.org/umkm-kg/context.jsonld"

_PLACEHOLDER_ROW = {
    "name": "TODO nama usaha",
    "name_en": "TODO name in English",
    "identifier": "TODO NIB 13 angka",
    "owner": "ibu TODO",
    "products": "TODO produk",
    "products_en": "TODO product",
    "categories": "batik",
    "destinations": "Malaysia",
    "location": "Kota Tangerang",
    "size_class": "mikro",
    "size_scheme": "2021",
    "source": "TODO sumber data",
    "reported_by": "kg:org-disperindagkop-tangerang",
    "address": "TODO alamat jalan",
}

_HELP = {
    "en": {
        "intro": "Enterprise record for umkm-kg. Replace every TODO, then check the file with "
        "'umkm-kg validate FILE' and add it with 'umkm-kg add FILE'.",
        "refs": "Existing resources are named by IRI: countries kg:country-<ISO code> "
        "(kg:country-my), categories kg:category-<code>, places such as kg:city-tangerang, "
        "size classes kg:size-2021-mikro|kecil|menengah (or kg:size-2008-...).",
        "iri": "Rename the kg:...-todo-... IRIs after the enterprise's name (lower case, "
        "words joined by '-').",
        "csv": f"One row per enterprise. Several values in one cell are separated by "
        f"'{SEPARATOR}'. Rows starting with # are comments. Headers may be English or Indonesian.",
    },
    "id": {
        "intro": "Rekaman usaha untuk umkm-kg. Ganti setiap TODO, lalu periksa berkas dengan "
        "'umkm-kg validate BERKAS' dan tambahkan dengan 'umkm-kg add BERKAS'.",
        "refs": "Sumber daya yang sudah ada disebut dengan IRI: negara kg:country-<kode ISO> "
        "(kg:country-my), kategori kg:category-<kode>, tempat seperti kg:city-tangerang, "
        "kelas usaha kg:size-2021-mikro|kecil|menengah (atau kg:size-2008-...).",
        "iri": "Ganti nama IRI kg:...-todo-... sesuai nama usaha (huruf kecil, kata "
        "dihubungkan dengan '-').",
        "csv": f"Satu baris per usaha. Beberapa nilai dalam satu sel dipisahkan dengan "
        f"'{SEPARATOR}'. Baris yang diawali # adalah komentar. Judul kolom boleh bahasa "
        "Inggris atau Indonesia.",
    },
}

_PROPERTY_HELP = {
    "schema:name": ("name as registered", "nama sesuai pendaftaran"),
    "schema:identifier": ("NIB, 13 digits", "NIB, 13 angka"),
    "schema:location": ("a place of the graph", "tempat dalam graf"),
    "umkm:sizeClass": ("size class (2008 or 2021 criteria)", "kelas usaha (kriteria 2008/2021)"),
    "umkm:productCategory": ("product category", "kategori produk"),
    "umkm:destination": ("export destination (country or city)", "tujuan ekspor (negara/kota)"),
    "umkm:destinationAsWritten": ("destination as written", "tujuan seperti ditulis"),
    "dct:source": ("where the record comes from", "asal data"),
    "prov:wasAttributedTo": ("agency reporting the record", "instansi pelapor"),
    "schema:honorificPrefix": ("honorific (ibu, bapak)", "sapaan (ibu, bapak)"),
    "schema:address": ("street address", "alamat jalan"),
    "schema:foundingDate": ('year started, e.g. "2015"^^xsd:gYear', "tahun mulai usaha"),
    "umkm:numberOfWorkers": ("number of workers", "jumlah tenaga kerja"),
    "umkm:businessCapital": ("business capital, rupiah", "modal usaha, rupiah"),
    "umkm:annualSales": ("annual sales, rupiah", "hasil penjualan tahunan, rupiah"),
}


def template(kind: str, fmt: str, kg: Any, lang: str = "en") -> str:
    """A blank record of ``kind`` in ``fmt`` (``csv``, ``ttl`` or ``jsonld``), comments in ``lang``.

    :raises UnknownName: an unknown kind or format.
    """
    if kind not in KINDS:
        raise UnknownName(f"unknown template {kind!r}", hint=f"choose one of: {', '.join(KINDS)}")
    if fmt not in TEXT_FORMATS:
        raise UnknownName(
            f"unknown format {fmt!r}", hint=f"choose one of: {', '.join(TEXT_FORMATS)}"
        )
    lang = "id" if lang == "id" else "en"
    if fmt == "csv":
        return csv_template(lang)
    triples = placeholder_triples(kg)
    return turtle_template(triples, lang) if fmt == "ttl" else jsonld_template(triples, lang)


def template_bytes(kind: str, fmt: str, kg: Any, lang: str = "en") -> bytes:
    """The template of ``kind`` in any of :data:`FORMATS` as bytes (UTF-8 for the text ones);
    the ``.xlsx`` one offers the graph's values in drop-down lists.

    :raises UnknownName: an unknown kind or format.
    """
    if fmt != "xlsx":
        return template(kind, fmt, kg, lang).encode("utf-8")
    if kind not in KINDS:
        raise UnknownName(f"unknown template {kind!r}", hint=f"choose one of: {', '.join(KINDS)}")
    from .xlsxtemplate import Choices, xlsx_template

    return xlsx_template(Choices.from_kg(kg, lang), lang)


def csv_template(lang: str) -> str:
    """Comment lines describing each column, the header, and one empty row.

    A spreadsheet that opens the file splits a comment on its commas, and saves it back with
    ``;`` and quotes (``"# ...";...``): :func:`~umkm_kg.records.csvcolumns.read_rows` still
    reads such a row as a comment.
    """
    help_ = _HELP[lang]
    lines = [f"# {help_['intro']}", f"# {help_['csv']}"]
    for column in COLUMNS:
        header = column.indonesian if lang == "id" else column.key
        other = column.key if lang == "id" else column.indonesian
        text = column.id if lang == "id" else column.en
        example = f" ({'contoh' if lang == 'id' else 'e.g.'} {column.example})"
        lines.append(f"# {header} ({other}): {text}{example if column.example else ''}")
    headers = [c.indonesian if lang == "id" else c.key for c in COLUMNS]
    lines.append(",".join(headers))
    lines.append("," * (len(headers) - 1))
    return "\n".join(lines) + "\n"


def placeholder_triples(kg: Any) -> list[Triple]:
    """The triples of one placeholder row, mapped as a CSV row would be."""
    triples: list[Triple] = []
    row = map_row(CsvRow(2, dict(_PLACEHOLDER_ROW)), Resolver.from_kg(kg), triples)
    key = str(row.enterprise).rsplit("/", 1)[1].removeprefix("enterprise-")

    def short_iri(term: Node) -> Node:
        # kg:product-todo rather than kg:product-todo-nama-usaha-todo-nib-13-angka
        return URIRef(str(term).replace(key, "todo")) if isinstance(term, URIRef) else term

    return list(dict.fromkeys((short_iri(s), p, short_iri(o)) for s, p, o in triples))


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[\w\-.]+", iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def turtle_template(triples: list[Triple], lang: str) -> str:
    """The placeholder record in sorted Turtle, with a comment on the lines to change."""
    from rdflib import Graph

    from ..publish.turtle import canonical_turtle

    graph = Graph()
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    help_ = _HELP[lang]
    index = 1 if lang == "id" else 0
    out = [f"# {help_['intro']}", f"# {help_['refs']}", f"# {help_['iri']}", ""]
    for line in canonical_turtle(graph).splitlines():
        words = line.split()
        note = next((h for p, h in _PROPERTY_HELP.items() if words and words[0] == p), None)
        out.append(f"{line}  # {note[index]}" if note and line.endswith(";") else line)
    return "\n".join(out) + "\n"


def jsonld_template(triples: list[Triple], lang: str) -> str:
    """The placeholder record as JSON-LD with the project's context (``_comment`` is ignored)."""
    terms = _context_terms()
    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in sorted(
        triples, key=lambda t: (str(t[0]), "" if t[1] == RDF.type else str(t[1]), str(t[2]))
    ):
        node = nodes.setdefault(str(s), {"@id": _curie(str(s))})
        key, value = _jsonld_pair(p, o, terms)
        if key in node:
            node[key] = node[key] if isinstance(node[key], list) else [node[key]]
            node[key].append(value)
        else:
            node[key] = value
    help_ = _HELP[lang]
    document = {
        "@context": CONTEXT_IRI,
        "_comment": [help_["intro"], help_["refs"], help_["iri"]],
        "@graph": list(nodes.values()),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _jsonld_pair(p: Node, o: Node, terms: dict[str, tuple[str, bool]]) -> tuple[str, Any]:
    if p == RDF.type:
        return "@type", terms.get(str(o), (_curie(str(o)), False))[0]
    key, is_id = terms.get(str(p), (_curie(str(p)), False))
    if isinstance(o, URIRef):
        return key, _curie(str(o)) if is_id else {"@id": _curie(str(o))}
    assert isinstance(o, Literal)
    if o.language:
        return key, {"@value": str(o), "@language": o.language}
    if o.datatype is not None:
        return key, {"@value": str(o), "@type": _curie(str(o.datatype))}
    return key, str(o)


def _context_terms() -> dict[str, tuple[str, bool]]:
    """Full IRI to (term, values are IRIs) for the terms of ``ontology/context.jsonld``."""
    from .. import resources

    context = json.loads(resources.JSONLD_CONTEXT.read_text(encoding="utf-8"))["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}
    terms: dict[str, tuple[str, bool]] = {}
    for term, definition in context.items():
        if term.startswith("@") or term in prefixes or definition is None:
            continue
        iri = definition if isinstance(definition, str) else definition["@id"]
        prefix, _, local = iri.partition(":")
        full = prefixes.get(prefix, prefix + ":") + local
        is_id = isinstance(definition, dict) and definition.get("@type") == "@id"
        terms[full] = (term, is_id)
    return terms
