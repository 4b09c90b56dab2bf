"""What a push sends, without a server: the streamed N-Triples of each target graph."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from umkm_kg.errors import BadInput
from umkm_kg.namespaces import GENID
from umkm_kg.publish.push.source import blocks, chunks, plan, prefetched
from umkm_kg.store import EmbeddedStore

EX = "https://w3id.org/umkm-kg/test/"
BIG, SMALL = ox.NamedNode(EX + "graph/big"), ox.NamedNode(EX + "graph/small")
SHARED = ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("in both"))


def _store(big: int = 50) -> EmbeddedStore:
    store = ox.Store()
    owner = ox.BlankNode("owner1")
    quads = [
        ox.Quad(ox.NamedNode(f"{EX}e{i}"), ox.NamedNode(EX + "n"), ox.Literal(str(i)), BIG)
        for i in range(big)
    ]
    quads += [
        ox.Quad(*SHARED, BIG),  # type: ignore[misc]
        ox.Quad(*SHARED, SMALL),  # type: ignore[misc]
        ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "owner"), owner, SMALL),
        ox.Quad(owner, ox.NamedNode(EX + "name"), ox.Literal('ibu "_:" Bunga'), SMALL),
        ox.Quad(owner, ox.NamedNode(EX + "name"), ox.Literal("x"), BIG),
    ]
    store.extend(quads)
    return EmbeddedStore(store)


def _sent(store: EmbeddedStore, graph: str | None, keep: bool, size: int) -> dict[str, list[str]]:
    sent: dict[str, list[str]] = {}
    for target in plan(store, graph, keep):
        streams = (blocks(store.oxigraph, part) for part in target.parts)
        lines = sent.setdefault(target.graph, [])
        for body, count in chunks(streams, size):
            assert body.count(b"\n") == count <= size and body.endswith(b"\n")
            lines += body.decode().splitlines()
        assert len(lines) == target.triples
    return sent


@pytest.mark.parametrize("size", [1, 7, 52, 53, 1000])
def test_the_union_sends_each_triple_once_in_chunks_of_size_lines(size: int) -> None:
    store = _store()
    [lines] = _sent(store, EX + "target", False, size).values()
    assert len(lines) == len(set(lines)) == 50 + 4
    parsed = ox.parse("\n".join(lines) + "\n", format=ox.RdfFormat.N_TRIPLES)
    triples = {quad.triple for quad in parsed}
    assert SHARED in triples


def test_the_largest_graph_streams_first_and_the_others_without_what_it_holds() -> None:
    [target] = plan(_store(), EX + "target", False)
    assert [(p.graph, p.triples, p.minus) for p in target.parts] == [
        (BIG.value, 52, ()),
        (SMALL.value, 2, (BIG.value,)),
    ]


def test_blank_nodes_become_the_same_skolem_iri_in_every_graph() -> None:
    sent = _sent(_store(), None, True, 5)
    text = "\n".join(sent[BIG.value] + sent[SMALL.value])
    assert "_:owner1" not in text.replace('"ibu \\"_:\\" Bunga"', "")
    assert text.count(f"<{GENID}owner1>") == 3
    assert 'ibu \\"_:\\" Bunga' in text  # a literal holding "_:" is kept as it was


def test_keep_graphs_sends_each_graph_whole() -> None:
    sent = _sent(_store(), None, True, 10)
    assert {name: len(lines) for name, lines in sent.items()} == {BIG.value: 52, SMALL.value: 3}


def test_the_union_needs_a_target_graph() -> None:
    with pytest.raises(BadInput, match="--graph"):
        plan(_store(), None, False)


def test_default_graph_triples_need_a_target_with_keep_graphs() -> None:
    store = _store()
    store.oxigraph.add(ox.Quad(*SHARED, ox.DefaultGraph()))  # type: ignore[misc]
    with pytest.raises(BadInput, match="outside any named graph"):
        plan(store, None, True)
    [target] = plan(store, EX + "target", False)
    assert target.triples == 54  # the default graph's copy of SHARED is not sent again


def test_closing_the_stream_early_stops_the_dump() -> None:
    store = _store(big=200_000)
    [target] = plan(store, None, True)[:1]
    stream = blocks(store.oxigraph, target.parts[0])
    assert next(stream).endswith(b"\n")
    stream.close()
    assert not [t for t in threading.enumerate() if t.name == "umkm-push-dump"]


def test_prefetching_gives_the_same_chunks_and_stops_when_abandoned() -> None:
    store = _store(big=50_000)
    [target] = plan(store, EX + "target", False)

    def streams() -> Iterator[Iterator[bytes]]:
        return (blocks(store.oxigraph, part) for part in target.parts)

    assert list(prefetched(chunks(streams(), 3_000))) == list(chunks(streams(), 3_000))
    ahead = prefetched(chunks(streams(), 3_000))
    next(ahead)
    ahead.close()
    names = {t.name for t in threading.enumerate()}
    assert not names & {"umkm-push-dump", "umkm-push-prefetch"}
