"""Run one measured step in a forked child, so that its peak memory is its own."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any


def in_child(target: Callable[..., None], *args: Any) -> dict[str, Any]:
    """Call ``target(*args, pipe)`` in a forked process; return what it sends on the pipe."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(*args, child))
    process.start()
    child.close()
    figures: dict[str, Any] = parent.recv()
    process.join()
    return figures
