"""Probable duplicates: an enterprise whose name is nearly one already known, and which shares
its owner, its kelurahan or a product with it.

Names are compared normalised (:func:`name_key`): case, accents, spacing and punctuation are
ignored, and so are legal forms (CV, PT, UD...) and honorifics (ibu, bapak...), which clerks
write or leave out at will. The comparison is rapidfuzz's ``token_sort_ratio`` (0 to 100), made
only against the enterprises that share one of the name's rarest words (a token index), never
against the whole registry: at 100,000 enterprises a name shares its rarest word with a few
dozen others.

A probable duplicate is a warning, not an error: two enterprises may share a name, an owner
and a street. ``umkm-kg add`` refuses it unless ``--allow-similar`` says the clerk checked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from rapidfuzz import fuzz, process
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from ..i18n import Text
from .postings import Postings
from .resolver import normal
from .triples import TripleSource

INDEX_FILE = "name-index.bin"
"""The cached names of a data folder's enterprises, in its ``cache/`` folder."""
THRESHOLD = 92.0
"""Least name score (0-100) for two names to be the same name."""
BLOCK_WORDS = 2
"""How many of a name's rarest words choose the enterprises it is compared with."""

LEGAL_FORMS = frozenset({"cv", "pt", "ud", "pd", "fa", "firma", "tbk", "persero", "perum"})
"""Legal forms of Indonesian enterprises, left out of compared names (PT = perseroan terbatas,
CV = persekutuan komanditer, UD = usaha dagang, PD = perusahaan dagang)."""
HONORIFICS = frozenset(
    {"ibu", "bu", "bapak", "pak", "bpk", "mbak", "mas", "hj", "h", "haji", "hajjah", "sdr", "sdri"}
)
"""Honorifics, left out of compared names of enterprises and owners."""

_ENTERPRISE = "https://w3id.org/umkm-kg/ontology#Enterprise"
_SCHEMA = "https://schema.org/"
_UMKM = "https://w3id.org/umkm-kg/ontology#"
_NAME = _SCHEMA + "name"
_LOCATION = _SCHEMA + "location"
_OWNER = _UMKM + "owner"
_PRODUCT = _UMKM + "hasProduct"
_LABEL = str(RDFS.label)
_TYPE = str(RDF.type)
_BROAD_PLACES = frozenset({_SCHEMA + "City", _SCHEMA + "Country"})
"""A shared city or country says nothing: only a shared kelurahan (or street) corroborates."""


def name_key(text: str) -> str:
    """The form names are compared in: ``"CV. Haura  Hijab"`` and ``"haura hijab"`` are alike.

    >>> name_key("UD. Batik Sekar-Jagad (ibu Sekar)")
    'batik sekar jagad sekar'
    """
    words = normal(text).split()
    kept = [w for w in words if w not in LEGAL_FORMS and w not in HONORIFICS]
    return " ".join(kept or words)


@dataclass(frozen=True)
class Facts:
    """What an enterprise is compared by: its name, owners, places and products (normalised)."""

    iri: str
    name: str
    owners: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()
    owner_iris: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Similar:
    """A record that is probably an enterprise already known (or another record of its batch)."""

    record: str
    name: str
    existing: str
    existing_name: str
    score: float
    same_owner: tuple[str, ...] = ()
    same_place: tuple[str, ...] = ()
    same_product: tuple[str, ...] = ()

    def reasons(self, show: Callable[[str], str] = "<{}>".format) -> Text:
        """Why, in both languages: the shared owner, place and products (IRIs by ``show``)."""
        en, id_ = [], []
        if self.same_owner:
            en.append(f"same owner {', '.join(map(repr, self.same_owner))}")
            id_.append(f"pemilik sama {', '.join(map(repr, self.same_owner))}")
        if self.same_place:
            places = ", ".join(show(p) for p in self.same_place)
            en.append(f"same place {places}")
            id_.append(f"tempat sama {places}")
        if self.same_product:
            en.append(f"same product {', '.join(map(repr, self.same_product))}")
            id_.append(f"produk sama {', '.join(map(repr, self.same_product))}")
        return Text("; ".join(en), "; ".join(id_))

    def message(self, show: Callable[[str], str] = "<{}>".format) -> Text:
        """The warning a clerk reads (IRIs written by ``show``)."""
        why = self.reasons(show)
        score = f"{self.score:.0f}"
        existing = show(self.existing)
        return Text(
            f"probable duplicate of the enterprise {self.existing_name!r} {existing} "
            f"(name score {score}/100; {why.en}); if it is another enterprise, add it with "
            "--allow-similar",
            f"kemungkinan duplikat usaha {self.existing_name!r} {existing} "
            f"(skor nama {score}/100; {why.id}); bila ini usaha lain, tambahkan dengan "
            "--allow-similar",
        )


