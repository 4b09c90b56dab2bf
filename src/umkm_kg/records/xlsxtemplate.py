"""The ``.xlsx`` enterprise template: the documented columns, drop-down lists from the graph.

The lists (product categories, size classes and criteria, places of the city, export
countries, reporting agencies) are read from the graph as the :class:`Resolver` sees it, so
they follow the reference data the graph holds; every value offered resolves back to exactly
one resource. The NIB column is formatted as text, so that a spreadsheet keeps all 13 digits.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from ..namespaces import UMKM
from .csvcolumns import COLUMNS
from .resolver import Resolver

TEMPLATE_ROWS = 2000
"""Rows below the header that get the drop-down lists and the NIB's text format."""
SHEET = {"en": "enterprises", "id": "usaha"}
LISTS_SHEET = {"en": "lists", "id": "daftar"}
HELP_SHEET = {"en": "help", "id": "petunjuk"}

_SCHEMA = "https://schema.org/"
_CITY_PLACES = (
    _SCHEMA + "City",
    _SCHEMA + "AdministrativeArea",
    _SCHEMA + "Place",
    str(UMKM.Neighbourhood),
)
_AGENCIES = ("http://www.w3.org/ns/org#OrganizationalUnit", _SCHEMA + "GovernmentOrganization")
_HOME = "ID"
"""ISO 3166-1 code of the country whose places an enterprise is located in (and not exported to)."""
_SIZE = re.compile(r"size-(\d{4})-(mikro|kecil|menengah)$")
# Columns holding several values: a list entry is a suggestion, not a rule (warning only).
_SEVERAL = {"categories", "destinations"}

_TEXT = {
    "en": {
        "intro": "Enterprise records for umkm-kg: one row per enterprise, on the sheet "
        "'enterprises'. Check the file with 'umkm-kg validate FILE.xlsx' and add it with "
        "'umkm-kg add FILE.xlsx'.",
        "lists": "Cells with a drop-down list take one of the graph's values; several values "
        "in one cell are separated by ';'. Keep the NIB column formatted as text.",
        "column": "column",
        "meaning": "meaning",
        "example": "example",
    },
    "id": {
        "intro": "Rekaman usaha untuk umkm-kg: satu baris per usaha, pada lembar 'usaha'. "
        "Periksa berkas dengan 'umkm-kg validate BERKAS.xlsx' dan tambahkan dengan "
        "'umkm-kg add BERKAS.xlsx'.",
        "lists": "Sel dengan daftar pilihan menerima salah satu nilai dari graf; beberapa "
        "nilai dalam satu sel dipisahkan dengan ';'. Biarkan kolom NIB berformat teks.",
        "column": "kolom",
        "meaning": "arti",
        "example": "contoh",
    },
}


@dataclass(frozen=True)
class Choices:
    """The values offered in each column's drop-down list, by column key."""

    lists: dict[str, list[str]]

    @classmethod
    def from_kg(cls, kg: Any, lang: str) -> Choices:
        """The graph's categories, size classes, places in Indonesia, other countries, agencies."""
        from ..query.results import QueryForm

        resolver = Resolver.from_kg(kg)
        classes = " ".join(
            f"<{c}>"
            for c in (
                _SCHEMA + "Country",
                str(UMKM.ProductCategory),
                str(UMKM.SizeClass),
                *_CITY_PLACES,
                *_AGENCIES,
            )
        )
        # ?home: the resource is, or is (transitively) in, the home country.
        result = kg.store.query(
            f"""SELECT DISTINCT ?r ?class ?home WHERE {{
                VALUES ?class {{ {classes} }}
                ?r a ?class .
                OPTIONAL {{
                    ?r <{_SCHEMA}containedInPlace>* ?country .
                    ?country <{UMKM.iso3166Alpha2}> "{_HOME}" .
                    BIND(true AS ?home)
                }}
            }}""",
            form=QueryForm.SELECT,
            max_rows=None,
        )
        home = {str(row["r"]) for row in result.rows if "home" in row}
        by_class: dict[str, set[str]] = {}
        for row in result.rows:
            by_class.setdefault(str(row["class"]), set()).add(str(row["r"]))
        countries = by_class.get(_SCHEMA + "Country", set())
        places = set().union(*(by_class.get(c, set()) for c in _CITY_PLACES)) - countries
        categories = by_class.get(str(UMKM.ProductCategory), set())
        agencies = set().union(*(by_class.get(c, set()) for c in _AGENCIES))
        sizes = [m for iri in by_class.get(str(UMKM.SizeClass), ()) if (m := _SIZE.search(iri))]
        order = {"mikro": 0, "kecil": 1, "menengah": 2}
        return cls(
            {
                "categories": _names(resolver, "category", categories, lang),
                "destinations": _names(resolver, "place", countries - home, lang),
                "location": _names(resolver, "place", places & home, lang),
                "size_class": sorted({m.group(2) for m in sizes}, key=order.__getitem__),
                "size_scheme": sorted({m.group(1) for m in sizes}),
                "reported_by": _names(resolver, "agency", agencies, lang),
            }
        )


def _names(resolver: Resolver, kind: str, iris: set[str], lang: str) -> list[str]:
    """A name for each resource that resolves back to it alone: its label, else its IRI."""
    from .resolver import _curie

    names = []
    for iri in iris:
        label = resolver.label(iri, lang)
        found, _ = resolver.resolve(kind, label)
        names.append(label if found == iri else _curie(iri))
    return sorted(set(names), key=str.casefold)


def xlsx_template(choices: Choices, lang: str) -> bytes:
    """The workbook: the records sheet, a help sheet and the (hidden) sheet of lists."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lang = "id" if lang == "id" else "en"
    text = _TEXT[lang]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET[lang]
    lists = book.create_sheet(LISTS_SHEET[lang])
    help_ = book.create_sheet(HELP_SHEET[lang])
    help_.append([text["intro"]])
    help_.append([text["lists"]])
    help_.append([])
    help_.append([text["column"], text["meaning"], text["example"]])
    list_column = 0
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        header = column.indonesian if lang == "id" else column.key
        meaning = column.id if lang == "id" else column.en
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = Font(bold=True)
        cell.comment = Comment(meaning, "umkm-kg")
        sheet.column_dimensions[letter].width = max(14, len(header) + 4)
        help_.append([header, meaning, column.example])
        rows = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if column.key == "identifier":
            for (nib,) in sheet.iter_rows(
                min_row=2, max_row=TEMPLATE_ROWS + 1, min_col=index, max_col=index
            ):
                nib.number_format = "@"
        values = choices.lists.get(column.key)
        if not values:
            continue
        list_column += 1
        target = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=header).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=list_column, value=value).number_format = "@"
        several = column.key in _SEVERAL
        check = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${target}$2:${target}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning" if several else "stop",
            error=text["lists"],
        )
        check.add(rows)
        sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    help_.column_dimensions["A"].width = 20
    help_.column_dimensions["B"].width = 80
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
