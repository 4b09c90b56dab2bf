"""How fast ``umkm-kg synth`` writes registries: time, peak memory and file size per format.

    python benchmarks/synth.py                        # 10,000 and 100,000 enterprises
    python benchmarks/synth.py --sizes 1000000 --formats nq

Each registry is written by ``umkm_kg.synth.write_registry`` in a forked process (so the peak
resident memory is that process's own), into a temporary folder that is removed afterwards.
The reference data (the bundled graph's countries and categories) is read before the timing,
as it is once per process. The file size counts the places file written beside a CSV. ``per s``
is enterprises per second of wall time; ``cpu s`` (user + system) tells what a busy machine or
a slow disk added.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _forked import in_child

from umkm_kg.synth import write_registry
from umkm_kg.synth.reference import bundled_reference


def _run(path: str, size: int, pipe: Any) -> None:
    start = time.perf_counter()
    summary = write_registry(path, enterprises=size, seed=1)
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    files = [path] + ([summary.places_path] if summary.places_path else [])
    pipe.send(
        {
            "time": elapsed,
            "cpu": usage.ru_utime + usage.ru_stime,
            "peak": usage.ru_maxrss / 1024,
            "bytes": sum(os.path.getsize(f) for f in files),
            "triples": summary.triples,
        }
    )
    pipe.close()


def measure(path: str, size: int) -> dict[str, Any]:
    """Write one registry in a forked child and return its figures."""
    return in_child(_run, path, size)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="enterprises, comma-separated")
    parser.add_argument("--formats", default="nq,nt,ttl,csv", help="formats, comma-separated")
    args = parser.parse_args(argv)
    bundled_reference()  # read once, as a long-running process would; forks inherit it
    print(f"cpu: {os.cpu_count()} cores; python {sys.version.split()[0]}; seed 1\n")
    header = (
        f"{'enterprises':>11} | {'format':<6} | {'time s':>7} | {'cpu s':>6} | {'per s':>8} | "
        f"{'peak MiB':>8} | {'file MiB':>8} | {'triples':>11}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            for fmt in args.formats.split(","):
                path = str(Path(folder) / f"registry-{size}.{fmt}")
                f = measure(path, size)
                triples = f"{f['triples']:>11,}" if f["triples"] else f"{'(mapped)':>11}"
                print(
                    f"{size:>11,} | {fmt:<6} | {f['time']:>7.2f} | {f['cpu']:>6.2f} | "
                    f"{size / f['time']:>8,.0f} | "
                    f"{f['peak']:>8.0f} | {f['bytes'] / 2**20:>8.1f} | {triples}",
                    flush=True,
                )
                for leftover in Path(folder).iterdir():
                    leftover.unlink()


if __name__ == "__main__":
    main()
