"""The HTML pages of ``umkm-kg serve`` over a registry of N enterprises: time and size of each.

    python benchmarks/web_pages.py                # 10,000 enterprises
    python benchmarks/web_pages.py 100000 --runs 3 --keep /tmp/registry-100k   # reused next time

The registry (``umkm-kg synth``) is loaded with ``umkm-kg load --no-validate`` into a data
folder, opened as ``umkm-kg serve`` opens it (the disk store with a pool of query processes;
``--memory``: the bundled data and the registry in memory instead), and the app is called
in-process through Starlette's TestClient (no network). Each page is fetched once cold (its
queries' first run: parsing, labels, the per-version caches filled) and ``--runs`` times warm;
the figures are the cold time, the median warm time and the page's size, which must stay
bounded whatever N is (every list is paged). Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from validate_batch import build_registry

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.web import WebSettings, create_app

PAGES = (
    ("home", "/"),
    ("query list", "/queries"),
    ("query form", "/queries/exporters-by-country"),
    ("query run", "/queries/exporters-by-country?country=kg:country-my&run=1"),
    ("query run p.2", "/queries/exporters-by-country?country=kg:country-my&run=1&page=2"),
    ("download csv", "/queries/exporters-by-country?country=kg:country-my&format=csv"),
    ("chart query", "/queries/countries-ranked?run=1"),
    ("search", "/search?q=batik"),
    ("editor", "/editor?query=SELECT%20%3Fe%20WHERE%20%7B%20%3Fe%20a%20umkm%3AEnterprise%20%7D"),
    ("resource", "/id/enterprise-haura-hijab"),
    ("country page", "/id/country-my"),
    ("country p.5", "/id/country-my?page=5"),
    ("country ttl", "/id/country-my.ttl"),
    ("ontology", "/ontology"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory", action="store_true", help="the in-memory store")
    parser.add_argument("--keep", metavar="DIR", help="load the registry into DIR, or reuse it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or temporary
        started = time.perf_counter()
        kg = build_registry(args.count, folder) if args.memory else _disk(args.count, folder)
        store = "in memory" if args.memory else "on disk"
        print(
            f"registry of {args.count:,} enterprises loaded {store} in "
            f"{time.perf_counter() - started:.1f} s"
        )
        _measure(kg, args.runs)
        kg.close()


def _disk(count: int, folder: str) -> KnowledgeGraph:
    from umkm_kg.web.server import open_graph

    registry, data = Path(folder) / "registry.nt", Path(folder) / "data"
    cli = [sys.executable, "-m", "umkm_kg.cli"]
    if not data.exists():
        subprocess.run([*cli, "synth", "-n", str(count), "-o", str(registry)], check=True)
        subprocess.run(
            [*cli, "--data-dir", str(data), "load", "--no-validate", str(registry)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        registry.unlink()
    return open_graph(data, workers=2)


def _measure(kg: Any, runs: int) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(create_app(kg, settings=WebSettings()), base_url="http://127.0.0.1")
    print(f"{'page':<16} {'status':>6} {'cold s':>8} {'warm s':>8} {'KiB':>8}")
    for name, url in PAGES:
        start = time.perf_counter()
        answer = client.get(url)
        first = time.perf_counter() - start
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        print(
            f"{name:<16} {answer.status_code:>6} {first:>8.3f} "
            f"{statistics.median(times):>8.3f} {len(answer.content) / 1024:>8.1f}"
        )


if __name__ == "__main__":
    main()
