"""Names, codes and IRIs written in records, resolved against the knowledge graph's places,
product categories, size classes, agencies and KBLI business fields.

A value resolves when it is, once normalised (:func:`normal`), a label, an alternative label,
a code (ISO 3166-1 alpha-2, alpha-3 or numeric, Kemendagri area code, KBLI code) or the last
segment of the IRI of exactly one resource of the kind asked for. An unknown value gets "did
you mean" suggestions from the same names (fuzzy matching with rapidfuzz), in English and in
Indonesian; a value that names several resources is reported with them, never guessed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..iri import iri_problem
from ..namespaces import PREFIXES, UMKM

_CURIE = re.compile(r"^([a-z][a-z0-9]*):([^\s/][^\s]*)$")
_PUNCTUATION = re.compile(r"[^\w\s]")
_SKOS = "http://www.w3.org/2004/02/skos/core#"


@functools.lru_cache(maxsize=1 << 16)
def normal(text: str) -> str:
    """Lower case, no accents, single spaces: how names are compared."""
    folded = text.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


_KINDS: dict[str, tuple[str, ...]] = {
    "place": (
        "https://schema.org/Country",
        "https://schema.org/City",
        "https://schema.org/AdministrativeArea",
        "https://schema.org/Place",
        str(UMKM.Neighbourhood),
    ),
    "category": (str(UMKM.ProductCategory),),
    "size": (str(UMKM.SizeClass),),
    "agency": (
        "http://www.w3.org/ns/org#FormalOrganization",
        "http://www.w3.org/ns/org#OrganizationalUnit",
        "https://schema.org/GovernmentOrganization",
        "https://schema.org/Organization",
    ),
    "field": (str(UMKM.BusinessField),),
}
RESOLVED_CLASSES = frozenset(c for kinds in _KINDS.values() for c in kinds)
"""The classes of the resources values resolve to."""
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_KEY_PREDICATES = (
    _LABEL,
    _SKOS + "prefLabel",
    _SKOS + "altLabel",
    _SKOS + "notation",
    "https://schema.org/name",
    str(UMKM.iso3166Alpha2),
    str(UMKM.iso3166Alpha3),
    str(UMKM.iso3166Numeric),
    str(UMKM.kemendagriCode),
)
_BROADER = _SKOS + "broader"
_CATEGORY_NAMES = {_LABEL, _SKOS + "prefLabel"}
_OX_TYPE = ox.NamedNode(_TYPE)
_OX_DESTINATION = ox.NamedNode(str(UMKM.destination))
_OX_AS_WRITTEN = ox.NamedNode(str(UMKM.destinationAsWritten))
SUGGESTIONS = 3
"""At most this many "did you mean" suggestions per value."""
_CUTOFF = 80.0
"""Least rapidfuzz score (0-100) of a suggestion."""
_NEAR_BEST = 5.0
"""Suggestions scoring this much less than the best one are left out."""


@dataclass(frozen=True)
class Resolution:
    """What a value resolved to: one IRI, or why not (in English and Indonesian)."""

    iri: str | None
    why_en: str | None = None
    why_id: str | None = None
    suggestions: tuple[str, ...] = ()
    """IRIs the value may have meant, best first (for an unknown value)."""


class Resolver:
    """Names, codes and labels of the graph's places, categories, size classes, agencies and
    business fields."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        """``rows`` are (resource IRI, class IRI, key text) triples."""
        self.names: dict[str, dict[str, set[str]]] = {kind: {} for kind in _KINDS}
        self.written: dict[str, dict[str, str]] = {kind: {} for kind in _KINDS}
        """For each kind: normalised key -> the key as first written (shown in suggestions)."""
        self.labels: dict[str, dict[str, str]] = {}
        self.known: set[str] = set()
        self._add_rows(rows)

    def _add_rows(self, rows: Iterable[tuple[str, str, str]]) -> None:
        short: list[tuple[str, str, str]] = []
        for iri, cls, key in rows:
            self.known.add(iri)
            short.append((iri, cls, short_name(iri)))
            self._add_key(iri, cls, key)
        for iri, cls, key in short:  # after the names, which suggestions show first
            self._add_key(iri, cls, key)

    def _add_key(self, iri: str, cls: str, key: str) -> None:
        for kind, classes in _KINDS.items():
            if cls in classes:
                folded = normal(key)
                self.names[kind].setdefault(folded, set()).add(iri)
                self.written[kind].setdefault(folded, key)

    def add_triples(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        """Also resolve the places, categories, size classes and agencies ``triples`` describe
        (the RDF records of a batch, for the CSV rows of the same batch)."""
        types: dict[str, set[str]] = {}
        keys: dict[str, list[str]] = {}
        labels: dict[str, dict[str, str]] = {}
        for s, p, o in triples:
            predicate = str(p)
            if predicate == _TYPE:
                types.setdefault(str(s), set()).add(str(o))
            elif predicate in _KEY_PREDICATES:
                keys.setdefault(str(s), []).append(str(o))
                if predicate == _LABEL:
                    lang = getattr(o, "language", None) or ""
                    labels.setdefault(str(s), {}).setdefault(lang, str(o))
        classes = {c for kinds in _KINDS.values() for c in kinds}
        named = {iri: sorted(found & classes) for iri, found in types.items() if found & classes}
        self._add_rows(
            (iri, cls, key)
            for iri, found in named.items()
            for cls in found
            for key in keys.get(iri, ())
        )
        for iri in named:
            for lang, text in labels.get(iri, {}).items():
                self.labels.setdefault(iri, {}).setdefault(lang, text)

    @classmethod
    def from_kg(cls, kg: object) -> Resolver:
        """Read the keys from a :class:`~umkm_kg.kg.KnowledgeGraph`.

        A business field is also named by the product categories below it: the labels of a
        category linked to it (``skos:broader``), or of one whose broader category is.
        """
        from ..query.results import QueryForm
        from ..store import DiskStore, EmbeddedStore, Store

        store = getattr(kg, "store", None)
        assert isinstance(store, Store)
        if isinstance(store, EmbeddedStore):
            if isinstance(store, DiskStore):
                from .referencenames import stored_rows

                read, known = stored_rows(store)
            else:
                read, known = _read_oxigraph(store.oxigraph)
            resolver = cls(read)
            resolver.labels = known
            return resolver
        classes = " ".join(f"<{c}>" for kinds in _KINDS.values() for c in kinds)
        keys = " ".join(f"<{p}>" for p in _KEY_PREDICATES)
        field, category, broader = UMKM.BusinessField, UMKM.ProductCategory, _SKOS + "broader"
        names = f"VALUES ?q {{ <{_LABEL}> <{_SKOS}prefLabel> }} ?cat a <{category}> ; ?q ?key"
        result = store.query(
            f"""SELECT DISTINCT ?r ?class ?key ?label ?lang WHERE {{
                VALUES ?class {{ {classes} }}
                ?r a ?class .
                {{ VALUES ?p {{ {keys} }} ?r ?p ?key }}
                UNION {{ ?claim <{UMKM.destination}> ?r ; <{UMKM.destinationAsWritten}> ?key }}
                UNION {{ ?r <http://www.w3.org/2000/01/rdf-schema#label> ?label
                         BIND(LANG(?label) AS ?lang) }}
                UNION {{ ?r a <{field}> . ?cat <{broader}> ?r . {names} }}
                UNION {{ ?r a <{field}> . ?cat <{broader}> ?mid . ?mid <{broader}> ?r .
                         FILTER NOT EXISTS {{ ?cat <{broader}> ?near . ?near a <{field}> }}
                         {names} }}
            }}""",
            form=QueryForm.SELECT,
            max_rows=None,
        )
        rows: list[tuple[str, str, str]] = []
        labels: dict[str, dict[str, str]] = {}
        for row in result.rows:
            iri, klass = str(row["r"]), str(row["class"])
            if "key" in row:
                rows.append((iri, klass, str(row["key"])))
            elif "label" in row:
                labels.setdefault(iri, {}).setdefault(str(row.get("lang", "")), str(row["label"]))
        rows.sort()  # the same keys in the same order, whatever order the store answers in
        resolver = cls(rows)
        resolver.labels = labels
        return resolver

    def label(self, iri: str, lang: str) -> str:
        found = self.labels.get(iri, {})
        return found.get(lang) or found.get("en") or short_name(iri)

    def resolve(self, kind: str, value: str) -> tuple[str | None, str | None]:
        """``(iri, None)`` when ``value`` names one resource, else ``(None, why)`` in English."""
        found = self.lookup(kind, value)
        return found.iri, found.why_en

    def lookup(self, kind: str, value: str) -> Resolution:
        """What ``value`` names among the resources of ``kind``, or why it names none."""
        iri = expand_iri(value)
        if iri is not None:
            problem = iri_problem(iri)
            if problem is None:
                return Resolution(iri)
            return Resolution(None, problem, problem)
        found = self.names[kind].get(normal(value), set())
        if len(found) == 1:
            return Resolution(next(iter(found)))
        if len(found) > 1:
            options = sorted(found)
            return Resolution(
                None,
                "ambiguous: it names " + self._listed(kind, options, "en"),
                "ambigu: nama ini dipakai oleh " + self._listed(kind, options, "id"),
            )
        field = self.names["field"].get(normal(value), set()) if kind == "category" else set()
        if len(field) == 1:  # a KBLI code given as a product category
            iri = next(iter(field))
            return Resolution(
                None,
                f"{value!r} is the KBLI business field {self.label(iri, 'en')} ({_curie(iri)}): "
                "give it in the business_field (kbli) column",
                f"{value!r} adalah lapangan usaha KBLI {self.label(iri, 'id')} ({_curie(iri)}): "
                "tulis di kolom kbli (business_field)",
                (iri,),
            )
        close = self.suggest(kind, value)
        if not close:
            return Resolution(None)
        return Resolution(
            None,
            "did you mean " + self._offered(close, "en") + "?",
            "mungkin maksudnya " + self._offered(close, "id") + "?",
            tuple(iri for iri, _ in close),
        )

    def suggest(self, kind: str, value: str) -> list[tuple[str, str]]:
        """Up to :data:`SUGGESTIONS` resources whose names are close to ``value``, best first,
        each with the name that matched (as written in the graph)."""
        query = normal(value)
        if not query:
            return []
        from rapidfuzz import process  # only for unknown values: 60 ms less at every start

        matches = process.extract(
            query, self.names[kind].keys(), scorer=_score, score_cutoff=_CUTOFF, limit=30
        )
        # best score first, then the shorter (whole) name, then alphabetically: deterministic
        matches.sort(key=lambda m: (-m[1], len(m[0]), m[0]))
        found: dict[str, str] = {}
        for key, points, _index in matches:
            if points < matches[0][1] - _NEAR_BEST:
                break
            iris = self.names[kind][key]
            if len(iris) != 1:
                continue
            iri = next(iter(iris))
            if iri not in found:
                found[iri] = self.written[kind][key]
            if len(found) == SUGGESTIONS:
                break
        return list(found.items())

    def _listed(self, kind: str, iris: list[str], lang: str) -> str:
        """The resources a name is shared by, each with a name that is its own."""
        write = "write" if lang == "en" else "tulis"
        shown, hinted = [], False
        for iri in iris[:5]:
            own = self._own_name(kind, iri, lang)
            hinted = hinted or own is not None
            hint = f"; {write} {own!r}" if own else ""
            shown.append(f"{self.label(iri, lang)} ({_curie(iri)}{hint})")
        more = len(iris) - len(shown)
        if more:
            shown.append(f"{more} more" if lang == "en" else f"{more} lainnya")
        if lang == "en":
            rest = "such a name, or a code or IRI" if hinted else "a code or IRI"
        else:
            rest = "nama seperti itu, atau kode atau IRI" if hinted else "kode atau IRI-nya"
        return ", ".join(shown) + f"; {write} {rest}"

    def _own_name(self, kind: str, iri: str, lang: str) -> str | None:
        """A name of ``iri`` that names nothing else ("Kecamatan Cipondoh"): its label in
        ``lang`` if that is one, else the longest; codes and the IRI's segment do not count."""
        label = self.label(iri, lang)
        if self.names[kind].get(normal(label)) == {iri}:
            return label
        own = [
            self.written[kind][key]
            for key, found in self.names[kind].items()
            if found == {iri}
            and not key.replace(" ", "").isdigit()
            and key != normal(short_name(iri))
        ]
        return max(own, key=lambda name: (len(name), name)) if own else None

    def _offered(self, close: list[tuple[str, str]], lang: str) -> str:
        parts = []
        for iri, written in close:
            label = self.label(iri, lang)
            extra = f"{label}, " if normal(label) != normal(written) else ""
            parts.append(f"{written!r} ({extra}{_curie(iri)})")
        return (" or " if lang == "en" else " atau ").join(parts)


