"""Fixtures for the HTTP tests: a served store, an in-process client, and a real server.

- ``web_data`` (session): a data folder whose store holds the bundled graph;
- ``web_kg`` (session): that store opened as ``umkm-kg serve`` opens it (a pool of 2 query
  processes);
- ``client`` (session): a Starlette ``TestClient`` on ``create_app(web_kg)``, row cap 1,000;
- ``live_server`` (session): ``umkm-kg serve --port 0`` as a child process, its URL read from
  what it prints, waited for by polling (never a fixed sleep), stopped by its own pid.

They are imported into ``conftest.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.web import WebSettings, create_app
from umkm_kg.web.server import open_graph

READY_TIMEOUT = 60.0
LOCAL = "http://127.0.0.1"
"""Base URL of the in-process clients: a loopback name, which the Host check allows."""
SRC = Path(__file__).resolve().parent.parent / "src"

# A cartesian product of the bundled data with itself, three times: minutes of work.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="session")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web") / "data"
    KnowledgeGraph.embedded(data_dir=folder, isolated=False).close()  # makes the store
    return folder


@pytest.fixture(scope="session")
def web_kg(web_data: Path) -> Iterator[KnowledgeGraph]:
    kg = open_graph(web_data, workers=2)
    yield kg
    kg.close()


@pytest.fixture(scope="session")
def client(web_kg: KnowledgeGraph) -> Iterator[TestClient]:
    app = create_app(web_kg, settings=WebSettings(max_rows=1000, max_timeout=60))
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client


def start_server(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """``umkm-kg --data-dir DIR serve --port 0 ARGS...``; returns the process and its URL."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - the server writes to it while it runs
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "umkm_kg.cli",
            "--data-dir",
            str(data_dir),
            "serve",
            "--port",
            "0",
            "--workers",
            "2",
            "--log-level",
            "warning",
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "PYTHONPATH": str(SRC), **(env or {})},
    )
    deadline = time.monotonic() + READY_TIMEOUT
    url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"umkm-kg serve exited: {log.read().decode(errors='replace')}")
        log.seek(0)
        for line in log.read().decode(errors="replace").splitlines():
            if line.startswith("serving on "):
                url = line.removeprefix("serving on ").strip().rstrip("/")
        if url is not None:
            try:
                with urllib.request.urlopen(f"{url}/openapi.json", timeout=5) as response:
                    if response.status == 200:
                        return process, url
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("umkm-kg serve did not answer in time")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def live_server(web_data: Path) -> Iterator[str]:
    process, url = start_server(web_data)
    yield url
    stop_server(process)
