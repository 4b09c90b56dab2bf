"""Property-based fuzzing of the entry points that take untrusted input (hypothesis).

Each test draws inputs from a strategy that mixes valid pieces with hostile ones (deep nesting,
long runs, markup, formulas, triple terms, odd bytes) and checks the invariants every input
must keep: no traceback and no signal, only a documented error (exit code 1 or 2), time linear
in the input within a generous bound, and the store unchanged after a refusal.

The suite runs a bounded number of examples (the ``ci`` profile, about a minute in all);
``make fuzz`` runs the ``fuzz`` profile, with many more (``HYPOTHESIS_PROFILE=fuzz``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from umkm_kg.errors import BadInput, BadParameter, ForbiddenQuery, StoreError, UmkmError
from umkm_kg.formulas import is_formula
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.query.results import QueryForm
from umkm_kg.query.sparql import bind_values, inspect_query
from umkm_kg.records.rdfinput import RawInput, RecordFormat, parse_rdf

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=3_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

KG = "https://w3id.org/umkm-kg/id/"
SECONDS_PER_MB = 30.0
"""A generous bound on the time any input path may take per MB of input (plus one second)."""


def _bounded(started: float, size: int) -> None:
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0 + SECONDS_PER_MB * size / 1e6, f"{elapsed:.1f} s for {size} bytes"


def _repeated(pieces: list[str]) -> st.SearchStrategy[str]:
    """A piece repeated a few or many times (runs are what made parsers recurse or go slow)."""
    return st.builds(
        lambda piece, times: piece * times,
        st.sampled_from(pieces),
        st.one_of(st.integers(1, 5), st.sampled_from([64, 65, 500, 3_000])),
    )


HOSTILE_TEXT = [
    '=HYPERLINK("http://evil.example")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "[bold]x[/bold]",
    ":x:",
    "\x1b[2J",
    "\u202e",
    "\x00",
    '"',
    "\\",
    "\\u0041",
    "'",
    "<",
    "ibu ",
    "; ",
    "file:///etc/passwd",
    "javascript:alert(1)",
]
text_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE_TEXT),
    st.lists(st.sampled_from([*HOSTILE_TEXT, "Batik", "Malaysia", "MY"]), max_size=6).map("".join),
)


# --- the records reader, each RDF format ------------------------------------------------------

TURTLE_PIECES = [
    "PREFIX kg: <https://w3id.org/umkm-kg/id/>\n",
    "PREFIX schema: <https://schema.org/>\n",
    "kg:enterprise-a a <https://w3id.org/umkm-kg/ontology#Enterprise> ; ",
    'schema:name "A" . ',
    "kg:a schema:about [ schema:about ",
    "] . ",
    "( ",
    ") ",
    '<< kg:a schema:name "x" >> ',
    '<<( kg:a schema:name "x" )>> ',
    "{| schema:about kg:e |} ",
    '"x"^^<http://evil.example/dt> ',
    "<javascript:alert(1)> ",
    "<file:///etc/passwd> ",
    "_:b ",
    "@base <http://x.example/> . ",
    "<rel> ",
    "owl:imports ",
    "<http://www.w3.org/ns/shacl#NodeShape> ",
    'VERSION "1.2" ',
    '"""long\nstring""" ',
    "; ",
    ", ",
    ". ",
]
NT_PIECES = [
    '<https://w3id.org/umkm-kg/id/a> <https://schema.org/name> "A" .\n',
    "<https://w3id.org/umkm-kg/id/a> <https://schema.org/about> _:b1 .\n",
    '_:b1 <https://schema.org/name> "B"@id .\n',
    '<<( <https://w3id.org/umkm-kg/id/a> <https://schema.org/name> "x" )>> ',
    '"x"^^<http://evil.example/dt> ',
    "<https://w3id.org/umkm-kg/id/g> ",
    "<javascript:x> ",
    "\\u0000 ",
    ".\n",
]
JSON_PIECES = [
    '{"@context": "https://w3id.org/umkm-kg/context.jsonld", ',
    '"@id": "kg:enterprise-j", ',
    '"@type": "Enterprise", ',
    '"name": "J", ',
    '"@context": "https://schema.org/", ',
    '"@import": "http://evil.example/", ',
    '"@graph": [',
    '"@id": {"@id": "x"}, ',
    '"https://schema.org/about": {',
    "[",
    "]",
    "{",
    "}",
    '"\\"',
    ", ",
    '"x": 1',
]
XML_PIECES = [
    '<?xml version="1.0"?>',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:s="https://schema.org/">',
    '<rdf:Description rdf:about="https://w3id.org/umkm-kg/id/x">',
    "<s:name>x</s:name>",
    '<s:about rdf:parseType="Triple">',
    '<s:name rdf:annotation="https://w3id.org/umkm-kg/id/r">y</s:name>',
    '<s:about rdf:parseType="Resource">',
    "</s:about>",
    "</rdf:Description>",
    "</rdf:RDF>",
    '<!DOCTYPE x [<!ENTITY e "x">]>',
    "&e;",
    "<a>",
    "</a>",
]
PIECES = {
    RecordFormat.TURTLE: TURTLE_PIECES,
    RecordFormat.NTRIPLES: NT_PIECES,
    RecordFormat.NQUADS: NT_PIECES,
    RecordFormat.JSONLD: JSON_PIECES,
    RecordFormat.RDFXML: XML_PIECES,
}


def _documents(pieces: list[str]) -> st.SearchStrategy[bytes]:
    text = st.lists(
        st.one_of(st.sampled_from(pieces), _repeated(pieces), text_values), max_size=30
    ).map("".join)
    return st.one_of(text.map(lambda t: t.encode("utf-8")), st.binary(max_size=200))


@pytest.mark.parametrize("fmt", list(PIECES), ids=lambda f: f.value)
def test_records_reader_refuses_or_reads_every_input(fmt: RecordFormat) -> None:
    @given(_documents(PIECES[fmt]))
    def check(data: bytes) -> None:
        started = time.perf_counter()
        try:
            parsed = parse_rdf(RawInput(f"fuzz.{fmt.value}", data, fmt))
        except BadInput as exc:
            assert exc.exit_code == 2 and exc.message
        else:
            for _, _, o in parsed.graph:
                assert not isinstance(o, tuple)
        _bounded(started, len(data))

    check()


# --- the CSV mapper ----------------------------------------------------------------------------

CSV_HEADERS = [
    "nama",
    "pemilik",
    "produk",
    "produk_en",
    "tujuan_ekspor",
    "lokasi",
    "sumber",
    "kelurahan",
    "tahun_mulai",
    "tenaga_kerja",
    "modal_usaha",
    "omzet_tahunan",
]
csv_cells = st.one_of(
    text_values,
    st.sampled_from(["Batik", "Malaysia; SG", "ibu Sekar", "", "Kreo", "2015", "1,5 miliar"]),
    st.from_regex(r"(Rp ?)?[0-9]{1,4}([.,][0-9]{1,3}){0,3}( (juta|miliar|jt|rb))?", fullmatch=True),
)


def _csv(rows: list[list[str]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def bundled() -> KnowledgeGraph:
    return KnowledgeGraph.embedded()


def test_csv_mapper_reports_every_formula_and_never_crashes(
    bundled: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from umkm_kg.validation import read_batch, validate

    folder = tmp_path_factory.mktemp("csv")

    width = len(CSV_HEADERS)

    @given(st.lists(st.lists(csv_cells, min_size=width, max_size=width), min_size=1, max_size=4))
    @settings(max_examples=max(10, settings().max_examples // 3))
    def check(rows: list[list[str]]) -> None:
        data = _csv(rows)
        path = folder / "fuzz.csv"
        path.write_bytes(data)
        started = time.perf_counter()
        try:
            batch = read_batch([str(path)], bundled)
        except BadInput:
            return
        report = validate(batch, bundled)
        _bounded(started, len(data) * 20)  # a row becomes some fifty triples
        formulas = [o for _, _, o in batch.triples if isinstance(o, Literal) and is_formula(o)]
        if formulas:
            assert not report.conforms, formulas

    check()


# --- the SPARQL guard and the parameter binder -------------------------------------------------

SPARQL_PIECES = [
    "SELECT * WHERE { ",
    "ASK { ",
    "CONSTRUCT { ?s ?p ?o } WHERE { ",
    "?s ?p ?o . ",
    "?s <https://schema.org/name> ?o . ",
    "FILTER(",
    ") ",
    "{ ",
    "} ",
    "( ",
    "1 + ",
    "1 - ",
    "-1 ",
    "! ",
    "|| ",
    "&& ",
    "<https://schema.org/p>/",
    "<https://schema.org/p>|",
    "^<https://schema.org/p> ",
    "OPTIONAL { ?s ?p ?o } ",
    "UNION ",
    "VALUES ?x { 1 2 } ",
    "STR(",
    "SERVICE <http://evil.example/> { ",
    "INSERT DATA { <a> <b> <c> } ",
    "FROM <http://evil.example/> ",
    "<<( ?s ?p ?o )>> ",
    '"\\u0041" ',
    "# comment\n",
    "BIND(1 AS ?x) ",
    "?x IN (1, 2, ",
    "} ",
]


OPERATORS = ["+", "-", "*", "/", "||", "&&", "=", "!=", "<", ">=", ","]


@pytest.fixture(scope="module")
def accepted_queries() -> list[str]:
    return []


leaves = st.sampled_from(["1", "?o", "true", '"x"', "-1", "STRLEN(?o)"])
expressions = st.recursive(
    st.one_of(
        leaves,
        st.builds(  # long flat chains, on leaves only (a chain of chains runs out of memory)
            lambda unit, op, n: f" {op} ".join([unit] * n),
            leaves,
            st.sampled_from(["+", "-", "*", "/", "||", "&&", "=", "<", ","]),
            st.sampled_from([2, 50, 999, 1_001, 3_000]),
        ),
    ),
    lambda inner: st.one_of(
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(OPERATORS), inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a: f"!{a}", inner),
        st.builds(lambda a: f"STR({a})", inner),
    ),
    max_leaves=40,
)
steps = st.sampled_from(["<https://schema.org/p>", "^<https://schema.org/p>", "a"])
paths = st.recursive(
    st.one_of(
        steps, st.builds(lambda a, n: "/".join([a] * n), steps, st.sampled_from([2, 60, 65, 500]))
    ),
    lambda inner: st.one_of(
        st.builds(lambda a, op, b: f"{a}{op}{b}", inner, st.sampled_from(["/", "|"]), inner),
        st.builds(lambda a, q: f"({a}){q}", inner, st.sampled_from(["", "*", "+", "?"])),
    ),
    max_leaves=30,
)
structured_queries = st.one_of(
    expressions.map(lambda e: f"SELECT * WHERE {{ ?s ?p ?o FILTER({e}) }} LIMIT 1"),
    paths.map(lambda p: f"ASK {{ ?s {p} ?o }}"),
    st.builds(
        lambda opt, n: "ASK { ?s ?p ?o " + " ".join([opt] * n) + " }",
        st.sampled_from(["OPTIONAL { ?s ?p ?x }", "MINUS { ?s ?p 1 }", "UNION { ?s ?p ?o }"]),
        st.sampled_from([1, 20, 100, 101]),
    ),
)


def test_sparql_guard_refuses_or_passes_within_bounds(accepted_queries: list[str]) -> None:
    queries = st.one_of(
        st.lists(
            st.one_of(st.sampled_from(SPARQL_PIECES), _repeated(SPARQL_PIECES)), max_size=25
        ).map("".join),
        structured_queries,
    )

    @given(queries)
    def check(text: str) -> None:
        started = time.perf_counter()
        try:
            inspect_query(text)
        except (BadInput, ForbiddenQuery) as exc:
            assert exc.exit_code == 2
        else:
            accepted_queries.append(text)
        _bounded(started, len(text.encode()) * 20)  # rdflib's parser: ~1 ms per term

    check()


def test_queries_the_guard_passed_do_not_crash_the_engine(accepted_queries: list[str]) -> None:
    # Run in a subprocess: a query that crashed Oxigraph would take the test process with it.
    script = """
