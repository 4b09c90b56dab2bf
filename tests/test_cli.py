"""The command line as a whole: version, help on every command, exit codes, no tracebacks."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

from conftest import Runner
from umkm_kg import __version__
from umkm_kg.cli import COMMANDS as MODULES
from umkm_kg.cli import app, named_command, register_commands


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        found.append(path)
        if hasattr(command, "commands"):
            found.extend(_commands(command, path))
    return found


register_commands([])  # all of them
COMMANDS = _commands(typer.main.get_command(app))


def test_the_table_of_commands_is_what_the_modules_register() -> None:
    """A run imports only the module of the command it names, found in this table."""
    for module, names in MODULES.items():
        fresh = typer.Typer()
        importlib.import_module(f"umkm_kg.cli.{module}").register(fresh)
        registered = [c.name for c in fresh.registered_commands]
        registered += [g.name for g in fresh.registered_groups]
        assert sorted(map(str, registered)) == sorted(names), module
    assert sorted(n for names in MODULES.values() for n in names) == sorted(
        p[0] for p in COMMANDS if len(p) == 1
    )


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["query", "run", "owners"], "query"),
        (["--data-dir", "query", "info"], "info"),  # a folder called "query"
        (["--lang", "id", "--timeout=5", "records", "list"], "records"),
        (["--version"], None),
        (["no-such-command"], None),
        ([], None),
    ],
)
def test_the_command_is_found_after_the_global_options(
    argv: list[str], named: str | None
) -> None:
    assert named_command(argv) == named


def test_a_command_runs_without_importing_the_others(tmp_path: Path) -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from umkm_kg.cli import main; code = main(['synth', '--help']); "
        "print(sorted(m for m in sys.modules if m.startswith('umkm_kg.cli.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    assert "umkm_kg.cli.synth" in out
    assert "umkm_kg.cli.serve" not in out and "umkm_kg.cli.export" not in out


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


# --- user text is printed literally (issue 11): no console markup, no emoji codes --------------

LITERAL_TEXTS = [
    "urn:x:{}|",
    "[bold]x[/bold]",
    "a :x: b",
    "[red]",
    ":thumbs_up:",
    "[link=x]y[/link]",
]


@pytest.mark.parametrize("text", LITERAL_TEXTS)
def test_user_text_in_errors_is_printed_literally(text: str, runner: Runner) -> None:
    # Regression: -p subject=urn:x:{}| printed "urn❌{}|".
    parameter = runner("query", "run", "enterprise-description", "-p", f"enterprise={text}")
    assert parameter.exit_code == 2
    assert f"'{text}'" in parameter.stderr
    unknown = runner("query", "run", text)
    assert unknown.exit_code == 2
    assert f"'{text}'" in unknown.stderr


@pytest.mark.parametrize("text", LITERAL_TEXTS)
@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_user_text_in_results_is_printed_literally(text: str, fmt: str, runner: Runner) -> None:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    result = runner("sparql", "--format", fmt, f'SELECT ("{escaped}" AS ?label) {{}}')
    assert result.exit_code == 0, result.output
    assert text in result.stdout


@pytest.mark.parametrize("text", LITERAL_TEXTS)
def test_user_text_in_a_validation_report_is_printed_literally(
    text: str, runner: Runner, tmp_path: Path
) -> None:
    records = tmp_path / "r.csv"
    records.write_text(f'nama,tujuan_ekspor\nUsaha A,"{text}"\n', encoding="utf-8")
    result = runner("validate", str(records))
    assert result.exit_code == 1
    assert text in result.stdout


def test_the_console_script_writes_all_its_output_and_keeps_its_exit_code(tmp_path: Path) -> None:
    """``run`` ends the process without the interpreter's last collection: what a command
    wrote is all there, and a usage error still exits 2."""
    script = [sys.executable, "-m", "umkm_kg.cli", "--data-dir", str(tmp_path / "d")]
    out = tmp_path / "template.ttl"
    done = subprocess.run([*script, "template", "enterprise", "-f", "ttl", "-o", str(out)])
    assert done.returncode == 0
    printed = subprocess.run([*script, "template", "enterprise", "-f", "ttl"], capture_output=True)
    assert printed.returncode == 0 and out.read_bytes() == printed.stdout and printed.stdout
    assert subprocess.run([*script, "query", "nosuch"], capture_output=True).returncode == 2
