"""Synthetic registries of Kota Tangerang's UMKM, for benchmarks and tests at registry scale.

    write_registry("registry.nq", enterprises=100_000, seed=7)
    write_registry("batch.csv", enterprises=1_000, seed=8, broken_ratio=0.1,
                   manifest="batch.broken.jsonl")

Records have exactly the shape of CSV records mapped by :mod:`~umkm_kg.records.csvrecords`
(Indonesian names, owners with honorifics, unique 13-digit NIBs, products in Indonesian and English
in the graph's product categories, export destinations among the graph's countries, never one
country twice, size classes of UU 20/2008 or PP 7/2021, a kelurahan of Kota Tangerang from the
reference graph). A place the bundled graph lacked would be written too (none is, since the
reference graph holds every kelurahan of the city), so that the output validates against the
bundled graph with nothing added by hand:

- ``.ttl`` and ``.nt``: the places first, then the records;
- ``.nq``: the records in the graph ``graph/records/synth-<seed>`` (:func:`records_graph`), the
  places in ``graph/records/synth-places`` (:data:`PLACES_GRAPH`);
- ``.csv``: the places cannot be in the CSV: they go to ``FILE.places.ttl`` beside it (or
  ``places=``). Validate or add both together: ``umkm-kg validate registry.places.ttl
  registry.csv`` (CSV names resolve against the RDF files of the same batch).

Everything is streamed (memory does not grow with the registry) and the bytes depend only on
the size, the seed, the broken ratio and the bundled graph. Each output starts with a comment
saying it is synthetic; every record's ``dct:source`` says so too.
"""

from __future__ import annotations

import csv
import json
import os
import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from ..errors import BadInput
from ..namespaces import KG, RECORDS_GRAPH_PREFIX
from ..records.csvrecords import Triple
from .emit import CSV_HEADER, TURTLE_PREFIXES, Block, Emitter, Syntax, csv_cells
from .records import MAPPING_BREAKAGES, SHAPES_BREAKAGES, Breakage, Enterprise, Generator, plant
from .reference import Reference, bundled_reference

__all__ = [
    "PLACES_GRAPH",
    "Breakage",
    "Enterprise",
    "SynthFormat",
    "SynthSummary",
    "ntriples_chunks",
    "records_graph",
    "synthesize",
    "write_registry",
]

PLACES_GRAPH = RECORDS_GRAPH_PREFIX + "synth-places"
"""The named graph of the places an N-Quads registry adds (the kelurahan)."""
STDOUT = "-"
_CHUNK = 500


def records_graph(seed: int) -> str:
    """The named graph of the records of an N-Quads registry made with ``seed``."""
    return f"{RECORDS_GRAPH_PREFIX}synth-{seed}"


def source_text(seed: int) -> str:
    """The ``dct:source`` of every synthetic record: it says the record is made up."""
    return f"Data sintetis umkm-kg synth (seed {seed}), bukan data usaha sebenarnya"


class SynthFormat(StrEnum):
    """What a registry can be written as."""

    TURTLE = "ttl"
    NTRIPLES = "nt"
    NQUADS = "nq"
    CSV = "csv"

    @classmethod
    def for_path(cls, path: str) -> SynthFormat:
        """The format named by ``path``'s extension.

        :raises BadInput: the extension is not one of ``.ttl``, ``.nt``, ``.nq``, ``.csv``.
        """
        suffix = Path(path).suffix.lower().lstrip(".")
        return cls.parse(suffix, f"cannot tell the format of {path!r} from its extension")

    @classmethod
    def parse(cls, name: str, message: str | None = None) -> SynthFormat:
        """:raises BadInput: not one of the formats."""
        for fmt in cls:
            if name.lower().lstrip(".") == fmt.value:
                return fmt
        raise BadInput(
            message or f"unknown registry format {name!r}",
            hint=f"write one of: {', '.join('.' + f.value for f in cls)} (or give --format)",
        )


@dataclass(frozen=True)
class SynthSummary:
    """What was written."""

    enterprises: int
    broken: int
    triples: int
    """Triples of the records and places (0 for CSV, whose rows are mapped when read)."""
    places: int
    """Kelurahan written as reference data (those the bundled graph lacks)."""
    places_path: str | None = None


