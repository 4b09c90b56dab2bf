"""Destinations as records wrote them name their countries for later batches: read from the
cache of a data folder's batches, they are the names reading every claim finds."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records import RecordsStore
from umkm_kg.records.resolver import Resolver, _read_oxigraph
from umkm_kg.records.written import CACHE_FILE

_MY = "https://w3id.org/umkm-kg/id/country-my"


def _claim(name: str, written: str) -> Graph:
    return Graph().parse(
        data=f"""PREFIX umkm: <https://w3id.org/umkm-kg/ontology#>
        <https://example.org/{name}> umkm:destination <{_MY}> ;
            umkm:destinationAsWritten "{written}" .""",
        format="turtle",
    )


def _resolver(data_dir: Path) -> tuple[Resolver, Resolver]:
    """From the cache, and by reading every claim."""
    kg = KnowledgeGraph.embedded(data_dir=data_dir, isolated=False)
    try:
        cached = Resolver.from_kg(kg)
        rows, _ = _read_oxigraph(kg.store.oxigraph)  # type: ignore[attr-defined]
        return cached, Resolver(rows)
    finally:
        kg.close()


def test_written_destinations_come_from_the_cache_and_follow_each_batch(data_dir: Path) -> None:
    records = RecordsStore(data_dir)
    records.add(_claim("a", "Negeri Jiran"), "a.ttl", None)
    cached, read = _resolver(data_dir)
    assert cached.lookup("place", "negeri  JIRAN").iri == _MY
    assert cached.names == read.names
    cache = data_dir / "cache" / CACHE_FILE
    assert b"Negeri Jiran" in cache.read_bytes()
    records.add(_claim("b", "Tanah Melayu"), "b.ttl", None)
    cached, read = _resolver(data_dir)
    assert cached.lookup("place", "tanah melayu").iri == _MY
    assert cached.lookup("place", "negeri jiran").iri == _MY
    assert cached.names == read.names
    [first] = [b for b in records.batches() if b.sources == ("a.ttl",)]
    records.remove(first.id)
    cached, read = _resolver(data_dir)
    assert cached.lookup("place", "negeri jiran").iri is None
    assert cached.names == read.names
    # a damaged cache is read again from the store: an old JSON one, or one byte changed
    cache.write_text('{"format": 1, "graphs": {"x": ', encoding="utf-8")
    cached, read = _resolver(data_dir)
    assert cached.lookup("place", "tanah melayu").iri == _MY
    assert cached.names == read.names
    data = bytearray(cache.read_bytes())
    data[data.index(b"Tanah Melayu")] = ord("X")
    cache.write_bytes(bytes(data))
    cached, read = _resolver(data_dir)
    assert cached.lookup("place", "tanah melayu").iri == _MY
    assert b"Tanah Melayu" in cache.read_bytes() and b"Xanah" not in cache.read_bytes()
