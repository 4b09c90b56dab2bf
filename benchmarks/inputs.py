"""How each input path grows with its input: time and peak memory at sizes x1, x2, x4, x8.

    python benchmarks/inputs.py                 # every path, from a small base size
    python benchmarks/inputs.py --paths csv --base 2000

Each point runs in a forked child (so the peak resident memory is that child's own, minus the
memory of the parent it was forked from, printed as ``base MiB``). The paths are the ones the
hardening issue found quadratic or worse: the JSON-LD nesting pre-check on a string of escaped
quotes, blank nodes of an RDF list attached to their record, subjects located in a JSON-LD
file, and a synthetic CSV registry validated with its places file; plus Turtle records and the
SPARQL guard's size check, for comparison. A linear path doubles its time from one row to the
next (``x time``: the ratio to the previous size); a quadratic one quadruples it.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _forked import in_child

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.synth import write_registry

KG = "https://w3id.org/umkm-kg/id/"


def _jsonld_quotes(folder: Path, size: int) -> list[str]:
    # An unclosed string of escaped quotes: the nesting pre-check was quadratic on it.
    path = folder / f"quotes-{size}.jsonld"
    path.write_text('{"@id": "' + '\\"' * size, encoding="utf-8")
    return [str(path)]


def _rdf_list(folder: Path, size: int) -> list[str]:
    path = folder / f"list-{size}.ttl"
    items = " ".join(f'"item {i}"' for i in range(size))
    path.write_text(
        f"<{KG}enterprise-list> <https://w3id.org/umkm-kg/ontology#note> ( {items} ) .\n",
        encoding="utf-8",
    )
    return [str(path)]


def _jsonld_subjects(folder: Path, size: int) -> list[str]:
    path = folder / f"subjects-{size}.jsonld"
    nodes = ",\n".join(
        f'{{"@id": "{KG}enterprise-j{i}", "https://schema.org/name": "J {i}"}}' for i in range(size)
    )
    path.write_text(f"[{nodes}]", encoding="utf-8")
    return [str(path)]


def _registry(fmt: str) -> Callable[[Path, int], list[str]]:
    def make(folder: Path, size: int) -> list[str]:
        path = folder / f"registry-{size}.{fmt}"
        summary = write_registry(str(path), enterprises=size, seed=1)
        places = [str(summary.places_path)] if summary.places_path else []
        return [*places, str(path)]

    return make


def _query(folder: Path, size: int) -> list[str]:
    path = folder / f"query-{size}.rq"
    path.write_text("ASK { VALUES ?x { " + "1 " * size + "} }", encoding="utf-8")
    return [str(path)]


PATHS: dict[str, tuple[Callable[[Path, int], list[str]], int]] = {
    "jsonld-quotes": (_jsonld_quotes, 20_000),
    "rdf-list": (_rdf_list, 1_000),
    "jsonld-subjects": (_jsonld_subjects, 1_000),
    "ttl": (_registry("ttl"), 250),
    "csv": (_registry("csv"), 1_000),
    "query-check": (_query, 5_000),
}
"""Each path: how to write its input of a size, and its base size (x1)."""


def _work(name: str, files: list[str]) -> None:
    from umkm_kg.errors import UmkmError
    from umkm_kg.query.sparql import check_size
    from umkm_kg.validation.files import validate_files

    if name == "query-check":
        check_size(Path(files[0]).read_text(encoding="utf-8"))
        return
    with contextlib.suppress(UmkmError):  # a refusal is an answer too: its cost is measured
        validate_files(files, KnowledgeGraph.embedded(), max_bytes=64 << 20)


def _child(name: str, files: list[str], pipe: Any) -> None:
    start = time.perf_counter()
    _work(name, files)
    elapsed = time.perf_counter() - start
    pipe.send({"time": elapsed, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    pipe.close()


def measure(name: str, files: list[str]) -> dict[str, float]:
    """Run one input path on ``files`` in a forked child; return its time and peak memory."""
    return in_child(_child, name, files)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", default=",".join(PATHS), help="paths, comma-separated")
    parser.add_argument("--base", type=int, help="the x1 size (default: each path's own)")
    parser.add_argument("--factors", default="1,2,4,8", help="multiples of the base size")
    args = parser.parse_args(argv)
    KnowledgeGraph.embedded()  # imports and bundled graphs loaded once; forks inherit them
    base_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"base MiB (parent at fork): {base_mib:.0f}\n")
    header = (
        f"{'path':<16} | {'size':>8} | {'input KiB':>9} | {'time s':>7} | {'x time':>6} | "
        f"{'peak MiB':>8}"
    )
    print(header)
    print("-" * len(header))
    for name in args.paths.split(","):
        make, default = PATHS[name]
        previous = None
        for factor in (int(f) for f in args.factors.split(",")):
            size = (args.base or default) * factor
            with tempfile.TemporaryDirectory() as folder:
                files = make(Path(folder), size)
                kib = sum(Path(f).stat().st_size for f in files) / 1024
                f = measure(name, files)
            ratio = f"{f['time'] / previous:>6.2f}" if previous else f"{'':>6}"
            previous = f["time"]
            print(
                f"{name:<16} | {size:>8,} | {kib:>9,.0f} | {f['time']:>7.2f} | {ratio} | "
                f"{f['peak']:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
