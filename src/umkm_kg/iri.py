"""The one strict IRI check, shared by record parsing and query parameters.

An IRI from outside (a record, a query parameter, a datatype) must be absolute, use a scheme
from a short allowlist, and contain none of the characters RFC 3987 forbids. ``file:``,
``javascript:``, ``data:`` and the like are refused: an IRI that a browser or a loader could
act on has no place in the graph.
"""

from __future__ import annotations

import re

from .errors import BadInput, UmkmError

ALLOWED_SCHEMES: frozenset[str] = frozenset({"http", "https", "urn", "tag", "mailto"})
"""Schemes an IRI from outside may use."""

MAX_IRI_LENGTH = 2048

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# RFC 3987 excludes controls, space and these from every IRI component.
_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"^//([^/?#]*)")
_HOST_OK = re.compile(r"^(?:[^@/?#]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^\[\]:@]+)(?::[0-9]{0,5})?$")


def iri_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable IRI, or ``None`` when it is."""
    if not value:
        return "an empty IRI"
    if len(value) > MAX_IRI_LENGTH:
        return f"an IRI longer than {MAX_IRI_LENGTH} characters"
    bad = _FORBIDDEN.search(value)
    if bad:
        return f"a character not allowed in an IRI ({bad.group()!r})"
    if _BAD_ESCAPE.search(value):
        return "a '%' that does not start a percent-escape"
    scheme = _SCHEME.match(value)
    if scheme is None:
        return "a relative IRI (no scheme such as https:)"
    name = scheme.group(1).lower()
    if name not in ALLOWED_SCHEMES:
        allowed = ", ".join(sorted(ALLOWED_SCHEMES))
        return f"the IRI scheme {name!r}, which is not allowed (use one of: {allowed})"
    rest = value[scheme.end() :]
    if name in ("http", "https"):
        host = _HOST.match(rest)
        if host is None or not host.group(1) or not _HOST_OK.match(host.group(1)):
            return f"an {name} IRI without a valid host"
    elif not rest:
        return f"a {name} IRI with nothing after the scheme"
    return None


def is_valid_iri(value: str) -> bool:
    """True when :func:`iri_problem` finds nothing wrong with ``value``."""
    return iri_problem(value) is None


def check_iri(value: str, *, where: str = "", error: type[UmkmError] = BadInput) -> str:
    """Return ``value`` unchanged if it is an acceptable IRI.

    ``where`` says where the IRI came from (``"records.ttl line 4"``, ``"parameter country"``);
    ``error`` picks the exception (query parameters raise :class:`~umkm_kg.errors.BadParameter`).

    >>> check_iri("https://w3id.org/umkm-kg/id/country-my")
    'https://w3id.org/umkm-kg/id/country-my'

    :raises BadInput: (or ``error``) the IRI is relative, malformed or uses a refused scheme.
    """
    problem = iri_problem(value)
    if problem is None:
        return value
    shown = value if len(value) <= 120 else value[:117] + "..."
    prefix = f"{where}: " if where else ""
    raise error(
        f"{prefix}refused IRI <{shown}>: {problem}",
        hint="IRIs must be absolute http(s), urn, tag or mailto IRIs",
    )


LINK_SCHEMES: frozenset[str] = frozenset({"http", "https"})
"""Schemes a link the tool follows or writes may use (``--endpoint``, ``--base-url``)."""


def link_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable http(s) URL to reach or to link to, or ``None``.

    Stricter than :func:`iri_problem`: only ``http`` and ``https``, a host, no user name or
    password in the URL (credentials come from the environment), none of the characters that
    could end an HTML attribute or a header (quotes, spaces, angle brackets, controls).
    """
    if not value:
        return "an empty URL"
    if len(value) > MAX_IRI_LENGTH:
        return f"a URL longer than {MAX_IRI_LENGTH} characters"
    bad = _FORBIDDEN.search(value) or re.search(r"['\x7f-\x9f]", value)
    if bad:
        return f"a character not allowed in a URL ({bad.group()!r})"
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.group(1).lower() not in LINK_SCHEMES:
        found = f"the scheme {scheme.group(1).lower()!r}" if scheme else "no scheme"
        return f"{found}: only http and https URLs are allowed"
    host = _HOST.match(value[scheme.end() :])
    if host is None or not host.group(1) or not _HOST_OK.match(host.group(1)):
        return "no valid host"
    if "@" in host.group(1):
        return "a user name or password in the URL (give them in UMKM_KG_USER, UMKM_KG_PASSWORD)"
    if _BAD_ESCAPE.search(value):
        return "a '%' that does not start a percent-escape"
    return None


def check_link(value: str, *, what: str = "URL", error: type[UmkmError] = BadInput) -> str:
    """Return ``value`` unchanged if it is an acceptable http(s) URL (:func:`link_problem`).

    >>> check_link("https://example.org/umkm/")
    'https://example.org/umkm/'

    :raises BadInput: (or ``error``) naming ``what`` (``"--endpoint"``, ``"--base-url"``).
    """
    problem = link_problem(value)
    if problem is None:
        return value
    shown = value if len(value) <= 120 else value[:117] + "..."
    raise error(f"{what} {shown!r} is refused: {problem}", hint="give an http:// or https:// URL")
