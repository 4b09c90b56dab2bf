"""Validating CSV batches against a registry: in context (the default) versus the naive way.

    python benchmarks/validate_batch.py                    # registry 10,000; 100/1,000/10,000
    python benchmarks/validate_batch.py --registry 1000 --sizes 100,1000
    python benchmarks/validate_batch.py --naive shipped    # pySHACL as shipped (very slow)
    python benchmarks/validate_batch.py --naive-max 10000  # also time the naive 10,000 batch

The registry (``generate.py``: neighbourhoods of Kota Tangerang and N enterprises, mapped like
added records) is loaded into the embedded store with the bundled article data. Each batch is a
CSV file with planted problems. Two ways are timed, each in its own forked process (so that the
peak memory is the process's own):

- in context: ``read_batch`` + ``validate`` as ``umkm-kg validate`` runs them: the CSV mapped,
  the batch validated with the ontology and only the resources it refers to, by the fast
  evaluator of the shapes;
- naive: the same mapped batch validated by pySHACL over the whole graph plus the batch
  (with the prepared-query cache unless ``--naive shipped``), results kept for the batch's nodes.

Both must find the same SHACL results (focus node, path, value, component, shape, severity);
the last column says so. The naive way is slow (minutes at 10,000 enterprises), so by default it
is run only for batches of at most ``--naive-max`` records (1,000).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import generate

from umkm_kg.csvrecords import Triple, map_csv
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import RECORDS_GRAPH_PREFIX
from umkm_kg.rdfinput import RawInput, RecordFormat
from umkm_kg.resolver import Resolver
from umkm_kg.results import QueryForm
from umkm_kg.validation import (
    PreparedQueryGraph,
    compiled_shapes,
    context_graph,
    ontology_graph,
    read_batch,
    result_keys,
    run_shacl,
    shacl_report,
    validate,
)

KG_STATE: dict[str, Any] = {}
RUNS = 3


def _time(figures: dict[str, Any]) -> float:
    return float(figures["time"])


def build_registry(count: int) -> KnowledgeGraph:
    """The bundled graph plus ``count`` generated enterprises and their neighbourhoods."""
    kg = KnowledgeGraph.embedded(with_records=False)
    kg.store.load_triples(generate.places(), RECORDS_GRAPH_PREFIX + "places")  # type: ignore[attr-defined]
    triples: list[Triple] = []
    raw = RawInput("registry.csv", generate.registry_csv(count).encode(), RecordFormat.CSV)
    rows, _ = map_csv(raw, Resolver.from_kg(kg), triples)
    assert not any(r.problems for r in rows), "the generated registry must be valid"
    kg.store.load_triples(triples, RECORDS_GRAPH_PREFIX + "registry")  # type: ignore[attr-defined]
    return kg


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_context(path: str) -> dict[str, Any]:
    kg = KG_STATE["kg"]
    start = time.perf_counter()
    batch = read_batch([path], kg)
    report = validate(batch, kg)
    elapsed = time.perf_counter() - start
    peak = _peak_mib()
    context = context_graph(batch.triples, kg)
    raw, _ = shacl_report([ontology_graph(), context, batch.triples], set(batch.records))
    return {
        "time": elapsed,
        "peak": peak,
        "violations": report.violation_count,
        "keys": result_keys(raw),
    }


def naive(path: str) -> dict[str, Any]:
    kg = KG_STATE["kg"]
    shipped = KG_STATE["naive"] == "shipped"
    start = time.perf_counter()
    batch = read_batch([path], kg)
    whole = kg.store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", form=QueryForm.CONSTRUCT, max_rows=None
    ).graph
    from rdflib import Graph

    graph = Graph() if shipped else PreparedQueryGraph()
    for triple in whole:
        graph.add(triple)
    for triple in batch.triples:
        graph.add(triple)  # type: ignore[arg-type]
    report = run_shacl(graph)
    own = set(batch.records)
    from rdflib.namespace import SH

    for result in list(report.objects(None, SH.result)):
        if report.value(result, SH.focusNode) not in own:
            report.remove((None, SH.result, result))
    elapsed = time.perf_counter() - start
    return {"time": elapsed, "peak": _peak_mib(), "keys": result_keys(report)}


def _child(work: Callable[[str], dict[str, Any]], path: str, pipe: Any) -> None:
    pipe.send(work(path))
    pipe.close()


def measure(work: Callable[[str], dict[str, Any]], path: str) -> dict[str, Any]:
    """Run ``work`` in a forked child (it inherits the loaded graph) and return its figures."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, path, child))
    process.start()
    child.close()
    result: dict[str, Any] = parent.recv()
    process.join()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=int, default=10_000, help="enterprises in the graph")
    parser.add_argument("--sizes", default="100,1000,10000", help="batch sizes, comma-separated")
    parser.add_argument(
        "--naive",
        choices=("cached", "shipped", "off"),
        default="cached",
        help="the naive way: pySHACL with the prepared-query cache, as shipped, or not run",
    )
    parser.add_argument(
        "--naive-max", type=int, default=1000, help="largest batch the naive way is run for"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    start = time.perf_counter()
    kg = build_registry(args.registry)
    KG_STATE.update(kg=kg, naive=args.naive)
    triples = len(kg.store)  # type: ignore[arg-type]
    warm = time.perf_counter()
    compiled_shapes()  # parse the shapes and the ontology once, as a long-running process would
    warm = time.perf_counter() - warm
    print(
        f"registry: {args.registry:,} enterprises; graph {triples:,} triples "
        f"(built in {time.perf_counter() - start:.1f} s); baseline RSS {_rss_mib():.0f} MiB"
    )
    print(
        f"cpu: {os.cpu_count()} cores; naive = pySHACL {args.naive} over the whole graph; "
        f"shapes and ontology parsed once beforehand ({warm:.2f} s, paid once per process); "
        f"in context: median of {RUNS} runs\n"
    )
    header = (
        f"{'records':>8} | {'way':<28} | {'time s':>8} | {'peak MiB':>8} | "
        f"{'SHACL':>6} | {'all viol.':>9} | same results"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"batch-{size}.csv"
            path.write_text(generate.batch_csv(size), encoding="utf-8")
            runs = sorted((measure(in_context, str(path)) for _ in range(RUNS)), key=_time)
            fast = runs[len(runs) // 2]
            print(
                f"{size:>8,} | {'in context (fast evaluator)':<28} | {fast['time']:>8.2f} | "
                f"{fast['peak']:>8.0f} | {len(fast['keys']):>6} | {fast['violations']:>9} |",
                flush=True,
            )
            if args.naive == "off" or size > args.naive_max:
                print(f"{size:>8,} | {'naive':<28} | {'skipped (see --naive-max)':>38} |")
                continue
            slow = measure(naive, str(path))
            same = "yes" if slow["keys"] == fast["keys"] else "NO"
            ratio = slow["time"] / fast["time"]
            print(
                f"{size:>8,} | {'naive (whole graph)':<28} | {slow['time']:>8.2f} | "
                f"{slow['peak']:>8.0f} | {len(slow['keys']):>6} | {'':>9} | "
                f"{same} ({ratio:.0f}x slower)",
                flush=True,
            )
            if same != "yes":
                print("  only in context:", sorted(fast["keys"] - slow["keys"])[:3])
                print("  only naive:     ", sorted(slow["keys"] - fast["keys"])[:3])
    print(
        "\nSHACL: the shapes' results for the batch's nodes (all severities); 'same results': both "
        "ways found exactly these.\nall viol.: what `umkm-kg validate` reports as violations "
        "(the shapes', plus unknown names, formula cells and unknown references found while "
        "mapping).\npeak MiB: peak resident memory of the process that validated."
    )


if __name__ == "__main__":
    main()