@dataclass
class NameIndex:
    """Enterprises by the words of their normalised names, to find the few worth comparing."""

    names: list[str] = field(default_factory=list)
    iris: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    words: Postings = field(default_factory=Postings)
    sorted_names: list[str] = field(default_factory=list)
    """Each name's words in sorted order: what ``token_sort_ratio`` compares, made once."""
    choices: dict[str, _Choices] = field(default_factory=dict, compare=False)
    """For the words looked up so far, the sorted names of :attr:`words`' positions, by
    their lengths."""

    def add(self, iri: str, name: str, key: str | None = None) -> bool:
        """Index an enterprise's name (``key``: its :func:`name_key`, if known); False if
        nothing is left of it to compare."""
        key = name_key(name) if key is None else key
        if not key:
            return False
        position = len(self.names)
        ordered = _sorted_words(key)
        self.names.append(key)
        self.sorted_names.append(ordered)
        self.iris.append(iri)
        self.shown.append(name)
        for word in _block_keys(key):
            self.words.add(word, position)
            if word in self.choices:
                self.choices[word].add(ordered, position)
        return True

    def extend(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """:meth:`add` each (IRI, name, key) of ``rows``: the same index, built in one loop
        (a registry's 100,000 names when its cache is rebuilt)."""
        names, sorted_names, iris, shown = self.names, self.sorted_names, self.iris, self.shown
        words: dict[str, list[int]] = {}
        for iri, name, key in rows:
            if not key:
                continue
            position = len(names)
            parts = key.split()
            ordered = " ".join(sorted(parts))
            names.append(key)
            sorted_names.append(ordered)
            iris.append(iri)
            shown.append(name)
            for word in {*parts, "".join(parts)}:
                posting = words.get(word)
                if posting is None:
                    words[word] = [position]
                else:
                    posting.append(position)
        self.words.merge(words)
        for word in words:
            self.choices.pop(word, None)

    def frozen(self) -> list[object]:
        """The index as plain values (for ``marshal``): :meth:`thawed` makes it again."""
        return [self.names, self.iris, self.shown, self.sorted_names, *self.words.freeze()]

    @classmethod
    def thawed(cls, parts: object) -> NameIndex | None:
        """The index :meth:`frozen` gave, or None if ``parts`` are not such values."""
        if not (isinstance(parts, list) and len(parts) == 7):
            return None
        names, iris, shown, ordered, words, starts, flat = parts
        lists = (names, iris, shown, ordered, words)
        # the file's checksum and format say they are lists of strings; not checked one by one
        if not all(isinstance(x, list) for x in lists):
            return None
        if not (len(names) == len(iris) == len(shown) == len(ordered)):
            return None
        if not (isinstance(starts, bytes) and isinstance(flat, bytes)):
            return None
        try:
            postings = Postings.thaw(words, starts, flat)
        except ValueError:
            return None
        return cls(names, iris, shown, postings, ordered)

    def named(self, key: str, *, below: int | None = None) -> list[int]:
        """Positions (less than ``below``) of the names whose :func:`name_key` is ``key``."""
        # A name's letters run together are one of its block keys: its posting list holds it.
        joined = "".join(key.split())
        return [
            at
            for at in self.words.get(joined, ())
            if (below is None or at < below) and self.names[at] == key
        ]

    @classmethod
    def of_store(cls, store: ox.Store) -> NameIndex:
        """Every enterprise name of ``store`` (one pass over its ``schema:name`` index)."""
        enterprises = {
            q.subject.value
            for q in store.quads_for_pattern(
                None, ox.NamedNode(str(RDF.type)), ox.NamedNode(_ENTERPRISE)
            )
            if isinstance(q.subject, ox.NamedNode)
        }
        index = cls()
        seen: set[tuple[str, str]] = set()
        for quad in store.quads_for_pattern(None, ox.NamedNode(_NAME), None):
            subject, obj = quad.subject, quad.object
            if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.Literal):
                continue
            pair = (subject.value, obj.value)
            if subject.value in enterprises and pair not in seen:
                seen.add(pair)
                index.add(*pair)
        return index

    def candidates(self, name: str) -> list[int]:
        """Enterprises sharing one of ``name``'s rarest words (or its letters run together)."""
        found: set[int] = set()
        for word in self._rarest(name_key(name)):
            found.update(self.words[word])
        return sorted(found)

    def _rarest(self, key: str) -> list[str]:
        # A misspelt word is in no posting list: the rarest words the index has choose.
        words = self.words
        known = [w for w in _block_keys(key) if w in words]
        return sorted(known, key=lambda w: (words.count(w), w))[:BLOCK_WORDS]

    def _choices(self, word: str) -> _Choices:
        # Made on first use from the positions: a batch looks up a few hundred of the
        # registry's words, and the posting lists may have been read back from a file.
        positions = self.words[word]
        found = self.choices.get(word)
        if found is None or found.count != len(positions):
            found = self.choices[word] = _Choices(positions, self.sorted_names)
        return found

    def matches(self, name: str, threshold: float = THRESHOLD) -> Iterator[tuple[int, float]]:
        """Positions of the enterprises whose names score at least ``threshold`` with ``name``,
        best first (then by position)."""
        key = name_key(name)
        # token_sort_ratio is the ratio of the sorted words: sorted once per name, not per
        # comparison (a name of a synthetic registry of 100,000 meets 3,600 candidates, of
        # which the half whose lengths cannot reach the threshold are not compared).
        ordered = _sorted_words(key)
        shortest, longest = _lengths(len(ordered), threshold)
        numbers = _numbers(key)
        found: dict[int, float] = {}
        for word in self._rarest(key):
            for names, positions in self._choices(word).within(shortest, longest):
                for _, score, at in process.extract(
                    ordered, names, scorer=fuzz.ratio, score_cutoff=threshold, limit=None
                ):
                    # "Toko Maju 2" is not "Toko Maju 3": numbers keep enterprises apart.
                    if _numbers(self.names[positions[at]]) == numbers:
                        found[positions[at]] = float(score)
        yield from sorted(found.items(), key=lambda item: (-item[1], item[0]))


