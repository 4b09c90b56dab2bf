"""The cache of checked saved queries: a hit gives the same record, a changed file is re-read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from umkm_kg.errors import QueryFileError
from umkm_kg.query.catalogue import SavedQuery, load_catalogue
from umkm_kg.query.catalogue_cache import QueryCache
from umkm_kg.query.queryfile import load_query_file
from umkm_kg.resources import QUERIES

QUERY = """#+ title: {id: Uji, en: Test}
#+ description: {id: Kueri uji, en: A test query}
#+ parameters:
#+   year:
#+     type: integer
#+     description: {id: Tahun, en: Year}
#+     default: 2015
SELECT ?year WHERE { BIND(1 AS ?one) }
"""


class Counting:
    """A parser that counts the files it really parses."""

    def __init__(self) -> None:
        self.parsed: list[Path] = []

    def __call__(self, path: Path) -> SavedQuery:
        self.parsed.append(path)
        return load_query_file(path)


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES.glob("*.rq")))
def test_a_cached_record_equals_the_parsed_one(tmp_path: Path, name: str) -> None:
    path = QUERIES / f"{name}.rq"
    parse = Counting()
    QueryCache(QUERIES, tmp_path).load(path, parse)
    again = QueryCache(QUERIES, tmp_path).load(path, parse)  # a new process, as it were
    assert parse.parsed == [path]
    assert again == load_query_file(path)


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    folder.mkdir()
    path = folder / "test.rq"
    path.write_text(QUERY, encoding="utf-8")
    parse = Counting()
    QueryCache(folder, tmp_path).load(path, parse)
    stat = path.stat()
    path.write_text(QUERY.replace("2015", "2016"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and time: the hash
    changed = QueryCache(folder, tmp_path).load(path, parse)
    assert len(parse.parsed) == 2
    assert changed.parameters[0].default == "2016"


def test_a_file_made_bad_is_reported_not_served_from_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    folder.mkdir()
    path = folder / "test.rq"
    path.write_text(QUERY, encoding="utf-8")
    QueryCache(folder, tmp_path).load(path, load_query_file)
    path.write_text(QUERY.replace("SELECT", "SERVICE <http://x.example/> SELECT"), encoding="utf-8")
    with pytest.raises(QueryFileError, match="SERVICE"):
        QueryCache(folder, tmp_path).load(path, load_query_file)


def test_another_version_or_a_damaged_cache_is_a_miss(tmp_path: Path) -> None:
    path = QUERIES / "countries-ranked.rq"
    cache = QueryCache(QUERIES, tmp_path)
    cache.load(path, load_query_file)
    content = json.loads(cache.file.read_text(encoding="utf-8"))
    content["stamp"] = "another version"
    cache.file.write_text(json.dumps(content), encoding="utf-8")
    parse = Counting()
    QueryCache(QUERIES, tmp_path).load(path, parse)
    assert parse.parsed == [path]
    cache.file.write_text("{not json", encoding="utf-8")
    assert QueryCache(QUERIES, tmp_path).load(path, parse) == load_query_file(path)
    assert len(parse.parsed) == 2


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    path = QUERIES / "countries-ranked.rq"
    assert QueryCache(QUERIES, blocker / "cache").load(path, load_query_file).name == (
        "countries-ranked"
    )


def test_running_one_query_reads_only_its_file(tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "good.rq").write_text(QUERY, encoding="utf-8")
    (folder / "broken.rq").write_text("#+ title: [\n", encoding="utf-8")
    catalogue = load_catalogue(folder)
    assert catalogue.get("good").parameters[0].name == "year"
    assert "broken" in catalogue


_PROBE = """
import contextlib, io, sys
from umkm_kg.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
heavy = (
    "rdflib.plugins.sparql.parser", "umkm_kg.query.queryfile", "yaml", "pyshacl",
    "umkm_kg.validation"
)
print(code, *[name for name in heavy if name in sys.modules])
"""


def test_a_warm_run_of_a_saved_query_loads_no_parser(tmp_path: Path) -> None:
    """A regression guard for the lazy imports: with the catalogue cached, running a query
    without parameters parses nothing, and no command loads the SHACL validator it doesn't use."""
    import subprocess
    import sys

    env = {**os.environ, "UMKM_KG_CACHE": str(tmp_path / "cache"), "UMKM_KG_DATA": str(tmp_path)}
    args = [sys.executable, "-c", _PROBE, "query", "run", "countries-ranked"]
    first = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split()[0] == "0"
    assert "pyshacl" not in first.stdout.split()
    warm = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    assert warm.stdout.split() == ["0"], warm.stdout + warm.stderr
