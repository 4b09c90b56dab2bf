"""Reference data: ISO 3166-1 countries, Indonesia's administrative areas (Kemendagri codes)
and KBLI 2020 business fields, in their own named graph beside the ontology and the article.

The graph is generated from licensed sources (:mod:`umkm_kg.reference.build`, recorded in the
graph with version, licence and checksum) and bundled as ``data/reference/reference.nt``;
every store loads it as it loads the ontology.
"""

from __future__ import annotations

from ..namespaces import REFERENCE_GRAPH

__all__ = ["REFERENCE_GRAPH"]
