"""Probable-duplicate detection against a registry: index build, one record, a 1,000-row batch.

    nice -n 10 python benchmarks/similar.py --enterprises 100000      # synth + load + measure
    python benchmarks/similar.py --data-dir /tmp/registry/d100k     # an already loaded store

The registry is ``umkm-kg synth --enterprises N --seed 1`` loaded with ``umkm-kg load
--no-validate`` (a trusted dump) into a private data folder (kept, so a second run skips it).
Then, on that store:

- the name index (:func:`~umkm_kg.records.similar.cached_index`): read from the store (one
  pass over the names), then from its cache file, as each ``add`` after the first does;
- ``find_similar`` for one record (a copy of an article enterprise, "CV. Haura Hijab" with
  "ibu Bunga"), which must be found;
- ``find_similar`` for 1,000 CSV rows of another seed, a tenth of them copies of registry
  enterprises with the legal form, case and one letter changed and the same kelurahan, which
  must all be found; with the candidates each name was compared with (the blocking's work)
  beside the registry size (what comparing against all would cost);
- a whole ``umkm-kg add --dry-run`` of the single record, as a clerk runs it.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rdflib import Graph

from umkm_kg.kg import KnowledgeGraph
from umkm_kg.records import RecordsStore
from umkm_kg.records.similar import INDEX_FILE, NameIndex, cached_index, find_similar
from umkm_kg.synth import SynthFormat, synthesize
from umkm_kg.validation import read_batch

CLI = [sys.executable, "-m", "umkm_kg.cli"]


def _ensure_registry(data_dir: Path, enterprises: int, work: Path) -> None:
    if (data_dir / "store" / "CURRENT").is_file() and RecordsStore(data_dir).batches():
        return
    dump = work / f"r{enterprises}.nq"
    if not dump.exists():
        subprocess.run(
            [*CLI, "synth", "--enterprises", str(enterprises), "--seed", "1", "-o", str(dump)],
            check=True,
        )
    start = time.perf_counter()
    # A trusted dump: the figures are of the duplicate check, not of validating a load.
    command = [*CLI, "--data-dir", str(data_dir), "load", "--no-validate", str(dump)]
    subprocess.run(command, check=True)
    print(f"load: {time.perf_counter() - start:.1f} s")


def _batch_csv(index: NameIndex, store_place: dict[str, str], work: Path, rows: int) -> Path:
    """``rows`` synthetic rows of seed 2; every tenth is a respelt copy of a registry name."""
    out = io.StringIO()
    synthesize(out, SynthFormat.CSV, enterprises=rows, seed=2)
    lines = [line for line in out.getvalue().splitlines() if not line.startswith("#")]
    table = list(csv.reader(lines))
    header, body = table[0], table[1:]
    name_at, place_at, nib_at = header.index("nama"), header.index("lokasi"), header.index("nib")
    step = max(1, len(index.names) // (rows // 10 or 1))
    planted = []
    for i in range(0, len(body), 10):
        position = (i // 10) * step % len(index.names)
        original = index.shown[position]
        place = store_place.get(index.iris[position])
        if place is None:
            continue
        respelt = "CV " + original.upper()
        respelt = respelt[:-1] + ("X" if respelt[-1] != "X" else "Y")  # one letter changed
        body[i][name_at], body[i][place_at], body[i][nib_at] = respelt, place, ""
        planted.append(index.iris[position])
    path = work / f"batch{rows}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *body])
    (work / f"batch{rows}.planted").write_text("\n".join(planted), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=Path("/tmp/registry/bench-similar"))
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    data_dir = args.data_dir or args.work / f"d{args.enterprises}"
    _ensure_registry(data_dir, args.enterprises, args.work)

    records = RecordsStore(data_dir)
    store = records.dataset()
    cache = data_dir / "cache" / INDEX_FILE
    cache.unlink(missing_ok=True)
    start = time.perf_counter()
    index = cached_index(store, records.graph_sizes(), cache)
    built = time.perf_counter() - start
    start = time.perf_counter()
    index = cached_index(store, records.graph_sizes(), cache)
    warm = time.perf_counter() - start
    print(f"enterprises in the store: {len(index.names):,}")
    print(f"name index: {built:.2f} s read from the store, {warm:.2f} s from its cache file")
    blocks = [len(v) for v in index.words.values()]
    print(
        f"  {len(index.words):,} index keys; enterprises per key: median "
        f"{statistics.median(blocks):.0f}, max {max(blocks):,}"
    )

    copy = Graph().parse(
        data="""PREFIX kg: <https://w3id.org/umkm-kg/id/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX schema: <https://schema.org/>
        PREFIX umkm: <https://w3id.org/umkm-kg/ontology#>
        kg:enterprise-copy a umkm:Enterprise ; schema:name "CV. Haura Hijab" ;
            umkm:owner kg:person-copy .
        kg:person-copy a schema:Person ; schema:name "Bunga" ; rdfs:label "ibu Bunga"@id .""",
        format="turtle",
    )
    start = time.perf_counter()
    found = find_similar(copy, store, index=cached_index(store, records.graph_sizes(), cache))
    one = time.perf_counter() - start
    assert [f.existing for f in found] == ["https://w3id.org/umkm-kg/id/enterprise-haura-hijab"]
    print(f"one record (index from its cache): {one:.2f} s, found {found[0].existing_name!r}")

    places = {
        row["e"].value: row["p"].value
        for row in store.query(  # type: ignore[union-attr]
            "SELECT ?e (SAMPLE(?l) AS ?p) WHERE { ?e a <https://w3id.org/umkm-kg/ontology#"
            "Enterprise> ; <https://w3id.org/umkm-kg/ontology#locationAsWritten> ?l } GROUP BY ?e",
            use_default_graph_as_union=True,
        )
    }
    path = _batch_csv(index, places, args.work, args.rows)
    planted = set((args.work / f"batch{args.rows}.planted").read_text().split())
    kg = KnowledgeGraph.embedded(data_dir=data_dir)
    batch = read_batch([str(path)], kg)
    start = time.perf_counter()
    found = find_similar(
        batch.graph, store, index=cached_index(store, records.graph_sizes(), cache)
    )
    took = time.perf_counter() - start
    hits = {f.existing for f in found}
    compared = [len(index.candidates(n)) for n in _names(batch.graph)]
    print(
        f"{args.rows:,} rows: {took:.2f} s ({took / args.rows * 1000:.1f} ms a row, index "
        f"included); {len(found)} reported, {len(planted & hits)}/{len(planted)} planted found"
    )
    print(
        f"  names compared per row: median {statistics.median(compared):.0f}, "
        f"max {max(compared):,} (of {len(index.names):,})"
    )
    extra = [f for f in found if f.existing not in planted]
    for f in extra[:5]:
        print(
            f"  also reported: {f.name!r} ~ {f.existing_name!r} ({f.score:.0f}; {f.reasons().en})"
        )

    single = args.work / "haura.csv"
    single.write_text("nama,pemilik,lokasi,sumber\nCV Haura Hijab,ibu Bunga,Cipadu,x\n")
    start = time.perf_counter()
    done = subprocess.run(
        [*CLI, "--data-dir", str(data_dir), "add", "--dry-run", str(single)],
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - start
    assert done.returncode == 1 and "probable duplicate" in done.stdout, done.stdout + done.stderr
    print(f"umkm-kg add --dry-run of one copied record: {took:.2f} s (refused, exit 1)")


def _names(graph: Graph) -> list[str]:
    from rdflib import URIRef
    from rdflib.namespace import RDF

    enterprise = URIRef("https://w3id.org/umkm-kg/ontology#Enterprise")
    name = URIRef("https://schema.org/name")
    return [str(graph.value(e, name)) for e in graph.subjects(RDF.type, enterprise)]


if __name__ == "__main__":
    main()
