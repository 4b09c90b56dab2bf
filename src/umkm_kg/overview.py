"""What ``umkm-kg info`` says first, in plain words: enterprises, records, batches, where."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from .namespaces import GRAPH, RECORDS_GRAPH_PREFIX, UMKM

if TYPE_CHECKING:
    from .kg import Info, KnowledgeGraph


@dataclass(frozen=True)
class Overview:
    """The headline counts, and the graph's classes and graphs by readable names."""

    enterprises: int
    records: int
    batches: int
    data_dir: Path | None
    endpoint: str | None
    classes: list[tuple[str, str, int]]
    """(prefixed name, label in the language asked for or "", entities), by prefixed name."""
    graphs: list[tuple[str, int]]
    """(short graph name: ``article``, ``records/<batch>``..., triples)."""


def overview(kg: KnowledgeGraph, info: Info, lang: str, endpoint: str | None = None) -> Overview:
    """The plain summary of ``info``: batches and records from the data folder's store."""
    from .query.catalogue import compact
    from .query.render import label_terms
    from .store import DiskStore

    batches = records = 0
    if isinstance(kg.store, DiskStore) and kg.data_dir is not None:
        from .records import RecordsStore

        found = RecordsStore(kg.data_dir).batches()
        batches, records = len(found), sum(b.enterprises for b in found)
    else:
        batches = sum(1 for g in info.graphs if g.startswith(RECORDS_GRAPH_PREFIX))
    iris = [URIRef(c) for c in info.classes]
    labels = label_terms(kg, iris, lang)
    classes = sorted(
        (
            (compact(iri), str(labels[iri]) if iri in labels else "", info.classes[str(iri)])
            for iri in iris
        ),
        key=lambda row: row[0].casefold(),
    )
    graphs = [(name.removeprefix(str(GRAPH)), count) for name, count in info.graphs.items()]
    return Overview(
        enterprises=info.classes.get(str(UMKM.Enterprise), 0),
        records=records,
        batches=batches,
        data_dir=kg.data_dir if endpoint is None else None,
        endpoint=endpoint,
        classes=classes,
        graphs=graphs,
    )