class _Choices:
    """The sorted names at a word's positions, by their lengths."""

    def __init__(self, positions: list[int], sorted_names: list[str]) -> None:
        self.count = len(positions)
        self.lengths: dict[int, tuple[list[str], list[int]]] = {}
        for at in positions:  # as add() does, without a call per name (200,000 at 100,000)
            name = sorted_names[at]
            found = self.lengths.get(len(name))
            if found is None:
                found = self.lengths[len(name)] = ([], [])
            found[0].append(name)
            found[1].append(at)

    def add(self, name: str, position: int) -> None:
        """Note ``name`` at ``position``."""
        found = self.lengths.get(len(name))
        if found is None:
            found = self.lengths[len(name)] = ([], [])
        found[0].append(name)
        found[1].append(position)
        self.count += 1

    def within(self, shortest: int, longest: float) -> Iterator[tuple[list[str], list[int]]]:
        """The names and their positions, of each length from ``shortest`` to ``longest``."""
        for size, found in self.lengths.items():
            if shortest <= size <= longest:
                yield found


def _lengths(size: int, threshold: float) -> tuple[int, float]:
    """The shortest and longest names that may score ``threshold`` with one of ``size``
    characters: ``fuzz.ratio`` is 100 (1 - d / (a + b)) for lengths a and b and an edit
    distance d of at least |a - b| (a little slack for the rounding of floats)."""
    share = 1 - threshold / 100
    if share >= 1:
        return 0, math.inf
    low = size * (1 - share) / (1 + share)
    return math.ceil(low - 1e-9), size * (1 + share) / (1 - share) + 1e-9


