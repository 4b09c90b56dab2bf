"""Defaults every interface shares: how long a query may run, how many rows it may return, and
where the data folder is (a module of its own so that a command line start imports no more)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_TIMEOUT = 30.0
"""Seconds a query may run before it is stopped."""
DEFAULT_MAX_ROWS = 10_000
"""Rows a SELECT may return before the answer is cut (and said to be cut)."""
DATA_DIR_ENV = "UMKM_KG_DATA"


def default_data_dir() -> Path:
    """Where added records live: ``$UMKM_KG_DATA`` or the platform's per-user data directory."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("umkm-kg", appauthor=False)
