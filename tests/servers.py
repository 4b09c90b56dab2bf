"""Real SPARQL servers for the remote tests: Oxigraph server and Virtuoso 7.2, on loopback.

Each server runs from its own temporary directory on free ports of 127.0.0.1, is waited for by
polling (never a fixed sleep) and is stopped by its own pid. A missing binary skips the tests,
except under ``CI=true``, where it fails them (``.ci/install-servers`` installs the binaries).

Fixtures (import them into ``conftest.py``):

- ``oxigraph_server`` (session): an empty Oxigraph server, no authentication.
- ``virtuoso_server`` (session): Virtuoso with a writer user (Digest) and a random dba password.
- ``virtuoso_capped`` (module): a second Virtuoso whose ``ResultSetMaxRows`` is 3, also the
  instance for timeout tests (a timed-out Virtuoso query keeps burning CPU, so it is stopped
  when the module ends).

Nothing here asserts anything about umkm-kg: these are plain, reusable server harnesses.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

READY_TIMEOUT = 90.0
"""Seconds a server may take to answer its first request (Virtuoso: 4-10 s)."""


@dataclass
class SparqlServer:
    """A running server: where to query, update and upload, and how to log in."""

    kind: str
    base_url: str
    query_url: str
    update_url: str
    gsp_url: str
    process: subprocess.Popen[bytes]
    workdir: Path
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    dba_password: str | None = field(default=None, repr=False)
    sql_port: int | None = None
    started_in: float = 0.0
    """Seconds from launch to the first answered request (creation included for Virtuoso)."""

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop this server's process (terminate, then kill), by its pid only."""
        stop_process(self.process)

    def log(self, chars: int = 3000) -> str:
        """The tail of the server's own output, for failure messages."""
        path = self.workdir / "server.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def isql(self, sql: str) -> str:
        """Run SQL as dba through ``isql-vt`` (Virtuoso only); fail on any ``*** Error``."""
        assert self.kind == "virtuoso" and self.sql_port and self.dba_password
        return run_isql(self.sql_port, self.dba_password, sql)


def require_binary(name: str, candidates: list[Path] | None = None) -> str:
    """The path of a server binary; skip the test without it, or fail under ``CI=true``."""
    for candidate in candidates or []:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    how = "pip install oxigraph (the test extra)" if name == "oxigraph" else ".ci/install-servers"
    reason = f"{name} is not installed (install it with: {how})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true requires the real servers")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port_url(path: str = "/sparql") -> str:
    """A loopback URL on which nothing listens (for "server down" tests)."""
    return f"http://127.0.0.1:{free_port()}{path}"


def random_password(length: int = 18) -> str:
    """A random password of letters and digits (Virtuoso takes 16-20 characters reliably)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        word = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
            return word


def stop_process(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Terminate one process we started, then kill it if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        process.wait(10)


def wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``url`` until it answers 200; fail early if the process dies."""
    deadline = time.monotonic() + READY_TIMEOUT
    delay = 0.05
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"server exited with {process.returncode} before ready:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    stop_process(process)
    raise RuntimeError(f"server at {url} was not ready within {READY_TIMEOUT:g} s")


# --- Oxigraph ----------------------------------------------------------------------------


@contextlib.contextmanager
def start_oxigraph(*, timeout_s: int | None = None) -> Iterator[SparqlServer]:
    """An Oxigraph server (``oxigraph serve``) on a free port, with an on-disk store."""
    binary = require_binary("oxigraph", [Path(sys.executable).parent / "oxigraph"])
    workdir = Path(tempfile.mkdtemp(prefix="umkm-oxigraph-"))
    port = free_port()
    command = [binary, "serve", "--location", str(workdir / "db"), "--bind", f"127.0.0.1:{port}"]
    if timeout_s is not None:
        command += ["--timeout-s", str(timeout_s)]
    log = workdir / "server.log"
    started = time.monotonic()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    server = SparqlServer(
        kind="oxigraph",
        base_url=base,
        query_url=f"{base}/query",
        update_url=f"{base}/update",
        gsp_url=f"{base}/store",
        process=process,
        workdir=workdir,
    )
    try:
        wait_until_ready(f"{base}/query?query=ASK%7B%7D", process, log)
        server.started_in = time.monotonic() - started
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# --- Virtuoso ----------------------------------------------------------------------------

