"""A small deterministic generator of realistic UMKM registries and CSV batches.

The registry is a set of neighbourhoods (kelurahan) of Kota Tangerang plus N enterprises,
mapped through :mod:`umkm_kg.csvrecords` so that they have exactly the shape of added records.
Batches are CSV files (Indonesian headers) with planted problems in about one row in ten:
half caught while mapping (unknown country or category, formula cell, bad NIB, unknown size
class), half caught by the SHACL shapes (an owner that is not a person, a location or a
destination that is not a place) or by the reference check (an unknown kg: IRI).

    python benchmarks/generate.py registry 10000 > registry.csv
    python benchmarks/generate.py batch 1000 > batch.csv
"""

from __future__ import annotations

import csv
import io
import random
import sys

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from umkm_kg.csvrecords import slug
from umkm_kg.namespaces import KG, SCHEMA, UMKM

KELURAHAN = (
    "Larangan Utara",
    "Larangan Selatan",
    "Gaga",
    "Kreo Selatan",
    "Cipadu Jaya",
    "Karawaci Baru",
    "Nusa Jaya",
    "Bojong Jaya",
    "Sukajadi",
    "Cimone",
    "Pasar Baru",
    "Koang Jaya",
    "Margasari",
    "Cibodas Baru",
    "Uwung Jaya",
    "Panunggangan",
    "Poris Plawad",
    "Cipete",
    "Sukasari",
    "Babakan",
    "Buaran Indah",
    "Sudimara Pinang",
    "Kunciran",
    "Paninggilan",
    "Sudimara Barat",
    "Tajur",
    "Parung Serab",
    "Gondrong",
    "Kenanga",
    "Cipondoh Indah",
    "Poris Jaya",
    "Batusari",
    "Karang Anyar",
    "Mekarsari",
    "Gebang Raya",
    "Periuk Jaya",
    "Gembor",
    "Alam Jaya",
    "Gandasari",
    "Keroncong",
    "Pabuaran",
    "Benda",
    "Belendung",
    "Jurumudi",
    "Kebon Besar",
)
TRADES = (
    ("Batik", "batik", "Batik tulis", "Hand-drawn batik"),
    ("Hijab", "hijab", "Kerudung", "Headscarves"),
    ("Busana", "busana muslimah", "Gamis", "Long dresses"),
    ("Sepatu", "footwear", "Sepatu kulit", "Leather shoes"),
    ("Mebel", "furniture", "Kursi rotan", "Rattan chairs"),
    ("Kerajinan", "handicraft", "Anyaman bambu", "Woven bamboo"),
    ("Suvenir", "souvenir", "Gantungan kunci", "Key rings"),
    ("Konveksi", "fashion", "Kaos", "T-shirts"),
)
WORDS = (
    "Sekar",
    "Jaya",
    "Makmur",
    "Sentosa",
    "Berkah",
    "Lestari",
    "Mandiri",
    "Sejahtera",
    "Abadi",
    "Indah",
    "Cahaya",
    "Mulia",
    "Harapan",
    "Bintang",
    "Melati",
    "Kenanga",
    "Nusantara",
    "Ayu",
)
OWNERS = ("Sari", "Dewi", "Siti", "Rina", "Yanti", "Budi", "Agus", "Joko", "Eko", "Hendra")
DESTINATIONS = (
    "Malaysia",
    "MY",
    "Singapura",
    "SG",
    "Singapore",
    "Belanda",
    "Netherlands",
    "NL",
    "Arab Saudi",
    "SA",
    "Australia",
    "AU",
    "Brunei",
    "BN",
    "Thailand",
    "TH",
    "Prancis",
    "FR",
    "Uni Emirat Arab",
    "AE",
    "Dubay",
)
HEADER = (
    "nama",
    "nib",
    "pemilik",
    "produk",
    "produk_en",
    "kategori",
    "tujuan_ekspor",
    "lokasi",
    "kelas_usaha",
    "dasar_kelas",
    "sumber",
    "dilaporkan_oleh",
)
PLANTED = (
    ("tujuan_ekspor", "Narnia"),  # unknown country (mapping)
    ("kategori", "elektronik"),  # unknown category (mapping)
    ("sumber", '=HYPERLINK("http://evil.example")'),  # formula (mapping)
    ("nib", "12345"),  # malformed NIB (mapping)
    ("kelas_usaha", "raksasa"),  # unknown size class (mapping)
    ("pemilik", "kg:country-my"),  # owner is not a person (SHACL-SPARQL)
    ("lokasi", "kg:category-batik"),  # location is not a place (SHACL)
    ("tujuan_ekspor", "kg:category-hijab"),  # destination is not a place (SHACL + SPARQL)
    ("tujuan_ekspor", "kg:country-zz"),  # unknown kg: resource (reference check)
)


def places() -> Graph:
    """The kelurahan of the registry, as umkm:Neighbourhood in Kota Tangerang."""
    graph = Graph()
    for name in KELURAHAN:
        node = KG[f"neighbourhood-{slug(name)}"]
        graph.add((node, RDF.type, UMKM.Neighbourhood))
        graph.add((node, RDFS.label, Literal(name, lang="id")))
        graph.add((node, RDFS.label, Literal(name, lang="en")))
        graph.add((node, SCHEMA.containedInPlace, URIRef(KG["city-tangerang"])))
    return graph


def rows(count: int, *, seed: int, nib_prefix: str, planted: bool) -> list[dict[str, str]]:
    """``count`` enterprise rows; with ``planted``, about one in ten carries a problem."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        trade, category, product, product_en = rng.choice(TRADES)
        name = f"{trade} {rng.choice(WORDS)} {rng.choice(WORDS)} {i + 1}"
        row = {
            "nama": name,
            "nib": f"{nib_prefix}{i:011d}",
            "pemilik": f"{rng.choice(('ibu', 'bapak'))} {rng.choice(OWNERS)}",
            "produk": product,
            "produk_en": product_en,
            "kategori": category,
            "tujuan_ekspor": "; ".join(rng.sample(DESTINATIONS, rng.randint(0, 3))),
            "lokasi": rng.choice(KELURAHAN),
            "kelas_usaha": rng.choice(("mikro", "mikro", "mikro", "kecil", "menengah")),
            "dasar_kelas": rng.choice(("2008", "2021")),
            "sumber": "Pendataan UMKM Kota Tangerang 2024",
            "dilaporkan_oleh": "kg:org-disperindagkop-tangerang",
        }
        if planted and i % 10 == 3:
            column, value = PLANTED[(i // 10) % len(PLANTED)]
            row[column] = value
        out.append(row)
    return out


def to_csv(table: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()


def registry_csv(count: int) -> str:
    """A registry of ``count`` valid enterprises, as CSV."""
    return to_csv(rows(count, seed=2016, nib_prefix="91", planted=False))


def batch_csv(count: int, *, seed: int = 7) -> str:
    """A batch of ``count`` new records with planted problems, as CSV."""
    return to_csv(rows(count, seed=seed, nib_prefix="92", planted=True))


if __name__ == "__main__":
    what, size = sys.argv[1], int(sys.argv[2])
    sys.stdout.write(registry_csv(size) if what == "registry" else batch_csv(size))
