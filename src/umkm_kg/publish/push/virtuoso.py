"""Virtuoso's bulk loader: write N-Triples files where the server can read them, then load
them with ``ld_dir`` + ``rdf_loader_run()`` + ``checkpoint`` through ``isql``.

For millions of triples this is Virtuoso's fastest path (no HTTP, no SPARQL compilation, no
transaction log). It needs a directory the server may read (listed in ``DirsAllowed`` of its
``virtuoso.ini``, at the same path for the server and for umkm-kg: the server is local, or
shares the folder) and an SQL login allowed to run the loader (``dba``, or a user granted
``EXECUTE`` on ``DB.DBA.ld_dir`` and ``DB.DBA.rdf_loader_run``, ``SELECT`` and ``DELETE`` on
``DB.DBA.LOAD_LIST`` and ``SELECT`` on ``DB.DBA.RDF_QUAD``). ``isql`` exits 0 when its
SQL fails, so its output is read for ``*** Error``; the loader records a file it could not
parse in ``DB.DBA.LOAD_LIST`` instead of failing, so that is read too, and the triples in each
target graph are counted on the server before the push is reported complete.

The credentials are those of the HTTP push (``UMKM_KG_USER`` / ``UMKM_KG_PASSWORD``);
``isql`` takes the password as an argument, so it is visible to the machine's other users in
the process list while ``isql`` runs.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ...errors import BadInput, EndpointUnavailable, RemoteAuthError, RemoteError
from .report import Chunk, ProgressCallback, PushReport, chunk_count, incomplete
from .source import Target, blocks, chunks

DEFAULT_SQL_PORT = 1111
DEFAULT_FILE_TRIPLES = 2_000_000
"""Triples per bulk file (~400 MB): parallel loaders take whole files."""
SQL_TIMEOUT = 600.0
"""Seconds an SQL step other than the load itself may take (clearing a large graph is slow)."""

_ISQL_NAMES = ("isql-vt", "isql")
_GRANTS = (
    "use dba, or a user granted EXECUTE ON DB.DBA.ld_dir and DB.DBA.rdf_loader_run, "
    "SELECT and DELETE ON DB.DBA.LOAD_LIST, SELECT ON DB.DBA.RDF_QUAD (and SPARQL_UPDATE)"
)
_COUNT = re.compile(r"^umkm-count-(\d+)\s+(\d+)\s*$", re.MULTILINE)
_FAILED = re.compile(r"^umkm-failed\|(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class BulkLoader:
    """Where Virtuoso's bulk loader reads files from, and how to reach it through ``isql``."""

    directory: Path
    sql_port: int = DEFAULT_SQL_PORT
    loaders: int = 1
    """``rdf_loader_run()`` sessions in parallel (one per core the server may use)."""
    file_triples: int = DEFAULT_FILE_TRIPLES
    isql: str | None = None
    """The ``isql`` binary (default: ``isql-vt`` or ``isql`` on the PATH)."""


def bulk_push(
    store: ox.Store,
    targets: Sequence[Target],
    endpoint: str,
    loader: BulkLoader,
    *,
    user: str | None,
    password: str | None,
    progress: ProgressCallback | None = None,
) -> PushReport:
    """Load ``targets`` into the Virtuoso serving ``endpoint``, replacing each target graph.

    :raises BadInput: no ``isql`` binary, no credentials, or a directory that cannot be written.
    :raises RemoteAuthError: the login is refused, or may not run the bulk loader.
    :raises EndpointUnavailable: nothing answers on the SQL port.
    :raises PushIncomplete: a file failed to load, or a graph does not hold what was sent.
    """
    if loader.file_triples < 1 or loader.loaders < 1:
        raise BadInput("the bulk loader needs at least one file triple and one loader")
    if not user or not password:
        raise BadInput(
            "the bulk loader needs an SQL login: set UMKM_KG_USER and UMKM_KG_PASSWORD",
            hint=_GRANTS,
        )
    isql = _isql_binary(loader.isql)
    host = urllib.parse.urlsplit(endpoint).hostname or "127.0.0.1"
    session = _Isql(isql, f"{host}:{loader.sql_port}", user, password)
    session.run("SELECT 1;", timeout=60.0)
    report = PushReport(
        endpoint=endpoint,
        protocol="bulk",
        graphs={t.graph: t.triples for t in targets},
        chunk_triples=loader.file_triples,
    )
    run = _run_directory(loader.directory)
    in_run = f"ll_file LIKE {_sql(str(run) + '/%')}"
    try:
        files = _write_files(store, targets, run, loader.file_triples)
        # Register the files first: a login that may not run the loader fails here, before
        # any graph is cleared (isql runs every statement, even after one failed).
        setup = [
            f"ld_dir({_sql(str(run))}, {_sql(f'g{index:03d}-*.nt')}, {_sql(target.graph)});"
            for index, target in enumerate(targets)
        ]
        session.run("\n".join(setup), timeout=SQL_TIMEOUT)
        clear = [f"SPARQL CLEAR GRAPH <{target.graph}>;" for target in targets]
        session.run("\n".join(["log_enable(3,1);", *clear]), timeout=SQL_TIMEOUT)
        session.parallel("rdf_loader_run();", loader.loaders)
        checks = [
            "checkpoint;",
            "SELECT concat('umkm-failed|', ll_file, '|', ll_error) FROM DB.DBA.LOAD_LIST "
            f"WHERE {in_run} AND ll_error IS NOT NULL;",
        ]
        checks += [
            f"SELECT 'umkm-count-{index}', COUNT(*) FROM DB.DBA.RDF_QUAD "
            f"WHERE G = iri_to_id({_sql(target.graph)}, 0);"
            for index, target in enumerate(targets)
        ]
        output = session.run("\n".join(checks), timeout=SQL_TIMEOUT)
    finally:
        shutil.rmtree(run, ignore_errors=True)
        with contextlib.suppress(RemoteError):
            session.run(f"DELETE FROM DB.DBA.LOAD_LIST WHERE {in_run};", timeout=60.0)
    _account(report, targets, files, output, progress)
    return report