def synthesize(
    out: TextIO,
    fmt: SynthFormat,
    *,
    enterprises: int,
    seed: int,
    broken_ratio: float = 0.0,
    places: TextIO | None = None,
    manifest: TextIO | None = None,
    reference: Reference | None = None,
) -> SynthSummary:
    """Write a registry of ``enterprises`` synthetic enterprises to ``out``.

    The places go to ``places`` when given (as Turtle), else into ``out`` (RDF formats only).
    About ``broken_ratio`` of the records carry one planted problem each (for CSV also cells
    the mapping refuses); ``manifest`` receives one JSON line per broken record: its index,
    CSV row, enterprise IRI, kind, column, the check that finds it, and the ``focus`` nodes
    the problem is reported on.

    :raises BadInput: a negative size or a ratio outside [0, 1].
    """
    if enterprises < 0:
        raise BadInput(f"the number of enterprises must be 0 or more, not {enterprises}")
    if not 0.0 <= broken_ratio <= 1.0:
        raise BadInput(f"the broken ratio must be between 0 and 1, not {broken_ratio}")
    ref = reference or bundled_reference()
    rdf = fmt is not SynthFormat.CSV
    writer = _RdfWriter(out, fmt, ref, seed) if rdf else None
    emitter = writer.emitter if writer else Emitter(ref, Syntax(turtle=False))
    note = (
        f"Synthetic UMKM registry (made up, not real enterprises): umkm-kg synth "
        f"--enterprises {enterprises} --seed {seed}"
        + (f" --broken-ratio {broken_ratio:g}" if broken_ratio else "")
    )
    place_triples = ref.place_triples()
    if places is not None:
        _write_places(places, place_triples, note, ref)
    triples = 0
    if writer is not None:
        writer.start(note)
        if places is None:
            triples += writer.places(place_triples)
    else:
        out.write(f"# {note}\n")
        table = csv.writer(out, lineterminator="\n")
        table.writerow(CSV_HEADER)
    broken = 0
    chunk: list[str] = []
    for record in _records(ref, seed, enterprises, broken_ratio, rdf):
        if writer is not None:
            blocks, focus = writer.emitter.blocks(record)
            triples += writer.add(blocks, chunk)
        else:
            table.writerow(csv_cells(record))
            focus = emitter.blocks(record)[1] if record.broken else []
        if record.broken is not None:
            broken += 1
            if manifest is not None:
                manifest.write(_manifest_line(record, focus, rdf) + "\n")
        if len(chunk) >= _CHUNK:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))
    return SynthSummary(enterprises, broken, triples, sum(1 for p in ref.places if p.new))


def ntriples_chunks(
    enterprises: int, seed: int, *, chunk: int = 1000, reference: Reference | None = None
) -> Iterator[str]:
    """The records of a registry as N-Triples text, ``chunk`` whole enterprises at a time (the
    places not included: see :meth:`Reference.place_triples`), e.g. to validate a big registry
    in parts of bounded size."""
    ref = reference or bundled_reference()
    emitter = Emitter(ref, Syntax(turtle=False))
    lines: list[str] = []
    for i, record in enumerate(_records(ref, seed, enterprises, 0.0, True), 1):
        blocks, _ = emitter.blocks(record)
        lines.extend(f"{s} {p} {o} .\n" for s, pairs in blocks for p, o in pairs)
        if i % chunk == 0:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


def _records(
    ref: Reference, seed: int, count: int, ratio: float, rdf: bool
) -> Iterator[Enterprise]:
    kinds: tuple[Breakage, ...] = SHAPES_BREAKAGES if rdf else SHAPES_BREAKAGES + MAPPING_BREAKAGES
    # A generator of its own: the same seed gives the same registry at any broken ratio, only
    # the planted records differ.
    chance = random.Random(f"umkm-kg synth broken {seed}").random
    for record in Generator(ref, seed, source_text(seed)).enterprises(count):
        if ratio and chance() < ratio:
            record = plant(record, kinds[int(chance() * len(kinds))], ref)
        yield record


