"""What a running server is allowed to do: limits, the write token, the hosts it answers to."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_BODY = 16 * 1024 * 1024
"""Bytes of a request body accepted (records to validate, a POSTed query)."""
WRITE_TOKEN_ENV = "UMKM_KG_WRITE_TOKEN"
"""Environment variable holding the token that allows ``POST /api/records``."""


@dataclass(frozen=True)
class WebSettings:
    """The server's settings; the defaults are the safe ones (loopback, read-only)."""

    timeout: float = DEFAULT_TIMEOUT
    """Seconds a query runs when the request does not ask for less."""
    max_timeout: float = DEFAULT_TIMEOUT
    """Most seconds a request's ``timeout`` parameter may ask for."""
    max_rows: int = DEFAULT_MAX_ROWS
    """Rows a SELECT returns before it is cut (and said to be cut)."""
    max_body: int = MAX_BODY
    write_token: str | None = None
    """Adding records (``POST /api/records``) is off unless this is set."""
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")
    """Host header values answered (DNS rebinding); ``*`` answers any."""
    lang: str = "en"
    warm_every: float | None = 5.0
    """Seconds between the server's looks for a new data version, whose home-page charts it
    then computes in the background (:mod:`.warming`); None: only when a visitor asks."""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def writable(self) -> bool:
        return bool(self.write_token)
