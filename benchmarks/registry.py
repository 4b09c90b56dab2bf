"""The registry at scale: load, saved queries (cold, warm, cached), a 1,000-record batch,
exports and peak memory, for synthetic registries of N enterprises, beside the raw engine
(pyoxigraph on the same files) and the naive way (rdflib's in-memory graph and SPARQL engine).

    python benchmarks/registry.py --sizes 10000,100000
    python benchmarks/registry.py --sizes 1000000 --naive-max 0 --skip-queries-cold

Every measured step runs in a process of its own, so its peak resident memory (``wait4``) is
its own. The registry is ``umkm-kg synth --enterprises N --seed 1`` as N-Triples; the data
folder is fresh for each size. The naive way is run only up to ``--naive-max`` enterprises and
each of its steps is stopped after ``--naive-timeout`` seconds (reported as "stopped"). The
markdown table is printed and, with ``--out``, written to a file. The cold ``query run``s
write JSON to /dev/null with no row cap unless ``--cold-max-rows`` gives one (the command line's
own is 10,000; uncapped listings of 1.8 million rows do not fit in memory at a million).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

UMKM = [sys.executable, "-m", "umkm_kg.cli"]
CHILD = [sys.executable, __file__, "--child"]


# --- measuring one process ----------------------------------------------------------------------


def measure(
    command: list[str], *, timeout: float | None = None, check: bool = True
) -> dict[str, Any]:
    """Run ``command``; its wall time, peak memory (MiB), exit code and standard output."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                out.seek(0)
                return {
                    "stopped": True,
                    "seconds": timeout,
                    "peak": usage.ru_maxrss / 1024,
                    "stdout": out.read().decode("utf-8", "replace"),
                }
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        if not check:
            return {"failed": error.strip().splitlines()[0][:200] if error.strip() else code}
        raise SystemExit(f"failed ({code}): {' '.join(command)}\n{error[-2000:]}")
    return {"seconds": seconds, "peak": usage.ru_maxrss / 1024, "stdout": stdout}


# --- the child steps (run in their own process) ---------------------------------------------------


def child(step: str, args: list[str]) -> None:
    if step == "raw-load":
        import pyoxigraph as ox

        store = ox.Store(args[1])
        store.bulk_load(path=args[0], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(args[2]))
        store.flush()
    elif step == "naive-load":
        from rdflib import Dataset

        Dataset().parse(args[0], format="nt")
    elif step == "warm":
        _warm(Path(args[0]), args[1:])
    elif step == "naive-queries":
        _naive_queries(Path(args[0]), float(args[1]), args[2:])
    else:
        raise SystemExit(f"unknown step {step}")


def _bound_queries(kg: Any, names: list[str]) -> dict[str, tuple[str, Any]]:
    """Each saved query's SPARQL with its default parameters bound, as ``run`` would send it."""
    from umkm_kg.query.graphvalues import GraphValues

    found = {}
    for name in names:
        saved = kg.catalogue.get(name)
        found[name] = (saved.sparql(saved.bind({}, GraphValues(kg.store))), saved.form)
    return found


def _warm(data_dir: Path, names: list[str]) -> None:
    import pyoxigraph as ox

    from umkm_kg.kg import KnowledgeGraph

    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    raw = kg.store.oxigraph
    figures = {}
    for name, (sparql, form) in _bound_queries(kg, names).items():
        times, raw_times = [], []
        for _ in range(5):
            started = time.perf_counter()
            kg.store.query(sparql, form=form, timeout=600, max_rows=None)
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
            answer = raw.query(sparql, use_default_graph_as_union=True)
            if not isinstance(answer, ox.QueryBoolean):
                for _ in answer:
                    pass
            raw_times.append(time.perf_counter() - started)
        kg.store.query_cached(sparql, form=form, timeout=600, max_rows=None)
        started = time.perf_counter()
        kg.store.query_cached(sparql, form=form, timeout=600, max_rows=None)
        cached = time.perf_counter() - started
        figures[name] = {
            "warm": statistics.median(times),
            "raw": statistics.median(raw_times),
            "cached": cached,
        }
    print(json.dumps(figures))


