"""umkm-kg: a linked-data knowledge graph of Indonesian micro, small and medium enterprises."""

from __future__ import annotations

__version__ = "0.1.0"
"""The package's version; pyproject.toml reads it from here (``[tool.hatch.version]``)."""

__all__ = ["__version__"]
