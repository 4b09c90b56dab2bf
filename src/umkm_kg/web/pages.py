"""The HTML pages (owned by the web-ui work; the factory includes this router)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