_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ServerThreads = 10
CheckpointInterval = 60
SchedulerInterval = 10

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_seconds}
MaxQueryCostEstimationTime = 400
"""

VIRTUOSO_USER = "umkm_writer"


def run_isql(sql_port: int, dba_password: str, sql: str) -> str:
    """Run SQL through ``isql-vt`` as dba; ``isql-vt`` exits 0 on errors, so read its output."""
    isql = require_binary("isql-vt")
    done = subprocess.run(
        [isql, f"127.0.0.1:{sql_port}", "dba", dba_password],
        input=sql.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    output = (done.stdout + done.stderr).decode(errors="replace")
    if done.returncode != 0 or "*** Error" in output:
        raise RuntimeError(f"isql-vt failed ({done.returncode}):\n{output[-2000:]}")
    return output


@contextlib.contextmanager
def start_virtuoso(
    *, max_rows: int = 100_000, max_seconds: int = 60, buffers: int = 10_000
) -> Iterator[SparqlServer]:
    """A fresh Virtuoso database and server with a random dba password and a writer user.

    ``buffers`` is ``NumberOfBuffers`` (8 KiB pages of memory cache; 10,000 = 80 MiB suits
    the tests, a registry of millions of triples wants hundreds of thousands).

    Anonymous ``/sparql`` is read-only; the writer (``user``/``password``, Digest) writes
    through ``update_url`` (``/sparql-auth``) and ``gsp_url`` (``/sparql-graph-crud-auth``).
    """
    binary = require_binary("virtuoso-t")
    require_binary("isql-vt")
    workdir = Path(tempfile.mkdtemp(prefix="umkm-virtuoso-"))
    (workdir / "vsp").mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(
            dir=workdir,
            sql_port=sql_port,
            http_port=http_port,
            max_rows=max_rows,
            max_seconds=max_seconds,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
        )
    )
    dba_password, password = random_password(18), random_password(18)
    log = workdir / "server.log"
    started = time.monotonic()
    # Create the database and replace the default dba/dba password before any port opens.
    passwords = ["+pwdold", "dba", "+pwddba", dba_password, "+pwddav", dba_password]
    create = subprocess.run(
        [binary, "+foreground", "+configfile", str(ini), *passwords],
        cwd=workdir,
        capture_output=True,
        timeout=120,
        check=False,
    )
    output = (create.stdout + create.stderr).decode(errors="replace")
    if create.returncode != 0 or "The DBA password is changed" not in output:
        shutil.rmtree(workdir, ignore_errors=True)
        raise RuntimeError(f"virtuoso-t could not create its database:\n{output[-2000:]}")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=workdir,
        )
    base = f"http://127.0.0.1:{http_port}"
    server = SparqlServer(
        kind="virtuoso",
        base_url=base,
        query_url=f"{base}/sparql",
        update_url=f"{base}/sparql-auth",
        gsp_url=f"{base}/sparql-graph-crud-auth",
        process=process,
        workdir=workdir,
        user=VIRTUOSO_USER,
        password=password,
        dba_password=dba_password,
        sql_port=sql_port,
    )
    try:
        wait_until_ready(f"{base}/sparql?query=ASK%7B%7D", process, log)
        server.isql(
            f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{password}');\n"
            f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";\n'
        )
        server.started_in = time.monotonic() - started
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# --- A scripted HTTP server, for behaviour real servers will not show on demand -------------


@contextlib.contextmanager
def scripted_server(
    handler: type[http.server.BaseHTTPRequestHandler],
) -> Iterator[str]:
    """Serve ``handler`` on a free loopback port in a thread; yields the base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(
        target=httpd.serve_forever, args=(0.05,), name="scripted-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


# --- pytest fixtures ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[SparqlServer]:
    """An empty Oxigraph server for the whole session (query, update, store; no auth)."""
    with start_oxigraph() as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_server() -> Iterator[SparqlServer]:
    """A Virtuoso 7.2 server for the whole session, with a Digest writer user."""
    with start_virtuoso() as server:
        yield server


@pytest.fixture(scope="module")
def virtuoso_capped() -> Iterator[SparqlServer]:
    """A Virtuoso whose ``ResultSetMaxRows`` is 3; also the one to time out (then stopped)."""
    with start_virtuoso(max_rows=3, max_seconds=30) as server:
        yield server
