"""The search index, in shards that ``static/search.js`` fetches as the user types.

Labels are normalised (accents dropped, lower case) and split into tokens; an entry goes in the
shard of the first two characters of each of its tokens (``search/ba-1.json`` for "Batik"), cut
into parts of a bounded number of entries. ``search/index.json`` lists the shards with their
sizes, so the script fetches only the shard of the query's rarest token, part after part, until
it has enough matches. ``search.js`` normalises the query the same way (:func:`tokens`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    entries: Sequence[Entry], part_size: int, write: Callable[[str, str], None]
) -> dict[str, object]:
    """Write every shard's parts with ``write(path, text)``; return the manifest that lists them."""
    types = sorted({e.type for e in entries})
    type_index = {t: i for i, t in enumerate(types)}
    by_key: dict[str, list[Entry]] = {}
    for entry in entries:
        keys = {shard_key(t) for t in tokens(f"{entry.en} {entry.id}")}
        for key in keys:
            by_key.setdefault(key, []).append(entry)
    listed: dict[str, list[int]] = {}
    for key in sorted(by_key):
        members = sorted(by_key[key], key=lambda e: (e.en.lower(), e.href))
        parts = [members[i : i + part_size] for i in range(0, len(members), part_size)]
        for number, part in enumerate(parts, start=1):
            rows = [[e.href, e.en, "" if e.id == e.en else e.id, type_index[e.type]] for e in part]
            write(f"search/{key}-{number}.json", _json(rows))
        listed[key] = [len(members), len(parts)]
    manifest: dict[str, object] = {"key_length": KEY_LENGTH, "types": types, "shards": listed}
    write("search/index.json", _json(manifest))
    return manifest


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"
