"""What every command shares: global options, the lazily opened graph, and error reporting."""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from ..errors import UmkmError
from ..i18n import t, translate
from ..limits import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, default_data_dir

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

# Everything printed may quote the user's text (a parameter, a label, a server's message): no
# console markup ("[bold]") and no emoji codes (":x:" in "urn:x:" became an emoji), ever.
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

#: The language errors are reported in: the global --lang, or a command's own --lang.
SHOWN_LANG: ContextVar[str] = ContextVar("SHOWN_LANG", default="en")

USER_ENV = "UMKM_KG_USER"
PASSWORD_ENV = "UMKM_KG_PASSWORD"


class Lang(StrEnum):
    """Languages of labels and messages."""

    id = "id"
    en = "en"


@dataclass
class Settings:
    """Global options, and the graph they open (opened on first use)."""

    data_dir: Path | None = None
    endpoint: str | None = None
    graphs: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    lang: Lang = Lang.en
    config: Path | None = None
    _kg: KnowledgeGraph | None = field(default=None, repr=False)

    @property
    def records_dir(self) -> Path:
        return self.data_dir or default_data_dir()

    def kg(self) -> KnowledgeGraph:
        """Open the graph: the embedded default, or ``--endpoint`` through SPARQLWrapper."""
        from ..kg import KnowledgeGraph

        if self._kg is None:
            if self.endpoint:
                from ..store.remote import RemoteStore

                store = RemoteStore(
                    self.endpoint,
                    graph=self.graphs,
                    user=os.environ.get(USER_ENV),
                    password=os.environ.get(PASSWORD_ENV),
                )
                self._kg = KnowledgeGraph(store, data_dir=self.records_dir)
            else:
                self._kg = KnowledgeGraph.embedded(data_dir=self.records_dir, isolated=False)
        return self._kg


def settings(ctx: typer.Context) -> Settings:
    """The :class:`Settings` of the running command."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Settings):
        obj = Settings()
        ctx.find_root().obj = obj
    return obj


def report_error(exc: UmkmError, lang: str | None = None) -> int:
    """Print a user-facing error (no traceback) in ``lang`` (default: the language shown) and
    return its exit code."""
    lang = lang or SHOWN_LANG.get()
    err.print(t(lang, "error: ", "galat: ") + translate(exc.message, lang), markup=False)
    if exc.hint:
        err.print(translate(exc.hint, lang), markup=False)
    return exc.exit_code
