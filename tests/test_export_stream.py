"""Streamed dumps: a store of generated records with blank nodes in the ontology graph, sorted
runs on disk, and the Turtle writer's nesting of blank nodes."""

from __future__ import annotations

import io
import random

import pyoxigraph as ox
import pytest

from umkm_kg.errors import BadInput
from umkm_kg.formats import RdfFormat
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import KG, ONTOLOGY_GRAPH, RECORDS_GRAPH_PREFIX, SCHEMA, UMKM
from umkm_kg.publish import linesort
from umkm_kg.publish.export import STREAMED, GraphSelection, collect, serialize, write_export
from umkm_kg.publish.linesort import GraphSorter, LineSorter
from umkm_kg.store import EmbeddedStore

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ONTOLOGY = f"""
@prefix owl: <{OWL}> . @prefix rdfs: <{RDFS}> . @prefix umkm: <{UMKM}> .
@prefix schema: <{SCHEMA}> .
umkm:Enterprise a owl:Class ; rdfs:subClassOf schema:Organization ,
    [ a owl:Restriction ; owl:onProperty umkm:owner ; owl:minCardinality 1 ] .
umkm:Size a owl:Class ; owl:oneOf ( umkm:small umkm:large ) .
[] a owl:AllDifferent ; owl:distinctMembers ( umkm:small umkm:large ) .
[] a owl:AllDifferent ; owl:distinctMembers ( umkm:a umkm:b ) .
umkm:shared rdfs:seeAlso _:twice . umkm:other rdfs:seeAlso _:twice .
_:twice rdfs:label "used twice" .
_:loop1 rdfs:seeAlso _:loop2 . _:loop2 rdfs:seeAlso _:loop1 .
umkm:query rdfs:comment "SELECT *\\nWHERE {{ ?s ?p \\"_:x\\" }}\\n" .
"""


def _records(count: int) -> list[ox.Quad]:
    """``count`` skolemised enterprise records (no blank nodes), in two batches."""
    rng = random.Random(7)
    quads = []
    for i in range(count):
        graph = ox.NamedNode(RECORDS_GRAPH_PREFIX + ("batch-a" if i % 3 else "batch-b"))
        e = ox.NamedNode(f"{KG}enterprise-{i}")
        p = ox.NamedNode(f"{KG}product-{i}")
        for s, pred, o in [
            (e, f"{RDF}type", ox.NamedNode(f"{UMKM}Enterprise")),
            (e, f"{SCHEMA}name", ox.Literal(f"Usaha {i} \t_:not-a-blank-node")),
            (e, f"{RDFS}label", ox.Literal(f"Usaha {i}", language="id")),
            (e, f"{RDFS}comment", ox.Literal(f"Catatan {i}\nbaris dua", language="en")),
            (e, f"{UMKM}hasProduct", p),
            (
                e,
                f"{UMKM}paragraph",
                ox.Literal(str(rng.randint(0, 99)), datatype=ox.NamedNode(f"{XSD}integer")),
            ),
            (p, f"{SCHEMA}name", ox.Literal(f"Produk {i}\nbaris dua")),
        ]:
            quads.append(ox.Quad(s, ox.NamedNode(pred), o, graph))
    # the same triple in both batches: the union writes it once
    shared = ox.Quad(e, ox.NamedNode(f"{SCHEMA}name"), ox.Literal("in both"), graph)
    other = RECORDS_GRAPH_PREFIX + ("batch-b" if graph.value.endswith("a") else "batch-a")
    quads += [shared, ox.Quad(shared.subject, shared.predicate, shared.object, ox.NamedNode(other))]
    return quads


def _store_kg(count: int = 200) -> KnowledgeGraph:
    store = EmbeddedStore()
    quads = _records(count)
    random.Random(1).shuffle(quads)  # insertion order must not matter
    store.oxigraph.extend(quads)
    store.oxigraph.load(
        ONTOLOGY.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH))
    )
    return KnowledgeGraph(store)


