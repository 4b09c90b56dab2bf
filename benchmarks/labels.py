"""Label search at registry scale: building the label index, making it again after a small
write, searching it, and finding a parameter's value by name through it, beside the scans
they replace.

    cp -r /work/s100k/data /tmp/labels-100k      # the index is written into DATA/cache/
    python benchmarks/labels.py --data-dir /tmp/labels-100k --scan --before --add one.csv

The data folder must be writable (its ``cache/`` receives the index); ``--rebuild`` removes
an index already built first. The build runs in a forked child, so its peak memory is its
own. ``--add FILE`` then adds FILE's records (``umkm-kg add``, a command of its own) and times
the first ``umkm-kg search`` of the new data version, which makes its index (from the last
one's, when it can), and a second one. ``--scan`` also times the ``search-labels`` query (a
full scan) for the first word, and ``--before`` the lookup of the first name without the
index (the parameter's query filtered on the name): both take tens of seconds at 100,000
enterprises. Prints a markdown report.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _forked import in_child


def _build(data_dir: Path, pipe: Any) -> None:
    from umkm_kg.kg import KnowledgeGraph
    from umkm_kg.query import labelbuild, labelindex
    from umkm_kg.store import DiskStore

    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    store = kg.store
    assert isinstance(store, DiskStore)
    path = labelindex.index_path(store)
    started = time.perf_counter()
    facts = labelbuild.build(store.oxigraph, str(path.with_suffix(".bench")), version=store.version)
    os.replace(path.with_suffix(".bench"), path)
    pipe.send(
        {
            "seconds": time.perf_counter() - started,
            "facts": facts,
            "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "path": str(path),
        }
    )


def _timed(call: Any, repeat: int) -> tuple[float, float, Any]:
    """The milliseconds of the first of ``repeat`` calls, their median, and the last answer."""
    times, answer = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times), answer


def _progress(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--words", default="batik,ekspor,malaysia,konveksi citra,sepatu,ba,zzzz")
    parser.add_argument("--names", default="Malaysia,MY,Perancis,country-sg")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--scan", action="store_true")
    parser.add_argument("--before", action="store_true")
    parser.add_argument("--timeout", type=float, default=300.0, help="for --scan and --before")
    parser.add_argument("--add", type=Path, help="records to add, then search the new version")
    args = parser.parse_args()

    from umkm_kg.errors import QueryTimeout
    from umkm_kg.kg import KnowledgeGraph
    from umkm_kg.query import labelindex
    from umkm_kg.query.graphvalues import _LABEL_ONLY, _NAMED, GraphValues
    from umkm_kg.query.search import search
    from umkm_kg.store import DiskStore

    _progress("opening the store")
    kg = KnowledgeGraph.embedded(data_dir=args.data_dir, isolated=False)
    store = kg.store
    assert isinstance(store, DiskStore)
    path = labelindex.index_path(store)
    lines = [
        f"- machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average before: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        f"- command: python benchmarks/labels.py {' '.join(sys.argv[1:])}",
        f"- store: generation {store.version}, {sum(store.generation.graphs.values()):,} triples",
    ]
    _progress("opened the store")
    if args.rebuild or not path.is_file():
        path.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        built = in_child(_build, args.data_dir)
        facts = built["facts"]
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in facts.phases)
        lines += [
            f"- index build: {built['seconds']:.1f} s ({phases}), peak {built['peak']:.0f} MiB; "
            f"{facts.resources:,} resources, {facts.labels:,} labels; "
            f"file {facts.size_bytes / 2**20:.0f} MiB",
        ]
        _progress(lines[-1])
    store_bytes = sum(
        f.stat().st_size for f in (store.folder / store.version).rglob("*") if f.is_file()
    )
    lines.append(
        f"- index file {path.stat().st_size / 2**20:.0f} MiB beside a store generation of "
        f"{store_bytes / 2**20:.0f} MiB ({path.stat().st_size / store_bytes:.0%})"
    )
    started = time.perf_counter()
    labelindex.index_of(store)
    lines.append(f"- opening the built index: {(time.perf_counter() - started) * 1000:.1f} ms")
    lines += [
        "",
        "| search | matches | page 1 (20): first, median | page at 1,000: median |",
        "|---|---|---|---|",
    ]
    for word in args.words.split(","):
        _progress(f"search {word}")
        cold, first, page = _timed(lambda w=word: search(kg, w, limit=20), args.repeat)
        _, later, _ = _timed(lambda w=word: search(kg, w, limit=20, offset=1000), args.repeat)
        row = f"| `{word}` | {page.total:,} | {cold:.1f} ms, {first:.1f} ms | {later:.1f} ms |"
        lines.append(row)
    if args.scan:
        word = args.words.split(",")[0]
        _progress(f"search-labels {word}")
        started = time.perf_counter()
        try:
            rows = kg.run("search-labels", {"text": word}, max_rows=None, timeout=args.timeout)
            seconds = f"{time.perf_counter() - started:.1f} s"
            count = f"{len(rows.rows):,} rows"
        except QueryTimeout:
            seconds, count = f"stopped at {args.timeout:g} s", "-"
        scan = f"| `{word}` by search-labels (scan) | {count} | {seconds} | - |"
        lines.append(scan)

    parameter = next(
        p for p in kg.catalogue.get("exporters-by-country").parameters if p.name == "country"
    )
    values = GraphValues(store, timeout=args.timeout)
    lines += [
        "",
        "| country by name | value | with index: first, median | before (the query filtered) |",
    ]
    lines.append("|---|---|---|---|")
    for name in args.names.split(","):
        _progress(f"named {name}")
        cold, fast, value = _timed(lambda n=name: values.named(parameter, n), args.repeat)
        before = "-"
        if args.before and name == args.names.split(",")[0]:  # tens of seconds each
            wanted = name.strip().lower()
            test = _LABEL_ONLY if "/" in wanted or "#" in wanted else _NAMED
            query = parameter.choices_query
            assert query is not None
            _progress(f"named {name} without the index")
            started = time.perf_counter()
            try:
                old = values._first_named(query, test, wanted)
                before = f"{time.perf_counter() - started:.1f} s"
                assert old == value, (name, old, value)
            except QueryTimeout:
                before = f"stopped at {args.timeout:g} s"
        shown = str(value).rsplit("/", 1)[-1] if value is not None else "none"
        lines.append(f"| `{name}` | {shown} | {cold:.1f} ms, {fast:.1f} ms | {before} |")
    if args.add is not None:
        lines += _after_a_write(args.data_dir, args.add, args.words.split(",")[0])
    lines.append("- load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print("\n".join(lines))
    kg.close()


def _after_a_write(data_dir: Path, records: Path, word: str) -> list[str]:
    """Add ``records``, then time the first search of the new version (which makes its
    index) and a second one, each a command of its own."""
    umkm = [sys.executable, "-m", "umkm_kg.cli", "--data-dir", str(data_dir)]
    lines = ["", "| after `add` of " + records.name + " | seconds | |", "|---|---|---|"]
    for step, command in (
        ("add", [*umkm, "add", str(records)]),
        (f"first `search {word}` (makes the index)", [*umkm, "search", word, "--limit", "20"]),
        (f"second `search {word}`", [*umkm, "search", word, "--limit", "20"]),
    ):
        _progress(step)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        said = (done.stderr.strip().splitlines() or [""])[-1]
        lines.append(f"| {step} | {seconds:.1f} s | exit {done.returncode}: {said} |")
    current = (data_dir / "store" / "CURRENT").read_text(encoding="ascii").strip()
    from umkm_kg.query.labelbuild import FORMAT

    made = data_dir / "cache" / f"labels-v{FORMAT}-{current}.sqlite"
    with sqlite3.connect(f"file:{made}?mode=ro", uri=True) as db:
        about = dict(db.execute("SELECT key, value FROM about").fetchall())
    source = about.get("source")
    how = f"made from the index of {source}" if source else "built from scratch"
    lines.append(f"- the index of {current}: {how}, {made.stat().st_size / 2**20:.0f} MiB")
    return lines


if __name__ == "__main__":
    main()
