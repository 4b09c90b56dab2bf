"""Does the stored data conform? Answered from what was checked as it was written.

Records are validated in context when they are added or loaded, against the shapes version the
batch records (``dct:conformsTo``). So the store conforms when the bundled graphs do and every
batch was validated against the current shapes; only what was not (a ``--no-validate`` load, a
batch checked against older shapes) is validated now, in chunks. The answer is kept beside the
generation (``gNNNNNNNN.check.json``): a generation never changes, so neither does its answer.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..namespaces import RECORDS_GRAPH_PREFIX

if TYPE_CHECKING:
    from ..store import DiskStore

CONFORMS_TO = "http://purl.org/dc/terms/conformsTo"


@dataclass(frozen=True)
class StoredCheck:
    """The verdict on one generation: violations found, and what had to be validated anew."""

    conforms: bool
    violations: int
    rechecked: tuple[str, ...]


def check_stored(store: DiskStore) -> StoredCheck:
    """Whether the data in ``store`` conforms to the shapes (cached per generation)."""
    cache = store.folder / f"{store.generation.name}.check.json"
    try:
        found = json.loads(cache.read_text(encoding="utf-8"))
        return StoredCheck(found["conforms"], found["violations"], tuple(found["rechecked"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    verdict = _check(store)
    with contextlib.suppress(OSError):  # a read-only data folder: answer again next time
        cache.write_text(json.dumps(asdict(verdict)), encoding="utf-8")
    return verdict


def _check(store: DiskStore) -> StoredCheck:
    from ..kg import KnowledgeGraph
    from ..validation import shapes_version, validate_graph
    from .load import Loaded, validate_stored_graph

    violations = validate_graph(KnowledgeGraph.embedded()).violation_count  # the bundled graphs
    current = shapes_version()
    unvalidated = set(store.generation.meta.get("unvalidated", []))
    data = store.oxigraph
    stale = []
    for graph in store.generation.graphs:
        if not graph.startswith(RECORDS_GRAPH_PREFIX):
            continue
        node = ox.NamedNode(graph)
        claimed = {
            str(getattr(q.object, "value", ""))
            for q in data.quads_for_pattern(node, ox.NamedNode(CONFORMS_TO), None, node)
        }
        if graph in unvalidated or current not in claimed:
            stale.append(graph)
    context = KnowledgeGraph(store)
    for graph in stale:
        loaded = Loaded(graph=graph)
        validate_stored_graph(
            context, data, graph, graph.rsplit("/", 1)[-1], loaded, shapes_cache=store.cache.folder
        )
        violations += loaded.violation_count  # problems, as for the bundled graphs above
    return StoredCheck(violations == 0, violations, tuple(stale))