def graph_names(store: ox.Store, graph: str) -> list[list[str]]:
    """[IRI, name, key] of each enterprise named in the named graph ``graph``."""
    node = ox.NamedNode(graph)
    enterprises = {
        q.subject.value
        for q in store.quads_for_pattern(
            None, ox.NamedNode(str(RDF.type)), ox.NamedNode(_ENTERPRISE), node
        )
        if isinstance(q.subject, ox.NamedNode)
    }
    found = []
    if enterprises:
        for quad in store.quads_for_pattern(None, ox.NamedNode(_NAME), None, node):
            if quad.subject.value in enterprises and isinstance(quad.object, ox.Literal):  # type: ignore[union-attr]
                name = quad.object.value
                found.append([quad.subject.value, name, name_key(name)])  # type: ignore[union-attr]
    return sorted(found)


def cached_index(store: ox.Store, graphs: dict[str, int], cache: Path) -> NameIndex:
    """The enterprise names of ``store`` (whose named graphs have the sizes ``graphs``), kept
    in the file ``cache`` (:func:`.namecache.cached_index`)."""
    from .namecache import cached_index as cached

    return cached(store, graphs, cache)


def _sorted_words(key: str) -> str:
    return " ".join(sorted(key.split()))


def _numbers(key: str) -> list[str]:
    # in their order: "Toko Proses 1 0" is not "Toko Proses 0 1"
    return [w for w in key.split() if w.isdigit()]


def _block_keys(key: str) -> set[str]:
    words = key.split()
    return {*words, "".join(words)}


def facts_in_graph(graph: TripleSource) -> list[Facts]:
    """The enterprises of a batch's graph, with their owners, places and products."""
    found = []
    for enterprise in sorted(set(graph.subjects(RDF.type, URIRef(_ENTERPRISE))), key=str):
        names = sorted(str(n) for n in graph.objects(enterprise, URIRef(_NAME)))
        if not names or not isinstance(enterprise, URIRef):
            continue

        def labels(node: object) -> Iterable[str]:
            for p in (_NAME, _LABEL):
                yield from (str(v) for v in graph.objects(node, URIRef(p)))  # type: ignore[arg-type]

        owners = {o for p in graph.objects(enterprise, URIRef(_OWNER)) for o in labels(p)}
        products = {o for p in graph.objects(enterprise, URIRef(_PRODUCT)) for o in labels(p)}
        places = {str(p) for p in graph.objects(enterprise, URIRef(_LOCATION))}
        owner_iris = {str(p) for p in graph.objects(enterprise, URIRef(_OWNER))}
        found.append(
            Facts(
                str(enterprise),
                names[0],
                _keys(owners),
                frozenset(places),
                _keys(products),
                frozenset(owner_iris),
            )
        )
    return found