def _naive_queries(registry: Path, budget: float, names: list[str]) -> None:
    from rdflib import Dataset

    from umkm_kg import resources
    from umkm_kg.kg import KnowledgeGraph

    kg = KnowledgeGraph.embedded()
    dataset = Dataset(default_union=True)
    for path in (resources.ONTOLOGY, resources.DATA):
        dataset.graph(f"urn:g:{path.name}").parse(path, format="turtle")
    dataset.graph("urn:g:registry").parse(registry, format="nt")
    figures: dict[str, float | None] = {}
    for name, (sparql, _) in _bound_queries(kg, names).items():
        started = time.perf_counter()
        list(dataset.query(sparql))
        figures[name] = time.perf_counter() - started
        print(json.dumps({name: figures[name]}), flush=True)
        if time.perf_counter() - started > budget:
            break


# --- one size ----------------------------------------------------------------------------------


def run_size(size: int, work: Path, options: argparse.Namespace) -> dict[str, Any]:
    from umkm_kg.query.catalogue import load_catalogue

    catalogue = load_catalogue()
    names = sorted(q.name for q in catalogue)
    graph_results = {q.name for q in catalogue if q.form.returns_graph}
    figures: dict[str, Any] = {"size": size}
    registry = work / f"registry-{size}.nt"
    figures["synth"] = measure(
        [*UMKM, "synth", "--enterprises", str(size), "--seed", "1", "-o", str(registry)]
    )
    figures["triples"] = sum(1 for _ in registry.open("rb"))
    data = work / f"data-{size}"
    figures["load"] = measure(
        [*UMKM, "--data-dir", str(data), "load", "--no-validate", str(registry)]
    )
    figures["raw_load"] = measure(
        [*CHILD, "raw-load", str(registry), str(work / f"raw-{size}"), "urn:x:g"]
    )
    shutil.rmtree(work / f"raw-{size}", ignore_errors=True)
    if size <= options.naive_max:
        figures["naive_load"] = measure(
            [*CHILD, "naive-load", str(registry)], timeout=options.naive_timeout
        )
    figures["info"] = measure([*UMKM, "--data-dir", str(data), "info", "--no-check"])
    if not options.skip_queries_cold:
        figures["cold"] = {
            name: measure(
                [
                    *UMKM,
                    "--data-dir",
                    str(data),
                    "--timeout",
                    "600",
                    "--max-rows",
                    str(options.cold_max_rows),
                    "query",
                    "run",
                    name,
                    "--format",
                    "nt" if name in graph_results else "json",
                    "-o",
                    os.devnull,
                ]
            )
            for name in names
        }
    warm = measure([*CHILD, "warm", str(data), *names])
    figures["warm"] = json.loads(warm["stdout"])
    if size <= options.naive_max:
        naive = measure(
            [*CHILD, "naive-queries", str(registry), str(options.naive_timeout), *names],
            timeout=options.naive_timeout * 3,
        )
        figures["naive_queries"] = {
            k: v
            for line in naive.get("stdout", "").splitlines()
            for k, v in json.loads(line).items()
        }
    # A batch of 1,000 new enterprises: the next 1,000 of the same synthetic registry (its
    # first N are the registry), so that they repeat none of it; they name its kelurahan.
    more = work / f"more-{size}.csv"
    measure([*UMKM, "synth", "--enterprises", str(size + 1000), "--seed", "1", "-o", str(more)])
    lines = more.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    batch = work / f"batch-{size}.csv"
    batch.write_text(lines[header] + "".join(lines[-1000:]), encoding="utf-8")
    # About a fifth of them are probable duplicates of known enterprises (a near name and the
    # same product, as synthetic names are): written with --allow-similar, as a clerk who
    # checked them would (without it the add refuses them, exit 1, and the table had no figure).
    figures["add"] = measure(
        [*UMKM, "--data-dir", str(data), "add", "--allow-similar", str(batch)], check=False
    )
    for fmt in ("nt", "ttl"):
        figures[f"export_{fmt}"] = measure(
            [
                *UMKM,
                "--data-dir",
                str(data),
                "export",
                "--format",
                fmt,
                "-o",
                str(work / f"out.{fmt}"),
            ]
        )
        (work / f"out.{fmt}").unlink(missing_ok=True)
    figures["disk_mib"] = (
        sum(p.stat().st_size for p in (data / "store").rglob("*") if p.is_file()) / 2**20
    )
    shutil.rmtree(data, ignore_errors=True)
    registry.unlink(missing_ok=True)
    return figures


