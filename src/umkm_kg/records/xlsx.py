"""Reading enterprise records from an ``.xlsx`` workbook, with the same columns as CSV.

The sheet read is the one named ``usaha`` or ``enterprises`` (any case), else the first one.
A workbook is untrusted: before it is opened its zip directory is checked (not a zip, a
password-protected or old ``.xls`` file, encrypted members, more bytes unpacked than
:data:`MAX_UNPACKED_BYTES` or a member packed more than :data:`MAX_RATIO` times: a zip bomb),
every member is unpacked once within its stated size, the area each sheet's cell references
span is capped at :data:`MAX_ROWS` rows and :data:`MAX_CELLS` cells, and a shared-strings part
may not claim more strings than its bytes hold (calamine allocates both up front). calamine
then reads the sheet in a child process under an address-space limit.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import BadInput
from ._sheetchild import text
from .rdfinput import RawInput

__all__ = ["MAX_CELLS", "MAX_ROWS", "SHEET_NAMES", "check_archive", "sheet_rows", "text"]

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
MAX_CELLS = 5_000_000
"""Most cells (rows × columns of the used area) read from a sheet: 100,000 enterprises of the
13 documented columns are 1.3 million."""

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_HINT = (
    "save the workbook again as 'Excel Workbook (.xlsx)' without a password, or as CSV UTF-8"
)

READER_MEMORY = 4 * 1024**3
"""Bytes of address space the child process reading a sheet may use."""
READER_SECONDS = 600
"""Seconds the child process reading a sheet may take."""


def sheet_rows(raw: RawInput) -> Iterator[tuple[int, list[str]]]:
    """The rows of the records sheet as (sheet row number, cells as text).

    The archive is checked here; calamine then reads the sheet in a child process
    (:mod:`._sheetchild`) under an address-space limit of :data:`READER_MEMORY` bytes, so that
    a damaged file that makes native code panic or over-allocate costs only that process.

    :raises BadInput: not a readable ``.xlsx`` workbook, a zip bomb, a sheet over the caps.
    """
    check_archive(raw.name, raw.data)
    lines = _read_in_child(raw)
    head: dict[str, Any] = json.loads(lines[0]) if lines else {"error": "no answer"}
    last = json.loads(lines[-1]) if len(lines) > 1 else None
    problem = head.get("error") or (last.get("error") if isinstance(last, dict) else None)
    if problem == "no sheet":
        raise BadInput(f"{raw.name}: the workbook has no sheet", hint=_SAVE_HINT)
    if problem:
        raise BadInput(f"{raw.name}: not a readable .xlsx workbook ({problem})", hint=_SAVE_HINT)
    if head.get("over"):
        raise BadInput(
            f"{raw.name}, sheet {head['sheet']!r}: {head['height']:,} rows × "
            f"{head['width']:,} columns is more than the {MAX_ROWS:,} rows or {MAX_CELLS:,} "
            "cells read from a sheet",
            hint="split the records into several workbooks, or remove empty formatted rows",
        )
    for line in lines[1:]:
        number, cells = json.loads(line)
        yield number, cells


def _read_in_child(raw: RawInput) -> list[str]:
    """The JSON lines of :mod:`._sheetchild` for ``raw``.

    :raises BadInput: the child died (a signal, or out of memory) or took too long.
    """
    child = Path(__file__).with_name("_sheetchild.py")
    limits = [str(READER_MEMORY), str(MAX_ROWS), str(MAX_CELLS)]
    try:
        # The child limits its own address space first thing (no preexec_fn: the caller may
        # have threads, a progress bar's, and fork-then-Python is not safe with them).
        done = subprocess.run(
            [sys.executable, "-I", str(child), *limits, *SHEET_NAMES],
            input=raw.data,
            capture_output=True,
            timeout=READER_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BadInput(
            f"{raw.name}: reading the workbook took longer than {READER_SECONDS} s",
            hint="split the records into several workbooks",
        ) from None
    if done.returncode != 0:
        why = f"signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        raise BadInput(
            f"{raw.name}: not a readable .xlsx workbook (its reader stopped: {why}; the file is "
            f"damaged, or needs more than {READER_MEMORY // 2**30} GiB to read)",
            hint=_SAVE_HINT,
        )
    return done.stdout.decode("utf-8").splitlines()


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
            _check_string_count(name, archive, members)
            for member in members:
                extent = _Extent() if _SHEET_XML.match(member.filename) else None
                with archive.open(member) as stream:
                    while chunk := stream.read(1024 * 1024):
                        if extent is not None:
                            extent.scan(chunk)
                if extent is not None:
                    extent.check(name, member.filename)
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


_SHEET_XML = re.compile(r"^xl/worksheets/[^/]+\.xml$")
# Cell references of a sheet's XML: <c r="B7">. (The area its <dimension> claims calamine does
# not allocate.)
# Any attribute r="B7" counts, wherever it stands in its element (rows are r="7": no letters).
_CELL_REF = re.compile(rb"\sr=\"([A-Z]{1,3})([0-9]{1,8})\"")
# The number of strings the shared-strings part says it holds: calamine reserves room for them.
_STRING_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\s(?:uniqueCount|count)=\"([0-9]+)\"")


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class _Extent:
    """The area a sheet's cells span, found in its XML as it is
    unpacked: calamine allocates that whole area, so a tiny file naming a far cell could make
    it ask for billions of cells (and abort the process) if it were not refused first."""

    def __init__(self) -> None:
        self.rows = [0, 0]  # lowest, highest
        self.columns = [0, 0]
        self._tail = b""

    def _see(self, row: int, column: int) -> None:
        if not self.rows[0] or row < self.rows[0]:
            self.rows[0] = row
        if not self.columns[0] or column < self.columns[0]:
            self.columns[0] = column
        self.rows[1] = max(self.rows[1], row)
        self.columns[1] = max(self.columns[1], column)

    def scan(self, chunk: bytes) -> None:
        text = self._tail + chunk
        refs = _CELL_REF.findall(text)
        if refs:
            rows = [int(row) for _, row in refs]
            columns = [_column(letters) for letters in {letters for letters, _ in refs}]
            self._see(min(rows), min(columns))
            self._see(max(rows), max(columns))
        # A reference cut by the chunk's end is whole in the next chunk's text.
        self._tail = text[-256:]

    def check(self, name: str, member: str) -> None:
        if not self.rows[1]:
            return
        height = self.rows[1] - self.rows[0] + 1
        width = self.columns[1] - self.columns[0] + 1
        if self.rows[1] > MAX_ROWS or height * width > MAX_CELLS:
            raise BadInput(
                f"{name}, {member}: {height:,} rows × {width:,} columns is more than the "
                f"{MAX_ROWS:,} rows or {MAX_CELLS:,} cells read from a sheet",
                hint="split the records into several workbooks, or remove empty formatted rows",
            )


def _check_string_count(
    name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> None:
    """Refuse a shared-strings part claiming more strings than its bytes can hold.

    calamine reserves memory for the claimed number before reading any: a 1 KiB file saying
    ``uniqueCount="4000000000"`` made it ask for 96 GB and abort the whole process. The part
    is found by its root element, whatever the workbook's relations name it.
    """
    for part in members:
        if not part.filename.endswith(".xml") or _SHEET_XML.match(part.filename):
            continue
        with archive.open(part) as stream:
            head = stream.read(4096)
        most = part.file_size // len(b"<si/>") + 1
        for match in _STRING_COUNT.finditer(head):
            if int(match.group(1)) > most:
                raise BadInput(
                    f"{name}: {part.filename} claims {int(match.group(1)):,} strings in "
                    f"{part.file_size:,} bytes: refused as damaged or hostile",
                    hint=_SAVE_HINT,
                )


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
