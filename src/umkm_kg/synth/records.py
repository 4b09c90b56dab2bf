"""Synthetic enterprises: one record at a time from a seeded generator, with planted problems.

Record ``i`` depends only on the seed and ``i`` (the first ``k`` records are the same for any
registry size). Names and NIBs are unique by construction, without remembering the ones given:
both are an affine permutation of ``i`` (a name is a mixed-radix number over the word lists; a
NIB is ``9`` and twelve digits). Only ``random.Random.random`` is used, whose sequence Python
guarantees across versions.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from math import gcd
from typing import TypeVar

from ..namespaces import KG
from ..records.csvrecords import slug
from .reference import Category, Reference
from .vocabulary import (
    FAMILY_MEN,
    FAMILY_WOMEN,
    FIRST_WORDS,
    FORMS,
    HONORIFICS_MEN,
    HONORIFICS_WOMEN,
    MEN,
    SECOND_WORDS,
    TRADES,
    WOMEN,
)

_NIB_SPACE = 10**12
T = TypeVar("T")
Random = Callable[[], float]


@dataclass(frozen=True)
class Breakage:
    """A planted problem: what kind, in which CSV column, and which check should find it."""

    kind: str
    column: str
    check: str
    """``shapes`` (a SHACL result), ``reference`` (an unknown kg: IRI) or ``mapping`` (a CSV
    cell that cannot be mapped)."""


SHAPES_BREAKAGES: tuple[Breakage, ...] = (
    Breakage("owner-not-person", "owner", "shapes"),
    Breakage("location-not-place", "location", "shapes"),
    Breakage("destination-not-place", "destinations", "shapes"),
    Breakage("destination-twice", "destinations", "shapes"),
    Breakage("size-class-not-allowed", "size_class", "shapes"),
    Breakage("category-not-category", "categories", "shapes"),
    Breakage("unknown-reference", "destinations", "reference"),
)
"""Problems any format can carry: they are in the records' triples."""
MAPPING_BREAKAGES: tuple[Breakage, ...] = (
    Breakage("unknown-country", "destinations", "mapping"),
    Breakage("unknown-category", "categories", "mapping"),
    Breakage("formula", "source", "mapping"),
    Breakage("bad-nib", "identifier", "mapping"),
    Breakage("unknown-size-class", "size_class", "mapping"),
    Breakage("unknown-size-scheme", "size_scheme", "mapping"),
)
"""Problems only a CSV row can carry: cells the mapping refuses."""


@dataclass
class Enterprise:
    """One synthetic record, as fields from which both the CSV row and the triples are made."""

    index: int
    name: str
    nib: str
    owners: list[tuple[str, str]]
    """(honorific or "", name) of each owner."""
    products: list[tuple[str, str]]
    """(Indonesian, English) name of each product."""
    categories: list[tuple[str, str]]
    """(as written, IRI) of each product category (all products have them all)."""
    destinations: list[tuple[str, str]]
    """(as written, IRI) of each export destination."""
    location: tuple[str, str]
    """(as written, IRI) of the kelurahan."""
    size: tuple[str, str, str] | None
    """(class as written, criteria year as written, IRI) of the size class."""
    source: str
    owner_iris: list[str] = field(default_factory=list)
    """Owners given by IRI (only planted problems do that)."""
    cells: dict[str, str] = field(default_factory=dict)
    """CSV cells that differ from what the fields say (only planted mapping problems)."""
    broken: Breakage | None = None

    name_slug: str = ""
    """``slug(name)``, made from the words' slugs (a tenth of the time of the whole)."""

    @property
    def key(self) -> str:
        """The key :mod:`umkm_kg.records.csvrecords` gives the record: the slugs of name and NIB."""
        nib = self.cells.get("identifier", self.nib)
        return f"{self.name_slug or slug(self.name)}-{nib if nib.isdigit() else slug(nib)}"

    @property
    def iri(self) -> str:
        return f"{KG}enterprise-{self.key}"


