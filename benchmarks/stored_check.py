"""The conformance check of a stored registry: ``info`` after a ``load --no-validate``, and a
validating ``load``, timed for one or more source trees side by side (runs alternate).

    python benchmarks/stored_check.py --data COPY --src /work/main/src --src src
    python benchmarks/stored_check.py --load registry.nt --src src --timeout 900

``--data`` is a data folder holding a registry loaded with ``--no-validate`` (use a copy: the
check writes its verdict, ``gNNNNNNNN.check.json``, beside the generation; it is removed before
every run so that each run checks anew). ``--load`` loads the file, validating, into a fresh
temporary data folder. Each run is a process of its own: wall time, CPU time (user + system)
and peak resident memory of that process, with the load average when it started. A run past
``--timeout`` seconds is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(src: str, args: list[str], timeout: float) -> dict[str, object]:
    """Run ``umkm-kg ARGS`` with ``src`` first on the import path: wall and CPU time, peak
    memory (the child's own, from ``wait4``), exit code, the load average when it started."""
    env = {**os.environ, "PYTHONPATH": src}
    load = os.getloadavg()[0]
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "umkm_kg.cli", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        stopped = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                process.kill()
                stopped = True
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.1)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        last = err.read().decode("utf-8", "replace").strip().splitlines()[-1:]
    return {
        "src": src,
        "wall": time.monotonic() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,  # Linux: KiB
        "stopped": stopped,
        "code": process.returncode,
        "load": load,
        "said": last[0][:120] if last else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", action="append", required=True, help="a source tree (src/)")
    parser.add_argument("--data", help="a data folder with an unvalidated registry (a copy)")
    parser.add_argument("--load", help="a registry file to load, validating")
    parser.add_argument("--runs", type=int, default=1, help="runs of each source tree")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a stop")
    options = parser.parse_args()
    if not options.data and not options.load:
        parser.error("give --data or --load")
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores")
    print("| what | source | wall | CPU | peak RSS | load avg at start | exit | last line |")
    print("|---|---|---:|---:|---:|---:|---|---|")
    for _ in range(options.runs):
        for src in options.src:
            if options.data:
                for verdict in Path(options.data, "store").glob("*.check.json"):
                    verdict.unlink()
                figures = run(src, ["--data-dir", options.data, "info", "--json"], options.timeout)
                _row(f"info (check of {Path(options.data).name})", figures)
            if options.load:
                folder = tempfile.mkdtemp(prefix="umkm-kg-check-")
                try:
                    args = ["--data-dir", folder, "load", options.load]
                    figures = run(src, args, options.timeout)
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
                _row(f"load {Path(options.load).name} (validating)", figures)


def _row(what: str, f: dict[str, object]) -> None:
    wall = f"stopped after {f['wall']:.0f} s" if f["stopped"] else f"{f['wall']:.1f} s"
    print(
        f"| {what} | {f['src']} | {wall} | {f['cpu']:.1f} s | {f['peak_mib']:.0f} MiB | "
        f"{f['load']:.2f} | {f['code']} | {f['said']} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
