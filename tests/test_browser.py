"""The pages in a real headless Chromium: forms, links, language, editor, upload, charts.

The server is uvicorn on a free 127.0.0.1 port, started by a fixture that waits until it
answers. Without Chromium (``/usr/bin/chromium`` and ``/usr/bin/chromedriver``, installed
by ``.ci/install-servers``) the tests are skipped with the reason, except under ``CI=true``,
where a missing browser fails them.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from umkm_kg.kg import KnowledgeGraph

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("UMKM_KG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("UMKM_KG_CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT = 20.0


def _need_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).exists() or shutil.which(p))]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if not missing:
        return
    reason = f"no headless browser: {', '.join(missing)} missing (see .ci/install-servers)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    print(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app over the bundled graph, served by uvicorn on a free loopback port."""
    import uvicorn

    from umkm_kg.web import WebSettings, create_app

    kg = KnowledgeGraph.embedded()
    app = create_app(kg, settings=WebSettings())
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    port = instance.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(url + "/queries", timeout=WAIT) as answer:
        assert answer.status == 200
    yield url
    instance.should_exit = True
    thread.join(WAIT)
    kg.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Headless Chromium driven by chromedriver, with its console log readable."""
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        "--lang=en-GB",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium: object) -> object:
    """The browser, its console log emptied of what earlier tests left there."""
    chromium.get_log("browser")  # type: ignore[attr-defined]
    return chromium


def _wait(driver: object, condition: object) -> object:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)  # type: ignore[arg-type]


def _by_css(driver: object, css: str) -> object:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return _wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _problems(driver: object) -> list[str]:
    """Console errors of the page (a script error, a CSP violation); favicon misses aside."""
    logs = driver.get_log("browser")  # type: ignore[attr-defined]
    return [
        entry["message"]
        for entry in logs
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]


def test_run_a_saved_query_form_and_follow_a_result(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/queries/exporters-by-country")  # type: ignore[attr-defined]
    menu = Select(_by_css(browser, "select#p-country"))
    labels = [o.text for o in menu.options]
    assert any(label.startswith("Singapore") for label in labels), labels
    menu.select_by_value("kg:country-sg")
    browser.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
    _by_css(browser, "#result table.results tbody tr")
    assert "country=kg%3Acountry-sg" in browser.current_url  # type: ignore[attr-defined]
    links = browser.find_elements(By.CSS_SELECTOR, "#result table.results tbody td a[href^='/id/']")  # type: ignore[attr-defined]
    assert links, "the result links no resource"
    name = links[0].text
    links[0].click()
    heading = _by_css(browser, "main h1")
    assert heading.text == name  # type: ignore[attr-defined]
    assert "/id/" in browser.current_url  # type: ignore[attr-defined]
    assert browser.find_elements(By.CSS_SELECTOR, "#outgoing table.facts tr")  # type: ignore[attr-defined]
    assert _problems(browser) == []


def test_switch_language(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/queries")  # type: ignore[attr-defined]
    html = _by_css(browser, "html")
    assert html.get_attribute("lang") == "en"  # type: ignore[attr-defined]
    browser.find_element(By.ID, "lang-switch").click()  # type: ignore[attr-defined]
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "id")
    assert "Kueri tersimpan" in browser.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    browser.get(server + "/editor")  # type: ignore[attr-defined]  # remembered without ?lang
    assert _by_css(browser, "html").get_attribute("lang") == "id"  # type: ignore[attr-defined]
    assert "Penyunting kueri" in browser.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    browser.find_element(By.ID, "lang-switch").click()  # type: ignore[attr-defined]
    _wait(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")


def _editor_text(driver: object) -> str:
    """What the CodeMirror editor of the page holds."""
    return str(driver.execute_script("return window.umkmEditor.state.doc.toString()"))  # type: ignore[attr-defined]


def test_type_into_the_codemirror_editor_and_run(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/editor?lang=en")  # type: ignore[attr-defined]
    content = _by_css(browser, "#editor .cm-editor .cm-content")
    assert not browser.find_element(By.ID, "sparql").is_displayed()  # type: ignore[attr-defined]
    content.click()  # type: ignore[attr-defined]
    content.send_keys(Keys.CONTROL, "a")  # type: ignore[attr-defined]
    content.send_keys(Keys.DELETE)  # type: ignore[attr-defined]
    content.send_keys(  # type: ignore[attr-defined]
        "SELECT DISTINCT ?country WHERE "
        "{ [] umkm:destination ?country . ?country a schema:Country }"
    )
    assert _editor_text(browser).startswith("SELECT DISTINCT ?country WHERE")
    # The SPARQL grammar of codemirror-lang-sparql, not a regex: keywords and variables.
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".cm-content .tok-keyword"))
    keywords = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".cm-content .tok-keyword")]  # type: ignore[attr-defined]
    assert keywords[:3] == ["SELECT", "DISTINCT", "WHERE"]
    found = browser.find_elements(By.CSS_SELECTOR, ".cm-content .tok-variableName")  # type: ignore[attr-defined]
    variables = [e.text for e in found]
    assert "?country" in variables
    content.send_keys(Keys.CONTROL, Keys.ENTER)  # type: ignore[attr-defined]
    _by_css(browser, "#result table.results tbody tr")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result table.results tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 8  # the article's destinations that are countries (Dubai is a city)
    assert "Malaysia" in browser.find_element(By.ID, "result").text  # type: ignore[attr-defined]
    # The query typed is the one run, and the editor shows it again over the result.
    _by_css(browser, "#editor .cm-content")
    assert "umkm:destination ?country" in _editor_text(browser)
    # Pasted text's no-break spaces become spaces (a SPARQL parser takes them for a name).
    browser.execute_script(  # type: ignore[attr-defined]
        "window.umkmEditor.dispatch({changes: {from: 0, insert: 'ASK\\u00a0{}\\n'}})"
    )
    assert _editor_text(browser).startswith("ASK {}\n")
    assert _problems(browser) == []


def test_an_editor_example_opens_in_codemirror_and_runs(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/editor?lang=en")  # type: ignore[attr-defined]
    example = _by_css(browser, "ul.examples li a")
    example.click()  # type: ignore[attr-defined]
    _by_css(browser, "#editor .cm-content")
    text = _editor_text(browser)
    assert "SELECT" in text.upper() and "WHERE" in text.upper()
    browser.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
    _by_css(browser, "#result table.results")
    assert not browser.find_elements(By.ID, "message")  # type: ignore[attr-defined]
    assert _problems(browser) == []


def test_upload_a_broken_csv_and_see_the_message(
    browser: object, server: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    broken = tmp_path / "broken.csv"
    broken.write_text("nama,warna_favorit\nKue Lapis,biru\n", encoding="utf-8")
    browser.get(server + "/validate?lang=en")  # type: ignore[attr-defined]
    _by_css(browser, "input#file").send_keys(str(broken))  # type: ignore[attr-defined]
    browser.find_element(By.ID, "check").click()  # type: ignore[attr-defined]
    message = _by_css(browser, "#message")
    assert "broken.csv" in message.text  # type: ignore[attr-defined]
    assert "warna_favorit" in message.text  # type: ignore[attr-defined]


def test_charts_and_the_map_render(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "/?lang=en")  # type: ignore[attr-defined]
    _wait(
        browser,
        lambda d: (
            len(d.find_elements(By.CSS_SELECTOR, "figure.chart[data-rendered]"))
            == len(d.find_elements(By.CSS_SELECTOR, "figure.chart"))
            > 0
        ),
    )
    figures = browser.find_elements(By.CSS_SELECTOR, "figure.chart")  # type: ignore[attr-defined]
    assert {f.get_attribute("data-rendered") for f in figures} == {"true"}
    bars = [f for f in figures if f.get_attribute("data-kind") == "bar"]
    maps = [f for f in figures if f.get_attribute("data-kind") == "map"]
    assert len(bars) == 2 and len(maps) == 1
    for figure in bars:
        marks = figure.find_elements(By.CSS_SELECTOR, "svg g.mark-rect path")
        assert len(marks) >= 4  # size classes, or destination countries
    countries = maps[0].find_elements(By.CSS_SELECTOR, "svg g.mark-shape path")
    assert len(countries) > 150  # world-atlas 110m has 177 countries
    shaded = [p for p in countries if p.get_attribute("fill") not in ("#e6e8eb", None)]
    # Every destination of countries-ranked is shaded, except Singapore: at 1:110m it has no
    # shape, so it is a dot at its point in map-points.json, and nothing is left undrawn.
    destinations = json.loads(maps[0].get_attribute("data-chart"))
    assert len(destinations) >= 8
    assert any(d["label"] == "Singapore" and d["iso"] == "702" for d in destinations)
    assert len(shaded) == len(destinations) - 1
    assert len({p.get_attribute("fill") for p in shaded}) >= 2  # Malaysia (the most) is darker
    dots = maps[0].find_elements(By.CSS_SELECTOR, "svg g.mark-symbol path")
    assert [d.get_attribute("aria-label") for d in dots] == ["Singapore: 2"]
    assert dots[0].get_attribute("fill") not in ("#e6e8eb", None)
    assert maps[0].find_element(By.CSS_SELECTOR, ".not-drawn").text == ""
    assert _problems(browser) == []
    dots[0].click()  # the dot links Singapore's page, as a shape links its country's
    _wait(browser, lambda d: d.current_url.endswith("/id/country-sg"))
    assert _by_css(browser, "main h1").text == "Singapore"  # type: ignore[attr-defined]
