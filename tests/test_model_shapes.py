"""SHACL: the bundled data conforms, broken records fail for the expected reason."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH

from conftest_model import DATA, INVALID_DIR, ONTOLOGY, SHAPES, merged, parse, validate
from umkm_kg.namespaces import KG, SHAPES_NS, UMKM

INVALID_FILES = sorted(INVALID_DIR.glob("*.ttl"))

# A record as agency staff would submit it, not taken from the article: names in id and en,
# an owner, products with categories, export destinations, a location, a PP 7/2021 size class
# and a source that is a form, not the article.
NEW_RECORD = """
PREFIX umkm: <https://w3id.org/umkm-kg/ontology#>
PREFIX kg: <https://w3id.org/umkm-kg/id/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>

kg:enterprise-anyaman-sari a umkm:Enterprise ;
    rdfs:label "Anyaman Sari"@id , "Anyaman Sari"@en ;
    schema:name "Anyaman Sari" ;
    umkm:owner kg:person-sari ;
    umkm:hasProduct kg:product-anyaman-sari-tas ;
    umkm:sizeClass kg:size-2021-mikro ;
    schema:location kg:city-tangerang ;
    dct:source "Formulir pendaftaran UMKM Dinas, 2026" .

kg:person-sari a schema:Person ;
    rdfs:label "ibu Sari"@id , "Ibu Sari"@en ;
    dct:source "Formulir pendaftaran UMKM Dinas, 2026" .

kg:product-anyaman-sari-tas a schema:Product ;
    rdfs:label "Tas anyaman"@id , "Woven bags"@en ;
    umkm:productCategory kg:category-handicraft ;
    dct:source "Formulir pendaftaran UMKM Dinas, 2026" .

kg:export-anyaman-sari-dubai a umkm:ExportClaim ;
    rdfs:label "Klaim ekspor: Anyaman Sari ke Dubai"@id , "Export claim: Anyaman Sari to Dubai"@en ;
    umkm:exporter kg:enterprise-anyaman-sari ;
    umkm:exportedProduct kg:product-anyaman-sari-tas ;
    umkm:destination kg:city-dubai ;
    umkm:destinationAsWritten "Dubai" ;
    prov:wasAttributedTo kg:org-disperindagkop-tangerang ;
    prov:wasDerivedFrom <https://example.org/formulir/2026/0042> .
"""


def expectation(path: Path) -> tuple[str, str]:
    """The ``# expect:`` message substring and the ``# severity:`` (default Violation)."""
    header = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        header[key.strip()] = value.strip()
    assert "expect" in header, f"{path.name}: first line must be '# expect: <message substring>'"
    return header["expect"], header.get("severity", "Violation")


def refers_to_bundled_data(record: Graph) -> bool:
    """True when the record points at a resource described only in data/umkm.ttl."""
    described = set(parse(DATA).subjects())
    own = set(record.subjects())
    return any(o in described and o not in own for o in record.objects() if isinstance(o, URIRef))


def test_bundled_data_conforms_without_inference() -> None:
    start = time.perf_counter()
    conforms, results = validate(merged(DATA, ONTOLOGY))
    assert results == []
    assert conforms
    assert time.perf_counter() - start < 20, "validation must stay fast (seconds)"


def test_documented_command_conforms() -> None:
    """``pyshacl -s ontology/shapes.ttl -e ontology/umkm.ttl -i none data/umkm.ttl
    ontology/umkm.ttl``: ``-e`` alone copies only classes and properties, not the code lists."""
    conforms, results = validate(merged(DATA, ONTOLOGY), ont_graph=parse(ONTOLOGY))
    assert (conforms, results) == (True, [])


def test_data_alone_does_not_conform() -> None:
    """The code lists live in the ontology: validating without it must fail, not pass."""
    conforms, results = validate(parse(DATA))
    assert not conforms
    assert any(
        r.shape == str(SHAPES_NS["observation-size-class"]) or r.mentions("scheme") for r in results
    )


def test_new_agency_record_conforms() -> None:
    graph = merged(DATA, ONTOLOGY)
    graph.parse(data=NEW_RECORD, format="turtle")
    conforms, results = validate(graph)
    assert results == []
    assert conforms


