"""The command line as a whole: version, help on every command, exit codes, no tracebacks."""

from __future__ import annotations

from typing import Any

import typer.main

from conftest import Runner
from umkm_kg import __version__
from umkm_kg.cli import app


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        found.append(path)
        if hasattr(command, "commands"):
            found.extend(_commands(command, path))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_version(runner: Runner) -> None:
    result = runner("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"umkm-kg {__version__}"


def test_every_command_has_help(runner: Runner) -> None:
    assert ("info",) in COMMANDS
    for path in COMMANDS:
        result = runner(*path, "--help")
        assert result.exit_code == 0, path
        assert "Usage:" in result.stdout, path


def test_every_command_is_documented_in_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [" ".join(p) for p in COMMANDS if f"umkm-kg {' '.join(p)}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_unknown_command_is_a_usage_error(runner: Runner) -> None:
    result = runner("no-such-command")
    assert result.exit_code == 2
    assert "no-such-command" in result.output


def test_info_reports_triples_and_ontology_version(runner: Runner) -> None:
    result = runner("info", "--no-check")
    assert result.exit_code == 0, result.output
    assert "triples:" in result.stdout
    assert "0.1.0" in result.stdout
