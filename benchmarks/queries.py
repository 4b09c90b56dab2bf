"""Every saved query against a registry of N enterprises: cold, warm, and the raw engine beside.

    python benchmarks/queries.py                 # 10,000 enterprises
    python benchmarks/queries.py 100000 --no-cold
    python benchmarks/queries.py 1000 --only search-labels,consistency-check

The registry (``generate.py``: the neighbourhoods of Kota Tangerang and N enterprises, mapped
like added records) is loaded with the bundled data into pyoxigraph in memory. For each query:

- cold: ``KnowledgeGraph.run`` once in a fresh process (the registry loaded from an N-Quads
  dump first, not timed): the query's own first-run costs, parser import and catalogue included;
- warm: the median of ``--runs`` runs of ``KnowledgeGraph.run`` in this process (parameter
  checks, guard, binding, engine, results);
- raw: the median of as many runs of the same bound text straight on ``pyoxigraph.Store.query``,
  results drained; ``ratio`` is warm / raw, what the library adds.

Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).parent))

import generate

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import RECORDS_GRAPH_PREFIX
from umkm_kg.query.catalogue import SavedQuery
from umkm_kg.query.graphvalues import GraphValues
from umkm_kg.records.csvrecords import Triple, map_csv
from umkm_kg.records.rdfinput import RawInput, RecordFormat
from umkm_kg.records.resolver import Resolver
from umkm_kg.store import EmbeddedStore


def build_registry(count: int) -> KnowledgeGraph:
    """The bundled graph plus ``count`` generated enterprises and their neighbourhoods."""
    kg = KnowledgeGraph.embedded(with_records=False)
    store = kg.store
    assert isinstance(store, EmbeddedStore)
    store.load_triples(generate.places(), RECORDS_GRAPH_PREFIX + "places")
    triples: list[Triple] = []
    raw = RawInput("registry.csv", generate.registry_csv(count).encode(), RecordFormat.CSV)
    rows, _ = map_csv(raw, Resolver.from_kg(kg), triples)
    assert not any(r.problems for r in rows), "the generated registry must be valid"
    store.load_triples(triples, RECORDS_GRAPH_PREFIX + "registry")
    return kg


def raw_run(store: ox.Store, sparql: str) -> int:
    """Run ``sparql`` on the engine itself and drain the answer; return the number of items."""
    answer = store.query(sparql, use_default_graph_as_union=True)
    if isinstance(answer, ox.QueryBoolean):
        return 1
    return sum(1 for _ in answer)  # type: ignore[union-attr]


def median_time(action: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold(dump: Path, name: str) -> None:
    """In a fresh process: load the dump, then time one run of ``name`` (printed in seconds)."""
    store = EmbeddedStore()
    store.oxigraph.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    kg = KnowledgeGraph(store)
    start = time.perf_counter()
    kg.run(name, max_rows=None)
    print(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000, help="enterprises")
    parser.add_argument("--runs", type=int, default=5, help="warm runs (median)")
    parser.add_argument("--only", help="comma-separated query names")
    parser.add_argument("--no-cold", action="store_true", help="skip the fresh-process runs")
    parser.add_argument("--cold", nargs=2, metavar=("DUMP", "NAME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        cold(Path(args.cold[0]), args.cold[1])
        return
    start = time.perf_counter()
    kg = build_registry(args.count)
    store = kg.store
    assert isinstance(store, EmbeddedStore)
    print(
        f"registry of {args.count:,} enterprises: {len(store):,} quads, "
        f"built in {time.perf_counter() - start:.1f} s",
        flush=True,
    )
    names = args.only.split(",") if args.only else kg.catalogue.names()
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "registry.nq"
        if not args.no_cold:
            store.oxigraph.dump(str(dump), format=ox.RdfFormat.N_QUADS)
        print(f"{'query':<28}{'cold s':>9}{'warm s':>9}{'raw s':>9}{'ratio':>7}{'rows':>8}")
        for name in names:
            saved = kg.catalogue.get(name)
            cold_s = "-"
            if not args.no_cold:
                done = subprocess.run(
                    [sys.executable, __file__, "--cold", str(dump), name],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                cold_s = f"{float(done.stdout.split()[-1]):.3f}"
            result = kg.run(saved, max_rows=None)
            warm = median_time(lambda s=saved: kg.run(s, max_rows=None), args.runs)
            sparql = bound_text(kg, saved)
            raw = median_time(lambda q=sparql: raw_run(store.oxigraph, q), args.runs)
            print(
                f"{name:<28}{cold_s:>9}{warm:>9.3f}{raw:>9.3f}{warm / raw:>7.1f}{len(result):>8}",
                flush=True,
            )


def bound_text(kg: KnowledgeGraph, saved: SavedQuery) -> str:
    """The text ``kg.run`` sends to the engine for the query's defaults."""
    return saved.sparql(saved.bind({}, GraphValues(kg.store)))


if __name__ == "__main__":
    main()
