"""Texts in the two languages the tool speaks: Indonesian (``id``) and English (``en``)."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Text:
    """A text in English and Indonesian (``Text(en, id)``, or by keyword)."""

    en: str
    id: str

    def get(self, lang: str) -> str:
        """The Indonesian text for ``lang == "id"``, else the English one."""
        return self.id if lang == "id" else self.en


def t(lang: str, en: str, id: str) -> str:
    """``id`` when ``lang`` is Indonesian, else ``en``: a message written in both at its source."""
    return id if lang == "id" else en