def _read_oxigraph(
    store: ox.Store, as_written: dict[str, set[str]] | None = None
) -> tuple[list[tuple[str, str, str]], dict[str, dict[str, str]]]:
    """The rows and labels :meth:`Resolver.from_kg` reads, straight from the store's indexes:
    the same answer as its query, without building a result table (10 times faster).

    ``as_written``: the destinations' written forms, when known (:mod:`.written`); else read.
    """
    typed = typed_resources(store)
    keys, labels = described(store, typed)
    if as_written is None:
        as_written = _claims_written(store, typed)
    return resolver_rows(typed, keys, as_written), labels


def typed_resources(store: ox.Store) -> dict[str, list[str]]:
    """IRI -> the classes of the kinds the resolver names (sorted), of every such resource."""
    typed: dict[str, list[str]] = {}
    for cls in sorted(RESOLVED_CLASSES):
        for quad in store.quads_for_pattern(None, _OX_TYPE, ox.NamedNode(cls)):
            if isinstance(quad.subject, ox.NamedNode):
                found = typed.setdefault(quad.subject.value, [])
                if cls not in found:
                    found.append(cls)
    return typed


def described(
    store: ox.Store, typed: dict[str, list[str]]
) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """The keys (labels, codes, names; a business field also the names of the categories
    below it) and the labels by language of the ``typed`` resources, from what ``store``
    says of them (not their destinations as written)."""
    key_predicates = set(_KEY_PREDICATES)
    labels: dict[str, dict[str, str]] = {}
    keys: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    broader: dict[str, set[str]] = {}
    for iri in sorted(typed):
        for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None):
            p, o = quad.predicate.value, quad.object
            if isinstance(o, ox.Triple):
                continue
            if p in key_predicates:
                keys.setdefault(iri, set()).add(o.value)
                if p in _CATEGORY_NAMES:
                    names.setdefault(iri, set()).add(o.value)
            if p == _LABEL and isinstance(o, ox.Literal):
                labels.setdefault(iri, {}).setdefault(o.language or "", o.value)
            elif p == _BROADER and isinstance(o, ox.NamedNode):
                broader.setdefault(iri, set()).add(o.value)
    field, category = str(UMKM.BusinessField), str(UMKM.ProductCategory)
    for iri, found in typed.items():
        if category not in found:
            continue
        up = broader.get(iri, set())
        near = {b for b in up if field in typed.get(b, ())}
        far = {f for b in up for f in broader.get(b, ()) if field in typed.get(f, ())}
        for target in near or far:
            keys.setdefault(target, set()).update(names.get(iri, ()))
    return {iri: sorted(found) for iri, found in keys.items()}, labels


