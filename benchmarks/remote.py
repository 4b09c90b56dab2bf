"""Load time, server memory and saved-query latency: Virtuoso, Oxigraph server, embedded store.

    python benchmarks/remote.py 10000                 # all three, with result comparison
    python benchmarks/remote.py 100000 --compare
    python benchmarks/remote.py 1000000 --load-only   # load time and memory only
    python benchmarks/remote.py 10000 --servers virtuoso --virtuoso-gsp  # GSP beside bulk

A synthetic registry of N enterprises (``umkm-kg synth``, N-Quads, seed 2016) is written once
into the work folder (``--work``, kept between runs: the file is reused when present), then

- **embedded**: ``umkm-kg load FILE --no-validate`` into a fresh data folder, in a child
  process (its wall time and peak RSS), then the saved queries from this process through
  ``KnowledgeGraph.embedded`` (the disk store, read-only);
- **oxigraph**: a fresh ``oxigraph serve`` on loopback, filled by ``push`` over the Graph Store
  Protocol (``--chunk`` triples per request);
- **virtuoso**: a fresh Virtuoso 7.2 (``NumberOfBuffers`` = ``--buffers``), filled by
  ``push --bulk-dir`` (``ld_dir`` + ``rdf_loader_run()`` in ``--loaders`` sessions +
  ``checkpoint``), and with ``--virtuoso-gsp`` a second fresh instance by Graph Store requests.

Each push is the union of the store's graphs into one target graph, read from the same disk
store. Server memory is the server process's resident set after loading (``VmRSS``) and its
peak (``VmHWM``), from ``/proc``; for the embedded store "RSS after" is this process's after
its queries and "peak" the loading child's; disk is the size of the server's database
folder. Each saved query runs once to warm up, then three times; the median is printed (end
to end through umkm-kg: HTTP, JSON parsing and rdflib terms included). With ``--compare``
each server's answers are compared with the embedded store's as RDF terms
(``tests/remote_compare.py``).
Servers run on free loopback ports and are stopped by pid when the script ends.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from remote_compare import difference  # noqa: E402
from servers import SparqlServer, start_oxigraph, start_virtuoso  # noqa: E402
from umkm_kg.errors import QueryTimeout, ResourceLimit, UmkmError  # noqa: E402
from umkm_kg.kg import KnowledgeGraph  # noqa: E402
from umkm_kg.publish.push import BulkLoader, push  # noqa: E402
from umkm_kg.query.catalogue import SavedQuery, load_catalogue  # noqa: E402
from umkm_kg.query.graphvalues import GraphValues  # noqa: E402
from umkm_kg.query.results import QueryResult  # noqa: E402
from umkm_kg.store.remote import RemoteStore  # noqa: E402

GRAPH = "https://w3id.org/umkm-kg/graph/all"
SEED = 2016
QUERY_TIMEOUT = 300.0
"""Seconds a saved query may take (then reported as timed out); ``--query-timeout``."""
SLOW = 20.0
"""Seconds past which a query's first run is its figure (marked *), not repeated three times."""


@dataclass
class Engine:
    """One engine's figures."""

    name: str
    load_s: float = 0.0
    rss_mib: float = 0.0
    peak_mib: float = 0.0
    disk_mib: float = 0.0
    triples: int = 0
    latency: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    same: dict[str, str] = field(default_factory=dict)
    results: dict[str, QueryResult] = field(default_factory=dict)
    once: set[str] = field(default_factory=set)
    failed: str = ""
    stopped: dict[str, str] = field(default_factory=dict)
    """Queries stopped by the time or memory limit, and which."""


