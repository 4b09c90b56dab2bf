"""The knowledge graph: the one object the command line and the web app talk to."""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .query.results import QueryForm, QueryResult
from .store import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, DiskStore, EmbeddedStore, Store

if TYPE_CHECKING:
    from .query.catalogue import Catalogue, Choice, Parameter, SavedQuery


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


def _left(timeout: float | None, started: float) -> float | None:
    """What is left of ``timeout`` seconds since ``started`` (a monotonic time).

    :raises QueryTimeout: nothing is left.
    """
    if timeout is None:
        return None
    left = timeout - (time.monotonic() - started)
    if left <= 0:
        from .errors import QueryTimeout

        raise QueryTimeout(
            f"checking the query took longer than {timeout:g} s; it was not run",
            hint="shorten the query, or allow more time with --timeout",
        )
    return left


@contextlib.contextmanager
def _limit(timeout: float | None) -> Iterator[None]:
    """Say a stopped query ran past ``timeout``, the limit asked for (not what was left of it)."""
    from .errors import QueryTimeout

    try:
        yield
    except QueryTimeout as exc:
        if timeout is None or "was stopped" not in exc.message:
            raise
        raise QueryTimeout(
            f"the query ran longer than {timeout:g} s and was stopped", hint=exc.hint
        ) from None


class KnowledgeGraph:
    """The UMKM graph behind one store, with the saved-query catalogue and the records store."""

    def __init__(self, store: Store, *, data_dir: Path | None = None) -> None:
        self.store = store
        self.data_dir = data_dir

    @classmethod
    def embedded(
        cls, *, data_dir: Path | None = None, with_records: bool = True, isolated: bool = True
    ) -> KnowledgeGraph:
        """The persistent store of ``data_dir`` (made on first use), or, without a data folder
        or ``with_records=False``, the bundled ontology and article in memory.

        On the persistent store, ``isolated`` (the default) runs each query in a child process
        that the time limit (and a memory limit) really stops; a one-shot command may pass
        False to save starting it (its thread ends with the process anyway). The in-memory
        graph always answers in a thread: pyoxigraph cannot stop a query there.

        :raises StoreError: the data folder is not allowed, or its store cannot be opened.
        """
        if data_dir is not None and with_records:
            from .records import RecordsStore

            return cls(RecordsStore(data_dir).open(isolated=isolated), data_dir=data_dir)
        from .records.store import bundled_graphs
        from .store.disk import bundled_format

        store = EmbeddedStore()
        for graph, path in bundled_graphs().items():
            store.load_file(path, graph, bundled_format(path))
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
        from .query.sparql import check_read_only

        started = time.monotonic()
        form = check_read_only(sparql)
        with _limit(timeout):
            return self.store.query(
                sparql, form=form, timeout=_left(timeout, started), max_rows=max_rows
            )

    @property
    def catalogue(self) -> Catalogue:
        """The saved queries of ``queries/*.rq``, parsed once."""
        from .query.catalogue import load_catalogue

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

        On the disk store the answer is kept for the data version it was computed on, so the
        same query with the same parameters is read back until the data changes.

        :raises UnknownQuery: no saved query has that name.
        :raises BadParameter: a parameter is unknown, missing or not of its type.
        """
        from .query.graphvalues import GraphValues

        started = time.monotonic()
        saved = self.catalogue.get(query) if isinstance(query, str) else query
        values = GraphValues(self.store, timeout=timeout)
        sparql = saved.sparql(saved.bind(params or {}, values))
        left = _left(timeout, started)  # checking and binding count against the limit too
        with _limit(timeout):
            if isinstance(self.store, DiskStore):  # answered once per data version
                return self.store.query_cached(
                    sparql, form=saved.form, timeout=left, max_rows=max_rows
                )
            return self.store.query(sparql, form=saved.form, timeout=left, max_rows=max_rows)

    def choices(
        self,
        parameter: Parameter,
        *,
        search: str | None = None,
        limit: int = 50,
        offset: int = 0,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> tuple[Choice, ...]:
        """A page of the values found in the graph for a ``values_from_graph`` parameter, in
        term order; ``search`` keeps those whose label or IRI segment contains it.

        :raises BadParameter: ``limit`` is not 1 to 1,000, or ``offset`` is negative.
        """
        if parameter.values_from_graph is None:
            return ()
        from .query.graphvalues import GraphValues

        values = GraphValues(self.store, timeout=timeout)
        return values.choices(parameter, search=search, limit=limit, offset=offset)

    def _counted(self, sparql: str) -> QueryResult:
        # A count over the whole registry: on the disk store, computed once per data version.
        if isinstance(self.store, DiskStore):
            return self.store.query_cached(sparql, form=QueryForm.SELECT, max_rows=None)
        return self.query(sparql, max_rows=None)

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
        per_class = self._counted(
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
