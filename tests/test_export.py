"""Dumps: every format round-trips to the same graph, through rdflib and through an independent
parser (pyoxigraph; pyld for JSON-LD), and the same graph always gives the same bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from umkm_kg.formats import RdfFormat
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import ARTICLE_GRAPH, ONTOLOGY_GRAPH, RECORDS_GRAPH_PREFIX
from umkm_kg.publish.export import (
    SHAPES_GRAPH,
    GraphSelection,
    collect,
    export,
    jsonld_context,
    serialize,
    union,
    with_provenance,
)
from umkm_kg.store import EmbeddedStore

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "export-sample.ttl"
SAMPLE_ONTOLOGY = DATA / "export-ontology.ttl"
SAMPLE_SHAPES = DATA / "export-shapes.ttl"
SAMPLE_RECORDS = DATA / "export-records.ttl"
RECORDS_GRAPH = RECORDS_GRAPH_PREFIX + "batch-1"


def sample_kg() -> KnowledgeGraph:
    """A knowledge graph of the small export sample: ontology, article and one records batch."""
    store = EmbeddedStore()
    store.load_file(SAMPLE_ONTOLOGY, str(ONTOLOGY_GRAPH))
    store.load_file(SAMPLE, str(ARTICLE_GRAPH))
    store.load_file(SAMPLE_RECORDS, RECORDS_GRAPH)
    return KnowledgeGraph(store)


@pytest.fixture
def kg() -> KnowledgeGraph:
    return sample_kg()


def _dump(kg: KnowledgeGraph, fmt: RdfFormat, graphs: GraphSelection = GraphSelection.ALL) -> bytes:
    return export(kg, fmt, graphs, with_ontology=True, with_shapes=True, shapes=SAMPLE_SHAPES)


def _source(kg: KnowledgeGraph, fmt: RdfFormat) -> ox.Dataset:
    """What a dump in ``fmt`` must hold: the dataset, or for triple formats the graphs' union."""
    dataset = collect(
        kg, GraphSelection.ALL, with_ontology=True, with_shapes=True, shapes=SAMPLE_SHAPES
    )
    return with_provenance(dataset) if fmt.is_quads else union(dataset)


def _canonical(dataset: ox.Dataset) -> ox.Dataset:
    copy = ox.Dataset(dataset)
    copy.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return copy


def _oxigraph_format(fmt: RdfFormat) -> ox.RdfFormat:
    fmt_ox = ox.RdfFormat.from_media_type(fmt.media_type)
    assert fmt_ox is not None
    return fmt_ox


def _rdflib_dataset(data: bytes, fmt: RdfFormat) -> Dataset:
    ds = Dataset()
    ds.parse(data=data, format=fmt.rdflib_name)
    return ds


def _same_rdflib_dataset(left: Dataset, right: Dataset) -> None:
    def graphs(ds: Dataset) -> dict[str, Graph]:
        out: dict[str, Graph] = {}
        for g in ds.graphs():
            if len(g):
                out[str(g.identifier)] = g
        return out

    lg, rg = graphs(left), graphs(right)
    assert sorted(lg) == sorted(rg)
    for name in lg:
        assert isomorphic(lg[name], rg[name]), name


@pytest.mark.parametrize("fmt", list(RdfFormat), ids=lambda f: f.key)
def test_every_format_round_trips_through_pyoxigraph(kg: KnowledgeGraph, fmt: RdfFormat) -> None:
    parsed = ox.Dataset(ox.parse(_dump(kg, fmt), format=_oxigraph_format(fmt)))
    assert _canonical(parsed) == _canonical(_source(kg, fmt))


@pytest.mark.parametrize("fmt", list(RdfFormat), ids=lambda f: f.key)
def test_every_format_round_trips_through_rdflib(kg: KnowledgeGraph, fmt: RdfFormat) -> None:
    # rdflib normalises literals as it parses; read the source through rdflib as well.
    expected = str(_source(kg, fmt)).encode("utf-8")
    _same_rdflib_dataset(
        _rdflib_dataset(_dump(kg, fmt), fmt), _rdflib_dataset(expected, RdfFormat.NQUADS)
    )


