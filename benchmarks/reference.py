"""Cold start with the reference graph: wall time of whole ``umkm-kg`` commands, each in a new
process, and of reading the bundled reference file.

Run: ``python benchmarks/reference.py [REPEATS]``. Prints, for a fresh data folder: the first
command (which builds the store from the bundled files), then repeated cold commands on the
built store (``query run countries-ranked`` with and without its cached answer, ``validate`` of
a one-row CSV), and the in-memory graph (``KnowledgeGraph.embedded(with_records=False)``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV = "nama,lokasi,tujuan_ekspor,kategori\nBatik Uji,Larangan,Jepang; NL,batik\n"


def _run(args: list[str], data: Path) -> float:
    env = dict(os.environ, UMKM_KG_DATA=str(data), UMKM_KG_CACHE=str(data / "qcache"))
    env["PYTHONPATH"] = str(ROOT / "src")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "umkm_kg.cli", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=data,
    )
    return time.perf_counter() - started


def _median(args: list[str], data: Path, repeats: int, *, clear_cache: bool = False) -> float:
    times = []
    for _ in range(repeats):
        if clear_cache:
            for folder in (data / "cache").glob("*"):
                subprocess.run(["rm", "-rf", str(folder)], check=True)
        times.append(_run(args, data))
    return statistics.median(times)


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
        print(f"first command (builds the store): {_run(query, data):.2f} s")
        print(
            "query run countries-ranked, cold process, answer computed: "
            f"{_median(query, data, repeats, clear_cache=True):.2f} s (median of {repeats})"
        )
        print(
            "query run countries-ranked, cold process, cached answer: "
            f"{_median(query, data, repeats):.2f} s"
        )
        validate = ["validate", str(data / "one.csv")]
        env_ok = subprocess.run(
            [sys.executable, "-m", "umkm_kg.cli", "validate", str(data / "one.csv")],
            env=dict(os.environ, UMKM_KG_DATA=str(data), PYTHONPATH=str(ROOT / "src")),
            capture_output=True,
        ).returncode
        if env_ok in (0, 1):
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "umkm_kg.cli", *validate],
                    env=dict(os.environ, UMKM_KG_DATA=str(data), PYTHONPATH=str(ROOT / "src")),
                    capture_output=True,
                )
                times.append(time.perf_counter() - started)
            print(f"validate one CSV row, cold process: {statistics.median(times):.2f} s")
        mem = statistics.median(_in_memory() for _ in range(repeats))
        print(f"in-memory bundled graph (import + load): {mem:.2f} s")
        sizes = sum(f.stat().st_size for f in (data / "store").rglob("*") if f.is_file())
        print(f"store folder: {sizes / 2**20:.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
