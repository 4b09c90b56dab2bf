"""pyoxigraph's ways of loading one registry file, side by side: wall, CPU (user + system, the
loader's threads included) and peak resident memory of each, every one in a fresh process and
a fresh store.

    python benchmarks/raw_load.py FILE.nt [--nquads FILE.nq] [--work DIR] [--only a,b]
        [--rounds N]

Ways: ``path`` (``bulk_load(path=...)``, what ``umkm-kg load`` uses), ``path-lenient``
(``lenient=True``), ``stream`` (``bulk_load(input=open(FILE, "rb"))``), ``bytes`` (the file
read into memory first), ``chunks`` (the file cut at line ends into 4 parts, each
``bulk_load``-ed in turn into the same store), ``extend`` (``bulk_extend`` of the quads
``pyoxigraph.parse`` yields, a Python loop), ``nquads`` (the same quads as N-Quads, with
``--nquads``), and ``optimize`` (``path``, then ``Store.optimize()`` timed on its own). The
N-Triples ways load into one named graph (``to_graph``), as ``umkm-kg load`` does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

GRAPH = "https://w3id.org/umkm-kg/graph/records/raw"
WAYS = [
    "path",
    "path-lenient",
    "stream",
    "bytes",
    "chunks",
    "parallel",
    "extend",
    "nquads",
    "optimize",
]
PART_MB = int(os.environ.get("RAW_LOAD_PART_MB", "64"))
"""Size of the parts the ``parallel`` way cuts the file into."""


def child(way: str, source: str, folder: str) -> None:
    """Load ``source`` into a new store in ``folder`` the way ``way`` says."""
    import pyoxigraph as ox

    store = ox.Store(folder)
    nt, graph = ox.RdfFormat.N_TRIPLES, ox.NamedNode(GRAPH)
    started = time.perf_counter()
    if way in ("path", "optimize"):
        store.bulk_load(path=source, format=nt, to_graph=graph)
    elif way == "path-lenient":
        store.bulk_load(path=source, format=nt, to_graph=graph, lenient=True)
    elif way == "stream":
        with open(source, "rb") as handle:
            store.bulk_load(input=handle, format=nt, to_graph=graph)
    elif way == "bytes":
        data = Path(source).read_bytes()
        store.bulk_load(input=data, format=nt, to_graph=graph)
        del data
    elif way == "chunks":
        size = os.path.getsize(source)
        with open(source, "rb") as handle:
            for part in range(4):
                handle.seek(0)
                start = _line_start(handle, size * part // 4)
                end = _line_start(handle, size * (part + 1) // 4) if part < 3 else size
                handle.seek(start)
                store.bulk_load(input=handle.read(end - start), format=nt, to_graph=graph)
    elif way == "parallel":
        _parallel(store, source, graph)
    elif way == "extend":
        store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in ox.parse(path=source, format=nt)
        )
    elif way == "nquads":
        store.bulk_load(path=source, format=ox.RdfFormat.N_QUADS)
    loaded = time.perf_counter() - started
    line = f"loaded {loaded:.2f} s"
    if way == "optimize":
        started = time.perf_counter()
        store.optimize()
        line += f"; optimize {time.perf_counter() - started:.2f} s"
    del store
    print(line, flush=True)


def _parallel(store: object, source: str, graph: object) -> None:
    """Two threads, each bulk-loading parts of the file cut at line ends (the GIL is released
    while pyoxigraph parses and writes)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import pyoxigraph as ox

    room = threading.Semaphore(3)  # parts read ahead and not yet loaded

    def load(part: bytes) -> None:
        try:
            store.bulk_load(input=part, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)  # type: ignore[attr-defined]
        finally:
            room.release()

    with open(source, "rb") as handle, ThreadPoolExecutor(2) as pool:
        futures = []
        while True:
            room.acquire()
            part = handle.read(PART_MB * 2**20)
            if not part:
                room.release()
                break
            part += handle.readline()
            futures.append(pool.submit(load, part))
            del part
        for future in futures:
            future.result()


def _line_start(handle: object, offset: int) -> int:
    """The offset of the first line starting at or after ``offset``."""
    if offset == 0:
        return 0
    handle.seek(offset - 1)  # type: ignore[attr-defined]
    handle.readline()  # type: ignore[attr-defined]
    return handle.tell()  # type: ignore[attr-defined, no-any-return]


def measure(way: str, source: str, folder: Path) -> str:
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", way, source, str(folder)], stdout=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    said = process.stdout.read().decode().strip() if process.stdout else ""
    if os.waitstatus_to_exitcode(status):
        said = f"failed ({os.waitstatus_to_exitcode(status)}) {said}"
    cpu = usage.ru_utime + usage.ru_stime
    size = sum(f.stat().st_size for f in folder.glob("*")) / 2**20
    shutil.rmtree(folder, ignore_errors=True)
    return (
        f"| {way} | {wall:.2f} s | {cpu:.2f} s ({usage.ru_utime:.1f} user) | "
        f"{cpu / wall:.2f} | {usage.ru_maxrss / 1024:.0f} MiB | {size:.0f} MiB | {said} | "
        f"{os.getloadavg()[0]:.2f} |"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--nquads")
    parser.add_argument("--work", type=Path, default=Path("/tmp/raw-load"))
    parser.add_argument("--only", default=",".join(WAYS))
    parser.add_argument("--rounds", type=int, default=1)
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    print("| way | wall | CPU | CPU / wall | peak RSS | store | said | load avg |")
    print("|---|---:|---:|---:|---:|---:|---|---:|")
    for _ in range(options.rounds):
        for way in options.only.split(","):
            if way == "nquads" and not options.nquads:
                continue
            source = options.nquads if way == "nquads" else options.file
            print(measure(way, source, options.work / "store"), flush=True)


if __name__ == "__main__":
    main()
