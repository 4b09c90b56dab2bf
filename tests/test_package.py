"""The built wheel carries the ontology, shapes, data and queries, and works outside the tree."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel and install it into a fresh venv; return that venv's bin folder.

    The venv borrows the dependencies of the running environment through a ``.pth`` line (so
    the test needs no network), but ``umkm_kg`` itself comes only from the wheel.
    """
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(work),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(work.glob("umkm_kg-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(sysconfig.get_paths()["purelib"])
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "borrowed-deps.pth").write_text(f"{purelib}\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--no-deps",
            "--quiet",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return venv / "bin"


def test_wheel_bundles_the_data(installed: Path, tmp_path: Path) -> None:
    probe = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import umkm_kg.resources as r; print(r.ROOT); "
            "print(all(p.is_file() for p in (r.ONTOLOGY, r.SHAPES, r.DATA))); "
            "print(len(list(r.QUERIES.glob('*.rq'))))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    root, files_ok, n_queries = probe.stdout.split()
    assert Path(root).is_relative_to(installed.parent), root
    assert files_ok == "True"
    assert int(n_queries) >= 15


def test_installed_command_runs_outside_the_tree(installed: Path, tmp_path: Path) -> None:
    env = {"UMKM_KG_DATA": str(tmp_path / "data"), "PATH": str(installed), "HOME": str(tmp_path)}
    version = subprocess.run(
        [str(installed / "umkm-kg"), "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert version.returncode == 0, version.stderr
    info = subprocess.run(
        [str(installed / "umkm-kg"), "info", "--no-check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert info.returncode == 0, info.stderr
    assert "triples:" in info.stdout


def test_installed_wheel_builds_the_site(installed: Path, tmp_path: Path) -> None:
    """Regression: an unanchored ``site/`` in .gitignore once left the site package out."""
    env = {"UMKM_KG_DATA": str(tmp_path / "data"), "PATH": str(installed), "HOME": str(tmp_path)}
    built = subprocess.run(
        [str(installed / "umkm-kg"), "export", "site", str(tmp_path / "out"), "--no-queries"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "index.html").is_file()
