"""The home page of ``umkm-kg serve`` on a registry: how long until its charts are there, and
what a visit costs, with the server's background warming and without it.

    python benchmarks/web_home.py DATA_DIR [--clear-cache]

``DATA_DIR`` is a data folder with a registry loaded (e.g. a copy of one made with
``umkm-kg synth --enterprises 100000`` and ``umkm-kg load``). It is opened as ``umkm-kg serve``
opens it (the disk store and a pool of 2 query processes) and the app is called in-process
(Starlette's TestClient). Three rounds, each with a fresh server:

1. ``cold, no warming``: what a server without warming does: the first visit starts the
   figures and waits 3 s for them; visits every second until the page has every chart.
2. ``cold, warming``: the result cache emptied again, the warmer starts at once: the time
   until the figures are all computed with no visit, then the visits' times; then the time
   until the warmer has made the forms' menus too, and one form's time after that.
3. ``restart, warming``: the cache kept from round 2 (as after a restart): the same times.

``--clear-cache`` empties ``DATA_DIR/cache`` before rounds 1 and 2 (the answers kept for the
current generation), so never point it at a folder you share. Without it the rounds start
with whatever the cache holds. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient

from umkm_kg.web import WebSettings, create_app
from umkm_kg.web.server import open_graph

LOCAL = "http://127.0.0.1"


def _visit(web: TestClient) -> tuple[float, bool]:
    started = time.perf_counter()
    page = web.get("/?lang=en")
    assert page.status_code == 200, page.status_code
    return time.perf_counter() - started, 'class="pending"' not in page.text


FORMS = (("enterprise-description", "enterprise"), ("exporters-by-country", "country"))
"""Forms whose menu of graph values is timed once the warmer has made the menus."""


def _form(web: TestClient, name: str, field: str) -> str:
    started = time.perf_counter()
    page = web.get(f"/queries/{name}?lang=en")
    spent = time.perf_counter() - started
    shown = "a menu" if f'<select id="p-{field}"' in page.text else "a text field"
    return f"{name} {spent * 1000:.1f} ms, {shown}"


def _round(data_dir: Path, *, warm: bool, clear: bool, visits: int) -> None:
    if clear:
        shutil.rmtree(data_dir / "cache", ignore_errors=True)
    started = time.perf_counter()
    kg = open_graph(data_dir, workers=2)
    opened = time.perf_counter() - started
    settings = WebSettings(warm_every=1.0 if warm else None, max_timeout=120)
    app = create_app(kg, settings=settings)
    name = ("cold" if clear else "restart") + (", warming" if warm else ", no warming")
    try:
        with TestClient(app, base_url=LOCAL) as web:
            started = time.perf_counter()
            if warm:
                while app.state.warmer.seen is None:
                    time.sleep(0.01)
                done = app.state.home_figures.warm(kg, timeout=None)
                done.wait()
                ready = time.perf_counter() - started
                times = [_visit(web)[0] for _ in range(visits)]
                first = times[0]
                while app.state.warmer.warmed != app.state.warmer.seen:
                    time.sleep(0.05)
                menus = time.perf_counter() - started
                forms = [_form(web, name, field) for name, field in FORMS]
            else:
                first, complete = _visit(web)
                times = [first]
                while not complete:
                    time.sleep(1.0)
                    spent, complete = _visit(web)
                    times.append(spent)
                ready = time.perf_counter() - started
                times += [_visit(web)[0] for _ in range(visits)]
            print(
                f"{name:22} store opened {opened:6.2f} s  charts ready {ready:7.2f} s  "
                f"first visit {first * 1000:8.1f} ms  median visit "
                f"{statistics.median(times[-visits:]) * 1000:7.1f} ms  ({len(times)} visits)"
            )
            if warm:
                print(f"{'':22} menus ready {menus:7.2f} s  " + "  ".join(forms))
    finally:
        kg.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--clear-cache", action="store_true", help="empty DATA_DIR/cache first")
    parser.add_argument("--visits", type=int, default=5)
    args = parser.parse_args()
    _round(args.data_dir, warm=False, clear=args.clear_cache, visits=args.visits)
    _round(args.data_dir, warm=True, clear=args.clear_cache, visits=args.visits)
    _round(args.data_dir, warm=True, clear=False, visits=args.visits)


if __name__ == "__main__":
    main()
