"""The compiled shapes kept in a data folder's cache: read back when good, rebuilt when not,
and the findings the same either way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records.graphcache import load_cached, store_cached
from umkm_kg.validation import RecordBatch, compiled_shapes, result_keys, shapes_graph, validate
from umkm_kg.validation.shapecache import _FORMAT, CACHE_FILE, cache_key, decode, encode

INVALID = sorted((Path(__file__).parent / "data" / "invalid").glob("*.ttl"))
RECORDS = Path(__file__).parent / "data" / "records"


def _findings(kg: KnowledgeGraph) -> list[tuple[str, str, set[tuple[str, ...]]]]:
    """Both languages' reports and the SHACL results of every invalid-model file and a CSV."""
    compiled_shapes.cache_clear()  # read the cache folder again, as a new process would
    graphs = [Graph().parse(path) for path in [*INVALID, RECORDS / "invalid-enterprise.ttl"]]
    # an ownership claim no enterprise points at: a result on a blank-node (inverse) path
    orphan = Graph().parse(RECORDS / "valid-enterprise.ttl")
    orphan.remove((None, URIRef("https://w3id.org/umkm-kg/ontology#qualifiedOwnership"), None))
    out = []
    for graph in [*graphs, orphan]:
        report = validate(RecordBatch.of(graph), kg)
        out.append((report.text("en"), report.text("id"), result_keys(report.graph)))
    return out


@pytest.fixture
def kg(tmp_path: Path) -> Iterator[KnowledgeGraph]:
    graph = KnowledgeGraph.embedded()  # the bundled graph, with a data folder for its cache
    graph.data_dir = tmp_path
    yield graph
    compiled_shapes.cache_clear()


@pytest.fixture
def expected() -> list[tuple[str, str, set[tuple[str, ...]]]]:
    return _findings(KnowledgeGraph.embedded())  # no data folder: compiled, not cached


def test_the_cache_is_written_then_read_with_the_same_findings(
    kg: KnowledgeGraph, expected: list[tuple[str, str, set[tuple[str, ...]]]]
) -> None:
    cache = kg.data_dir / "cache" / CACHE_FILE  # type: ignore[operator]
    assert _findings(kg) == expected
    written = cache.stat()
    assert _findings(kg) == expected
    assert cache.stat().st_ino == written.st_ino  # read, not rebuilt and written again


def test_a_damaged_cache_is_rebuilt_with_the_same_findings(
    kg: KnowledgeGraph, expected: list[tuple[str, str, set[tuple[str, ...]]]]
) -> None:
    cache = kg.data_dir / "cache" / CACHE_FILE  # type: ignore[operator]
    _findings(kg)
    good = cache.read_bytes()
    for damaged in (good[:-40] + bytes(b ^ 0x5A for b in good[-40:]), good[: len(good) // 2]):
        cache.write_bytes(damaged)
        assert _findings(kg) == expected
        assert cache.read_bytes() == good


def test_a_stale_or_wrong_cache_is_rebuilt_with_the_same_findings(
    kg: KnowledgeGraph, expected: list[tuple[str, str, set[tuple[str, ...]]]]
) -> None:
    cache = kg.data_dir / "cache" / CACHE_FILE  # type: ignore[operator]
    _findings(kg)
    good = load_cached(cache, _FORMAT)
    # shapes of another version of the file (key), and a payload that checks out but is wrong
    for payload in (
        {**good, "key": "another shapes file"},
        {"key": cache_key(), "shapes": [["list", []], [["shape", [["u", "x"]]]], []]},
        {"key": cache_key(), "shapes": "not shapes"},
    ):
        store_cached(cache, _FORMAT, payload)
        assert _findings(kg) == expected
        assert load_cached(cache, _FORMAT) == good


def test_read_back_shapes_equal_compiled_ones() -> None:
    compiled = compiled_shapes()
    restored = decode(encode(compiled), shapes_graph())
    assert restored is not None
    assert encode(restored) == encode(compiled)
    assert restored.graph is compiled.graph
    assert set(restored.shapes) == set(compiled.shapes)  # blank nodes of this parse
