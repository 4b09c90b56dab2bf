"""The search index, in small files that ``static/search.js`` fetches as the user types.

Labels are normalised (accents dropped, lower case) and split into tokens. The entries (page,
English and Indonesian labels, type) are numbered in label order and stored in chunks
(``search/entries-1.json``...); for the first two characters of every token there is a list of
the entries having such a token (``search/ba.json`` for "Batik"), its numbers written as gaps
from the previous one. ``search/index.json`` says which lists exist and how long they are. The
script fetches the lists of the query's tokens, intersects them, then fetches only the chunks
holding the first matches, checking each against the whole query. ``search.js`` normalises the
query the same way (:func:`tokens`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

KEY_LENGTH = 2
"""Characters of a token that pick its shard; shorter query tokens are not looked up alone."""

_TOKEN = re.compile(r"[^\W_]+")
_PLAIN_KEY = re.compile(r"[a-z0-9]+\Z")


@dataclass(frozen=True)
class Entry:
    """One searchable page: where it is, its English and Indonesian labels, its type."""

    href: str
    en: str
    id: str
    type: str


def tokens(text: str) -> list[str]:
    """The search tokens of a label: letters and digits, lower case, without combining accents.

    Only U+0300-U+036F are dropped, as ``search.js`` does.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")
    return _TOKEN.findall(plain.lower())


def shard_key(token: str) -> str:
    """The file-name key of a token's shard: its first characters, others written as ``_hex``."""
    head = token[:KEY_LENGTH]
    if _PLAIN_KEY.match(head):
        return head
    return "".join(c if _PLAIN_KEY.match(c) else f"_{ord(c):x}" for c in head)


def shards(
    entries: Sequence[Entry], chunk_size: int, write: Callable[[str, str], None]
) -> dict[str, object]:
    """Write the entry chunks and token lists with ``write(path, text)``; return the manifest."""
    ordered = sorted(entries, key=lambda e: (e.en.lower(), e.href))
    types = sorted({e.type for e in ordered})
    type_index = {t: i for i, t in enumerate(types)}
    for start in range(0, len(ordered), chunk_size):
        rows = [
            [e.href, e.en, "" if e.id == e.en else e.id, type_index[e.type]]
            for e in ordered[start : start + chunk_size]
        ]
        write(f"search/entries-{start // chunk_size + 1}.json", _json(rows))
    by_key: dict[str, list[int]] = {}
    for number, entry in enumerate(ordered):
        for key in sorted({shard_key(t) for t in tokens(f"{entry.en} {entry.id}")}):
            by_key.setdefault(key, []).append(number)
    listed: dict[str, int] = {}
    for key, numbers in sorted(by_key.items()):
        gaps = [numbers[0]] + [b - a for a, b in pairwise(numbers)]
        write(f"search/{key}.json", _json(gaps))
        listed[key] = len(numbers)
    manifest: dict[str, object] = {
        "key_length": KEY_LENGTH,
        "chunk": chunk_size,
        "entries": len(ordered),
        "types": types,
        "shards": listed,
    }
    write("search/index.json", _json(manifest))
    return manifest


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"
