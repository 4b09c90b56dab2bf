"""The disk store's ORDER BY done in Python answers in the engine's order, or leaves it alone."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.graphvalues import GraphValues
from umkm_kg.query.results import QueryForm
from umkm_kg.store import ordering
from umkm_kg.store.disk import DiskStore
from umkm_kg.store.ordering import sorted_rows, split_order_by

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PATTERN = (
    "SELECT ?s ?name ?n WHERE {\n"
    "  ?s <http://example.org/p> ?name OPTIONAL { ?s <http://example.org/q> ?n }\n}\n"
)


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """The bundled graph in a persistent store (queries in this process)."""
    folder = tmp_path_factory.mktemp("ordering") / "data"
    kg = KnowledgeGraph.embedded(data_dir=folder, isolated=False)
    yield kg
    kg.close()


def test_the_final_order_by_of_plain_variables_is_split_off() -> None:
    order = split_order_by("SELECT ?a ?b WHERE { ?a ?p ?b }\nORDER BY DESC(?b) ?a ASC( ?p )\n")
    assert order is not None
    assert order.keys == (("b", True), ("a", False), ("p", False))
    assert order.unsorted.strip() == "SELECT ?a ?b WHERE { ?a ?p ?b }"


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?a WHERE { ?a ?p ?b }\nORDER BY ?a\nLIMIT 3",
        "SELECT ?a WHERE { ?a ?p ?b }\nORDER BY STR(?a)",
        "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?b }\nORDER BY ?a\n} }",
        "SELECT ?a WHERE { ?a ?p ?b }\n# ORDER BY ?a",
        "SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a",
    ],
    ids=["limit", "expression", "sub-select", "comment", "same-line"],
)
def test_other_orderings_are_left_to_the_engine(text: str) -> None:
    assert split_order_by(text) is None


def _engine_and_ours(quads: list[ox.Quad], query: str) -> tuple[list[list[str]], list[list[str]]]:
    store = ox.Store()
    store.extend(quads)
    order = split_order_by(query)
    assert order is not None
    engine = store.query(query)
    assert isinstance(engine, ox.QuerySolutions)
    expected = [[str(v) for v in row] for row in engine]
    unsorted = store.query(order.unsorted)
    assert isinstance(unsorted, ox.QuerySolutions)
    variables = [v.value for v in unsorted.variables]
    ordered = sorted_rows([list(row) for row in unsorted], variables, order)  # type: ignore[arg-type]
    assert ordered is not None
    return [[str(v) for v in row] for row in ordered.rows], expected


def test_unbound_iris_strings_and_numbers_sort_as_the_engine_sorts_them() -> None:
    p, q = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")
    quads = []
    for i, name in enumerate(["b", "a", "c", "ä", "B", "a b", "z"]):
        s = ox.NamedNode(f"{EX}s{i}")
        quads.append(ox.Quad(s, p, ox.Literal(name)))
        if i % 3:
            quads.append(
                ox.Quad(s, q, ox.Literal(str(10 - i * 3), datatype=ox.NamedNode(XSD + "integer")))
            )
    quads.append(ox.Quad(ox.NamedNode(EX + "s9"), p, ox.NamedNode(EX + "iri")))
    quads.append(
        ox.Quad(
            ox.NamedNode(EX + "s9"), q, ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal"))
        )
    )
    ours, engine = _engine_and_ours(
        quads,
        PATTERN + "ORDER BY DESC(?n) ?name",
    )
    assert ours == engine
    ours, engine = _engine_and_ours(
        quads,
        PATTERN + "ORDER BY ?n DESC(?s)",
    )
    assert ours == engine


@pytest.mark.parametrize(
    "value",
    [
        ox.Literal("x", language="id"),
        ox.BlankNode("b"),
        ox.Literal("2026-12-01", datatype=ox.NamedNode(XSD + "date")),
    ],
    ids=["language", "blank", "date"],
)
def test_values_it_cannot_order_exactly_are_left_to_the_engine(
    value: ox.Literal | ox.BlankNode,
) -> None:
    order = split_order_by("SELECT ?v WHERE { }\nORDER BY ?v")
    assert order is not None
    rows: list[list[object]] = [[ox.Literal("a")], [value]]
    assert sorted_rows(rows, ["v"], order) is None  # type: ignore[arg-type]


def test_strings_and_numbers_in_one_column_are_left_to_the_engine() -> None:
    order = split_order_by("SELECT ?v WHERE { }\nORDER BY ?v")
    assert order is not None
    rows = [[ox.Literal("a")], [ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))]]
    assert sorted_rows(rows, ["v"], order) is None  # type: ignore[arg-type]


def test_a_language_tagged_order_still_answers_in_the_engines_order(disk: KnowledgeGraph) -> None:
    sparql = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?c ?label WHERE { ?c skos:prefLabel ?label }\nORDER BY ?label ?c\n"
    )
    store = disk.store
    assert isinstance(store, DiskStore)
    ours = store.query(sparql, form=QueryForm.SELECT, max_rows=None)
    store.sorts_in_python = False
    try:
        engine = store.query(sparql, form=QueryForm.SELECT, max_rows=None)
    finally:
        store.sorts_in_python = True
    assert ours.rows and ours.rows == engine.rows


def test_a_capped_sort_keeps_few_rows_and_answers_as_a_full_sort(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = split_order_by("SELECT ?k ?i WHERE { }\nORDER BY DESC(?k)")
    assert order is not None
    rows = [
        [ox.Literal(str(i * 7919 % 13), datatype=ox.NamedNode(XSD + "integer")), ox.Literal(str(i))]
        for i in range(1000)
    ]
    full = sorted_rows(rows, ["k", "i"], order)
    assert full is not None and full.total == 1000
    monkeypatch.setattr(ordering, "_SORT_EVERY", 7)
    held: list[int] = []
    real_sort = ordering._sort

    def counting_sort(keyed: list[object], order: object) -> None:
        held.append(len(keyed))
        real_sort(keyed, order)  # type: ignore[arg-type]

    monkeypatch.setattr(ordering, "_sort", counting_sort)
    capped = sorted_rows(iter(rows), ["k", "i"], order, 25)
    assert capped is not None and capped.total == 1000
    assert capped.rows == full.rows[:25]  # ties keep the engine's order, across the cuts
    assert max(held) <= 25 + 7 and len(held) > 30


def test_the_row_cap_cuts_after_sorting(disk: KnowledgeGraph) -> None:
    sparql = "SELECT ?s ?p WHERE { ?s ?p ?o }\nORDER BY DESC(?s) ?p\n"
    store = disk.store
    assert isinstance(store, DiskStore)
    capped = store.query(sparql, form=QueryForm.SELECT, max_rows=5)
    store.sorts_in_python = False
    try:
        engine = store.query(sparql, form=QueryForm.SELECT, max_rows=5)
    finally:
        store.sorts_in_python = True
    assert capped.truncated and engine.truncated
    assert capped.rows == engine.rows


def test_every_saved_query_answers_as_with_the_engines_sort(disk: KnowledgeGraph) -> None:
    store = disk.store
    assert isinstance(store, DiskStore)
    checked = 0
    for saved in disk.catalogue:
        sparql = saved.sparql(saved.bind({}, GraphValues(store)))
        ours = store.query(sparql, form=saved.form, max_rows=None)
        store.sorts_in_python = False
        try:
            engine = store.query(sparql, form=saved.form, max_rows=None)
        finally:
            store.sorts_in_python = True
        assert ours.rows == engine.rows, saved.name
        checked += split_order_by(sparql) is not None
    assert checked >= 15


@pytest.mark.parametrize("enabled", [True, False])
def test_a_query_leaves_the_garbage_collector_as_it_found_it(
    disk: KnowledgeGraph, enabled: bool
) -> None:
    import gc

    (gc.enable if enabled else gc.disable)()
    try:
        disk.store.query("SELECT ?s WHERE { ?s ?p ?o }\nORDER BY ?s\n", form=QueryForm.SELECT)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