def _dump(kg: KnowledgeGraph, fmt: RdfFormat, run_bytes: int = 1 << 26) -> bytes:
    out = io.BytesIO()
    write_export(kg, fmt, out, GraphSelection.ALL, with_ontology=True, run_bytes=run_bytes)
    return out.getvalue()


def _canonical(data: bytes, fmt: RdfFormat) -> ox.Dataset:
    parsed = ox.Dataset(ox.parse(data, format=ox.RdfFormat.from_media_type(fmt.media_type)))
    parsed.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return parsed


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return _store_kg()


@pytest.mark.parametrize("fmt", sorted(STREAMED, key=str), ids=lambda f: f.key)
def test_streamed_dump_is_the_dump_of_the_whole_dataset(kg: KnowledgeGraph, fmt: RdfFormat) -> None:
    # The store path canonicalises only the blank-node quads; the dataset path all of them.
    whole = serialize(collect(kg, GraphSelection.ALL, with_ontology=True), fmt)
    assert _dump(kg, fmt) == whole


@pytest.mark.parametrize("fmt", sorted(STREAMED, key=str), ids=lambda f: f.key)
def test_many_sorted_runs_give_the_same_bytes(kg: KnowledgeGraph, fmt: RdfFormat) -> None:
    assert _dump(kg, fmt, run_bytes=2048) == _dump(kg, fmt)


@pytest.mark.parametrize("fmt", sorted(STREAMED, key=str), ids=lambda f: f.key)
def test_streamed_dump_round_trips(kg: KnowledgeGraph, fmt: RdfFormat) -> None:
    dataset = collect(kg, GraphSelection.ALL, with_ontology=True)
    if fmt.is_quads:
        expected = ox.Dataset(
            q
            for q in _canonical(_dump(kg, fmt), fmt)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )
        source = ox.Dataset(dataset)
    else:
        expected = _canonical(_dump(kg, fmt), fmt)
        source = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in dataset)
    source.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    expected.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert expected == source


def test_insertion_order_does_not_change_the_bytes(kg: KnowledgeGraph) -> None:
    other = EmbeddedStore()
    other.oxigraph.extend(reversed(list(kg.store.oxigraph)))  # type: ignore[attr-defined]
    for fmt in STREAMED:
        assert _dump(KnowledgeGraph(other), fmt) == _dump(kg, fmt), fmt


def test_ntriples_hold_the_union_once(kg: KnowledgeGraph) -> None:
    lines = _dump(kg, RdfFormat.NTRIPLES).decode().splitlines()
    assert lines == sorted(set(lines))
    assert sum('"in both"' in line for line in lines) == 1
    assert any("_:not-a-blank-node" in line for line in lines)  # a literal, left in the stream


def test_turtle_nests_blank_nodes_used_once(kg: KnowledgeGraph) -> None:
    text = _dump(kg, RdfFormat.TURTLE).decode()
    assert "owl:oneOf ( umkm:small umkm:large ) ;" in text
    assert (
        "owl:onProperty umkm:owner ;" in text
        and "        [\n            a owl:Restriction ;" in text
    )
    assert "rdfs:seeAlso _:c14n" in text  # used twice: keeps its label
    assert '"""SELECT *\nWHERE { ?s ?p \\"_:x\\" }\n"""' in text
    assert "umkm:paragraph " in text and '"^^xsd:integer' not in text


def test_turtle_writes_literals_as_they_are_unless_they_break_lines(kg: KnowledgeGraph) -> None:
    text = _dump(kg, RdfFormat.TURTLE).decode()
    assert '    rdfs:label "Usaha 7"@id ;\n' in text
    assert '    rdfs:comment """Catatan 7\nbaris dua"""@en ;\n' in text
    assert '    schema:name """Produk 7\nbaris dua""" ;\n' in text