def main() -> None:
    global QUERY_TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("enterprises", type=int)
    parser.add_argument("--servers", default="embedded,oxigraph,virtuoso")
    parser.add_argument("--work", type=Path, default=Path("/tmp/umkm-bench-remote"))
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--chunk", type=int, default=100_000, help="triples per GSP request")
    parser.add_argument("--buffers", type=int, default=680_000, help="Virtuoso NumberOfBuffers")
    parser.add_argument("--loaders", type=int, default=2, help="Virtuoso rdf_loader_run sessions")
    parser.add_argument("--virtuoso-gsp", action="store_true")
    parser.add_argument("--query-timeout", type=float, default=QUERY_TIMEOUT)
    parser.add_argument(
        "--min-free-gib",
        type=float,
        default=6.0,
        help="stop Oxigraph server's push when the disk has less free (default 6 GiB)",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=None,
        help="row cap of each saved query (default: none; 10000, the command line's, at 1M: "
        "uncapped listings of 1.8M rows do not fit in memory)",
    )
    args = parser.parse_args()
    QUERY_TIMEOUT = args.query_timeout
    wanted = args.servers.split(",")
    args.work.mkdir(parents=True, exist_ok=True)
    data_dir = args.work / f"data-{args.enterprises}"
    registry = _registry(args.work, args.enterprises, data_dir)
    engines: list[Engine] = []
    embedded = _load_embedded(registry, data_dir)
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    answers = args.work / f"embedded-{args.enterprises}-{args.max_rows}.pickle"
    if "embedded" in wanted:
        engines.append(embedded)
        if not args.load_only:
            _queries(embedded, kg, None, args.max_rows, progress=answers)
            embedded.rss_mib = _memory(os.getpid())[0]  # peak_mib stays the load's
    elif args.compare and answers.exists():  # the embedded store's answers of an earlier run
        embedded.results = pickle.loads(answers.read_bytes())["results"]
        print(f"embedded: answers read from {answers}", flush=True)
    with ExitStack() as stack:
        if "oxigraph" in wanted:
            server = stack.enter_context(start_oxigraph())
            with _disk_guard(server, args.min_free_gib):
                engine = _push(
                    "oxigraph (GSP)",
                    server,
                    lambda s: push(kg, s.gsp_url, GRAPH, chunk_triples=args.chunk),
                )
            if engine.failed:
                engines.append(engine)
            else:
                engines.append(_serve(engine, server, kg, embedded, args))
            stack.close()  # stop it before the next server starts: one server at a time
        if "virtuoso" in wanted:
            server = stack.enter_context(
                start_virtuoso(max_rows=100_000_000, max_seconds=3600, buffers=args.buffers)
            )
            bulk = BulkLoader(
                server.workdir / "bulk", sql_port=server.sql_port, loaders=args.loaders
            )
            engine = _push(
                f"virtuoso (bulk, {args.loaders} loaders)",
                server,
                lambda s: push(
                    kg, s.query_url, GRAPH, bulk=bulk, user="dba", password=s.dba_password
                ),
            )
            engines.append(_serve(engine, server, kg, embedded, args))
            stack.close()
        if "virtuoso" in wanted and args.virtuoso_gsp:
            server = stack.enter_context(
                start_virtuoso(max_rows=100_000_000, max_seconds=3600, buffers=args.buffers)
            )
            engine = _push(
                "virtuoso (GSP)",
                server,
                lambda s: push(
                    kg, s.gsp_url, GRAPH, chunk_triples=args.chunk, user=s.user, password=s.password
                ),
            )
            engines.append(_serve(engine, server, kg, embedded, args, queries=False))
            stack.close()
    kg.close()
    _print(args, engines, registry)


def _registry(work: Path, enterprises: int, data_dir: Path) -> Path:
    path = work / f"registry-{enterprises}.nq"
    if not path.exists() and not (data_dir / "store" / "CURRENT").exists():
        started = time.monotonic()
        _umkm("synth", "--enterprises", str(enterprises), "--seed", str(SEED), "-o", str(path))
        took = time.monotonic() - started
        print(f"synth: {path} ({path.stat().st_size / 2**20:,.0f} MiB) in {took:.1f} s", flush=True)
    return path


def _load_embedded(registry: Path, data_dir: Path) -> Engine:
    engine = Engine("embedded (disk store)")
    if (data_dir / "store" / "CURRENT").exists():
        print(f"embedded: reusing {data_dir} (delete it to measure the load again)", flush=True)
        engine.load_s = float((data_dir / "load-seconds").read_text())
        engine.peak_mib = float((data_dir / "load-peak-mib").read_text())
    else:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        _umkm("load", str(registry), "--no-validate", data_dir=data_dir)
        engine.load_s = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        engine.peak_mib = max(peak, before) / 1024
        (data_dir / "load-seconds").write_text(f"{engine.load_s:.2f}")
        (data_dir / "load-peak-mib").write_text(f"{engine.peak_mib:.0f}")
        print(
            f"embedded: loaded in {engine.load_s:.1f} s, peak {engine.peak_mib:,.0f} MiB",
            flush=True,
        )
    engine.disk_mib = _disk(data_dir / "store")
    return engine


