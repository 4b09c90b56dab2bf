"""``umkm-kg query list|show|run`` and ``umkm-kg sparql`` on the test graph: output, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.query import Result

from conftest import Runner
from queries_fixtures import open_test_graph, write_catalogue
from umkm_kg import resources
from umkm_kg.kg import KnowledgeGraph

TESTS = Path(__file__).parent


@pytest.fixture(scope="session")
def catalogue_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_catalogue(tmp_path_factory.mktemp("cli-queries"))


@pytest.fixture
def cli(runner: Runner, catalogue_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """The command line over the test graph and the test catalogue."""
    monkeypatch.setattr(resources, "QUERIES", catalogue_folder)
    monkeypatch.setattr(
        KnowledgeGraph, "embedded", classmethod(lambda cls, **kw: open_test_graph())
    )
    return runner


def test_list_shows_every_query(cli: Runner) -> None:
    result = cli("query", "list")
    assert result.exit_code == 0
    assert "shops-by-country" in result.stdout and "SELECT" in result.stdout
    assert "shop-description" in result.stdout and "CONSTRUCT" in result.stdout


def test_list_as_json(cli: Runner) -> None:
    listed = json.loads(cli("query", "list", "--format", "json").stdout)
    by_name = {q["name"]: q for q in listed}
    country = by_name["shops-by-country"]["parameters"][0]
    assert country["type"] == "iri" and country["values_from_graph"] is True
    assert by_name["shops-by-kind"]["parameters"][0]["values"] == ["batik", "mebel"]


def test_show_prints_metadata_and_text(cli: Runner) -> None:
    result = cli("--lang", "id", "query", "show", "shops-by-country")
    assert result.exit_code == 0
    assert "Negara" in result.stdout
    assert "SELECT ?shop ?name" in result.stdout
    assert "#+" not in result.stdout


def test_run_with_a_label_as_parameter(cli: Runner) -> None:
    result = cli("query", "run", "shops-by-country", "-p", "country=Borduria")
    assert result.exit_code == 0, result.output
    assert "Shop One (kg:test-shop-one)" in result.stdout
    assert "Shop Two" not in result.stdout
    assert "1 row" in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_run_in_every_result_format(cli: Runner, fmt: str) -> None:
    result = cli("query", "run", "shops-by-size", "--format", fmt)
    assert result.exit_code == 0
    parsed = Result.parse(io.StringIO(result.stdout), format=fmt)
    assert len(list(parsed)) == 2


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "xml"])
def test_construct_in_every_graph_format(cli: Runner, fmt: str) -> None:
    result = cli("query", "run", "shop-description", "--format", fmt)
    assert result.exit_code == 0
    parser = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}[fmt]
    assert len(Graph().parse(data=result.stdout, format=parser)) == 10


def test_output_file_takes_its_format_from_the_extension(cli: Runner, tmp_path: Path) -> None:
    target = tmp_path / "shops.csv"
    result = cli("query", "run", "shops-by-size", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_bytes().startswith(b"shop,n\r\n")


def test_ask_false_is_still_success(cli: Runner) -> None:
    result = cli("query", "run", "shop-exists", "-p", "name=Nobody")
    assert (result.exit_code, result.stdout) == (0, "false\n")


def test_an_ask_written_as_csv_is_refused_and_nothing_written(
    cli: Runner, tmp_path: Path
) -> None:
    target = tmp_path / "answer.csv"
    result = cli("query", "run", "shop-exists", "-p", "name=Nobody", "-o", str(target))
    assert result.exit_code == 2
    assert "csv is for SELECT results only" in result.output
    assert not target.exists()


def test_lang_option_on_run(cli: Runner) -> None:
    english = cli("query", "run", "shop-count").stdout
    indonesian = cli("query", "run", "shop-count", "--lang", "id").stdout
    assert "Aland (kg:test-country-aa)" in english
    assert "Alandia (kg:test-country-aa)" in indonesian


def test_unknown_query_suggests_a_name(cli: Runner) -> None:
    result = cli("query", "run", "shops-by-contry")
    assert result.exit_code == 2
    assert "no saved query is called 'shops-by-contry'" in result.stderr
    assert "did you mean 'shops-by-country'?" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("shops-founded-before",), ["needs parameter before", "YYYY-MM-DD", "before=2012-01-01"]),
        (("shops-founded-before", "-p", "before=yesterday"), ["parameter before", "YYYY-MM-DD"]),
        (("shops-by-size", "-p", "minimum=many"), ["parameter minimum", "integer", "minimum=1"]),
        (("shops-by-size", "-p", "minimu=3"), ["no parameter 'minimu'", "did you mean 'minimum'"]),
        (("shops-by-size", "-p", "minimum"), ["write -p name=value"]),
        (("shops-by-iri", "-p", "shop=file:///etc/passwd"), ["parameter shop", "an IRI"]),
        (("shops-by-size", "--format", "ttl"), ["not a format for SELECT"]),
    ],
)
def test_bad_parameters_exit_2_with_a_message(
    cli: Runner, args: tuple[str, ...], expected: list[str]
) -> None:
    result = cli("query", "run", *args)
    assert result.exit_code == 2
    for fragment in expected:
        assert fragment in result.stderr, result.stderr


def test_row_cap_says_the_result_was_cut(cli: Runner) -> None:
    result = cli("--max-rows", "1", "query", "run", "shops-by-size", "--format", "csv")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2  # the header and one row
    assert "warning: the result was cut" in result.stderr


def test_row_cap_on_sparql_table(cli: Runner) -> None:
    result = cli("--max-rows", "2", "sparql", "SELECT * WHERE { ?s ?p ?o }")
    assert result.exit_code == 0
    assert "2 rows (result cut" in result.stdout
    assert "warning: the result was cut" in result.stderr


def test_sparql_from_text_and_from_file(cli: Runner, tmp_path: Path) -> None:
    text = (
        "PREFIX schema: <https://schema.org/> SELECT ?c WHERE { ?c a schema:Country } ORDER BY ?c"
    )
    direct = cli("sparql", text, "--format", "csv")
    query_file = tmp_path / "q.rq"
    query_file.write_text(text, encoding="utf-8")
    from_file = cli("sparql", "-f", str(query_file), "--format", "csv")
    assert direct.exit_code == from_file.exit_code == 0
    assert direct.stdout == from_file.stdout
    assert direct.stdout.count("\r\n") == 3


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://evil.example/s> <http://evil.example/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <file:///etc/passwd>",
        "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://evil> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT * WHERE { OPTIONAL { { SELECT * WHERE { SERVICE <http://e.example/> {} } } } }",
    ],
)
def test_sparql_refuses_anything_but_reading(cli: Runner, text: str) -> None:
    result = cli("sparql", text)
    assert result.exit_code == 2
    assert "not allowed" in result.stderr or "outside the knowledge graph" in result.stderr


def test_sparql_syntax_error_names_the_line(cli: Runner) -> None:
    result = cli("sparql", "SELECT ?s\nWHERE { ?s ?p }")
    assert result.exit_code == 2
    assert "line 2" in result.stderr


def test_sparql_needs_exactly_one_query(cli: Runner, tmp_path: Path) -> None:
    assert cli("sparql").exit_code == 2
    assert cli("sparql", "ASK {}", "-f", str(tmp_path / "q.rq")).exit_code == 2
    missing = cli("sparql", "-f", str(tmp_path / "missing.rq"))
    assert missing.exit_code == 2 and "cannot be read" in missing.stderr


def test_timeout_exits_3_with_a_message() -> None:
    # In a child process: the abandoned cross join keeps running until the process exits.
    script = (
        "import sys\n"
        "from queries_fixtures import open_test_graph\n"
        "from umkm_kg.kg import KnowledgeGraph\n"
        "KnowledgeGraph.embedded = classmethod(lambda cls, **kw: open_test_graph())\n"
        "from umkm_kg.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    heavy = (
        "SELECT (COUNT(*) AS ?n) WHERE "
        "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "--timeout", "0.5", "sparql", heavy],
        cwd=TESTS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "ran longer than 0.5 s" in done.stderr
    assert "Traceback" not in done.stderr