def test_trig_keeps_a_blank_node_shared_by_two_graphs_labelled() -> None:
    store = EmbeddedStore()
    node = ox.BlankNode("shared")
    store.oxigraph.extend(
        [
            ox.Quad(
                ox.NamedNode(f"{KG}a"),
                ox.NamedNode(f"{RDFS}seeAlso"),
                node,
                ox.NamedNode(str(ONTOLOGY_GRAPH)),
            ),
            ox.Quad(
                node,
                ox.NamedNode(f"{RDFS}label"),
                ox.Literal("x"),
                ox.NamedNode(RECORDS_GRAPH_PREFIX + "b"),
            ),
        ]
    )
    kg = KnowledgeGraph(store)
    data = _dump(kg, RdfFormat.TRIG)
    assert b"[" not in data
    parsed = ox.Dataset(ox.parse(data, format=ox.RdfFormat.TRIG))
    blanks = {q.object for q in parsed if isinstance(q.object, ox.BlankNode)}
    assert blanks == {q.subject for q in parsed if isinstance(q.subject, ox.BlankNode)}
    assert len(blanks) == 1


def test_line_sorter_merges_runs_and_drops_duplicates(tmp_path: object) -> None:
    rng = random.Random(3)
    lines = [f'<s{rng.randint(0, 500)}> <p> "{rng.random()}" .\n'.encode() for _ in range(2000)]
    lines += lines[:300]
    with LineSorter(run_bytes=4096) as sorter:
        for start in range(0, len(lines), 37):
            sorter.add(b"".join(lines[start : start + 37]))
        out = io.BytesIO()
        sorter.write_to(out)
        assert sorter.runs > 10
    assert out.getvalue() == b"".join(sorted(set(lines)))


def test_merge_in_small_parts_keeps_order_and_drops_repeats_across_parts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # parts of a line or two: runs' repeats of a line fall on both sides of a block's bound
    monkeypatch.setattr(linesort, "_MERGE_BYTES", 400)
    rng = random.Random(5)
    pairs = [(rng.randint(0, 60), rng.randint(0, 3)) for _ in range(3000)]
    lines = [f"<s{s}> <p> <o{o}> .\n".encode() for s, o in pairs]
    with LineSorter(run_bytes=1024) as sorter:
        for start in range(0, len(lines), 29):
            sorter.add(b"".join(lines[start : start + 29]))
        assert sorter.runs > 20
        expected = sorted(set(lines))
        assert list(sorter.lines()) == expected
        assert b"".join(sorter.blocks(lines=7)) == b"".join(expected)
        out = io.BytesIO()
        sorter.write_to(out)
    assert out.getvalue() == b"".join(expected)


@pytest.mark.parametrize("run_bytes", [1024, 1 << 20], ids=["runs-on-disk", "in-memory"])
def test_runs_and_output_written_a_few_lines_at_a_time_hold_every_line(
    monkeypatch: pytest.MonkeyPatch, run_bytes: int
) -> None:
    monkeypatch.setattr(linesort, "_WRITE_LINES", 7)  # runs and output in many joined writes
    rng = random.Random(7)
    lines = [f"<s{rng.randint(0, 400)}> <p> {i} .\n".encode() for i in range(1000)]
    with LineSorter(run_bytes=run_bytes) as sorter:
        sorter.add(b"".join(lines))
        out = io.BytesIO()
        sorter.write_to(out)
    assert out.getvalue() == b"".join(sorted(lines))