def _manifest_line(record: Enterprise, focus: list[str], rdf: bool) -> str:
    assert record.broken is not None
    entry = {
        "index": record.index,
        "row": None if rdf else record.index + 3,  # after the comment and the header
        "enterprise": record.iri,
        "kind": record.broken.kind,
        "column": record.broken.column,
        "check": record.broken.check,
        "focus": [_full_iri(f) for f in focus],
    }
    return json.dumps(entry, ensure_ascii=False)


def _full_iri(term: str) -> str:
    if term.startswith("kg:"):
        return f"{KG}{term[3:]}"
    return term.strip("<>")


class _RdfWriter:
    """Blocks of triples as N-Triples, N-Quads or Turtle text."""

    def __init__(self, out: TextIO, fmt: SynthFormat, ref: Reference, seed: int) -> None:
        self.out = out
        self.fmt = fmt
        self.emitter = Emitter(ref, Syntax(turtle=fmt is SynthFormat.TURTLE))
        self.graph = f" <{records_graph(seed)}>" if fmt is SynthFormat.NQUADS else ""

    def start(self, note: str) -> None:
        self.out.write(f"# {note}\n")
        if self.fmt is SynthFormat.TURTLE:
            for prefix, namespace in TURTLE_PREFIXES.items():
                self.out.write(f"PREFIX {prefix}: <{namespace}>\n")
            self.out.write("\n")

    def places(self, triples: list[Triple]) -> int:
        graph = self.graph
        if self.fmt is SynthFormat.NQUADS:
            self.graph = f" <{PLACES_GRAPH}>"
        chunk: list[str] = []
        count = self.add(self.emitter.triple_blocks(triples), chunk)
        self.out.write("".join(chunk))
        self.graph = graph
        return count

    def add(self, blocks: list[Block], chunk: list[str]) -> int:
        count = 0
        if self.fmt is SynthFormat.TURTLE:
            for subject, pairs in blocks:
                body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
                chunk.append(f"{subject}\n    {body} .\n\n")
                count += len(pairs)
            return count
        tail = f"{self.graph} .\n"
        for subject, pairs in blocks:
            chunk.extend(f"{subject} {p} {o}{tail}" for p, o in pairs)
            count += len(pairs)
        return count


def _write_places(out: TextIO, triples: list[Triple], note: str, ref: Reference) -> None:
    writer = _RdfWriter(out, SynthFormat.TURTLE, ref, 0)
    writer.start(f"Places for: {note}")
    writer.places(triples)


def write_registry(
    path: str,
    *,
    enterprises: int,
    seed: int,
    fmt: SynthFormat | None = None,
    broken_ratio: float = 0.0,
    places: str | None = None,
    manifest: str | None = None,
) -> SynthSummary:
    """Write a registry to the file ``path`` (``-``: standard output); see :func:`synthesize`.

    The format is ``fmt``, else ``path``'s extension. For CSV the places go to ``places``,
    by default ``FILE.places.ttl`` beside ``FILE.csv``. Files are written whole or not at all
    (a temporary file renamed at the end).

    :raises BadInput: an unknown format, standard output without ``fmt``, CSV on standard
        output without ``places``, a folder that cannot be written.
    """
    if fmt is None:
        if path == STDOUT:
            raise BadInput(
                "cannot tell the format of standard output",
                hint="give --format ttl, nt, nq or csv (or -o FILE with one of those extensions)",
            )
        fmt = SynthFormat.for_path(path)
    if fmt is SynthFormat.CSV and places is None:
        if path == STDOUT:
            raise BadInput(
                "a CSV registry on standard output needs --places FILE for its places",
                hint="the kelurahan cannot be in the CSV; they are written as Turtle to FILE",
            )
        places = str(Path(path).with_suffix(".places.ttl"))
    with (
        _output(path) as out,
        _output(places) as places_out,
        _output(manifest) as manifest_out,
    ):
        assert out is not None
        summary = synthesize(
            out,
            fmt,
            enterprises=enterprises,
            seed=seed,
            broken_ratio=broken_ratio,
            places=places_out,
            manifest=manifest_out,
        )
    return SynthSummary(
        summary.enterprises, summary.broken, summary.triples, summary.places, places
    )


@contextmanager
def _output(path: str | None) -> Iterator[TextIO | None]:
    if path is None:
        yield None
        return
    if path == STDOUT:
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        out = open(temporary, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with out:
            yield out
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