@contextmanager
def _disk_guard(server: SparqlServer, min_free_gib: float) -> Iterator[None]:
    """Stop ``server`` if the free space of its folder's file system falls under the floor.

    Oxigraph server's database took 4.8 GiB for 100,000 enterprises pushed over the Graph
    Store Protocol: a million may not fit beside the embedded store.
    """
    done = threading.Event()

    def watch() -> None:
        while not done.wait(2.0):
            free = shutil.disk_usage(server.workdir).free / 2**30
            if free < min_free_gib:
                print(
                    f"  disk guard: {free:.1f} GiB free (floor {min_free_gib:g}); server "
                    f"database {_disk(server.workdir) / 1024:.1f} GiB; stopping the server",
                    flush=True,
                )
                server.stop()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def _push(name: str, server: SparqlServer, load: Callable[[SparqlServer], object]) -> Engine:
    engine = Engine(name)
    started = time.monotonic()
    try:
        report = load(server)
    except UmkmError as exc:
        engine.load_s = time.monotonic() - started
        engine.disk_mib = _disk(server.workdir)
        engine.failed = f"push stopped after {engine.load_s:.0f} s: {exc}".replace("\n", "; ")
        print(f"{name}: {engine.failed}", flush=True)
        return engine
    engine.load_s = time.monotonic() - started
    engine.triples = report.triples_sent  # type: ignore[attr-defined]
    engine.rss_mib, engine.peak_mib = _memory(server.pid)
    engine.disk_mib = _disk(server.workdir)
    print(
        f"{name}: {engine.triples:,} triples in {engine.load_s:.1f} s "
        f"({engine.triples / engine.load_s:,.0f}/s), server RSS {engine.rss_mib:,.0f} MiB "
        f"(peak {engine.peak_mib:,.0f})",
        flush=True,
    )
    return engine


def _serve(
    engine: Engine,
    server: SparqlServer,
    kg: KnowledgeGraph,
    embedded: Engine,
    args: argparse.Namespace,
    *,
    queries: bool = True,
) -> Engine:
    if args.load_only or not queries:
        return engine
    remote = KnowledgeGraph(RemoteStore(server.query_url, graph=GRAPH))
    _queries(engine, remote, embedded if args.compare else None, args.max_rows)
    engine.rss_mib, engine.peak_mib = _memory(server.pid)
    return engine


def _queries(
    engine: Engine,
    kg: KnowledgeGraph,
    reference: Engine | None,
    max_rows: int | None,
    progress: Path | None = None,
) -> None:
    """Time every saved query on ``kg``; with ``progress``, keep each figure there as it comes
    and take those already there (a run stopped half way goes on where it stopped)."""
    if progress is not None and progress.exists():
        kept = pickle.loads(progress.read_bytes())
        for name in _KEPT:
            setattr(engine, name, kept[name])
        print(f"  {engine.name}: {len(engine.latency)} queries read from {progress}", flush=True)
    for saved in load_catalogue():
        if saved.name in engine.latency:
            continue
        started = time.perf_counter()
        try:
            # bound here and run on the store itself: the disk store's answer cache would
            # otherwise answer the repeats
            sparql = saved.sparql(saved.bind({}, GraphValues(kg.store, timeout=QUERY_TIMEOUT)))
            result = kg.store.query(
                sparql, form=saved.form, timeout=QUERY_TIMEOUT, max_rows=max_rows
            )
        except UmkmError as exc:  # the time limit, the worker's memory limit, a server error
            engine.latency[saved.name] = float("inf")
            engine.stopped[saved.name] = (
                f"timeout ({QUERY_TIMEOUT:g} s)"
                if isinstance(exc, QueryTimeout)
                else "memory limit"
                if isinstance(exc, ResourceLimit)
                else type(exc).__name__
            )
            print(f"  {engine.name} {saved.name}: {str(exc).splitlines()[0]}", flush=True)
        else:
            _repeat(engine, kg, saved, sparql, result, reference, max_rows, started)
        if progress is not None:
            progress.write_bytes(pickle.dumps({name: getattr(engine, name) for name in _KEPT}))


