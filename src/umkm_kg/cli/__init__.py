"""The ``umkm-kg`` command line: a thin layer over :class:`umkm_kg.kg.KnowledgeGraph`.

Exit codes: 0 success (or conforms), 1 data does not conform, 2 bad input or usage,
3 a remote server failed or timed out.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from ..config import CONFIG_ENV, CONFIG_NAME, choose_config
from ..errors import EXIT_USAGE, UmkmError
from ..limits import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, default_data_dir
from ._common import SHOWN_LANG, Lang, Settings, err, report_error

app = typer.Typer(
    name="umkm-kg",
    help="Query, validate, add to and export the UMKM knowledge graph (Kota Tangerang, 2016).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: The modules under ``umkm_kg.cli`` that each add commands with ``register(app)``, and the
#: names of the commands (or command groups) each adds. A run imports only the module of the
#: command it names (a test checks this table against what the modules register).
COMMANDS: dict[str, tuple[str, ...]] = {
    "info": ("info",),
    "query": ("query", "sparql"),
    "search": ("search",),
    "push": ("push",),
    "export": ("export",),
    "records": ("validate", "add", "load", "template"),
    "batches": ("records",),
    "synth": ("synth",),
    "serve": ("serve",),
}
_MODULE_OF = {command: module for module, commands in COMMANDS.items() for command in commands}
#: Global options that take a value (the word after them is not a command's name).
_VALUED = frozenset(
    {"--data-dir", "--endpoint", "--graph", "--timeout", "--max-rows", "--lang", "--config"}
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"umkm-kg {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="UMKM_KG_DATA",
            help="Folder of added records (default: the per-user data folder).",
            file_okay=False,
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            envvar="UMKM_KG_ENDPOINT",
            help="Query a remote SPARQL 1.1 endpoint instead of the embedded graph. "
            "Credentials come from UMKM_KG_USER / UMKM_KG_PASSWORD.",
        ),
    ] = None,
    graph: Annotated[
        list[str] | None,
        typer.Option(
            "--graph",
            help="On a remote endpoint: the graph IRI holding the data; repeat it to query "
            "the union of several (as after push --keep-graphs).",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds a query may run.")
    ] = DEFAULT_TIMEOUT,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Rows shown before a result is cut.")
    ] = DEFAULT_MAX_ROWS,
    lang: Annotated[
        Lang,
        typer.Option(
            "--lang", envvar="UMKM_KG_LANG", help="Language of labels, messages and reports."
        ),
    ] = Lang.en,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            envvar=CONFIG_ENV,
            help=f"Settings file (default: {CONFIG_NAME} in the data folder, if there is one).",
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Query, validate, add to and export the UMKM knowledge graph."""
    # Until the configuration is read, its own errors are reported in the language known so far.
    ctx.obj = Settings(lang=lang)
    SHOWN_LANG.set(lang.value)
    chosen = choose_config(config, data_dir or default_data_dir())
    given = _given(ctx)
    if chosen.data_dir is not None and "data_dir" not in given:
        data_dir = chosen.data_dir
    if chosen.lang is not None and "lang" not in given:
        lang = Lang(chosen.lang)
        SHOWN_LANG.set(lang.value)
    if chosen.endpoint is not None and "endpoint" not in given:
        endpoint = chosen.endpoint
    ctx.obj = Settings(
        data_dir=data_dir,
        endpoint=endpoint,
        graphs=tuple(graph or ()) or chosen.graphs,
        timeout=timeout,
        max_rows=max_rows,
        lang=lang,
        config=chosen.path,
    )


def _given(ctx: typer.Context) -> set[str]:
    """The global options set on the command line or in the environment (not defaults)."""
    # By name: typer ships its own copy of click, whose ParameterSource is another enum.
    given = set()
    for name in ("data_dir", "lang", "endpoint"):
        source = ctx.get_parameter_source(name)
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            given.add(name)
    return given


def named_command(argv: list[str]) -> str | None:
    """The command ``argv`` names after the global options, or None (none, or not known)."""
    words = iter(argv)
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in _MODULE_OF else None
    return None


def register_commands(argv: list[str] | None = None) -> None:
    """Add to :data:`app` the commands a run of ``argv`` needs: the named one's module, or all
    (for help, and for a name the parser should call unknown with the whole list at hand)."""
    argv = sys.argv[1:] if argv is None else argv
    named = named_command(argv)
    if named is None and "--version" in argv:
        return  # answered before any command is looked at
    modules = [_MODULE_OF[named]] if named else list(COMMANDS)
    for module in modules:
        if module not in _registered:
            _registered.add(module)
            importlib.import_module(f"{__name__}.{module}").register(app)


_registered: set[str] = set()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``umkm-kg`` console script; returns the exit code.

    Usage errors are reported by the command-line parser itself (exit 2); the library's own
    errors are turned into a one-paragraph message and their documented exit code here.
    """
    # Until the global options are read, errors speak the language of the environment.
    env_lang = os.environ.get("UMKM_KG_LANG", "")
    SHOWN_LANG.set(env_lang if env_lang in ("id", "en") else "en")
    try:
        register_commands(argv)
        app(args=argv, prog_name="umkm-kg")
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except UmkmError as exc:
        return report_error(exc)
    except KeyboardInterrupt:
        err.print("dihentikan" if SHOWN_LANG.get() == "id" else "interrupted")
        return 130
    except BrokenPipeError:
        return 0
    return 0


def run() -> None:
    """The console script: :func:`main`, then the process ends."""
    code = main()
    # The interpreter's last collection would walk every object the command left (0.1-0.15 s
    # of CPU after a 1,000-record add at 100,000 enterprises) to free memory the exit gives
    # back anyway; objects still referenced are released as before.
    gc.freeze()
    sys.exit(code)
