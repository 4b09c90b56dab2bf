"""Bound query texts are kept: binding the same values again gives the same text without a
second parse (regression: a server re-parsed every saved query it ran with parameters, ~60 ms
of pure Python per request under the GIL, which capped its throughput at ~15 requests/s)."""

from __future__ import annotations

import time

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from umkm_kg.errors import BadParameter
from umkm_kg.query import sparql
from umkm_kg.query.sparql import bind_values

QUERY = "SELECT ?s ?n WHERE { ?s <urn:x:p> ?n }"


def test_the_same_values_give_the_same_text_at_once() -> None:
    value = {"n": Literal("2015", datatype=XSD.integer)}
    started = time.perf_counter()
    first = bind_values(QUERY + " # first", value)
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    again = bind_values(QUERY + " # first", value)
    kept = time.perf_counter() - started
    assert again == first and "VALUES (?n)" in first
    assert kept < parsed / 5  # read back, not parsed and checked again


@pytest.mark.parametrize(
    "other",
    [
        Literal("2015"),
        Literal("2015", lang="id"),
        URIRef("urn:x:2015"),
    ],
)
def test_other_values_are_bound_anew(other: object) -> None:
    base = bind_values(QUERY, {"n": Literal("2015", datatype=XSD.integer)})
    bound = bind_values(QUERY, {"n": other})  # type: ignore[dict-item]
    assert bound != base


def test_a_refused_value_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(BadParameter):
            bind_values(QUERY, {"n": Literal("a\x01b")})


def test_texts_past_the_bound_are_bound_again_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sparql, "BOUND_CACHE", 3)
    values = [{"n": Literal(str(i), datatype=XSD.integer)} for i in range(6)]
    texts = [bind_values(QUERY, v) for v in values]
    assert len(set(texts)) == 6
    assert [bind_values(QUERY, v) for v in values] == texts  # the first ones were dropped
    unkept = sparql.bind_rows.__wrapped__  # type: ignore[attr-defined]
    assert unkept(QUERY, ["n"], [[values[0]["n"]]]) == texts[0]
