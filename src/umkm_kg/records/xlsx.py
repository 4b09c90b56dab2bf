"""Reading enterprise records from an ``.xlsx`` workbook, with the same columns as CSV.

The sheet read is the one named ``usaha`` or ``enterprises`` (any case), else the first one.
A workbook is untrusted: before it is opened its zip directory is checked (not a zip, a
password-protected or old ``.xls`` file, encrypted members, more bytes unpacked than
:data:`MAX_UNPACKED_BYTES` or a member packed more than :data:`MAX_RATIO` times: a zip bomb),
and the sheet is capped at :data:`MAX_ROWS` rows and :data:`MAX_CELLS` cells.
"""

from __future__ import annotations

import datetime
import io
import zipfile
import zlib
from collections.abc import Iterator

from ..errors import BadInput
from .rdfinput import RawInput

SHEET_NAMES = ("usaha", "enterprises")
"""Names of the sheet read (any case); without one, the first sheet is read."""
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""Most bytes the members of a workbook may unpack to."""
MAX_RATIO = 200
"""Most times a member larger than 1 MiB unpacked may be larger than packed."""
MAX_MEMBERS = 10_000
"""Most files a workbook (a zip archive) may hold."""
MAX_ROWS = 1_048_576
"""Most rows read from a sheet (Excel's own limit)."""
MAX_CELLS = 20_000_000
"""Most cells (rows × columns of the used area) read from a sheet."""

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_HINT = (
    "save the workbook again as 'Excel Workbook (.xlsx)' without a password, or as CSV UTF-8"
)

Cell = object


def sheet_rows(raw: RawInput) -> Iterator[tuple[int, list[str]]]:
    """The rows of the records sheet as (sheet row number, cells as text).

    :raises BadInput: not a readable ``.xlsx`` workbook, a zip bomb, a sheet over the caps.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    check_archive(raw.name, raw.data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw.data))
        names = workbook.sheet_names
        if not names:
            raise BadInput(f"{raw.name}: the workbook has no sheet", hint=_SAVE_HINT)
        chosen = next((n for n in names if n.strip().casefold() in SHEET_NAMES), names[0])
        sheet = workbook.get_sheet_by_name(chosen)
        if sheet.height > MAX_ROWS or sheet.height * sheet.width > MAX_CELLS:
            raise BadInput(
                f"{raw.name}, sheet {chosen!r}: {sheet.height:,} rows × {sheet.width:,} columns "
                f"is more than the {MAX_ROWS:,} rows or {MAX_CELLS:,} cells read from a sheet",
                hint="split the records into several workbooks, or remove empty formatted rows",
            )
        rows = [
            (number, [text(cell) for cell in cells])
            for number, cells in enumerate(sheet.iter_rows(), start=1)
        ]
    except BadInput:
        raise
    except (CalamineError, ValueError, OSError, UnicodeError) as exc:
        raise BadInput(
            f"{raw.name}: not a readable .xlsx workbook ({exc})", hint=_SAVE_HINT
        ) from exc
    except BaseException as exc:
        # calamine is Rust: a panic on a damaged file reaches Python as pyo3's PanicException,
        # which derives from BaseException; anything else (KeyboardInterrupt) goes on.
        if type(exc).__name__ != "PanicException":
            raise
        raise BadInput(f"{raw.name}: not a readable .xlsx workbook", hint=_SAVE_HINT) from None
    yield from rows


def check_archive(name: str, data: bytes) -> None:
    """Refuse bytes that are not a plain ``.xlsx`` zip archive of bounded unpacked size.

    :raises BadInput: the reason, and how to save the file instead.
    """
    if data.startswith(_OLE_MAGIC):
        raise BadInput(
            f"{name}: a password-protected workbook or an old .xls file, which cannot be read",
            hint=_SAVE_HINT,
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(name, members)
            # The sizes in the zip directory may lie: unpack each member once, within its
            # stated size (zipfile stops there and checks the CRC), before calamine sees it.
            for member in members:
                with archive.open(member) as stream:
                    while stream.read(1024 * 1024):
                        pass
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        ValueError,
        EOFError,
        OSError,
        RuntimeError,  # an encrypted member: "password required"
        NotImplementedError,  # a compression method zipfile does not know
    ) as exc:
        raise BadInput(f"{name}: not an .xlsx workbook ({exc})", hint=_SAVE_HINT) from exc


def _check_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise BadInput(f"{name}: the workbook holds more than {MAX_MEMBERS:,} files")
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise BadInput(f"{name}: a zip archive, but not an .xlsx workbook", hint=_SAVE_HINT)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise BadInput(f"{name}: the workbook is encrypted", hint=_SAVE_HINT)
        total += member.file_size
        packed = max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * packed:
            raise BadInput(
                f"{name}: {member.filename} unpacks to {member.file_size:,} bytes from "
                f"{member.compress_size:,} (more than {MAX_RATIO} times): refused as a zip bomb"
            )
    if total > MAX_UNPACKED_BYTES:
        raise BadInput(
            f"{name}: the workbook unpacks to {total:,} bytes, more than the "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MiB read",
            hint="split the records into several workbooks",
        )


def text(cell: Cell) -> str:
    """A cell's value as the text a CSV cell would hold: ``9120001234567``, not ``9.12e12``."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e16:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, datetime.datetime | datetime.date | datetime.time):
        return cell.isoformat()
    return str(cell)
