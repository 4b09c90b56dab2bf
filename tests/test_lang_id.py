"""Under --lang id the command line speaks Indonesian: messages, table headers, report fields.

(Usage errors of the option parser itself, such as an unknown option, stay English, as the
help does.)

Each main command runs twice, in English and in Indonesian. Every word of ENGLISH must turn
up in the English outputs (so the list checks something) and in none of the Indonesian ones,
once the data the outputs quote is taken out (IRIs, prefixed names, paths, quoted values).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Runner

ENGLISH = frozenset(
    [
        "error",
        "bundled",
        "records",
        "checked",
        "violations",
        "warnings",
        "conforms",
        "expected",
        "found",
        "enterprises",
        "triples",
        "row",
        "rows",
        "line",
        "column",
        "unknown",
        "added",
        "name",
        "title",
        "parameters",
        "tags",
        "generation",
        "written",
        "change",
        "saved",
        "query",
        "called",
        "already",
        "exists",
        "see",
        "example",
        "values",
        "not",
        "workbook",
        "setting",
        "advice",
        "does",
        "least",
        "nothing",
        "did",
        "you",
        "mean",
        "columns",
        "given",
        "from",
        "default",
        "one",
    ]
)

BAD_NIB = "nama,nib,sumber,lokasi\nBatik Uji,123,uji,Kota Tangerang\n"
GOOD = "nama,nib,sumber,lokasi,produk\nBatik Baik,9120001234588,uji,Kota Tangerang,Batik\n"
UNKNOWN_COLUMN = "nama,kategoriy\nBatik Uji,batik\n"
NO_PRODUCTS = "name,identifier,source,location\nBatik Tanpa,9120001234589,uji,Kota Tangerang\n"


def _commands(folder: Path) -> list[tuple[str, ...]]:
    files = {
        "bad.csv": BAD_NIB,
        "good.csv": GOOD,
        "column.csv": UNKNOWN_COLUMN,
        "english.csv": NO_PRODUCTS,
        "broken.xlsx": "not a zip",
        "settings.toml": "colour = 1\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    f = {name: str(folder / name) for name in files}
    return [
        ("info", "--no-check"),
        ("query", "list"),
        ("query", "show", "exporters-by-country"),
        ("query", "run", "exporters-by-country", "-p", "country=Nowhere"),
        ("query", "run", "countries-ranked", "-p", "year=2016"),
        ("query", "run", "countries-ranked"),
        ("query", "run", "statistics-2015", "-p", "year=abc"),
        ("query", "run", "exporters-by-country", "-p", "country=MY", "-p", "country=SG"),
        ("query", "show", "enterprise-description"),
        ("query", "run", "nope"),
        ("sparql", "SELECT * WHERE { ?s ?p }"),
        ("sparql", "ASK {}", "--format", "csv"),
        ("validate", f["bad.csv"]),
        ("validate", f["english.csv"]),
        ("validate", f["column.csv"]),
        ("validate", f["broken.xlsx"]),
        ("validate", str(folder / "missing.csv")),
        ("add", f["good.csv"]),
        ("add", f["good.csv"]),
        ("records", "list"),
        ("records", "history"),
        ("records", "show", "nope"),
        ("load", str(folder / "x.unknown")),
        ("template", "shop"),
        ("--config", f["settings.toml"], "info"),
    ]


def _words(text: str, folder: Path) -> set[str]:
    text = text.replace(str(folder), " ")
    # a query's SPARQL text and its comments (query show prints it last): code, not a message
    text = re.sub(r"(?ms)^PREFIX .*", " ", text)
    # the English column headers, where a message lists them as such
    text = re.sub(r"bahasa Inggris: [^)]*\)", " ", text)
    # commands and names quoted in messages (umkm-kg query list, exporters-by-country)
    text = re.sub(r"\bumkm-kg( [a-z]+)*|\b\w+(-\w+)+\b", " ", text)
    text = re.sub(r"<[^>\s]*>|https?://\S+|\b[a-z][\w-]*:[\w\-./]+|/\S+", " ", text)
    text = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"|--?[a-z][\w-]*|\b\w+\.(csv|xlsx|toml|rq)\b", " ", text)
    return {w.casefold() for w in re.findall(r"[A-Za-z]+", text)}


def _outputs(runner: Runner, folder: Path, lang: str) -> dict[tuple[str, ...], str]:
    outputs = {}
    for command in _commands(folder):
        result = runner("--lang", lang, *command)
        stdout = result.stdout
        if command[:2] == ("query", "run") and result.exit_code == 0:
            stdout = stdout.split("\n", 1)[1]  # the table's header: the query's variables
        outputs[command] = stdout + result.stderr
    return outputs


def test_the_main_commands_speak_indonesian_under_lang_id(
    runner: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    english_dir, indonesian_dir = tmp_path / "en", tmp_path / "id"
    english_dir.mkdir()
    indonesian_dir.mkdir()
    english = _outputs(runner, english_dir, "en")
    seen = set().union(*(_words(text, english_dir) for text in english.values()))
    assert seen >= ENGLISH, f"not in the English outputs: {sorted(ENGLISH - seen)}"
    # a second data folder, so that both runs add the same record to an empty store
    monkeypatch.setenv("UMKM_KG_DATA", str(tmp_path / "umkm-data-id"))
    indonesian = _outputs(runner, indonesian_dir, "id")
    assert all(_words(text, indonesian_dir) for text in indonesian.values())
    left = {
        " ".join(command): sorted(_words(text, indonesian_dir) & ENGLISH)
        for command, text in indonesian.items()
        if _words(text, indonesian_dir) & ENGLISH
    }
    assert not left, "\n".join(f"{c}: {w}" for c, w in left.items())


@pytest.mark.parametrize("variable", ["UMKM_KG_LANG"])
def test_the_environment_chooses_the_language_of_errors(
    runner: Runner, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "id")
    result = runner("query", "run", "nope")
    assert result.stderr.startswith("galat: tidak ada kueri tersimpan bernama 'nope'")


def test_a_phrase_the_catalogue_does_not_know_stays_english() -> None:
    from umkm_kg.i18n import translate

    assert translate("cannot read x.csv: Permission denied", "id") == (
        "tidak dapat membaca x.csv: izin ditolak"
    )
    assert translate("something new went wrong", "id") == "something new went wrong"
    assert translate("cannot read x.csv: Permission denied", "en").startswith("cannot read")
