"""The markup of terms, provenance and fact tables, shared by every page template.

Written in Python rather than as Jinja macros: a registry site renders hundreds of thousands
of table rows, and a macro call per value cost more than everything else on a page. Every
text and attribute goes through :func:`markupsafe.escape`; a term's markup is kept in its view,
which :class:`~umkm_kg.publish.site.views.Views` reuses for every page of a folder.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from .views import View


def _e(value: object) -> str:
    return str(escape(value))


def term(v: View | None) -> Markup:
    """A link for an IRI, a literal with its language or datatype, a nested table for a blank."""
    if v is None:
        return Markup("")
    cached = v.get("html")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    kind = v["kind"]
    if kind == "iri":
        # No title with the IRI: a site page shows its IRI, and any other link goes to the IRI.
        if v["href"]:
            out = Markup(f'<a href="{_e(v["href"])}">{_e(v["label"])}</a>')
        else:  # only http(s) IRIs become links
            out = Markup(f'<span class="iri">{_e(v["label"])}</span>')
        v["html"] = out
        return out
    if kind == "literal":
        lang = v["lang"]
        attribute = f' lang="{_e(lang)}"' if lang else ""
        text = f'<span class="literal"{attribute}>{_e(v["text"])}</span>'
        if lang:
            text += f' <span class="tag">@{_e(lang)}</span>'
        if v["datatype"]:
            text += f' <span class="tag">{_e(v["datatype"])}</span>'
        return Markup(text)
    return Markup(f'<div class="blank">{facts(v["rows"])}</div>')


def provenance(p: View | None) -> Markup:
    """The source column of one fact: its claim's source, paragraphs and quoted sentences."""
    if not p:
        return Markup("")
    paragraphs = "".join(f"¶{_e(n)} " for n in p["paragraphs"])
    if p.get("same"):
        text = f'<a href="#source">{paragraphs}source</a>'
    else:
        text = "".join(f'<a href="{_e(s["href"])}">{_e(s["label"])}</a> ' for s in p["sources"])
        text += paragraphs
        for s in p["sentences"]:
            lang = f' lang="{_e(s["lang"])}"' if s["lang"] else ""
            text += f"<q{lang}>{_e(s['text'])}</q> "
    if p["interpretation"]:
        text += '<em class="interp">interpretation</em>'
    return Markup(text)


_GRAPHS: dict[tuple[str, ...], str] = {}


def graphs(names: Sequence[View]) -> Markup:
    """The named graphs holding a fact."""
    key = tuple(g["iri"] for g in names)
    text = _GRAPHS.get(key)
    if text is None:
        text = _GRAPHS[key] = "".join(
            f' <span class="graph">{_e(g["label"])}</span>' for g in names
        )
    return Markup(text)


def facts(groups: Sequence[View], heading: str = "value") -> Markup:
    """A table of facts grouped by property, one row per value.

    When every fact is in the same graphs with the same source (a record's own facts: one
    claim, one batch), that is said once, in the caption, rather than on every row; the
    provenance statements themselves (which have no source of their own) do not count.
    """
    items = [item for group in groups for item in group["values"]]
    sources = [f"{provenance(i['provenance'])}{graphs(i['graphs'])}" for i in items]
    claims = {str(provenance(i["provenance"])) for i in items if i["provenance"] is not None}
    shared = (
        len(items) > 1 and len({str(graphs(i["graphs"])) for i in items}) == 1 and len(claims) <= 1
    )
    head = [f'<th scope="col">{_e(heading)}</th>']
    rows = ['<table class="facts">\n']
    if shared:
        common = f"{next(iter(claims), '')}{graphs(items[0]['graphs'])}".strip()
        rows.append(f"<caption>Source of these facts: {common}</caption>\n")
    else:
        head.append('<th scope="col">source</th>')
    rows.append(f'<thead><tr><th scope="col">property</th>{"".join(head)}</tr></thead>\n<tbody>\n')
    number = 0
    for group in groups:
        values = group["values"]
        span = f' rowspan="{len(values)}"' if len(values) > 1 else ""
        header = f'<th scope="row"{span}>{term(group["property"])}</th>'
        for index, item in enumerate(values):
            source = "" if shared else f'\n<td class="prov">{sources[number]}</td>'
            first = header if index == 0 else ""
            rows.append(f"<tr>\n{first}<td>{term(item['value'])}</td>{source}\n</tr>\n")
            number += 1
    rows.append("</tbody>\n</table>")
    return Markup("".join(rows))


def alternates(links: Sequence[View]) -> Markup:
    """The paragraph linking a page's RDF files."""
    if not links:
        return Markup("")
    items = ", ".join(
        f'<a href="{_e(a["href"])}" type="{_e(a["type"])}">{_e(a["key"])}</a>' for a in links
    )
    return Markup(f'<p class="alternates">Also as {items}</p>')
