"""Every saved query in queries/ parses, runs on the bundled data, and gives the expected answer.

The expectations in tests/expected/<name>.json are written from the article (each file says
why in ``why``), not copied from the output. Values are compared in a simple form: IRIs as
``kg:...`` names, literals by their text. A case may check ``rows`` (exactly, in order unless
``ordered`` is false, or as a set with ``distinct``), rows it ``contains``, a row ``count``,
counts by the first column (``count_by``), the language of a column (``languages``), the
``subjects`` and ``triples`` of a graph, or the ``boolean`` of an ASK.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Literal, URIRef

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import PREFIXES
from umkm_kg.query.catalogue import SavedQuery, compact, load_catalogue
from umkm_kg.query.results import QueryForm, QueryResult, Term

EXPECTED = Path(__file__).parent / "expected"
CATALOGUE = load_catalogue()
CASES = [
    pytest.param(saved, index, case, id=f"{saved.name}-{index}")
    for saved in CATALOGUE
    if (EXPECTED / f"{saved.name}.json").is_file()
    for index, case in enumerate(
        json.loads((EXPECTED / f"{saved.name}.json").read_text(encoding="utf-8"))["cases"]
    )
]


def simple(term: Term) -> str:
    if isinstance(term, URIRef):
        return compact(term)
    if isinstance(term, BNode):
        return "_:"
    return str(term)


def expand(name: str) -> Term:
    prefix, _, local = name.partition(":")
    if prefix in PREFIXES and not name.startswith("http"):
        return URIRef(PREFIXES[prefix] + local)
    return Literal(name)


def _key(row: dict[str, str]) -> str:
    return json.dumps(row, sort_keys=True)


def test_catalogue_has_at_least_15_queries() -> None:
    assert len(CATALOGUE) >= 15


def test_every_query_has_expectations_and_every_expectation_a_query() -> None:
    assert sorted(p.stem for p in EXPECTED.glob("*.json")) == CATALOGUE.names()


@pytest.mark.parametrize("saved", list(CATALOGUE), ids=lambda q: q.name)
def test_every_select_is_ordered_and_runs_with_its_defaults(
    kg: KnowledgeGraph, saved: SavedQuery
) -> None:
    if saved.form is QueryForm.SELECT:
        assert "ORDER BY" in saved.body, "results must be deterministic"
    assert all(p.default is not None or not p.required for p in saved.parameters)
    assert saved.title.id != saved.title.en or saved.title.en.isascii()
    kg.run(saved)


@pytest.mark.parametrize(("saved", "index", "case"), CASES)
def test_expected_answer(kg: KnowledgeGraph, saved: SavedQuery, index: int, case: Any) -> None:
    result = kg.run(saved, case["params"])
    assert not result.truncated
    if saved.form is QueryForm.ASK:
        assert result.boolean is case["boolean"]
    elif saved.form.returns_graph:
        _check_graph(result, case)
    else:
        _check_rows(result, case)


def _check_rows(result: QueryResult, case: Any) -> None:
    columns: list[str] = case["columns"]
    assert set(columns) <= set(result.variables), result.variables
    rows = [{c: simple(r[c]) for c in columns if c in r} for r in result.rows]
    if case.get("distinct"):
        unique = {_key(r): r for r in rows}
        rows = [unique[k] for k in sorted(unique)]
    if "rows" in case:
        expected = case["rows"]
        if case.get("ordered", True) and not case.get("distinct"):
            assert rows == expected
        else:
            assert sorted(map(_key, rows)) == sorted(map(_key, expected))
    for row in case.get("contains", []):
        assert row in rows, f"missing {row}"
    if "count" in case:
        assert len(rows) == case["count"]
    if "count_by" in case:
        assert Counter(r.get(columns[0]) for r in rows) == case["count_by"]
    for variable, lang in case.get("languages", {}).items():
        values = [r[variable] for r in result.rows if variable in r]
        assert values, f"no value of {variable}"
        assert all(isinstance(v, Literal) and v.language == lang for v in values)


def _check_graph(result: QueryResult, case: Any) -> None:
    graph = result.graph
    assert graph is not None
    subjects = {simple(s) for s in graph.subjects()}
    assert subjects == set(case["subjects"])
    for s, p, o in case.get("triples", []):
        assert (expand(s), expand(p), expand(o)) in graph, (s, p, o)
