"""The server's background warming: the home page's figures, the label index, and the first
page of each saved query's menus of graph values, made as soon as the server sees a new data
version rather than when the first visitor after it asks.

At 100,000 enterprises the home page's aggregates take tens of seconds on the disk store;
computed here, they land in the store's result cache (``DATA/cache``, kept per generation)
and in the app's :class:`~.home.HomeFigures`, and every visit reads them. The menus (kept in
the app, per data version) follow, one at a time, so the query processes stay free for visitors.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from ..errors import UmkmError
from ..kg import KnowledgeGraph
from ..query.labelindex import index_of
from .home import HomeFigures, data_version
from .query_pages import warm_menus


class Warmer:
    """A daemon thread that looks for a new data version every ``every`` seconds and then
    starts computing its home-page figures (one version at a time, never two at once)."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        figures: HomeFigures,
        *,
        app_state: Any = None,
        every: float,
        timeout: float | None,
    ) -> None:
        self.kg, self.figures, self.every, self.timeout = kg, figures, every, timeout
        self.app_state = app_state
        self.seen: str | None = None
        self.warmed: str | None = None
        """The last data version whose figures and menus are all made."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="cache-warmer")
        self._thread.start()

    def stop(self) -> None:
        """Stop looking (a computation under way ends with its queries' own time limits)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)

    def check(self) -> threading.Event | None:
        """Start warming if the data version is new to this warmer; the event is set when the
        figures are all computed. None when there is nothing new (or no version: remote)."""
        version = data_version(self.kg)
        if version is None or version == self.seen:
            return None
        done = self.figures.warm(self.kg, timeout=self.timeout)
        self.seen = version
        return done

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                done = self.check()
            except UmkmError:  # e.g. CURRENT names a missing generation: the pages say so
                done = None
            if done is not None:  # one version at a time: the store's workers serve visitors
                while not done.wait(self.every) and not self._stop.is_set():
                    pass
                version = self.seen
                if not self._stop.is_set():
                    _make_label_index(self.kg)
                if self.app_state is not None and not self._stop.is_set():
                    warm_menus(self.app_state, self.kg, self.timeout)
                self.warmed = version
            self._stop.wait(self.every)


def _make_label_index(kg: KnowledgeGraph) -> None:
    """Make the data version's label index (the search box and the menus' names use it)."""
    with contextlib.suppress(UmkmError):  # an unwritable cache: searches go without it
        index_of(kg.store)
