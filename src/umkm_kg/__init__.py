"""umkm-kg: a linked-data knowledge graph of Indonesian micro, small and medium enterprises."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("umkm-kg")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

__all__ = ["__version__"]
