"""The HTTP server: a SPARQL 1.1 Protocol endpoint, the saved queries as a REST API, record
validation and adding, and (from :mod:`.pages`) the HTML pages, all over one
:class:`~umkm_kg.kg.KnowledgeGraph` (``umkm-kg serve``).

``create_app`` and ``WebSettings`` are imported on first use: the command line imports this
package for ``serve``'s defaults, and must not pay for FastAPI, or the validator that
``/api/validate`` loads, in every other command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "WebSettings":
        from .settings import WebSettings

        return WebSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
