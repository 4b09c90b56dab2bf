"""The HTTP server against the library: each saved query's latency, and a bounded load test.

    python benchmarks/web.py                        # 1,000 enterprises, 20 clients for 30 s
    python benchmarks/web.py --enterprises 10000 --clients 20 --seconds 30 -o results/web.md

A data folder is made with ``umkm-kg synth --enterprises N --seed 1`` loaded by
``umkm-kg load --no-validate``, and ``umkm-kg serve --port 0`` is started on it (3 query
processes, access log off). Then:

- latency: for each saved query (its default parameters), the median and 90th percentile of
  ``--runs`` calls of ``KnowledgeGraph.run`` in this process (the persistent store, isolated in
  a query process as the server is) against as many ``GET /api/queries/NAME`` on loopback over
  one kept-alive connection (parse, route, run, render SPARQL JSON, send). Both answer a
  repeated saved query from the per-version result cache, as in use.
- load: ``--clients`` - 1 threads, each with its own connection, for ``--seconds``, cycle
  through every saved query and an ad-hoc ``/sparql`` SELECT (not cached); run twice, the
  second time with one more client sending only a deliberately slow ad-hoc query (a cartesian
  product, stopped at its 5 s timeout: 504 expected). Reported: requests per second, p50, p99
  and max latency of the cycling clients, their errors, and the slow client's answers; the
  two runs side by side show what the slow query costs the others.

Not part of ``make test``; run it under ``nice`` on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
ENV = {**os.environ, "PYTHONPATH": str(SRC)}
UMKM = [sys.executable, "-m", "umkm_kg.cli"]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ADHOC = (
    "PREFIX umkm: <https://w3id.org/umkm-kg/ontology#> PREFIX schema: <https://schema.org/> "
    "SELECT ?e ?name WHERE { ?e a umkm:Enterprise ; schema:name ?name } ORDER BY ?name LIMIT 20"
)


def make_data(folder: Path, enterprises: int) -> None:
    registry = folder / "registry.nt"
    subprocess.run(
        [*UMKM, "synth", "--enterprises", str(enterprises), "--seed", "1", "-o", str(registry)],
        check=True,
        env=ENV,
        capture_output=True,
    )
    subprocess.run(
        [*UMKM, "--data-dir", str(folder / "data"), "load", "--no-validate", str(registry)],
        check=True,
        env=ENV,
        capture_output=True,
    )


def start_server(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    log = tempfile.TemporaryFile()  # noqa: SIM115 - the server writes to it while it runs
    process = subprocess.Popen(
        [
            *UMKM,
            "--data-dir",
            str(data),
            "serve",
            "--port",
            "0",
            "--log-level",
            "warning",
            "--workers",
            "3",
        ],
        stderr=log,
        stdout=subprocess.DEVNULL,
        env=ENV,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        log.seek(0)
        for line in log.read().decode(errors="replace").splitlines():
            if line.startswith("serving on "):
                url = line.removeprefix("serving on ").strip().rstrip("/")
                try:
                    if httpx.get(f"{url}/openapi.json", timeout=5).status_code == 200:
                        return process, url
                except httpx.HTTPError:
                    pass
        if process.poll() is not None:
            raise SystemExit("umkm-kg serve exited")
        time.sleep(0.05)
    process.kill()
    raise SystemExit("umkm-kg serve did not answer in time")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def latency(data: Path, url: str, runs: int) -> list[dict[str, object]]:
    from umkm_kg.kg import KnowledgeGraph

    kg = KnowledgeGraph.embedded(data_dir=data, isolated=True)
    rows = []
    with httpx.Client(base_url=url, timeout=120) as client:
        for saved in kg.catalogue:
            kg.run(saved)  # first runs (and the cache) out of the way, for both
            assert client.get(f"/api/queries/{saved.name}").status_code == 200
            library, http = [], []
            for _ in range(runs):
                started = time.perf_counter()
                kg.run(saved)
                library.append(time.perf_counter() - started)
                started = time.perf_counter()
                response = client.get(f"/api/queries/{saved.name}")
                response.read()
                http.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
            lib, web = statistics.median(library), statistics.median(http)
            rows.append(
                {
                    "name": saved.name,
                    "library": lib,
                    "library_p90": percentile(library, 0.9),
                    "http": web,
                    "http_p90": percentile(http, 0.9),
                    "within": web <= 1.5 * lib + 0.005,
                }
            )
    kg.close()
    return rows


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    slow: list[tuple[int, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def load(
    url: str, names: list[str], clients: int, seconds: float, *, with_slow: bool
) -> tuple[Tally, float]:
    tally = Tally()
    stop = time.monotonic() + seconds
    targets: list[tuple[str, dict[str, str]]] = [(f"/api/queries/{n}", {}) for n in names]
    targets.append(("/sparql", {"query": ADHOC}))

    def normal(index: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            i = index
            while time.monotonic() < stop:
                path, params = targets[i % len(targets)]
                i += 1
                started = time.perf_counter()
                try:
                    response = client.get(path, params=params)
                    response.read()
                    ok = response.status_code == 200
                    problem = f"{path}: {response.status_code}"
                except httpx.HTTPError as exc:
                    ok, problem = False, f"{path}: {exc!r}"
                took = time.perf_counter() - started
                with tally.lock:
                    tally.latencies.append(took)
                    tally.slowest = sorted([*tally.slowest, (took, path)], reverse=True)[:3]
                    if not ok:
                        tally.errors.append(problem)

    def slow() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = client.get("/sparql", params={"query": SLOW, "timeout": "5"})
                with tally.lock:
                    tally.slow.append((response.status_code, time.perf_counter() - started))

    threads = [threading.Thread(target=slow)] if with_slow else []
    threads += [threading.Thread(target=normal, args=(i,)) for i in range(clients - 1)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - began


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(
    args: argparse.Namespace,
    rows: list[dict[str, object]],
    runs: list[tuple[str, Tally, float]],
) -> str:
    out = [
        "# The HTTP server (`umkm-kg serve`) against the library",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, shared with other work; Python {platform.python_version()}), "
        f"load average {os.getloadavg()[0]:.1f} at the end; "
        f"`nice -n 10 python benchmarks/web.py --enterprises {args.enterprises} "
        f"--runs {args.runs} --clients {args.clients} --seconds {args.seconds:g}`.",
        "",
        f"## Latency of each saved query ({args.enterprises:,} enterprises, median of "
        f"{args.runs} warm runs)",
        "",
        "Aim: HTTP within 1.5x the library call plus 5 ms.",
        "",
        "| query | library ms (p90) | HTTP ms (p90) | HTTP / library | within aim |",
        "|---|---:|---:|---:|:---:|",
    ]
    for r in rows:
        lib, web = float(r["library"]), float(r["http"])  # type: ignore[arg-type]
        out.append(
            f"| {r['name']} | {ms(lib)} ({ms(float(r['library_p90']))}) | "  # type: ignore[arg-type]
            f"{ms(web)} ({ms(float(r['http_p90']))}) | {web / lib:.2f}x | "  # type: ignore[arg-type]
            f"{'yes' if r['within'] else 'no'} |"
        )
    out += [
        "",
        f"## Load: {args.clients} clients for {args.seconds:g} s on loopback",
        "",
        f"{args.clients - 1} clients cycle through the {len(rows)} saved queries (default "
        "parameters) and one ad-hoc `/sparql` SELECT; in the second run one more client sends "
        "only a cartesian-product query, stopped at its 5 s timeout. The figures are of the "
        "cycling clients' requests.",
        "",
        "| run | requests | per second | p50 ms | p99 ms | max ms | errors | slow query answers |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, tally, elapsed in runs:
        lat = tally.latencies
        codes = sorted({code for code, _ in tally.slow})
        slow = (
            f"{len(tally.slow)} x HTTP {', '.join(map(str, codes))} in "
            f"{', '.join(f'{t:.1f}' for _, t in tally.slow[:6])} s"
            if tally.slow
            else "-"
        )
        out.append(
            f"| {label} | {len(lat):,} | {len(lat) / elapsed:.0f} | {ms(percentile(lat, 0.5))} | "
            f"{ms(percentile(lat, 0.99))} | {ms(max(lat))} | {len(tally.errors)} | {slow} |"
        )
        if tally.errors:
            out += ["", f"Errors ({label}, first 10): " + "; ".join(tally.errors[:10]), ""]
    for label, tally, _ in runs:
        worst = ", ".join(f"{path.rsplit('/', 1)[-1]} {ms(t)} ms" for t, path in tally.slowest)
        out.append(f"\nSlowest requests {label}: {worst}.")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(SRC))
    with tempfile.TemporaryDirectory(prefix="umkm-kg-bench-web-") as work:
        folder = Path(work)
        print(f"loading {args.enterprises:,} enterprises ...", file=sys.stderr)
        make_data(folder, args.enterprises)
        process, url = start_server(folder / "data")
        try:
            print(f"server on {url}; latency ...", file=sys.stderr)
            rows = latency(folder / "data", url, args.runs)
            names = [str(r["name"]) for r in rows]
            runs = []
            for label, with_slow in (("without the slow query", False), ("with it", True)):
                print(f"load, {label} ...", file=sys.stderr)
                tally, elapsed = load(url, names, args.clients, args.seconds, with_slow=with_slow)
                runs.append((label, tally, elapsed))
        finally:
            process.terminate()
            process.wait(timeout=30)
    text = report(args, rows, runs)
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
