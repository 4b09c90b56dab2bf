"""The configuration file: the defaults people set once (language, endpoint, graph, data folder).

``umkm-kg.toml`` in the data folder is read when it exists; ``--config FILE`` (or
``UMKM_KG_CONFIG``) names another one, which must exist. A value given on the command line
wins over the environment, which wins over the file, which wins over the built-in default::

    lang = "id"                                  # id or en
    endpoint = "http://127.0.0.1:8890/sparql"    # query a remote server
    graph = ["https://w3id.org/umkm-kg/graph/all"]   # a graph IRI, or a list of them
    data_dir = "registry"                        # relative to the file's folder
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInput
from .i18n import LANGUAGES
from .iri import iri_problem

CONFIG_NAME = "umkm-kg.toml"
"""Name of the configuration file looked for in the data folder."""
CONFIG_ENV = "UMKM_KG_CONFIG"
KEYS = ("lang", "endpoint", "graph", "data_dir")
MAX_CONFIG_BYTES = 64 * 1024


@dataclass(frozen=True)
class Config:
    """The settings of one configuration file; ``None`` (or no graphs) where it says nothing."""

    path: Path | None = None
    lang: str | None = None
    endpoint: str | None = None
    graphs: tuple[str, ...] = ()
    data_dir: Path | None = None


def find_config(data_dir: Path) -> Path | None:
    """The configuration file of ``data_dir``, if there is one."""
    path = data_dir / CONFIG_NAME
    return path if path.is_file() else None


def choose_config(path: Path | None, data_dir: Path) -> Config:
    """The configuration named by ``path`` (``--config``), else ``data_dir``'s, else none.

    :raises BadInput: ``path`` is not a file, or the file chosen is not a good configuration.
    """
    if path is not None:
        if not path.is_file():
            raise BadInput(
                f"no configuration file {path}", hint=f"see: {CONFIG_NAME} in the README"
            )
        return load_config(path)
    found = find_config(data_dir)
    return load_config(found) if found is not None else Config()


def load_config(path: Path) -> Config:
    """Read and check one configuration file.

    :raises BadInput: unreadable, not TOML, an unknown key or a value of the wrong kind.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"cannot read the configuration file {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise BadInput(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB, not a configuration")
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not a TOML file: {exc}") from exc
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise BadInput(
            f"{path}: unknown setting {unknown[0]!r}", hint=f"settings: {', '.join(KEYS)}"
        )
    lang = _string(path, table, "lang")
    if lang is not None and lang not in LANGUAGES:
        raise BadInput(f"{path}: lang = {lang!r}", hint=f"lang is one of: {', '.join(LANGUAGES)}")
    endpoint = _string(path, table, "endpoint")
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        raise BadInput(f"{path}: endpoint = {endpoint!r} is not an http(s) URL")
    graphs = _graphs(path, table.get("graph"))
    folder = _string(path, table, "data_dir")
    data_dir = None
    if folder is not None:
        data_dir = Path(folder).expanduser()
        if not data_dir.is_absolute():
            data_dir = path.parent / data_dir
    return Config(path=path, lang=lang, endpoint=endpoint, graphs=graphs, data_dir=data_dir)


def _string(path: Path, table: dict[str, object], key: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{path}: {key} must be a non-empty string, not {value!r}")
    return value.strip()


def _graphs(path: Path, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise BadInput(f"{path}: graph must be an IRI or a list of IRIs, not {value!r}")
    for item in items:
        problem = iri_problem(item)
        if problem:
            raise BadInput(f"{path}: graph {item!r} is not an IRI ({problem})")
    return tuple(items)
