"""Records that add to a resource the graph already has are validated with its existing facts.

Regression: the context looked up only the resources a batch points at, not the ones it makes
statements about, so a record restating Australia's label lost Australia's type and its export
claims were wrongly reported as not resolving to a country.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from conftest import Runner
from umkm_kg.kg import KnowledgeGraph
from umkm_kg.namespaces import SCHEMA

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


def test_the_context_looked_up_in_the_store_is_the_one_its_query_gives(kg: KnowledgeGraph) -> None:
    """The embedded store's context comes from lookups (validation/data.py), any other's from
    a CONSTRUCT query: both give the same graph, for every resource of the bundled data (places
    several levels up ``containedInPlace``, countries, categories, agencies) and unknown ones."""
    from umkm_kg.validation.data import queried_context, stored_context

    store = kg.store.oxigraph  # type: ignore[attr-defined]
    iris = sorted(
        {URIRef(q.subject.value) for q in store if isinstance(q.subject, ox.NamedNode)}
        | {URIRef("https://w3id.org/umkm-kg/id/not-there")}
    )
    looked_up = stored_context(store, iris)
    asked = queried_context(kg.store, iris)
    assert len(looked_up) > 1000
    assert set(looked_up) == set(asked)
    # one place at a time: what lies above it comes from the climb up containedInPlace alone
    places = sorted({s for s in looked_up.subjects(SCHEMA.containedInPlace, None)})
    assert len(places) > 10
    for place in places[:: max(1, len(places) // 25)]:
        one = stored_context(store, [place])
        assert set(one) == set(queried_context(kg.store, [place])), place
        assert len(set(one.subjects(SCHEMA.containedInPlace, None))) >= 1
