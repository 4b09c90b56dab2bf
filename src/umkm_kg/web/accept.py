"""Negotiation for the pages: HTML or RDF by Accept, and the language by Accept-Language.

Accept is read by :func:`.negotiation.parse_accept` (RFC 9110, 12.5.1: ``q=0`` is "not at
all", the most specific matching range gives a type its ``q``, ties go to the server's order);
the API's :func:`.negotiation.choose` offers only result and RDF formats, a page offers HTML too.
"""

from __future__ import annotations

from collections.abc import Sequence

from .negotiation import parse_accept


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return min(max(q, 0.0), 1.0)
    return 1.0


def best_media_type(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the Accept header wants most, or ``None`` when it wants none of them.

    No header (or an empty or unreadable one) takes the first offer.
    """
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = parse_accept(accept)
    if not ranges:  # nothing readable in it: as if there were no header, as the API does
        return offers[0] if offers else None
    best: tuple[float, int] | None = None
    chosen = None
    for order, offer in enumerate(offers):
        matching = [r for r in ranges if r.matches(offer.lower())]
        if not matching:
            continue
        top = max(r.specificity for r in matching)  # the most specific range decides
        q = max(r.q for r in matching if r.specificity == top)
        if q > 0 and (best is None or (q, -order) > best):
            best, chosen = (q, -order), offer
    return chosen


def ranked(accept_language: str) -> list[str]:
    """The language tags of an Accept-Language header, most wanted first (``q=0`` left out)."""
    tags = []
    for order, item in enumerate(accept_language.split(",")):
        parts = item.split(";")
        tag = parts[0].strip()
        q = _quality(parts[1:])
        if tag and tag != "*" and q > 0:
            tags.append((-q, order, tag))
    return [tag for _, _, tag in sorted(tags)]