def _claims_written(store: ox.Store, typed: dict[str, list[str]]) -> dict[str, set[str]]:
    """The texts the claims of ``store`` wrote for each typed destination."""
    found: dict[str, set[str]] = {}
    for iri in sorted(typed):
        for quad in store.quads_for_pattern(None, _OX_DESTINATION, ox.NamedNode(iri)):
            claim = quad.subject
            if isinstance(claim, ox.NamedNode | ox.BlankNode):
                for written in store.quads_for_pattern(claim, _OX_AS_WRITTEN, None):
                    if isinstance(written.object, ox.Literal):
                        found.setdefault(iri, set()).add(written.object.value)
    return found


def resolver_rows(
    typed: dict[str, list[str]], keys: dict[str, list[str]], as_written: dict[str, set[str]]
) -> list[tuple[str, str, str]]:
    """The sorted (IRI, class, key) rows of :class:`Resolver`: each class of a typed resource
    with each of its keys and the texts claims wrote for it."""
    rows: set[tuple[str, str, str]] = set()
    for iri, found in typed.items():
        own = keys.get(iri, ())
        written = as_written.get(iri, ())
        for cls in found:
            rows.update((iri, cls, key) for key in own)
            rows.update((iri, cls, key) for key in written)
    return sorted(rows)


