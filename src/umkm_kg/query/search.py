"""Finding resources by name, a page at a time: the label index on the embedded store, a
bounded SPARQL query on a remote one.

On the embedded store :mod:`.labelindex` answers: labels holding every word searched for
(anywhere, as the ``search-labels`` scan finds text; a word of one or two characters at the start
of a word), without regard to case or accents, best first. A remote endpoint has no such
index, so a query asks it for the labels containing the text (without regard to case), in IRI
order, with ``LIMIT`` and ``OFFSET``; so does an embedded store whose index cannot be written
(a data folder one may only read). The result says which of the two ran, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Literal as Kind

from rdflib import Literal, URIRef

from ..errors import BadParameter, StoreError
from ..i18n import t
from ..store import DEFAULT_TIMEOUT, DiskStore
from .labelindex import Match, index_of
from .results import QueryForm, QueryResult, Term
from .sparql import CheckedQuery, bind_values

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

MAX_LIMIT = 1_000
"""The most matches one page may hold."""
MAX_TEXT = 200
"""The longest text searched for (characters)."""
VARIABLES = ("resource", "label", "type")

_REMOTE = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?resource (SAMPLE(?name) AS ?label) (SAMPLE(?class) AS ?type)
WHERE {
  { ?resource rdfs:label ?name } UNION { ?resource schema:name ?name }
  UNION { ?resource skos:prefLabel ?name } UNION { ?resource skos:altLabel ?name }
  FILTER(isIRI(?resource) && CONTAINS(LCASE(STR(?name)), ?_text))
  OPTIONAL { ?resource a ?class }
}
GROUP BY ?resource
ORDER BY ?resource
"""
_REMOTE_CHECKED = CheckedQuery(QueryForm.SELECT, VARIABLES, frozenset())


@dataclass(frozen=True)
class SearchResult:
    """A page of matches, and how they were found.

    ``method`` is ``"index"`` (the label index: every word contained, ranked) or ``"sparql"`` (a
    bounded query: labels containing the text, in IRI order). ``total``
    counts every match (None where it was not counted); ``more`` says whether a next page has
    any.
    """

    text: str
    matches: tuple[Match, ...]
    limit: int
    offset: int
    method: Kind["index", "sparql"]
    total: int | None
    more: bool
    why: str | None = None
    """Why an embedded store was searched without its index (it could not be written)."""

    def as_result(self) -> QueryResult:
        """The page as a SELECT result of ``?resource ?label ?type`` (for rendering)."""
        rows: list[dict[str, Term]] = []
        for match in self.matches:
            row: dict[str, Term] = {
                "resource": URIRef(match.resource),
                "label": Literal(match.label, lang=match.lang),
            }
            if match.types:
                row["type"] = URIRef(match.types[0])
            rows.append(row)
        return QueryResult(QueryForm.SELECT, VARIABLES, rows, note=self.note)

    @property
    def note(self) -> str:
        """What ran, and which matches this page shows (in English)."""
        return self.describe("en")

    def describe(self, lang: str) -> str:
        """What ran, and which matches this page shows, in ``lang`` (``id`` or ``en``)."""
        how = (
            t(
                lang,
                "label index (labels holding every word, best first)",
                "indeks label (label yang memuat setiap kata, yang paling cocok dahulu)",
            )
            if self.method == "index"
            else t(
                lang,
                "a SPARQL query, no label index (labels containing the text, in IRI order)",
                "kueri SPARQL, tanpa indeks label (label yang memuat teks itu, urut IRI)",
            )
        )
        if self.why:
            how += f" [{self.why}]"
        total = t(lang, f" of {self.total:,}", f" dari {self.total:,}") if self.total else ""
        if not self.matches:
            return f"{how}: " + t(lang, "no matches", "tidak ada yang cocok")
        last = self.offset + len(self.matches)
        return f"{how}: " + t(lang, "matches", "hasil") + f" {self.offset + 1}-{last}{total}"


def search(
    kg: KnowledgeGraph,
    text: str,
    *,
    limit: int = 20,
    offset: int = 0,
    lang: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    wait: bool = True,
) -> SearchResult:
    """Resources whose label matches ``text``, ``limit`` of them from ``offset``.

    ``lang`` is the language of the label shown for each match (every language is searched).
    With ``wait`` false, a data version whose label index is not made yet is searched with the
    bounded query while the index is made in the background (:func:`.labelindex.index_of`).
    Quotes, ``*`` and other punctuation in ``text`` only separate words.

    :raises BadParameter: ``text`` is empty or longer than :data:`MAX_TEXT`, ``limit`` is not
        1 to :data:`MAX_LIMIT`, or ``offset`` is negative.
    :raises RemoteError: the remote store fails.
    """
    wanted = text.strip()
    if not wanted:
        raise BadParameter("give the text to search for", hint='example: umkm-kg search "batik"')
    if len(wanted) > MAX_TEXT:
        raise BadParameter(f"the text searched for is longer than {MAX_TEXT} characters")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadParameter(f"a page holds 1 to {MAX_LIMIT} matches, not {limit}")
    if offset < 0:
        raise BadParameter(f"a page cannot start at {offset}")
    why: str | None = None
    try:
        index = index_of(kg.store, wait=wait)
    except StoreError as exc:  # e.g. a data folder one may only read: search it without
        index, why = None, exc.message
    if index is None and why is None and isinstance(kg.store, DiskStore):
        why = "the label index of this data version is being made"
    if index is not None:
        matches, total = index.search(wanted, limit=limit, offset=offset, lang=lang)
        more = offset + len(matches) < total
        return SearchResult(wanted, tuple(matches), limit, offset, "index", total, more)
    return _remote(kg, wanted, limit=limit, offset=offset, timeout=timeout, why=why)


def _remote(
    kg: KnowledgeGraph,
    text: str,
    *,
    limit: int,
    offset: int,
    timeout: float | None,
    why: str | None = None,
) -> SearchResult:
    # One row more than the page: whether there is a next page, without counting them all.
    paged = f"{_REMOTE}LIMIT {int(limit) + 1} OFFSET {int(offset)}\n"
    try:
        sparql = bind_values(paged, {"_text": Literal(text.lower())}, checked=_REMOTE_CHECKED)
    except BadParameter:  # control characters and the like: no label has them
        return SearchResult(text, (), limit, offset, "sparql", 0, False, why)
    result = kg.store.query(sparql, form=QueryForm.SELECT, timeout=timeout, max_rows=limit + 1)
    matches = []
    for row in result.rows[:limit]:
        resource, label, kind = row.get("resource"), row.get("label"), row.get("type")
        if not isinstance(resource, URIRef):
            continue
        shown = label if isinstance(label, Literal) else Literal(str(resource))
        types = (str(kind),) if isinstance(kind, URIRef) else ()
        matches.append(Match(str(resource), str(shown), shown.language, types))
    more = len(result.rows) > limit
    return SearchResult(text, tuple(matches), limit, offset, "sparql", None, more, why)
