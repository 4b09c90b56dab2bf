"""The embedded backend: a pyoxigraph store in this process (in memory, or a generation on disk)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..errors import BadInput, QueryTimeout, UmkmError
from ..query.results import QueryForm, QueryResult, Term, term_from_oxigraph
from .base import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Store


class EmbeddedStore(Store):
    """The in-process store (pyoxigraph): a new one in memory, or the ``store`` given."""

    def __init__(self, store: ox.Store | None = None, *, label: str | None = None) -> None:
        self._store = store if store is not None else ox.Store()
        self.label = label or "embedded (in memory)"

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store (for bulk loading and export)."""
        return self._store

    def load_file(self, path: Path, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> None:
        """Load an RDF file into the named graph ``graph``.

        :raises BadInput: the file cannot be read or parsed (message has the line).
        """
        # The bulk loader costs about 0.1 s to set up: worth it only for a big file.
        from .disk import BULK_BYTES

        load = self._store.bulk_load if Path(path).stat().st_size > BULK_BYTES else self._store.load
        try:
            load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph))
        except (SyntaxError, ValueError, OSError) as exc:
            raise BadInput(f"{path}: {exc}") from exc

    def load_triples(self, triples: Iterable[tuple[Term, Term, Term]], name: str) -> None:
        from ..query.results import term_to_oxigraph

        g = ox.NamedNode(name)
        self._store.extend(
            ox.Quad(term_to_oxigraph(s), term_to_oxigraph(p), term_to_oxigraph(o), g)  # type: ignore[arg-type]
            for s, p, o in triples
        )

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def query(
        self,
        sparql: str,
        *,
        form: QueryForm,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
    ) -> QueryResult:
        # pyoxigraph has no query timeout: the query runs in a worker thread (it releases the
        # GIL) and the caller stops waiting at the deadline. The abandoned thread finishes on
        # its own; rows are pulled lazily, so a cut SELECT stops early too.
        store = self._store  # a disk store may move to a newer generation meanwhile
        outcome: dict[str, object] = {}
        cancel = threading.Event()

        def work() -> None:
            try:
                outcome["result"] = self._run(store, sparql, form, max_rows, cancel)
            except BaseException as exc:  # handed to the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="umkm-kg-query", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            cancel.set()
            raise QueryTimeout(
                f"the query ran longer than {timeout:g} s and was stopped",
                hint="narrow the query, or allow more time with --timeout",
            )
        if "error" in outcome:
            exc = outcome["error"]
            assert isinstance(exc, BaseException)
            if isinstance(exc, UmkmError):
                raise exc
            if isinstance(exc, SyntaxError):
                raise BadInput(f"the query is not valid SPARQL: {exc}") from exc
            raise BadInput(f"the embedded store could not run the query: {exc}") from exc
        result = outcome["result"]
        assert isinstance(result, QueryResult)
        return result

    @staticmethod
    def _run(
        store: ox.Store,
        sparql: str,
        form: QueryForm,
        max_rows: int | None,
        cancel: threading.Event,
    ) -> QueryResult:
        from ..query.dataset import has_dataset

        # The default graph is the union of the project's graphs, unless the query names its
        # own dataset: pyoxigraph's union flag would otherwise override its FROM clauses.
        answer = store.query(sparql, use_default_graph_as_union=not has_dataset(sparql))
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(form=form, boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples):
            graph = Graph(bind_namespaces="none")
            for triple in answer:
                if cancel.is_set():
                    break
                graph.add(tuple(term_from_oxigraph(t) for t in triple))  # type: ignore[arg-type]
            return QueryResult(form=form, graph=graph)
        assert isinstance(answer, ox.QuerySolutions)
        variables = tuple(v.value for v in answer.variables)
        rows: list[dict[str, Term]] = []
        truncated = False
        for solution in answer:
            if cancel.is_set():
                break
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            row = {}
            for name in variables:
                value = solution[name]
                if value is not None:
                    row[name] = term_from_oxigraph(value)
            rows.append(row)
        note = f"only the first {max_rows} rows are shown (row cap)" if truncated else None
        return QueryResult(
            form=form, variables=variables, rows=rows, truncated=truncated, note=note
        )
