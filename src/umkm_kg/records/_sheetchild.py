"""The child process that reads a workbook's sheet with calamine (see :mod:`.xlsx`).

Run by path (``python -I _sheetchild.py MEMORY MAX_ROWS MAX_CELLS NAME...``), so it imports
nothing of the package; it first limits its address space to MEMORY bytes. The workbook's bytes
come on standard input, and standard output gets one JSON line ``{"sheet": ..., "height": ...,
"width": ..., "over": ...}`` (or ``{"error": ...}``), then, unless the sheet is over the caps,
one line ``[row number, [cell, ...]]`` per row of the used area. calamine is native code: should a
damaged file make it panic or ask for more memory than the child may use, only this process
dies, and the parent says the file could not be read.
"""

from __future__ import annotations

import datetime
import io
import json
import sys


def text(cell: object) -> str:
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


def main(argv: list[str]) -> int:
    import resource

    memory, max_rows, max_cells = (int(a) for a in argv[:3])
    names = {n.casefold() for n in argv[3:]}
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory = min(memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    from python_calamine import CalamineWorkbook

    out = sys.stdout
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
        sheets = workbook.sheet_names
        if not sheets:
            out.write(json.dumps({"error": "no sheet"}) + "\n")
            return 0
        chosen = next((n for n in sheets if n.strip().casefold() in names), sheets[0])
        sheet = workbook.get_sheet_by_name(chosen)
        last = sheet.end[0] + 1 if sheet.end else 0
        over = last > max_rows or sheet.height * sheet.width > max_cells
        head = {"sheet": chosen, "height": sheet.height, "width": sheet.width, "over": over}
        out.write(json.dumps(head, ensure_ascii=False) + "\n")
        if over:
            return 0
        # iter_rows starts at the sheet's first row, however far down the used area begins:
        # the empty rows above it are skipped.
        first = sheet.start[0] if sheet.start else 0
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            if number > first:
                out.write(json.dumps([number, [text(c) for c in cells]], ensure_ascii=False))
                out.write("\n")
    except Exception as exc:
        out.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300]}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
