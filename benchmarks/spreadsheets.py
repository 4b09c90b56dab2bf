"""Reading records from an .xlsx workbook beside the same rows as CSV: time and peak memory.

    python benchmarks/spreadsheets.py                  # 1,000, 10,000 and 50,000 rows
    python benchmarks/spreadsheets.py --sizes 2000 --validate

The rows are a synthetic registry (``umkm-kg synth``), written once as CSV and once as an
.xlsx workbook (openpyxl, write-only). Each step runs in a forked child, so its peak resident
memory is its own (``peak MiB``: the larger of the child's and of the sheet reader's, the
process calamine runs in): ``read`` is the column mapping's reader (for a workbook: the zip
check, which unpacks every member once, then calamine in its own process),
``validate`` the whole ``umkm-kg validate`` path with the places file.
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from _forked import in_child

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records.csvcolumns import read_rows
from umkm_kg.records.rdfinput import read_input
from umkm_kg.synth import write_registry


def _inputs(folder: Path, size: int) -> tuple[Path, Path, Path]:
    rows_csv = folder / f"registry-{size}.csv"
    places = folder / f"registry-{size}.places.ttl"
    write_registry(str(rows_csv), enterprises=size, seed=11, places=str(places))
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("usaha")
    with rows_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    rows_xlsx = folder / f"registry-{size}.xlsx"
    book.save(rows_xlsx)
    return rows_csv, rows_xlsx, places


def _peak_mib() -> float:
    """The larger peak resident set of this process and of its children (the sheet reader)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _read(path: Path, pipe: Any) -> None:
    started = time.perf_counter()
    raw = read_input(str(path), max_bytes=1024**3)
    rows = len(read_rows(raw).rows)
    pipe.send({"seconds": time.perf_counter() - started, "rows": rows, "peak": _peak_mib()})


def _validate(path: Path, places: Path, pipe: Any) -> None:
    from umkm_kg.validation.files import validate_files

    kg = KnowledgeGraph.embedded()
    started = time.perf_counter()
    report = validate_files([str(places), str(path)], kg, max_bytes=1024**3)
    pipe.send(
        {
            "seconds": time.perf_counter() - started,
            "rows": report.record_count,
            "peak": _peak_mib(),
            "conforms": report.conforms,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--validate", action="store_true", help="also time umkm-kg validate")
    args = parser.parse_args()
    print(f"{'rows':>7} {'step':<9} {'input':<5} {'bytes':>12} {'s':>7} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory(prefix="umkm-bench-sheets-") as tmp:
        for size in args.sizes:
            rows_csv, rows_xlsx, places = _inputs(Path(tmp), size)
            steps = [("read", _read, ())]
            if args.validate:
                steps.append(("validate", _validate, (places,)))
            for step, target, extra in steps:
                for kind, path in (("csv", rows_csv), ("xlsx", rows_xlsx)):
                    figures = in_child(target, path, *extra)
                    assert figures["rows"] >= size, figures
                    print(
                        f"{size:>7,} {step:<9} {kind:<5} {path.stat().st_size:>12,} "
                        f"{figures['seconds']:>7.2f} {figures['peak']:>9.0f}"
                    )


if __name__ == "__main__":
    main()