_KEPT = ("latency", "rows", "once", "results", "stopped")
"""An engine's per-query figures, as kept between runs."""


def _repeat(
    engine: Engine,
    kg: KnowledgeGraph,
    saved: SavedQuery,
    sparql: str,
    result: QueryResult,
    reference: Engine | None,
    max_rows: int | None,
    started: float,
) -> None:
    """Repeat a quick query three times, and note its figure, rows and agreement."""
    times = [time.perf_counter() - started]
    if times[0] < SLOW:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            result = kg.store.query(
                sparql, form=saved.form, timeout=QUERY_TIMEOUT, max_rows=max_rows
            )
            times.append(time.perf_counter() - started)
    else:
        engine.once.add(saved.name)
    engine.latency[saved.name] = statistics.median(times)
    engine.rows[saved.name] = len(result.rows) if result.graph is None else len(result.graph)
    if reference is None:
        engine.results[saved.name] = result
    elif saved.name in reference.results:
        engine.same[saved.name] = difference(reference.results[saved.name], result) or "same"
    ms = engine.latency[saved.name] * 1000
    print(f"  {engine.name} {saved.name}: {ms:.1f} ms", flush=True)


def _print(args: argparse.Namespace, engines: list[Engine], registry: Path) -> None:
    size = f"{registry.stat().st_size / 2**20:,.0f} MiB" if registry.exists() else "removed"
    print()
    print(f"## {args.enterprises:,} enterprises ({size} of N-Quads)")
    print()
    print(
        "| engine | load (s) | triples/s | server RSS after (MiB) | peak RSS (MiB) | disk (MiB) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for e in engines:
        if e.failed:
            print(f"| {e.name} | {e.failed} | | | | {e.disk_mib:,.0f} |")
            continue
        rate = f"{e.triples / e.load_s:,.0f}" if e.triples else ""
        print(
            f"| {e.name} | {e.load_s:,.1f} | {rate} | {e.rss_mib:,.0f} | {e.peak_mib:,.0f} "
            f"| {e.disk_mib:,.0f} |"
        )
    timed = [e for e in engines if e.latency]
    if not timed:
        return
    print()
    header = " | ".join(f"{e.name} (ms)" for e in timed)
    print(f"| saved query | rows | {header} |")
    print("|---|---:|" + "---:|" * len(timed))
    for name in timed[0].latency:
        cells = []
        for e in timed:
            latency = e.latency.get(name, float("nan"))
            cell = e.stopped[name] if name in e.stopped else f"{latency * 1000:,.1f}"
            if name in e.once:
                cell += "*"
            if e.same.get(name, "same") != "same":
                cell += " (DIFFERS)"
            cells.append(cell)
        rows = next((e.rows[name] for e in timed if name in e.rows), 0)
        print(f"| {name} | {rows:,} | " + " | ".join(cells) + " |")
    if any(e.once for e in timed):
        print(f"\n\\* one cold run (it took over {SLOW:g} s), not the median of three warm runs")
    if args.compare:
        for e in timed:
            differ = [n for n, v in e.same.items() if v != "same"]
            if e.same:
                verdict = "all the same as embedded" if not differ else f"DIFFER: {differ}"
                print(f"\n{e.name}: {len(e.same)} saved queries compared, {verdict}")
            for name in differ:
                print(f"  {name}: {e.same[name]}")


def _umkm(*argv: str, data_dir: Path | None = None) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    if data_dir is not None:
        env["UMKM_KG_DATA"] = str(data_dir)
    command = [sys.executable, "-m", "umkm_kg.cli", *argv]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def _memory(pid: int) -> tuple[float, float]:
    """Resident set now and at its peak, in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _disk(folder: Path) -> float:
    """MiB of files under ``folder``, a file hard-linked from several generations once."""
    seen: dict[tuple[int, int], int] = {}
    for path in _files(folder):
        info = path.stat()
        seen[(info.st_dev, info.st_ino)] = info.st_size
    return sum(seen.values()) / 2**20


def _files(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path


if __name__ == "__main__":
    main()
