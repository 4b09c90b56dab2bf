"""Posting lists (word -> positions) that can be frozen into flat arrays and read back at once.

A registry of 100,000 enterprises has 94,000 name words in 500,000 postings: as a dict of lists
they take 0.9 s to build and 0.4 s to unmarshal; as one sorted word list and two arrays, 60 ms.
Lists are made from the arrays only for the words a batch looks up.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping


class Postings(Mapping[str, list[int]]):
    """Positions per word: a frozen part (flat arrays) and lists for the words touched since."""

    def __init__(self, lists: dict[str, list[int]] | None = None) -> None:
        self._lists: dict[str, list[int]] = lists if lists is not None else {}
        self._ordinals: dict[str, int] = {}
        self._starts = array("q")
        self._flat = array("q")

    @classmethod
    def thaw(cls, words: list[str], starts: bytes, flat: bytes) -> Postings:
        """The postings :meth:`freeze` gave.

        :raises ValueError: the arrays do not fit the words.
        """
        postings = cls()
        postings._starts.frombytes(starts)
        postings._flat.frombytes(flat)
        if len(postings._starts) != len(words) + 1 or postings._starts[-1] != len(postings._flat):
            raise ValueError("posting arrays that do not fit their words")
        postings._ordinals = dict(zip(words, range(len(words)), strict=True))
        return postings

    def freeze(self) -> tuple[list[str], bytes, bytes]:
        """The words (sorted), where each one's positions start in the flat array, and that
        array, as bytes."""
        words = sorted(self)
        starts, flat = array("q"), array("q")
        for word in words:
            starts.append(len(flat))
            flat.extend(self[word])
        starts.append(len(flat))
        return words, starts.tobytes(), flat.tobytes()

    def __getitem__(self, word: str) -> list[int]:
        found = self._lists.get(word)
        if found is None:
            at = self._ordinals[word]  # KeyError: not a word of the index
            found = self._lists[word] = self._flat[self._starts[at] : self._starts[at + 1]].tolist()
        return found

    def add(self, word: str, position: int) -> bool:
        """Note ``word`` at ``position``; True if the word is new."""
        found = self.get(word)
        if found is None:
            self._lists[word] = [position]
            return True
        found.append(position)
        return False

    def merge(self, lists: dict[str, list[int]]) -> None:
        """Append positions per word (each after every position the word has already)."""
        if not self._lists and not self._ordinals:
            self._lists = lists
            return
        for word, positions in lists.items():
            found = self.get(word)
            if found is None:
                self._lists[word] = positions
            else:
                found.extend(positions)

    def count(self, word: str) -> int:
        """How many positions ``word`` has (0 if none), without making its list."""
        found = self._lists.get(word)
        if found is not None:
            return len(found)
        at = self._ordinals.get(word)
        return 0 if at is None else self._starts[at + 1] - self._starts[at]

    def __contains__(self, word: object) -> bool:
        return word in self._lists or word in self._ordinals

    def __iter__(self) -> Iterator[str]:
        yield from self._ordinals
        yield from (word for word in self._lists if word not in self._ordinals)

    def __len__(self) -> int:
        return len(self._ordinals) + sum(1 for w in self._lists if w not in self._ordinals)
