"""Untrusted record files: the hostile corpus in tests/data/hostile/ and the strict IRI check.

Every case in tests/data/hostile/manifest.json is run through ``umkm-kg validate`` with the
network cut off: a case is either refused (exit 2, one clear message, no traceback) or read and
reported record by record (exit 1).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import Runner
from umkm_kg.errors import BadInput, BadParameter
from umkm_kg.iri import check_iri, iri_problem
from umkm_kg.records.rdfinput import (
    MAX_DEPTH,
    RawInput,
    RecordFormat,
    json_depth,
    parse_rdf,
    read_input,
)

HOSTILE = Path(__file__).parent / "data" / "hostile"
MANIFEST = json.loads((HOSTILE / "manifest.json").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a network connection."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _case_file(case: dict[str, Any], tmp_path: Path) -> Path:
    if case.get("generated") == "oversized":
        path = tmp_path / case["file"]
        line = (
            b'<https://w3id.org/umkm-kg/id/x> <https://schema.org/name> "' + b"x" * 1000 + b'" .\n'
        )
        with path.open("wb") as out:
            for _ in range(17 * 1024):  # 17 MiB, over the 16 MiB limit
                out.write(line)
        return path
    if case.get("generated") in GENERATED:
        path = tmp_path / case["file"]
        path.write_text(GENERATED[case["generated"]](), encoding="utf-8")
        return path
    return HOSTILE / case["file"]


def _many_subjects() -> str:
    # One subject per line, the last without a label: its line must be found in one pass.
    nodes = [
        f'{{"@id": "https://w3id.org/umkm-kg/id/enterprise-j{i}", '
        f'"@type": "https://w3id.org/umkm-kg/ontology#Enterprise"}}'
        for i in range(2000)
    ]
    return "[\n" + ",\n".join(nodes[:-1]) + ",\n" + nodes[-1] + "\n]"


GENERATED = {
    # 120 KB of escaped quotes in an unclosed string: the nesting pre-check took 52 s.
    "escaped-quotes": lambda: '{"@id": "' + '\\"' * 60_000,
    "open-strings": lambda: '["' + '\\\\"' * 40_000,
    # An RDF list of 8,000 literals: attaching its blank nodes took 44 s.
    "long-list": lambda: (
        "<https://w3id.org/umkm-kg/id/enterprise-list> a <https://w3id.org/umkm-kg/ontology#"
        "Enterprise> ; <https://schema.org/keywords> ("
        + " ".join(f'"k{i}"' for i in range(8000))
        + ") .\n"
    ),
    "many-subjects": _many_subjects,
}


def test_every_hostile_file_is_listed_in_the_manifest() -> None:
    listed = {c["file"] for c in CASES}
    on_disk = {p.name for p in HOSTILE.iterdir() if p.name != "manifest.json"}
    assert on_disk <= listed, on_disk - listed


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["file"])
def test_hostile_file_has_its_expected_outcome(
    case: dict[str, Any], runner: Runner, tmp_path: Path, no_network: None
) -> None:
    path = _case_file(case, tmp_path)
    started = time.monotonic()
    result = runner("validate", str(path))
    assert time.monotonic() - started < case.get("seconds", 60), "not linear in the input"
    expected = {"refused": 2, "violations": 1}[case["outcome"]]
    assert result.exit_code == expected, result.output
    for message in case["messages"]:
        assert message in result.output, result.output
    if "count" in case:
        assert result.output.count(case["messages"][0]) == case["count"], result.output
    assert "/etc/passwd" not in result.stdout or case["outcome"] == "violations"
    assert "root:" not in result.output  # the file behind file:///etc/passwd was never read


def test_refused_input_is_reported_once_on_stderr(runner: Runner) -> None:
    result = runner("validate", str(HOSTILE / "xxe.rdf"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")


def test_the_project_context_is_replaced_by_the_bundled_copy(no_network: None) -> None:
    document = {
        "@context": "https://w3id.org/umkm-kg/context.jsonld",
        "@id": "kg:enterprise-x",
        "@type": "Enterprise",
        "name": "X",
        "_comment": "ignored on purpose",
    }
    raw = RawInput("x.jsonld", json.dumps(document).encode(), RecordFormat.JSONLD)
    triples = {(str(s), str(p), str(o)) for s, p, o in parse_rdf(raw).graph}
    assert (
        "https://w3id.org/umkm-kg/id/enterprise-x",
        "https://schema.org/name",
        "X",
    ) in triples


def test_input_size_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "big.ttl"
    path.write_bytes(b"#" * 2048)
    with pytest.raises(BadInput, match="input limit"):
        read_input(str(path), max_bytes=1024)


def test_json_depth_counts_brackets_outside_strings() -> None:
    assert json_depth('{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert json_depth("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)) == MAX_DEPTH + 1


def test_syntax_errors_name_the_line() -> None:
    raw = RawInput(
        "r.ttl",
        b"PREFIX s: <https://schema.org/>\n\n<https://x.org/a> s:p .\n",
        RecordFormat.TURTLE,
    )
    with pytest.raises(BadInput, match=r"r\.ttl: .*line 3"):
        parse_rdf(raw)


def test_blank_node_labels_of_two_files_do_not_merge() -> None:
    text = b'_:b1 <https://schema.org/name> "A" .\n'
    one = parse_rdf(RawInput("a.nt", text, RecordFormat.NTRIPLES)).graph
    two = parse_rdf(RawInput("b.nt", text, RecordFormat.NTRIPLES)).graph
    assert set(one.subjects()) != set(two.subjects())


def test_format_comes_from_the_extension_or_the_option() -> None:
    assert RecordFormat.detect("a.csv") is RecordFormat.CSV
    assert RecordFormat.detect("a.rdf") is RecordFormat.RDFXML
    assert RecordFormat.detect("-", "jsonld") is RecordFormat.JSONLD
    with pytest.raises(BadInput, match="standard input"):
        RecordFormat.detect("-")
    with pytest.raises(BadInput, match="unsupported format"):
        RecordFormat.detect("a.trig")


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/umkm-kg/id/country-my",
        "http://www.wikidata.org/entity/Q252",
        "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        "mailto:dinas@example.org",
        "https://example.org/caf%C3%A9",
    ],
)
def test_good_iris_pass(iri: str) -> None:
    assert check_iri(iri) == iri


@pytest.mark.parametrize(
    ("iri", "why"),
    [
        ("file:///etc/passwd", "scheme 'file'"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("data:text/html,<b>x</b>", "not allowed in an IRI"),
        ("ftp://example.org/x", "scheme 'ftp'"),
        ("relative/path", "relative IRI"),
        ("https://exa mple.org/", "not allowed in an IRI"),
        ("https:///no-host", "without a valid host"),
        ("https://example.org/%zz", "percent-escape"),
        ("", "empty"),
        ("https://example.org/" + "a" * 3000, "longer than"),
    ],
)
def test_bad_iris_are_refused_with_the_reason(iri: str, why: str) -> None:
    assert why in (iri_problem(iri) or "")
    with pytest.raises(BadInput):
        check_iri(iri)


def test_check_iri_raises_the_callers_error() -> None:
    with pytest.raises(BadParameter, match="parameter country"):
        check_iri("javascript:x", where="parameter country", error=BadParameter)


TRIPLE_TERM_CASES = [c for c in CASES if "RDF 1.2 triple terms" in c["messages"][0]]


@pytest.mark.parametrize("case", TRIPLE_TERM_CASES, ids=lambda c: c["file"])
@pytest.mark.parametrize("command", ["add", "load"])
def test_triple_terms_are_refused_by_add_and_load_and_nothing_is_written(
    case: dict[str, Any], command: str, runner: Runner, data_dir: Path
) -> None:
    # Regression: RDF 1.2 triple terms gave a TypeError traceback with exit code 1.
    result = runner(command, str(HOSTILE / case["file"]))
    if command == "load" and case["file"] == "parse-type-triple.rdf":
        # The bulk loader's RDF/XML parser drops rdf:parseType="Triple" silently: nothing of
        # it can be stored, so nothing is.
        assert "Traceback" not in result.output
        return
    assert result.exit_code == 2, result.output
    assert "RDF 1.2 triple terms" in result.stderr
    assert "Traceback" not in result.output
    assert "0 batches" in runner("records", "list").stdout


_PARSE_ALL = """
import json, sys
from umkm_kg.errors import BadInput
from umkm_kg.records.rdfinput import parse_rdf, read_input
answers = {}
for path in sys.argv[1:]:
    try:
        parse_rdf(read_input(path))
        answers[path] = "accepted"
    except BadInput as exc:
        answers[path] = exc.message
print(json.dumps(answers))
"""


@pytest.mark.parametrize("seed", ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
def test_datatype_allowlist_does_not_depend_on_hash_order(seed: str) -> None:
    # Regression: an IRI seen as a resource first was then skipped as a datatype, so
    # "y"^^<http://evil.example/dt> was accepted in about 4 runs of 10 (hash order).
    files = [str(HOSTILE / c["file"]) for c in CASES if c.get("hash_seeds")]
    done = subprocess.run(
        [sys.executable, "-c", _PARSE_ALL, *files],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": seed},
        timeout=120,
        check=True,
    )
    answers = json.loads(done.stdout)
    for case in (c for c in CASES if c.get("hash_seeds")):
        assert case["messages"][0] in answers[str(HOSTILE / case["file"])]