# --- the report --------------------------------------------------------------------------------


def _s(figure: dict[str, Any] | None) -> str:
    if not figure:
        return "-"
    if "failed" in figure:
        return f"failed: {figure['failed']}"
    if figure.get("stopped"):
        return f"stopped at {figure['seconds']:.0f} s"
    return f"{figure['seconds']:.2f} s, {figure['peak']:.0f} MiB"


def report(results: list[dict[str, Any]], cold_start: dict[str, Any]) -> str:
    lines = [
        "# Registry benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. "
        f"Command: `python benchmarks/registry.py {' '.join(sys.argv[1:])}`.",
        "",
        f"CLI cold start on the bundled data: `--version` {_s(cold_start['version'])}; "
        f"`query run countries-ranked` {_s(cold_start['query'])}.",
        "",
        "| enterprises | triples | load (ours) | raw bulk_load | naive rdflib parse | info | "
        "1,000-record add | export nt | export ttl | store on disk |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = r["load"]["seconds"] / r["raw_load"]["seconds"]
        naive = _s(r.get("naive_load"))
        lines.append(
            f"| {r['size']:,} | {r['triples']:,} | {_s(r['load'])} ({ratio:.2f}x raw) | "
            f"{_s(r['raw_load'])} | {naive} | {_s(r['info'])} | {_s(r['add'])} | "
            f"{_s(r['export_nt'])} | {_s(r['export_ttl'])} | {r['disk_mib']:.0f} MiB |"
        )
    for r in results:
        lines += [
            "",
            f"## Saved queries at {r['size']:,} enterprises",
            "",
            "| query | cold (process) | warm | raw engine | warm / raw | cached | naive (rdflib) |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, w in sorted(r["warm"].items()):
            cold = r.get("cold", {}).get(name)
            naive = r.get("naive_queries", {}).get(name)
            ratio = w["warm"] / w["raw"] if w["raw"] else float("nan")
            lines.append(
                f"| {name} | {_s(cold)} | {w['warm'] * 1000:.1f} ms | {w['raw'] * 1000:.1f} ms | "
                f"{ratio:.2f} | {w['cached'] * 1000:.1f} ms | "
                + (f"{naive:.2f} s" if naive is not None else "-")
                + " |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--naive-max", type=int, default=10_000)
    parser.add_argument("--naive-timeout", type=float, default=300.0)
    parser.add_argument("--skip-queries-cold", action="store_true")
    parser.add_argument(
        "--cold-max-rows",
        type=int,
        default=100_000_000,
        help="row cap of the cold `query run`s (default: uncapped; 10000 is the command "
        "line's own cap, the one to use at 1,000,000 enterprises)",
    )
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="umkm-bench-") as folder:
        work = Path(folder)
        cold_start = {
            "version": measure([*UMKM, "--version"]),
            "query": measure(
                [*UMKM, "--data-dir", str(work / "bundled"), "query", "run", "countries-ranked"]
            ),
        }
        cold_start["query"] = measure(
            [*UMKM, "--data-dir", str(work / "bundled"), "query", "run", "countries-ranked"]
        )  # the second run: the store exists
        results = []
        for size in (int(s) for s in options.sizes.split(",")):
            results.append(run_size(size, work, options))
            print(f"done {size:,}", file=sys.stderr, flush=True)
    text = report(results, cold_start)
    print(text)
    if options.out:
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
