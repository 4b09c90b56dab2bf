"""The embedded backend: a pyoxigraph store in this process (in memory, or a generation on disk)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..errors import BadInput, QueryTimeout, UmkmError
from ..gcpause import collection_paused
from ..query.results import QueryForm, QueryResult, Term, term_from_oxigraph
from .base import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Store
from .ordering import OrderBy, Value, sorted_rows, split_order_by


class EmbeddedStore(Store):
    """The in-process store (pyoxigraph): a new one in memory, or the ``store`` given."""

    sorts_in_python = False
    """Whether a SELECT's final ORDER BY is done after the engine (:mod:`.ordering`): worth it
    on disk, where each comparison of the engine's sort reads both terms again."""

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
                outcome["result"] = self._run(
                    store, sparql, form, max_rows, cancel, sort_in_python=self.sorts_in_python
                )
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
        *,
        sort_in_python: bool = False,
    ) -> QueryResult:
        with collection_paused():
            return _answer(store, sparql, form, max_rows, cancel, sort_in_python=sort_in_python)


def _answer(
    store: ox.Store,
    sparql: str,
    form: QueryForm,
    max_rows: int | None,
    cancel: threading.Event,
    *,
    sort_in_python: bool,
) -> QueryResult:
    """:meth:`EmbeddedStore._run`, with the garbage collector paused."""
    from ..query.dataset import has_dataset

    # The default graph is the union of the project's graphs, unless the query names its
    # own dataset: pyoxigraph's union flag would otherwise override its FROM clauses.
    union = not has_dataset(sparql)
    order = split_order_by(sparql) if sort_in_python and form is QueryForm.SELECT else None
    if order is not None:
        sorted_result = _run_sorted(store, order, form, max_rows, cancel, union=union)
        if sorted_result is not None:
            return sorted_result
    answer = store.query(sparql, use_default_graph_as_union=union)
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
    values: list[Sequence[Value]] = []
    truncated = False
    for solution in answer:
        if cancel.is_set():
            break
        if max_rows is not None and len(values) >= max_rows:
            truncated = True
            break
        values.append(list(solution))  # type: ignore[arg-type]
    return _result(form, variables, values, max_rows, truncated=truncated)


def _run_sorted(
    store: ox.Store,
    order: OrderBy,
    form: QueryForm,
    max_rows: int | None,
    cancel: threading.Event,
    *,
    union: bool,
) -> QueryResult | None:
    """Run ``order.unsorted`` and sort its rows here; None when they cannot be sorted here."""
    answer = store.query(order.unsorted, use_default_graph_as_union=union)
    assert isinstance(answer, ox.QuerySolutions)
    variables = tuple(v.value for v in answer.variables)
    solutions = (list(solution) for solution in _until(answer, cancel))
    # all of them, since the first rows in order may come last; only max_rows are kept
    ordered = sorted_rows(solutions, variables, order, max_rows)  # type: ignore[arg-type]
    if ordered is None:
        return None
    truncated = max_rows is not None and ordered.total > max_rows
    return _result(form, variables, ordered.rows, max_rows, truncated=truncated)


def _until(answer: ox.QuerySolutions, cancel: threading.Event) -> Iterator[ox.QuerySolution]:
    """The solutions of ``answer`` until ``cancel`` is set."""
    for solution in answer:
        if cancel.is_set():
            return
        yield solution


def _result(
    form: QueryForm,
    variables: tuple[str, ...],
    values: Iterable[Sequence[Value]],
    max_rows: int | None,
    *,
    truncated: bool,
) -> QueryResult:
    rows: list[dict[str, Term]] = []
    converted: dict[Value, Term] = {}  # a value repeated in many rows is converted once
    for solution in values:
        row = {}
        for name, value in zip(variables, solution, strict=True):
            if value is not None:
                term = converted.get(value)
                if term is None:
                    term = converted[value] = term_from_oxigraph(value)
                row[name] = term
        rows.append(row)
    note = f"only the first {max_rows} rows are shown (row cap)" if truncated else None
    return QueryResult(form=form, variables=variables, rows=rows, truncated=truncated, note=note)
