"""A 1,000-record batch validated and added to a registry already in a data folder (issue 9).

    python benchmarks/add_1k.py --data COPY --size 100000             # 3 runs, refused + written
    python benchmarks/add_1k.py --data COPY --size 100000 --profile /tmp/add.prof

``COPY`` is a writable data folder holding ``umkm-kg synth --enterprises SIZE --seed 1`` (for
example a copy of one ``benchmarks/registry.py`` made); it is left as it was found: after each
run the generation it started from is restored (``umkm-kg records restore``). The batch is the
next 1,000 enterprises of the same synthetic registry, as ``benchmarks/registry.py`` makes it;
about a fifth of them are probable duplicates of known enterprises (same product, near name),
so ``umkm-kg add BATCH`` validates everything and refuses them, and ``add --allow-similar``
writes the batch. Each run is a fresh ``umkm-kg`` process (start-up included), timed in wall
and CPU seconds; the first run of a folder also builds its name cache
(``cache/name-index.bin``), so it is reported apart.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UMKM = [sys.executable, "-m", "umkm_kg.cli"]
NAME_CACHES = ("name-index.bin", "name-index.json")  # this version's and the one before


def make_batch(size: int, work: Path) -> Path:
    """The next 1,000 enterprises of ``umkm-kg synth --seed 1`` after the first ``size``."""
    more = work / f"more-{size}.csv"
    subprocess.run(
        [*UMKM, "synth", "--enterprises", str(size + 1000), "--seed", "1", "-o", str(more)],
        check=True,
        capture_output=True,
    )
    lines = more.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    batch = work / f"batch-{size}.csv"
    batch.write_text(lines[header] + "".join(lines[-1000:]), encoding="utf-8")
    return batch


def timed(command: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + system, of the child), exit code, last output line.

    On a machine shared with other work the wall time mostly measures the others; the CPU
    time is what the command itself spent."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, done.returncode, (done.stdout + done.stderr).strip().splitlines()[-1]


_STARTS: list[str] = []


def restore(data: Path, *, done: bool = False) -> None:
    """Note the current generation (before a run), or make it current again (``done``)."""
    current = (data / "store" / "CURRENT").read_text(encoding="ascii").strip()
    if not done:
        _STARTS.append(current)
        return
    start = _STARTS.pop()
    if current != start:
        command = [*UMKM, "--data-dir", str(data), "records", "restore", start]
        subprocess.run(command, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a writable data folder")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--batch", type=Path, help="the batch CSV (default: made with synth)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="cProfile one written add into this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        batch = args.batch or make_batch(args.size, Path(tmp))
        base = [*UMKM, "--data-dir", str(args.data), "add"]
        print("| run | add (refused: probable duplicates) | add --allow-similar | load |")
        print("|---|---|---|---|")
        cpu = "{:.2f} s ({:.2f} s CPU)".format
        first = not any((args.data / "cache" / n).exists() for n in NAME_CACHES)
        for run in range(args.runs):
            restore(args.data)
            refused, refused_cpu, code, _ = timed([*base, str(batch)])
            assert code == 1, f"expected the probable duplicates to be refused (exit {code})"
            written, written_cpu, code, last = timed([*base, "--allow-similar", str(batch)])
            assert code == 0 and last.startswith("added 1000 records"), last
            restore(args.data, done=True)
            label = "first (name cache cold)" if run == 0 and first else str(run + 1)
            load = f"{os.getloadavg()[0]:.2f}"
            both = f"{cpu(refused, refused_cpu)} | {cpu(written, written_cpu)}"
            print(f"| {label} | {both} | {load} |")
        if args.profile:
            restore(args.data)
            profiled = [sys.executable, "-m", "cProfile", "-o", str(args.profile)]
            written, _, code, last = timed(
                [*profiled, "-m", "umkm_kg.cli", *base[3:], "--allow-similar", str(batch)]
            )
            restore(args.data, done=True)
            print(f"profiled add --allow-similar: {written:.2f} s -> {args.profile}")


if __name__ == "__main__":
    main()
