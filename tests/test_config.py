"""The configuration file: command line > environment > file > built-in default."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Runner
from umkm_kg.config import CONFIG_NAME, load_config
from umkm_kg.errors import BadInput

RECORD = "nama,nib,sumber\nBatik Uji,123,uji\n"  # a bad NIB: a report in the chosen language


def _record(tmp_path: Path) -> str:
    path = tmp_path / "r.csv"
    path.write_text(RECORD)
    return str(path)


def _summary_language(output: str) -> str:
    if "rekaman diperiksa" in output:
        return "id"
    assert "records checked" in output, output
    return "en"


def test_lang_follows_command_line_then_environment_then_file(
    tmp_path: Path, runner: Runner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _record(tmp_path)
    assert _summary_language(runner("validate", record).stdout) == "en"  # built-in
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / CONFIG_NAME).write_text('lang = "id"\n')
    assert _summary_language(runner("validate", record).stdout) == "id"  # file
    monkeypatch.setenv("UMKM_KG_LANG", "en")
    assert _summary_language(runner("validate", record).stdout) == "en"  # environment
    assert _summary_language(runner("--lang", "id", "validate", record).stdout) == "id"  # cli


def test_config_option_names_the_file_and_its_data_dir(
    tmp_path: Path, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UMKM_KG_DATA")  # the environment would win over the file
    config = tmp_path / "settings" / "mine.toml"
    config.parent.mkdir()
    config.write_text('data_dir = "registry"\nlang = "id"\n')
    good = tmp_path / "good.csv"
    good.write_text("nama,nib,sumber,lokasi\nBatik Uji,9120001234567,uji,Kota Tangerang\n")
    added = runner("--config", str(config), "add", str(good))
    assert added.exit_code == 0, added.output
    assert "ditambahkan" in added.stderr
    assert (tmp_path / "settings" / "registry" / "store" / "CURRENT").is_file()
    # --data-dir on the command line wins over the file's data_dir
    other = tmp_path / "other"
    runner("--config", str(config), "--data-dir", str(other), "add", str(good))
    assert (other / "store" / "CURRENT").is_file()


def test_an_endpoint_from_the_file_is_used(tmp_path: Path, runner: Runner) -> None:
    config = tmp_path / "c.toml"
    config.write_text('endpoint = "http://127.0.0.1:9/sparql"\ngraph = "urn:x:g"\n')
    result = runner("--config", str(config), "query", "run", "countries-ranked")
    assert result.exit_code == 3, result.output  # port 9 (discard) refuses: a remote failure


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n", "unknown setting 'colour'"),
        ('lang = "fr"\n', "lang = 'fr'"),
        ("lang = 1\n", "lang must be a non-empty string"),
        ('endpoint = "ftp://x"\n', "not an http(s) URL"),
        ("graph = [1]\n", "graph must be an IRI or a list of IRIs"),
        ('graph = "not an iri"\n', "is not an IRI"),
        ("lang = \n", "not a TOML file"),
        ('data_dir = ""\n', "data_dir must be a non-empty string"),
    ],
)
def test_bad_settings_are_refused_with_exit_2(
    tmp_path: Path, runner: Runner, text: str, message: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text)
    result = runner("--config", str(config), "query", "list")
    assert result.exit_code == 2
    assert message in result.stderr
    with pytest.raises(BadInput, match=r"bad\.toml"):
        load_config(config)


def test_a_missing_config_file_is_refused(tmp_path: Path, runner: Runner) -> None:
    result = runner("--config", str(tmp_path / "nope.toml"), "query", "list")
    assert result.exit_code == 2
    assert "no configuration file" in result.stderr