class _StoredTypes(dict[str, frozenset[str]]):
    """The types ``store`` gives each place asked for, looked up once (the batch's
    enterprises and the known ones they are compared with share their kelurahan and cities)."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__()
        self.store = store

    def __missing__(self, place: str) -> frozenset[str]:
        quads = self.store.quads_for_pattern(ox.NamedNode(place), ox.NamedNode(_TYPE), None)
        found = self[place] = frozenset(
            q.object.value for q in quads if isinstance(q.object, ox.NamedNode)
        )
        return found


def facts_in_store(
    store: ox.Store, iri: str, name: str, types: _StoredTypes | None = None
) -> Facts:
    """An enterprise of ``store`` with its owners, kelurahan and products (looked up; the
    places' ``types`` too, unless known)."""
    node = ox.NamedNode(iri)
    kinds = _StoredTypes(store) if types is None else types

    def objects(subject: ox.NamedNode, predicate: str) -> list[ox.NamedNode | ox.Literal]:
        return [
            q.object  # type: ignore[misc]
            for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
            if isinstance(q.object, ox.NamedNode | ox.Literal)
        ]

    def labels(values: list[ox.NamedNode | ox.Literal]) -> set[str]:
        texts: set[str] = set()
        for value in values:
            if isinstance(value, ox.NamedNode):
                for p in (_NAME, _LABEL):
                    texts.update(v.value for v in objects(value, p) if isinstance(v, ox.Literal))
        return texts

    places = set()
    for place in objects(node, _LOCATION):
        if isinstance(place, ox.NamedNode) and not kinds[place.value] & _BROAD_PLACES:
            places.add(place.value)
    owners = objects(node, _OWNER)
    owner_iris = frozenset(o.value for o in owners if isinstance(o, ox.NamedNode))
    products = labels(objects(node, _PRODUCT))
    return Facts(iri, name, _keys(labels(owners)), frozenset(places), _keys(products), owner_iris)


def _narrow(graph: TripleSource, places: frozenset[str], types: _StoredTypes) -> frozenset[str]:
    """``places`` less cities and countries (by their ``types`` in the store or in ``graph``)."""
    kept = set()
    for place in places:
        kinds = {str(t) for t in graph.objects(URIRef(place), RDF.type)}
        if not (kinds | types[place]) & _BROAD_PLACES:
            kept.add(place)
    return frozenset(kept)


def _keys(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (name_key(t) for t in texts) if k)


def _alike(ours: frozenset[str], theirs: frozenset[str]) -> tuple[str, ...]:
    return tuple(
        sorted(
            {a for a in ours for b in theirs if a == b or fuzz.token_sort_ratio(a, b) >= THRESHOLD}
        )
    )


def compare(record: Facts, other: Facts, score: float) -> Similar | None:
    """``record`` as a probable duplicate of ``other``, if they share an owner, a place or a
    product besides a name scoring ``score``."""
    owner = _alike(record.owners, other.owners) or tuple(
        sorted(record.owner_iris & other.owner_iris)
    )
    place = tuple(sorted(record.places & other.places))
    product = _alike(record.products, other.products)
    if not (owner or place or product):
        return None
    return Similar(record.iri, record.name, other.iri, other.name, score, owner, place, product)


def find_similar(
    graph: TripleSource,
    store: ox.Store | None,
    *,
    threshold: float = THRESHOLD,
    index: NameIndex | None = None,
) -> list[Similar]:
    """The enterprises of ``graph`` that are probably ones of ``store``, or earlier ones of
    ``graph`` itself; the best match of each, by score. ``index``: the names of ``store``'s
    enterprises, when known (:func:`cached_index`); it is extended with ``graph``'s."""
    records = facts_in_graph(graph)
    if not records:
        return []
    types = _StoredTypes(store) if store is not None else None
    if types is not None:
        records = [replace(r, places=_narrow(graph, r.places, types)) for r in records]
    if index is not None:
        known = index
    else:
        known = NameIndex.of_store(store) if store is not None else NameIndex()
    stored = len(known.names)
    ours = {r.iri for r in records}
    batch: dict[int, Facts] = {}
    looked_up: dict[int, Facts] = {}
    found = []
    for record in records:
        best: Similar | None = None
        for at, score in known.matches(record.name, threshold):
            if at >= stored:
                other = batch[at]  # an earlier record of the batch
            elif known.iris[at] in ours:
                continue  # the same IRI: an exact duplicate, refused on its own
            else:
                if at not in looked_up:
                    looked_up[at] = facts_in_store(store, known.iris[at], known.shown[at], types)  # type: ignore[arg-type]
                other = looked_up[at]
            similar = compare(record, other, score)
            if similar is not None and (best is None or similar.score > best.score):
                best = similar
        if best is not None:
            found.append(best)
        # Added after it is matched: a record's own rare words must not choose its candidates.
        if known.add(record.iri, record.name):
            batch[len(known.names) - 1] = record
    return found
