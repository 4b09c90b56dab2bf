"""Long lists split into pages: the resources of each class, and the facts pointing at a resource.

A registry of 10,000 enterprises has classes of 10,000 members and resources (a country, a
category, the agency that reports every record) that thousands of facts point at. The home page
shows the first few members of each class and links the class's listing; a resource page shows
its first facts pointing here and links the pages with the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ...errors import BadInput
from .index import compact

T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    """How long the site's lists get before they go on over further pages."""

    listing: int = 500
    """Resources per page of a class listing."""
    preview: int = 20
    """Resources of each class listed on the home page."""
    facts: int = 100
    """Facts pointing at a resource shown on its page, and on each further page."""
    search: int = 1000
    """Entries per file of the search index."""

    def __post_init__(self) -> None:
        for name in ("listing", "preview", "facts", "search"):
            if getattr(self, name) < 1:
                raise BadInput(f"page size {name} must be at least 1, not {getattr(self, name)}")


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in consecutive slices of ``size`` (one empty slice when there are none)."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]


def incoming_page(stem: str, number: int) -> str:
    """The file of page ``number`` (from 2) of the facts pointing at the resource at ``stem``.

    Page 1 is the resource page itself. No resource's path has a segment starting with ``_``
    (:func:`~umkm_kg.publish.site.paths.page_stem`), so these never collide with a resource's files.
    """
    return f"{stem}/_in-{number}.html"


def listing_page(slug: str, number: int) -> str:
    """The file of page ``number`` (from 1) of the listing of one class."""
    return f"list/{slug}/{number}.html"


_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def class_slugs(classes: Sequence[str]) -> dict[str, str]:
    """A distinct file name for each class IRI (``""``: no class), from its compact form."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for iri in sorted(classes):
        base = _UNSAFE.sub("-", compact(iri)).strip("-").lower() if iri else "other"
        slug, n = base or "class", 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs[iri] = slug
    return slugs


PAGER_WINDOW = 3
"""Pages linked on either side of the current one (and the first and the last page)."""


def pager(hrefs: Sequence[str], current: int) -> dict[str, Any] | None:
    """Links from page ``current`` (from 1) of a list of pages (``hrefs``); ``None`` if one.

    The first and last pages and those near the current one are linked, the others left out
    (``None`` in ``pages`` marks a gap): 500 pages must not make each page a list of 500 links.
    """
    if len(hrefs) < 2:
        return None
    shown = [
        n
        for n in range(1, len(hrefs) + 1)
        if n in (1, len(hrefs)) or abs(n - current) <= PAGER_WINDOW
    ]
    links: list[dict[str, Any] | None] = []
    for n in shown:
        if links and links[-1] is not None and n > links[-1]["n"] + 1:
            links.append(None)
        links.append({"n": n, "href": hrefs[n - 1]})
    return {
        "current": current,
        "count": len(hrefs),
        "pages": links,
        "previous": hrefs[current - 2] if current > 1 else None,
        "next": hrefs[current] if current < len(hrefs) else None,
    }
