"""What the resolver reads of the places, categories, size classes, agencies and business
fields (:mod:`.resolver`), kept in the data folder's ``cache/`` between commands.

Reading it walks every statement about the 2,600 resources of the reference graph: 0.2-0.3 s
of every 1,000-record add at 100,000 enterprises, for an answer that changes only with the
bundled data or with a batch that describes one of those resources (a CSV batch never does:
its subjects are its own enterprises, owners, products and claims). So the file holds the
answer with the graphs it was read from, and holds for a store:

- whose bundled data has the fingerprint the file was read with (:mod:`umkm_kg.store.disk`
  notes it in each generation), so a graph changed in place with the package is read again;
- where each graph it was read from is still there with its size (records graphs only lose
  records, so a size that changed is a change);
- whose other graphs say nothing of those resources and type none: checked once per graph,
  with one lookup per class and per resource (about 20 ms), and noted in the file.

Anything else reads the store again. The destinations as written are kept apart, per batch
(:mod:`.written`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..store.disk import DiskStore, Generation
from .graphcache import load_cached, store_cached
from .resolver import RESOLVED_CLASSES, described, resolver_rows, typed_resources
from .written import CACHE_FILE as WRITTEN_FILE
from .written import cached_destinations

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CACHE_FILE = "reference-names.bin"
_FORMAT = 1
MAX_CHECKED = 8
"""More new graphs than this are not checked one by one: reading again costs less."""

Typed = dict[str, list[str]]
Keys = dict[str, list[str]]
Labels = dict[str, dict[str, str]]


def stored_rows(store: DiskStore) -> tuple[list[tuple[str, str, str]], Labels]:
    """The rows and labels of :class:`.resolver.Resolver` for the current generation of
    ``store``, from the files of its data folder's ``cache/`` where they still hold."""
    cache = store.cache.folder
    generation = store.generation
    written = cached_destinations(store.oxigraph, generation.graphs, cache / WRITTEN_FILE)
    typed, keys, labels = cached_reference(store.oxigraph, generation, cache / CACHE_FILE)
    return resolver_rows(typed, keys, written), labels


def cached_reference(
    store: ox.Store, generation: Generation, cache: Path
) -> tuple[Typed, Keys, Labels]:
    """:func:`.resolver.typed_resources` and :func:`.resolver.described` of ``store`` (the
    store of ``generation``), from the file ``cache`` when it still holds for the store, else
    read and written into it."""
    graphs = generation.graphs
    fingerprint = generation.meta.get("bundled")
    kept = load_cached(cache, _FORMAT)
    parts = _parts(kept) if isinstance(fingerprint, str) else None
    if parts is not None and parts["bundled"] == fingerprint:
        sources, quiet = parts["graphs"], parts["quiet"]
        typed = parts["typed"]
        unchanged = all(graphs.get(g) == size for g, size in sources.items())
        new = [g for g, size in graphs.items() if g not in sources and quiet.get(g) != size]
        few = unchanged and len(new) <= MAX_CHECKED
        if few and all(_says_nothing(store, g, typed) for g in new):
            if new:
                kept_quiet = {g: size for g, size in graphs.items() if g not in sources}
                store_cached(cache, _FORMAT, {**parts, "quiet": kept_quiet})
            return typed, parts["keys"], parts["labels"]
    typed = typed_resources(store)
    keys, labels = described(store, typed)
    if isinstance(fingerprint, str):
        payload = {
            "bundled": fingerprint,
            "graphs": dict(graphs),
            "quiet": {},
            "typed": typed,
            "keys": keys,
            "labels": labels,
        }
        store_cached(cache, _FORMAT, payload)
    return typed, keys, labels


def _parts(kept: Any) -> dict[str, Any] | None:
    """The file's payload, if it has the shape :func:`cached_reference` writes."""
    if not isinstance(kept, dict):
        return None
    shapes = {"bundled": str, "graphs": dict, "quiet": dict, "typed": dict, "keys": dict}
    if not all(isinstance(kept.get(name), kind) for name, kind in shapes.items()):
        return None
    return kept if isinstance(kept.get("labels"), dict) else None


def _says_nothing(store: ox.Store, graph: str, typed: Typed) -> bool:
    """True if the named graph ``graph`` types no resource of the resolver's classes and has
    no statement about one of ``typed``."""
    node = ox.NamedNode(graph)
    kind = ox.NamedNode(RDF_TYPE)
    for cls in sorted(RESOLVED_CLASSES):
        if next(store.quads_for_pattern(None, kind, ox.NamedNode(cls), node), None):
            return False
    return not any(
        next(store.quads_for_pattern(ox.NamedNode(iri), None, None, node), None) for iri in typed
    )