class Generator:
    """Enterprises for one seed, drawn from ``reference``."""

    def __init__(self, reference: Reference, seed: int, source: str) -> None:
        self.reference = reference
        self.seed = seed
        self.source = source
        self.categories = reference.categories
        digits = (len(FORMS), len(self.categories), 3, len(FIRST_WORDS), len(SECOND_WORDS))
        self.radix = digits
        self.names = 1
        for d in digits:
            self.names *= d
        setup = random.Random(seed)
        self.name_step = _coprime(self.names, setup.random())
        self.name_start = int(setup.random() * self.names)
        self.nib_step = _coprime(_NIB_SPACE, setup.random())
        self.nib_start = int(setup.random() * _NIB_SPACE)
        self._slugs: dict[str, str] = {}

    def enterprises(self, count: int) -> Iterator[Enterprise]:
        rng = random.Random(f"umkm-kg synth {self.seed}")
        r = rng.random
        places = self.reference.places
        countries = self.reference.countries
        for i in range(count):
            name, name_slug, category = self._name(i)
            owners = [_person(r, r() < 0.65)]
            if r() < 0.1:
                owners.append(_other_than(_person(r, owners[0][1] in MEN), owners[0][1]))
            products = _sample(r, category.products, _pick(r, (1, 1, 1, 1, 2, 2, 2, 3, 3)))
            category_written = _pick(r, category.spellings)
            wanted = _pick(r, (0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 3))
            destinations = []
            for group in _sample(r, countries, wanted):
                place = group[0] if len(group) == 1 or r() < 0.7 else _pick(r, group[1:])
                destinations.append((_pick(r, place.spellings), place.iri))
            where = _pick(r, places)
            size = None
            if r() < 0.9:
                word = _pick(r, ("mikro",) * 16 + ("kecil",) * 3 + ("menengah",))
                year = "2021" if r() < 0.7 else "2008"
                size = (word, year, f"{KG}size-{year}-{word}")
            yield Enterprise(
                index=i,
                name=name,
                nib=f"9{(i * self.nib_step + self.nib_start) % _NIB_SPACE:012d}",
                owners=owners,
                products=products,
                categories=[(category_written, category.iri)],
                destinations=destinations,
                location=(where.name, where.iri),
                size=size,
                source=self.source,
                name_slug=name_slug,
            )

    def _name(self, i: int) -> tuple[str, str, Category]:
        number = (i * self.name_step + self.name_start) % self.names
        digits = []
        for base in self.radix:
            number, digit = divmod(number, base)
            digits.append(digit)
        form, cat, trade, first, second = digits
        category = self.categories[cat]
        trade_word = TRADES[category.code][trade]
        words = [FORMS[form], trade_word, FIRST_WORDS[first], SECOND_WORDS[second]]
        if i >= self.names:
            words.append(str(i // self.names + 1))
        words = [w for w in words if w]
        return " ".join(words), "-".join(self._slug(w) for w in words), category

    def _slug(self, word: str) -> str:
        found = self._slugs.get(word)
        if found is None:
            found = self._slugs[word] = slug(word)
        return found


def _coprime(modulus: int, fraction: float) -> int:
    """A step coprime to ``modulus`` near ``fraction`` of it (so the permutation looks mixed)."""
    step = max(1, int(modulus * (0.3 + 0.4 * fraction))) | 1
    while gcd(step, modulus) != 1:
        step += 2
    return step


def _pick(r: Random, choices: tuple[T, ...]) -> T:
    return choices[int(r() * len(choices))]


def _sample(r: Random, choices: tuple[T, ...], count: int) -> list[T]:
    pool = list(choices)
    out = []
    for _ in range(min(count, len(pool))):
        out.append(pool.pop(int(r() * len(pool))))
    return out


def _person(r: Random, woman: bool) -> tuple[str, str]:
    given = _pick(r, WOMEN if woman else MEN)
    family = FAMILY_WOMEN if woman else FAMILY_MEN
    name = f"{given} {_pick(r, family)}" if r() < 0.5 else given
    return _pick(r, HONORIFICS_WOMEN if woman else HONORIFICS_MEN), name


def _other_than(person: tuple[str, str], taken: str) -> tuple[str, str]:
    """``person``, renamed if its name is ``taken`` (a co-owner's): two owners of one name
    would be one person to the mapping, with two honorifics, so two labels. The new family
    name is the first one that differs, so the random draws, and every later record, are
    unchanged."""
    honorific, name = person
    if name != taken:
        return person
    given = name.split(" ", 1)[0]
    families = FAMILY_WOMEN if given in WOMEN else FAMILY_MEN
    return honorific, next(f"{given} {f}" for f in families if f"{given} {f}" != taken)


# --- planted problems --------------------------------------------------------------------------

_NOT_A_PERSON = f"{KG}country-my"
_NOT_A_PLACE = f"{KG}category-batik"
_NOT_A_DESTINATION = f"{KG}category-hijab"
_NOT_A_CATEGORY = f"{KG}country-sg"
_UNKNOWN = f"{KG}country-zz"
_NOT_ALLOWED_SIZE = f"{KG}size-2008-total"


def curie(iri: str) -> str:
    """``kg:...`` for an IRI of the graph's namespace (as staff write IRIs in cells)."""
    return "kg:" + iri.removeprefix(str(KG)) if iri.startswith(str(KG)) else iri


def plant(record: Enterprise, breakage: Breakage, reference: Reference) -> Enterprise:
    """``record`` with ``breakage`` planted in it."""
    kind = breakage.kind
    broken = replace(record, broken=breakage, cells=dict(record.cells))
    if kind == "owner-not-person":
        broken.owners, broken.owner_iris = [], [_NOT_A_PERSON]
    elif kind == "location-not-place":
        broken.location = (curie(_NOT_A_PLACE), _NOT_A_PLACE)
    elif kind == "destination-not-place":
        broken.destinations = [(curie(_NOT_A_DESTINATION), _NOT_A_DESTINATION)]
    elif kind == "destination-twice":
        # Two spellings of one country in one cell ("Belanda; NL"): one claim, two as-written.
        group = next(g for g in reference.countries if len(g[0].spellings) > 1)
        first, second = group[0].spellings[:2]
        broken.destinations = [(first, group[0].iri), (second, group[0].iri)]
    elif kind == "size-class-not-allowed":
        broken.size = (curie(_NOT_ALLOWED_SIZE), "", _NOT_ALLOWED_SIZE)
    elif kind == "category-not-category":
        broken.categories = [(curie(_NOT_A_CATEGORY), _NOT_A_CATEGORY)]
    elif kind == "unknown-reference":
        broken.destinations = [*record.destinations, (curie(_UNKNOWN), _UNKNOWN)]
    elif kind == "unknown-country":
        broken.cells["destinations"] = "; ".join([*(w for w, _ in record.destinations), "Narnia"])
    elif kind == "unknown-category":
        broken.cells["categories"] = "elektronik"
    elif kind == "formula":
        broken.cells["source"] = '=HYPERLINK("http://evil.example")'
    elif kind == "bad-nib":
        broken.cells["identifier"] = f"{record.nib[:4]}-{record.nib[4:]}"
    elif kind == "unknown-size-class":
        broken.cells.update(size_class="raksasa", size_scheme="2021")
    elif kind == "unknown-size-scheme":
        # no scheme means PP 7/2021; one that is neither 2008 nor 2021 is refused
        broken.cells.update(size_class="kecil", size_scheme="2015")
    else:
        raise ValueError(f"unknown breakage {kind!r}")
    return broken
