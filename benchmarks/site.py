"""Building the static site of a registry: time, files, size, largest page, peak memory.

    python benchmarks/site.py 1000            # a registry of 1,000 generated enterprises
    python benchmarks/site.py 10000 --keep DIR
    python benchmarks/site.py 10000 --alternates ttl,jsonld,nt --workers 1
    python benchmarks/site.py --data-dir DIR   # the registry already loaded in DIR's store

The registry (:mod:`umkm_kg.synth`: N enterprises shaped like added records, and the kelurahan
they are in) is loaded into the in-memory store with the bundled article data (or, with
``--data-dir``, the persistent store of a data folder is opened read-only as it is), then
``build_site`` writes the site (saved-query pages included) into a temporary folder, in a forked
process so that the peak memory is the build's own (it includes the inherited store).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _forked import in_child
from validate_batch import build_registry

from umkm_kg.formats import RdfFormat
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.publish.site import build_site

KG_STATE: dict[str, Any] = {}


def _build(out: str, pipe: Any) -> None:
    report = build_site(
        KG_STATE["kg"], Path(out), alternates=KG_STATE["alternates"], workers=KG_STATE["workers"]
    )
    kinds: Counter[str] = Counter(Path(f).suffix or f for f in report.files)
    pipe.send(
        {
            "seconds": report.seconds,
            "files": len(report.files),
            "pages": report.pages,
            "resources": report.resources,
            "bytes": report.bytes,
            "largest": report.largest,
            "phases": report.phases,
            "kinds": kinds.most_common(),
            "cpu": sum(
                getattr(resource.getrusage(who), f)
                for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                for f in ("ru_utime", "ru_stime")
            ),
            "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        }
    )
    pipe.close()


def measure(out: str) -> dict[str, Any]:
    """Build the site into ``out`` in a forked child; return its figures."""
    return in_child(_build, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("enterprises", type=int, nargs="?", default=1000)
    parser.add_argument("--keep", type=Path, help="write the site here (kept) instead")
    parser.add_argument("--alternates", default="ttl,jsonld", help="RDF files beside pages")
    parser.add_argument("--workers", type=int, help="page-rendering processes (default: cores)")
    parser.add_argument("--data-dir", type=Path, help="build from this data folder's store")
    args = parser.parse_args(argv)
    KG_STATE["alternates"] = [RdfFormat.parse_name(n) for n in args.alternates.split(",")]
    KG_STATE["workers"] = args.workers

    start = time.perf_counter()
    if args.data_dir:
        kg = KnowledgeGraph.embedded(data_dir=args.data_dir, isolated=False)
        what = str(args.data_dir)
    else:
        with tempfile.TemporaryDirectory() as folder:
            kg = build_registry(args.enterprises, folder)
        what = f"{args.enterprises:,} enterprises"
    KG_STATE["kg"] = kg
    print(
        f"registry: {what}, {len(kg.store):,} triples "  # type: ignore[arg-type]
        f"(opened in {time.perf_counter() - start:.1f} s)"
    )
    with tempfile.TemporaryDirectory() as folder:
        f = measure(str(args.keep) if args.keep else folder)
        report(f)  # before the folder is removed: deleting 200,000 files can take minutes


def report(f: dict[str, Any]) -> None:
    size, page = f["largest"]
    print(
        f"build:    {f['seconds']:.1f} s ({f['cpu']:.1f} s of CPU, workers included), "
        f"peak memory {f['peak']:.0f} MiB "
        f"(largest page-rendering worker: {f['worker_peak']:.0f} MiB)"
    )
    print(
        f"wrote:    {f['files']:,} files, {f['bytes'] / 1e6:.0f} MB; {f['pages']:,} pages "
        f"({f['resources']:,} resources)"
    )
    print(f"largest:  {page} ({size / 1e3:.0f} kB)")
    print("steps:    " + ", ".join(f"{name} {s:.1f} s" for name, s in f["phases"].items()))
    print("files:    " + ", ".join(f"{kind} {n:,}" for kind, n in f["kinds"]))


if __name__ == "__main__":
    main()