def test_changed_2015_count_breaks_the_sum() -> None:
    graph = merged(DATA, ONTOLOGY)
    graph.set((KG["obs-2015-mikro"], UMKM.enterpriseCount, Literal(8133)))
    conforms, results = validate(graph)
    assert not conforms
    assert [(r.focus, r.mentions("do not sum to the total")) for r in results] == [
        (str(KG["obs-2015-total"]), True)
    ]


def test_there_are_broken_records_for_at_least_twelve_constraint_kinds() -> None:
    expected = {expectation(path)[0] for path in INVALID_FILES}
    assert len(INVALID_FILES) >= 12
    assert len(expected) == len(INVALID_FILES), "one constraint kind per file"


@pytest.mark.parametrize("path", INVALID_FILES, ids=[path.stem for path in INVALID_FILES])
def test_broken_record_fails_with_expected_message(path: Path) -> None:
    message, severity = expectation(path)
    record = parse(path)
    graph = merged(path, ONTOLOGY)
    if refers_to_bundled_data(record):
        graph += parse(DATA)
    conforms, results = validate(graph)
    assert not conforms
    assert results, "expected at least one validation result"
    for result in results:  # every result is the expected one: the file breaks one thing only
        assert result.mentions(message), result
        assert result.severity == severity, result
        assert len(result.messages) == 2, f"expected an id and an en message: {result}"


def test_every_class_used_in_the_data_has_a_node_shape() -> None:
    shapes = parse(SHAPES)
    targeted = set(shapes.objects(None, SH.targetClass))
    used = set(parse(DATA).objects(None, RDF.type))
    assert sorted(used - targeted) == []


CONSTRAINT_PARAMETERS = {
    SH[name]
    for name in (
        *("class", "datatype", "nodeKind", "minCount", "maxCount", "pattern", "languageIn"),
        *("minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "minLength"),
        *("maxLength", "uniqueLang", "in", "hasValue", "node", "not", "and", "or", "xone"),
        *("qualifiedValueShape", "equals", "disjoint", "lessThan", "closed", "select"),
    )
}


def test_every_constraint_has_a_message_in_id_and_en() -> None:
    """Shapes used only as operands (inside sh:or, sh:not, sh:qualifiedValueShape) report
    through the shape that uses them, so only the others need messages."""
    shapes = parse(SHAPES)
    operands = {o for s, p, o in shapes if p in (RDF.first, SH["not"], SH.qualifiedValueShape)}
    missing = []
    for shape in set(shapes.subjects()):
        if shape in operands or not any(
            p in CONSTRAINT_PARAMETERS for p in shapes.predicates(shape)
        ):
            continue
        languages = {m.language for m in shapes.objects(shape, SH.message)}
        if not {"id", "en"} <= languages:
            missing.append(shape)
    assert missing == []


def test_severities_are_chosen_on_purpose() -> None:
    shapes = parse(SHAPES)
    by_severity: dict[str, set[str]] = {}
    for shape, severity in shapes.subject_objects(SH.severity):
        by_severity.setdefault(str(severity).removeprefix(str(SH)), set()).add(
            str(shape).removeprefix(str(SHAPES_NS))
        )
    assert by_severity == {
        "Warning": {
            "country-geonames",
            "country-wikidata",
            "ProvenanceShape",
            "product-has-category",
        },
        "Info": {
            "enterprise-has-product",
            "export-destination-as-written-present",
            "export-attributed",
        },
    }


def test_sparql_constraints_use_the_declared_prefixes() -> None:
    shapes = parse(SHAPES)
    shapes_graph = URIRef(str(SHAPES_NS).rstrip("#"))
    declared = {str(shapes.value(d, SH.prefix)) for d in shapes.objects(shapes_graph, SH.declare)}
    constraints = list(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    # counts sum, destination resolves, market resolves, owner is a person, size class agrees
    assert len(constraints) == 5
    for constraint in constraints:
        assert shapes.value(constraint, SH.prefixes) == shapes_graph
        query = str(shapes.value(constraint, SH.select))
        used = set(re.findall(r"(?<![\w<])([A-Za-z][\w-]*):[A-Za-z]", query))
        assert used, query
        assert used <= declared, (constraint, used - declared)
