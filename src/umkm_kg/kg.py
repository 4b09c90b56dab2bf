"""The knowledge graph: the one object the command line and the web app talk to."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_path
from rdflib import URIRef

from . import resources
from .namespaces import ARTICLE_GRAPH, ONTOLOGY_GRAPH
from .results import QueryResult
from .store import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, DiskStore, EmbeddedStore, Store

if TYPE_CHECKING:
    from .queries import Catalogue, Choice, Parameter, SavedQuery

DATA_DIR_ENV = "UMKM_KG_DATA"


def default_data_dir() -> Path:
    """Where added records live: ``$UMKM_KG_DATA`` or the platform's per-user data directory."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else user_data_path("umkm-kg", appauthor=False)


@dataclass(frozen=True)
class Info:
    """A summary of the graph for ``umkm-kg info``."""

    backend: str
    triples: int
    graphs: dict[str, int]
    classes: dict[str, int]
    ontology_version: str | None
    conforms: bool | None = None
    violations: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary (``umkm-kg info --json``)."""
        return asdict(self)


class KnowledgeGraph:
    """The UMKM graph behind one store, with the saved-query catalogue and the records store."""

    def __init__(self, store: Store, *, data_dir: Path | None = None) -> None:
        self.store = store
        self.data_dir = data_dir

    @classmethod
    def embedded(cls, *, data_dir: Path | None = None, with_records: bool = True) -> KnowledgeGraph:
        """The persistent store of ``data_dir`` (made on first use), or, without a data folder
        or ``with_records=False``, the bundled ontology and article in memory.

        :raises StoreError: the data folder is not allowed, or its store cannot be opened.
        """
        if data_dir is not None and with_records:
            from .records import RecordsStore

            return cls(RecordsStore(data_dir).open(), data_dir=data_dir)
        store = EmbeddedStore()
        store.load_file(resources.ONTOLOGY, str(ONTOLOGY_GRAPH))
        store.load_file(resources.DATA, str(ARTICLE_GRAPH))
        return cls(store, data_dir=data_dir)

    def query(
        self,
        sparql: str,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
    ) -> QueryResult:
        """Run an ad-hoc read-only query.

        :raises ForbiddenQuery: an update, SERVICE, LOAD or a FROM outside the graph.
        :raises BadInput: not valid SPARQL.
        """
        from .sparql import check_read_only

        form = check_read_only(sparql)
        return self.store.query(sparql, form=form, timeout=timeout, max_rows=max_rows)

    @property
    def catalogue(self) -> Catalogue:
        """The saved queries of ``queries/*.rq``, parsed once."""
        from .queries import load_catalogue

        return load_catalogue()

    def run(
        self,
        query: str | SavedQuery,
        params: Mapping[str, str] | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
    ) -> QueryResult:
        """Run a saved query (by name) with parameters given as text, checked and bound safely.

        :raises UnknownQuery: no saved query has that name.
        :raises BadParameter: a parameter is unknown, missing or not of its type.
        """
        saved = self.catalogue.get(query) if isinstance(query, str) else query
        sparql = saved.sparql(saved.bind(params or {}, self.choices))
        return self.store.query(sparql, form=saved.form, timeout=timeout, max_rows=max_rows)

    def choices(self, parameter: Parameter, given: str | None = None) -> tuple[Choice, ...]:
        """The values found in the graph for a ``values_from_graph`` parameter.

        With ``given`` an IRI, only that value is looked up: a registry of a million
        enterprises is not listed (nor cut at the row cap, which would refuse a value that is
        there) to check one of them.
        """
        query = parameter.choices_query
        if not query:
            return ()
        if given is not None:
            from .errors import BadParameter
            from .sparql import bind_values

            try:
                term = parameter.convert(given)
            except BadParameter:
                term = None  # a label or a name: matched against the listed values
            if isinstance(term, URIRef):
                found = parameter.choices_from(self.query(bind_values(query, {"value": term})))
                if found:
                    return found
        return parameter.choices_from(self.query(query))

    def info(self, *, validate: bool = False) -> Info:
        """Count triples, graphs and entities per class; with ``validate``, check the shapes.

        On the disk store the check answers from what was validated as records were added
        (:mod:`umkm_kg.records.check`).
        """
        graphs: dict[str, int] = {}
        if isinstance(self.store, DiskStore):
            graphs = self.store.generation.graphs
        elif isinstance(self.store, EmbeddedStore):
            for name in self.store.named_graphs():
                r = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
                graphs[name] = int(r.rows[0]["n"])  # type: ignore[call-overload]
        if isinstance(self.store, DiskStore):  # counted when the generation was written
            triples = sum(graphs.values())
        else:
            count = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            triples = int(count.rows[0]["n"])  # type: ignore[call-overload]
        per_class = self.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
        )
        classes = Counter({str(r["c"]): int(r["n"]) for r in per_class.rows})  # type: ignore[call-overload]
        version = self.query(
            "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
            "SELECT ?v WHERE { ?o a owl:Ontology ; owl:versionInfo ?v } LIMIT 1"
        )
        summary = Info(
            backend=self.store.label,
            triples=triples,
            graphs=graphs,
            classes=dict(classes),
            ontology_version=str(version.rows[0]["v"]) if version.rows else None,
        )
        if not validate:
            return summary
        if isinstance(self.store, DiskStore):
            from .records.check import check_stored

            verdict = check_stored(self.store)
            return replace(summary, conforms=verdict.conforms, violations=verdict.violations)
        from .validation import validate_graph

        report = validate_graph(self)
        return replace(summary, conforms=report.conforms, violations=report.violation_count)

    def close(self) -> None:
        self.store.close()
