"""Saved queries on a data directory's on-disk store: an older text of each beside the current.

    python benchmarks/queries_disk.py /work/s100k/data2 --before /work/main/queries
    python benchmarks/queries_disk.py DATA --only owners,export-claims --no-cold

Read-only: the current generation is opened with pyoxigraph's read-only mode and the result
cache is not used (nothing is written into DATA). For each query (default parameters, or
``name?param=value``):

- before: the raw engine on the text in ``--before`` (another checkout's ``queries/``), if any;
- raw: the raw engine (``pyoxigraph.Store.query``, ORDER BY in the engine, rows drained) on
  the current text;
- library: ``DiskStore.query`` in this process (rows converted, the final ORDER BY in Python);
- cold: one ``KnowledgeGraph.run`` in a fresh process, cache bypassed (imports, opening the
  store, parameter checks included);
- same: the library's rows equal the engine's (both texts, when ``--before`` is given).

Each figure is one run, wall seconds then CPU seconds of this process: the machine this was
written on is shared, and CPU time says more than wall time there. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.catalogue import SavedQuery
from umkm_kg.query.graphvalues import GraphValues
from umkm_kg.query.queryfile import load_query_file
from umkm_kg.query.results import term_from_oxigraph
from umkm_kg.resources import QUERIES
from umkm_kg.store.disk import DiskStore

SLOW = [
    "countries-ranked",
    "export-claims",
    "exporters-by-country",
    "products-without-maker",
    "places-as-written",
    "owners",
    "enterprises-by-category",
    "enterprises-by-category?category=kg:category-fashion",
    "consistency-check",
]


def timed(action: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def engine_rows(store: ox.Store, sparql: str) -> Any:
    """The engine's answer as comparable rows (rdflib terms), or its boolean."""
    answer = store.query(sparql, use_default_graph_as_union=True)
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return [
        {n: term_from_oxigraph(v) for n, v in zip(names, row, strict=True) if v is not None}
        for row in answer
    ]


def bound(saved: SavedQuery, params: dict[str, str], store: DiskStore) -> str:
    return saved.sparql(saved.bind(params, GraphValues(store)))


def split(spec: str) -> tuple[str, dict[str, str]]:
    name, _, query = spec.partition("?")
    return name, dict(p.split("=", 1) for p in query.split("&") if p)


def cold(data: Path, spec: str) -> None:
    """In a fresh process: open the store and run ``spec`` once, cache bypassed; print seconds."""
    start = time.perf_counter()
    name, params = split(spec)
    store = DiskStore(data / "store")
    kg = KnowledgeGraph(store)
    saved = kg.catalogue.get(name)
    store.query(bound(saved, params, store), form=saved.form, timeout=None, max_rows=None)
    print(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="a data directory (read only)")
    parser.add_argument("--before", type=Path, help="a folder of older query texts")
    parser.add_argument("--only", help="comma-separated queries (name or name?param=value)")
    parser.add_argument("--no-cold", action="store_true", help="skip the fresh-process runs")
    parser.add_argument("--cold", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        cold(args.data, args.cold)
        return
    store = DiskStore(args.data / "store")
    raw = store.oxigraph
    print(f"{args.data}: generation {store.generation.name}, {len(raw):,} quads")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"{'query':<52}{'before s':>14}{'raw s':>14}{'library s':>14}{'cold s':>8}{'rows':>8}  same"
    )
    for spec in args.only.split(",") if args.only else SLOW:
        name, params = split(spec)
        saved = load_query_file(QUERIES / f"{name}.rq")
        sparql = bound(saved, params, store)
        before_s, same = "-", True
        if args.before is not None:
            old = bound(load_query_file(args.before / f"{name}.rq"), params, store)
            before, wall, cpu = timed(lambda o=old: engine_rows(raw, o))
            before_s = f"{wall:.2f}/{cpu:.2f}"
        now, raw_wall, raw_cpu = timed(lambda s=sparql: engine_rows(raw, s))
        got, lib_wall, lib_cpu = timed(
            lambda s=sparql, f=saved.form: store.query(s, form=f, timeout=None, max_rows=None)
        )
        answer = got.boolean if got.boolean is not None else got.rows
        same = answer == now and (args.before is None or before == now)
        cold_s = "-"
        if not args.no_cold:
            done = subprocess.run(
                [sys.executable, __file__, str(args.data), "--cold", spec],
                capture_output=True,
                text=True,
                check=True,
            )
            cold_s = f"{float(done.stdout.split()[-1]):.2f}"
        rows = 1 if isinstance(now, bool) else len(now)
        print(
            f"{spec:<52}{before_s:>14}{raw_wall:>8.2f}/{raw_cpu:<5.2f}"
            f"{lib_wall:>8.2f}/{lib_cpu:<5.2f}{cold_s:>8}{rows:>8}  {same}",
            flush=True,
        )
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