def expand_iri(value: str) -> str | None:
    """``value`` as an IRI if it is written as one (``<...>``, ``https://...``, ``kg:...``)."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.IGNORECASE) or text.startswith("urn:"):
        return text
    match = _CURIE.match(text)
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + match.group(2)
    return None


@functools.lru_cache(maxsize=1 << 16)
def short_name(iri: str) -> str:
    """The last segment of an IRI without its kind prefix: ``kg:country-my`` gives ``my``."""
    local = re.split(r"[/#]", iri)[-1]
    return local.split("-", 1)[1] if "-" in local else local


def suggestion_among(value: str, choices: Iterable[str]) -> str | None:
    """The one of ``choices`` closest to ``value`` (for a fixed list of words), if any is close."""
    from rapidfuzz import fuzz, process

    query = normal(value)
    best = process.extractOne(query, list(choices), scorer=fuzz.ratio, score_cutoff=_CUTOFF - 10)
    return None if best is None else str(best[0])


def _score(query: str, name: str, **kwargs: Any) -> float:
    from rapidfuzz import fuzz

    # WRatio also matches a part ("alas kaki" in "sepatu dan alas kaki"); too loose for a code
    # or a two-letter word ("pn" in "japn"), which are compared whole.
    if len(query) > 3 and len(name) > 3:
        return float(fuzz.WRatio(query, name, **kwargs))
    return float(fuzz.ratio(query, name, **kwargs))


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"
