"""The server warms the home page's figures in its background for each new data version:
computed (and kept in ``DATA/cache``) before a visitor asks, so no visit waits for them."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records.add import add_records
from umkm_kg.store import DiskStore
from umkm_kg.web import WebSettings, create_app

LOCAL = "http://127.0.0.1"
RECORDS = Path(__file__).parent / "data" / "records" / "valid-enterprises.csv"
WAIT = 60.0


@pytest.fixture
def disk_kg(tmp_path: Path) -> Iterator[KnowledgeGraph]:
    kg = KnowledgeGraph.embedded(data_dir=tmp_path / "data", isolated=False)
    yield kg
    kg.close()


def _warmed(app: object, kg: KnowledgeGraph, version: str) -> None:
    """Wait until the app's warmer has seen ``version`` and computed its figures."""
    warmer = app.state.warmer  # type: ignore[attr-defined]
    deadline = time.monotonic() + WAIT
    while warmer.seen != version:
        assert time.monotonic() < deadline, f"the warmer never saw {version}"
        time.sleep(0.02)
    done = app.state.home_figures.warm(kg, timeout=None)  # type: ignore[attr-defined]
    assert done is not None and done.wait(WAIT)


def _menus_warmed(app: object, version: str) -> None:
    """Wait until the app's warmer has made every menu of ``version`` too."""
    deadline = time.monotonic() + WAIT
    while app.state.warmer.warmed != version:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, f"the menus of {version} were never made"
        time.sleep(0.02)


def _has_menu(web: TestClient) -> bool:
    page = web.get("/queries/exporters-by-country?lang=en").text
    return '<select id="p-country" name="country"' in page


def _charts(page: str) -> list[str]:
    return re.findall(r'<figure class="chart" data-kind="(\w+)"', page)


def test_the_home_figures_are_warmed_before_any_visit_and_for_each_new_version(
    disk_kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from umkm_kg.web import pages, query_pages

    store = disk_kg.store
    assert isinstance(store, DiskStore)
    monkeypatch.setattr(pages, "HOME_WAIT", 0.0)  # a visit waits for nothing
    monkeypatch.setattr(query_pages, "MENU_WAIT", 0.0)
    app = create_app(disk_kg, settings=WebSettings(warm_every=0.05))
    with TestClient(app, base_url=LOCAL) as web:
        first = store.version
        _warmed(app, disk_kg, first)
        cached = list((tmp_path / "data" / "cache" / first).glob("*.json"))
        assert len(cached) >= 3  # the two saved queries and the class counts, kept on disk
        page = web.get("/?lang=en").text
        assert _charts(page) == ["bar", "bar", "map"] and 'class="pending"' not in page
        _menus_warmed(app, first)
        assert _has_menu(web)  # made before the form was asked for
        # Records added by another handle (as `umkm-kg add` in another process would):
        # the warmer sees the new generation and computes its figures, per district too.
        other = KnowledgeGraph.embedded(data_dir=tmp_path / "data", isolated=False)
        try:
            added = add_records(other, [str(RECORDS)], tmp_path / "data")
            assert added.report.conforms, added.report
        finally:
            other.close()
        _warmed(app, disk_kg, store.version)
        assert store.version != first
        page = web.get("/?lang=en").text
        assert _charts(page) == ["bar", "bar", "map", "bar", "bar"], page
        assert 'class="pending"' not in page
        assert "Cipadu" in page  # the added records' neighbourhood, in the district chart
        _menus_warmed(app, store.version)
        assert _has_menu(web)


def test_no_warming_unless_asked(disk_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    from umkm_kg.web import query_pages

    monkeypatch.setattr(query_pages, "MENU_WAIT", 0.0)
    app = create_app(disk_kg, settings=WebSettings(warm_every=None))
    with TestClient(app, base_url=LOCAL) as web:
        assert app.state.warmer is None
        assert not _has_menu(web)  # being listed for the next visit


def test_a_broken_store_does_not_stop_the_warmer(disk_kg: KnowledgeGraph, tmp_path: Path) -> None:
    store = disk_kg.store
    assert isinstance(store, DiskStore)
    current = tmp_path / "data" / "store" / "CURRENT"
    good = current.read_text(encoding="utf-8")
    app = create_app(disk_kg, settings=WebSettings(warm_every=0.02))
    with TestClient(app, base_url=LOCAL):
        _warmed(app, disk_kg, store.version)
        current.write_text("g99999999\n", encoding="utf-8")  # names no generation
        time.sleep(0.2)  # the warmer looks ten times meanwhile, and fails each time
        assert app.state.warmer._thread.is_alive()
        current.write_text(good, encoding="utf-8")


def test_menus_are_kept_with_the_data_version_across_restarts(tmp_path: Path) -> None:
    """A menu of graph values is answered through the store's per-version answers, so a server
    started again (a new KnowledgeGraph on the folder) does not compute it again."""
    from umkm_kg.query.catalogue import load_catalogue
    from umkm_kg.query.graphvalues import GraphValues

    [parameter] = load_catalogue().get("enterprises-by-category").parameters
    first = KnowledgeGraph.embedded(data_dir=tmp_path / "data", isolated=False)
    try:
        folder = first.store.cache.folder / first.store.version  # type: ignore[attr-defined]
        before = set(folder.glob("*.json")) if folder.is_dir() else set()
        made = GraphValues(first.store).choices(parameter, limit=5)
        kept = set(folder.glob("*.json"))
        assert made and kept > before
    finally:
        first.close()
    again = KnowledgeGraph.embedded(data_dir=tmp_path / "data", isolated=False)
    try:
        assert GraphValues(again.store).choices(parameter, limit=5) == made
        assert set(folder.glob("*.json")) == kept  # answered from what was kept
    finally:
        again.close()
