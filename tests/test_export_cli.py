"""``umkm-kg export``: the dump options on the group itself, the subcommands, atomic -o."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import Runner
from umkm_kg.formats import RdfFormat
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.publish.export import GraphSelection, export


@pytest.mark.parametrize("fmt", list(RdfFormat), ids=lambda f: f.key)
def test_export_format_writes_the_same_bytes_as_the_library(
    runner: Runner, tmp_path: Path, fmt: RdfFormat
) -> None:
    target = tmp_path / f"dump.{fmt.extension}"
    result = runner("export", "--format", fmt.key, "-o", str(target))
    assert result.exit_code == 0, result.output
    expected = export(KnowledgeGraph.embedded(with_records=False), fmt, GraphSelection.ALL)
    assert target.read_bytes() == expected
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left
    assert target.stat().st_mode & 0o044  # readable by others, as a plain write would be


def test_export_to_stdout_and_dump_subcommand_agree(runner: Runner) -> None:
    first = runner("export", "--format", "nt", "--graph", "article")
    second = runner("export", "dump", "--format", "nt", "--graph", "article")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert first.stdout.startswith("<https://w3id.org/umkm-kg/")


def test_format_comes_from_the_output_extension(runner: Runner, tmp_path: Path) -> None:
    target = tmp_path / "graph.trig"
    result = runner("export", "-o", str(target), "--with-ontology", "--with-shapes")
    assert result.exit_code == 0, result.output
    graphs = {
        q.graph_name.value
        for q in ox.parse(target.read_bytes(), format=ox.RdfFormat.TRIG)
        if isinstance(q.graph_name, ox.NamedNode)
    }
    assert "https://w3id.org/umkm-kg/graph/ontology" in graphs
    assert "https://w3id.org/umkm-kg/graph/shapes" in graphs
    assert "https://w3id.org/umkm-kg/graph/article" in graphs


def test_unknown_format_is_a_usage_error(runner: Runner) -> None:
    result = runner("export", "--format", "yaml")
    assert result.exit_code == 2
    assert "unknown format 'yaml'" in result.stderr
    assert "ttl" in result.stderr


def test_missing_output_folder_is_reported(runner: Runner, tmp_path: Path) -> None:
    result = runner("export", "--format", "ttl", "-o", str(tmp_path / "nowhere" / "x.ttl"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_description(runner: Runner, tmp_path: Path) -> None:
    target = tmp_path / "void.jsonld"
    result = runner(
        "export", "description", "-o", str(target), "--sparql-endpoint", "https://example.org/q"
    )
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "void:sparqlEndpoint" in text and "https://example.org/q" in text
    assert json.loads(text)["@context"]


def test_site(runner: Runner, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = runner("export", "site", str(out), "--base-url", "https://example.org/umkm/")
    assert result.exit_code == 0, result.output
    assert "pages" in result.stdout
    assert (out / "index.html").is_file() and (out / ".htaccess").is_file()
    assert "https://example.org/umkm/dumps/umkm-kg.ttl" in (out / "dataset.ttl").read_text()


def test_site_into_a_file_is_refused(runner: Runner, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = runner("export", "site", str(target))
    assert result.exit_code == 2


# --- links written into pages must be http(s) (issue 11) -------------------------------------

HOSTILE_LINKS = [
    "javascript:alert(1)//",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "https://x.example/a'b",
    'https://x.example/"><script>alert(1)</script>',
    "https://x.example/a b",
    "//x.example/",
    "https://user:pw@x.example/",
]


@pytest.mark.parametrize("link", HOSTILE_LINKS)
@pytest.mark.parametrize("option", ["--base-url", "--sparql-endpoint"])
def test_export_refuses_links_that_are_not_plain_http(
    link: str, option: str, runner: Runner, tmp_path: Path
) -> None:
    # Regression: --base-url 'javascript:alert(1)//' was written as href="javascript:...".
    site = tmp_path / "site"
    for command in (["export", "description"], ["export", "site", str(site), "--no-queries"]):
        result = runner(*command, option, link)
        assert result.exit_code == 2, result.output
        assert f"{option} " in result.stderr and "is refused" in result.stderr
        assert "Traceback" not in result.output
    assert not site.exists()


def test_link_check_accepts_plain_http_urls() -> None:
    from umkm_kg.iri import link_problem

    for url in ["https://w3id.org/umkm-kg/", "http://localhost:7878/query", "https://[::1]/s"]:
        assert link_problem(url) is None, url