import json, sys
from umkm_kg.errors import UmkmError
from umkm_kg.kg import KnowledgeGraph
kg = KnowledgeGraph.embedded()
for text in json.load(sys.stdin):
    try:
        kg.query(text, timeout=2, max_rows=10)
    except UmkmError as exc:
        assert exc.exit_code in (2, 3), exc
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(accepted_queries),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert accepted_queries  # the strategy must reach the engine too


term_values = st.one_of(
    text_values.map(Literal),
    st.builds(Literal, text_values, lang=st.sampled_from(["id", "en", "en-US", "x-private"])),
    text_values.map(lambda t: URIRef("https://w3id.org/umkm-kg/id/" + t)),
    st.sampled_from(HOSTILE_TEXT).map(URIRef),
)


def test_parameter_binder_binds_exactly_the_value_or_refuses(bundled: KnowledgeGraph) -> None:
    saved = bundled.catalogue.get("enterprise-description")

    @given(term_values)
    def check(term: Any) -> None:
        try:
            bound = bind_values(saved.text, {"enterprise": term})
        except (BadParameter, ForbiddenQuery) as exc:
            assert exc.exit_code == 2
            return
        # bind_values parsed the result again and checked the block holds exactly this term
        assert inspect_query(bound).form is saved.form

    @given(text_values)
    def check_text(value: str) -> None:
        try:
            bundled.run("enterprise-description", {"enterprise": value}, max_rows=5)
        except UmkmError as exc:
            assert exc.exit_code == 2, exc

    check()
    check_text()