def _account(
    report: PushReport,
    targets: Sequence[Target],
    files: dict[str, list[tuple[Path, Chunk]]],
    output: str,
    progress: ProgressCallback | None,
) -> None:
    failed = {}
    for line in _FAILED.findall(output):
        path, _, error = line.partition("|")
        failed[Path(path.strip()).name] = error.strip()
    counts = {int(i): int(n) for i, n in _COUNT.findall(output)}
    for index, target in enumerate(targets):
        held = counts.get(index)
        for path, chunk in files[target.graph]:
            if path.name in failed:
                report.failed = chunk
                report.error = f"{path.name}: {failed[path.name]}"
                raise incomplete(report, RemoteError(f"Virtuoso could not load {report.error}"))
            report.loaded.append(chunk)
            if progress is not None:
                progress(chunk, report)
        if held != target.triples:
            last = report.loaded.pop()
            report.failed = last
            report.error = f"the server holds {held} triples in <{target.graph}>"
            raise incomplete(
                report,
                RemoteError(
                    f"after the bulk load the server holds {held if held is not None else 'no'} "
                    f"triples in <{target.graph}>, not {target.triples:,}"
                ),
            )


def _write_files(
    store: ox.Store, targets: Sequence[Target], run: Path, size: int
) -> dict[str, list[tuple[Path, Chunk]]]:
    files: dict[str, list[tuple[Path, Chunk]]] = {}
    for index, target in enumerate(targets):
        count = chunk_count(target.triples, size)
        written = files.setdefault(target.graph, [])
        streams = (blocks(store, part) for part in target.parts)
        for number, (body, triples) in enumerate(chunks(streams, size), start=1):
            path = run / f"g{index:03d}-{number:05d}.nt"
            try:
                path.write_bytes(body)
            except OSError as exc:
                raise BadInput(f"cannot write the bulk file {path}: {exc}") from exc
            written.append((path, Chunk(target.graph, number, count, triples)))
    return files


def _run_directory(directory: Path) -> Path:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        run = Path(tempfile.mkdtemp(prefix="umkm-push-", dir=directory)).resolve()
        run.chmod(0o755)  # the server may run as another user
    except OSError as exc:
        raise BadInput(
            f"cannot write to the bulk directory {directory}: {exc}",
            hint="give --bulk-dir a folder listed in the server's DirsAllowed",
        ) from exc
    return run


def _isql_binary(given: str | None) -> str:
    for name in (given,) if given else _ISQL_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BadInput(
        "the bulk loader needs Virtuoso's isql (isql-vt), which is not installed here",
        hint="install virtuoso-opensource-7-bin, or push over HTTP (without --bulk-dir)",
    )


def _sql(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class _Isql:
    binary: str
    address: str
    user: str
    password: str

    def _command(self) -> list[str]:
        return [self.binary, self.address, self.user, self.password]

    def run(self, sql: str, *, timeout: float | None) -> str:
        """Run SQL in one session; its output, or an error for any ``*** Error`` in it."""
        try:
            done = subprocess.run(
                self._command(),
                input=(sql + "\n").encode(),
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise RemoteError(
                f"isql on {self.address} did not finish within {timeout:g} s"
            ) from exc
        return self._checked(done.returncode, done.stdout + done.stderr)

    def parallel(self, sql: str, sessions: int) -> None:
        """Run the same SQL in ``sessions`` concurrent sessions and wait for all of them."""
        running = [
            subprocess.Popen(
                self._command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for _ in range(sessions)
        ]
        results = [process.communicate((sql + "\n").encode()) for process in running]
        for process, (output, _) in zip(running, results, strict=True):
            self._checked(process.returncode, output)

    def _checked(self, code: int, raw: bytes) -> str:
        output = raw.decode("utf-8", "replace").replace(self.password, "***")
        if code == 0 and "*** Error" not in output:
            return output
        error = _first_error(output)
        if "28000" in error or "Bad login" in error:
            raise RemoteAuthError(
                f"isql on {self.address} refused the login for user {self.user!r}: {error}",
                hint="check UMKM_KG_USER and UMKM_KG_PASSWORD (an SQL login of the server)",
            )
        if "08S01" in error or "Connect failed" in error or "connect" in error.lower():
            raise EndpointUnavailable(
                f"cannot reach Virtuoso's SQL port at {self.address}: {error}",
                hint="check the server runs and --sql-port (ServerPort in [Parameters])",
            )
        if "FA003" in error or "DirsAllowed" in error or "denied due to access" in error:
            raise RemoteError(
                f"Virtuoso may not read the bulk directory: {error}",
                hint="add the --bulk-dir folder to DirsAllowed in the server's virtuoso.ini",
            )
        if "SR186" in error or ("42000" in error and "denied" in error):
            raise RemoteAuthError(
                f"user {self.user!r} may not run the bulk loader: {error}",
                hint=_GRANTS,
            )
        raise RemoteError(f"isql on {self.address} failed: {error}")


def _first_error(output: str) -> str:
    for line in output.splitlines():
        if "*** Error" in line:
            return " ".join(line.split("*** Error", 1)[1].split()).lstrip(": ")[:300]
    lines = [line for line in output.splitlines() if line.strip()]
    return (lines[-1] if lines else "no output")[:300]