@pytest.mark.parametrize("run_bytes", [300, 1 << 20], ids=["runs-on-disk", "in-memory"])
def test_graph_sorter_gives_each_graph_its_lines_sorted_and_once(run_bytes: int) -> None:
    rng = random.Random(5)
    graphs = {
        name: [f'<{KG}s{rng.randint(0, 60)}> <p> "x\\n{i}" .\n'.encode() for i in range(80)]
        for name in ["g1", "g2", "g3", "empty"]
    }
    graphs["empty"] = []
    with GraphSorter(run_bytes=run_bytes) as sorter:
        for name, lines in graphs.items():
            sorter.start(name)
            lines = lines + lines[:10]  # duplicates, dropped
            for start in range(0, len(lines), 7):
                sorter.add(b"".join(lines[start : start + 7]))
        with pytest.raises(ValueError, match="given twice"):
            sorter.start("g1")
        assert sorter.graphs() == list(graphs)
        for _ in range(2):  # read again, in another order
            for name in reversed(list(graphs)):
                got = list(sorter.blocks(name, size=64))
                assert b"".join(got) == b"".join(sorted(set(graphs[name]))), name
                assert all(block.endswith(b"\n") for block in got)
        assert list(sorter.blocks("not given")) == []


@pytest.mark.parametrize("run_bytes", [2048, 1 << 26], ids=["runs-on-disk", "in-memory"])
def test_one_read_for_every_format_gives_each_format_s_bytes(
    kg: KnowledgeGraph, run_bytes: int
) -> None:
    from contextlib import contextmanager

    from umkm_kg.publish.export import write_exports

    written: dict[RdfFormat, io.BytesIO] = {}

    @contextmanager
    def target(fmt: RdfFormat):  # type: ignore[no-untyped-def]
        written[fmt] = io.BytesIO()
        yield written[fmt]

    formats = list(RdfFormat)
    write_exports(kg, formats, target, GraphSelection.ALL, with_ontology=True, run_bytes=run_bytes)
    assert list(written) == formats
    for fmt in formats:
        assert written[fmt].getvalue() == _dump(kg, fmt), fmt


def test_line_sorter_reads_its_lines_again_and_takes_more() -> None:
    lines = [f"<s{i % 97}> <p> {i} .\n".encode() for i in range(500)]
    for run_bytes in (512, 1 << 20):
        with LineSorter(run_bytes=run_bytes) as sorter:
            sorter.add(b"".join(lines[:300]))
            assert list(sorter.lines()) == sorted(set(lines[:300]))
            assert list(sorter.lines()) == sorted(set(lines[:300]))
            sorter.add(b"".join(lines[250:]))
            assert b"".join(sorter.blocks(lines=7)) == b"".join(sorted(set(lines)))


def test_rdfxml_declares_other_namespaces_and_escapes_what_xml_needs() -> None:
    from umkm_kg.publish.export import serialize

    odd = ox.NamedNode("http://example.org/a?x=1&y='2'")
    quads = [
        ox.Quad(odd, ox.NamedNode("http://example.org/v/size"), ox.Literal("<3 & \r")),
        ox.Quad(odd, ox.NamedNode("http://other.example/terms#kind"), ox.NamedNode(f"{KG}x")),
        ox.Quad(ox.BlankNode("b"), ox.NamedNode(f"{SCHEMA}name"), ox.Literal("b", language="id")),
    ]
    data = serialize(ox.Dataset(quads), RdfFormat.RDFXML)
    text = data.decode()
    assert 'xmlns:ns1="http://example.org/v/"' in text
    assert 'xmlns:ns2="http://other.example/terms#"' in text
    assert "<ns1:size>&lt;3 &amp; &#13;</ns1:size>" in text
    parsed = ox.Dataset(ox.parse(data, format=ox.RdfFormat.RDF_XML))
    expected = ox.Dataset(quads)
    for d in (parsed, expected):
        d.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert parsed == expected
    name = ox.NamedNode(f"{SCHEMA}name")
    with pytest.raises(BadInput, match=r"characters XML 1\.0 cannot carry"):
        serialize(ox.Dataset([ox.Quad(odd, name, ox.Literal("\x01"))]), RdfFormat.RDFXML)
    with pytest.raises(BadInput, match=r"cannot be written as an RDF/XML element name"):
        serialize(ox.Dataset([ox.Quad(odd, odd, ox.Literal("x"))]), RdfFormat.RDFXML)
