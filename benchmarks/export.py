"""Dumping a registry in every RDF format, beside pyoxigraph's own ``Store.dump``.

    python benchmarks/export.py                  # a registry of 10,000 enterprises
    python benchmarks/export.py 100000 --formats nt,nq,ttl,trig
    python benchmarks/export.py 10000 --run-mib 8  # smaller sorted runs: more of them to merge
    python benchmarks/export.py 10000 --repeat 3   # the fastest of three runs of each
    python benchmarks/export.py --data-dir DIR     # the store of a data folder, read-only

The registry (:mod:`umkm_kg.synth`, seed 2016: N enterprises shaped like added records and the
kelurahan they are in, ~54 triples each, as N-Quads) is bulk-loaded with the bundled ontology and
article into an on-disk pyoxigraph store in a temporary folder. Each
format is then dumped by ``write_export`` (with the ontology and the shapes, as ``umkm-kg export
--with-ontology --with-shapes -o FILE`` does) in a fresh process, which reports its time and
its peak memory (``getrusage``'s maximum resident set, and how much of it came after the store
was opened). ``raw`` is pyoxigraph's ``Store.dump`` of the whole store as N-Quads (``raw-trig``
and ``raw-jsonld``: as TriG and expanded JSON-LD, for the writers of those formats); the last
columns are each time (wall, and CPU: user + system) over that's. With ``--data-dir``, the current
generation of that folder's store is opened read-only instead (``raw`` then dumps everything
in it, the reference graph too, which the exports leave out).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import pyoxigraph as ox

from umkm_kg import resources
from umkm_kg.formats import RdfFormat
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import ARTICLE_GRAPH, ONTOLOGY_GRAPH
from umkm_kg.publish.export import GraphSelection, write_export
from umkm_kg.store import EmbeddedStore
from umkm_kg.synth import write_registry


def build(count: int, folder: Path) -> Path:
    """An on-disk store of the bundled graphs plus ``count`` synthetic enterprises."""
    registry = folder / "registry.nq"
    write_registry(str(registry), enterprises=count, seed=2016)
    path = folder / "store"
    store = ox.Store(str(path))
    store.bulk_load(
        path=str(resources.ONTOLOGY),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)),
    )
    store.bulk_load(
        path=str(resources.DATA),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(ARTICLE_GRAPH)),
    )
    store.bulk_load(path=str(registry), format=ox.RdfFormat.N_QUADS)
    registry.unlink()
    store.flush()
    del store
    return path


def _peak_mib() -> float:
    """This process's peak resident memory (Linux's VmHWM, which, unlike getrusage's
    ru_maxrss, does not carry the parent's peak over ``exec``)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_RAW = {
    "raw": ox.RdfFormat.N_QUADS,
    "raw-trig": ox.RdfFormat.TRIG,
    "raw-jsonld": ox.RdfFormat.JSON_LD,
}
"""pyoxigraph's own writers: ``Store.dump`` of the whole store, in store order, not compacted."""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_one(fmt: str, store_path: str, out: str, run_mib: float) -> dict[str, Any]:
    """Time one dump in this process; the figures the parent prints."""
    store = EmbeddedStore(ox.Store.read_only(store_path))
    base = _peak_mib()
    cpu = _cpu()
    started = time.perf_counter()
    if fmt.startswith("raw"):
        store.oxigraph.dump(out, _RAW[fmt])
    else:
        with open(out, "wb") as stream:
            write_export(
                KnowledgeGraph(store),
                RdfFormat.parse_name(fmt),
                stream,
                GraphSelection.ALL,
                with_ontology=True,
                with_shapes=True,
                run_bytes=int(run_mib * 1024 * 1024),
                temp_dir=Path(out).parent,
            )
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu
    peak = _peak_mib()
    store.close()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak": peak,
        "after_open": peak - base,
        "bytes": Path(out).stat().st_size,
    }


def measure(fmt: str, store: Path, folder: Path, run_mib: float, repeat: int) -> dict[str, Any]:
    """Run one dump ``repeat`` times, each in a fresh process; the figures of the fastest.

    The fastest run is the one least slowed by other work on the machine; its CPU time (user
    and system) is reported beside, as the figure that other work changes least.
    """
    runs = []
    for _ in range(repeat):
        out = folder / f"dump.{fmt}"
        done = subprocess.run(
            [sys.executable, __file__, "--child", fmt, str(store), str(out), str(run_mib)],
            capture_output=True,
            text=True,
            check=True,
        )
        out.unlink()
        runs.append(json.loads(done.stdout))
    best: dict[str, Any] = min(runs, key=lambda r: r["seconds"])
    best["cpu"] = min(r["cpu"] for r in runs)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument(
        "--formats",
        default="nt,nq,ttl,trig,jsonld",
        help="comma-separated (also: xml, and raw-trig, raw-jsonld: pyoxigraph's own writers)",
    )
    parser.add_argument(
        "--run-mib", type=float, default=64.0, help="MiB of lines per sorted run (default 64)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per format; the fastest is shown (default 1)"
    )
    parser.add_argument("--data-dir", type=Path, help="dump this data folder's store (read-only)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        build(args.count, Path(args.build))
        return
    if args.child:
        fmt, store, out, run_mib = args.child
        print(json.dumps(run_one(fmt, store, out, float(run_mib))))
        return
    with tempfile.TemporaryDirectory(prefix="umkm-kg-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        if args.data_dir:
            stores = args.data_dir / "store"
            store = stores / (stores / "CURRENT").read_text().strip()
            what = str(store)
        else:
            # built in its own process, so that this one stays small
            subprocess.run([sys.executable, __file__, str(args.count), "--build", tmp], check=True)
            store = folder / "store"
            what = f"{args.count:,} enterprises"
        triples = len(ox.Store.read_only(str(store)))
        print(
            f"registry of {what}: {triples:,} quads "
            f"(built in {time.perf_counter() - started:.1f} s); runs of {args.run_mib:g} MiB"
        )
        header = (
            f"{'format':<8} | {'seconds':>8} | {'cpu s':>7} | {'MB out':>8} | {'peak MiB':>9} | "
            f"{'after open':>10} | {'x raw':>6} | {'cpu x raw':>9}"
        )
        print(header)
        print("-" * len(header))
        raw = measure("raw", store, folder, args.run_mib, args.repeat)
        for fmt in ["raw", *args.formats.split(",")]:
            f = raw if fmt == "raw" else measure(fmt, store, folder, args.run_mib, args.repeat)
            print(
                f"{fmt:<8} | {f['seconds']:>8.2f} | {f['cpu']:>7.2f} | {f['bytes'] / 1e6:>8.1f} | "
                f"{f['peak']:>9.0f} | {f['after_open']:>10.0f} | "
                f"{f['seconds'] / raw['seconds']:>6.2f} | {f['cpu'] / raw['cpu']:>9.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
