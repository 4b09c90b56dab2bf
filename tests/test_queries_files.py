"""Every malformed file in tests/data/bad-queries/ fails with its file, line and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from queries_fixtures import BAD_QUERIES
from umkm_kg.errors import QueryFileError
from umkm_kg.query.catalogue import load_catalogue
from umkm_kg.query.queryfile import load_query_file

#: file -> (line, part of the message)
EXPECTED: dict[str, tuple[int, str]] = {
    "Not_Kebab.rq": (1, "is not kebab-case"),
    "bad-default.rq": (7, "bad default: parameter year: 'twenty-fifteen' is not an integer"),
    "bad-parameter-type.rq": (5, "type must be one of iri, string"),
    "bad-sparql.rq": (7, "not valid SPARQL"),
    "bad-yaml.rq": (4, "not valid YAML"),
    "construct-short-form.rq": (7, "cannot: write CONSTRUCT { ... } WHERE { ... }"),
    "from-outside.rq": (4, "FROM <file:///etc/passwd> points outside the knowledge graph"),
    "missing-english-title.rq": (2, "title needs an 'id' and an 'en' text"),
    "no-header.rq": (1, "no metadata header"),
    "service.rq": (5, "SERVICE"),
    "unknown-key.rq": (3, "unknown header key 'tgas' (did you mean 'tags'?)"),
    "unknown-prefix.rq": (5, "Unknown namespace prefix : nope"),
    "unused-parameter.rq": (4, "binds ?country, which the query never uses"),
    "update.rq": (3, "SPARQL Update is not allowed"),
}


def test_every_bad_file_has_an_expectation() -> None:
    assert sorted(p.name for p in BAD_QUERIES.glob("*.rq")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_reported_with_file_and_line(name: str) -> None:
    line, fragment = EXPECTED[name]
    path = BAD_QUERIES / name
    with pytest.raises(QueryFileError) as caught:
        load_query_file(path)
    message = caught.value.message
    assert message.startswith(f"{path}:{line}:"), message
    assert fragment in message


def test_one_bad_file_fails_the_listing_but_not_the_other_queries(tmp_path: Path) -> None:
    (tmp_path / "service.rq").write_bytes((BAD_QUERIES / "service.rq").read_bytes())
    (tmp_path / "fine.rq").write_text(
        "#+ title: {id: Baik, en: Fine}\n#+ description: {id: Uji, en: Test}\nASK {}\n",
        encoding="utf-8",
    )
    catalogue = load_catalogue(tmp_path)
    assert catalogue.names() == ["fine", "service"]
    assert catalogue.get("fine").form.value == "ASK"
    with pytest.raises(QueryFileError, match=r"service\.rq:5"):
        list(catalogue)
    with pytest.raises(QueryFileError, match=r"service\.rq:5"):
        catalogue.get("service")


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(QueryFileError, match="does not exist"):
        load_catalogue(tmp_path / "nowhere")
