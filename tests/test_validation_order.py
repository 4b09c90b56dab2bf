"""A validation report lists its problems in the same order in every process.

Regression: three advice lines on one record (one per export claim) came out in a hash-seed
dependent order, because the sort key ignored the focus node.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROW = (
    "nama,pemilik,produk,produk_en,kategori,tujuan_ekspor,lokasi,sumber\n"
    "Batik Sekar Jagad,ibu Sekar,Batik tulis,Hand-drawn batik,batik,"
    "Malaysia; SG; Dubay; Belanda,Kota Tangerang,Formulir 2024\n"
)


def test_report_order_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    records = tmp_path / "records.csv"
    records.write_text(ROW, encoding="utf-8")
    reports = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-m", "umkm_kg.cli", "validate", str(records), "--report", "text"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "UMKM_KG_DATA": str(tmp_path / "d")},
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("prov:wasAttributedTo") == 4
        reports.add(done.stdout)
    assert len(reports) == 1
