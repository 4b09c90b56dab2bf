"""Duplicates found by looking up a batch's own names and identifiers find what reading every
name of the store found: the same messages at a registry's size, and a store that changed
since the names were read is read again."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from umkm_kg.errors import DuplicateRecord
from umkm_kg.records import RecordsStore, find_duplicates
from umkm_kg.records.duplicates import KnownNames
from umkm_kg.records.similar import NameIndex
from umkm_kg.synth import SynthFormat, synthesize

_PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX umkm: <https://w3id.org/umkm-kg/ontology#>
"""


def _registry(enterprises: int) -> ox.Store:
    out = io.StringIO()
    synthesize(out, SynthFormat.NQUADS, enterprises=enterprises, seed=4)
    store = ox.Store()
    store.load(out.getvalue().encode(), ox.RdfFormat.N_QUADS)
    return store


def _objects(store: ox.Store, iri: str, predicate: str) -> list[str]:
    quads = store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None)
    return sorted(q.object.value for q in quads)  # type: ignore[union-attr]


def test_looked_up_names_find_what_the_scan_finds_in_a_registry() -> None:
    store = _registry(3000)
    index = NameIndex.of_store(store)
    names = KnownNames.of({}, index)
    same_name, same_id = index.iris[123], index.iris[456]
    places = " , ".join(f"<{p}>" for p in _objects(store, same_name, "https://schema.org/location"))
    [nib] = _objects(store, same_id, "https://schema.org/identifier")
    shown = index.shown[123]
    batch = Graph().parse(
        data=_PREFIXES
        + f"""<https://example.org/copy> a umkm:Enterprise ;
            schema:name "  {shown.upper().replace(" ", "   ")} " ; schema:location {places} .
        <https://example.org/same-nib> a umkm:Enterprise ; schema:name "Toko Baru Sekali" ;
            schema:identifier "{nib}" .
        <https://example.org/elsewhere> a umkm:Enterprise ; schema:name "{shown}" .
        <{index.iris[7]}> a umkm:Enterprise ; schema:name "Toko Lain" .""",
        format="turtle",
    )
    scanned = find_duplicates(batch, [store])
    looked_up = find_duplicates(batch, [store], names=names)
    assert looked_up == scanned
    assert any(f"repeats the enterprise <{same_name}>" in m for m in looked_up), looked_up
    assert any(f"already used by <{same_id}>" in m for m in looked_up), looked_up
    assert any(f"<{index.iris[7]}> already exists" in m for m in looked_up), looked_up
    # the same name without the places is another enterprise
    assert not any("<https://example.org/elsewhere>" in m for m in looked_up), looked_up


def test_a_name_with_nothing_to_index_is_still_compared() -> None:
    store = ox.Store()
    store.load(
        (_PREFIXES + '<https://example.org/a> a umkm:Enterprise ; schema:name "-" .').encode(),
        ox.RdfFormat.TURTLE,
    )
    index = NameIndex.of_store(store)
    assert index.names == []  # "-" has no words: not in the index
    names = KnownNames.of({}, index)
    batch = Graph().parse(
        data=_PREFIXES + '<https://example.org/b> a umkm:Enterprise ; schema:name "-" .',
        format="turtle",
    )
    [message] = find_duplicates(batch, [store], names=names)
    assert "repeats the enterprise <https://example.org/a>" in message


def test_names_read_before_another_add_are_read_again(data_dir: Path) -> None:
    records = RecordsStore(data_dir)
    first = _PREFIXES + '<https://example.org/a> a umkm:Enterprise ; schema:name "Toko Satu" .'
    records.add(Graph().parse(data=first, format="turtle"), "a.ttl", None)
    _, names = records.name_index()
    assert names.enterprises("toko satu") == ["https://example.org/a"]
    # another writer adds an enterprise after these names were read
    second = _PREFIXES + '<https://example.org/b> a umkm:Enterprise ; schema:name "Toko Dua" .'
    records.add(Graph().parse(data=second, format="turtle"), "b.ttl", None)
    assert names.enterprises("toko dua") == []
    again = _PREFIXES + '<https://example.org/c> a umkm:Enterprise ; schema:name "TOKO  DUA" .'
    before = records.graph_sizes()
    with pytest.raises(
        DuplicateRecord, match=re.escape("repeats the enterprise <https://example.org/b>")
    ):
        records.add(Graph().parse(data=again, format="turtle"), "c.ttl", None, names=names)
    assert records.graph_sizes() == before


def test_a_batch_checked_before_another_add_is_checked_again_under_the_lock(
    data_dir: Path,
) -> None:
    records = RecordsStore(data_dir)
    first = _PREFIXES + '<https://example.org/a> a umkm:Enterprise ; schema:name "Toko Satu" .'
    records.add(Graph().parse(data=first, format="turtle"), "a.ttl", None)
    known, graphs = records.snapshot()
    _, names = records.name_index((known, graphs))
    again = _PREFIXES + '<https://example.org/c> a umkm:Enterprise ; schema:name "TOKO  DUA" .'
    batch = Graph().parse(data=again, format="turtle")
    find_duplicates(batch, [known], names=names)  # nothing yet: the caller's check passes
    # another writer adds the same enterprise between the caller's check and its write
    second = _PREFIXES + '<https://example.org/b> a umkm:Enterprise ; schema:name "Toko Dua" .'
    records.add(Graph().parse(data=second, format="turtle"), "b.ttl", None)
    before = records.graph_sizes()
    with pytest.raises(
        DuplicateRecord, match=re.escape("repeats the enterprise <https://example.org/b>")
    ):
        records.add(batch, "c.ttl", None, names=names, checked=True)
    assert records.graph_sizes() == before


def test_name_matches_are_those_of_token_sort_ratio_over_the_candidates() -> None:
    from rapidfuzz import fuzz

    from umkm_kg.records.similar import THRESHOLD, name_key

    store = _registry(3000)
    index = NameIndex.of_store(store)
    # names near the registry's: its own, respelt, and words dropped or swapped
    probes = [index.shown[i] for i in range(0, 3000, 37)]
    probes += [n.upper().replace("a", "e", 1) for n in probes]
    probes += [" ".join(reversed(n.split()[1:])) for n in probes]
    found = 0
    for probe in probes:
        key = name_key(probe)
        expected = []
        for at in index.candidates(probe):
            score = fuzz.token_sort_ratio(key, index.names[at])
            digits = [w for w in index.names[at].split() if w.isdigit()]
            if score >= THRESHOLD and digits == [w for w in key.split() if w.isdigit()]:
                expected.append((at, float(score)))
        expected.sort(key=lambda item: (-item[1], item[0]))
        assert list(index.matches(probe)) == expected, probe
        found += len(expected)
    assert found > len(probes) / 3  # most probes match something: the check compared matches


def test_an_index_built_in_one_loop_is_the_one_built_name_by_name() -> None:
    index = NameIndex.of_store(_registry(500))
    rows = [*zip(index.iris, index.shown, index.names, strict=True), ("x", "-", "")]
    one_loop = NameIndex()
    one_loop.extend(rows)
    assert one_loop == index and len(index.names) == 500
