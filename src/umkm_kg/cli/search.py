"""``umkm-kg search TEXT``: resources found by their labels, a page at a time."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import t
from ..query.results import QueryForm
from ._common import err, settings
from .query import FormatOption, LangOption, OutputOption, emit


def register(app: typer.Typer) -> None:
    app.command("search")(search)


def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words to look for in labels and names.")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="Matches to show (1 to 1,000).")] = 20,
    offset: Annotated[int, typer.Option("--offset", help="Matches to skip first.")] = 0,
    fmt: FormatOption = None,
    lang: LangOption = None,
    output: OutputOption = None,
) -> None:
    """Find resources by label or name, e.g. search "batik tulis" (best matches first).

    On the embedded store the label index answers (labels holding every word anywhere, a
    word of 1-2 letters at a word start, without regard to case or accents; made on first
    use of a data version); with --endpoint, a bounded SPARQL query (labels containing the
    text). Which one ran is said on stderr.
    """
    from ..query.render import resolve_format
    from ..query.search import search as find

    options = settings(ctx)
    shown = (lang or options.lang).value
    chosen = resolve_format(fmt, QueryForm.SELECT, str(output) if output else None)
    found = find(
        options.kg(), text, limit=limit, offset=offset, lang=shown, timeout=options.timeout
    )
    emit(options, found.as_result(), chosen, lang, output)
    more = t(shown, "; next page: --offset ", "; halaman berikutnya: --offset ")
    err.print(found.describe(shown) + (f"{more}{offset + limit}" if found.more else ""))
