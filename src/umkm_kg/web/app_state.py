"""What route handlers take from the app: its graph and its settings (FastAPI dependencies)."""

from __future__ import annotations

from fastapi import Request

from ..kg import KnowledgeGraph
from .settings import WebSettings


def graph_of(request: Request) -> KnowledgeGraph:
    """The knowledge graph the app serves."""
    kg = request.app.state.kg
    assert isinstance(kg, KnowledgeGraph)
    return kg


def settings_of(request: Request) -> WebSettings:
    """The settings the app was made with."""
    settings = request.app.state.settings
    assert isinstance(settings, WebSettings)
    return settings
