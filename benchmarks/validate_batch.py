"""Validating CSV batches against a registry: in context (the default) versus the naive way.

    python benchmarks/validate_batch.py                    # registry 10,000; 100/1,000/10,000
    python benchmarks/validate_batch.py --registry 1000 --sizes 100,1000
    python benchmarks/validate_batch.py --naive shipped    # pySHACL as shipped (very slow)
    python benchmarks/validate_batch.py --naive-max 10000  # also time the naive 10,000 batch
    python benchmarks/validate_batch.py --no-registry-check  # skip checking the registry

The registry (``umkm_kg.synth``, as ``umkm-kg synth``: N enterprises and the kelurahan of Kota
Tangerang the bundled graph lacks) is loaded into the embedded store with the bundled article
data. It is first checked to conform to the shapes, in parts of 1,000 enterprises validated in
context as ``umkm-kg validate`` would (``--no-registry-check`` skips that). Each batch is a CSV
file of other synthetic enterprises with planted problems in about one row in ten (of every
kind: SHACL violations, unknown references, cells the mapping refuses), and the rows the
validator reports must be exactly the planted ones (the ``planted`` column). Two ways are timed,
each in its own forked process (so that the peak memory is the process's own):

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
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from _forked import in_child
from rdflib import Graph

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import RECORDS_GRAPH_PREFIX
from umkm_kg.query.results import QueryForm
from umkm_kg.synth import ntriples_chunks, write_registry
from umkm_kg.synth.reference import bundled_reference
from umkm_kg.validation import (
    PreparedQueryGraph,
    RecordBatch,
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


REGISTRY_SEED = 2016


def build_registry(count: int, folder: str) -> KnowledgeGraph:
    """The bundled graph plus ``count`` synthetic enterprises and their kelurahan."""
    kg = KnowledgeGraph.embedded(with_records=False)
    path = str(Path(folder) / "registry.nt")
    write_registry(path, enterprises=count, seed=REGISTRY_SEED)
    kg.store.load_file(path, RECORDS_GRAPH_PREFIX + "registry", ox.RdfFormat.N_TRIPLES)  # type: ignore[attr-defined]
    Path(path).unlink()
    return kg


def check_registry(count: int) -> dict[str, Any]:
    """Validate the registry against the shapes, 1,000 enterprises at a time, in context."""
    kg = KnowledgeGraph.embedded(with_records=False)
    places = bundled_reference().place_triples()
    kg.store.load_triples(places, RECORDS_GRAPH_PREFIX + "places")  # type: ignore[attr-defined]
    start = time.perf_counter()
    problems = records = 0
    for text in ntriples_chunks(count, REGISTRY_SEED, chunk=1000):
        batch = RecordBatch.of(Graph().parse(data=text, format="nt"), "registry")
        report = validate(batch, kg)
        problems += sum(len(r.problems) for r in report.records)
        records += batch.record_count
    return {"time": time.perf_counter() - start, "problems": problems, "records": records}


def planted_rows(manifest: Path) -> set[int]:
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return {int(json.loads(line)["row"]) for line in lines}


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
        "rows": {r.record.row for r in report.records},
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


def _child(work: Callable[[Any], dict[str, Any]], argument: Any, pipe: Any) -> None:
    pipe.send(work(argument))
    pipe.close()


def measure(work: Callable[[Any], dict[str, Any]], argument: Any) -> dict[str, Any]:
    """Run ``work`` in a forked child (it inherits the loaded graph) and return its figures."""
    return in_child(_child, work, argument)


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
    parser.add_argument(
        "--no-registry-check",
        action="store_true",
        help="do not check that the registry conforms to the shapes",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = tempfile.mkdtemp()
    bundled_reference()  # read once; the forked children inherit it
    if not args.no_registry_check:
        checked = measure(check_registry, args.registry)
        verdict = "conforms" if checked["problems"] == 0 else f"{checked['problems']} PROBLEMS"
        print(
            f"registry check: {checked['records']:,} records validated in context, 1,000 "
            f"enterprises at a time: {verdict} ({checked['time']:.1f} s)"
        )
        if checked["problems"]:
            sys.exit("the generated registry must conform to the shapes")

    start = time.perf_counter()
    kg = build_registry(args.registry, folder)
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
        f"{'SHACL':>6} | {'all viol.':>9} | {'planted':>7} | same results"
    )
    print(header)
    print("-" * len(header))
    try:
        for size in sizes:
            path = Path(folder) / f"batch-{size}.csv"
            manifest = Path(folder) / f"batch-{size}.broken.jsonl"
            write_registry(
                str(path),
                enterprises=size,
                seed=size,
                broken_ratio=0.1,
                manifest=str(manifest),
                # not read: the registry brought the kelurahan into the graph already
                places=str(Path(folder) / "batch.places.ttl"),
            )
            planted = planted_rows(manifest)
            runs = sorted((measure(in_context, str(path)) for _ in range(RUNS)), key=_time)
            fast = runs[len(runs) // 2]
            found = "exact" if fast["rows"] == planted else "NO"
            print(
                f"{size:>8,} | {'in context (fast evaluator)':<28} | {fast['time']:>8.2f} | "
                f"{fast['peak']:>8.0f} | {len(fast['keys']):>6} | {fast['violations']:>9} | "
                f"{found:>7} |",
                flush=True,
            )
            if found != "exact":
                print("  planted, not found:", sorted(planted - fast["rows"])[:5])
                print("  found, not planted:", sorted(fast["rows"] - planted)[:5])
            if args.naive == "off" or size > args.naive_max:
                print(f"{size:>8,} | {'naive':<28} | {'skipped (see --naive-max)':>38} |")
                continue
            slow = measure(naive, str(path))
            same = "yes" if slow["keys"] == fast["keys"] else "NO"
            ratio = slow["time"] / fast["time"]
            print(
                f"{size:>8,} | {'naive (whole graph)':<28} | {slow['time']:>8.2f} | "
                f"{slow['peak']:>8.0f} | {len(slow['keys']):>6} | {'':>9} | {'':>7} | "
                f"{same} ({ratio:.0f}x slower)",
                flush=True,
            )
            if same != "yes":
                print("  only in context:", sorted(fast["keys"] - slow["keys"])[:3])
                print("  only naive:     ", sorted(slow["keys"] - fast["keys"])[:3])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        "\nSHACL: the shapes' results for the batch's nodes (all severities); 'same results': both "
        "ways found exactly these.\nall viol.: what `umkm-kg validate` reports as violations "
        "(the shapes', plus unknown names, formula cells and unknown references found while "
        "mapping).\nplanted: the rows reported are exactly the rows with a planted problem "
        "(the generator's manifest).\npeak MiB: peak resident memory of the process that validated."
    )


if __name__ == "__main__":
    main()