# --- the records store's files -----------------------------------------------------------------


@pytest.fixture(scope="module")
def store_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from umkm_kg.records import RecordsStore

    data = tmp_path_factory.mktemp("store")
    RecordsStore(data).open().close()
    return data / "store"


_META_KEYS = st.sampled_from(["graphs", "created", "change", "bundled", "unvalidated"])
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_META_KEYS, inner, max_size=4)
    ),
    max_leaves=8,
)
junk = st.one_of(
    st.binary(max_size=64),
    st.sampled_from(
        [b"g00000001", b"g00000001\n", b"g99999999", b"../etc", b"g0000001", b"\xff\xfe", b""]
    ),
    json_values.map(lambda v: json.dumps(v).encode()),
)


@pytest.mark.parametrize("target", ["CURRENT", "description"])
def test_store_reader_gives_store_error_on_damaged_files(
    target: str, store_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from umkm_kg.store import DiskStore

    current = (store_folder / "CURRENT").read_text(encoding="ascii").strip()
    name = "CURRENT" if target == "CURRENT" else f"{current}.json"

    @given(junk, st.booleans())
    @settings(max_examples=max(10, settings().max_examples // 2))
    def check(data: bytes, while_open: bool) -> None:
        folder = tmp_path_factory.mktemp("damaged") / "store"
        shutil.copytree(store_folder, folder)
        before = {p.name: p.stat().st_size for p in folder.rglob("*") if p.is_file()}
        opened = DiskStore(folder) if while_open else None
        (folder / name).write_bytes(data)
        try:
            store = opened or DiskStore(folder)
        except StoreError as exc:
            assert exc.exit_code == 2 and exc.message
        else:
            try:  # opened: then it must also answer (or say why not)
                store.query("ASK { ?s ?p ?o }", form=QueryForm.ASK)
                _ = store.generation.graphs
            except StoreError as exc:
                assert exc.message
            finally:
                store.close()
        after = {p.name: p.stat().st_size for p in folder.rglob("*") if p.is_file()}
        # reading wrote nothing but readers' lock files
        assert {k for k in after if k != name and not k.endswith(".lock")} <= set(before)
        shutil.rmtree(folder.parent)

    check()


@pytest.mark.parametrize(
    ("target", "data"),
    [
        ("CURRENT", b"\x80"),
        ("description", b"null"),
        ("description", b'{"graphs": null}'),
        ("description", b'{"graphs": " "}'),
        ("description", b'{"graphs": {"g": "many"}}'),
    ],
)
def test_what_the_store_fuzzer_found_gives_store_error(
    target: str, data: bytes, store_folder: Path, tmp_path: Path
) -> None:
    # Found by the fuzzer above: a non-ASCII CURRENT raised UnicodeDecodeError, and a
    # description that is JSON but not an object of graph counts raised TypeError and the like.
    from umkm_kg.store import DiskStore

    folder = tmp_path / "store"
    shutil.copytree(store_folder, folder)
    current = (folder / "CURRENT").read_text(encoding="ascii").strip()
    (folder / ("CURRENT" if target == "CURRENT" else f"{current}.json")).write_bytes(data)
    with pytest.raises(StoreError):
        DiskStore(folder)
