"""Command-line cold start, side by side: ``--version`` and ``query run countries-ranked`` in a
new process, for one or more source trees (e.g. this one and a worktree of an older commit).

Run: ``python benchmarks/coldstart.py [SRC ...] [--repeat N]`` (default: this tree's ``src``).
Each tree runs with ``PYTHONPATH=SRC``, the commands alternating between trees so that load on
the machine falls on all alike; prints the median wall time and CPU time (user + system, the
steadier figure on a shared machine) and their ratios to the first tree. The data folder is a
fresh one per tree, built by a first, unmeasured run; the query's answer cache stays on (the
second and later runs of ``query run`` read it), as it does for a user.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reference import _cpu  # CPU seconds of the children so far

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = (["--version"], ["query", "run", "countries-ranked"])


def _run(src: Path, data: Path, args: list[str]) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=str(src), UMKM_KG_DATA=str(data))
    started, cpu = time.perf_counter(), _cpu()
    subprocess.run(
        [sys.executable, "-m", "umkm_kg.cli", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="*", type=Path, default=[ROOT / "src"])
    parser.add_argument("--repeat", type=int, default=9)
    options = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as work:
        folders = {src: Path(work) / f"data{i}" for i, src in enumerate(options.src)}
        for src, data in folders.items():
            _run(src, data, ["query", "run", "countries-ranked"])  # builds the store
        for args in COMMANDS:
            figures: dict[Path, list[tuple[float, float]]] = {src: [] for src in options.src}
            for _ in range(options.repeat):
                for src, data in folders.items():
                    figures[src].append(_run(src, data, args))
            first = None
            for src, runs in figures.items():
                wall = statistics.median(w for w, _ in runs)
                cpu = statistics.median(c for _, c in runs)
                first = first or (wall, cpu)
                print(
                    f"umkm-kg {' '.join(args)}  [{src}]  wall {wall:.3f} s "
                    f"({wall / first[0]:.2f}x)  cpu {cpu:.3f} s ({cpu / first[1]:.2f}x)"
                )


if __name__ == "__main__":
    main()
