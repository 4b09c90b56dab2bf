"""Where a ``umkm-kg load`` goes, step by step: wall, CPU (this process's threads included) and
peak resident memory of each step of the command's own code path.

    python benchmarks/load_steps.py --data-dir EMPTY_DIR FILE [--validate]

The load runs as the command runs it (``load_records``, in this process); the steps are the
store's and the load's own functions, each timed when it is called (nested ones are shown
indented). Peak memory is the process's high-water mark, reset before each step
(``/proc/self/clear_refs``), so a step's figure is the most it held while it ran. Run it with
``PYTHONPATH=OLD/src`` and ``PYTHONPATH=NEW/src`` to compare two trees.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROWS: list[tuple[int, str, float, float, float]] = []
OPEN: list[float] = []
"""The highest resident memory seen so far by each step still running (outermost first)."""


def _hwm_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_hwm() -> None:
    seen = _hwm_mib()
    OPEN[:] = [max(peak, seen) for peak in OPEN]
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(owner: Any, name: str, label: str | None = None) -> None:
    """Replace ``owner.name`` with a wrapper that records a row per call."""
    original: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _step(label or name, lambda: original(*args, **kwargs))

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="+")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--validate", action="store_true")
    options = parser.parse_args()

    import umkm_kg.records.load as load
    import umkm_kg.store.disk as disk
    from umkm_kg.kg import KnowledgeGraph

    started, cpu0 = time.perf_counter(), _cpu()
    for owner, name in [
        (disk, "_write_bundled"),
        (disk, "_checkpoint"),
        (disk, "_describe"),
        (disk, "_compact_if_needed"),
        (disk, "_closed"),
        (disk, "_publish"),
        (disk, "_collect"),
        (disk.Transaction, "load"),
        (disk.Transaction, "extend"),
        (disk.DiskStore, "refresh"),
        (load, "_plain"),
        (load, "_fill"),
        (load, "count_enterprises"),
        (load, "provenance"),
    ]:
        if hasattr(owner, name):
            timed(owner, name)
    for name in ("_write_label_index", "_after_load", "build_label_index"):
        if hasattr(load, name):
            timed(load, name)

    def open_kg() -> KnowledgeGraph:
        return KnowledgeGraph.embedded(data_dir=options.data_dir, isolated=False)

    kg = _step("open the store (KnowledgeGraph.embedded)", open_kg)
    loaded = _step(
        "load_records",
        lambda: load.load_records(kg, options.file, options.data_dir, validate=options.validate),
    )
    total = time.perf_counter() - started
    print(f"loaded {loaded.quads:,} quads into {loaded.graph}")
    print(f"{'step':<48} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}")
    for depth, label, wall, cpu, peak in ROWS:
        print(f"{'  ' * depth + label:<48} {wall:8.2f} {cpu:8.2f} {peak:9.0f}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"{'whole run':<48} {total:8.2f} {_cpu() - cpu0:8.2f} {usage.ru_maxrss / 1024:9.0f}"
        f"  (load average {os.getloadavg()[0]:.2f})"
    )


def _step(label: str, call: Callable[[], Any]) -> Any:
    depth = len(OPEN)
    _reset_hwm()
    OPEN.append(0.0)
    row = len(ROWS)
    ROWS.append((depth, label, 0.0, 0.0, 0.0))
    wall, cpu = time.perf_counter(), _cpu()
    try:
        return call()
    finally:
        seconds, used = time.perf_counter() - wall, _cpu() - cpu
        peak = max(OPEN.pop(), _hwm_mib())
        if OPEN:
            OPEN[-1] = max(OPEN[-1], peak)
        ROWS[row] = (depth, label, seconds, used, peak)


if __name__ == "__main__":
    main()
