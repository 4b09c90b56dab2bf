"""Cold start with the reference graph: wall time of whole ``umkm-kg`` commands, each in a new
process, and of reading the bundled reference file.

Run: ``python benchmarks/reference.py [REPEATS]``. Prints, for a fresh data folder: the first
command (which builds the store from the bundled files), then repeated cold commands on the
built store (``query run countries-ranked`` with and without its cached answer, ``validate`` of
a one-row CSV), and the in-memory graph (``KnowledgeGraph.embedded(with_records=False)``).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV = "nama,lokasi,tujuan_ekspor,kategori\nBatik Uji,Larangan,Jepang; NL,batik\n"


CPU: list[float] = []
"""CPU seconds (user + system) of each command run, beside its wall time: steadier than the
wall time on a shared machine."""


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(args: list[str], data: Path, *, check: bool = True) -> float:
    env = dict(os.environ, UMKM_KG_DATA=str(data), UMKM_KG_CACHE=str(data / "qcache"))
    env["PYTHONPATH"] = str(ROOT / "src")
    started, cpu = time.perf_counter(), _cpu()
    subprocess.run(
        [sys.executable, "-m", "umkm_kg.cli", *args],
        env=env,
        check=check,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=data,
    )
    CPU.append(_cpu() - cpu)
    return time.perf_counter() - started


def _median(
    args: list[str], data: Path, repeats: int, *, clear_cache: bool = False, check: bool = True
) -> str:
    """Median wall and CPU seconds of ``repeats`` runs, as text."""
    times = []
    CPU.clear()
    for _ in range(repeats):
        if clear_cache:
            for folder in (data / "cache").glob("*"):
                subprocess.run(["rm", "-rf", str(folder)], check=True)
        times.append(_run(args, data, check=check))
    return f"{statistics.median(times):.2f} s wall, {statistics.median(CPU):.2f} s CPU"


def _in_memory() -> float:
    code = (
        "import time; t = time.perf_counter(); from umkm_kg.kg import KnowledgeGraph; "
        "KnowledgeGraph.embedded(with_records=False); print(time.perf_counter() - t)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout)


def main(repeats: int = 5) -> None:
    with tempfile.TemporaryDirectory(prefix="umkm-ref-bench-") as tmp:
        data = Path(tmp)
        (data / "one.csv").write_text(CSV, encoding="utf-8")
        query = ["query", "run", "countries-ranked"]
        print(
            f"first command (builds the store): {_run(query, data):.2f} s wall, {CPU[-1]:.2f} s CPU"
        )
        computed = _median(query, data, repeats, clear_cache=True)
        print(f"query run countries-ranked, answer computed: {computed} (median of {repeats})")
        print(f"query run countries-ranked, cached answer: {_median(query, data, repeats)}")
        validate = ["validate", str(data / "one.csv")]  # exit 1 before the reference graph
        print(f"validate one CSV row: {_median(validate, data, repeats, check=False)}")
        mem = statistics.median(_in_memory() for _ in range(repeats))
        print(f"in-memory bundled graph (import + load): {mem:.2f} s")
        sizes = sum(f.stat().st_size for f in (data / "store").rglob("*") if f.is_file())
        print(f"store folder: {sizes / 2**20:.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
