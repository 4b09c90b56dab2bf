"""How the label index sees text: folded for case and accents, split into words, and written
as the document and the query of a trigram full-text table.

The index finds what the ``search-labels`` scan finds: a label *containing* the text (a word
of 3 characters or more is found anywhere in a label: ``ekspor`` in "Pengekspor"). SQLite's
``trigram`` tokenizer indexes every run of 3 characters, so it cannot look up a shorter word;
for those the document also holds the first one and two characters of each word, behind a
mark no text can hold, and a word of 1 or 2 characters is found as the start of a word (as the
index did before: ``ba`` finds "Batik", not every label with "ba" inside).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

SHORTEST = 3
"""The shortest word found anywhere in a label; a shorter one must start a word."""
MARK = "\x1e"
"""Written before the start of a word in the document (a control character: folded text
never holds one, so no query of 3 characters or more can reach the starts)."""
BETWEEN = "\x1f"
"""Written between the labels of one document (no search crosses from one to the next)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


def fold(text: str) -> str:
    """``text`` compared without regard to case, accents or compatibility forms, and trimmed.

    Two texts equal when lower-cased (as SPARQL's ``LCASE``) also fold alike, so folded equality
    finds every candidate that a ``LCASE`` comparison would accept, and maybe a few more.
    """
    if text.isascii():  # most labels: nothing to decompose, and casefold is lower
        return text.strip().lower()
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fingerprint(text: str) -> int:
    """A 64-bit number standing for ``fold(text)``: the index keeps these, not the texts, for
    names (a rare collision only adds a candidate, which the parameter's query then refuses)."""
    digest = hashlib.blake2b(fold(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def segment(iri: str) -> int:
    """The :func:`fingerprint` of the last segment of ``iri`` (after its last ``/`` or ``#``)."""
    return fingerprint(re.split(r"[/#]", iri)[-1])


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters, digits and private-use characters (the rest
    separates them), as SQLite's ``unicode61`` tokenizer splits them."""
    if text.isascii():  # most labels: the letters and digits of ASCII, 5 times quicker
        return _ASCII_WORD.findall(text)
    return spelled_words(text)


def spelled_words(text: str) -> list[str]:
    """:func:`words`, by the general rule, a character at a time."""
    found, word = [], []
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if category[0] in "LN" or category == "Co":
            word.append(char)
        elif word:
            found.append("".join(word))
            word = []
    if word:
        found.append("".join(word))
    return found


def document(labels: Iterable[str]) -> str:
    """The text indexed for a resource with these labels: each label folded, then the marked
    starts of their words. The same labels always give the same document, in any order (the
    index's rows are deleted by giving their document again)."""
    folded = sorted({_CONTROL.sub(" ", fold(label)) for label in labels})
    starts: set[str] = set()
    for label in folded:
        for word in words(label):
            starts.add(MARK + MARK + word[0])
            if len(word) > 1:
                starts.add(MARK + word[:2])
    return BETWEEN.join(folded) + BETWEEN + "".join(sorted(starts))


def query_words(text: str) -> list[str]:
    """The folded words of ``text`` searched for (none when it has no letters or digits)."""
    return [w for w in (fold(word) for word in words(text)) if w]


def match_expression(text: str) -> str | None:
    """The FTS5 query finding documents that hold every word of ``text`` (a word of
    :data:`SHORTEST` characters or more anywhere, a shorter one as a word start), or None when
    ``text`` has no letters or digits.

    Each word is written as an FTS5 string, so quotes, ``*``, ``NEAR(``, ``AND`` and the like
    in the text are words or separators, never FTS5 syntax.
    """
    wanted = query_words(text)
    if not wanted:
        return None
    return " ".join(f'"{_marked(w)}"' for w in dict.fromkeys(wanted))


def _marked(word: str) -> str:
    if len(word) >= SHORTEST:
        return word
    return MARK * (SHORTEST - len(word)) + word


def holds(label: str, wanted: list[str]) -> bool:
    """Whether ``label`` alone holds every one of the folded words ``wanted``, as the index
    matches them."""
    folded = fold(label)
    starts = words(folded)
    return all(
        (w in folded) if len(w) >= SHORTEST else any(s.startswith(w) for s in starts)
        for w in wanted
    )