def test_jsonld_round_trips_through_pyld(kg: KnowledgeGraph) -> None:
    pyld = pytest.importorskip("pyld.jsonld")
    document = json.loads(_dump(kg, RdfFormat.JSONLD))
    nquads = pyld.to_rdf(document, {"format": "application/n-quads"})
    # pyld rewrites every xsd:double in canonical form ("0.8" becomes "8.0E-1"), so compare
    # through rdflib, which normalises literals on both sides.
    expected = str(_source(kg, RdfFormat.JSONLD)).encode("utf-8")
    _same_rdflib_dataset(
        _rdflib_dataset(nquads.encode("utf-8"), RdfFormat.NQUADS),
        _rdflib_dataset(expected, RdfFormat.NQUADS),
    )


def test_jsonld_is_compacted_with_the_project_context(kg: KnowledgeGraph) -> None:
    document = json.loads(_dump(kg, RdfFormat.JSONLD))
    assert document["@context"] == jsonld_context()["@context"]
    ids = [node["@id"] for node in document["@graph"]]
    assert "kg:toko-contoh" in ids
    context = document["@context"]

    def expanded(node_id: str) -> str:
        prefix, _, local = node_id.partition(":")
        namespace = context.get(prefix)
        return namespace + local if isinstance(namespace, str) and local else node_id

    # sorted by subject, as N-Triples terms: <IRI>s, then _:blank nodes
    terms = [i if i.startswith("_:") else f"<{expanded(i)}>" for i in ids]
    assert terms == sorted(terms)
    assert len(set(ids)) == len(ids)


def test_jsonld_dump_has_one_node_object_per_line(kg: KnowledgeGraph) -> None:
    lines = _dump(kg, RdfFormat.JSONLD).decode("utf-8").splitlines()
    start = lines.index('  "@graph": [')
    nodes = [json.loads(line.strip().removesuffix(",")) for line in lines[start + 1 : -2]]
    assert nodes == json.loads("\n".join(lines))["@graph"]
    assert lines[-2:] == ["  ]", "}"]


@pytest.mark.parametrize("fmt", list(RdfFormat), ids=lambda f: f.key)
@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [("007", "integer"), ("1", "decimal"), ("1.", "decimal"), ("0.8", "double"), ("1", "boolean")],
)
def test_literals_keep_their_lexical_form(fmt: RdfFormat, lexical: str, datatype: str) -> None:
    # The embedded store writes numbers in canonical form, but a dataset built otherwise may
    # not: rdflib would write "0.8"^^xsd:double as 8e-01 in Turtle, "007" as 7 in JSON-LD.
    literal = ox.Literal(
        lexical, datatype=ox.NamedNode(f"http://www.w3.org/2001/XMLSchema#{datatype}")
    )
    quad = ox.Quad(
        ox.NamedNode("https://w3id.org/umkm-kg/id/x"),
        ox.NamedNode("https://w3id.org/umkm-kg/ontology#value"),
        literal,
        ox.NamedNode(str(ARTICLE_GRAPH)),
    )
    dump = serialize(ox.Dataset([quad]), fmt)
    parsed = ox.parse(dump, format=_oxigraph_format(fmt))
    assert [q.object for q in parsed if q.subject == quad.subject] == [literal]


@pytest.mark.parametrize("fmt", list(RdfFormat), ids=lambda f: f.key)
def test_the_same_graph_gives_the_same_bytes(kg: KnowledgeGraph, fmt: RdfFormat) -> None:
    assert _dump(kg, fmt) == _dump(sample_kg(), fmt)


