"""The resolver's names of the reference data, kept in the data folder's cache: the names
reading the store finds, after batches that say nothing of those resources (read from the
file) and after ones that describe one (read again)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records import RecordsStore, referencenames
from umkm_kg.records.graphcache import load_cached
from umkm_kg.records.resolver import Resolver, _read_oxigraph

_MY = "https://w3id.org/umkm-kg/id/country-my"
_PREFIXES = """PREFIX umkm: <https://w3id.org/umkm-kg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _batch(turtle: str) -> Graph:
    return Graph().parse(data=_PREFIXES + turtle, format="turtle")


def _resolvers(data_dir: Path) -> tuple[Resolver, Resolver]:
    """From the cache, and by reading the store."""
    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    try:
        cached = Resolver.from_kg(kg)
        rows, labels = _read_oxigraph(kg.store.oxigraph)  # type: ignore[attr-defined]
        read = Resolver(rows)
        read.labels = labels
        return cached, read
    finally:
        kg.close()


def _same(cached: Resolver, read: Resolver) -> None:
    assert cached.names == read.names
    assert cached.written == read.written
    assert cached.labels == read.labels


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the times the names are read from the store."""
    calls: list[int] = []
    described = referencenames.described

    def counted(*args: object) -> object:
        calls.append(1)
        return described(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(referencenames, "described", counted)
    return calls


def test_batches_that_describe_no_reference_resource_keep_the_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = RecordsStore(data_dir)
    records.add(_batch('<https://example.org/e1> a umkm:Enterprise ; schema:name "A" .'), "a", None)
    reads = _reads(monkeypatch)
    _same(*_resolvers(data_dir))
    assert len(reads) == 1  # first use: read and written
    records.add(_batch('<https://example.org/e2> a umkm:Enterprise ; schema:name "B" .'), "b", None)
    cached, read = _resolvers(data_dir)
    _same(cached, read)
    assert len(reads) == 1  # the new graph was checked, not the names read again
    cache = data_dir / "cache" / referencenames.CACHE_FILE
    quiet = load_cached(cache, referencenames._FORMAT)["quiet"]
    assert next(b.iri for b in records.batches() if b.sources == ("b",)) in quiet
    _same(*_resolvers(data_dir))
    assert len(reads) == 1


def test_a_batch_that_describes_a_place_or_labels_a_country_is_read(data_dir: Path) -> None:
    records = RecordsStore(data_dir)
    cached, read = _resolvers(data_dir)
    _same(cached, read)
    assert cached.lookup("place", "Kampung Baru Test").iri is None
    place = "https://example.org/kampung-baru"
    records.add(
        _batch(f'<{place}> a umkm:Neighbourhood ; rdfs:label "Kampung Baru Test"@id .'), "p", None
    )
    cached, read = _resolvers(data_dir)
    assert cached.lookup("place", "kampung baru test").iri == place
    _same(cached, read)
    records.add(_batch(f'<{_MY}> rdfs:label "Negeri Jiran Test"@id .'), "label", None)
    cached, read = _resolvers(data_dir)
    assert cached.lookup("place", "negeri jiran test").iri == _MY
    _same(cached, read)
    [labelled] = [b for b in records.batches() if b.sources == ("label",)]
    records.remove(labelled.id)
    cached, read = _resolvers(data_dir)
    assert cached.lookup("place", "negeri jiran test").iri is None
    _same(cached, read)


def test_a_damaged_or_foreign_file_is_read_again(data_dir: Path) -> None:
    _same(*_resolvers(data_dir))
    cache = data_dir / "cache" / referencenames.CACHE_FILE
    data = bytearray(cache.read_bytes())
    data[-20] ^= 0xFF
    cache.write_bytes(bytes(data))
    _same(*_resolvers(data_dir))
    assert cache.read_bytes() != bytes(data)  # written again
    referencenames.store_cached(cache, referencenames._FORMAT, {"typed": []})
    _same(*_resolvers(data_dir))
    assert isinstance(load_cached(cache, referencenames._FORMAT)["typed"], dict)
