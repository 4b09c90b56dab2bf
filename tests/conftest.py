"""Shared fixtures: the bundled graph, a command-line runner, and (in servers.py) real servers."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from servers import oxigraph_server, virtuoso_capped, virtuoso_server  # noqa: F401
from umkm_kg.cli import main
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.catalogue_cache import CACHE_ENV
from web_fixtures import client, live_server, web_data, web_kg  # noqa: F401

# The saved-query cache of the test run lives in a temporary folder, never in the user's.
_CACHE = tempfile.mkdtemp(prefix="umkm-kg-test-cache-")
os.environ[CACHE_ENV] = _CACHE


def pytest_unconfigure() -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def kg() -> Iterator[KnowledgeGraph]:
    """The bundled ontology and article data in a fresh embedded store (no added records)."""
    graph = KnowledgeGraph.embedded()
    yield graph
    graph.close()


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


Runner = Callable[..., CliResult]
"""Type of the ``runner`` fixture: ``runner("query", "list") -> CliResult``."""


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty records folder, also set as ``UMKM_KG_DATA`` so no test touches the user's."""
    folder = tmp_path / "umkm-data"
    monkeypatch.setenv("UMKM_KG_DATA", str(folder))
    return folder


@pytest.fixture
def runner(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Callable[..., CliResult]:
    """Run ``umkm-kg ARGS...`` in-process; returns exit code, stdout and stderr."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        result = CliResult(code, captured.out, captured.err)
        assert "Traceback" not in result.output, result.output
        return result

    return run
