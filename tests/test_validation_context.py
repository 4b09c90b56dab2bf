"""Records that add to a resource the graph already has are validated with its existing facts.

Regression: the context looked up only the resources a batch points at, not the ones it makes
statements about, so a record restating Australia's label lost Australia's type and its export
claims were wrongly reported as not resolving to a country.
"""

from __future__ import annotations

from pathlib import Path

from conftest import Runner

RECORDS = Path(__file__).parent / "data" / "records"


def _record_plus(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "record.ttl"
    text = (RECORDS / "valid-enterprise.ttl").read_text(encoding="utf-8")
    path.write_text(text + "\n" + extra + "\n", encoding="utf-8")
    return path


def test_restating_an_existing_label_conforms(runner: Runner, tmp_path: Path) -> None:
    path = _record_plus(tmp_path, 'kg:country-au rdfs:label "Australia"@en .')
    result = runner("validate", str(path))
    assert result.exit_code == 0, result.output


def test_a_second_english_label_on_an_existing_country_is_reported(
    runner: Runner, tmp_path: Path
) -> None:
    path = _record_plus(tmp_path, 'kg:country-au rdfs:label "Down Under"@en .')
    result = runner("validate", str(path))
    assert result.exit_code == 1, result.output
    assert "country-au" in result.stdout
