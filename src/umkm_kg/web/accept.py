"""HTTP content negotiation: Accept and Accept-Language headers read with their q-values.

RFC 9110, 12.5.1: a media range's ``q`` says how much it is wanted (``q=0``: not at all); of
several ranges matching a type, the most specific one gives its ``q``; among offers with the
same ``q`` the server's order decides.
"""

from __future__ import annotations

from collections.abc import Sequence


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


def _ranges(header: str) -> list[tuple[str, str, float]]:
    """``(type, subtype, q)`` of each media range of an Accept header."""
    out = []
    for item in header.split(","):
        parts = item.split(";")
        kind = parts[0].strip().lower()
        if not kind:
            continue
        main, _, sub = kind.partition("/")
        out.append((main, sub or "*", _quality(parts[1:])))
    return out


def best_media_type(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the Accept header wants most, or ``None`` when it wants none of them.

    No header (or an empty one) takes the first offer.
    """
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = _ranges(accept)
    best: tuple[float, int] | None = None
    chosen = None
    for order, offer in enumerate(offers):
        main, _, sub = offer.lower().partition("/")
        matches = [
            (specific, q)
            for m, s, q in ranges
            for specific in [2 if (m, s) == (main, sub) else 1 if (m, s) == (main, "*") else 0]
            if (m, s) in ((main, sub), (main, "*"), ("*", "*"))
        ]
        if not matches:
            continue
        q = max(matches)[1]  # the most specific range decides
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
