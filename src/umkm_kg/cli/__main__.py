"""``python -m umkm_kg.cli``."""

from . import run

run()
