"""Validating record files in bounded memory: RDF as one batch, CSV rows a chunk at a time.

A CSV row becomes some fifty triples, held three times over while a batch is validated (the
rows, the triples, the engine's index): a 15 MB CSV of 93,000 rows took 10.5 GB. So CSV rows are
mapped and validated :data:`CHUNK` at a time, each chunk together with the batch's RDF files
(which CSV rows may name, as ``places.ttl registry.csv`` does) as context it does not own, and
the reports are merged. Rows do not refer to each other, so a chunk sees all a row needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rdflib.namespace import SH

from ..records.csvcolumns import read_rows
from ..records.rdfinput import MAX_INPUT_BYTES, read_input
from ..records.resolver import Resolver
from .batch import RecordBatch, add_rdf
from .findings import finish, new_report
from .report import Problem, RecordRef, ValidationReport

CHUNK = 2_000
"""CSV rows validated together."""


def validate_files(
    paths: Sequence[str],
    kg: Any,
    *,
    fmt: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
    chunk: int = CHUNK,
) -> ValidationReport:
    """Validate the records of ``paths`` against ``kg``, as :func:`~umkm_kg.validation.validate`
    of :func:`~umkm_kg.validation.read_batch` would, in memory bounded by ``chunk`` CSV rows.

    :raises BadInput: a file that cannot be read or parsed (exit code 2).
    """
    from . import validate
    from .engine import copy_result

    rdf = RecordBatch()
    tables = []
    for path in paths:
        raw = read_input(path, fmt=fmt, max_bytes=max_bytes)
        rdf.sources.append(raw.name)
        if raw.format.tabular:
            tables.append(raw)
        else:
            add_rdf(rdf, raw)
    rdf.triples = list(dict.fromkeys(rdf.triples))
    if not tables:
        return validate(rdf, kg)
    reports = [validate(rdf, kg)] if rdf.records else []
    resolver = Resolver.from_kg(kg)
    resolver.add_triples(rdf.triples)
    context = RecordBatch(triples=rdf.triples)
    for raw in tables:
        table = read_rows(raw)
        for start in range(0, len(table.rows), chunk):
            part = RecordBatch(sources=rdf.sources)
            part.add_csv_rows(raw.name, table.rows[start : start + chunk], table.titles, resolver)
            own = len(part.triples)
            part.triples = list(dict.fromkeys(part.triples[:own])) + context.triples
            reports.append(validate(part, kg))
    if len(reports) == 1:
        return reports[0]
    problems: list[tuple[RecordRef, Problem]] = []
    graph = new_report()
    for report in reports:
        for record in report.records:
            problems.extend((record.record, p) for p in record.problems)
        for result in report.graph.objects(None, SH.result):
            copy_result(report.graph, result, graph)
    return finish(problems, graph, sum(r.record_count for r in reports))