_FRESH = """
import sys
sys.path.insert(0, {tests!r})
from test_export import _dump, sample_kg
from umkm_kg.formats import RdfFormat
kg = sample_kg()
for fmt in RdfFormat:
    sys.stdout.buffer.write(_dump(kg, fmt).hex().encode() + b"\\n")
"""


def test_a_fresh_process_gives_the_same_bytes(kg: KnowledgeGraph) -> None:
    code = _FRESH.format(tests=str(Path(__file__).parent))
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, env=env, check=True, timeout=120
        )
        outputs.append(done.stdout.split())
    here = [_dump(kg, fmt).hex().encode() for fmt in RdfFormat]
    assert outputs[0] == outputs[1] == here


@pytest.mark.parametrize("fmt", [RdfFormat.NQUADS, RdfFormat.TRIG], ids=lambda f: f.key)
def test_quads_keep_the_named_graphs_and_their_provenance(
    kg: KnowledgeGraph, fmt: RdfFormat
) -> None:
    parsed = ox.Dataset(ox.parse(_dump(kg, fmt), format=_oxigraph_format(fmt)))
    names = {q.graph_name.value for q in parsed if isinstance(q.graph_name, ox.NamedNode)}
    assert names == {str(ONTOLOGY_GRAPH), str(ARTICLE_GRAPH), RECORDS_GRAPH, str(SHAPES_GRAPH)}
    # each graph is described in the default graph; the article graph names its source
    article = ox.NamedNode(str(ARTICLE_GRAPH))
    about = {
        (q.predicate.value, q.object.value)
        for q in parsed.quads_for_subject(article)
        if isinstance(q.graph_name, ox.DefaultGraph)
    }
    assert (
        "http://www.w3.org/ns/prov#hadPrimarySource",
        "https://w3id.org/umkm-kg/id/article",
    ) in about
    assert ("http://rdfs.org/ns/void#triples", "83") in about


def test_graph_selection(kg: KnowledgeGraph) -> None:
    def graphs(selection: GraphSelection, **kw: bool) -> set[str]:
        dump = export(kg, RdfFormat.NQUADS, selection, shapes=SAMPLE_SHAPES, **kw)
        return {
            q.graph_name.value
            for q in ox.parse(dump, format=ox.RdfFormat.N_QUADS)
            if isinstance(q.graph_name, ox.NamedNode)
        }

    assert graphs(GraphSelection.ARTICLE) == {str(ARTICLE_GRAPH)}
    assert graphs(GraphSelection.RECORDS) == {RECORDS_GRAPH}
    assert graphs(GraphSelection.ALL) == {str(ARTICLE_GRAPH), RECORDS_GRAPH}
    assert graphs(GraphSelection.ARTICLE, with_ontology=True, with_shapes=True) == {
        str(ARTICLE_GRAPH),
        str(ONTOLOGY_GRAPH),
        str(SHAPES_GRAPH),
    }


def test_ntriples_lines_are_sorted_and_unique(kg: KnowledgeGraph) -> None:
    lines = _dump(kg, RdfFormat.NTRIPLES).decode().splitlines()
    assert lines == sorted(set(lines))
    assert all(line.startswith("_:c14n") or line.startswith("<") for line in lines)


def test_jsonld_context_comes_from_the_context_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from umkm_kg import resources
    from umkm_kg.errors import BadInput
    from umkm_kg.namespaces import PREFIXES

    missing = tmp_path / "context.jsonld"
    monkeypatch.setattr(resources, "JSONLD_CONTEXT", missing)
    assert jsonld_context() == {"@context": PREFIXES}  # made from the prefixes
    missing.write_text(json.dumps({"@context": {"kg": "https://w3id.org/umkm-kg/id/"}}))
    assert jsonld_context() == {"@context": {"kg": "https://w3id.org/umkm-kg/id/"}}
    missing.write_text("[1, 2]")
    with pytest.raises(BadInput, match="@context"):
        jsonld_context()
